"""Who a byline credits: people first, the organisation when it names no person."""

from __future__ import annotations

import pytest

from flows.core.page.byline import (
    byline_after_date,
    credited_authors,
    is_credited_name_line,
    is_name_line,
    is_person_name,
    name_before_role,
    name_then_date,
    name_with_handle,
    parse_byline,
)
from flows.core.page.parse import parse_page


@pytest.mark.parametrize(
    ("byline", "authors", "agencies"),
    [
        ("By Ana Ruiz and Tom Bell", ("Ana Ruiz", "Tom Bell"), ()),
        ("By Ana Ruiz | Reuters", ("Ana Ruiz",), ("Reuters",)),
        ("By Reuters", ("Reuters",), ("Reuters",)),
        ("By Metro Staff Report", ("Metro Staff Report",), ("Metro Staff Report",)),
        ("By Staff Writer", (), ()),
    ],
)
def test_byline_naming_no_person_credits_its_organisation(
    byline: str, authors: tuple[str, ...], agencies: tuple[str, ...]
) -> None:
    people, organisations = parse_byline(byline)
    assert credited_authors(people, organisations) == authors
    assert organisations == agencies


def test_byline_of_an_agency_on_a_page_is_both_author_and_agency() -> None:
    page = parse_page(
        "\n\n".join(
            [
                "Home | World | Business",
                "Harbour reopens after the storm",
                "By Associated Press",
                "March 3, 2024",
                "The harbour reopened on Sunday after workers cleared the wreckage left by the storm last week.",
                "Fishing boats were the first to leave, and the ferry company said its timetable would be normal.",
            ]
        )
    )
    assert page.authors == ("Associated Press",)
    assert page.agencies == ("Associated Press",)


@pytest.mark.parametrize(
    ("byline", "authors", "agencies"),
    [
        ("By Ann Lee", ("Ann Lee",), ()),
        ("By Ann Lee and Bo Chan", ("Ann Lee", "Bo Chan"), ()),
        ("By Ann Lee, Bo Chan and Cy Dee", ("Ann Lee", "Bo Chan", "Cy Dee"), ()),
        ("By Ann Lee, Senior Reporter", ("Ann Lee",), ()),
        ("By Staff Writer", (), ()),
        ("By Ann Lee | Associated Press", ("Ann Lee",), ("Associated Press",)),
        ("By The Associated Press", (), ("The Associated Press",)),
        ("by Bo Chan , Example.org", ("Bo Chan",), ()),
        ("Written by Ann Lee on July 27, 2017", ("Ann Lee",), ()),
        (
            "By Ann Lee - The Daily Herald - Wednesday, November 8, 2023",
            ("Ann Lee",),
            (),
        ),  # site name dropped
        ("By Ann Lee Last updated Nov 8, 2023", ("Ann Lee",), ()),
        ("By Leah C. Stokes", ("Leah C. Stokes",), ()),
        ("By Email The Author", (), ()),
    ],
)
def test_byline_people_and_agencies(byline: str, authors: tuple[str, ...], agencies: tuple[str, ...]) -> None:
    assert parse_byline(byline) == (authors, agencies)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Gavin O'Neill", True), ("Ana Torres-Vidal", True), ("Breaking News", False),
     ("Album/Single Reviews", False), ("ACLU Program Office", False), ("Ann", False)],
)  # fmt: skip
def test_byline_is_person_name(text: str, expected: bool) -> None:
    assert is_person_name(text) is expected


def test_byline_name_line_without_by() -> None:
    assert is_name_line("Ann Lee, Bo Chan")
    assert not is_name_line("Latest News, Top Stories")


@pytest.mark.parametrize(
    ("byline", "authors", "agencies"),
    [
        ("By Ana Ruiz Staff Writer", ("Ana Ruiz",), ()),
        ("by Metro Staff Report", (), ("Metro Staff Report",)),
        ("ET Online", (), ("ET Online",)),
        ("By ANA RUIZ AND TOM REED", ("ANA RUIZ", "TOM REED"), ()),
    ],
)
def test_byline_roles_and_desk_credits(
    byline: str, authors: tuple[str, ...], agencies: tuple[str, ...]
) -> None:
    assert parse_byline(byline) == (authors, agencies)


def test_byline_dateline_in_capitals_is_not_a_name() -> None:
    assert not is_person_name("WASHINGTON —")
    assert not is_name_line("WASHINGTON —")


@pytest.mark.parametrize(
    ("byline", "authors"),
    [
        ("By Ana Ruiz Live and breaking news reporter", ("Ana Ruiz",)),
        ("Tom Reed, AP Auto Writer", ("Tom Reed",)),
        ("Ana Ruiz, Director of Education Policy, Example Foundation", ("Ana Ruiz",)),
        ("By Ana Ruiz, Senior Reporter and Tom Reed", ("Ana Ruiz", "Tom Reed")),
    ],
)
def test_byline_job_titles_are_not_people(byline: str, authors: tuple[str, ...]) -> None:
    assert parse_byline(byline)[0] == authors


def test_byline_credited_name_line_and_name_before_role() -> None:
    assert is_credited_name_line("Ana Ruiz, Staff Attorney, Example Justice Program")
    assert not is_credited_name_line("Ana Ruiz, Bo Chan")
    assert name_before_role("Ana Ruiz Live and breaking news reporter") == "Ana Ruiz"
    assert (
        name_before_role("Native Ad Platform Names Marketing Pioneer Jo Bloggs Chief Strategy Officer")
        is None
    )


@pytest.mark.parametrize(
    ("byline", "authors"),
    [
        ("By Ana Ruiz Metro News", ("Ana Ruiz",)),
        ("By Ana B.C. Ruiz Fox News", ("Ana B.C. Ruiz",)),
        ("March 3, 2023 by Ana Ruiz", ("Ana Ruiz",)),
        ("By Ana Ruiz ana@metro.test", ("Ana Ruiz",)),
        ("Ana Ruiz @anaruiz / 2 days", ("Ana Ruiz",)),
    ],
)
def test_byline_outlets_handles_and_leading_dates_are_not_names(
    byline: str, authors: tuple[str, ...]
) -> None:
    assert parse_byline(byline)[0] == authors


def test_byline_line_shapes_without_by() -> None:
    assert name_then_date("Ana Ruiz 7 days ago")
    assert name_then_date("Ana Ruiz | March 3, 2023")
    assert not name_then_date("World News | March 3, 2023")
    assert not name_then_date("Ana Ruiz")
    assert name_with_handle("Ana Ruiz @anaruiz")
    assert not name_with_handle("Follow us @metronews")
    assert byline_after_date("11/19/2019 by Ana Ruiz") == "Ana Ruiz"
    assert byline_after_date("Stand by Me is a film") is None  # no date before the "by"
