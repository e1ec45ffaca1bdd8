"""The English lexicon: one copy of the month, weekday and number words, and the regexes built from it."""

from __future__ import annotations

import re

import pytest

from flows.core.lexicon import (
    MONTH_ABBREVIATIONS,
    MONTH_NUMBERS,
    MONTHS,
    NUMBER_WORDS,
    SCALES,
    TENS,
    WEEKDAY_ABBREVIATIONS,
    WEEKDAYS,
    alternation,
    month_prefixes,
    weekday_prefixes,
    weekday_stems,
)


@pytest.mark.parametrize(
    ("word", "number"),
    [("January", 1), ("Jan", 1), ("May", 5), ("Sep", 9), ("Sept", 9), ("September", 9), ("Dec", 12)],
)
def test_lexicon_month_numbers(word: str, number: int) -> None:
    assert MONTH_NUMBERS[word] == number


def test_lexicon_every_month_word_has_a_number() -> None:
    assert set(MONTH_NUMBERS) == {*MONTHS, *MONTH_ABBREVIATIONS}
    assert sorted(set(MONTH_NUMBERS.values())) == list(range(1, 13))


def test_lexicon_short_forms_open_their_names() -> None:
    assert all(any(name.startswith(short) for name in MONTHS) for short in MONTH_ABBREVIATIONS)
    assert all(any(name.startswith(short) for name in WEEKDAYS) for short in WEEKDAY_ABBREVIATIONS)


def test_lexicon_prefixes_and_stems() -> None:
    assert month_prefixes()[:3] == ("jan", "feb", "mar")
    assert weekday_prefixes() == ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    assert weekday_stems() == ("Mon", "Tues", "Wednes", "Thurs", "Fri", "Satur", "Sun")


@pytest.mark.parametrize(
    ("words", "value"),
    [(NUMBER_WORDS, {"zero": 0, "nine": 9, "nineteen": 19}), (TENS, {"twenty": 20, "ninety": 90})],
)
def test_lexicon_number_words(words: dict[str, int], value: dict[str, int]) -> None:
    assert {word: words[word] for word in value} == value


def test_lexicon_number_words_count_to_nineteen_then_by_tens() -> None:
    assert sorted(NUMBER_WORDS.values()) == list(range(20))
    assert sorted(TENS.values()) == list(range(20, 100, 10))
    assert SCALES["thousand"] == 1000
    assert SCALES["trillion"] == 1e12


def test_lexicon_alternation_keeps_the_order_given() -> None:
    assert alternation(["Sep", "Sept"]) == "Sep|Sept"
    assert re.match(alternation(["Sep", "Sept"]), "Sept").group(0) == "Sep"


def test_lexicon_alternation_longest_first_tries_the_longer_word() -> None:
    assert alternation(["Sep", "Sept", "Oct"], longest_first=True) == "Sept|Sep|Oct"
    assert re.match(alternation(["Sep", "Sept"], longest_first=True), "Sept").group(0) == "Sept"


def test_lexicon_alternation_matches_words_literally() -> None:
    assert re.fullmatch(alternation(["a.m.", "p.m."]), "a.m.")
    assert re.fullmatch(alternation(["a.m."]), "abmc") is None
