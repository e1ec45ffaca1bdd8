"""Specification of date-line reading: formats, clocks, zones, day/month order, published vs updated."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from flows.core.page.datelines import (
    DateKind,
    _labelled_segments,
    find_date_candidates,
    infer_day_first,
    is_date_line,
    parse_date_text,
)


@pytest.mark.parametrize(
    ("text", "local", "has_time", "precision"),
    [
        ("July 24, 2021 at 1:04 pm", datetime(2021, 7, 24, 13, 4), True, "minute"),
        ("Thursday, November 9, 2023 4:41AM", datetime(2023, 11, 9, 4, 41), True, "minute"),
        ("Nov. 8, 2023, 10:28 p.m.", datetime(2023, 11, 8, 22, 28), True, "minute"),
        ("Thursday, November 9th 2023", datetime(2023, 11, 9), False, "day"),
        ("8 January 2020, 3:51 pm", datetime(2020, 1, 8, 15, 51), True, "minute"),
        ("21:22, 6 OCT 2020", datetime(2020, 10, 6, 21, 22), True, "minute"),
        ("10:48, Tue, Nov 19, 2019", datetime(2019, 11, 19, 10, 48), True, "minute"),
        ("2023-11-07 15:03:30", datetime(2023, 11, 7, 15, 3, 30), True, "second"),
        ("Saturday May 16th 2020 at 8.30pm", datetime(2020, 5, 16, 20, 30), True, "minute"),
        ("14/05/2021 | 20:26 PM", datetime(2021, 5, 14, 20, 26), True, "minute"),
    ],
)
def test_datelines_parse_date_text_reads_formats(
    text: str, local: datetime, has_time: bool, precision: str
) -> None:
    found = parse_date_text(text)
    assert found is not None
    assert (found.local, found.has_time, found.precision) == (local, has_time, precision)
    assert found.utc is None
    assert found.timezone is None


@pytest.mark.parametrize(
    ("text", "zone", "utc"),
    [
        ("March 3, 2022 9:15 am EST", "EST", datetime(2022, 3, 3, 14, 15, tzinfo=UTC)),
        ("January 10, 2020 9:00AM (UTC)", "UTC", datetime(2020, 1, 10, 9, 0, tzinfo=UTC)),
        ("2021-07-24T13:04:00+02:00", "+02:00", datetime(2021, 7, 24, 11, 4, tzinfo=UTC)),
        ("Nov. 8, 2023, 10:28 p.m. ET", "ET", datetime(2023, 11, 9, 3, 28, tzinfo=UTC)),
        ("June 8, 2023, 10:28 p.m. ET", "ET", datetime(2023, 6, 9, 2, 28, tzinfo=UTC)),
    ],
)
def test_datelines_stated_zone_gives_aware_utc(text: str, zone: str, utc: datetime) -> None:
    found = parse_date_text(text)
    assert found is not None
    assert found.timezone == zone
    assert found.utc == utc
    assert found.utc.tzinfo is not None


@pytest.mark.parametrize(
    ("text", "day_first", "expected"),
    [
        ("09/11/2023", True, datetime(2023, 11, 9)),
        ("09/11/2023", False, datetime(2023, 9, 11)),
        ("11/25/2023", True, datetime(2023, 11, 25)),  # 25 cannot be a month, whatever the page says
        ("11/8/23", False, datetime(2023, 11, 8)),
    ],
)
def test_datelines_numeric_order_follows_day_first(text: str, day_first: bool, expected: datetime) -> None:
    found = parse_date_text(text, day_first=day_first)
    assert found is not None
    assert found.local == expected


@pytest.mark.parametrize(
    ("page", "day_first"),
    [
        ("Posted 25/12/2022. Later: 03/04/2023", True),
        ("Posted 12/25/2022. Later: 03/04/2023", False),
        ("Published November 8, 2023 at 5:49 p.m. EST. Also 03/04/2023", False),
        ("Published 8 November 2023. Also 03/04/2023", True),
        ("No evidence at all: 03/04/2023", True),
        ("Posted 01.11.2023", True),  # dotted dates are a day-first convention
        ("Published\r\nNovember 8, 2023\r\n", False),  # any line ends
        ("Published 8 November 2023\n— Ann (@ann) November 2, 2023\n— Bo (@bo) May 3, 2023", True),
        ("Published Sept. 8, 2023 and ſept. 9, 2023", False),  # letters that match only case-insensitively
        ("Published 8 November 2023, 9 May 2020, then October 1, 2023", True),
        ("Published October 1, 2023 and November 8, 2023, then 9 May 2020", False),
        ("Published 10:00 EST", False),
        ("Published 10:00 GMT", True),
    ],
)
def test_datelines_infer_day_first_from_page_evidence(page: str, day_first: bool) -> None:
    assert infer_day_first(page) is day_first


def test_datelines_relative_needs_a_reference_time() -> None:
    assert parse_date_text("2 hours ago") is None
    reference = datetime(2023, 11, 9, 12, 0, tzinfo=UTC)
    found = parse_date_text("2 hours ago", reference=reference)
    assert found is not None
    assert found.local == datetime(2023, 11, 9, 10, 0)
    assert found.utc == datetime(2023, 11, 9, 10, 0, tzinfo=UTC)
    yesterday = parse_date_text("yesterday", reference=reference)
    assert yesterday is not None
    assert yesterday.local == datetime(2023, 11, 8)
    assert not yesterday.has_time


def test_datelines_a_relative_time_before_the_year_one_is_no_date() -> None:
    reference = datetime(2023, 11, 9, 12, 0, tzinfo=UTC)
    assert parse_date_text("99999999 weeks ago", reference=reference) is None


@pytest.mark.parametrize(
    ("block", "kinds"),
    [
        ("Published May 2, 2022 | Updated May 3, 2022", [DateKind.PUBLISHED, DateKind.UPDATED]),
        ("Updated 21:22, 6 OCT 2020", [DateKind.UPDATED]),
        ("Posted: Nov 9, 2023 / 01:14 AM EST", [DateKind.PUBLISHED]),
        ("May 2, 2022", [DateKind.PLAIN]),
        ("The report was published on May 2, 2022.", []),  # a date in a sentence is not a date line
        ("Our team visited the old mill on May 2, 2022 with the mayor and two councillors", []),
    ],
)
def test_datelines_candidates_label_published_and_updated(block: str, kinds: list[DateKind]) -> None:
    assert [c.kind for c in find_date_candidates([block])] == kinds


def test_datelines_byline_with_date_is_a_candidate() -> None:
    (candidate,) = find_date_candidates(["By Ann Lee, August 14, 2020 2:30 pm"], day_first=False)
    assert candidate.in_byline
    assert candidate.date.local == datetime(2020, 8, 14, 14, 30)


@pytest.mark.parametrize("text", ["100M users", "32° 34'S", "6005", "Feb 30, 2021", "13/13/2020", "2.3, 4.1"])
def test_datelines_numbers_that_are_not_dates_give_none(text: str) -> None:
    assert parse_date_text(text) is None


@pytest.mark.parametrize(
    ("block", "expected"),
    [
        ("Monday, 6 January 2020", True),
        ("Nov. 8, 2023 4:41 PM", True),
        ("March 6 2023 was the day the rangers counted the birds", False),
        ("Version 2.0", False),
    ],
)
def test_datelines_is_date_line_only_for_whole_date_lines(block: str, expected: bool) -> None:
    assert is_date_line(block) is expected


@pytest.mark.parametrize(
    "month",
    ["Jan.", "February", "MAR", "april", "May", "Jun", "July", "Aug.", "Sept.", "October", "Nov", "DECEMBER"],
)
def test_datelines_every_month_name_reads_in_any_case(month: str) -> None:
    date = parse_date_text(f"Posted {month} 8, 2023")
    assert date is not None
    assert (date.local.year, date.local.day) == (2023, 8)
    assert not infer_day_first(f"Posted {month} 8, 2023 and again {month} 9, 2023")  # US order counts


def test_datelines_a_relative_date_follows_the_zone_of_its_reference() -> None:
    """Equal instants in different zones give different local days: answers are never shared between them."""
    utc = datetime(2024, 3, 1, 23, 30, tzinfo=UTC)
    tokyo = utc.astimezone(timezone(timedelta(hours=9)))
    assert utc == tokyo
    first = parse_date_text("2 days ago", reference=utc)
    second = parse_date_text("2 days ago", reference=tokyo)
    assert first is not None
    assert second is not None
    assert (first.local.day, second.local.day) == (28, 29)


@pytest.mark.parametrize(
    ("block", "kinds"),
    [
        ("Published 8 November 2023 | Updated 9 November 2023", ["published", "updated"]),
        ("Crime First Published On 8 November 2023", ["plain", "published"]),
        ("LAST MODIFIED: 9 November 2023", ["updated"]),
        ("The report was published on 8 November 2023", ["plain"]),  # not capitalised: not a label
    ],
)
def test_datelines_labels_cut_a_block_into_kinds(block: str, kinds: list[str]) -> None:
    assert [kind.value for _, kind in _labelled_segments(block)] == kinds


def test_datelines_ask_the_page_s_day_order_only_for_an_all_numeric_date() -> None:
    asked: list[bool] = []

    def day_first() -> bool:
        asked.append(True)
        return False

    written = find_date_candidates(["July 24, 2021 at 1:04 pm", "Posted 5 January 2020"], day_first=day_first)
    assert [c.date.local for c in written] == [datetime(2021, 7, 24, 13, 4), datetime(2020, 1, 5)]
    assert not asked
    (numeric,) = find_date_candidates(["Published 03/04/2021"], day_first=day_first)
    assert asked
    assert numeric.date.local == datetime(2021, 3, 4)  # month first, as the page's order says
    (constant,) = find_date_candidates(["Published 03/04/2021"], day_first=True)
    assert constant.date.local == datetime(2021, 4, 3)
