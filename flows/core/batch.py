"""A batch of articles -> the rows of every table: the article fields and each per-article detail table.

One article that makes spaCy or an extractor fail does not cost the batch: the batch is then done again one
article at a time, and each article that still fails becomes a ``processing_error`` reject.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl
from spacy.language import Language

from flows.core.intel.analysis import analyse
from flows.core.models import Article, Reject, SourceFile, Stage
from flows.core.nlp.pipeline import extract_entities
from flows.core.page.article import reject_processing_error
from flows.core.tables.intel_rows import intelligence_frames
from flows.core.tables.rows import BatchTables, RunInfo, articles_frame, entities_frame, rejects_frame


class StageFailedError(Exception):
    """An exception raised at one stage of tagging or analysing a batch."""

    def __init__(self, stage: Stage, error: Exception) -> None:
        super().__init__(f"{stage.value}: {error}")
        self.stage = stage
        self.error = error


def batch_tables(
    nlp: Language, articles: Sequence[Article], rejects: Sequence[Reject], run: RunInfo, batch_size: int
) -> BatchTables:
    """Run spaCy once over the batch, then the intelligence extractors, and shape the rows of all tables.

    Not yet validated. Articles in a language the model does not read get no entities and no intelligence.
    An exception on the batch sends it through :func:`tables_one_by_one`.
    """
    try:
        return _tables(nlp, articles, rejects, run, batch_size)
    except StageFailedError:
        return tables_one_by_one(nlp, articles, rejects, run, batch_size)


def tables_one_by_one(
    nlp: Language, articles: Sequence[Article], rejects: Sequence[Reject], run: RunInfo, batch_size: int
) -> BatchTables:
    """The batch's rows built article by article; an article that fails becomes a ``processing_error`` reject."""
    parts: list[BatchTables] = []
    failed: list[Reject] = []
    for article in articles:
        try:
            parts.append(_tables(nlp, [article], [], run, batch_size))
        except StageFailedError as failure:
            failed.append(processing_error(article, failure.stage, failure.error))
    return combine(parts, rejects_frame([*rejects, *failed], run), _tables(nlp, [], [], run, batch_size))


def processing_error(article: Article, stage: Stage, error: BaseException) -> Reject:
    """The reject of an article that newsmill failed on at ``stage``."""
    source = SourceFile(article.source_path, article.source_size_bytes, article.source_mtime_ns)
    return reject_processing_error(source, article.source_sha256, stage, error, article.article_id)


def combine(parts: Sequence[BatchTables], rejects: pl.DataFrame, empty: BatchTables) -> BatchTables:
    """One batch's tables from the tables of its parts, with ``rejects`` as its rejects; ``empty`` gives the
    columns when there are no parts."""
    every = [empty, *parts]
    return BatchTables(
        articles=pl.concat([part.articles for part in every]),
        rejects=rejects,
        details={name: pl.concat([part.details[name] for part in every]) for name in empty.details},
    )


def _tables(
    nlp: Language, articles: Sequence[Article], rejects: Sequence[Reject], run: RunInfo, batch_size: int
) -> BatchTables:
    try:
        result = extract_entities(nlp, articles, batch_size)
    except Exception as error:  # spaCy failing on one text must not stop the run
        raise StageFailedError(Stage.TAG, error) from error
    try:
        found = analyse(articles, result.mentions, result.skipped, result.sentences)
        return BatchTables(
            articles=articles_frame(articles, run, result.skipped),
            rejects=rejects_frame(rejects, run),
            details={
                "entities": entities_frame(result.mentions, run, found.links),
                **intelligence_frames(found, run),
            },
        )
    except Exception as error:  # nor an extractor failing on one article
        raise StageFailedError(Stage.ANALYSE, error) from error
