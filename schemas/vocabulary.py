"""Closed sets of values that the tables may hold: the contract's vocabulary.

The pipeline imports these; nothing here imports the pipeline.
"""

from __future__ import annotations

from enum import StrEnum

SCHEMA_VERSION = "1.0.0"


class Stage(StrEnum):
    """Where in the pipeline a raw file was turned away."""

    READ = "read"
    DECODE = "decode"
    PARSE = "parse"
    VALIDATE = "validate"


class RejectReason(StrEnum):
    """Why a raw file did not become an article: a closed set, each with an action for a person."""

    EMPTY_FILE = "empty_file"
    TOO_LARGE = "too_large"
    BINARY_CONTENT = "binary_content"
    NO_TEXT = "no_text"
    NO_ARTICLE_TEXT = "no_article_text"
    DUPLICATE_CONTENT = "duplicate_content"
    UNREADABLE = "unreadable"
    SCHEMA_VIOLATION = "schema_violation"


class Section(StrEnum):
    """The parts of an article that entities are taken from (not tagline, credit or related headlines)."""

    HEADLINE = "headline"
    CAPTION = "caption"
    BODY = "body"


# OntoNotes 5 labels (the English spaCy pipelines) and the CoNLL/WikiNER ones (other pipelines).
ENTITY_LABELS = frozenset(
    {
        "PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW", "LANGUAGE",
        "DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL",
        "PER", "MISC",
    }
)  # fmt: skip
