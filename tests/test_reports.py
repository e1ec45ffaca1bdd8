"""Specification of what a run tells the Prefect UI beyond its tables: warnings about its schedule."""

from __future__ import annotations

from datetime import timedelta

import pytest

from flows.reports import schedule_warning


@pytest.mark.parametrize(
    ("took", "interval", "expected"),
    [
        (5, 10, None),
        (10, 10, None),
        (
            23,
            10,
            "this run took 23 s, longer than the 10 s between scheduled runs: runs that come due while one "
            "runs are cancelled; choose a longer interval",
        ),
    ],
)
def test_reports_schedule_warning_only_when_a_run_outlasts_the_interval(
    took: int, interval: int, expected: str | None
) -> None:
    assert schedule_warning(timedelta(seconds=took), timedelta(seconds=interval)) == expected
