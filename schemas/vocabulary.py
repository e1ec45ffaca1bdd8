"""Closed sets of values that the tables may hold: the contract's vocabulary.

The pipeline imports these StrEnums (they are defined only here); nothing here imports the pipeline.
"""

from __future__ import annotations

from enum import StrEnum

# 1.3.0: published_basis; a page showing only an update time is dated by it.
# 1.4.0: articles.article_kind; places.adjectival, US counties and towns; text_dates.kind, quarters, halves;
#        rejects: reason processing_error, stages tag and analyse.
# 1.5.0: revisions (version, previous_article_id, changed_fields), removals, copies and stories (body_sha256,
#        duplicate_of, story_id, story_keys), publisher.
# 1.6.0: places.embedded (a place named inside an organisation's name; label ORG).
# 1.7.0: raw_source on every row (the raw folder a run read); rejects keyed by raw folder, path and content.
SCHEMA_VERSION = "1.7.0"


class Stage(StrEnum):
    """Where in the pipeline a raw file was turned away."""

    READ = "read"
    DECODE = "decode"
    PARSE = "parse"
    TAG = "tag"  # finding entities with spaCy
    ANALYSE = "analyse"  # the entity-intelligence extractors and the rows of the tables
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
    PROCESSING_ERROR = "processing_error"  # newsmill failed on this one file: a bug to report with the file


class DateBasis(StrEnum):
    """What the page states that ``published_at`` is taken from."""

    PUBLISHED = "published"  # a publication time ("July 24, 2021 at 1:04 pm", "Published ...")
    UPDATED = "updated"  # the page states no publication time, only an update: published at or before it


class ArticleKind(StrEnum):
    """What shape of text an article is (plain wire copy included: it is an article, never a reject)."""

    ARTICLE = "article"  # running text: paragraphs of sentences
    BRIEF = "brief"  # a few short lines: a wire brief, a result, a notice
    TABLE = "table"  # mostly rows of figures (results, standings, prices) under a line or two of text


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

# Closed sets of the intelligence tables and the article's date precision; the extractors use these.


class DatePrecision(StrEnum):
    """How much of a date a page states (the values of :attr:`PublishedDate.precision`)."""

    DAY = "day"
    MINUTE = "minute"
    SECOND = "second"


class LinkMethod(StrEnum):
    """How a mention was tied to its canonical entity."""

    EXACT = "exact"  # its normalised name is the canonical name
    VARIANT = "variant"  # the same name with a different case, article or possessive
    ALIAS = "alias"  # the built-in alias table
    SHORT_FORM = "short_form"  # part of a longer name in the same article
    ACRONYM = "acronym"  # the initials of a longer name in the same article
    BATCH = (
        "batch"  # the identity rules: the article names it in full elsewhere (its acronym, surname, trade)
    )


class IdentityRule(StrEnum):
    """How an article-level entity key joined its cross-article identity (entity_identities.rule)."""

    OWN = "own"  # the key is its own identity
    TRADE_NAME = "trade_name"  # the name written together or with a word of its trade ("Apple Computer")
    ACRONYM = "acronym"  # the initials of the one longer ORG name with them ("GM" -> "General Motors")
    SURNAME = "surname"  # the end of the one longer PERSON name it ends ("Lagarde" -> "Christine Lagarde")


class SpeakerKind(StrEnum):
    """What the speaker phrase is."""

    ENTITY = "entity"  # a named PERSON/ORG (or a place standing for its government: "Baghdad said")
    DESCRIPTOR = "descriptor"  # "a statement", "the spokesman", "officials"
    PRONOUN = "pronoun"  # "he", "she", "they"
    NONE = "none"


class AttributionMethod(StrEnum):
    """Which pattern attributed the quote."""

    QUOTE_SPEAKER_CUE = "quote_speaker_cue"  # “…,” X said
    QUOTE_CUE_SPEAKER = "quote_cue_speaker"  # “…,” said X
    SPEAKER_CUE_QUOTE = "speaker_cue_quote"  # X said: “…”
    ACCORDING_TO = "according_to"  # “…,” according to X / According to X, “…”
    SAME_SENTENCE = "same_sentence"  # X said the plan was “a disgrace”
    COLON = "colon"  # X: “…” (headlines)
    DASH_CREDIT = "dash_credit"  # “…” — X, as in lists of reader comments
    FOLLOW_ON = "follow_on"  # the next quote of the same speaker: “A,” X said. “B.”
    SENTENCE_SUBJECT = "sentence_subject"  # the subject opening the quote's sentence: X is promising “jobs”
    RANKED = "ranked"  # no rule applies: the learned ranker's most probable PERSON/ORG nearby
    NONE = "none"


class EntitySource(StrEnum):
    """How the speaker's entity was found."""

    NAMED = "named"  # the speaker phrase is the entity
    AFFILIATION = "affiliation"  # a mention inside a descriptor ("a US official")
    PRONOUN = "pronoun"  # nearest preceding PERSON (he/she) or ORG/PERSON (they/it)
    PRECEDING_QUOTE = "preceding_quote"  # same descriptor noun as an earlier attributed quote
    PRECEDING_SUBJECT = "preceding_subject"  # subject of the nearest preceding sentence
    NONE = "none"


class AmountKind(StrEnum):
    """What an amount measures."""

    COUNT = "count"
    MONEY = "money"
    PERCENT = "percent"
    DURATION = "duration"
    AGE = "age"
    MEASURE = "measure"


class Granularity(StrEnum):
    """How precise a date mention is; the value is the first day of the period."""

    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    YEAR = "year"
    DECADE = "decade"
    QUARTER = "quarter"  # "the third quarter", "third-quarter": value is the quarter's first day
    HALF = "half"  # "the first half of 1989"
    REFERENCE = "reference"  # "now", "recently", "the future": no calendar period (see DateKind)


class DateKind(StrEnum):
    """A calendar date, or a reference to the present, past or future that names no period ("now")."""

    DATE = "date"
    PAST_REF = "past_ref"  # "recently", "the past", "previously"
    PRESENT_REF = "present_ref"  # "now", "currently", "at present"
    FUTURE_REF = "future_ref"  # "the future", "soon"


class FeatureType(StrEnum):
    """What kind of place a name is."""

    COUNTRY = "country"
    ADMIN1 = "admin1"  # a country's first-level subdivision: US state, province, governorate
    CITY = "city"
    CONTINENT = "continent"
    REGION = "region"  # a named region spanning countries ("Middle East")
    COUNTY = "county"  # a US county, parish or borough (second-level subdivision)


class GeoMethod(StrEnum):
    """How a place was resolved, or why it was not."""

    COUNTRY = "country_name"
    US_STATE = "us_state"
    CONTINENT = "continent"
    REGION = "region"
    CITY_IN_CONTEXT = "city_in_context"  # the article names the city's country
    CITY_UNIQUE = "city_unique"  # the only city of that name
    CITY_DOMINANT = "city_dominant"  # five times the people of any other city of that name
    CITY_ALTERNATE = "city_alternate_name"  # found by an alternate name ("Kiev")
    ADMIN1 = "admin1"
    TOWN_IN_STATE = "town_in_state"  # a US town of the article's home state (a post-office town of any size)
    US_COUNTY = "us_county"  # a US county, in the article's home state or the only one of its name
    DEMONYM = "demonym"  # an adjective or demonym standing for its country ("Turkish")
    AMBIGUOUS = "ambiguous"  # several candidates and nothing in the article to choose: left null
    NOT_FOUND = "not_found"


# Geocoding methods that leave the place unresolved (its country and coordinates null).
UNRESOLVED_GEO_METHODS = frozenset({GeoMethod.AMBIGUOUS, GeoMethod.NOT_FOUND})
