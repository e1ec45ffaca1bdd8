"""Run reports in the Prefect UI: progress while a run goes, figures and a report at its end."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, cast
from uuid import UUID

from prefect.artifacts import (
    create_markdown_artifact,
    create_progress_artifact,
    create_table_artifact,
    update_progress_artifact,
)
from prefect.logging.loggers import flow_run_logger

from flows.core.summary import RunSummary, failure_markdown, figures_table, report_markdown

FIGURES_KEY = "newsmill-run-figures"
REPORT_KEY = "newsmill-run-report"
PROGRESS_KEY = "newsmill-run-progress"
# After the first batch the progress bar moves at most this often, and once more at the end. Each move is a call
# to Prefect's API that the flow waits for: about 26 ms of CPU between the flow's process and Prefect's server,
# made once per batch of 300 files before (docs/performance.md, session 31).
PROGRESS_SECONDS = 5.0


@dataclass(slots=True)
class ProgressBar:
    """The run's progress bar in the UI (a Prefect progress artifact): the files it counts, and when it last
    moved."""

    artifact: UUID
    total: int
    moved_at: float = -math.inf  # time.monotonic() when it last moved; never yet: the first batch moves it


def start_progress(total_files: int) -> ProgressBar | None:
    """A progress bar for the run: raw files processed out of ``total_files``."""
    artifact = create_progress_artifact(
        progress=0.0 if total_files else 100.0,
        key=PROGRESS_KEY,
        description=f"New or changed raw files processed (of {total_files}).",
    )
    return ProgressBar(artifact, total_files) if isinstance(artifact, UUID) else None


def advance_progress(bar: ProgressBar | None, done: int, now: float | None = None) -> None:
    """Move the progress bar to ``done`` of its files: the first time (the first batch is short, so it moves
    early), then once :data:`PROGRESS_SECONDS` have passed since it last moved, and when all are done (``now``:
    ``time.monotonic()`` unless given)."""
    if bar is None or not bar.total:
        return
    now = time.monotonic() if now is None else now
    if done < bar.total and now - bar.moved_at < PROGRESS_SECONDS:
        return
    update_progress_artifact(artifact_id=bar.artifact, progress=100.0 * done / bar.total)
    bar.moved_at = now


def run_name() -> str:
    """A flow run's name: the raw folder's name and the local time it started, e.g. ``raw 2026-12-03 14:05:09``."""
    from prefect.runtime import flow_run

    raw_dir = str(flow_run.parameters.get("raw_dir") or "raw")
    return f"{Path(raw_dir).name or raw_dir} {datetime.now().astimezone():%Y-%m-%d %H:%M:%S}"


def finished(summary: RunSummary) -> RunSummary:
    """The flow's return value: the summary, in a Completed state whose message is the run's outcome; the
    outcome is also added to the run's tags (both show in the UI's list of runs)."""
    from prefect.runtime import flow_run
    from prefect.states import Completed

    run_id = flow_run.get_id()
    if run_id:
        from prefect.client.orchestration import get_client

        with get_client(sync_client=True) as client:
            client.update_flow_run(UUID(run_id), tags=[*flow_run.get_tags(), *summary.outcome_tags()])
    # Prefect hands the caller the state's data (the summary); the UI shows the state's message.
    return cast(RunSummary, Completed(message=summary.outcome(), data=summary))


def publish_report(summary: RunSummary) -> None:
    """Publish the run's figures (table) and report (markdown) as artifacts of the flow run."""
    create_table_artifact(
        key=FIGURES_KEY, table=figures_table(summary), description="What this newsmill run did, in figures."
    )
    create_markdown_artifact(
        key=REPORT_KEY, markdown=report_markdown(summary), description="newsmill run report."
    )


def report_failure(flow: Any, flow_run: Any, state: Any) -> None:
    """On failure: one line in the log and a report saying why (a Prefect ``on_failure`` hook)."""
    message = _one_line(getattr(state, "message", None) or "unknown error")
    flow_run_logger(flow_run, flow).error("newsmill run failed: %s", message)
    create_markdown_artifact(
        key=REPORT_KEY,
        markdown=failure_markdown(str(flow_run.id), message),
        description="newsmill run failed.",
    )


def _one_line(message: str) -> str:
    """The whole message on one line (a failure report must say all of why, and name the file if any)."""
    return " ".join(message.split())


def warn_if_behind_schedule(flow: Any, flow_run: Any, state: Any) -> None:
    """A warning when a scheduled run took longer than the time to the deployment's next run (a Prefect hook).

    The run due meanwhile was cancelled (one run at a time): the schedule asks for more than the service does.
    """
    started, expected = flow_run.start_time, flow_run.expected_start_time
    if flow_run.deployment_id is None or started is None or expected is None:
        return
    following = _next_run_time(flow_run.deployment_id, expected)
    if following is None:
        return
    warning = schedule_warning(datetime.now(UTC) - started, following - expected)
    if warning:
        flow_run_logger(flow_run, flow).warning(warning)


def schedule_warning(took: timedelta, interval: timedelta) -> str | None:
    """What to say when a run took longer than the interval between two scheduled runs; None when it did not."""
    if took <= interval:
        return None
    return (
        f"this run took {took.total_seconds():.0f} s, longer than the {interval.total_seconds():.0f} s between "
        "scheduled runs: runs that come due while one runs are cancelled; choose a longer interval"
    )


def _next_run_time(deployment_id: UUID, after: datetime) -> datetime | None:
    """When the deployment's first run scheduled after ``after`` was due (whatever became of it)."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import (
        FlowRunFilter,
        FlowRunFilterDeploymentId,
        FlowRunFilterExpectedStartTime,
    )
    from prefect.client.schemas.sorting import FlowRunSort

    with get_client(sync_client=True) as client:
        runs = client.read_flow_runs(
            flow_run_filter=FlowRunFilter(
                deployment_id=FlowRunFilterDeploymentId(any_=[deployment_id]),
                expected_start_time=FlowRunFilterExpectedStartTime(
                    after_=after + timedelta(milliseconds=1)  # type: ignore[arg-type]  # Prefect's DateTime is a datetime
                ),
            ),
            sort=FlowRunSort.EXPECTED_START_TIME_ASC,
            limit=1,
        )
    return runs[0].expected_start_time if runs else None
