"""Specification of HTML input: which files are HTML, and the article trafilatura finds in them."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flows.core.page.html import is_html, parse_html, parse_html_date, split_authors
from tests.conftest import DATA

HTML = DATA / "html"
BOILERPLATE = (
    "Home",
    "Sport",
    "Privacy policy",
    "Cookie settings",
    "Copyright",
    "All rights reserved",
    "cookies",
    "Front page",
    "Related",
    "Bus fares to rise",
    "newsletter",
    "waiting for this train",  # a reader's comment
    "far too high",  # another
)


def page(name: str) -> str:
    return (HTML / name).read_text(encoding="utf-8")


def test_html_article_fields_extracted() -> None:
    parsed = parse_html(page("article.html"))
    assert parsed.headline == "Harbour town votes to rebuild its flooded sea wall"
    assert parsed.authors == ("Maria Okafor", "Tom Lindqvist")
    assert parsed.published is not None
    assert (parsed.published.local, parsed.published.has_time, parsed.published.precision) == (
        datetime(2024, 3, 5),
        False,
        "day",
    )
    assert parsed.published.text == "2024-03-05"
    assert parsed.site_tagline is None  # the page names its site ("The Coastal Courier"), not a tagline
    assert (parsed.image_caption, parsed.image_credit, parsed.related_headlines) == (None, None, ())
    assert len(parsed.paragraphs) == 4
    assert parsed.paragraphs[0].startswith("The council of Port Elwen voted on Tuesday evening")
    assert parsed.paragraphs[-1].endswith("a national coastal defence fund.")


def test_html_headline_not_repeated_as_first_paragraph() -> None:
    parsed = parse_html(page("article.html"))
    assert parsed.headline not in parsed.paragraphs


def test_html_date_with_time_and_zone_kept() -> None:
    parsed = parse_html(page("timed-with-comments.html"))
    assert parsed.headline == "Night trains return to the northern line"
    assert parsed.authors == ("Ines Barros",)
    published = parsed.published
    assert published is not None
    assert published.local == datetime(2023, 11, 9, 16, 41)
    assert (published.has_time, published.precision, published.timezone) == (True, "minute", "+01:00")
    assert published.utc == datetime(2023, 11, 9, 15, 41, tzinfo=UTC)


@pytest.mark.parametrize("name", ["article.html", "timed-with-comments.html"])
def test_html_boilerplate_and_comments_not_in_body(name: str) -> None:
    body = parse_html(page(name)).body
    assert body is not None
    for phrase in BOILERPLATE:
        assert phrase not in body, phrase


def test_html_menu_only_page_has_no_body() -> None:
    parsed = parse_html(page("menu-only.html"))
    assert parsed.paragraphs == ()
    assert parsed.body is None


def test_html_broken_markup_still_yields_the_text() -> None:
    parsed = parse_html(page("broken.html"))
    assert parsed.headline == "Storm closes the coast road"
    assert parsed.paragraphs[0].startswith("Heavy seas closed the coast road")
    assert parsed.paragraphs[1].endswith("reopened one lane before dark.")


@pytest.mark.parametrize(
    ("path", "text", "expected"),
    [
        ("news/page.html", "plain words", True),
        ("PAGE.HTM", "plain words", True),
        ("page.txt", "<!DOCTYPE html>\n<html>", True),
        ("page.txt", "\ufeff  \n\t<!doctype HTML PUBLIC>", True),
        ("page.txt", "<HTML lang='fr'>", True),
        ("page.txt", "<html>", True),
        ("page.txt", "The <html> tag starts a page.", False),
        ("page.txt", "<htmlish>", False),
        ("page.txt", "<div>a fragment</div>", False),
        ("page.html.txt", "Headline\n\nBody", False),
    ],
)
def test_html_is_detected_by_extension_or_content(path: str, text: str, expected: bool) -> None:
    assert is_html(path, text) is expected


@pytest.mark.parametrize(
    ("value", "local", "precision", "zone"),
    [
        ("2024-03-05T00:00:00", datetime(2024, 3, 5), "day", None),  # htmldate's form of a bare date
        ("2024-03-05", datetime(2024, 3, 5), "day", None),
        ("2024-03-05T14:30:00", datetime(2024, 3, 5, 14, 30), "minute", None),
        ("2024-03-05T14:30:15+0000", datetime(2024, 3, 5, 14, 30, 15), "second", "+00:00"),
        ("2024-03-05T00:00:00-0500", datetime(2024, 3, 5), "minute", "-05:00"),  # a zone means a time
    ],
)
def test_html_date_precision(value: str, local: datetime, precision: str, zone: str | None) -> None:
    published = parse_html_date(value)
    assert published is not None
    assert (published.local, published.precision, published.timezone) == (local, precision, zone)
    assert (published.utc is not None) is (zone is not None)


@pytest.mark.parametrize("value", [None, "", "yesterday", "2024-13-40"])
def test_html_date_unreadable_is_none(value: str | None) -> None:
    assert parse_html_date(value) is None


@pytest.mark.parametrize(
    ("author", "expected"),
    [
        ("Maria Okafor; Tom Lindqvist", ("Maria Okafor", "Tom Lindqvist")),
        ("  Ines   Barros ;; Ines Barros ", ("Ines Barros",)),
        (None, ()),
        ("", ()),
    ],
)
def test_html_authors_split_on_semicolons(author: str | None, expected: tuple[str, ...]) -> None:
    assert split_authors(author) == expected


@pytest.mark.parametrize(
    "html",
    [
        "",
        "<",
        "<html>",
        "<!doctype html>",
        "<html><head><title>Only a title<title></head><body><p>swallowed</body>",
        "<html><body>" + "<div>" * 3000 + "deep" + "</div>" * 10,
        "<html><body><p>\x00\x01 control \udcff characters</p></body></html>",
        "<?xml version='1.0'?><html><body><p>x</p></body></html>",
        "<html><body><script>var a = '</p>';</script><p>after a script</p>",
    ],
)
def test_html_broken_input_never_raises(html: str) -> None:
    parse_html(html)


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=400))
def test_html_parser_never_raises_on_any_text(text: str) -> None:
    parse_html("<html><body><p>" + text + "</p></body></html>")
    parse_html(text)
