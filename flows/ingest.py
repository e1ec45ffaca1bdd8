"""The ingest flow: raw/ -> fields and entities -> validated, versioned Delta tables in output/.

A table of contents, nothing else: each step is a task in :mod:`flows.tasks`, run per batch of files.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from itertools import islice
from pathlib import Path
from typing import TypeVar

from prefect import flow, get_run_logger

from flows import reports, storage, tasks
from flows.config import PROGRESS_MARK, Settings
from flows.core.summary import RunSummary, Tally, summarize

T = TypeVar("T")


@flow(
    name="newsmill-ingest",
    flow_run_name="ingest {raw_dir} into {output_dir}",
    validate_parameters=False,
    on_failure=[reports.report_failure],
)
def ingest(
    raw_dir: str = "raw",
    output_dir: str = "output",
    model: str | None = None,
    files_per_batch: int | None = None,
    include: list[str] | None = None,
    max_file_mb: float | None = None,
) -> RunSummary:
    """Ingest new raw files into the articles, entities and rejects tables; one commit per table."""
    settings = Settings.from_env().with_overrides(
        raw_dir=Path(raw_dir),
        output_dir=Path(output_dir),
        model_name=model,
        files_per_batch=files_per_batch,
        include=tuple(include) if include else None,
        max_file_bytes=int(max_file_mb * 1_048_576) if max_file_mb else None,
    )
    run = tasks.prepare_run(settings)
    known = tasks.load_known(settings)
    new_files, seen = tasks.find_new_files(settings, known)
    tally = Tally(files_seen=seen, files_unchanged=seen - len(new_files))
    batches = list(chunked(new_files, settings.files_per_batch))
    progress(f"{seen} raw files, {len(new_files)} new or changed, in {len(batches)} batches")
    bar = reports.start_progress(len(batches))
    try:
        for number, sources in enumerate(batches, start=1):
            read = tasks.read_batch(settings, sources, number)
            articles, rejects = tasks.extract_fields(read, known, number)
            tables = tasks.validate(
                tasks.find_entities(settings, articles, rejects, run, number), run, number
            )
            tasks.stage(settings, run, tables, number)
            tally.add_batch(tables.frames())
            reports.advance_progress(bar, number, len(batches))
            progress(
                f"batch {number}/{len(batches)}: {len(sources)} files, {tables.articles.height} articles"
            )
        commits = tasks.commit(settings, run)
    except BaseException:
        tasks.discard_staged(settings, run)
        raise
    summary = summarize(
        tally,
        run_id=run.run_id,
        raw_dir=str(settings.raw_dir),
        output_dir=str(settings.output_dir),
        model=f"{run.model_name} {run.model_version}",
        rows_written={table: result.rows_inserted for table, result in commits.items()},
        versions={table: commits[table].version for table in storage.TABLE_NAMES},
    )
    reports.publish_report(summary)
    return summary


def progress(message: str) -> None:
    """Log a progress line: to the Prefect UI, and to the terminal of ``newsmill run``."""
    get_run_logger().info(message, extra={PROGRESS_MARK: True})


def chunked(items: Sequence[T], size: int) -> Iterator[list[T]]:
    """Consecutive slices of at most ``size`` items."""
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk
