"""Typed records that flow between the pipeline's steps.

Every step takes and returns these frozen, slotted dataclasses; no dicts travel between steps and no spaCy
``Doc`` leaves :mod:`flows.core.nlp.pipeline`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from schemas.vocabulary import ArticleKind, DateBasis, RejectReason, Section, Stage

__all__ = [
    "Article",
    "ArticleKind",
    "DateBasis",
    "DecodedText",
    "EntityMention",
    "NlpResult",
    "ParsedPage",
    "PublishedDate",
    "RawDocument",
    "Reject",
    "RejectReason",
    "Section",
    "SkipReason",
    "Skipped",
    "SourceFile",
    "Stage",
]


MentionKey = tuple[str, Section, int, int, str]  # article id, section, start, end, label


@dataclass(frozen=True, slots=True)
class SourceFile:
    """A raw file found on disk, before it is read."""

    path: str  # relative to the raw folder, with forward slashes
    size_bytes: int
    mtime_ns: int


class SkipReason(StrEnum):
    """Why an entry of the raw folder is not read this run (counted in the run's summary and report)."""

    HIDDEN = "hidden"  # its name starts with a dot (editor swap files, .git, ...)
    NOT_INCLUDED = "not_included"  # its name matches none of the --include globs
    SYMLINK_LOOP = "symlink_loop"  # a link that leads back to itself
    DANGLING_LINK = "dangling_link"  # a link to nothing
    LINK_OUTSIDE = "link_outside"  # a link leaving the raw folder (followed only with --follow-links)
    SPECIAL_FILE = "special_file"  # a FIFO, socket or device: not a file to read
    UNDECODABLE_NAME = "undecodable_name"  # a name that is not valid UTF-8
    TOO_DEEP = "too_deep"  # a folder nested deeper than the walk goes
    UNREADABLE_FOLDER = "unreadable_folder"  # a folder the operating system would not let us list
    NOT_SETTLED = "not_settled"  # modified in the last --settle-seconds: read by a later run


@dataclass(frozen=True, slots=True)
class Skipped:
    """An entry of the raw folder that a run does not read, and why."""

    path: str  # relative to the raw folder (undecodable bytes shown escaped)
    reason: SkipReason


@dataclass(frozen=True, slots=True)
class RawDocument:
    """A raw file's bytes with the facts about its origin."""

    source: SourceFile
    data: bytes
    sha256: str


@dataclass(frozen=True, slots=True)
class DecodedText:
    """Text decoded from raw bytes, with the encoding that worked."""

    text: str
    encoding: str  # ends in "+ftfy" when mojibake was repaired
    repaired: bool = False  # True when mojibake in the decoded text was repaired


@dataclass(frozen=True, slots=True)
class PublishedDate:
    """A publication time as the page states it.

    ``local`` is the wall-clock time the page shows; ``utc`` is filled only when the page states a zone, and
    ``timezone`` is that zone as written (``"EST"``, ``"+02:00"``).
    """

    text: str
    local: datetime
    has_time: bool
    timezone: str | None = None
    utc: datetime | None = None
    precision: str = "day"  # how much the page states: "day", "minute" or "second"


@dataclass(frozen=True, slots=True)
class ParsedPage:
    """The fields the parser finds in a page's text; a field it cannot find is None, never invented."""

    site_tagline: str | None
    headline: str | None
    published: PublishedDate | None
    image_caption: str | None
    image_credit: str | None
    paragraphs: tuple[str, ...]
    related_headlines: tuple[str, ...]
    subheadline: str | None = None  # the standfirst under the headline
    byline: str | None = None  # the credit line as printed ("By A and B, Staff Writer")
    authors: tuple[str, ...] = ()  # people named in the byline; no roles, agencies or site names
    agencies: tuple[
        str, ...
    ] = ()  # news agencies and organisations credited in the byline ("Associated Press")
    dateline_place: str | None = None  # "HOUSTON, Texas" from "HOUSTON, Texas (KTRK) -- ..."
    updated: PublishedDate | None = None  # the "Updated ..." time, never taken for the publication time
    article_kind: ArticleKind = ArticleKind.ARTICLE  # running text, a brief, or mostly a table
    publisher: str | None = None  # who the page says publishes it (its copyright line, an HTML site name)

    @property
    def dated(self) -> tuple[PublishedDate, DateBasis] | None:
        """The article's date and what it rests on: the publication time the page states, else its update time.

        A page that shows only "Updated 11/8/2023 10:46 PM" was published at or before that time, and that is
        the only date it gives a reader; the basis says so, and ``updated`` still holds the update itself.
        A page stating both is dated by its publication time: the update is never taken for it.
        """
        if self.published is not None:
            return self.published, DateBasis.PUBLISHED
        if self.updated is not None:
            return self.updated, DateBasis.UPDATED
        return None

    @property
    def body(self) -> str | None:
        """The article's paragraphs joined by blank lines, or None when there are none."""
        return "\n\n".join(self.paragraphs) if self.paragraphs else None


@dataclass(frozen=True, slots=True)
class Article:
    """One article: a parsed page with the identity of the file it came from."""

    article_id: str
    source_path: str
    source_sha256: str
    source_size_bytes: int
    source_mtime_ns: int
    source_encoding: str
    page: ParsedPage
    word_count: int
    language: str | None

    def section_texts(self) -> dict[Section, str]:
        """The texts that entities are extracted from, by section; absent sections are left out."""
        texts = {
            Section.HEADLINE: self.page.headline,
            Section.CAPTION: self.page.image_caption,
            Section.BODY: self.page.body,
        }
        return {section: text for section, text in texts.items() if text}


@dataclass(frozen=True, slots=True)
class EntityMention:
    """One named-entity mention; ``start_char``/``end_char`` index the section's text exactly.

    The one mention record: the pipeline makes it, and the canonicaliser and the quote extractor read it.
    """

    article_id: str
    section: Section
    start_char: int
    end_char: int
    text: str
    label: str
    sentence_index: int

    @property
    def key(self) -> MentionKey:
        """What identifies the mention within a batch; its canonical link is kept under this key."""
        return (self.article_id, self.section, self.start_char, self.end_char, self.label)


@dataclass(frozen=True, slots=True)
class Reject:
    """A raw file that did not become an article, with a reason a person can act on."""

    source_path: str
    source_sha256: str | None
    source_size_bytes: int
    source_mtime_ns: int
    stage: Stage
    reason: RejectReason
    detail: str
    article_id: str | None = None


@dataclass(frozen=True, slots=True)
class SectionSentences:
    """Where each sentence of one article section starts, as spaCy split it (offsets into the section's text).

    The first start is 0 when the text opens with a sentence; a sentence runs to the next start.
    """

    article_id: str
    section: Section
    starts: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class NlpResult:
    """What the NLP step found for a batch of articles."""

    mentions: tuple[EntityMention, ...]
    skipped: dict[str, str] = field(default_factory=dict)  # article_id -> why its entities were not extracted
    sentences: tuple[SectionSentences, ...] = ()  # of every section tagged
