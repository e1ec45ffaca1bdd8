"""The closed English word lists that the page parser and the extractors read, each written once.

Month and weekday names with the short forms pages print, and number words. Modules build their regexes from
these lists (:func:`alternation`) instead of spelling the words out again; the architecture test checks that no
other core module writes a list of month names.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Final

MONTHS: Final = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
# The short forms as pages write them, in month order ("May" is its own; "Sept" beside "Sep").
MONTH_ABBREVIATIONS: Final = (
    *("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec"),
)
WEEKDAYS: Final = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
WEEKDAY_ABBREVIATIONS: Final = ("Mon", "Tue", "Tues", "Wed", "Thu", "Thur", "Thurs", "Fri", "Sat", "Sun")

NUMBER_WORDS: Final[Mapping[str, int]] = {
    word: value
    for value, word in enumerate(
        (
            *("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"),
            *("eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen"),
            "nineteen",
        )
    )
}
TENS: Final[Mapping[str, int]] = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
SCALES: Final[Mapping[str, float]] = {
    "hundred": 100,
    "thousand": 1e3,
    "million": 1e6,
    "billion": 1e9,
    "trillion": 1e12,
}


def _month_of(word: str) -> int:
    return next(number for number, name in enumerate(MONTHS, start=1) if name.startswith(word[:3]))


# Every month name and short form with its number (1-12), each month's name before its short forms.
MONTH_NUMBERS: Final[Mapping[str, int]] = {
    word: number
    for number, name in enumerate(MONTHS, start=1)
    for word in (name, *(short for short in MONTH_ABBREVIATIONS if _month_of(short) == number))
}


def month_prefixes() -> tuple[str, ...]:
    """The first three letters of each month, lower-case: every month name and short form opens with one."""
    return tuple(name[:3].lower() for name in MONTHS)


def weekday_prefixes() -> tuple[str, ...]:
    """The first three letters of each weekday, lower-case: every weekday name and short form opens with one."""
    return tuple(name[:3].lower() for name in WEEKDAYS)


def weekday_stems() -> tuple[str, ...]:
    """Each weekday without its "day" ("Wednes"), the part its short forms are cut from."""
    return tuple(name.removesuffix("day") for name in WEEKDAYS)


def alternation(words: Iterable[str], *, longest_first: bool = False) -> str:
    """``words`` as regex alternatives (``"jan|feb|mar"``), for use inside a group.

    Each word is matched literally (escaped). ``longest_first`` puts longer words first, so that where
    what follows does not decide, a word is tried before a shorter word it starts with ("Sept" before "Sep").
    """
    listed = list(words)
    if longest_first:
        listed.sort(key=len, reverse=True)
    return "|".join(re.escape(word) for word in listed)
