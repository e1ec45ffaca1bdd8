"""Specification of page parsing: the sample article, layout rules, bylines, and the never-raise invariant."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flows.core.page import parse
from flows.core.page.blocks import classify_blocks
from flows.core.page.parse import (
    clean_headline,
    count_words,
    drop_closing_notes,
    inner_short_blocks,
    is_title,
    parse_page,
    split_blocks,
    split_caption,
    unglue_dates,
)
from tests.conftest import SAMPLE

DATA = Path(__file__).parent / "data" / "parse"


def _page(name: str) -> str:
    return (DATA / name).read_text(encoding="utf-8")


def test_parse_sample_article_exact() -> None:
    page = parse_page(SAMPLE.read_text(encoding="utf-8"))
    assert page.site_tagline == "Creating new perspectives since 2009"
    assert page.headline == "Iraq resistance: ‘We will not accept foreign soldiers in Iraq’"
    assert page.published is not None
    assert page.published.local == datetime(2021, 7, 24, 13, 4)
    assert page.published.has_time
    assert page.published.timezone is None
    assert page.published.utc is None
    assert page.image_caption is not None
    assert page.image_caption.startswith("Coalition soldiers fly")
    assert page.image_caption.endswith("in Baghdad, Iraq")
    assert page.image_credit == "John Moore/Getty Images"
    assert len(page.paragraphs) == 10
    assert page.paragraphs[0].startswith("The Iraqi Resistance Coordination Committee")
    assert page.paragraphs[-1].endswith("evicting US troops from the country.")
    assert not any(p.startswith("READ") for p in page.paragraphs)
    assert len(page.related_headlines) == 2
    assert page.authors == ()
    assert page.updated is None


def test_parse_wire_story_fields() -> None:
    page = parse_page(_page("wire_story.txt"))
    assert page.headline == "Harbor ferry service returns after winter repairs"  # site name cut off
    assert page.authors == ("Maria Lopez", "Tom Reed")
    assert page.byline == "By Maria Lopez and Tom Reed, Senior Reporter"
    assert page.published is not None
    assert page.updated is not None
    assert page.published.utc == datetime(2022, 3, 3, 14, 15, tzinfo=UTC)
    assert page.updated.local == datetime(2022, 3, 3, 11, 40)
    assert page.dateline_place == "PORTVILLE, Maine"
    assert page.image_credit == "Jane Doe/Bayside Gazette"
    assert page.related_headlines == ("Council debates new parking rules near the waterfront",)
    assert len(page.paragraphs) == 4
    assert page.paragraphs[-1].startswith("The harbor office said")
    assert not any("Subscribe" in p or "Bridge closure" in p for p in page.paragraphs)


def test_parse_updated_time_is_not_published() -> None:
    page = parse_page(_page("updated_only.txt"))
    assert page.published is None
    assert page.headline == "Garden club wins regional prize for its rose show"
    assert len(page.paragraphs) == 3


def test_parse_numeric_date_read_day_first_without_us_evidence() -> None:
    page = parse_page(_page("numeric_dates.txt"))
    assert page.published is not None
    assert page.published.local == datetime(2021, 5, 14, 10, 30)
    assert page.authors == ()  # "Staff Writer" is not a person


def test_parse_page_date_far_from_article_is_not_taken() -> None:
    menu = ["Monday, January 1, 2024", *[f"Section {n}" for n in range(20)]]
    article = [
        "Lighthouse keeper retires after forty years on the rock",
        "March 5, 2019",
        "The keeper climbed the stairs for the last time on Sunday and handed the keys to the coast guard.",
        "He said he would miss the storms more than anything else, and that he planned to live near the sea.",
    ]
    page = parse_page("\n\n".join([*menu, *article]))
    assert page.published is not None
    assert page.published.local == datetime(2019, 3, 5)


def test_parse_split_byline_blocks_are_joined() -> None:
    text = "\n\n".join(
        [
            "Rezoning plan divides a quiet neighbourhood in the east",
            "By",
            "Ann Lee",
            "and",
            "Bo Chan",
            "Published Nov 8, 2023",
            "The council approved the plan after months of debate, and neighbours said nobody listened.",
            "The plan allows taller buildings along the main road, with some apartments kept at lower rents.",
        ]
    )
    page = parse_page(text)
    assert page.authors == ("Ann Lee", "Bo Chan")
    assert page.published is not None
    assert page.published.local == datetime(2023, 11, 8)


@pytest.mark.parametrize(
    ("block", "expected"),
    [
        ("Crowds at the fair [Jane Doe/Example Images]", ("Crowds at the fair", "Jane Doe/Example Images")),
        ("Crowds at the fair (Photo: Jane Doe)", ("Crowds at the fair", "Jane Doe")),
        ("Crowds at the fair. Credit: Jane Doe/Example", ("Crowds at the fair.", "Jane Doe/Example")),
        ("Crowds at the fair (Image: EXAMPLE )", ("Crowds at the fair", "EXAMPLE")),
        ("READ: Crowds at the fair [video]", None),
    ],
)
def test_parse_split_caption_layouts(block: str, expected: tuple[str, str] | None) -> None:
    assert split_caption(block) == expected


@pytest.mark.parametrize(
    ("block", "expected"),
    [
        ("Ferry returns after repairs | Bayside Gazette", "Ferry returns after repairs"),
        ("Ferry returns after repairs - Bayside Gazette", "Ferry returns after repairs"),
        ("Ferry returns after repairs - and riders cheer", "Ferry returns after repairs - and riders cheer"),
    ],
)
def test_parse_clean_headline_drops_glued_site_name(block: str, expected: str) -> None:
    assert clean_headline(block, [block, "Bayside Gazette", "Home"]) == expected


def test_parse_split_blocks_and_count_words() -> None:
    assert split_blocks("a  b\r\n\r\n\n c\n") == ["a b", "c"]
    assert count_words("Don't stop the U.S. team") == 5


def test_parse_empty_and_boilerplate_only_pages_find_nothing() -> None:
    for text in ("", "\n\n", "Home\n\nNews\n\nSubscribe"):
        page = parse_page(text)
        assert page.headline is None
        assert page.paragraphs == ()
        assert page.published is None


@settings(max_examples=150, deadline=None)
@given(st.text())
def test_parse_never_raises_on_any_text(text: str) -> None:
    parse_page(text)


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "By",
                "and",
                "Updated",
                "READ: x",
                "12/31/2020",
                "(Photo: x)",
                "Home",
                "\n",
                "May 2, 2022 at 1:04 pm",
                "The council met on Monday to discuss the plan.",
            ]
        ),
        max_size=40,
    )
)
def test_parse_never_raises_on_page_like_text(parts: list[str]) -> None:
    parse_page("\n\n".join(parts))


# --- regression tests for the layout and field fixes (hand-written fixtures, no corpus text) -------------


def test_parse_legal_footer_does_not_outweigh_short_story() -> None:
    page = parse_page(_page("legal_footer.txt"))
    assert page.headline == "How to clean a chain in ten minutes"
    assert len(page.paragraphs) == 3
    assert page.paragraphs[0].startswith("A dirty chain")
    assert not any("cookies" in p or "©" in p for p in page.paragraphs)


def test_parse_comment_section_is_not_body() -> None:
    page = parse_page(_page("comments_after_story.txt"))
    assert page.headline == "Coach says the season is not over yet"
    assert len(page.paragraphs) == 2
    assert not any("says:" in p or "draft" in p for p in page.paragraphs)


def test_parse_teaser_list_after_story_is_not_body() -> None:
    story = [
        "Town hall reopens after a year of repairs",
        "By Ana Ruiz",
        "May 2, 2022",
        "The town hall opened its doors again on Monday after a year of repairs to the roof and the old clock.",
        "The mayor said the building would host the summer market and the school concerts again this year.",
    ]
    teaser = "A much longer summary of another story on the site, written to tempt the reader to click on it."
    teasers = []
    for n in range(8):
        teasers += [f"Another headline number {n} about the region", "Jo Bloggs", "May 1, 2022", teaser * 2]
    page = parse_page("\n\n".join(["Menu", *story, "More stories", *teasers]))
    assert page.headline == story[0]
    assert page.paragraphs == tuple(story[3:])


def test_parse_headline_after_body_does_not_empty_body() -> None:
    blocks = [
        "Menu",
        "Storm closes the coastal road for a day",
        "By Ana Ruiz",
        "March 3, 2022",
        "The coastal road was closed on Thursday after the storm brought down trees and power lines near the bay.",
        "Crews worked through the night and the road is expected to reopen to traffic on Friday morning.",
        "Council approves budget for the new library",
        "By Tom Reed",
        "03/03/2022 01:14 PM",
        "Another short teaser headline for the site",
    ]
    page = parse_page("\n\n".join(blocks))
    assert page.headline == "Storm closes the coastal road for a day"
    assert len(page.paragraphs) == 2


def test_parse_list_introduced_by_body_is_kept() -> None:
    blocks = [
        "Band announces reunion tour for next summer",
        "By Ana Ruiz",
        "May 2, 2022",
        "The band will play thirty shows next summer, the first time the four founders tour together in years.",
        "Tickets go on sale on Friday morning through the venues and the band's own website, the singer said.",
        "The tour dates:",
        "June 9 -- City Arena, Springfield",
        "June 12 -- Harbour Hall, Portville",
        "June 15 -- Riverside Park, Lakeside",
        "Related",
        "Another story about something else",
    ]
    page = parse_page("\n\n".join(blocks))
    assert page.paragraphs[-4:] == tuple(blocks[5:9])
    assert "Related" not in page.paragraphs


def test_parse_headline_may_end_with_abbreviation_full_stop() -> None:
    blocks = [
        "Menu",
        "Go Top Dark Mode",
        "Weather",
        "Cold wave expected on Wed. after frost alert on Tues.",
        "Written: 2023-11-07 15:03:30",
        "Share",
        "Temperatures will fall sharply on Wednesday after a frost alert was issued for the northern provinces.",
        "Forecasters said the cold would last until the weekend, with snow possible on higher ground.",
    ]
    page = parse_page("\n\n".join(blocks))
    assert page.headline == "Cold wave expected on Wed. after frost alert on Tues."


def test_parse_sentence_opening_body_is_not_headline() -> None:
    blocks = [
        "Newsletter",
        "By Ana Ruiz",
        "04:30, 3 NOV 2023",
        "Sign up for our newsletter",
        "Get the news sent to your inbox every morning with our daily newsletter for the region.",
        "The father of a man missing for ten years has said he now accepts his son is dead.",
        "The young man left a nightclub in the town centre in the early hours and was never seen again by anyone.",
        "His father said the family would hold a service for him at the parish church next month.",
    ]
    page = parse_page("\n\n".join(blocks))
    assert page.headline is None or not page.headline.startswith("The father")
    assert page.published is not None
    assert page.published.local == datetime(2023, 11, 3, 4, 30)


def test_parse_dotted_numeric_date_is_day_first_despite_us_zone_and_embedded_post() -> None:
    page = parse_page(_page("dotted_dates.txt"))
    assert page.published is not None
    assert page.published.local == datetime(2023, 11, 1, 18, 6)
    assert page.authors == ("Ana Ruiz",)


def test_parse_byline_with_role_on_next_line() -> None:
    blocks = [
        "Menu",
        "Minister defends the new tax plan",
        "Ana Ruiz",
        "Political Editor",
        "The minister defended the new tax plan on Tuesday, saying it would raise money for schools and roads.",
        "Opposition members said the plan would hit families on middle incomes hardest over the next year.",
    ]
    page = parse_page("\n\n".join(blocks))
    assert page.authors == ("Ana Ruiz",)


def test_parse_organisation_credit_next_to_date_is_the_author_and_an_agency() -> None:
    blocks = [
        "Menu",
        "Phone maker cuts prices before the holidays",
        "Metro Online|",
        "09 Jun 2020, 02:32 PM IST",
        "The phone maker cut the price of its smallest model on Tuesday, weeks before the holiday season starts.",
        "Shops said they expected the cheaper model to sell out quickly in the first weeks of the offer.",
    ]
    page = parse_page("\n\n".join(blocks))
    assert page.authors == ("Metro Online",)
    assert page.agencies == ("Metro Online",)


# --- regression tests for the second round of corpus fixes (hand-written fixtures, no corpus text) -------


def test_parse_closing_credit_kept_and_closing_notes_dropped() -> None:
    page = parse_page(_page("closing_notes.txt"))
    assert page.authors == ("Ana Ruiz",)
    assert (
        page.paragraphs[-2] == "Nobody on the slopes expects a miracle this year."
    )  # a one-line last paragraph
    assert page.paragraphs[-1].startswith("Additional reporting by Tom Reed")
    assert not any("your phone" in p or "is a farm reporter" in p for p in page.paragraphs)


def test_parse_author_note_only_at_the_end_and_only_for_the_byline_author() -> None:
    assert drop_closing_notes(("Ana Ruiz is a reporter.", "Text."), ("Ana Ruiz",)) == (
        "Ana Ruiz is a reporter.",
        "Text.",
    )
    assert drop_closing_notes(("Text.", "Bo Chan is a professor."), ("Ana Ruiz",)) == (
        "Text.",
        "Bo Chan is a professor.",
    )
    assert drop_closing_notes(("Text.", "Ana Ruiz writes about farms."), ("Ana Ruiz",)) == ("Text.",)


def test_parse_signup_box_text_is_not_body() -> None:
    page = parse_page(_page("signup_box.txt"))
    assert page.headline == "Hospital wards test quieter alarms for nurses"
    assert len(page.paragraphs) == 3
    assert not any("email" in p for p in page.paragraphs)


def test_parse_reader_call_inside_story_is_kept() -> None:
    text = (
        "If you sign up for the yearly plan before Friday, you pay half the monthly price for the first year, "
        "and you can cancel the subscription at any time without a fee, the company said on Monday."
    )
    good = "The streaming service cut its prices this week as it tries to win back the viewers it lost last year."
    page = parse_page(
        "\n\n".join(
            [
                "Streaming service cuts its prices",
                "By Ana Ruiz",
                "May 2, 2022",
                good,
                text,
                good + " More.",
                "Sign up now",
            ]
        )
    )
    assert text in page.paragraphs


def test_parse_date_glued_to_standfirst_and_two_sentence_headline() -> None:
    page = parse_page(_page("glued_header.txt"))
    assert page.headline == "Lost lizards return to a bare island. Now it is green again."
    assert page.published is not None
    assert page.published.local == datetime(2023, 3, 7)
    assert page.subheadline is not None
    assert page.subheadline.endswith("How did it recover so fast?")
    assert page.authors == ("Tom Reed",)


def test_parse_unglue_dates_only_cuts_whole_date_lines() -> None:
    assert unglue_dates(["It came back.Monday, 6 March 2023"]) == ["It came back.", "Monday, 6 March 2023"]
    assert unglue_dates(["It came back.March 6 2023 was the day the rangers counted the birds"]) == [
        "It came back.March 6 2023 was the day the rangers counted the birds"
    ]
    assert unglue_dates(["Version 2.0 ships.Soon"]) == ["Version 2.0 ships.Soon"]


def test_parse_headline_found_above_long_share_panel() -> None:
    panel = [f"Share this with Network {n}" for n in range(36)]
    blocks = [
        "Menu",
        "City ferry returns to the harbour after repairs",
        "10 April 2020",
        *panel,
        "These are external links and will open in a new window",
        "The city ferry returned to the harbour on Friday after a winter of repairs to its engines and deck.",
        "Riders said they were glad to have the short crossing back after months of long detours by road.",
    ]
    page = parse_page("\n\n".join(blocks))
    assert page.headline == "City ferry returns to the harbour after repairs"
    assert page.published is not None
    assert page.published.local == datetime(2020, 4, 10)


def test_parse_standfirst_under_headline_is_not_headline() -> None:
    blocks = [
        "Menu",
        "The Slow Return of the River Otter",
        "Once hunted out of the valley, the otter is back in every stream. Nobody planned it.",
        "By Ana Ruiz",
        "May 2, 2022",
        "Otters were seen in all twelve streams of the valley this year, a survey by the river trust found.",
        "The animals had been gone for half a century, after hunting and polluted water drove them away.",
    ]
    page = parse_page("\n\n".join(blocks))
    assert page.headline == "The Slow Return of the River Otter"


def test_parse_name_with_role_line_is_a_byline_not_a_headline() -> None:
    blocks = [
        "Menu",
        "Storm closes the coastal road for a day",
        "By",
        "Ana Ruiz Live and breaking news reporter",
        "10:04, 3 NOV 2023",
        "Bo Chan",
        "The coastal road was closed on Thursday after the storm brought down trees and power lines near the bay.",
        "Crews worked through the night and the road is expected to reopen to traffic on Friday morning.",
    ]
    page = parse_page("\n\n".join(blocks))
    assert page.headline == "Storm closes the coastal road for a day"
    assert page.authors == ("Ana Ruiz",)


def test_parse_byline_naming_nobody_does_not_hide_written_by_line() -> None:
    blocks = [
        "Forest plan wins support from villages",
        "By",
        "The Example Press",
        "-",
        "January 17, 2020",
        "Facebook",
        "Twitter",
        "Written by: Ana Ruiz",
        "Villages along the river backed the forest plan on Friday, after two years of talks with the province.",
        "The plan gives the villages a say in which trees are cut and a share of the income from the timber.",
    ]
    page = parse_page("\n\n".join(blocks))
    assert page.authors == ("Ana Ruiz",)


def test_parse_names_with_jobs_and_employers_next_to_date() -> None:
    blocks = [
        "Blog",
        "This county stopped punishing pupils for bad marks",
        "Ana Ruiz, Staff Attorney, Example Justice Program",
        "& Bo Chan-Lee, Director of Education Policy, Example Foundation of the North",
        "July 25, 2019 | 11:15 PM",
        "Tags",
        "School Discipline",
        "For years the county sent pupils with poor marks to probation officers, a practice that ends this month.",
        "The settlement filed on Thursday ends the programme and clears the records of the pupils who were in it.",
    ]
    page = parse_page("\n\n".join(blocks))
    assert page.authors == ("Ana Ruiz", "Bo Chan-Lee")
    assert "School Discipline" not in page.authors


def test_parse_caption_with_credit_in_capitals_is_not_body() -> None:
    assert split_caption("Agents unload the seized boat at the ramp. By EXAMPLE BORDER AGENCY") == (
        "Agents unload the seized boat at the ramp.",
        "EXAMPLE BORDER AGENCY",
    )
    assert split_caption("The plan was drawn up by Ana Ruiz.") is None


# --- body-text rules: language, unspaced scripts, inner blocks, tables, lists (hand-written fixtures) -----


def test_parse_story_in_another_language_keeps_its_paragraphs() -> None:
    page = parse_page(_page("dutch_story.txt"))
    assert page.headline == "Veerboot vaart weer naar het eiland na maanden van reparatie"
    assert len(page.paragraphs) == 5
    assert not any("Privacybeleid" in p for p in page.paragraphs)


def test_parse_unspaced_script_related_headlines_are_not_body_but_last_sentence_is() -> None:
    page = parse_page(_page("japanese_story.txt"))
    assert page.paragraphs[0].startswith("市立図書館は")
    assert page.paragraphs[-1] == "新しい時間は七月一日から始まります。"  # short, but a sentence ending in 。
    assert len(page.paragraphs) == 4  # the related headlines carry no 。 and stay out


def test_parse_subheadings_and_list_items_between_paragraphs_are_body() -> None:
    page = parse_page(_page("inner_blocks.txt"))
    assert "What changed on board" in page.paragraphs
    assert "Riders listed what they had missed most during the closure:" in page.paragraphs
    assert "2. Seeing the harbour from the water" in page.paragraphs
    # the article goes on after the "Related" list set inside it; the list, credit and share lines stay out
    assert page.paragraphs[-1].startswith("The operator said it would add a late crossing")
    for left_out in ("Related", "Bridge plan shelved again by county board", "Photo: Jane Doe/Example Images",
                     "Share on Facebook", "Council approves new parking rules for the old town"):  # fmt: skip
        assert left_out not in page.paragraphs


@pytest.mark.parametrize(
    ("run", "kept"),
    [
        (["Why the plan failed"], True),  # a subheading
        (["Q: Favourite book?", "A: The one about the sea"], True),
        (["Related Coverage", "Bridge plan shelved again", "Harbour dredging to start"], False),
        (["More from Bayside Gazette", "Council approves new rules"], False),
        (["Bridge Plan Shelved Again", "Harbour Dredging Starts Soon", "Library Opens Later Now"], False),
        (["Photo: Jane Doe/Example Images"], False),
        (["Ten Cheap Laptops for Students (3:04)"], False),
    ],
)
def test_parse_inner_short_blocks_keep_subheadings_not_link_lists(run: list[str], kept: bool) -> None:
    good = (
        "The council voted on Monday to keep the library open on Sundays, after a long debate on the budget."
    )
    blocks = [good, *run, good.replace("Monday", "Tuesday")]
    classes = classify_blocks(blocks)
    assert (inner_short_blocks(blocks, classes, 0, len(blocks)) == set(range(1, len(run) + 1))) is kept


def test_parse_two_headlines_inside_a_run_make_it_a_link_list() -> None:
    good = (
        "The council voted on Monday to keep the library open on Sundays, after a long debate on the budget."
    )
    blocks = [
        good,
        "Watch live: the mayor answers questions about the library budget at the hearing",
        "Key moments from the library hearing and what the council members said",
        good.replace("Monday", "Tuesday"),
    ]
    assert inner_short_blocks(blocks, classify_blocks(blocks), 0, len(blocks)) == set()


def test_parse_table_introduced_by_the_article_is_kept_whole() -> None:
    page = parse_page(_page("table_after_intro.txt"))
    assert page.paragraphs[2] == "Final standings of the regional touring series after 12 rounds:"
    assert page.paragraphs[3:7] == ("Pos.", "Driver", "Points", "Wins")
    assert page.paragraphs.count("0") == 2  # repeated cells are not dropped as repeats
    assert page.paragraphs[-1] == "0"
    assert not any("Rookie" in p or "Privacy" in p for p in page.paragraphs)


def test_parse_list_under_a_heading_after_the_story_is_kept() -> None:
    page = parse_page(_page("tour_dates.txt"))
    assert page.paragraphs[3] == "Tour Dates"
    assert page.paragraphs[-1] == "June 26 – Richmond, VA @ Hill Center"
    assert not any("Festival" in p for p in page.paragraphs)


def test_parse_repeated_credit_lines_between_slides_do_not_end_the_article() -> None:
    page = parse_page(_page("slideshow.txt"))
    assert len(page.paragraphs) == 4
    assert page.paragraphs[-1].startswith("All of this comes at less than half the price")
    assert not any(p in {"Agencies", "Image credit: example.com"} for p in page.paragraphs)


def test_parse_teaser_after_a_related_list_is_not_body() -> None:
    page = parse_page(_page("related_then_teaser.txt"))
    assert len(page.paragraphs) == 3
    assert not any("expedited" in p for p in page.paragraphs)


def test_parse_quotation_with_its_source_in_brackets_is_not_a_caption() -> None:
    assert split_caption("“Do not let hatred of a people lead you to injustice.” [Book 5:8]") is None
    assert split_caption("Crowds at the fair [Jane Doe/Example Images]") is not None


def test_parse_click_here_call_at_the_end_is_dropped() -> None:
    call = "Get the magazine delivered to your door every month. Click here for more information."
    assert drop_closing_notes(("Text.", call), ()) == ("Text.",)


@pytest.mark.parametrize(
    "word",
    [
        "cookies", "subscribe", "newsletters", "sign in", "sign up", "log in", "advertisement", "rights reserved",
        "copyright", "privacy", "terms of", "share", "follow us", "click", "min read", "author", "rss", "feed",
        "menu", "skip to", "email",
    ],
)  # fmt: skip
def test_parse_a_block_naming_a_site_function_is_not_a_title(word: str) -> None:
    assert is_title("Markets rally as central bank holds rates")
    assert not is_title(f"Markets rally as central bank holds {word.upper()} rates")


def test_parse_split_caption_needs_the_bracket_of_a_bracketed_credit() -> None:
    assert split_caption("Crowds gather outside the court [Jane Doe/Reuters]") == (
        "Crowds gather outside the court",
        "Jane Doe/Reuters",
    )
    assert split_caption("Crowds gather outside the court (Photo: Jane Doe)") == (
        "Crowds gather outside the court",
        "Jane Doe",
    )
    assert split_caption("Crowds gather outside the court Jane Doe/Reuters") is None


def test_the_cached_content_words_of_headline_candidates_hold_each_distinct_word_once() -> None:
    first = parse._block_content_words("Ministers gather in Geneva for talks")
    second = parse._block_content_words("Geneva talks resume after a pause")

    shared = {word: word for word in first}

    assert {"geneva", "talks"} <= first & second
    assert all(word is shared[word] for word in second if word in shared)
