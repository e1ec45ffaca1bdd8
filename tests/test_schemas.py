"""Specification of the table contract: valid rows pass, each meaningful check catches its violation."""

from __future__ import annotations

from datetime import date

import pandera.errors
import polars as pl
import pytest

from flows.core.models import Article, EntityMention, Reject, RejectReason, Section, Stage
from flows.core.page.article import to_article
from flows.core.tables.rows import (
    BatchTables,
    RunInfo,
    articles_frame,
    column_order,
    entities_frame,
    rejects_frame,
)
from flows.core.tables.validation import (
    SchemaContractError,
    frames_to_check,
    in_section_context,
    passing_tables,
    validate_batch,
)
from schemas.tables import TABLES, Articles, Entities, EntitiesInContext, Provenance, Rejects
from tests.conftest import entity_rows, raw_document


@pytest.fixture
def article(sample_bytes: bytes) -> Article:
    outcome = to_article(raw_document(sample_bytes, "sample.txt"))
    assert isinstance(outcome, Article)
    return outcome


def _mention(
    article: Article, text: str, label: str = "GPE", section: Section = Section.BODY
) -> EntityMention:
    body = article.section_texts()[section]
    start = body.index(text)
    return EntityMention(article.article_id, section, start, start + len(text), text, label, 0)


def _tables(article: Article, run: RunInfo, mentions: list[EntityMention]) -> BatchTables:
    return BatchTables(
        articles_frame([article], run, {}),
        rejects_frame([], run),
        {"entities": entity_rows(article, mentions, run)},
    )


def test_schemas_valid_batch_passes_unchanged(article: Article, run_info: RunInfo) -> None:
    tables = _tables(article, run_info, [_mention(article, "Baghdad")])
    valid = validate_batch(tables, run_info)
    assert (valid.articles.height, valid.details["entities"].height, valid.rejects.height) == (1, 1, 0)


@pytest.mark.parametrize(
    ("column", "value", "check"),
    [
        ("word_count", 0, "greater_than_or_equal_to(1)"),
        ("paragraph_count", 3, "paragraph_count must equal"),
        ("language", "English", "str_matches"),
        ("article_id", "f" * 32, "article_id must be the first 32 hex digits"),
        ("published_tz_known", True, "published_at_utc is set exactly when"),
        ("published_basis", None, "published_basis is set exactly when published_at is"),
        ("published_basis", "updated", "a published_at resting on the update time must equal updated_at"),
        ("published_basis", "guessed", "isin"),
    ],
)
def test_schemas_article_violation_moves_article_and_entities_to_rejects(
    article: Article, run_info: RunInfo, column: str, value: object, check: str
) -> None:
    tables = _tables(article, run_info, [_mention(article, "Baghdad")])
    broken = tables.articles.with_columns(pl.lit(value).cast(tables.articles[column].dtype).alias(column))
    entities = tables.details["entities"].with_columns(pl.lit(broken["article_id"][0]).alias("article_id"))
    valid = validate_batch(BatchTables(broken, tables.rejects, {"entities": entities}), run_info)
    assert valid.articles.height == 0
    assert valid.details["entities"].height == 0
    reject = valid.rejects.row(0, named=True)
    assert (reject["stage"], reject["reason"], reject["source_path"]) == (
        "validate",
        "schema_violation",
        "sample.txt",
    )
    assert check in reject["detail"]


@pytest.mark.parametrize(
    ("change", "check"),
    [
        ({"start_char": 5}, "end_char - start_char must equal the length of text"),
        (
            {"start_char": 0, "end_char": 7},
            "the text at start_char:end_char of the section must be the mention",
        ),
        ({"label": "WEAPON"}, "isin"),
        ({"section": "tagline"}, "isin"),
    ],
)
def test_schemas_entity_violation_rejects_its_article(
    article: Article, run_info: RunInfo, change: dict[str, object], check: str
) -> None:
    tables = _tables(article, run_info, [_mention(article, "Baghdad")])
    columns = [
        pl.lit(value).cast(tables.details["entities"][name].dtype).alias(name)
        for name, value in change.items()
    ]
    valid = validate_batch(
        BatchTables(
            tables.articles, tables.rejects, {"entities": tables.details["entities"].with_columns(columns)}
        ),
        run_info,
    )
    assert (valid.articles.height, valid.details["entities"].height, valid.rejects.height) == (0, 0, 1)
    assert check in valid.rejects["detail"][0]


def test_schemas_entities_in_context_sees_each_section_text(article: Article, run_info: RunInfo) -> None:
    mentions = [
        _mention(article, "Iraq", section=Section.HEADLINE),
        _mention(article, "Baghdad", section=Section.CAPTION),
    ]
    context = in_section_context(
        entity_rows(article, mentions, run_info), articles_frame([article], run_info, {})
    )
    EntitiesInContext.validate(context)
    assert context["section_text"].to_list() == [article.page.headline, article.page.image_caption]


def test_schemas_duplicate_ids_are_caught(article: Article, run_info: RunInfo) -> None:
    mention = _mention(article, "Baghdad")
    frame = entity_rows(article, [mention, mention], run_info)
    with pytest.raises(pandera.errors.SchemaError, match="unique"):
        Entities.validate(frame)


def test_schemas_invalid_reject_rows_are_a_bug_not_data(run_info: RunInfo) -> None:
    reject = Reject("a.txt", None, 0, 0, Stage.READ, RejectReason.UNREADABLE, "too short")
    with pytest.raises(SchemaContractError, match="Rejects"):
        validate_batch(
            BatchTables(Articles.empty(), rejects_frame([reject], run_info), {"entities": Entities.empty()}),
            run_info,
        )


@pytest.mark.parametrize("model", [Articles, Entities, Rejects])
def test_schemas_are_strict_and_documented(model: type) -> None:
    schema = model.to_schema()  # type: ignore[attr-defined]
    assert schema.strict is True
    assert all(column.description for column in schema.columns.values())
    assert column_order(model)[-7:] == [
        "run_id",
        "ingested_at",
        "pipeline_version",
        "model_name",
        "model_version",
        "schema_version",
        "raw_source",
    ]


# --- the intelligence tables -------------------------------------------------------------------------------


def _intel_tables(article: Article, run: RunInfo) -> BatchTables:
    """The sample's real intelligence rows (from fixed mentions, no model) beside its article row."""
    from flows.core.intel.analysis import analyse
    from flows.core.tables.intel_rows import intelligence_frames

    mentions = [
        _mention(article, "Iraqi Resistance Coordination Committee", "ORG"),
        _mention(article, "Baghdad"),
        _mention(article, "Iraq", section=Section.HEADLINE),
    ]
    found = analyse([article], mentions)
    return BatchTables(
        articles_frame([article], run, {}),
        rejects_frame([], run),
        {"entities": entities_frame(mentions, run, found.links), **intelligence_frames(found, run)},
    )


def test_schemas_intelligence_rows_of_the_sample_pass(article: Article, run_info: RunInfo) -> None:
    tables = _intel_tables(article, run_info)
    valid = validate_batch(tables, run_info)
    assert valid.rejects.height == 0
    assert {name: frame.height > 0 for name, frame in valid.details.items()} == dict.fromkeys(
        ["entities", "article_entities", "places", "quotes", "amounts", "text_dates"], True
    )


@pytest.mark.parametrize(
    ("table", "change", "check"),
    [
        ("text_dates", {"is_future": True}, "not after the published date unless it is marked is_future"),
        ("text_dates", {"published_date": date(2021, 1, 1)}, "not after the published date"),
        ("text_dates", {"start_char": 3}, "text_dates.TextDatesInContext"),
        ("text_dates", {"start_char": 0, "end_char": 6}, "the date expression must be the section's text"),
        ("text_dates", {"granularity": "quarter", "value": date(2021, 5, 1)}, "first day of a quarter"),
        (
            "text_dates",
            {"granularity": "half", "value": date(2021, 4, 1)},
            "a half's January 1st or July 1st",
        ),
        (
            "quotes",
            {"start_char": 1, "end_char": 144},
            "the quote, speaker and cue must be the section's text",
        ),
        ("quotes", {"confidence": 0.0}, "no speaker exactly when"),
        ("quotes", {"speaker_kind": "robot"}, "isin"),
        ("amounts", {"value": -1.0}, "greater_than_or_equal_to(0)"),
        ("amounts", {"approximate": True}, "approximate is true exactly when"),
        ("amounts", {"kind": "money"}, "ISO currency"),
        ("places", {"latitude": None}, "latitude and longitude"),
        ("places", {"method": "ambiguous"}, "resolved"),
        ("places", {"country_code": "IRQ"}, "str_matches"),
        ("places", {"embedded": True}, "an embedded place is an ORG entity's"),
        ("places", {"label": "ORG"}, "an embedded place is an ORG entity's"),
        ("article_entities", {"salience": 0.5}, "most salient entity"),
        ("article_entities", {"entity_key": "GPE:zzz"}, "entity_key must start with the label"),
        ("entities", {"entity_key": None}, "a name mention has entity_key"),
    ],
)
def test_schemas_intelligence_violation_rejects_its_article(
    article: Article, run_info: RunInfo, table: str, change: dict[str, object], check: str
) -> None:
    tables = _intel_tables(article, run_info)
    frame = tables.details[table]
    if table == "article_entities" and "entity_key" in change:
        frame = frame.with_columns(pl.lit("ORG").alias("label"))
    broken = frame.with_columns(
        [pl.lit(value).cast(frame[name].dtype).alias(name) for name, value in change.items()]
    )
    details = {**tables.details, table: broken}
    valid = validate_batch(BatchTables(tables.articles, tables.rejects, details), run_info)
    assert (valid.articles.height, valid.rejects.height) == (0, 1)
    assert all(frame.height == 0 for frame in valid.details.values())
    assert check in valid.rejects["detail"][0]


@pytest.mark.parametrize("name", sorted(TABLES))
def test_schemas_every_table_is_strict_documented_and_keyed(name: str) -> None:
    table = TABLES[name]
    schema = table.model.to_schema()
    assert table.name == name
    assert schema.strict is True
    assert schema.coerce is True
    assert all(column.description for column in schema.columns.values())
    assert table.key in schema.columns
    assert schema.columns[table.key].unique
    assert (
        list(schema.columns)[len(Provenance.to_schema().columns)] == table.key
    )  # the key is the first own column
    if table.in_context is not None:
        context = table.in_context.to_schema()
        assert set(context.columns) == {*schema.columns, "section_text"}
        assert context.strict is True


# --- the one-pass check: what pandera passes, and only that ---------------------------------------------


def test_schemas_one_pass_decides_every_table_of_a_valid_batch(article: Article, run_info: RunInfo) -> None:
    checked = frames_to_check(_intel_tables(article, run_info))
    # removals are written apart from batches; entity_identities at commit, over the whole output
    assert passing_tables(checked) == set(TABLES) - {"removals", "entity_identities"}


@pytest.mark.parametrize(
    ("table", "change"),
    [
        ("articles", {"word_count": 0}),
        ("articles", {"paragraph_count": 3}),
        ("articles", {"language": "English"}),
        ("articles", {"published_basis": "guessed"}),
        ("articles", {"article_kind": None}),
        ("entities", {"start_char": 5}),
        ("entities", {"start_char": 0, "end_char": 7}),
        ("entities", {"label": "WEAPON"}),
        ("text_dates", {"is_future": True}),
        ("quotes", {"confidence": 0.0}),
        ("amounts", {"value": -1.0}),
        ("amounts", {"value": float("nan")}),
        ("places", {"latitude": None}),
        ("places", {"country_code": "IRQ"}),
        ("article_entities", {"salience": 0.5}),
    ],
)
def test_schemas_one_pass_fails_what_pandera_fails(
    article: Article, run_info: RunInfo, table: str, change: dict[str, object]
) -> None:
    tables = _intel_tables(article, run_info)
    frame = tables.articles if table == "articles" else tables.details[table]
    broken = frame.with_columns(
        [pl.lit(value).cast(frame[name].dtype).alias(name) for name, value in change.items()]
    )
    if table == "articles":
        tables = BatchTables(broken, tables.rejects, tables.details)
    else:
        tables = BatchTables(tables.articles, tables.rejects, {**tables.details, table: broken})
    model, checked = frames_to_check(tables)[table]
    assert table not in passing_tables({table: (model, checked)})
    with pytest.raises(pandera.errors.SchemaErrors):
        model.validate(checked, lazy=True)


def test_schemas_one_pass_decides_every_frame_anew_though_its_checks_are_made_once(
    article: Article, run_info: RunInfo
) -> None:
    model, frame = frames_to_check(_intel_tables(article, run_info))["amounts"]
    negative = frame.with_columns(pl.lit(-1.0).cast(frame["value"].dtype).alias("value"))
    assert passing_tables({"amounts": (model, frame)}) == {"amounts"}
    assert passing_tables({"amounts": (model, negative)}) == set()  # same model, same types
    assert passing_tables({"amounts": (model, frame)}) == {"amounts"}


def test_schemas_one_pass_leaves_duplicates_and_other_types_to_pandera(
    article: Article, run_info: RunInfo
) -> None:
    mention = _mention(article, "Baghdad")
    twice = entity_rows(article, [mention, mention], run_info)
    as_int64 = entity_rows(article, [mention], run_info).with_columns(pl.col("start_char").cast(pl.Int64))
    assert passing_tables({"twice": (Entities, twice), "int64": (Entities, as_int64)}) == set()
    Entities.validate(as_int64)  # pandera coerces it: a frame the one pass does not decide is not an error
