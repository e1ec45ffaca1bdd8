"""News rules around the recogniser: same-length recasing, trimmed names, credits dropped."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from flows.core.ner_rules import is_capitalised, is_credit, ner_view, refine_span


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
    ],
)
def test_ner_rules_credits(text: str, start: int, end: int, credit: bool) -> None:
    assert is_credit(text, start, end) is credit


def test_ner_rules_capitals_need_four_letters() -> None:
    assert is_capitalised("BREAKING NEWS")
    assert not is_capitalised("UN")
    assert not is_capitalised("Iraq resistance")
