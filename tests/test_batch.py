"""The sample article through batch_tables with the real model: every table's rows, pinned exactly."""

from __future__ import annotations

from datetime import UTC, date, datetime

import polars as pl
import pytest

from flows.core.batch import batch_tables
from flows.core.ids import short_hash
from flows.core.models import Article, Section
from flows.core.nlp.pipeline import load_pipeline
from flows.core.page.article import to_article
from flows.core.tables.rows import BatchTables, RunInfo, column_order, empty_frame, span_id, table_frame
from flows.core.tables.validation import validate_batch
from schemas.tables import ARTICLE_DETAIL_TABLES, TABLES, ArticleEntities
from tests.conftest import REAL_MODEL, SAMPLE, raw_document

COMMITTEE = "ORG:iraqi resistance coordination committee"


@pytest.fixture(scope="module")
def article() -> Article:
    outcome = to_article(raw_document(SAMPLE.read_bytes(), "sample.txt"))
    assert isinstance(outcome, Article)
    return outcome


@pytest.fixture(scope="module")
def tables(article: Article) -> BatchTables:
    run = RunInfo("test-run", datetime(2026, 11, 29, tzinfo=UTC), "0.1.0", "m", "1", "1.1.0", "/raw")
    valid = validate_batch(batch_tables(load_pipeline(REAL_MODEL), [article], [], run, 64), run)
    assert valid.rejects.height == 0, valid.rejects["detail"].to_list()
    return valid


def test_batch_builds_every_detail_table(tables: BatchTables) -> None:
    assert set(tables.details) == set(ARTICLE_DETAIL_TABLES)
    assert all(tables.details[name].height > 0 for name in ARTICLE_DETAIL_TABLES)
    assert {name for name, table in TABLES.items() if table.in_context} == {
        "entities",
        "quotes",
        "amounts",
        "text_dates",
    }


def test_batch_sample_quotes(tables: BatchTables) -> None:
    quotes = tables.details["quotes"].sort("section", "start_char")
    rows = quotes.select(
        "section", "start_char", "end_char", "speaker", "cue", "speaker_entity_key", "entity_source", "method"
    ).rows()
    assert rows == [
        ("body", 694, 837, "a statement", "asserted", COMMITTEE, "preceding_subject", "quote_speaker_cue"),
        ("body", 884, 1059, "The statement", "added", COMMITTEE, "preceding_quote", "speaker_cue_quote"),
        ("headline", 18, 61, "Iraq resistance", None, "GPE:iraq", "affiliation", "colon"),
    ]
    assert quotes["text"][0].startswith("We will never accept")
    assert (
        quotes.filter(pl.col("section") == "body")["speaker_name"].to_list()
        == ["Iraqi Resistance Coordination Committee"] * 2
    )


def test_batch_sample_amounts(tables: BatchTables) -> None:
    amounts = tables.details["amounts"].sort("start_char")
    assert amounts.select("text", "value", "kind", "unit", "object", "approximate", "qualifier").rows() == [
        ("four Shia groups", 4.0, "count", None, "Shia groups", False, None),
        ("ten years", 10.0, "duration", "year", None, False, None),
        ("about 3,000 troops", 3000.0, "count", None, "troops", True, "about"),
        ("2,500 Americans", 2500.0, "count", None, "Americans", False, None),
    ]


def test_batch_sample_dates_resolved_against_published_day(tables: BatchTables) -> None:
    dates = tables.details["text_dates"].sort("section", "start_char")
    assert dates.select("section", "text", "value", "granularity", "is_relative", "is_future").rows() == [
        ("body", "Friday", date(2021, 7, 23), "day", True, False),
        ("body", "previously", None, "reference", False, False),  # kind past_ref: no calendar period
        ("body", "2014", date(2014, 1, 1), "year", False, False),
        ("body", "7 April this year", date(2021, 4, 7), "day", True, False),
        ("body", "5 January, 2020", date(2020, 1, 5), "day", False, False),
        ("caption", "May 31, 2021", date(2021, 5, 31), "day", False, False),
    ]
    assert set(dates["published_date"]) == {date(2021, 7, 24)}


def test_batch_sample_canonical_entities(tables: BatchTables) -> None:
    entities = tables.details["article_entities"]
    by_key = {row["entity_key"]: row for row in entities.iter_rows(named=True)}
    assert by_key["PERSON:fuad hussein"]["surface_forms"] == ["Fuad Hussein", "Hussein"]
    assert by_key["GPE:united states"]["mention_count"] == 10
    assert by_key["ORG:islamic state"]["surface_forms"] == ["Daesh"]
    assert by_key[COMMITTEE]["mention_count"] == 2
    assert entities["salience"].max() == 1.0
    assert not entities["label"].is_in(["DATE", "CARDINAL"]).any()
    mentions = tables.details["entities"]
    assert mentions.filter(pl.col("text") == "Hussein")["entity_key"].to_list() == ["PERSON:fuad hussein"]
    assert (
        mentions.filter(pl.col("label") == "DATE")["entity_key"].null_count()
        == mentions.filter(pl.col("label") == "DATE").height
    )


def test_batch_sample_places(tables: BatchTables) -> None:
    places = tables.details["places"].sort("entity_key")
    assert places.select("name", "feature_type", "country_code", "method", "adjectival").rows() == [
        ("Baghdad", "city", "IQ", "city_in_context", False),
        ("Iran", "country", "IR", "country_name", False),
        ("Iraq", "country", "IQ", "country_name", False),
        ("United States", "country", "US", "country_name", False),
        ("Washington", "city", "US", "city_in_context", False),
        ("International Zone", None, None, "not_found", False),
        ("Americans", "country", "US", "demonym", True),  # a NORP standing for its country
    ]
    baghdad = places.row(0, named=True)
    assert (round(baghdad["latitude"], 2), round(baghdad["longitude"], 2), baghdad["geonames_id"]) == (
        33.34,
        44.4,
        98182,
    )


@pytest.mark.parametrize("name", list(TABLES))
def test_batch_table_frames_have_the_schema_pandera_gives(name: str) -> None:
    model = TABLES[name].model
    expected = model.empty().select(column_order(model)).schema
    run = RunInfo("test-run", datetime(2026, 11, 29, tzinfo=UTC), "0.1.0", "m", "1", "1.1.0", "/raw")
    assert empty_frame(model).schema == expected
    assert table_frame([], model, run).schema == expected


@pytest.mark.parametrize(
    "surface_forms",
    [[["Ann Lee", "Lee"], [], ["Zoë"]], [[], []], [], [["Ann Lee"], None], [("Ann Lee", "Lee"), []]],
)
def test_batch_table_frame_list_columns_as_polars_builds_them(surface_forms: list[object]) -> None:
    model = ArticleEntities
    run = RunInfo("test-run", datetime(2026, 11, 29, tzinfo=UTC), "0.1.0", "m", "1", "1.1.0", "/raw")
    rows = [
        {
            "article_entity_id": f"id{i}",
            "article_id": "a",
            "entity_key": "PERSON:ann lee",
            "canonical_name": "Ann Lee",
        }
        | {"label": "PERSON", "mention_count": 1, "first_section": "body", "first_start": 0, "salience": 0.5}
        | {"surface_forms": forms}
        for i, forms in enumerate(surface_forms)
    ]
    frame = table_frame(rows, model, run)
    own = empty_frame(model).drop("run_id", "ingested_at", "pipeline_version", "model_name", "model_version")
    own = own.drop("schema_version", "raw_source")
    expected = pl.DataFrame({name: [row[name] for row in rows] for name in own.columns}, schema=own.schema)
    assert frame.select(own.columns).equals(expected)
    assert frame.schema == empty_frame(model).schema


@pytest.mark.parametrize("more", [(), ("PERSON",), ("ORG", 3), ("é\x1f",)])
def test_batch_span_ids_are_short_hashes_of_their_parts(more: tuple[object, ...]) -> None:
    assert span_id("a1", Section.CAPTION, 3, 17, *more) == short_hash("a1", Section.CAPTION, 3, 17, *more)


def test_batch_table_frame_stamps_provenance_on_every_row(tables: BatchTables) -> None:
    entities = tables.details["entities"]
    assert entities.height > 1
    assert entities.select(pl.col("run_id").unique()).to_series().to_list() == ["test-run"]
    assert entities["ingested_at"].unique().to_list() == [datetime(2026, 11, 29, tzinfo=UTC)]


def test_batch_validating_a_valid_batch_again_changes_nothing(tables: BatchTables) -> None:
    run = RunInfo("test-run", datetime(2026, 11, 29, tzinfo=UTC), "0.1.0", "m", "1", "1.1.0", "/raw")
    again = validate_batch(tables, run)
    for name, frame in tables.frames().items():
        assert again.frames()[name].equals(frame), name
