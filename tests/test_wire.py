"""Plain newswire copy is an article (an article, a brief or a table), never a reject; its dateline is read.

Every fixture here is made up for these tests, in the shape wire services file copy: a headline line, sometimes
the reporter's name, a dateline, then short lines of text.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flows.core.models import Article, ArticleKind, Reject
from flows.core.page.article import to_article
from flows.core.page.parse import parse_page
from flows.core.page.wire import article_kind, holds_sentence, is_table_row, tidy_place
from tests.conftest import raw_document

STORY = """HARBOUR TOWN VOTES TO REBUILD OLD PIER .
Mara Kellen
PORTVALE , Northland 2004-03-17
Councillors in the harbour town of Portvale voted on Wednesday to rebuild
the old timber pier that storms wrecked last winter , the mayor said .
The work will cost about 2.4 million crowns and should be finished before the summer ferries start .
" We owe it to the fishermen , " mayor Tom Aldane told reporters .
Opponents said the money would be better spent on the road to the valley .
The council will open tenders next month .
"""

RESULTS = """SWIMMING - NORTHLAND CUP RESULTS .
ELDHAVEN 2004-03-20
Results from the Northland Cup on Saturday :
Women 's 100 metres freestyle
1. Ana Brisk ( Northland ) 54.10
2. Lene Voss ( Westmark ) 54.32
3. Ida Holm ( Northland ) 54.90
"""

STANDINGS = """ICE HOCKEY - NORTHLAND LEAGUE STANDINGS .
ELDHAVEN 2004-03-21
Standings after Sunday 's games ( tabulate under won , lost , points ) :
W L P
Eldhaven 20 4 40
Portvale 18 6 36
Westmark 12 12 24
Kirkby 9 15 18
Marsh Town 3 21 6
"""

HEAD_OF_PARAGRAPH = """Grain prices steady in quiet trade .
KIRKBY 2004-04-02 Grain prices held steady on the Kirkby exchange on Friday as traders waited for the harvest figures .
Wheat closed at 212 crowns a tonne , barley at 180 .
"""

PLACE_THEN_DATE = """Ferry line adds winter sailings .
WEST MARSH HARBOUR , Northland .
2004-11-05
The Northland Ferry Company said on Friday it would add two winter sailings a week to the islands .
"""

UNDATED = """PRESS DIGEST - Northland newspapers - March 22 .
Following is a summary of the main
stories in the Northland press this morning .
NORTHLAND HERALD
- Council to debate pier budget
- Ferry fares to rise in April
"""


def test_a_wire_story_gives_headline_reporter_dateline_and_its_lines() -> None:
    page = parse_page(STORY)
    assert page.headline == "HARBOUR TOWN VOTES TO REBUILD OLD PIER ."
    assert page.authors == ("Mara Kellen",)
    assert page.dateline_place == "PORTVALE, Northland"
    assert page.published is not None
    assert page.published.local.date() == date(2004, 3, 17)
    assert page.paragraphs[0].startswith("Councillors in the harbour town")
    assert page.paragraphs[-1] == "The council will open tenders next month ."
    assert page.article_kind is ArticleKind.BRIEF  # fewer than a brief's words


def test_a_results_list_is_a_brief_and_a_standings_table_is_a_table() -> None:
    results, standings = parse_page(RESULTS), parse_page(STANDINGS)
    assert results.dateline_place == "ELDHAVEN"
    assert results.article_kind is ArticleKind.BRIEF
    assert standings.article_kind is ArticleKind.TABLE
    assert standings.paragraphs[-1] == "Marsh Town 3 21 6"


def test_a_dateline_at_the_head_of_the_first_paragraph_is_cut_off_it() -> None:
    page = parse_page(HEAD_OF_PARAGRAPH)
    assert page.dateline_place == "KIRKBY"
    assert page.published is not None
    assert page.published.local.date() == date(2004, 4, 2)
    assert page.paragraphs[0].startswith("Grain prices held steady on the Kirkby exchange")


def test_place_and_date_on_two_lines_make_one_dateline() -> None:
    page = parse_page(PLACE_THEN_DATE)
    assert page.dateline_place == "WEST MARSH HARBOUR, Northland"
    assert page.published is not None
    assert page.published.local.date() == date(2004, 11, 5)
    assert page.paragraphs == (
        "The Northland Ferry Company said on Friday it would add two winter sailings a week to the islands .",
    )


def test_undated_wire_copy_without_blank_lines_is_an_article_with_its_headline() -> None:
    page = parse_page(UNDATED)
    assert page.headline == "PRESS DIGEST - Northland newspapers - March 22 ."
    assert page.dateline_place is None
    assert page.paragraphs[0].startswith("Following is a summary")


@pytest.mark.parametrize("text", [STORY, RESULTS, STANDINGS, HEAD_OF_PARAGRAPH, PLACE_THEN_DATE, UNDATED])
def test_wire_copy_is_never_rejected(text: str) -> None:
    outcome = to_article(raw_document(text.encode(), "wire.txt"))
    assert isinstance(outcome, Article)


def test_a_page_with_blank_lines_and_no_running_text_is_still_a_reject() -> None:
    outcome = to_article(
        raw_document(b"Home\n\nNews and more\n\nSport scores today\n\nContact us\n", "menu.txt")
    )
    assert not isinstance(outcome, Article)


def test_a_browser_page_is_not_taken_for_wire_copy() -> None:
    page = parse_page(
        "Portvale News\n\nHarbour town votes to rebuild its old pier\n\nMarch 17, 2004\n\n"
        "Councillors in the harbour town of Portvale voted on Wednesday to rebuild the old timber pier that "
        "storms wrecked last winter, the mayor said.\n\n"
        "The work will cost about 2.4 million crowns and should be finished before the summer ferries start.\n"
    )
    assert page.headline == "Harbour town votes to rebuild its old pier"
    assert page.dateline_place is None
    assert page.article_kind is ArticleKind.BRIEF


@pytest.mark.parametrize(
    ("line", "row"),
    [
        ("Eldhaven 20 4 40", True),
        ("BOSTON 69 65 .515 5 1/2", True),
        ("The work will cost about 2.4 million crowns and 3 more .", False),
        ("W L P", False),
    ],
)
def test_a_table_row_is_mostly_figures(line: str, row: bool) -> None:
    assert is_table_row(line) is row


def test_a_long_text_of_sentences_is_an_article() -> None:
    paragraph = "The council met again on Monday and agreed to look at the plans for the new harbour wall."
    assert article_kind([paragraph] * 8) is ArticleKind.ARTICLE
    assert article_kind([paragraph]) is ArticleKind.BRIEF


def test_sentences_and_places() -> None:
    assert holds_sentence("Result in an international")
    assert not holds_sentence("Eldhaven 20 4 40")
    assert tidy_place("TAVILDARA , Tajikistan .") == "TAVILDARA, Tajikistan"


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=80), max_size=12), st.sampled_from(["\n", "\n\n", "\r\n"]))
def test_the_parser_never_raises(lines: list[str], separator: str) -> None:
    page = parse_page(separator.join(lines))
    assert page.body is None or page.body.strip()


@settings(max_examples=100, deadline=None)
@given(
    st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ ,.-'", min_size=1, max_size=30),
    st.dates(),
    st.lists(st.text(max_size=60), max_size=6),
)
def test_wire_shaped_input_never_raises(place: str, day: date, lines: list[str]) -> None:
    text = "\n".join(["A HEADLINE .", f"{place} {day.isoformat()}", *lines])
    parse_page(text)


def test_wire_copy_with_blank_lines_is_still_an_article() -> None:
    page = parse_page(RESULTS.replace("\n", "\n\n"))
    assert page.paragraphs
    assert page.published is not None
    assert page.published.local.date() == date(2004, 3, 20)


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=600) | st.text(max_size=600).map(str.encode))
def test_every_raw_file_becomes_an_article_or_a_reject(data: bytes) -> None:
    outcome = to_article(raw_document(data, "page.txt"))
    assert isinstance(outcome, (Article, Reject))
    if isinstance(outcome, Reject):
        assert outcome.detail


_TOKEN_NUMBER = re.compile(r"^[-+(]?\d[\d.,:/-]*\)?%?$")


@settings(max_examples=400)
@given(st.text(alphabet="0123456789-+().,:/%ab x\u00a0\t\u2003\u0663", max_size=24))
def test_a_table_row_counts_its_figures_as_white_space_cuts_tokens(line: str) -> None:
    tokens = line.split()
    numbers = sum(1 for token in tokens if _TOKEN_NUMBER.match(token))
    assert is_table_row(line) is (numbers >= 2 and 3 * numbers >= len(tokens))
