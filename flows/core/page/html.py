"""An HTML page -> :class:`~flows.core.models.ParsedPage`, with trafilatura.

A raw file that is HTML is not read as text: trafilatura finds the main text by the page's structure (menus,
footers and comments left out) and its metadata (title, authors, date from htmldate), which are worth more than
anything the plain-text parser could guess from the same page flattened.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime

import trafilatura
from trafilatura.settings import Document

from flows.core.models import ParsedPage, PublishedDate
from flows.core.page.blocks import MIN_SENTENCE_WORDS, SHORT_CHARS, text_length, words_of
from schemas.vocabulary import DatePrecision

HTML_SUFFIXES = (".html", ".htm")
_HTML_START = re.compile(r"<!doctype\s+html|<html[\s>]", re.IGNORECASE)
_LEADING = "\ufeff \t\r\n\f\v"
# htmldate's answer with the time and zone it found; a date without a time comes back as naive midnight.
_DATE_FORMAT = "%Y-%m-%dT%H:%M:%S%z"
_DATE_PARAMS = {"original_date": True, "extensive_search": True, "outputformat": _DATE_FORMAT}


def is_html(path: str, text: str) -> bool:
    """Whether a raw file is an HTML page: by its name's extension, or by how its text starts."""
    return path.lower().endswith(HTML_SUFFIXES) or _HTML_START.match(text.lstrip(_LEADING)) is not None


def parse_html(html: str) -> ParsedPage:
    """The article's fields in an HTML page; no main text gives a page without paragraphs."""
    document = trafilatura.bare_extraction(
        html,
        with_metadata=True,
        include_comments=False,
        include_images=False,
        include_links=False,
        date_extraction_params=dict(_DATE_PARAMS),
    )
    if not isinstance(document, Document):  # None: nothing worth extracting
        return _empty_page()
    headline = _clean(document.title)
    return ParsedPage(
        site_tagline=None,  # trafilatura gives the site's name, not its tagline
        headline=headline,
        published=parse_html_date(document.date),
        image_caption=None,
        image_credit=None,
        paragraphs=html_paragraphs(document.text, headline),
        related_headlines=(),
        authors=split_authors(document.author),
        publisher=_clean(document.sitename),
    )


def html_paragraphs(text: str | None, headline: str | None) -> tuple[str, ...]:
    """trafilatura's text cut into paragraphs (one per line), without the headline repeated at the top.

    Text with no line of running text (a menu, a "Home" link left over) is no article: no paragraphs.
    """
    lines = [line for line in (_clean(raw) for raw in (text or "").split("\n")) if line]
    if lines and headline is not None and lines[0].casefold() == headline.casefold():
        lines = lines[1:]
    if not any(_is_running_text(line) for line in lines):
        return ()
    return tuple(lines)


def _is_running_text(line: str) -> bool:
    # Length in characters as well as words: unspaced scripts (Chinese, Japanese) have few "words".
    return len(words_of(line)) >= MIN_SENTENCE_WORDS or text_length(line) >= SHORT_CHARS


def split_authors(author: str | None) -> tuple[str, ...]:
    """The people in trafilatura's author field (names joined by ";"), each once."""
    names = (_clean(name) for name in (author or "").split(";"))
    return tuple(dict.fromkeys(name for name in names if name))


def parse_html_date(value: str | None) -> PublishedDate | None:
    """htmldate's publication date; naive midnight is a day with no time, as htmldate writes a bare date."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    offset = moment.utcoffset()
    has_time = offset is not None or moment.time() != datetime.min.time()
    precision = DatePrecision.SECOND if moment.second else DatePrecision.MINUTE
    return PublishedDate(
        text=value if has_time else moment.date().isoformat(),
        local=moment.replace(tzinfo=None),
        has_time=has_time,
        timezone=_offset_text(moment) if offset is not None else None,
        utc=moment.astimezone(UTC) if offset is not None else None,
        precision=precision if has_time else DatePrecision.DAY,
    )


def _offset_text(moment: datetime) -> str:
    text = moment.strftime("%z")  # "+0100"
    return f"{text[:3]}:{text[3:5]}"


def _clean(text: str | None) -> str | None:
    if text is None:
        return None
    cleaned = " ".join(unicodedata.normalize("NFC", text).split())
    return cleaned or None


def _empty_page() -> ParsedPage:
    return ParsedPage(
        site_tagline=None,
        headline=None,
        published=None,
        image_caption=None,
        image_credit=None,
        paragraphs=(),
        related_headlines=(),
    )
