"""Records -> polars DataFrames shaped by the table schemas in :mod:`schemas.tables`."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import accumulate
from typing import cast

import pandera.polars as pa
import polars as pl
import pyarrow

from flows.core.ids import joined_hash, short_hash
from flows.core.intel.canonical import MentionLink
from flows.core.models import Article, EntityMention, MentionKey, Reject, RejectReason, Section
from flows.core.revisions import Removal
from flows.core.stories import body_sha256, story_keys
from schemas.tables import Articles, Entities, Provenance, Rejects, Removals


@dataclass(frozen=True, slots=True)
class RunInfo:
    """Provenance of one run, stamped on every row it writes."""

    run_id: str
    ingested_at: datetime  # UTC-aware
    pipeline_version: str
    model_name: str
    model_version: str
    schema_version: str
    raw_source: str  # the raw folder the run read (Settings.raw_source)


@dataclass(frozen=True, slots=True)
class BatchTables:
    """A batch's rows for each table: articles, rejects, and the per-article detail tables by name."""

    articles: pl.DataFrame
    rejects: pl.DataFrame
    details: Mapping[str, pl.DataFrame] = field(default_factory=dict)

    def frames(self) -> dict[str, pl.DataFrame]:
        """Every table's rows, by table name."""
        return {"articles": self.articles, "rejects": self.rejects, **self.details}


def run_metadata(run: RunInfo) -> dict[str, str]:
    """What every commit of a run is stamped with (shown by ``newsmill history``)."""
    return {
        "run_id": run.run_id,
        "pipeline_version": run.pipeline_version,
        "model_name": run.model_name,
        "model_version": run.model_version,
        "schema_version": run.schema_version,
        "raw_source": run.raw_source,
    }


def column_order(model: type[pa.DataFrameModel]) -> list[str]:
    """A table's columns: its own first, the shared provenance columns last."""
    return list(_layout(model).columns)


def empty_frame(model: type[pa.DataFrameModel]) -> pl.DataFrame:
    """An empty frame with the table's columns and types."""
    return pl.DataFrame(schema=_layout(model).schema)


@dataclass(frozen=True, slots=True)
class _Layout:
    columns: tuple[str, ...]  # the table's own columns, then the provenance columns
    schema: pl.Schema  # every column's polars type, in that order
    own: pl.Schema  # the table's own columns only


@functools.cache
def _layout(model: type[pa.DataFrameModel]) -> _Layout:
    # Built once per model and process: pandera's to_schema() is slow enough to matter when every chunk of
    # articles builds eight tables. The polars types come from the schema's columns, not from model.empty(),
    # which imports pandera's validation backends into each spaCy worker, which never validates (the costs
    # are in docs/performance.md).
    provenance = _provenance_names()
    schema = model.to_schema()
    own = [name for name in schema.columns if name not in provenance]
    columns = (*own, *provenance)
    types = pl.Schema({name: schema.columns[name].dtype.type for name in columns})
    return _Layout(columns, types, pl.Schema({name: types[name] for name in own}))


def articles_frame(articles: Sequence[Article], run: RunInfo, skipped: dict[str, str]) -> pl.DataFrame:
    """The articles table's rows for a batch."""
    rows = [_article_row(article, skipped.get(article.article_id)) for article in articles]
    return table_frame(rows, Articles, run)


def entities_frame(
    mentions: Iterable[EntityMention],
    run: RunInfo,
    links: Mapping[MentionKey, MentionLink],
) -> pl.DataFrame:
    """The entities table's rows for a batch, each name tied to its canonical entity.

    ``links`` (by article id, section, offsets and label) come from the batch's canonicalisation
    (:func:`flows.core.intel.analysis.analyse`); numbers and dates have none.
    """
    mentions = list(mentions)
    found = [links.get(mention.key) for mention in mentions]
    # Built column by column (the columns of span_columns, then the entity's), with no dict per row.
    columns: dict[str, list[object]] = {
        "mention_id": [
            span_id(mention.article_id, mention.section, mention.start_char, mention.end_char, mention.label)
            for mention in mentions
        ],
        "article_id": [mention.article_id for mention in mentions],
        "section": [mention.section.value for mention in mentions],
        "start_char": [mention.start_char for mention in mentions],
        "end_char": [mention.end_char for mention in mentions],
        "text": [mention.text for mention in mentions],
        "label": [mention.label for mention in mentions],
        "sentence_index": [mention.sentence_index for mention in mentions],
        "entity_key": [link.entity_key if link else None for link in found],
        "canonical_name": [link.name if link else None for link in found],
        "link_method": [link.method.value if link else None for link in found],
    }
    return columns_frame(columns, Entities, run)


def rejects_frame(rejects: Iterable[Reject], run: RunInfo) -> pl.DataFrame:
    """The rejects table's rows for a batch."""
    rows = [
        {
            "reject_id": reject_id(reject, run.pipeline_version, run.raw_source),
            "source_path": reject.source_path,
            "source_sha256": reject.source_sha256,
            "source_size_bytes": reject.source_size_bytes,
            "source_mtime_ns": reject.source_mtime_ns,
            "stage": reject.stage.value,
            "reason": reject.reason.value,
            "detail": reject.detail,
            "article_id": reject.article_id,
        }
        for reject in rejects
    ]
    return table_frame(rows, Rejects, run)


def removals_frame(removals: Iterable[Removal], run: RunInfo) -> pl.DataFrame:
    """The removals table's rows: files found missing by this run (``removed_at`` is when the run started)."""
    rows = [
        {
            "removal_id": short_hash(removal.source_path, removal.article_id),
            "source_path": removal.source_path,
            "article_id": removal.article_id,
            "removed_at": run.ingested_at,
        }
        for removal in removals
    ]
    return table_frame(rows, Removals, run)


def span_columns(
    key: str, article_id: str, section: Section, start: int, end: int, text: str, *more_identity: object
) -> dict[str, object]:
    """The columns a row pointing into a section's text starts with: its id, article, section, offsets, text.

    The id hashes where the span is (and ``more_identity``, e.g. an entity's label), so reruns give the same id.
    """
    return {
        key: span_id(article_id, section, start, end, *more_identity),
        "article_id": article_id,
        "section": section.value,
        "start_char": start,
        "end_char": end,
        "text": text,
    }


def span_id(article_id: str, section: Section, start: int, end: int, *more_identity: object) -> str:
    """``short_hash(article_id, section, start, end, *more_identity)``, its text formatted in one f-string."""
    # The same text as short_hash's str() of each part (a Section is a StrEnum: formatted as its value).
    joined = f"{article_id}\x1f{section}\x1f{start}\x1f{end}"
    for part in more_identity:
        joined = f"{joined}\x1f{part}"
    return joined_hash(joined)


def reject_id(reject: Reject, pipeline_version: str = "", raw_source: str = "") -> str:
    """Stable id of a reject: one per raw folder, file path and content (or size and time when unread).

    A ``processing_error`` or ``schema_violation`` is a fault of the code, so its id also holds the code's
    version: a file that fails again under new code is a new row (the retry is recorded), not a repeat.
    """
    content = reject.source_sha256 or f"{reject.source_size_bytes}:{reject.source_mtime_ns}"
    if reject.reason in (RejectReason.PROCESSING_ERROR, RejectReason.SCHEMA_VIOLATION):
        return short_hash(raw_source, reject.source_path, content, reject.reason.value, pipeline_version)
    return short_hash(raw_source, reject.source_path, content)


def _article_row(article: Article, skipped_reason: str | None) -> dict[str, object]:
    page, updated = article.page, article.page.updated
    published, basis = page.dated or (None, None)
    return {
        "article_id": article.article_id,
        "source_path": article.source_path,
        "source_sha256": article.source_sha256,
        "source_size_bytes": article.source_size_bytes,
        "source_mtime_ns": article.source_mtime_ns,
        "source_encoding": article.source_encoding,
        "site_tagline": page.site_tagline,
        "publisher": page.publisher,
        "headline": page.headline,
        "subheadline": page.subheadline,
        "byline": page.byline,
        "authors": list(page.authors),
        "agencies": list(page.agencies),
        "dateline_place": page.dateline_place,
        "article_kind": page.article_kind.value,
        "published_at": published.local if published else None,
        "published_has_time": published.has_time if published else None,
        "published_tz_known": bool(published and published.utc is not None),
        "published_timezone": published.timezone if published else None,
        "published_at_utc": published.utc if published else None,
        "published_text": published.text if published else None,
        "published_precision": published.precision if published else None,
        "published_basis": basis.value if basis else None,
        "updated_at": updated.local if updated else None,
        "updated_at_utc": updated.utc if updated else None,
        "image_caption": page.image_caption,
        "image_credit": page.image_credit,
        "body": page.body,
        "paragraph_count": len(page.paragraphs),
        "related_headlines": list(page.related_headlines),
        "word_count": article.word_count,
        "language": article.language,
        "entities_skipped_reason": skipped_reason,
        # a first version until flows.core.revisions.apply_revisions finds an earlier one of the same path
        "version": 1,
        "previous_article_id": None,
        "changed_fields": [],
        "body_sha256": body_sha256(page.body or ""),
        # its own story until flows.core.stories.assign_stories finds an earlier one
        "duplicate_of": None,
        "story_id": article.article_id,
        "story_keys": story_keys(page.body or ""),
    }


def table_frame(
    rows: Sequence[Mapping[str, object]], model: type[pa.DataFrameModel], run: RunInfo
) -> pl.DataFrame:
    """Rows of one table with the run's provenance, in the table's columns and types.

    The provenance is the same on every row, so it is added as constant columns, not copied into each row.
    """
    # Column by column: polars builds a frame from lists much faster than from a list of row dicts.
    return columns_frame({name: [row[name] for row in rows] for name in _layout(model).own}, model, run)


def columns_frame(
    columns: Mapping[str, Sequence[object]], model: type[pa.DataFrameModel], run: RunInfo
) -> pl.DataFrame:
    """:func:`table_frame` from the values of each of the table's own columns (one list each, in row order)."""
    own = _layout(model).own
    frame = pl.DataFrame(
        {name: _column(name, columns[name], dtype) for name, dtype in own.items()}, schema=own
    )
    return frame.with_columns(_provenance_columns(run, model))  # they come last, as in the layout


def _column(name: str, values: Sequence[object], dtype: pl.DataType) -> Sequence[object] | pl.Series:
    """A column's values as polars reads them: a list column (of strings or integers, with no null list) as
    one Arrow array of all the items and the offsets where each row's list starts."""
    # From Python lists, polars builds a list column one Series per row (15-20 microseconds each here).
    items = _arrow_items(dtype)
    if items is None or not all(isinstance(value, list | tuple) for value in values):
        return values
    lists = cast("Sequence[Sequence[object]]", values)
    offsets = pyarrow.array(list(accumulate(map(len, lists), initial=0)), pyarrow.int64())
    flat = pyarrow.array([item for value in lists for item in value], items)
    return pl.Series(name, pyarrow.LargeListArray.from_arrays(offsets, flat))


def _arrow_items(dtype: pl.DataType) -> pyarrow.DataType | None:
    """The Arrow type a list column's items are built as (polars reads them back as String or Int64)."""
    if isinstance(dtype, pl.List) and dtype.inner == pl.String:
        return pyarrow.large_string()
    if isinstance(dtype, pl.List) and dtype.inner == pl.Int64:
        return pyarrow.int64()
    return None


@functools.cache
def _provenance_names() -> tuple[str, ...]:
    return tuple(Provenance.to_schema().columns)


@functools.lru_cache(maxsize=32)
def _provenance_columns(run: RunInfo, model: type[pa.DataFrameModel]) -> tuple[pl.Expr, ...]:
    # Built once per run and table: a chunk of 24 articles fills eight tables, and making the six literal
    # expressions cost more than adding them to a table.
    schema = _layout(model).schema
    values = {**run_metadata(run), "ingested_at": run.ingested_at}
    return tuple(pl.lit(values[name], dtype=schema[name]).alias(name) for name in _provenance_names())
