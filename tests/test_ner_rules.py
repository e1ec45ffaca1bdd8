"""News rules around the recogniser: same-length recasing, trimmed names, credits dropped."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from flows.core.nlp.ner_rules import (
    capitalised_words,
    is_capitalised,
    is_credit,
    is_junk,
    is_title_case,
    ner_view,
    refine_span,
)


@pytest.mark.parametrize(
    ("text", "view"),
    [
        ("LEICESTERSHIRE TAKE OVER AT TOP", "leicestershire take over AT TOP"),
        ("US TROOPS LEAVE IRAQ", "US troops leave iraq"),
        (
            "Iraq resistance: ‘We will not accept foreign soldiers’",
            "Iraq resistance: ‘We will not accept foreign soldiers’",
        ),
        ("STRASSE", "strasse"),
    ],
)
def test_ner_rules_recase_capital_headlines(text: str, view: str) -> None:
    assert ner_view(text) == view


@given(st.text(max_size=80))
def test_ner_rules_view_keeps_every_offset(text: str) -> None:
    assert len(ner_view(text)) == len(text)


@given(st.text(max_size=80), st.text(max_size=200))
def test_ner_rules_title_view_keeps_every_offset(text: str, body: str) -> None:
    assert len(ner_view(text, body)) == len(text)


@pytest.mark.parametrize(
    ("text", "title_case"),
    [
        ("Biden Signs Bill On Guns", True),
        ("Rates Rise as the Fed Meets", True),  # function words may stay lower-case
        ("‘We Will Not Accept Foreign Soldiers’", True),
        ("Biden signs bill on guns", False),  # sentence case
        ("Iraq resistance: ‘We will not accept foreign soldiers’", False),
        ("Iraq and Iran", False),  # one capitalised word after the first is not enough to tell
    ],
)
def test_ner_rules_title_case_headlines(text: str, title_case: bool) -> None:
    assert is_title_case(text) is title_case


BODY = (
    "President Joe Biden signed the bill on Friday in Washington. The bill puts new limits on guns.\n\n"
    "Protesters gathered in Baghdad, where the Coordination Committee said the law would not last."
)


@pytest.mark.parametrize(
    ("headline", "body", "view"),
    [
        ("Biden Signs Bill On Guns", BODY, "Biden signs bill on guns"),
        ("Protesters Gather In Baghdad", BODY, "Protesters gather in Baghdad"),
        ("Coordination Committee Rejects The Law", BODY, "Coordination Committee rejects the law"),
        ("Biden Signs Bill On Guns", None, "Biden Signs Bill On Guns"),  # no body: no dictionary, no change
        ("Biden signs bill on guns in Washington", BODY, "Biden signs bill on guns in Washington"),
        ("Ship Returns From St. Thomas", "It sailed from St. Thomas.", "Ship returns from St. Thomas"),
        ("Markets Summary For Friday, Aug 30", "Stocks rose.", "Markets summary for Friday, Aug 30"),
        ("BIDEN SIGNS BILL", BODY, "biden signs bill"),  # capitals: the capitals rule
    ],
)
def test_ner_rules_recase_title_case_headlines(headline: str, body: str | None, view: str) -> None:
    assert ner_view(headline, body) == view


@pytest.mark.parametrize(
    ("body", "word", "capitalised"),
    [
        ("They met Biden and Biden spoke.", "biden", True),
        ("The bill passed. Bill Smith voted for the bill.", "bill", False),  # lower case twice, capital once
        ("Officials met. Officials said so.", "officials", False),  # capitals at a sentence start say nothing
        ("He flew to Iraq.\n\nIraq said no.", "iraq", True),
        ("The boat left St. Thomas on Friday.", "thomas", True),  # "St." does not end a sentence
        ("Hayley J. Fowler said so.", "fowler", True),
    ],
)
def test_ner_rules_capitalised_words_of_the_body(body: str, word: str, capitalised: bool) -> None:
    assert (word in capitalised_words(body, [word.title()])) is capitalised


@pytest.mark.parametrize(
    ("text", "label", "expected"),
    [
        ("Kent 108-3", "ORG", "Kent"),
        ("G. Kersey 63", "PERSON", "G. Kersey"),
        ("the Oval", "FAC", "Oval"),
        ("The Resistance Coordination Committee", "ORG", "The Resistance Coordination Committee"),
        ("the Resistance Coordination Committee", "ORG", "Resistance Coordination Committee"),
        ("The Hague", "GPE", "The Hague"),
        ("the Smiths", "PERSON", "the Smiths"),
        ("Lord 's", "FAC", "Lord"),
        ("Iraq’s", "GPE", "Iraq"),
        ("about 3,000", "CARDINAL", "about 3,000"),
        ("the past ten years", "DATE", "the past ten years"),
        ("1996", "ORG", "1996"),
        # ``$`` also matches before a final line break: each rule still applies there.
        ("Kent 108-3\n", "ORG", "Kent"),
        ("UN 5,\n", "ORG", "UN"),
        ("Lord 's\n", "FAC", "Lord"),
        ("the Oval\n", "FAC", "Oval\n"),
        ("the Lord's", "FAC", "Lord"),
        ("the 3", "ORG", "the"),
        ("- Kent", "ORG", "- Kent"),
    ],
)
def test_ner_rules_refine_span(text: str, label: str, expected: str) -> None:
    span = refine_span(text, 0, len(text), label)
    assert span is not None
    assert text[span[0] : span[1]] == expected


def test_ner_rules_refine_span_drops_empty_mentions() -> None:
    assert refine_span("  --  ", 0, 6, "ORG") is None


@pytest.mark.parametrize(
    ("text", "start", "end", "credit"),
    [
        ("[John Moore/Getty Images]", 1, 11, True),
        ("Photo: Fadel Senna/AFP", 7, 18, True),
        ("John Moore/Getty Images", 0, 23, True),
        ("John Moore said the AFP was right", 0, 10, False),
        ("and/or Baghdad", 7, 14, False),
        ("John Moore / Getty Images", 0, 10, True),
        ("John Moore  / Getty Images", 0, 10, False),  # at most one space before the slash
        ("x/AFP", 0, 5, True),
    ],
)
def test_ner_rules_credits(text: str, start: int, end: int, credit: bool) -> None:
    assert is_credit(text, start, end) is credit


def test_ner_rules_capitals_need_four_letters() -> None:
    assert is_capitalised("BREAKING NEWS")
    assert not is_capitalised("UN")
    assert not is_capitalised("Iraq resistance")


@pytest.mark.parametrize(
    "headline",
    [
        "Libya Marks 27th Anniversary Of The Revolution",
        "Council Approves 10-year-old Plan For Harbour",
        "Police Close 205-km Road After Storm",
        "Israel 's Prime Minister Meets Envoy",
    ],
)
def test_letters_glued_to_a_number_or_an_apostrophe_do_not_break_title_case(headline: str) -> None:
    assert is_title_case(headline)


@pytest.mark.parametrize(
    ("text", "junk"),
    [
        ("Cmdr", True),
        ("Coach", True),
        ("Gen.", True),
        ("Share", True),
        ("Share on Facebook", True),
        ("Facebook Twitter", True),
        ("Tweet Email", True),
        ("Facebook", False),
        ("Major", False),  # John Major: a title that is also a surname stays
        ("King", False),
        ("Coach Ann Lee", False),
        ("Cmdr. Ann Lee", False),
        ("Share Holdings", False),
        ("on Facebook Twitter", True),  # a filler first: the other words decide
        ("via Reuters", False),
        ("Gen. Coach", True),
        ("Ann Lee", False),
    ],
)
def test_ner_rules_junk_mentions_name_no_one(text: str, junk: bool) -> None:
    assert is_junk(f"x {text} y", 2, 2 + len(text)) is junk
