"""Date expressions resolved against the publication date."""

from __future__ import annotations

import itertools
import re
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from flows.core.intel import date_mentions
from flows.core.intel.date_mentions import (
    NO_ANCHOR,
    REFERENCE_NOTE,
    DateKind,
    DateMention,
    Granularity,
    resolve_dates,
)

PUBLISHED = date(2021, 7, 24)  # a Saturday, the sample article's date line

SAMPLE_BODY = (
    "The Iraqi Resistance Coordination Committee, which consists of four Shia groups affiliate with Iran, "
    "pledged on Friday to fight any foreign soldiers in the country, Anadolu Agency reported.\n\n"
    "The statement added: “US trainers and the international alliance have proven their failure during the "
    "past ten years and their failure led to the collapse of the security and military institutions.”\n\n"
    "The US has been leading an international alliance against Daesh since 2014, as about 3,000 troops are "
    "deployed in Iraq, including 2,500 Americans.\n\n"
    "On 7 April this year, Baghdad announced an agreement with the US to turn the troops of the "
    "international alliance from combatants to consultants.\n\n"
    "On 5 January, 2020, Iraqi Parliament voted for evicting US troops from the country."
)
SAMPLE_CAPTION = (
    "Coalition soldiers fly to Baghdad International Airport from the International Zone in a US Blackhawk "
    "helicopter on May 31, 2021 in Baghdad, Iraq [John Moore/Getty Images]"
)


def _summary(mention: DateMention) -> tuple[str, date | None, Granularity, bool]:
    return mention.text, mention.value, mention.granularity, mention.is_future


def test_date_mentions_sample_body_pins_every_date() -> None:
    mentions = resolve_dates(SAMPLE_BODY, PUBLISHED)
    assert [_summary(m) for m in mentions] == [
        ("Friday", date(2021, 7, 23), Granularity.DAY, False),
        ("2014", date(2014, 1, 1), Granularity.YEAR, False),
        ("7 April this year", date(2021, 4, 7), Granularity.DAY, False),
        ("5 January, 2020", date(2020, 1, 5), Granularity.DAY, False),
    ]
    assert [m.preposition for m in mentions] == ["on", "since", "on", "on"]
    assert [m.is_relative for m in mentions] == [True, False, True, False]


def test_date_mentions_sample_caption_date() -> None:
    (mention,) = resolve_dates(SAMPLE_CAPTION, PUBLISHED)
    assert _summary(mention) == ("May 31, 2021", date(2021, 5, 31), Granularity.DAY, False)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("It happened yesterday.", ("yesterday", date(2021, 7, 23), Granularity.DAY, False)),
        ("It happens today.", ("today", date(2021, 7, 24), Granularity.DAY, False)),
        ("It happens tomorrow.", ("tomorrow", date(2021, 7, 25), Granularity.DAY, True)),
        ("It happened two days ago.", ("two days ago", date(2021, 7, 22), Granularity.DAY, False)),
        ("It happened 3 weeks ago.", ("3 weeks ago", date(2021, 6, 28), Granularity.WEEK, False)),
        ("They met last week.", ("last week", date(2021, 7, 12), Granularity.WEEK, False)),
        ("They meet next week.", ("next week", date(2021, 7, 26), Granularity.WEEK, True)),
        ("They met last month.", ("last month", date(2021, 6, 1), Granularity.MONTH, False)),
        ("They met last year.", ("last year", date(2020, 1, 1), Granularity.YEAR, False)),
        ("They met in March.", ("March", date(2021, 3, 1), Granularity.MONTH, False)),
        ("They met in September.", ("September", date(2020, 9, 1), Granularity.MONTH, False)),
        ("They will meet in September.", ("September", date(2021, 9, 1), Granularity.MONTH, True)),
        ("They met in March 2020.", ("March 2020", date(2020, 3, 1), Granularity.MONTH, False)),
        ("Released 2019-03-04.", ("2019-03-04", date(2019, 3, 4), Granularity.DAY, False)),
        ("Signed January 5, 2020.", ("January 5, 2020", date(2020, 1, 5), Granularity.DAY, False)),
        ("Signed 5 Jan. 2020.", ("5 Jan. 2020", date(2020, 1, 5), Granularity.DAY, False)),
        ("They invaded on 20 March.", ("20 March", date(2021, 3, 20), Granularity.DAY, False)),
        ("They voted on 30 December.", ("30 December", date(2020, 12, 30), Granularity.DAY, False)),
        ("Growth in the 1990s.", ("1990s", date(1990, 1, 1), Granularity.DECADE, False)),
        ("They met last Friday.", ("last Friday", date(2021, 7, 23), Granularity.DAY, False)),
        ("They meet next Friday.", ("next Friday", date(2021, 7, 30), Granularity.DAY, True)),
        ("They meet this Monday.", ("this Monday", date(2021, 7, 19), Granularity.DAY, False)),
        ("They met on Saturday.", ("Saturday", date(2021, 7, 24), Granularity.DAY, False)),
        ("They met on Monday.", ("Monday", date(2021, 7, 19), Granularity.DAY, False)),
        ("Talks will resume on Monday.", ("Monday", date(2021, 7, 26), Granularity.DAY, True)),
        ("Talks are due to resume on Tuesday.", ("Tuesday", date(2021, 7, 27), Granularity.DAY, True)),
        ("The vote was held in mid-2020.", ("2020", date(2020, 1, 1), Granularity.YEAR, False)),
    ],
)
def test_date_mentions_resolves_against_published_date(
    text: str, expected: tuple[str, date | None, Granularity, bool]
) -> None:
    assert [_summary(m) for m in resolve_dates(text, PUBLISHED)] == [expected]


def test_date_mentions_reported_speech_keeps_each_tense() -> None:
    text = "Hussein said on Friday the talks will be held on Tuesday."
    assert [(m.text, m.value) for m in resolve_dates(text, PUBLISHED)] == [
        ("Friday", date(2021, 7, 23)),
        ("Tuesday", date(2021, 7, 27)),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "their failure during the past ten years",
        "over the last year",
        "over the past week",
        "they may 31 times",
        "Room 2014 is free",
        "She told the Today programme she would stay.",
        "Fans of Monday Night Quiz cheered the host.",
        "It was in the Sunday Times, she said.",
        "the May government fell",
        "the Super Tuesday primaries",
        "the best Black Friday deals",
        "it cost $2020",
        "COVID-19 spread",
        "Fridays are quiet",
    ],
)
def test_date_mentions_ignores_durations_and_non_dates(text: str) -> None:
    assert resolve_dates(text, PUBLISHED) == ()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # an abbreviation ends no sentence: the future tense reaches the weekday
        (
            "The strike will end at 9 a.m. on Thursday.",
            ("Thursday", date(2021, 7, 29), Granularity.DAY, True),
        ),
        # no tense in the sentence: the nearer date, the past counting double
        ("The fair on 9 August draws big crowds.", ("9 August", date(2021, 8, 9), Granularity.DAY, True)),
        ("The fair on 9 June draws big crowds.", ("9 June", date(2021, 6, 9), Granularity.DAY, False)),
        # "since" looks back whatever the tense
        ("Prices are up since 2 August.", ("2 August", date(2020, 8, 2), Granularity.DAY, False)),
        # years and months that name a thing
        ("Growth stalled after the 2012 budget.", ("2012", date(2012, 1, 1), Granularity.YEAR, False)),
        ("He ran Smith's 2016 campaign.", ("2016", date(2016, 1, 1), Granularity.YEAR, False)),
        ("Sales for fiscal year 2020 rose.", ("2020", date(2020, 1, 1), Granularity.YEAR, False)),
        ("She spoke at a June rally in the city.", ("June", date(2021, 6, 1), Granularity.MONTH, False)),
        ("Today, she said, the rules change.", ("Today", date(2021, 7, 24), Granularity.DAY, False)),
        ("They met on Saturday night.", ("Saturday", date(2021, 7, 24), Granularity.DAY, False)),
        ("He backed it as recently as 2011.", ("2011", date(2011, 1, 1), Granularity.YEAR, False)),
        ("They found a 2010 video of the talk.", ("2010", date(2010, 1, 1), Granularity.YEAR, False)),
        # a weekday that only introduces a date is part of it
        (
            "He left on Sunday, 4 November 2012.",
            ("4 November 2012", date(2012, 11, 4), Granularity.DAY, False),
        ),
        # a passive "is confronted" is no past tense: the nearer 2 August
        (
            "It matters on 2 August when he is confronted.",
            ("2 August", date(2021, 8, 2), Granularity.DAY, True),
        ),
    ],
)
def test_date_mentions_tense_abbreviations_and_naming_uses(
    text: str, expected: tuple[str, date | None, Granularity, bool]
) -> None:
    assert [_summary(m) for m in resolve_dates(text, PUBLISHED)] == [expected]


def test_date_mentions_paired_months_and_the_end_of_a_range() -> None:
    pair = resolve_dates("Talks ran in April and May.", PUBLISHED)
    assert [(m.text, m.value) for m in pair] == [("April", date(2021, 4, 1)), ("May", date(2021, 5, 1))]
    autumn = date(2021, 11, 10)
    moved = resolve_dates("The show moved from October to February.", autumn)
    assert [(m.text, m.value, m.is_future) for m in moved] == [
        ("October", date(2021, 10, 1), False),
        ("February", date(2022, 2, 1), True),
    ]


def test_date_mentions_between_years_gives_both_ends() -> None:
    mentions = resolve_dates("between 2014 and 2016", PUBLISHED)
    assert [(m.text, m.value) for m in mentions] == [("2014", date(2014, 1, 1)), ("2016", date(2016, 1, 1))]


def test_date_mentions_without_published_date_keeps_relative_unresolved() -> None:
    mentions = resolve_dates("on Friday, since 2014, on 7 April this year", None)
    assert [(m.text, m.value, m.note) for m in mentions] == [
        ("Friday", None, NO_ANCHOR),
        ("2014", date(2014, 1, 1), None),
        ("7 April this year", None, NO_ANCHOR),
    ]
    assert not any(m.is_future for m in mentions)


def test_date_mentions_impossible_day_is_kept_with_a_note() -> None:
    (mention,) = resolve_dates("on 31 February 2021", PUBLISHED)
    assert mention.value is None
    assert mention.note is not None


_PAST_EXPRESSIONS = st.sampled_from(
    [
        "on Friday",
        "on Monday",
        "last Sunday",
        "in March",
        "in December",
        "on 5 January",
        "on 29 February",
        "yesterday",
        "two days ago",
        "last week",
        "last month",
        "last year",
        "a year ago",
        "today",
    ]
)


@given(_PAST_EXPRESSIONS, st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31)))
def test_date_mentions_past_expressions_never_resolve_after_published(phrase: str, published: date) -> None:
    for mention in resolve_dates(f"The committee met {phrase}.", published):
        if mention.value is not None:
            assert mention.value <= published
            assert not mention.is_future
            assert published - mention.value < timedelta(days=366 * 9)


_FRAGMENTS = st.sampled_from(
    [
        " ",
        "on ",
        "Friday",
        "last ",
        "next ",
        "this ",
        "year",
        " week",
        "May",
        "March ",
        "31",
        "5 ",
        ", ",
        "2020",
        "-",
        "04",
        " ago",
        "two days",
        "will ",
        "said ",
        ".",
        "\n",
        "the ",
        "1990s",
        "since ",
        "mid-",
    ]
)


@given(
    st.one_of(st.text(), st.lists(_FRAGMENTS | st.text(max_size=3)).map("".join)),
    st.one_of(st.none(), st.dates()),
)
def test_date_mentions_never_raises_and_offsets_match_text(text: str, published: date | None) -> None:
    mentions = resolve_dates(text, published)
    for mention in mentions:
        assert 0 <= mention.start < mention.end <= len(text)
        assert text[mention.start : mention.end] == mention.text
    assert all(a.end <= b.start for a, b in itertools.pairwise(mentions))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "The talks end next\nFriday.",
            ("next\nFriday", date(2021, 7, 30)),
        ),  # a modifier across a line break
        ("The talks ended last  Friday.", ("last  Friday", date(2021, 7, 23))),
        ("It starts NEXT WEEK.", ("NEXT WEEK", date(2021, 7, 26))),  # case-insensitive words in capitals
        ("They met This Morning.", ("This Morning", date(2021, 7, 24))),
        ("It happened three days AGO.", ("three days AGO", date(2021, 7, 21))),
    ],
)
def test_date_mentions_modifiers_and_any_case(text: str, expected: tuple[str, date]) -> None:
    assert [(m.text, m.value) for m in resolve_dates(text, PUBLISHED)] == [expected]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The vote was set to pass on Friday.", date(2021, 7, 30)),
        ("The vote was\nset to pass on Friday.", date(2021, 7, 23)),  # the line break starts a new sentence
        ("Talks were held on Friday.\nThey will resume on Friday.", date(2021, 7, 23)),
    ],
)
def test_date_mentions_tense_comes_from_the_expressions_own_sentence(text: str, expected: date) -> None:
    assert resolve_dates(text, PUBLISHED)[0].value == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The vote IS DUE TO pass on Friday.", date(2021, 7, 30)),  # future markers in any case
        ("They’ll vote on Friday.", date(2021, 7, 30)),
        ("The upcoming vote on Friday.", date(2021, 7, 30)),
        ("The vote was held on Friday.", date(2021, 7, 23)),
        ("The vote on Friday.", date(2021, 7, 23)),  # no tense: the latest Friday
    ],
)
def test_date_mentions_future_markers(text: str, expected: date) -> None:
    assert resolve_dates(text, PUBLISHED)[0].value == expected


_MORE_FRAGMENTS = (
    st.sampled_from(
        ["Last ", "ſ", "K", "İ", "Monday", " week", "\t", "Yesterday", "tonight", " night", "Morning"]
    )
    | st.sampled_from(["a couple of ", " DAYS", "AGO", "Pentagon", "123", "7"])
    | st.sampled_from(
        [
            "Third",
            "quarter",
            "-half",
            "fiscal ",
            "The ",
            "a ",
            "Same ",
            "period",
            "ago",
            "earlier",
            "of ",
            "1988 ",
        ]
    )
    | st.sampled_from(
        [
            "right ",
            "Now",
            "at ",
            "present",
            "Past",
            "future",
            "soon",
            "recently",
            "year’s ",
            "coming ",
            "head",
            "be",
        ]
    )
)


@given(st.lists(_FRAGMENTS | _MORE_FRAGMENTS).map("".join))
def test_date_mentions_rules_tried_where_they_can_start_find_what_a_full_scan_finds(text: str) -> None:
    starts = date_mentions._Starts.of(text)
    for rule in date_mentions._RULES:
        assert [m.span() for m in date_mentions._rule_matches(rule, starts)] == [
            m.span() for m in rule.pattern.finditer(text)
        ]


@given(
    st.lists(
        _FRAGMENTS
        | st.sampled_from(
            ["WILL ", "shall", "won't", "They’ll", "we'll", "Upcoming", "is due to", "WERE SET TO"]
        )
        | st.sampled_from(
            ["was expected to", "are going to", "plans to", "Planning to", "planned to", "ſ", "K"]
        )
    ).map("".join)
)
def test_date_mentions_a_sentence_with_a_future_marker_is_never_passed_over(text: str) -> None:
    tense = date_mentions._Tense(text, date_mentions.lowered_keeping_offsets(text))
    if date_mentions._FUTURE_RE.search(text):
        assert tense._may_hold_future(0, len(text))


# --- quarters, halves, "a year earlier", references, dates ahead of a past-tense clause -----------------

REPORT_DAY = date(1989, 10, 27)  # an earnings report in late October


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Third-quarter net fell 5%.", [("Third-quarter", date(1989, 7, 1), Granularity.QUARTER)]),
        ("Profit in the third quarter rose.", [("the third quarter", date(1989, 7, 1), Granularity.QUARTER)]),
        ("Sales in the fourth quarter of 1988 fell.", [("the fourth quarter of 1988", date(1988, 10, 1), Granularity.QUARTER)]),
        ("Costs rose in the first quarter.", [("the first quarter", date(1989, 1, 1), Granularity.QUARTER)]),
        ("In the 1988 third quarter it lost $2.", [("the 1988 third quarter", date(1988, 7, 1), Granularity.QUARTER)]),
        ("It may close in next year's first quarter.", [("next year's first quarter", date(1990, 1, 1), Granularity.QUARTER)]),
        ("Sales were weak in the quarter, it said.", [("the quarter", date(1989, 7, 1), Granularity.QUARTER)]),
        ("It expects a loss next quarter.", [("next quarter", date(1990, 1, 1), Granularity.QUARTER)]),
        ("Earnings for the first half of 1989 rose.", [("the first half of 1989", date(1989, 1, 1), Granularity.HALF)]),
        ("Profits will rise in the second half.", [("the second half", date(1989, 7, 1), Granularity.HALF)]),
    ],
)  # fmt: skip
def test_date_mentions_quarters_and_halves(text: str, expected: list[tuple[str, date, Granularity]]) -> None:
    assert [(m.text, m.value, m.granularity) for m in resolve_dates(text, REPORT_DAY)] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Sales fell last quarter.", [("last quarter", date(1989, 7, 1), Granularity.QUARTER)]),
        ("First-half profit doubled.", [("First-half", date(1989, 1, 1), Granularity.HALF)]),
        ("Profit rose in Q3.", [("Q3", date(1989, 7, 1), Granularity.QUARTER)]),
        ("Q2 results beat estimates.", [("Q2", date(1989, 4, 1), Granularity.QUARTER)]),
        ("Sales in Q4 1988 fell.", [("Q4 1988", date(1988, 10, 1), Granularity.QUARTER)]),
        ("Sales in Q4 of 1988 fell.", [("Q4 of 1988", date(1988, 10, 1), Granularity.QUARTER)]),
        ("Its 3Q88 sales fell.", [("3Q88", date(1988, 7, 1), Granularity.QUARTER)]),
        ("Q1'90 looks weak.", [("Q1'90", date(1990, 1, 1), Granularity.QUARTER)]),
        ("Q1'05 looked weak.", [("Q1'05", date(2005, 1, 1), Granularity.QUARTER)]),
        ("Sales rose in H1 1989.", [("H1 1989", date(1989, 1, 1), Granularity.HALF)]),
        ("The 2H88 loss narrowed.", [("2H88", date(1988, 7, 1), Granularity.HALF)]),
        # not periods: a car's model, a heading or visa, lower case, a half without its year
        ("He drove an Audi Q3 to work.", []),
        ("She applied for H1 status.", []),
        ("Sales in q3 1988 fell.", []),
        ("Sales rose in H1.", []),
        ("Gate Q34 was closed.", []),
    ],
)  # fmt: skip
def test_date_mentions_quarters_and_halves_written_short(
    text: str, expected: list[tuple[str, date, Granularity]]
) -> None:
    assert [(m.text, m.value, m.granularity) for m in resolve_dates(text, REPORT_DAY)] == expected


def test_date_mentions_a_short_quarter_without_year_needs_the_published_day() -> None:
    (found,) = resolve_dates("Profit rose in Q3.", None)
    assert (found.value, found.is_relative, found.note) == (None, True, NO_ANCHOR)
    (dated,) = resolve_dates("Profit rose in Q3 1988.", None)
    assert (dated.value, dated.is_relative) == (date(1988, 7, 1), False)


def test_date_mentions_last_year_without_a_comparison_is_the_year() -> None:
    found = resolve_dates("Third-quarter net fell. Last year the company earned $480 million.", REPORT_DAY)
    assert [(m.text, m.value, m.granularity) for m in found][-1] == (
        "Last year",
        date(1988, 1, 1),
        Granularity.YEAR,
    )


@pytest.mark.parametrize(
    ("text", "year_back"),
    [
        ("Third-quarter profit rose to $5 million from $3 million a year earlier.", ("a year earlier", date(1988, 7, 1), Granularity.QUARTER)),
        ("Net rose in the third quarter. In the year-ago period, it lost $2 million.", ("the year-ago period", date(1988, 7, 1), Granularity.QUARTER)),
        ("In the third quarter it earned $4. In the 1988 quarter, it earned $3.", ("the 1988 quarter", date(1988, 7, 1), Granularity.QUARTER)),
        ("Membership is up from a year ago.", ("a year ago", date(1988, 10, 27), Granularity.DAY)),
        ("Third-quarter net was $24 million, compared with a loss of $3 million last year.", ("last year", date(1988, 7, 1), Granularity.QUARTER)),
        ("Third-quarter net was $24 million. For the quarter a year ago, it lost $3 million.", ("the quarter a year ago", date(1988, 7, 1), Granularity.QUARTER)),
        ("Net rose in the third quarter, against the corresponding period last year.", ("the corresponding period last year", date(1988, 7, 1), Granularity.QUARTER)),
        # an outlook is not the period reported: the year-ago period is the reported third quarter's
        ("Third-quarter net fell. It sees gains in the first quarter of 1990. In the year-ago period it lost $2.", ("the year-ago period", date(1988, 7, 1), Granularity.QUARTER)),
        ("Third-quarter net fell. Weakness will continue into the fourth quarter. A year earlier it lost $2.", ("A year earlier", date(1988, 7, 1), Granularity.QUARTER)),
    ],
)  # fmt: skip
def test_date_mentions_a_year_earlier(text: str, year_back: tuple[str, date, Granularity]) -> None:
    assert (*[(m.text, m.value, m.granularity) for m in resolve_dates(text, REPORT_DAY)][-1],) == year_back


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("He is now retired.", [("now", DateKind.PRESENT_REF)]),
        ("The plant is currently closed.", [("currently", DateKind.PRESENT_REF)]),
        ("She recently moved; the future looks bright.", [("recently", DateKind.PAST_REF), ("the future", DateKind.FUTURE_REF)]),
        ("A now-defunct bank lent in the past five years.", []),  # a compound and a duration
        ("He backed it as recently as 2011.", [("2011", DateKind.DATE)]),
        ("Support rose from 35 percent several years ago.", [("several years ago", DateKind.PAST_REF)]),
    ],
)  # fmt: skip
def test_date_mentions_references_to_past_present_future(
    text: str, kinds: list[tuple[str, DateKind]]
) -> None:
    found = resolve_dates(text, REPORT_DAY)
    assert [(m.text, m.kind) for m in found] == kinds
    for mention in found:
        if mention.kind is not DateKind.DATE:
            assert (mention.value, mention.granularity, mention.note) == (
                None,
                Granularity.REFERENCE,
                REFERENCE_NOTE,
            )


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Directors authorized a split, payable Dec. 7 to holders.", date(1989, 12, 7)),
        ("The company said it extended the offer to Nov. 20.", date(1989, 11, 20)),
        ("Conseco said it is calling for the redemption on Dec. 7 of its shares.", date(1989, 12, 7)),
        ("The committee met on Dec. 7.", date(1988, 12, 7)),  # the past verb governs the date
        ("The loans were extended through January.", date(1990, 1, 1)),
        ("The plant was closed in January.", date(1989, 1, 1)),
        # a participle after "will" is no past tense; but a past verb right before the date governs it
        ("It said it will redeem preferred shares on Oct. 31 at a price.", date(1989, 10, 31)),
        ("It will buy the shares issued Oct. 2, which pay less.", date(1989, 10, 2)),
        # an adjective in "un-" is no past tense: "will double flights by August in markets untouched by it"
        ("Qantas will double its flights by August in markets untouched by the crisis.", date(1990, 8, 1)),
        ("It expects to release results in November.", date(1989, 11, 1)),
        # an infinitive after the past verb: the date is the infinitive's
        ("Thermo agreed to purchase the line for $22 million in January.", date(1990, 1, 1)),
        ("Thermo bought the line for $22 million in January.", date(1989, 1, 1)),
    ],
)
def test_date_mentions_upcoming_date_in_a_past_tense_sentence(text: str, value: date) -> None:
    assert [m.value for m in resolve_dates(text, REPORT_DAY)] == [value]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("The talks, set to resume Monday in Belfast, were delayed.", date(1989, 10, 30)),
        ("The index closed down 4.5% from the previous Friday.", date(1989, 10, 13)),
        ("The index closed down 4.5% from last Friday.", date(1989, 10, 20)),
    ],
)
def test_date_mentions_weekdays_ahead_and_previous(text: str, value: date) -> None:
    assert [m.value for m in resolve_dates(text, REPORT_DAY)] == [value]


@pytest.mark.parametrize(
    ("sentences", "friday"),
    [
        (None, date(2024, 5, 10)),  # split here: "Friday is the day." has no tense, a plain weekday is past
        ([0, 23], date(2024, 5, 10)),  # the tagger's split, the same
        ([0], date(2024, 5, 17)),  # the tagger saw one sentence: "will" gives it its tense
    ],
)
def test_date_mentions_read_the_tense_in_the_sentences_given(
    sentences: list[int] | None, friday: date
) -> None:
    text = "The board will decide. Friday is the day."
    (found,) = resolve_dates(text, date(2024, 5, 15), sentences=sentences)
    assert (found.text, found.value) == ("Friday", friday)


@given(st.text(alphabet="QHqh12345 \n", max_size=12))
def test_the_short_period_hint_is_found_exactly_where_its_pattern_finds_it(text: str) -> None:
    pattern = r"[QH][1-4]|[1-4][QH]"  # "Q3", "3Q", "H1", "1H": case kept

    assert date_mentions._holds_short_period_hint(text) == (re.search(pattern, text) is not None)


def test_quarters_and_halves_inside_other_words_are_no_periods() -> None:
    text = "Their headquarters spoke on behalf of the board; the yearbook came out."

    assert resolve_dates(text, PUBLISHED) == ()
    assert [m.text for m in resolve_dates("Sales rose in the third quarter.", PUBLISHED)] == [
        "the third quarter"
    ]
