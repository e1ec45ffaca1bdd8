"""Trying a regex only where a match can start: the same matches as ``finditer``, for a fraction of the cost.

Python's regex engine tries a pattern that opens with ``\\b`` or a lookbehind at every position of the text.
An extractor that knows where its matches can start (a superset: runs of digits, month names, a word just
before one of those) finds those positions once with patterns the engine scans quickly, and tries its
pattern only there (:func:`matches_at`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Final

# The same as r"\d+", written to open with one character class, which the engine skips to quickly.
DIGIT_RUN_RE: Final = re.compile(r"\d\d*")
# Letters that match an ASCII letter only case-insensitively ("ſ" matches "s"), or lower-case to two characters.
_CASE_FOLD_TRAPS: Final = "\u0130\u0131\u017f\u212a"


def digit_runs(text: str) -> list[int]:
    """Where each run of digits starts."""
    return [match.start() for match in DIGIT_RUN_RE.finditer(text)]


def find_all(text: str, words: Iterable[str]) -> list[int]:
    """Where any of ``words`` starts in ``text``, sorted (occurrences inside one another included).

    ``str.find`` runs through text far faster than the regex engine tries an alternation of common lower-case
    words, which it does at nearly every character.
    """
    found = set()
    for word in words:
        at = text.find(word)
        while at >= 0:
            found.add(at)
            at = text.find(word, at + 1)
    return sorted(found)


def holds_whole_word(text: str, word: str) -> bool:
    """Whether ``word`` occurs in ``text`` as a whole word (``\\b`` on both sides, as ``re`` reads it), found
    with ``str.find``: a regex search for it tries every position of the text."""
    at = text.find(word)
    while at >= 0:
        end = at + len(word)
        if not _is_word_character(text, at - 1) and not _is_word_character(text, end):
            return True
        at = text.find(word, at + 1)
    return False


def _is_word_character(text: str, index: int) -> bool:
    """Whether ``text[index]`` exists and is a character ``re``'s ``\\w`` matches."""
    return 0 <= index < len(text) and (text[index].isalnum() or text[index] == "_")


def lowered_keeping_offsets(text: str) -> str | None:
    """``text.lower()`` when it keeps every offset and shows every case-insensitive match; else None.

    None means a search of the lower-cased text could miss or misplace a match: try everywhere instead.
    """
    lowered = text.lower()
    if len(lowered) != len(text) or any(trap in text for trap in _CASE_FOLD_TRAPS):
        return None
    return lowered


def starts_before(text: str, positions: Iterable[int], widths: tuple[int, ...]) -> list[int]:
    """Where a word ``widths`` characters long ("a", "an"; "last", "coming") would start before each position,
    across the whitespace between them (none where no whitespace precedes the position)."""
    found = []
    for at in positions:
        gap = at
        while gap > 0 and text[gap - 1].isspace():
            gap -= 1
        if gap < at:
            found += [gap - width for width in widths if gap - width >= 0]
    return found


def matches_at(pattern: re.Pattern[str], text: str, starts: Iterable[int]) -> list[re.Match[str]]:
    """Exactly the matches of ``pattern.finditer(text)`` when every match starts at one of ``starts`` (sorted)."""
    found: list[re.Match[str]] = []
    for start in starts:
        if (not found or start >= found[-1].end()) and (match := pattern.match(text, start)) is not None:
            found.append(match)
    return found
