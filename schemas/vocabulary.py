"""Closed sets of values that the tables may hold: the contract's vocabulary.

The pipeline imports these; nothing here imports the pipeline.
"""

from __future__ import annotations

from enum import StrEnum

SCHEMA_VERSION = "1.3.0"  # 1.3.0: published_basis; a page showing only an update time is dated by it


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


class DateBasis(StrEnum):
    """What the page states that ``published_at`` is taken from."""

    PUBLISHED = "published"  # a publication time ("July 24, 2021 at 1:04 pm", "Published ...")
    UPDATED = "updated"  # the page states no publication time, only an update: published at or before it


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


# Labels of numbers, dates and times: mentions that have no canonical entity (see amounts, text_dates).
VALUE_LABELS = frozenset({"DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL"})

# Closed sets of the intelligence tables. The extractors in flows/core define them as StrEnums; a test keeps
# these copies equal (the contract may not import the pipeline).
LINK_METHODS = ("exact", "variant", "alias", "short_form", "acronym")
SPEAKER_KINDS = ("entity", "descriptor", "pronoun", "none")
ATTRIBUTION_METHODS = (
    "quote_speaker_cue", "quote_cue_speaker", "speaker_cue_quote", "according_to", "same_sentence", "colon", "none",
)  # fmt: skip
ENTITY_SOURCES = ("named", "affiliation", "pronoun", "preceding_quote", "preceding_subject", "none")
AMOUNT_KINDS = ("count", "money", "percent", "duration", "age", "measure")
DATE_GRANULARITIES = ("day", "week", "month", "year", "decade")
FEATURE_TYPES = ("country", "admin1", "city", "continent", "region")
GEO_METHODS = (
    "country_name", "us_state", "continent", "region", "city_in_context", "city_unique", "city_dominant",
    "city_alternate_name", "admin1", "ambiguous", "not_found",
)  # fmt: skip
UNRESOLVED_GEO_METHODS = ("ambiguous", "not_found")
