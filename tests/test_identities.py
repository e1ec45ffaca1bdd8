"""One identity per entity across articles: the entity_identities rows, a pure function of the current entities."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import partial
from pathlib import Path

import pandera.errors
import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from flows.core.intel.analysis import with_own_identities
from flows.core.intel.canonical import resolve_entities
from flows.core.intel.identities import ENTITY_COLUMNS, cross_article_identities, key_names
from flows.core.models import EntityMention, Section
from flows.core.tables.identity_rows import identities_frame
from flows.core.tables.rows import RunInfo, column_order
from flows.storage import CommitResult
from schemas.tables import EntityIdentities
from schemas.vocabulary import IdentityRule

RUN = RunInfo("r", datetime(2026, 12, 3, tzinfo=UTC), "0.1.0", "m", "1", "1.0.0", "/raw")


EntityRow = tuple[str, str, str, str]


def _frame(rows: list[EntityRow]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=list(ENTITY_COLUMNS), orient="row")


def _found(rows: list[EntityRow]) -> dict[str, dict[str, str]]:
    """entity_key: its identity row."""
    return {row["entity_key"]: row for row in cross_article_identities(_frame(rows)).to_dicts()}


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
    return {key: row["identity_key"] for key, row in _found(_rows(articles)).items()}


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
    found = _found(rows)
    assert (found["ORG:ibm"]["identity_name"], found["ORG:ibm"]["rule"]) == (
        "International Business Machines",
        IdentityRule.ACRONYM,
    )
    assert found["ORG:apple computer"]["rule"] == IdentityRule.TRADE_NAME
    assert found["ORG:international business machines"]["rule"] == IdentityRule.OWN
    assert found["ORG:apple computer"]["identity_key"] == "ORG:apple"


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
    def name(*names: str) -> str:
        rows = [(str(n), "ORG:apple", text, "ORG") for n, text in enumerate(names)]
        return str(key_names(_frame(rows))["canonical_name"].item())

    assert name("Apple Inc", "Apple Inc", "Apple") == "Apple Inc"
    assert name("Apple Inc", "Apple") == name("Apple", "Apple Inc") == "Apple"


ARTICLES = {
    "a": [("General Motors", "ORG"), ("Mike Johnson", "PERSON"), ("House", "ORG")],
    "b": [("GM", "ORG"), ("Johnson", "PERSON"), ("House", "ORG")],
    "c": [("Apple Computer", "ORG"), ("AP", "ORG"), ("Adam Smith", "PERSON")],
    "d": [("Apple Inc.", "ORG"), ("The Associated Press", "ORG")],
    "e": [("House Freedom Caucus", "ORG"), ("Chrysler", "ORG"), ("Apple", "ORG")],
    "f": [("Chrysler Aspen", "ORG"), ("Boris Johnson", "PERSON"), ("Kyiv", "GPE"), ("Smith", "PERSON")],
}


EXPECTED = cross_article_identities(_frame(_rows(ARTICLES)))


@given(st.permutations(_rows(ARTICLES)))
def test_identities_do_not_depend_on_the_order_of_the_rows(rows: list[EntityRow]) -> None:
    assert cross_article_identities(_frame(rows)).equals(EXPECTED)


@given(st.permutations(sorted(ARTICLES)))
def test_identities_are_the_same_whatever_order_the_articles_came_in(order: list[str]) -> None:
    assert cross_article_identities(_frame(_rows({k: ARTICLES[k] for k in order}))).equals(EXPECTED)


def test_identities_every_identity_is_its_own_row() -> None:
    own = EXPECTED.filter(pl.col("rule") == IdentityRule.OWN)["entity_key"]
    assert EXPECTED["identity_key"].is_in(own.implode()).all()
    assert EXPECTED["entity_key"].to_list() == sorted({row[1] for row in _rows(ARTICLES)})
    assert dict(EXPECTED.select("entity_key", "rule").iter_rows()) == {
        "GPE:kyiv": "own",
        "ORG:apple": "own",
        "ORG:apple computer": "trade_name",
        "ORG:associated press": "own",
        "ORG:chrysler": "own",
        "ORG:chrysler aspen": "own",
        "ORG:general motors": "own",
        "ORG:house": "own",
        "ORG:house freedom caucus": "own",
        "PERSON:adam smith": "own",
        "PERSON:boris johnson": "own",
        "PERSON:johnson": "surname",
        "PERSON:mike johnson": "own",
        "PERSON:smith": "own",
    }


def test_identities_frame_is_valid_and_the_schema_refuses_a_broken_one() -> None:
    frame = identities_frame(_frame(_rows(ARTICLES)), RUN)
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


# --- the table: recomputed at each commit over the current articles -----------------------------------------


def write_articles(output: Path, articles: dict[str, list[tuple[str, str]]]) -> None:
    """Append these articles to bare articles and article_entities tables (the columns the refresh reads)."""
    from deltalake import write_deltalake

    from flows import storage

    status = pl.DataFrame(
        {
            "article_id": list(articles),
            "source_path": [f"{name}.txt" for name in articles],
            "version": [1] * len(articles),
            "ingested_at": [datetime(2026, 12, 3, tzinfo=UTC)] * len(articles),
        },
        schema_overrides={"version": pl.Int32},
    )
    entities = pl.DataFrame(
        _rows(articles), schema=["article_id", "entity_key", "canonical_name", "label"], orient="row"
    )
    write_deltalake(storage.table_uri(output, "articles"), status.to_arrow(), mode="append")
    write_deltalake(storage.table_uri(output, "article_entities"), entities.to_arrow(), mode="append")


def refresh_output(output: Path) -> CommitResult:
    from deltalake import write_deltalake

    from flows import storage

    if storage.table_version(output, storage.IDENTITIES) is None:
        write_deltalake(
            storage.table_uri(output, storage.IDENTITIES),
            storage.delta_schema(storage.IDENTITIES).empty_table(),
        )
    return storage.refresh_identities(output, partial(identities_frame, run=RUN), {"run_id": "r"})


def _table(output: Path) -> pl.DataFrame:
    from flows import storage

    return (
        storage.read_table(output, storage.IDENTITIES)
        .select("entity_key", "identity_key", "identity_name", "label", "rule")
        .sort("entity_key")
    )


def test_identities_table_is_the_same_in_one_run_or_many(tmp_path: Path) -> None:
    write_articles(tmp_path / "one", ARTICLES)
    refresh_output(tmp_path / "one")
    for name in ["f", "b", "d"], ["a", "c"], ["e"]:  # three runs, in another order
        write_articles(tmp_path / "many", {k: ARTICLES[k] for k in name})
        refresh_output(tmp_path / "many")
    assert _table(tmp_path / "many").equals(_table(tmp_path / "one"))
    assert _table(tmp_path / "one").height == len({row[1] for row in _rows(ARTICLES)})


def test_identities_table_moves_a_key_when_a_later_run_names_it_in_full(tmp_path: Path) -> None:
    write_articles(tmp_path, {"a": [("IBM", "ORG")]})
    first = refresh_output(tmp_path)
    write_articles(tmp_path, {"b": [("International Business Machines", "ORG")]})
    second = refresh_output(tmp_path)
    again = refresh_output(tmp_path)
    table = dict(_table(tmp_path).select("entity_key", "identity_key").iter_rows())
    assert table["ORG:ibm"] == "ORG:international business machines"
    assert (first.rows_inserted, second.rows_inserted) == (1, 2)  # one new key, one moved key
    assert again.version is None  # nothing changed: no commit


def test_identities_table_forgets_the_keys_of_removed_articles(tmp_path: Path) -> None:
    from deltalake import write_deltalake

    from flows import storage

    write_articles(tmp_path, {"a": [("IBM", "ORG")], "b": [("International Business Machines", "ORG")]})
    refresh_output(tmp_path)
    removals = pl.DataFrame({"article_id": ["b"], "removed_at": [datetime(2026, 12, 4, tzinfo=UTC)]})
    write_deltalake(storage.table_uri(tmp_path, "removals"), removals.to_arrow())
    assert refresh_output(tmp_path).version is not None
    assert _table(tmp_path).select("entity_key", "identity_key", "rule").rows() == [
        ("ORG:ibm", "ORG:ibm", "own")
    ]
