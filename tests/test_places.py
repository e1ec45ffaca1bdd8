"""Offline geocoding: each name resolved from the article's context, or left null rather than guessed."""

from __future__ import annotations

import time

import pytest

from flows.core.places import (
    FeatureType,
    GeoMethod,
    context_countries,
    dateline_anchor,
    fold,
    gazetteer,
    geocode,
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
        ("Texas", NO_CONTEXT, GeoMethod.US_STATE, FeatureType.ADMIN1, "US", "Texas"),
        ("Florida", NO_CONTEXT, GeoMethod.US_STATE, FeatureType.ADMIN1, "US", "Florida"),
        ("Georgia", frozenset({"US"}), GeoMethod.US_STATE, FeatureType.ADMIN1, "US", "Georgia"),
        ("Georgia", frozenset({"RU"}), GeoMethod.COUNTRY, FeatureType.COUNTRY, "GE", "Georgia"),
        ("Scotland", NO_CONTEXT, GeoMethod.ADMIN1, FeatureType.ADMIN1, "GB", "Scotland"),
        ("Anbar", IRAQ_STORY, GeoMethod.ADMIN1, FeatureType.ADMIN1, "IQ", "Al Anbār"),
        ("Europe", NO_CONTEXT, GeoMethod.CONTINENT, FeatureType.CONTINENT, None, "Europe"),
        ("Middle East", NO_CONTEXT, GeoMethod.REGION, FeatureType.REGION, None, "Middle East"),
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
    ],
)
def test_places_leaves_unclear_names_null(name: str, context: frozenset[str], method: GeoMethod) -> None:
    result = geocode(name, context)
    assert (result.place, result.method, result.confidence) == (None, method, 0.0)


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
    ("name", "key"),
    [
        ("The Hague", "hague"),
        ("U.S.", "us"),
        ("Côte d’Ivoire", "cote d'ivoire"),
        ("  New   York ", "new york"),
    ],
)
def test_places_fold(name: str, key: str) -> None:
    assert fold(name) == key


def test_places_gazetteer_built_once_and_lookups_are_fast() -> None:
    assert gazetteer() is gazetteer()
    began = time.perf_counter()
    for _ in range(1000):
        geocode("Baghdad", IRAQ_STORY)
    assert time.perf_counter() - began < 0.5
