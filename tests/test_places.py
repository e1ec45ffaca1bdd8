"""Offline geocoding: each name resolved from the article's context, or left null rather than guessed."""

from __future__ import annotations

import time

import pytest

from flows.core.intel.analysis import embedded_place
from flows.core.intel.places import (
    FeatureType,
    GeoMethod,
    context_countries,
    country_of_demonym,
    dateline_anchor,
    fold,
    gazetteer,
    geocode,
    home_states,
    qualifying_states,
)

IRAQ_STORY = frozenset({"IQ", "IR", "US"})
NO_CONTEXT: frozenset[str] = frozenset()


@pytest.mark.parametrize(
    ("name", "context", "method", "feature", "country", "resolved"),
    [
        ("Iraq", NO_CONTEXT, GeoMethod.COUNTRY, FeatureType.COUNTRY, "IQ", "Iraq"),
        ("United States", NO_CONTEXT, GeoMethod.COUNTRY, FeatureType.COUNTRY, "US", "United States"),
        ("Britain", NO_CONTEXT, GeoMethod.COUNTRY, FeatureType.COUNTRY, "GB", "United Kingdom"),
        ("Iran, Islamic Republic of", NO_CONTEXT, GeoMethod.COUNTRY, FeatureType.COUNTRY, "IR", "Iran"),
        ("Baghdad", IRAQ_STORY, GeoMethod.CITY_IN_CONTEXT, FeatureType.CITY, "IQ", "Baghdad"),
        ("Washington", IRAQ_STORY, GeoMethod.CITY_IN_CONTEXT, FeatureType.CITY, "US", "Washington"),
        ("Paris", frozenset({"US"}), GeoMethod.CITY_DOMINANT, FeatureType.CITY, "FR", "Paris"),
        ("Moscow", frozenset({"US"}), GeoMethod.CITY_DOMINANT, FeatureType.CITY, "RU", "Moscow"),
        ("Birmingham", frozenset({"US"}), GeoMethod.CITY_IN_CONTEXT, FeatureType.CITY, "US", "Birmingham"),
        ("Birmingham", frozenset({"GB"}), GeoMethod.CITY_IN_CONTEXT, FeatureType.CITY, "GB", "Birmingham"),
        ("London", NO_CONTEXT, GeoMethod.CITY_DOMINANT, FeatureType.CITY, "GB", "London"),
        ("Kiev", NO_CONTEXT, GeoMethod.CITY_ALTERNATE, FeatureType.CITY, "UA", "Kyiv"),
        ("Jabalia", NO_CONTEXT, GeoMethod.CITY_ALTERNATE, FeatureType.CITY, "PS", "Jabālyā"),
        ("Texas", NO_CONTEXT, GeoMethod.US_STATE, FeatureType.ADMIN1, "US", "Texas"),
        ("Florida", NO_CONTEXT, GeoMethod.US_STATE, FeatureType.ADMIN1, "US", "Florida"),
        ("Georgia", frozenset({"US"}), GeoMethod.US_STATE, FeatureType.ADMIN1, "US", "Georgia"),
        ("Georgia", frozenset({"RU"}), GeoMethod.COUNTRY, FeatureType.COUNTRY, "GE", "Georgia"),
        ("Scotland", NO_CONTEXT, GeoMethod.ADMIN1, FeatureType.ADMIN1, "GB", "Scotland"),
        ("Anbar", IRAQ_STORY, GeoMethod.ADMIN1, FeatureType.ADMIN1, "IQ", "Al Anbār"),
        ("Europe", NO_CONTEXT, GeoMethod.CONTINENT, FeatureType.CONTINENT, None, "Europe"),
        ("Middle East", NO_CONTEXT, GeoMethod.REGION, FeatureType.REGION, None, "Middle East"),
        ("Mediterranean Sea", NO_CONTEXT, GeoMethod.REGION, FeatureType.REGION, None, "Mediterranean Sea"),
        ("Wales", NO_CONTEXT, GeoMethod.ADMIN1, FeatureType.ADMIN1, "GB", "Wales"),
        ("Qinghai", NO_CONTEXT, GeoMethod.ADMIN1, FeatureType.ADMIN1, "CN", "Qinghai Sheng"),
        ("Tibet", NO_CONTEXT, GeoMethod.ADMIN1, FeatureType.ADMIN1, "CN", "Xizang Zizhiqu"),
        ("Gaza Strip", IRAQ_STORY, GeoMethod.ADMIN1, FeatureType.ADMIN1, "PS", "Gaza Strip"),
        ("the West Bank", NO_CONTEXT, GeoMethod.ADMIN1, FeatureType.ADMIN1, "PS", "West Bank"),
        ("Saint Louis", NO_CONTEXT, GeoMethod.CITY_UNIQUE, FeatureType.CITY, "US", "St. Louis"),
    ],
)
def test_places_resolves_names_in_context(
    name: str,
    context: frozenset[str],
    method: GeoMethod,
    feature: FeatureType,
    country: str | None,
    resolved: str,
) -> None:
    result = geocode(name, context)
    assert result.place is not None
    assert (result.method, result.place.feature_type, result.place.country_code, result.place.name) == (
        method,
        feature,
        country,
        resolved,
    )
    assert result.confidence > 0


@pytest.mark.parametrize(
    ("name", "context", "method"),
    [
        ("Springfield", frozenset({"US"}), GeoMethod.AMBIGUOUS),
        ("Springfield", NO_CONTEXT, GeoMethod.AMBIGUOUS),
        ("International Zone", IRAQ_STORY, GeoMethod.NOT_FOUND),
        ("Narnia", NO_CONTEXT, GeoMethod.NOT_FOUND),
        ("metro", NO_CONTEXT, GeoMethod.NOT_FOUND),  # no capital letter: not a place's name
        ("Jupiter", frozenset({"US"}), GeoMethod.NOT_FOUND),  # the planet, not Jupiter, Florida
        ("North", NO_CONTEXT, GeoMethod.NOT_FOUND),  # not Cameroon's North region
        ("White House", NO_CONTEXT, GeoMethod.NOT_FOUND),  # an alternate name of Casablanca
        ("Gazan", NO_CONTEXT, GeoMethod.NOT_FOUND),  # an alternate name of Jizan, Saudi Arabia
        ("Cornwall", frozenset({"GB"}), GeoMethod.AMBIGUOUS),  # Cornwall, Ontario in a story about Britain
        ("Geneva", frozenset({"US"}), GeoMethod.AMBIGUOUS),  # Geneva, Illinois or Switzerland's
        ("Mass.", NO_CONTEXT, GeoMethod.NOT_FOUND),  # Massachusetts only in an article set in the US
        ("OH", NO_CONTEXT, GeoMethod.NOT_FOUND),
        ("Bay State", NO_CONTEXT, GeoMethod.NOT_FOUND),  # not Somalia's Bay region
        ("East Coast", NO_CONTEXT, GeoMethod.NOT_FOUND),
        ("Central Park", frozenset({"US"}), GeoMethod.NOT_FOUND),
    ],
)
def test_places_leaves_unclear_names_null(name: str, context: frozenset[str], method: GeoMethod) -> None:
    result = geocode(name, context)
    assert (result.place, result.method, result.confidence) == (None, method, 0.0)


@pytest.mark.parametrize(
    ("name", "context", "method", "country", "admin1", "resolved"),
    [
        ("Calif.", NO_CONTEXT, GeoMethod.US_STATE, "US", "CA", "California"),
        ("Calif", NO_CONTEXT, GeoMethod.US_STATE, "US", "CA", "California"),
        ("N.Y.", NO_CONTEXT, GeoMethod.US_STATE, "US", "NY", "New York"),
        ("W.Va.", NO_CONTEXT, GeoMethod.US_STATE, "US", "WV", "West Virginia"),
        ("Mass.", frozenset({"US"}), GeoMethod.US_STATE, "US", "MA", "Massachusetts"),
        ("Wash.", frozenset({"US"}), GeoMethod.US_STATE, "US", "WA", "Washington"),
        ("OH", frozenset({"US"}), GeoMethod.US_STATE, "US", "OH", "Ohio"),
        ("NYC", NO_CONTEXT, GeoMethod.CITY_IN_CONTEXT, "US", "NY", "New York City"),
        ("L.A.", NO_CONTEXT, GeoMethod.CITY_IN_CONTEXT, "US", "CA", "Los Angeles"),
        ("D.C.", NO_CONTEXT, GeoMethod.CITY_IN_CONTEXT, "US", "DC", "Washington"),
        ("Washington, D.C.", NO_CONTEXT, GeoMethod.CITY_IN_CONTEXT, "US", "DC", "Washington"),
        ("Portland, Ore.", NO_CONTEXT, GeoMethod.CITY_IN_CONTEXT, "US", "OR", "Portland"),
        ("Portland, Maine", NO_CONTEXT, GeoMethod.CITY_IN_CONTEXT, "US", "ME", "Portland"),
        ("Glasgow, Scotland", NO_CONTEXT, GeoMethod.CITY_IN_CONTEXT, "GB", "SCT", "Glasgow"),
        ("New York State", NO_CONTEXT, GeoMethod.US_STATE, "US", "NY", "New York"),
        ("Washington State", NO_CONTEXT, GeoMethod.US_STATE, "US", "WA", "Washington"),
        ("Southern California", NO_CONTEXT, GeoMethod.US_STATE, "US", "CA", "California"),
        ("northern Israel", NO_CONTEXT, GeoMethod.COUNTRY, "IL", None, "Israel"),
        ("South Belfast", NO_CONTEXT, GeoMethod.CITY_DOMINANT, "GB", "NIR", "Belfast"),
        ("Greater Boston", NO_CONTEXT, GeoMethod.CITY_DOMINANT, "US", "MA", "Boston"),
        ("City of St. Louis", NO_CONTEXT, GeoMethod.CITY_UNIQUE, "US", "MO", "St. Louis"),
        ("Qinghai province", NO_CONTEXT, GeoMethod.ADMIN1, "CN", "CN-QH", "Qinghai Sheng"),
        ("Kaduna State", frozenset({"NG"}), GeoMethod.ADMIN1, "NG", "NG-KD", "Kaduna"),
    ],
)
def test_places_short_and_qualified_forms(
    name: str,
    context: frozenset[str],
    method: GeoMethod,
    country: str,
    admin1: str | None,
    resolved: str,
) -> None:
    result = geocode(name, context)
    assert result.place is not None
    assert (result.method, result.place.country_code, result.place.admin1, result.place.name) == (
        method,
        country,
        admin1,
        resolved,
    )


@pytest.mark.parametrize(
    ("names", "dateline", "countries"),
    [
        (["Calif."], None, {"US"}),
        (["Scotland", "Iraq"], None, {"GB", "IQ"}),
        (["Gaza Strip"], None, {"PS"}),
        ([], "BOSTON", {"US"}),
        ([], "SPRINGFIELD", set()),  # a dateline city that is not one place names no country
    ],
)
def test_places_context_countries(names: list[str], dateline: str | None, countries: set[str]) -> None:
    assert context_countries(names, dateline) == countries


def test_places_dateline_picks_the_namesake() -> None:
    context = context_countries(["France"], "PARIS, Texas")
    assert context == {"FR", "US"}
    anchored = geocode("Paris", context, dateline_anchor("Paris", "PARIS, Texas"))
    assert anchored.place is not None
    assert (anchored.place.country_code, anchored.place.admin1) == ("US", "TX")
    assert dateline_anchor("Houston", "PARIS, Texas") == frozenset()


def test_places_coordinates_for_countries_cities_and_states() -> None:
    iraq, texas = geocode("Iraq", NO_CONTEXT).place, geocode("Texas", NO_CONTEXT).place
    assert iraq is not None
    assert texas is not None
    assert (iraq.latitude, iraq.longitude) == (33.34058, 44.40088)  # the capital's point
    assert texas.latitude is not None
    assert 29 < texas.latitude < 34
    assert -100 < (texas.longitude or 0) < -94


@pytest.mark.parametrize(
    ("name", "context", "south", "north", "west", "east"),
    [
        ("Scotland", NO_CONTEXT, 55.0, 58.7, -7.5, -1.7),
        ("Wales", NO_CONTEXT, 51.4, 53.4, -5.3, -2.7),
        ("Gaza Strip", NO_CONTEXT, 31.2, 31.6, 34.2, 34.6),
        ("West Bank", NO_CONTEXT, 31.3, 32.6, 34.9, 35.6),
        ("Kaduna State", frozenset({"NG"}), 9.0, 11.5, 6.0, 9.0),
    ],
)
def test_places_coordinates_for_other_countries_regions(
    name: str, context: frozenset[str], south: float, north: float, west: float, east: float
) -> None:
    """A subdivision's point is the population-weighted centre of its cities: inside its bounds."""
    place = geocode(name, context).place
    assert place is not None
    assert place.latitude is not None
    assert place.longitude is not None
    assert south < place.latitude < north
    assert west < place.longitude < east


def test_places_regions_without_a_known_point_have_none() -> None:
    place = geocode("Tibet", NO_CONTEXT).place  # GeoNames codes China's provinces by number, not ISO letters
    assert place is not None
    assert (place.latitude, place.longitude) == (None, None)


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("The Hague", "hague"),
        ("U.S.", "us"),
        ("Côte d’Ivoire", "cote d'ivoire"),
        ("  New   York ", "new york"),
        ("Saint Louis", "st louis"),
        ("St. Louis", "st louis"),
        ("Fort Worth", "ft worth"),
    ],
)
def test_places_fold(name: str, key: str) -> None:
    assert fold(name) == key


def test_places_gazetteer_built_once_and_lookups_are_fast() -> None:
    assert gazetteer() is gazetteer()
    began = time.perf_counter()
    for _ in range(1000):
        geocode("Baghdad", IRAQ_STORY)
        geocode("northern Israel", IRAQ_STORY)  # a miss, then a second lookup without the qualifier
        geocode("Calif.", IRAQ_STORY)
    assert time.perf_counter() - began < 0.5


# --- local news: home states, US towns and counties, "City, State", datelines, demonyms -----------------


@pytest.mark.parametrize(
    ("names", "states"),
    [
        (["Cottonport", "Avoyelles", "Alexandria"], {"LA"}),  # every name is a town or parish of Louisiana
        (["Springfield", "Ohio"], {"OH"}),  # the state named outright
        (["Iraq", "Baghdad"], set()),
        (["Springfield"], set()),  # one name is no evidence for a state
        (["Paris", "Henry County"], {"TN"}),  # the one state whose Paris lies in its Henry County
        (["Athens", "Clarke County"], {"GA"}),  # Athens, Georgia is in Clarke County
        (["Paris", "Kent County"], set()),  # no Paris lies in a Kent County: still no evidence
        (["Houston", "Texas", "Montreal"], {"TX"}),  # "Texas" the state, not Texas County, Missouri
    ],
)
def test_places_home_states(names: list[str], states: set[str]) -> None:
    assert home_states(names, None) == states


@pytest.mark.parametrize(
    ("name", "states", "feature", "resolved", "state", "method"),
    [
        ("Alexandria", {"LA"}, FeatureType.CITY, "Alexandria", "LA", GeoMethod.CITY_IN_CONTEXT),
        ("Paris", {"TX"}, FeatureType.CITY, "Paris", "TX", GeoMethod.CITY_IN_CONTEXT),
        ("Cottonport", {"LA"}, FeatureType.CITY, "Cottonport", "LA", GeoMethod.TOWN_IN_STATE),
        ("Avoyelles", {"LA"}, FeatureType.COUNTY, "Avoyelles Parish", "LA", GeoMethod.US_COUNTY),
        ("Laurel County", {"KY"}, FeatureType.COUNTY, "Laurel County", "KY", GeoMethod.US_COUNTY),
        ("Cottonport, La.", set(), FeatureType.CITY, "Cottonport", "LA", GeoMethod.TOWN_IN_STATE),
    ],
)
def test_places_local_names_in_the_home_state(
    name: str, states: set[str], feature: FeatureType, resolved: str, state: str, method: GeoMethod
) -> None:
    found = geocode(name, frozenset({"US"}), states=frozenset(states))
    assert found.place is not None
    assert (found.place.feature_type, found.place.name, found.place.admin1, found.method) == (
        feature,
        resolved,
        state,
        method,
    )
    assert found.place.latitude is not None


def test_places_county_of_many_states_needs_the_home_state() -> None:
    assert geocode("Fulton County", frozenset({"US"})).method is GeoMethod.AMBIGUOUS
    assert geocode("Fulton County", frozenset({"US"}), states=frozenset({"GA"})).method is GeoMethod.US_COUNTY


def test_places_world_city_of_a_named_country_wins_over_a_home_state_town() -> None:
    # Moscow, Arkansas is a post-office town; the story names Russia, whose Moscow has millions of people
    found = geocode("Moscow", frozenset({"US", "RU"}), states=frozenset({"AR"}))
    assert found.place is not None
    assert found.place.country_code == "RU"
    # without Russia named, the home state's town stays the answer
    local = geocode("Moscow", frozenset({"US"}), states=frozenset({"AR"}))
    assert local.place is not None
    assert (local.place.admin1, local.method) == ("AR", GeoMethod.TOWN_IN_STATE)


def test_places_small_town_of_another_state_is_left_null() -> None:
    # Cottonport is a Louisiana town: a story set in Ohio does not take it
    assert geocode("Cottonport", frozenset({"US"}), states=frozenset({"OH"})).place is None


@pytest.mark.parametrize(
    ("text", "name", "states"),
    [
        ("He moved to Paris, Texas, in 1990.", "Paris", {"TX"}),
        ("a lawyer from Alexandria, Va., said", "Alexandria", {"VA"}),
        ("Paris, France, is far away.", "Paris", set()),
        ("In Paris the mayor spoke.", "Paris", set()),
    ],
)
def test_places_city_state_convention(text: str, name: str, states: set[str]) -> None:
    assert qualifying_states(name, [text]) == states


def test_places_canadian_provinces_are_not_us_towns() -> None:
    context = context_countries(["B.C.", "Ontario"], None) | {"US", "CA"}
    for name, resolved in (("B.C.", "British Columbia"), ("Ontario", "Ontario")):
        found = geocode(name, context)
        assert found.place is not None
        assert (found.place.feature_type, found.place.country_code, found.place.name) == (
            FeatureType.ADMIN1,
            "CA",
            resolved,
        )


def test_places_new_york_dateline_is_the_city() -> None:
    found = geocode("New York", frozenset({"US"}), dateline_anchor("New York", "NEW YORK"))
    assert found.place is not None
    assert (found.place.feature_type, found.place.name) == (FeatureType.CITY, "New York City")
    # without the dateline the name is the state
    assert geocode("New York", frozenset({"US"})).place.feature_type is FeatureType.ADMIN1  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("name", "country"), [("Turkish", "TR"), ("Israelis", "IL"), ("American", "US"), ("Democrats", None)]
)
def test_places_demonyms_stand_for_their_country(name: str, country: str | None) -> None:
    place = country_of_demonym(name)
    assert (place.country_code if place else None) == country


@pytest.mark.parametrize(
    ("name", "states", "expected"),
    [
        ("Illinois Skills Match", frozenset(), ("Illinois", FeatureType.ADMIN1)),
        ("University of Illinois", frozenset(), ("Illinois", FeatureType.ADMIN1)),
        ("the Turkey Red Crescent", frozenset(), ("Turkey", FeatureType.COUNTRY)),
        ("Charleston Police Department", frozenset({"SC"}), ("Charleston", FeatureType.CITY)),
        ("New York Stock Exchange", frozenset(), ("New York", FeatureType.ADMIN1)),
        ("Union Pacific", frozenset({"NE"}), None),  # a small town's name is a word, not taken
        ("Madison County Health Department", frozenset({"IN"}), ("Madison County", FeatureType.COUNTY)),
        ("Madison County Health Department", frozenset(), None),  # a county of many states: not the city
        ("General Motors", frozenset(), None),
        ("Hamas", frozenset(), None),
        ("Illinois", frozenset(), None),  # the whole name is no organisation's part
    ],
)
def test_places_embedded_in_an_organisations_name(
    name: str, states: frozenset[str], expected: tuple[str, FeatureType] | None
) -> None:
    found = embedded_place(name, frozenset({"US"}), states)
    place = found[1].place if found else None
    assert ((found[0], place.feature_type) if found and place else None) == expected
