"""A batch of articles -> the rows of every table: the article fields and each per-article detail table."""

from __future__ import annotations

from collections.abc import Sequence

from spacy.language import Language

from flows.core.frames import RunInfo, articles_frame, entities_frame, rejects_frame
from flows.core.models import Article, Reject
from flows.core.nlp import extract_entities
from flows.core.validate import BatchTables


def batch_tables(
    nlp: Language, articles: Sequence[Article], rejects: Sequence[Reject], run: RunInfo, batch_size: int
) -> BatchTables:
    """Run spaCy once over the batch and shape the rows of all tables (not yet validated)."""
    result = extract_entities(nlp, articles, batch_size)
    return BatchTables(
        articles=articles_frame(articles, run, result.skipped),
        rejects=rejects_frame(rejects, run),
        details={"entities": entities_frame(result.mentions, run)},
    )
