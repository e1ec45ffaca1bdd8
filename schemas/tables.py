"""Pandera models of the output tables: the contract between newsmill and the people who read its data.

One ``DataFrameModel`` per table (polars backend), strict and coercing, with checks that say what the data
means. Every table carries the same provenance columns (:class:`Provenance`).
"""

from __future__ import annotations

from typing import Annotated

import pandera.polars as pa
import polars as pl
from pandera.api.polars.types import PolarsData

from schemas.vocabulary import ENTITY_LABELS, RejectReason, Section, Stage

HEX32 = r"^[0-9a-f]{32}$"
HEX64 = r"^[0-9a-f]{64}$"
UtcTimestamp = Annotated[pl.Datetime, "us", "UTC"]
LocalTimestamp = Annotated[pl.Datetime, "us", None]
StringList = Annotated[pl.List, pl.Utf8]


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
        description="People named in the byline; no roles, agencies or site names."
    )
    agencies: StringList = pa.Field(description='News agencies credited in the byline ("Associated Press").')
    dateline_place: str | None = pa.Field(
        nullable=True, description='Place of the dateline ("HOUSTON, Texas").'
    )
    published_at: LocalTimestamp | None = pa.Field(
        nullable=True, description="Publication time as the page states it (wall clock, no zone)."
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
        nullable=True, isin=["day", "minute", "second"], description="How precisely the page states the time."
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

    class Config:
        strict = True
        coerce = True

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


class Entities(Provenance):
    """One row per named-entity mention in an article's headline, caption or body."""

    mention_id: str = pa.Field(
        unique=True, str_matches=HEX32, description="Hash of article, section, offsets and label."
    )
    article_id: str = pa.Field(
        str_matches=HEX32, description="The article the mention is in (articles.article_id)."
    )
    section: str = pa.Field(
        isin=[s.value for s in Section], description="Which text the offsets index: headline, caption, body."
    )
    start_char: pl.Int32 = pa.Field(
        ge=0, description="Start of the mention in the section's text (characters)."
    )
    end_char: pl.Int32 = pa.Field(ge=1, description="End of the mention in the section's text (exclusive).")
    text: str = pa.Field(
        str_length={"min_value": 1}, description="The mention: section_text[start_char:end_char]."
    )
    label: str = pa.Field(
        isin=sorted(ENTITY_LABELS), description="Entity type (OntoNotes labels for the default model)."
    )
    sentence_index: pl.Int32 = pa.Field(
        ge=0, description="Index of the sentence the mention starts in, within its section."
    )

    class Config:
        strict = True
        coerce = True

    @pa.dataframe_check(error="end_char - start_char must equal the length of text")
    @classmethod
    def offsets_span_text(cls, data: PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(
            (pl.col("end_char") - pl.col("start_char")) == pl.col("text").str.len_chars().cast(pl.Int32)
        )


class EntitiesInContext(Entities):
    """Entities beside the text of their section, to check that the offsets point at the mention exactly.

    Used to validate before writing; the ``section_text`` column is dropped before the write.
    """

    section_text: str = pa.Field(description="The text of the mention's section.")

    class Config:
        strict = True
        coerce = True

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


class Rejects(Provenance):
    """One row per raw file that did not become an article, with a reason a person can act on."""

    reject_id: str = pa.Field(
        unique=True, str_matches=HEX32, description="Hash of the file's path and content."
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
    stage: str = pa.Field(
        isin=[s.value for s in Stage], description="Pipeline stage that turned the file away."
    )
    reason: str = pa.Field(isin=[r.value for r in RejectReason], description="Why, from a closed set.")
    detail: str = pa.Field(str_length={"min_value": 10}, description="What happened and what to do about it.")
    article_id: str | None = pa.Field(
        nullable=True, str_matches=HEX32, description="The article this file duplicates or would have been."
    )

    class Config:
        strict = True
        coerce = True


TABLE_MODELS: dict[str, type[pa.DataFrameModel]] = {
    "articles": Articles,
    "entities": Entities,
    "rejects": Rejects,
}
TABLE_KEYS: dict[str, str] = {"articles": "article_id", "entities": "mention_id", "rejects": "reject_id"}
# Tables whose rows belong to one article (keyed by article_id); they are kept or rejected with it.
ARTICLE_DETAIL_TABLES: tuple[str, ...] = tuple(
    name for name in TABLE_MODELS if name not in ("articles", "rejects")
)
# Models that validate a detail table beside its section's text (a ``section_text`` column is joined in).
IN_CONTEXT_MODELS: dict[str, type[pa.DataFrameModel]] = {"entities": EntitiesInContext}
