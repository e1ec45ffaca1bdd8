"""Specification of the table contract: valid rows pass, each meaningful check catches its violation."""

from __future__ import annotations

import pandera.errors
import polars as pl
import pytest

from flows.core.article import to_article
from flows.core.frames import RunInfo, articles_frame, column_order, entities_frame, rejects_frame
from flows.core.models import Article, EntityMention, Reject, RejectReason, Section, Stage
from flows.core.validate import BatchTables, SchemaContractError, in_section_context, validate_batch
from schemas.tables import Articles, Entities, EntitiesInContext, Rejects
from tests.conftest import raw_document


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
        {"entities": entities_frame(mentions, run)},
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
    context = in_section_context(entities_frame(mentions, run_info), articles_frame([article], run_info, {}))
    EntitiesInContext.validate(context)
    assert context["section_text"].to_list() == [article.page.headline, article.page.image_caption]


def test_schemas_duplicate_ids_are_caught(article: Article, run_info: RunInfo) -> None:
    mention = _mention(article, "Baghdad")
    frame = entities_frame([mention, mention], run_info)
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
    assert column_order(model)[-6:] == [
        "run_id",
        "ingested_at",
        "pipeline_version",
        "model_name",
        "model_version",
        "schema_version",
    ]
