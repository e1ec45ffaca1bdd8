"""Amounts: numbers with what they count, their kind, unit and approximation."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from flows.core.intel import amounts
from flows.core.intel.amounts import Amount, AmountKind, extract_amounts
from flows.core.scan import digit_runs

SAMPLE = (
    "The Iraqi Resistance Coordination Committee, which consists of four Shia groups affiliate with Iran, "
    "pledged on Friday to fight any foreign soldiers in the country, Anadolu Agency reported.\n\n"
    "The statement added: “US trainers and the international alliance have proven their failure during the "
    "past ten years and their failure led to the collapse of the security and military institutions.”\n\n"
    "The US has been leading an international alliance against Daesh since 2014, as about 3,000 troops are "
    "deployed in Iraq, including 2,500 Americans.\n\n"
    "On 7 April this year, Baghdad announced an agreement with the US.\n\n"
    "On 5 January, 2020, Iraqi Parliament voted for evicting US troops from the country."
)


def _summary(amount: Amount) -> tuple[str, float, AmountKind, str | None, str | None, bool]:
    return amount.text, amount.value, amount.kind, amount.unit, amount.object, amount.approximate


def test_amounts_sample_article_pins_every_amount() -> None:
    assert [_summary(a) for a in extract_amounts(SAMPLE)] == [
        ("four Shia groups", 4, AmountKind.COUNT, None, "Shia groups", False),
        ("ten years", 10, AmountKind.DURATION, "year", None, False),
        ("about 3,000 troops", 3000, AmountKind.COUNT, None, "troops", True),
        ("2,500 Americans", 2500, AmountKind.COUNT, None, "Americans", False),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("twenty-five trucks arrived", ("twenty-five trucks", 25, AmountKind.COUNT, None, "trucks", False)),
        (
            "three hundred and fifty men",
            ("three hundred and fifty men", 350, AmountKind.COUNT, None, "men", False),
        ),
        ("a dozen eggs", ("a dozen eggs", 12, AmountKind.COUNT, None, "eggs", False)),
        (
            "half a million people fled",
            ("half a million people", 500_000, AmountKind.COUNT, None, "people", False),
        ),
        ("2m people", ("2m people", 2_000_000, AmountKind.COUNT, None, "people", False)),
        ("it cost $1.25 billion.", ("$1.25 billion", 1.25e9, AmountKind.MONEY, "USD", None, False)),
        ("a £30m deal", ("£30m", 30e6, AmountKind.MONEY, "GBP", "deal", False)),  # money says what it is for
        ("a €5bn fund", ("€5bn", 5e9, AmountKind.MONEY, "EUR", "fund", False)),
        ("five million dollars", ("five million dollars", 5e6, AmountKind.MONEY, "USD", None, False)),
        ("15% of voters", ("15%", 15, AmountKind.PERCENT, "percent", "voters", False)),
        ("rose 15 per cent", ("15 per cent", 15, AmountKind.PERCENT, "percent", None, False)),
        ("nearly 15 percent", ("nearly 15 percent", 15, AmountKind.PERCENT, "percent", None, True)),
        (
            "up 2 percentage points",
            ("2 percentage points", 2, AmountKind.PERCENT, "percentage point", None, False),
        ),
        ("for ten years", ("ten years", 10, AmountKind.DURATION, "year", None, False)),
        ("a 10-year-old boy", ("10-year-old", 10, AmountKind.AGE, "year", None, False)),
        ("a 10km march", ("10km", 10, AmountKind.MEASURE, "km", None, False)),
        ("more than 40 people died", ("more than 40 people", 40, AmountKind.COUNT, None, "people", True)),
        (
            "up to 5,000 US soldiers",
            ("up to 5,000 US soldiers", 5000, AmountKind.COUNT, None, "US soldiers", True),
        ),
        (
            "some 200 armed groups",
            ("some 200 armed groups", 200, AmountKind.COUNT, None, "armed groups", True),
        ),
        (
            "hundreds of thousands of Syrian refugees",
            (
                "hundreds of thousands of Syrian refugees",
                200_000,
                AmountKind.COUNT,
                None,
                "Syrian refugees",
                True,
            ),
        ),
        ("one soldier was killed", ("one soldier", 1, AmountKind.COUNT, None, "soldier", False)),
        ("2000 troops were sent", ("2000 troops", 2000, AmountKind.COUNT, None, "troops", False)),
        ("a crowd of 12,000.", ("12,000", 12000, AmountKind.COUNT, None, None, False)),
    ],
)
def test_amounts_reads_value_kind_unit_and_object(
    text: str, expected: tuple[str, float, AmountKind, str | None, str | None, bool]
) -> None:
    assert [_summary(a) for a in extract_amounts(text)] == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "The war began in 2014.",
        "since 2014",
        "On 5 January, 2020, they voted.",
        "on May 31, 2021 in Baghdad",
        "July 24, 2021 at 1:04 pm",
        "the meeting starts at 10am",
        "the fourth round of talks",
        "the 4th round of talks",
        "call +44 20 7946 0958 now",
        "COVID-19 cases rose",
        "the G7 summit",
        "an F-16 jet",
        "a 3-0 win",
        "released on 2019-03-04",
        "under Article 5 of the treaty",
        "UN Resolution 2254",
        "no one knows",
        "one of them",
        "two days ago",
        "version 1.2.3",
    ],
)
def test_amounts_ignores_years_dates_times_ordinals_and_identifiers(text: str) -> None:
    assert extract_amounts(text) == ()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("She wore five-inch heels.", ("five-inch", 5, AmountKind.MEASURE, "inch", None, False)),
        ("after a seven-week strike", ("seven-week", 7, AmountKind.DURATION, "week", None, False)),
        ("a three-year deal was signed", ("three-year", 3, AmountKind.DURATION, "year", None, False)),
        ("a 12-mile hike", ("12-mile", 12, AmountKind.MEASURE, "mile", None, False)),
        ("we spoke to 12-year-olds there", ("12-year-olds", 12, AmountKind.AGE, "year", None, False)),
        ("a half million more visitors", ("a half million", 500_000, AmountKind.COUNT, None, None, False)),
        ("with hundreds wounded", ("hundreds", 200, AmountKind.COUNT, None, None, True)),
        ("before an audience of millions.", ("millions", 2_000_000, AmountKind.COUNT, None, None, True)),
        ("Police Arrest Three Men", ("Three Men", 3, AmountKind.COUNT, None, "Men", False)),
        ("Shop 40 of her favourite gifts here.", ("40", 40, AmountKind.COUNT, None, None, False)),
    ],
)
def test_amounts_reads_hyphenated_units_half_and_vague_plurals(
    text: str, expected: tuple[str, float, AmountKind, str | None, str | None, bool]
) -> None:
    assert [_summary(a) for a in extract_amounts(text)] == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "the veterans of World War One gathered in the old town square",
        "the Big Three carmakers all raised their prices again this spring",
        "he heard it on the Radio 4 morning show on the way to work",
        "the sequel Harbour 2 was shown in cinemas across the country",
        "the history of the Six-Day War is taught",
    ],
)
def test_amounts_ignores_numbers_that_are_part_of_a_name(text: str) -> None:
    assert [a.text for a in extract_amounts(text) if a.kind is AmountKind.COUNT] == []


def test_amounts_keeps_counts_after_a_capitalised_word() -> None:
    text = "Spain reported 157,000 cases and Italy 143,600 by the end of the week."
    assert [a.value for a in extract_amounts(text)] == [157_000, 143_600]


def test_amounts_object_offsets_point_at_the_object() -> None:
    (amount,) = extract_amounts("There were about 3,000 US troops there.")
    assert amount.object_start is not None
    assert amount.object_end is not None
    assert "There were about 3,000 US troops there."[amount.object_start : amount.object_end] == "US troops"
    assert amount.qualifier == "about"


_FRAGMENTS = st.sampled_from(
    [
        " ",
        "3,000",
        "1.5",
        "2m",
        "$",
        "£",
        "€",
        "%",
        " per cent",
        " about ",
        " troops",
        " years",
        " ago",
        "-",
        ",",
        ".",
        "one",
        "twenty",
        "-five",
        " hundred",
        " and ",
        " of ",
        "hundreds",
        " May ",
        "2014",
        ":",
        "\n",
        "a dozen",
    ]
)


@given(st.one_of(st.text(), st.lists(_FRAGMENTS | st.text(max_size=3)).map("".join)))
def test_amounts_never_raises_and_offsets_match_text(text: str) -> None:
    for amount in extract_amounts(text):
        assert 0 <= amount.start < amount.end <= len(text)
        assert text[amount.start : amount.end] == amount.text
        if amount.object is not None:
            assert amount.object_start is not None
            assert amount.object_end is not None
            assert amount.start <= amount.object_start < amount.object_end <= len(text)
            assert text[amount.object_start : amount.object_end] == amount.object


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a hundred soldiers", [("a hundred soldiers", 100)]),  # "a" before a number word starts it
        ("Half a million people fled", [("Half a million people", 500_000)]),
        ("TWENTY soldiers died", [("TWENTY soldiers", 20)]),  # number words in any case
        ("Call +44 20 7946 0958 today", []),  # phone numbers, with "+" or "(" before the digits
        ("Call (020) 7946 0958 today", []),
        ("Officials met to discuss the plan.", []),  # no digit and no number word: no amount
    ],
)
def test_amounts_where_numbers_start(text: str, expected: list[tuple[str, float]]) -> None:
    assert [(a.text, a.value) for a in extract_amounts(text)] == expected


@given(
    st.lists(
        _FRAGMENTS
        | st.sampled_from(["an ", "half ", "HALF ", "ſix", "K", "İ", "+", "(", "7946 "])
        | st.sampled_from(["seventeen", "Sixty", "someone", "thousands", "tens"])
    ).map("".join)
)
def test_amounts_numbers_tried_where_they_can_start_find_what_a_full_scan_finds(text: str) -> None:
    digits = digit_runs(text)
    assert [m.span() for m in amounts._number_matches(text, digits)] == [
        m.span() for m in amounts._NUMBER_RE.finditer(text)
    ]
    assert [m.span() for m in amounts._phone_matches(text, digits)] == [
        m.span() for m in amounts._PHONE_RE.finditer(text)
    ]


# --- ages, years, weight, scales, named dollars, what money is for, vague scales ------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Nadia Mohamed, 27, was arrested.", [("27", 27, AmountKind.AGE, "year")]),
        ("The woman, aged 96, died at home.", [("96", 96, AmountKind.AGE, "year")]),
        ("Smith, 45, and Jones, 50, were charged.", [("45", 45, AmountKind.AGE, "year"), ("50", 50, AmountKind.AGE, "year")]),
        ("In 2010, 27 people died.", [("27 people", 27, AmountKind.COUNT, None)]),  # no name before the comma
    ],
)  # fmt: skip
def test_amounts_ages_are_not_counts(
    text: str, expected: list[tuple[str, float, AmountKind, str | None]]
) -> None:
    assert [(a.text, a.value, a.kind, a.unit) for a in extract_amounts(text)] == expected


@pytest.mark.parametrize(
    "text",
    [
        "The city was founded in 860 BC by traders.",
        "Pompeii was buried in AD 79.",
        "The composer Mozart (1761) wrote it.",
    ],
)
def test_amounts_years_with_an_era_or_in_parentheses_are_not_amounts(text: str) -> None:
    assert extract_amounts(text) == ()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The baby weighed 8 pounds.", (8, AmountKind.MEASURE, "pound")),
        ("He lost 20 pounds in a month.", (20, AmountKind.MEASURE, "pound")),
        ("Police seized 5 pounds of cocaine.", (5, AmountKind.MEASURE, "pound")),
        ("The fine was 500 pounds.", (500, AmountKind.MONEY, "GBP")),
        ("The company lost 20 million pounds.", (20e6, AmountKind.MONEY, "GBP")),
        ("The deal is worth 5 lakh rupees.", (5e5, AmountKind.MONEY, "INR")),
        ("It cost Rs 3 crore.", (3e7, AmountKind.MONEY, "INR")),
        ("Profit was 20 mln dlrs.", (20e6, AmountKind.MONEY, "USD")),
        ("Sales of 3 bln euros.", (3e9, AmountKind.MONEY, "EUR")),
        ("It paid 10 million Hong Kong dollars.", (10e6, AmountKind.MONEY, "HKD")),
        ("a loan of 4 million Singapore dollars", (4e6, AmountKind.MONEY, "SGD")),
    ],
)
def test_amounts_units_and_scales(text: str, expected: tuple[float, AmountKind, str]) -> None:
    (amount,) = extract_amounts(text)
    assert (amount.value, amount.kind, amount.unit) == expected


@pytest.mark.parametrize(
    ("text", "obj"),
    [
        ("The government spent $5 million on new schools.", "new schools"),
        ("He paid $20 million for the team.", "the team"),
        ("The company raised $2 billion to fund expansion.", "expansion"),
        ("It won a $5 million contract.", "contract"),
        ("The fund had $3 billion in assets.", None),  # the sentence does not say what it is for
    ],
)
def test_amounts_money_says_what_it_is_for(text: str, obj: str | None) -> None:
    (amount,) = extract_amounts(text)
    assert amount.kind is AmountKind.MONEY
    assert amount.object == obj
    if obj is not None:
        assert text[amount.object_start : amount.object_end] == obj  # type: ignore[misc]


@pytest.mark.parametrize(
    ("text", "value", "qualifier"),
    [
        ("Several thousand people marched.", 3000, "several"),
        ("A few hundred protesters gathered.", 200, "a few"),
    ],
)
def test_amounts_vague_scales_are_approximate(text: str, value: float, qualifier: str) -> None:
    (amount,) = extract_amounts(text)
    assert (amount.value, amount.approximate, amount.qualifier) == (value, True, qualifier)
