"""One identity per entity across articles: the entity_identities rows, a pure function of the current entities."""

from __future__ import annotations

from datetime import UTC, datetime

import pandera.errors
import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from flows.core.intel.analysis import with_own_identities
from flows.core.intel.canonical import resolve_entities
from flows.core.intel.identities import EntityRow, cross_article_identities, key_names
from flows.core.models import EntityMention, Section
from flows.core.tables.identity_rows import identities_frame
from flows.core.tables.rows import RunInfo, column_order
from schemas.tables import EntityIdentities
from schemas.vocabulary import IdentityRule

RUN = RunInfo("r", datetime(2026, 12, 3, tzinfo=UTC), "0.1.0", "m", "1", "1.0.0")


def _rows(articles: dict[str, list[tuple[str, str]]]) -> list[EntityRow]:
    """The article_entities rows of hand-written articles ({id: [(text, label), ...]}), as the flow makes them:
    each article resolved on its own."""
    rows = []
    for article_id, named in articles.items():
        mentions, at = [], 0
        for text, label in named:
            mentions.append(EntityMention(article_id, Section.BODY, at, at + len(text), text, label, 1))
            at += len(text) + 1
        resolved = with_own_identities(mentions, resolve_entities(mentions))
        rows += [(article_id, e.entity_key, e.name, e.label) for e in resolved.entities]
    return rows


def _identity(articles: dict[str, list[tuple[str, str]]]) -> dict[str, str]:
    return {row.entity_key: row.identity_key for row in cross_article_identities(_rows(articles))}


@pytest.mark.parametrize(
    ("short", "full", "identity"),
    [
        (("GM", "ORG"), ("General Motors", "ORG"), "ORG:general motors"),
        (("AP", "ORG"), ("The Associated Press", "ORG"), "ORG:associated press"),
        (("Apple Computer", "ORG"), ("Apple Inc.", "ORG"), "ORG:apple"),
        (("ExxonMobil", "ORG"), ("Exxon Mobil Corp.", "ORG"), "ORG:exxon mobil"),
        (("IBM", "ORG"), ("International Business Machines", "ORG"), "ORG:international business machines"),
    ],
)
def test_identities_join_one_company_named_differently_in_two_articles(
    short: tuple[str, str], full: tuple[str, str], identity: str
) -> None:
    found = _identity({"a": [short, ("Detroit", "GPE")], "b": [full]})
    assert len({found[key] for key in found if key.startswith("ORG:")}) == 1
    assert set(found.values()) == {identity, "GPE:detroit"}


def test_identities_name_the_identity_and_say_how_each_key_joined() -> None:
    rows = _rows({"a": [("IBM", "ORG")], "b": [("International Business Machines", "ORG")]})
    rows += _rows({"c": [("Apple Computer", "ORG")]})
    rows += _rows({"d": [("Apple", "ORG")]})
    found = {row.entity_key: row for row in cross_article_identities(rows)}
    assert (found["ORG:ibm"].identity_name, found["ORG:ibm"].rule) == (
        "International Business Machines",
        IdentityRule.ACRONYM,
    )
    assert found["ORG:apple computer"].rule is IdentityRule.TRADE_NAME
    assert found["ORG:international business machines"].rule is IdentityRule.OWN
    assert found["ORG:apple computer"].identity_key == "ORG:apple"


@pytest.mark.parametrize(
    ("one", "other"),
    [
        (("House", "ORG"), ("House Freedom Caucus", "ORG")),
        (("Chrysler", "ORG"), ("Chrysler Aspen", "ORG")),
        (("Reuters", "ORG"), ("Thomson Reuters Trust Principles", "ORG")),
        (("Apple", "ORG"), ("Apple Music", "ORG")),
        (("GE", "ORG"), ("General Electric", "PERSON")),  # initials of a name of another label
    ],
)
def test_identities_keep_different_things_apart(one: tuple[str, str], other: tuple[str, str]) -> None:
    found = _identity({"a": [one], "b": [other]})
    assert len(set(found.values())) == 2


def test_identities_leave_an_acronym_of_two_names_apart() -> None:
    two = {"a": [("IBM", "ORG")], "b": [("International Business Machines", "ORG")]}
    two["c"] = [("Iron Bridge Mills", "ORG")]
    assert _identity(two)["ORG:ibm"] == "ORG:ibm"


def test_identities_join_a_surname_only_on_evidence() -> None:
    # Another person of that surname, and nothing in common: apart.
    assert _identity({"a": [("Adam Smith", "PERSON")], "b": [("Smith", "PERSON")]})["PERSON:smith"] == (
        "PERSON:smith"
    )
    # The articles share another entity: the surname is that person.
    shared = {
        "a": [("Mike Johnson", "PERSON"), ("House", "ORG")],
        "b": [("Johnson", "PERSON"), ("House", "ORG")],
    }
    assert _identity(shared)["PERSON:johnson"] == "PERSON:mike johnson"
    # Evidence for two full names: apart.
    both = {**shared, "c": [("Boris Johnson", "PERSON"), ("House", "ORG")]}
    assert _identity(both)["PERSON:johnson"] == "PERSON:johnson"
    # Evidence for one of two: that one.
    one = {**shared, "c": [("Boris Johnson", "PERSON"), ("Kyiv", "GPE")]}
    assert _identity(one)["PERSON:johnson"] == "PERSON:mike johnson"


def test_identities_take_the_name_most_articles_give_a_key_ties_in_code_point_order() -> None:
    assert key_names(
        [("ORG:apple", "Apple Inc", "ORG"), ("ORG:apple", "Apple", "ORG"), ("ORG:apple", "Apple", "ORG")]
    )["ORG:apple"] == ("Apple", "ORG")
    assert key_names([("ORG:apple", "Apple Inc", "ORG"), ("ORG:apple", "Apple", "ORG")])["ORG:apple"] == (
        "Apple",
        "ORG",
    )


ARTICLES = {
    "a": [("General Motors", "ORG"), ("Mike Johnson", "PERSON"), ("House", "ORG")],
    "b": [("GM", "ORG"), ("Johnson", "PERSON"), ("House", "ORG")],
    "c": [("Apple Computer", "ORG"), ("AP", "ORG"), ("Adam Smith", "PERSON")],
    "d": [("Apple Inc.", "ORG"), ("The Associated Press", "ORG"), ("Smith", "PERSON")],
    "e": [("House Freedom Caucus", "ORG"), ("Chrysler", "ORG"), ("Apple", "ORG")],
    "f": [("Chrysler Aspen", "ORG"), ("Boris Johnson", "PERSON"), ("Kyiv", "GPE")],
}


@given(st.permutations(_rows(ARTICLES)))
def test_identities_do_not_depend_on_the_order_of_the_rows(rows: list[EntityRow]) -> None:
    assert cross_article_identities(rows) == cross_article_identities(_rows(ARTICLES))


@given(st.permutations(sorted(ARTICLES)))
def test_identities_are_the_same_whatever_order_the_articles_came_in(order: list[str]) -> None:
    assert cross_article_identities(_rows({k: ARTICLES[k] for k in order})) == cross_article_identities(
        _rows(ARTICLES)
    )


def test_identities_every_identity_is_its_own_row() -> None:
    found = cross_article_identities(_rows(ARTICLES))
    own = {row.entity_key for row in found if row.rule is IdentityRule.OWN}
    assert {row.identity_key for row in found} <= own
    assert [row.entity_key for row in found] == sorted({row[1] for row in _rows(ARTICLES)})


def test_identities_frame_is_valid_and_the_schema_refuses_a_broken_one() -> None:
    frame = identities_frame(_rows(ARTICLES), RUN)
    assert frame.columns == column_order(EntityIdentities)
    assert frame.filter(pl.col("entity_key") == "ORG:apple computer")["identity_key"].to_list() == [
        "ORG:apple"
    ]
    broken = frame.with_columns(
        pl.when(pl.col("entity_key") == "ORG:apple computer")
        .then(pl.lit("ORG:nowhere"))
        .otherwise("identity_key")
        .alias("identity_key")
    )
    with pytest.raises(pandera.errors.SchemaErrors):
        EntityIdentities.validate(broken, lazy=True)
