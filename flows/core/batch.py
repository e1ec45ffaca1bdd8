"""A batch of articles -> the rows of every table: the article fields and each per-article detail table."""

from __future__ import annotations

from collections.abc import Sequence

from spacy.language import Language

from flows.core.intel.analysis import analyse
from flows.core.models import Article, Reject
from flows.core.nlp.pipeline import extract_entities
from flows.core.tables.intel_rows import intelligence_frames
from flows.core.tables.rows import BatchTables, RunInfo, articles_frame, entities_frame, rejects_frame


def batch_tables(
    nlp: Language, articles: Sequence[Article], rejects: Sequence[Reject], run: RunInfo, batch_size: int
) -> BatchTables:
    """Run spaCy once over the batch, then the intelligence extractors, and shape the rows of all tables.

    Not yet validated. Articles in a language the model does not read get no entities and no intelligence.
    """
    result = extract_entities(nlp, articles, batch_size)
    found = analyse(articles, result.mentions, result.skipped)
    return BatchTables(
        articles=articles_frame(articles, run, result.skipped),
        rejects=rejects_frame(rejects, run),
        details={
            "entities": entities_frame(result.mentions, run, found.links),
            **intelligence_frames(found, run),
        },
    )
