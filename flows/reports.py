"""Run reports in the Prefect UI: progress while a run goes, figures and a report at its end."""

from __future__ import annotations

from typing import Any
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


def start_progress(total_batches: int) -> UUID | None:
    """A progress bar for the run (batches done out of ``total_batches``)."""
    artifact = create_progress_artifact(
        progress=0.0 if total_batches else 100.0,
        key=PROGRESS_KEY,
        description=f"Batches of raw files processed (of {total_batches}).",
    )
    return artifact if isinstance(artifact, UUID) else None


def advance_progress(artifact: UUID | None, done: int, total: int) -> None:
    """Move the progress bar to ``done`` of ``total`` batches."""
    if artifact is not None and total:
        update_progress_artifact(artifact_id=artifact, progress=100.0 * done / total)


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
