"""Plain newswire copy -> :class:`~flows.core.models.ParsedPage`, and the shape (kind) of any article's text.

Wire copy has no page chrome: a headline line, sometimes the reporter's name on a line of its own, a dateline
("LONDON 1996-12-06", "TAVILDARA, Tajikistan 1996-08-30", or the place and the date on two lines, or the
dateline at the head of the first paragraph), then short paragraphs, often cut mid-sentence, and sometimes a
results table. The page parser looks for paragraphs of running text and finds none in such copy; this module
reads it by its own shape, so wire copy is an article (a brief or a table when it is one), never a reject.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from flows.core.models import ArticleKind, ParsedPage, PublishedDate
from flows.core.page.blocks import block_word_count, words_of
from flows.core.page.byline import is_name_line
from flows.core.page.datelines import parse_date_text

# A place as wire datelines print it: a capitalised word ("LONDON", "AL-RAM", "St. Louis") or several, with an
# optional region after a comma ("TAVILDARA , Tajikistan"; tokenised copy puts a space before the comma).
_PLACE = (
    r"[A-Z][A-Za-z.'’-]*(?:\s+[A-Z][A-Za-z.'’-]*){0,3}(?:\s*,\s*[A-Z][A-Za-z.'’-]*(?:\s+[A-Za-z.'’-]+){0,2})?"
)
_ISO_DAY = r"(?:19|20)\d\d-[01]\d-[0-3]\d"
_DATELINE = re.compile(rf"^(?P<place>{_PLACE})\s*,?\s+(?P<date>{_ISO_DAY})(?:\s+(?P<rest>\S.*))?$")
_PLACE_LINE = re.compile(rf"^(?P<place>{_PLACE})\s*\.?$")
_DATE_LINE = re.compile(rf"^(?P<date>{_ISO_DAY})(?:\s+(?P<rest>\S.*))?$")
MAX_HEADER_LINES = 4  # headline, byline, dateline (place and date may take two lines)
MAX_HEADLINE_WORDS = 30
MIN_SENTENCE_WORDS = 3
BRIEF_WORDS = 120  # a text this short is a brief, whatever its lines look like
TABLE_SHARE = 0.4  # at least this share of the lines are rows of figures: a table
_NUMBER = re.compile(r"^[-+(]?\d[\d.,:/-]*\)?%?$")
# A whole white-space-delimited token that _NUMBER matches, found in one scan of the line (a token is what
# ``str.split()`` cuts: "\s" and ``str.split`` take the same characters for white space).
_NUMBER_TOKEN = re.compile(r"(?<!\S)[-+(]?\d[\d.,:/-]*\)?%?(?!\S)")


def parse_wire(lines: Sequence[str]) -> ParsedPage | None:
    """Read wire copy (non-empty, whitespace-normalised lines); None when the lines do not open like it.

    Wire copy opens with a headline line, at most one line of names, and a dateline whose place starts with a
    capital and whose date is a day in ISO form; the body is every line after the dateline, and must hold at
    least one line with a few words of letters (a sentence, or the head of one).
    """
    found = _find_dateline(lines)
    if found is None:
        return None
    first, after, place, day, rest = found
    if first == 0 or first > 2 or len(words_of(lines[0])) > MAX_HEADLINE_WORDS:
        return None
    byline = lines[1] if first == 2 else None
    if byline is not None and not is_name_line(byline):
        return None
    paragraphs = tuple(([rest] if rest else []) + list(lines[after:]))
    if not any(holds_sentence(line) for line in paragraphs):
        return None
    return ParsedPage(
        site_tagline=None,
        headline=lines[0],
        published=day,
        image_caption=None,
        image_credit=None,
        paragraphs=paragraphs,
        related_headlines=(),
        byline=byline,
        authors=(byline,) if byline is not None else (),
        dateline_place=tidy_place(place),
        article_kind=article_kind(paragraphs),
    )


def parse_undated_wire(lines: Sequence[str]) -> ParsedPage | None:
    """Read copy without a dateline that a page parser found no paragraphs in: a headline line over lines
    that hold at least one sentence. Only for text with no blank lines between its lines (wire and feed
    exports); a page copied from a browser has them, and a menu or error page there stays a reject.
    """
    if len(lines) < 2 or len(words_of(lines[0])) > MAX_HEADLINE_WORDS:
        return None
    paragraphs = tuple(lines[1:])
    if not any(holds_sentence(line) for line in paragraphs):
        return None
    return ParsedPage(
        site_tagline=None,
        headline=lines[0],
        published=None,
        image_caption=None,
        image_credit=None,
        paragraphs=paragraphs,
        related_headlines=(),
        article_kind=article_kind(paragraphs),
    )


def _find_dateline(
    lines: Sequence[str],
) -> tuple[int, int, str, PublishedDate, str | None] | None:
    """Where the dateline is: (its first line, the first body line, place, date, text after the date)."""
    for index in range(1, min(len(lines), MAX_HEADER_LINES)):
        match = _DATELINE.match(lines[index])
        if match is not None:
            day = parse_date_text(match["date"], day_first=False)
            if day is not None:
                return index, index + 1, match["place"], day, match["rest"]
        place = _PLACE_LINE.match(lines[index])
        below = _DATE_LINE.match(lines[index + 1]) if index + 1 < len(lines) else None
        if place is not None and below is not None and _is_caps_place(place["place"]):
            day = parse_date_text(below["date"], day_first=False)
            if day is not None:
                return index, index + 2, place["place"], day, below["rest"]
    return None


def _is_caps_place(place: str) -> bool:
    """A dateline's place on a line of its own opens in capitals ("FARMINGTON HILLS, Mich"), as wire prints it."""
    head = place.split(",")[0]
    return sum(c.isupper() for c in head) >= 2 and head.upper() == head


def tidy_place(place: str) -> str:
    """The place as written, with tokenised commas and a trailing full stop tidied ("A , B ." -> "A, B")."""
    return re.sub(r"\s+,", ",", place).rstrip(" .")


def holds_sentence(line: str) -> bool:
    """True for a line with a few words of letters (a sentence or the head of one, not a row of figures)."""
    return sum(1 for word in words_of(line) if any(c.isalpha() for c in word)) >= MIN_SENTENCE_WORDS


def is_table_row(line: str) -> bool:
    """True for a row of figures: two or more numbers, making up at least a third of the line's tokens."""
    numbers = len(_NUMBER_TOKEN.findall(line))
    return numbers >= 2 and 3 * numbers >= len(line.split())


def article_kind(paragraphs: Sequence[str]) -> ArticleKind:
    """A table when most lines are rows of figures, a brief when the text is short, else an article."""
    if not paragraphs:
        return ArticleKind.ARTICLE
    rows = sum(1 for line in paragraphs if is_table_row(line))
    if rows >= 3 and rows >= TABLE_SHARE * len(paragraphs):
        return ArticleKind.TABLE
    if sum(map(block_word_count, paragraphs)) < BRIEF_WORDS:
        return ArticleKind.BRIEF
    return ArticleKind.ARTICLE
