"""An article's date: the publication time the page states, else its only stated time, an update; never mixed up."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from flows.core.intel.analysis import analyse
from flows.core.models import Article, DateBasis
from flows.core.page.article import to_article
from flows.core.tables.rows import RunInfo, articles_frame
from tests.conftest import raw_document

UPDATED_ONLY = b"""Garden club wins regional prize for its rose show

Updated Nov. 8, 2023 10:46 PM

The garden club received the regional prize on Saturday for its rose show, which drew more visitors than any show.

Members said the prize money will pay for new glasshouses and for the workshops they hold for schools in spring.

The club meets every second Tuesday in the community hall, and new members are always welcome to the meetings.
"""
BOTH_STATED = b"""Harbor office opens a new ferry line to the islands

Published July 24, 2021 at 1:04 pm | Updated July 25, 2021 at 9:30 am

The harbor office opened a new ferry line to the islands on Saturday, with four crossings a day in summer.

Ferry captains said the boats had been refitted over the winter and the crossing now takes forty minutes.

Tickets are sold at the harbor office and on board, and children under twelve travel free on weekends.
"""


def _article(data: bytes) -> Article:
    outcome = to_article(raw_document(data))
    assert isinstance(outcome, Article)
    return outcome


def test_a_page_stating_only_an_update_time_is_dated_by_it_and_says_so() -> None:
    article = _article(UPDATED_ONLY)

    assert article.page.published is None
    assert article.page.updated is not None
    assert article.page.updated.local == datetime(2023, 11, 8, 22, 46)
    assert article.page.dated == (article.page.updated, DateBasis.UPDATED)


def test_a_page_stating_both_is_dated_by_its_publication_time_never_the_update() -> None:
    article = _article(BOTH_STATED)

    dated, basis = article.page.dated or (None, None)
    assert basis is DateBasis.PUBLISHED
    assert dated == article.page.published
    assert dated is not None
    assert dated.local == datetime(2021, 7, 24, 13, 4)
    assert article.page.updated is not None
    assert article.page.updated.local == datetime(2021, 7, 25, 9, 30)


@pytest.mark.parametrize(
    ("data", "basis"),
    [(UPDATED_ONLY, "updated"), (BOTH_STATED, "published")],
)
def test_the_articles_row_carries_the_date_with_its_basis_and_the_update_apart(
    data: bytes, basis: str, run_info: RunInfo
) -> None:
    row = articles_frame([_article(data)], run_info, {}).row(0, named=True)

    assert row["published_basis"] == basis
    assert row["published_at"] is not None
    assert row["updated_at"] is not None
    assert (row["published_at"] == row["updated_at"]) is (basis == "updated")


def test_a_page_stating_no_time_has_no_date_and_no_basis(run_info: RunInfo) -> None:
    undated = b"\n\n".join(BOTH_STATED.split(b"\n\n")[:1] + BOTH_STATED.split(b"\n\n")[2:])
    article = _article(undated)

    assert article.page.dated is None
    row = articles_frame([article], run_info, {}).row(0, named=True)
    assert (row["published_at"], row["published_basis"]) == (None, None)


def test_relative_dates_of_a_page_dated_by_its_update_are_resolved_against_that_day() -> None:
    article = _article(UPDATED_ONLY)  # "Updated Nov. 8, 2023" (a Wednesday); the body says "on Saturday"

    (saturday,) = [found for found in analyse([article], ()).dates if found.mention.text == "Saturday"]

    assert saturday.published == date(2023, 11, 8)
    assert saturday.mention.value == date(2023, 11, 4)
