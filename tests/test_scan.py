"""Trying a pattern only where a match can start finds what a scan of the whole text finds."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from flows.core.scan import (
    digit_runs,
    find_all,
    holds_whole_word,
    lowered_keeping_offsets,
    matches_at,
    starts_before,
)


def test_matches_at_the_possible_starts_are_the_matches_of_a_full_scan() -> None:
    pattern = re.compile(r"(?<![\w])\d+(?:,\d{3})*")
    text = "About 3,000 troops, 12 tanks and 1,250,000 rounds; code A7 is no number."

    assert [m.span() for m in matches_at(pattern, text, digit_runs(text))] == [
        m.span() for m in pattern.finditer(text)
    ]


def test_a_start_inside_an_earlier_match_is_not_tried_again() -> None:
    assert [m.group() for m in matches_at(re.compile(r"\d+"), "12345", [0, 2])] == ["12345"]


def test_starts_before_steps_over_the_whitespace_to_the_word_widths() -> None:
    text = "a  hundred and last\nweek"  # "hundred" starts at 3, "week" at 20

    assert starts_before(text, [3, 20], (1, 2)) == [0, 18, 17]  # 3 - 2 spaces - 2 would be before the text
    assert starts_before(text, [20], (4,)) == [15]  # "last"
    assert starts_before(text, [0], (1,)) == []  # nothing before the text's start


def test_lowered_text_is_offered_only_when_it_keeps_every_offset() -> None:
    assert lowered_keeping_offsets("Next WEEK") == "next week"
    assert lowered_keeping_offsets("İstanbul next week") is None  # "İ" lower-cases to two characters
    assert lowered_keeping_offsets("ſeptember") is None  # matches "s" only case-insensitively


def test_find_all_gives_every_start_of_any_word_in_order() -> None:
    text = "seventeen or seven, and eleven"

    assert find_all(text, ("seven", "eleven")) == [0, 13, 24]
    assert find_all("nonono", ("nono",)) == [0, 2]  # occurrences inside one another too
    assert find_all(text, ("twelve",)) == []


def test_digit_runs_start_each_run_once() -> None:
    assert digit_runs("a 12 b 3,000 c٣٤") == [2, 7, 9, 14]  # any decimal digits, as ``\d`` reads them


def test_a_whole_word_is_found_only_between_non_word_characters() -> None:
    assert holds_whole_word("the third quarter", "quarter")
    assert holds_whole_word("quarter-end", "quarter")
    assert not holds_whole_word("their headquarters", "quarter")
    assert not holds_whole_word("on behalf of", "half")
    assert holds_whole_word("headquarters, then a quarter", "quarter")  # a later occurrence counts


@given(st.text(alphabet="quarterQ_é1 -\n", max_size=30))
def test_a_whole_word_is_found_exactly_where_a_word_bounded_regex_finds_it(text: str) -> None:
    assert holds_whole_word(text, "quarter") == (re.search(r"\bquarter\b", text) is not None)
