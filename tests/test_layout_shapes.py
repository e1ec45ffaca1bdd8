"""Layout shapes that pages from publishers never seen put around an article's fields.

Each fixture is made up for this test, in one general shape: a bare name over the date above the headline, a
"By NAME <date>" line with the date glued on, a header set far above the body (a video strip in between), an
"Analysis by" credit, initials inside names, a date line with a lowercase "updated" after a comma, interface
strings and agency-credited captions that must not be taken for the headline.
"""

from __future__ import annotations

from datetime import date

import pytest

from flows.core.page.byline import is_person_name, parse_byline
from flows.core.page.parse import parse_page

PARAGRAPHS = (
    "The river authority said on Tuesday that the new flood barrier in the lower town would be finished a year "
    "earlier than planned, after the contractor brought in a second crew for the winter months.",
    "Residents who lost their homes in the floods two years ago welcomed the news but said they would believe it "
    "when they saw the barrier standing, and asked the authority to publish its weekly progress reports.",
    "The barrier will cost about 40 million dollars, most of it paid by the national government, and it is meant "
    "to hold back a flood of the size the town last saw in the spring of the year it was founded.",
)


def _page(*header: str, between: tuple[str, ...] = ()) -> str:
    menu = ("Home", "World", "Business", "Culture", "Sign In", "Search")
    return "\n\n".join([*menu, *header, *between, *PARAGRAPHS, "Most Popular", "About us", "Contact"]) + "\n"


def test_a_bare_name_over_the_section_and_date_above_the_headline_is_the_byline() -> None:
    page = parse_page(
        _page(
            "Mira Talbot",
            "Business",
            "Nov 7, 2023 2:00 AM",
            "Flood barrier in the lower town to be finished a year early",
        )
    )
    assert page.authors == ("Mira Talbot",)
    assert page.headline == "Flood barrier in the lower town to be finished a year early"
    assert page.published is not None
    assert page.published.local.date() == date(2023, 11, 7)


def test_an_interface_string_shaped_like_a_name_is_not_a_byline() -> None:
    page = parse_page(
        _page(
            "Flood barrier in the lower town to be finished a year early",
            "Nov 7, 2023 2:00 AM",
            "Link Copied",
            "Ad Feedback",
        )
    )
    assert page.authors == ()


@pytest.mark.parametrize(
    ("byline", "authors"),
    [
        ("By JANE ROWE JAN. 13, 2017", ("JANE ROWE",)),
        ("by Jane Rowe July 10, 2015", ("Jane Rowe",)),
        ('By Lena "Mags" Orr November 19, 2023 7:18 pm', ('Lena "Mags" Orr',)),
        (
            "By Tom K. Bright , Ann S.J. Vale, and Bo Lind, Metro Desk",
            ("Tom K. Bright", "Ann S.J. Vale", "Bo Lind"),
        ),
        ("Analysis by Ruth Kemper, Senior Legal Analyst", ("Ruth Kemper",)),
    ],
)
def test_a_byline_keeps_its_names_whole_and_leaves_a_glued_date_out(
    byline: str, authors: tuple[str, ...]
) -> None:
    assert parse_byline(byline)[0] == authors


def test_initials_inside_a_name_are_a_name_but_a_company_suffix_is_not() -> None:
    assert is_person_name("Ann S.J. Vale")
    assert not is_person_name("Acme S.A.")


def test_a_header_set_far_above_the_body_gives_headline_byline_and_date() -> None:
    carousel = tuple(
        item
        for n in range(30)
        for item in (f"Video clip number {n} of the evening news", "02:27", "Now playing")
    )
    page = parse_page(
        _page(
            "Flood barrier in the lower town to be finished a year early",
            "By Mira Talbot and Owen Pryce, Staff",
            "7 minute read",
            "Updated 4:48 PM EST, Mon November 6, 2023",
            between=carousel,
        )
    )
    assert page.headline == "Flood barrier in the lower town to be finished a year early"
    assert page.authors == ("Mira Talbot", "Owen Pryce")
    assert page.dated is not None
    assert page.dated[0].local.date() == date(2023, 11, 6)


def test_a_date_line_with_updated_after_a_comma_dates_the_page() -> None:
    page = parse_page(
        _page(
            "Flood barrier in the lower town to be finished a year early",
            "on December 27, 2014 at 12:06 PM, updated December 27, 2014 at 12:10 PM",
        )
    )
    assert page.published is not None
    assert page.published.local.date() == date(2014, 12, 27)
    assert page.updated is not None


def test_interface_strings_and_agency_credited_captions_are_not_the_headline() -> None:
    page = parse_page(
        _page(
            "You are signed in as",
            "Edit Public Profile Sign Out",
            "Flood barrier in the lower town to be finished a year early",
            "Workers on the barrier last week. (The Associated Press)",
            "March 3, 2023",
        )
    )
    assert page.headline == "Flood barrier in the lower town to be finished a year early"


@pytest.mark.parametrize(
    "interface",
    [
        "Need to know",
        "Up Next: Council votes on the pier budget tonight",
        "Gallery: The flood barrier takes shape | 14 Photos",
        "Sorry, no results were found for your search",
        "Use the form below to suggest a correction to this story",
    ],
)
def test_an_interface_string_over_the_header_is_not_the_headline(interface: str) -> None:
    headline = "Flood barrier in the lower town to be finished a year early"
    page = parse_page(_page(interface, headline, "By Mira Talbot", "March 3, 2023"))
    assert page.headline == headline


def _dated(date_line: str, paragraph: str) -> date | None:
    text = f"Town hall to reopen after repairs\n\nBy Mira Talbot\n\n{date_line}\n\n{paragraph}\n\n{PARAGRAPHS[1]}\n"
    dated = parse_page(text).dated
    return dated[0].local.date() if dated is not None else None


def test_a_numeric_date_is_read_month_first_when_the_page_names_that_month() -> None:
    paragraph = (
        "The town hall will reopen on Monday after three months of repairs to its roof, the council said, and "
        "the first meeting in the old chamber is set for later in November."
    )
    assert _dated("Updated 11/08/23 10:46 PM", paragraph) == date(2023, 11, 8)


def test_a_numeric_date_is_read_month_first_when_the_page_writes_that_month_short() -> None:
    paragraph = (
        "The town hall will reopen on Tuesday, Nov. 7, after three months of repairs to its roof, the council "
        "said, and the first meeting in the old chamber is set for the week after."
    )
    assert _dated("Updated 11/08/23 10:46 PM", paragraph) == date(2023, 11, 8)


def test_a_short_month_word_without_a_date_shape_says_nothing() -> None:
    paragraph = (
        "The town hall will reopen on Monday after repairs, the council said, and the Nov committee, named after "
        "its founder, will hold the first meeting in the old chamber soon."
    )
    assert _dated("11/08/2023 | 20:26", paragraph) == date(2023, 8, 11)  # day-first, the default


def test_a_bare_name_and_the_date_on_one_line_is_the_byline() -> None:
    page = parse_page(
        _page("Flood barrier in the lower town to be finished a year early", "Mira Talbot | March 3, 2023")
    )
    assert page.authors == ("Mira Talbot",)
    assert page.published is not None
    assert page.published.local.date() == date(2023, 3, 3)


@pytest.mark.parametrize(
    "line",
    [
        "Posted by Mira Talbot on March 3, 2023, 6:21 AM EST",
        "March 3, 2023 by Mira Talbot",
        "5:45 AM PST 3/3/2023 by Mira Talbot",
        "By Mira Talbot Gazette News",
        "Mira Talbot @miratalbot",
        "Mira Talbot Friday 3 Mar 2023 10:09 am",
        "Mira Talbot 7 days ago",
        "By Mira Talbot mira@gazette.test (555) 459-5382",
        "Mira Talbot, Valley Gazette",
    ],
)
def test_a_byline_shaped_around_its_name_credits_the_name(line: str) -> None:
    headline = "Flood barrier in the lower town to be finished a year early"
    assert parse_page(_page(headline, line, "March 3, 2023")).authors == ("Mira Talbot",)


def test_a_section_and_the_date_on_one_line_name_no_author() -> None:
    page = parse_page(
        _page("Flood barrier in the lower town to be finished a year early", "World News | March 3, 2023")
    )
    assert page.authors == ()


def test_a_month_named_with_another_year_says_nothing_about_the_date() -> None:
    paragraph = (
        "The town hall will reopen on Monday after repairs to the roof that storms damaged in August 2015, the "
        "council said, and the first meeting in the old chamber will be held there soon."
    )
    assert _dated("08/11/2023 | 20:26", paragraph) == date(2023, 11, 8)  # day-first, the default


@pytest.mark.parametrize(
    "blurb",
    [
        "The latest news, analysis and opinion from our reporters in the valley towns.",
        "Get the latest on the flood barrier in your inbox every Friday.",
        "Advertising disclosure: we may earn a commission from links on this page.",
    ],
)
def test_a_promo_or_disclosure_blurb_closing_the_body_is_left_out(blurb: str) -> None:
    text = "Flood barrier to be finished a year early\n\nMarch 3, 2023\n\n" + "\n\n".join(
        [*PARAGRAPHS, blurb]
    )
    body = parse_page(text + "\n").body or ""
    assert PARAGRAPHS[-1] in body
    assert blurb not in body


def test_the_latest_figures_inside_the_story_stay() -> None:
    line = "The latest figures from the river authority show the water a metre higher than last spring."
    text = "Flood barrier to be finished a year early\n\nMarch 3, 2023\n\n" + "\n\n".join([*PARAGRAPHS, line])
    assert line in (parse_page(text + "\n").body or "")
