"""Specification of what a run tells the Prefect UI beyond its tables: its progress, warnings about its schedule."""

from __future__ import annotations

from datetime import timedelta
from uuid import uuid4

import pytest

from flows import reports
from flows.reports import PROGRESS_SECONDS, ProgressBar, advance_progress, schedule_warning


def test_reports_progress_moves_at_the_first_batch_then_at_most_every_few_seconds_and_at_the_end(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    moves: list[float] = []
    monkeypatch.setattr(
        reports, "update_progress_artifact", lambda artifact_id, progress: moves.append(progress)
    )
    bar = ProgressBar(uuid4(), total=100)
    advance_progress(bar, 10, now=100.0)
    advance_progress(bar, 20, now=100.0 + PROGRESS_SECONDS / 2)
    advance_progress(bar, 30, now=100.0 + PROGRESS_SECONDS)
    advance_progress(bar, 40, now=100.0 + PROGRESS_SECONDS * 1.5)
    advance_progress(bar, 100, now=100.0 + PROGRESS_SECONDS * 1.6)
    assert moves == [10.0, 30.0, 100.0]


def test_reports_progress_of_a_run_without_a_bar_or_files_calls_nobody(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(reports, "update_progress_artifact", lambda **moved: pytest.fail(f"moved: {moved}"))
    advance_progress(None, 5)
    advance_progress(ProgressBar(uuid4(), total=0), 0)


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
