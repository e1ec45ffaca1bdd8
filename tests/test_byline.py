"""Who a byline credits: people first, the organisation when it names no person."""

from __future__ import annotations

import pytest

from flows.core.page.byline import credited_authors, parse_byline
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
def test_a_byline_naming_no_person_credits_its_organisation(
    byline: str, authors: tuple[str, ...], agencies: tuple[str, ...]
) -> None:
    people, organisations = parse_byline(byline)
    assert credited_authors(people, organisations) == authors
    assert organisations == agencies


def test_an_agency_byline_on_a_page_is_both_author_and_agency() -> None:
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
