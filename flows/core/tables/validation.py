"""Validate a batch's tables against the schemas, lazily; an article that fails goes to rejects whole.

An article and its detail rows (entities, ...) are kept or turned away together, so every raw file ends in exactly one of
``articles`` or ``rejects``.
"""

from __future__ import annotations

from collections import defaultdict

import pandera.errors
import pandera.polars as pa
import polars as pl

from flows.core.models import Reject, RejectReason, Stage
from flows.core.tables.rows import BatchTables, RunInfo, column_order, empty_frame, rejects_frame
from schemas.tables import TABLES, Articles

MAX_FAILURES_IN_DETAIL = 3


class SchemaContractError(RuntimeError):
    """Rows that newsmill built itself broke the schema in a way no single article explains: a bug."""


def validate_batch(tables: BatchTables, run: RunInfo) -> BatchTables:
    """Validate every table; move each article that fails (with its details) to rejects, with the reasons.

    Each check runs once on each row. The tables left after moving failed articles out are validated again
    as a safety net; a batch where nothing failed is returned as it came, since its rows were just checked
    (the detail tables beside their section text, by models that hold every check of the table's own).
    """
    problems: dict[str, list[str]] = defaultdict(list)
    for article_id, message in failures(Articles, tables.articles, "article_id"):
        problems[article_id].append(f"articles.{message}")
    for name, frame in tables.details.items():
        model = TABLES[name].in_context
        checked = in_section_context(frame, tables.articles) if model else frame
        for article_id, message in failures(model or TABLES[name].model, checked, "article_id"):
            problems[article_id].append(f"{name}.{message}")
    if not problems:  # every check above passed on these very rows: only the rejects are left to check
        _require_valid(TABLES["rejects"].model, tables.rejects)
        return tables
    failed = list(problems)
    articles = tables.articles.filter(~pl.col("article_id").is_in(failed))
    details = {
        name: frame.filter(~pl.col("article_id").is_in(failed)) for name, frame in tables.details.items()
    }
    new_rejects = rejects_frame(_rejects_for(tables.articles, problems), run)
    valid = BatchTables(articles, pl.concat([tables.rejects, new_rejects]), details)
    for name, frame in valid.frames().items():
        _require_valid(TABLES[name].model, frame)
    return valid


def prepare_validation() -> None:
    """Load pandera's polars validation backends now, not inside a run's first validation (once per process):
    validates an empty ``rejects`` table."""
    model = TABLES["rejects"].model
    _require_valid(model, empty_frame(model))


def in_section_context(details: pl.DataFrame, articles: pl.DataFrame) -> pl.DataFrame:
    """Detail rows (with ``article_id`` and ``section``) beside the text of their section, to check offsets."""
    sections = articles.select(
        "article_id",
        pl.struct(headline="headline", caption="image_caption", body="body").alias("texts"),
    ).unnest("texts")
    long = sections.unpivot(index="article_id", variable_name="section", value_name="section_text")
    return details.join(long, on=["article_id", "section"], how="left").with_columns(
        pl.col("section_text").fill_null("")
    )


def failures(model: type[pa.DataFrameModel], frame: pl.DataFrame, key: str) -> list[tuple[str, str]]:
    """``(key value, message)`` for every row that fails the model's checks; raises on table-wide errors."""
    try:
        model.validate(frame, lazy=True)
    except pandera.errors.SchemaErrors as error:
        cases = error.failure_cases
        if cases["index"].null_count():
            raise SchemaContractError(f"{model.__name__}: {error}") from error
        keys = frame[key]
        return [(str(keys[int(case["index"])]), _describe(case)) for case in cases.iter_rows(named=True)]
    return []


def _describe(case: dict[str, object]) -> str:
    value = str(case["failure_case"])
    shown = value if len(value) <= 60 else value[:57] + "..."
    return f"{case['column']}: check {case['check']!r} failed for {shown!r}"


def _rejects_for(articles: pl.DataFrame, problems: dict[str, list[str]]) -> list[Reject]:
    rows = articles.filter(pl.col("article_id").is_in(list(problems))).iter_rows(named=True)
    return [
        Reject(
            source_path=row["source_path"],
            source_sha256=row["source_sha256"],
            source_size_bytes=row["source_size_bytes"],
            source_mtime_ns=row["source_mtime_ns"],
            stage=Stage.VALIDATE,
            reason=RejectReason.SCHEMA_VIOLATION,
            detail=_detail(problems[row["article_id"]]),
            article_id=row["article_id"],
        )
        for row in rows
    ]


def _detail(messages: list[str]) -> str:
    unique = list(dict.fromkeys(messages))
    shown = "; ".join(unique[:MAX_FAILURES_IN_DETAIL])
    more = (
        f" (and {len(unique) - MAX_FAILURES_IN_DETAIL} more)" if len(unique) > MAX_FAILURES_IN_DETAIL else ""
    )
    return f"the extracted data broke the table contract: {shown}{more}; please report this with the file"


def _require_valid(model: type[pa.DataFrameModel], frame: pl.DataFrame) -> None:
    try:
        model.validate(frame.select(column_order(model)), lazy=True)
    except pandera.errors.SchemaErrors as error:
        raise SchemaContractError(f"{model.__name__} rows still invalid after quarantine: {error}") from error
