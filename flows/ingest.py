"""The ingest flow: raw/ -> fields and entities -> validated, versioned Delta tables in output/.

A table of contents, nothing else: each step is a task in :mod:`flows.tasks`, run per batch of files
(:func:`stage_batches` pipelines them: spaCy tags one batch while the next is read and parsed).
"""

from __future__ import annotations

import gc
from collections import deque
from collections.abc import Iterator, Sequence
from itertools import islice
from pathlib import Path
from typing import TypeVar, cast

from prefect import flow, get_run_logger
from prefect.futures import PrefectFuture
from prefect.utilities.annotations import opaque

from flows import parallel, reports, storage, tasks
from flows.config import PROGRESS_MARK, Settings
from flows.core.models import SourceFile
from flows.core.sources import KnownSources
from flows.core.summary import RunSummary, Tally, describe_counts, describe_maintenance, summarize
from flows.core.tables.rows import BatchTables, RunInfo

T = TypeVar("T")
BATCH_GROWTH = 3  # each batch at most three times the one before, from a short first one
FIRST_BATCH_FILES = 50  # the first batch when spaCy runs in this process (50, 150, 450, ... files)


@flow(
    name="newsmill-ingest",
    flow_run_name=reports.run_name,
    validate_parameters=False,
    on_completion=[reports.warn_if_behind_schedule],
    on_failure=[reports.report_failure, reports.warn_if_behind_schedule],
)
def ingest(
    raw_dir: str = "raw",
    output_dir: str = "output",
    model: str | None = None,
    files_per_batch: int | None = None,
    include: list[str] | None = None,
    max_file_mb: float | None = None,
    processes: int | None = None,
    dask_workers: int | None = None,
    follow_links: bool | None = None,
    settle_seconds: float | None = None,
    retry_rejects: list[str] | None = None,
    publish_parquet: str | None = None,
    source_name: str | None = None,
) -> RunSummary:
    """Ingest new raw files into the articles, entities and rejects tables; one commit per table.

    ``processes`` spaCy worker processes (default: every core); ``dask_workers``: the number of workers when
    the flow runs with a Dask task runner (each Dask worker then tags its batches in-process, loading the
    model once); ``follow_links`` follows symbolic links that leave the raw folder; files modified in the
    last ``settle_seconds`` wait for a later run; ``retry_rejects`` reads again the files whose latest
    reject has one of these reasons ("all": any). ``publish_parquet``: a folder whose plain-Parquet export
    each run keeps current. ``source_name`` names the raw folder in the tables (default: its resolved path).
    """
    settings = (
        Settings.from_env()
        .with_options(
            raw_dir=Path(raw_dir),
            output_dir=output_dir,
            model=model,
            files_per_batch=files_per_batch,
            include=tuple(include) if include else None,
            max_file_mb=max_file_mb,
            processes=processes,
            follow_links=follow_links,
            settle_seconds=settle_seconds,
            retry_rejects=tuple(retry_rejects) if retry_rejects else None,
            publish_parquet=Path(publish_parquet) if publish_parquet else None,
            source_name=source_name,
        )
        .with_overrides(dask_workers=dask_workers)
    )
    storage.free_arrow_memory_at_once()
    run = tasks.prepare_run(settings)
    recovered = tasks.recover_abandoned(settings, run)
    known = tasks.load_known(settings, run)
    listing, removed = tasks.find_new_files(settings, whole(known))
    if removed:
        tasks.record_removals(settings, run, whole(removed))
    new_files, seen = listing.new, listing.seen
    tally = Tally(files_seen=seen, files_unchanged=seen - len(new_files), skipped_by_reason=listing.skipped)
    processes = parallel.start_worker_pool(settings, len(new_files))
    batches = list(chunked(new_files, settings.files_per_batch, first=first_batch_size(settings, processes)))
    if recovered:
        progress(f"finished or removed the staging of {recovered} run(s) that were killed")
    progress(f"{seen} raw files, {len(new_files)} new or changed, in {len(batches)} batches")
    if listing.skipped:
        progress(f"not read: {describe_counts(listing.skipped)}")
    try:
        stage_batches(settings, run, known, batches, processes, tally)
        commits = tasks.commit(settings, run)
        published = tasks.publish(settings, run)  # before compaction: it reads the files this run added
        if published is not None:
            progress(f"Parquet export at {settings.publish_parquet}: {published.rows_written} rows added")
        maintained = {}
        if any(result.version is not None for result in commits.values()):
            maintained = tasks.maintain(settings, run, storage.TABLE_NAMES)
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
        maintenance={
            table: describe_maintenance(done.versions, done.compacted, done.files_before, done.files_after)
            for table, done in maintained.items()
            if done is not None and done.versions
        },
    )
    reports.publish_report(summary)
    return reports.finished(summary)


def stage_batches(
    settings: Settings,
    run: RunInfo,
    known: KnownSources,
    batches: Sequence[Sequence[SourceFile]],
    processes: int,
    tally: Tally,
) -> None:
    """Read, parse, tag, validate and stage each batch, pipelined; count what each batch staged in ``tally``.

    The tables of a batch are submitted and collected one step later, so while spaCy tags batch k (in worker
    processes, or on Dask workers) the flow reads and parses batch k+1; at most :func:`batches_in_flight`
    batches are held.
    """
    total_files = sum(len(sources) for sources in batches)
    bar = reports.start_progress(total_files)
    files_done = 0
    in_flight: deque[tuple[int, int, PrefectFuture[BatchTables]]] = deque()

    def finish_oldest() -> None:
        nonlocal files_done
        number, files, tagged = in_flight.popleft()
        tables = tasks.validate_and_stage(settings, run, whole(tagged.result()), whole(known), number)
        tally.add_batch(tables.frames())
        release_finished_batch()
        files_done += files
        reports.advance_progress(bar, files_done)
        progress(f"batch {number}/{len(batches)}: {files} files, {tables.articles.height} articles")

    try:
        for number, sources in enumerate(batches, start=1):
            articles, rejects = tasks.read_and_parse(settings, whole(sources), whole(known), number)
            in_flight.append(
                (
                    number,
                    len(sources),
                    tasks.build_tables.submit(
                        settings, whole(articles), whole(rejects), run, number, processes
                    ),
                )
            )
            if number == 1:  # after the first batch is submitted: its chunks leave from Prefect's task thread
                freeze_long_lived_objects()
            while len(in_flight) >= batches_in_flight(settings):
                finish_oldest()
        while in_flight:
            finish_oldest()
    finally:
        gc.unfreeze()


class _Whole(opaque):
    """Prefect's ``opaque``, able to travel to a Dask worker: pickled, Prefect's annotations come back wrapped
    twice (``opaque([1])`` returns as ``opaque(([1],))``), since a tuple subclass pickles its items as the
    argument of ``__new__``."""

    def __reduce__(self) -> tuple[type[_Whole], tuple[object]]:
        return type(self), (self.unwrap(),)


def whole(value: T) -> T:
    """A task input Prefect hands over as it is, without walking into it (a batch holds thousands of records).

    Prefect looks inside every task argument for futures and states to wait for; over a batch of articles that
    walk is a cost per article (docs/performance.md). ``opaque`` still waits for a future given whole and links the two
    tasks in the UI, but does not look inside the value.
    """
    return cast(T, _Whole(value))


def freeze_long_lived_objects() -> None:
    """Leave what outlives the run (modules, the spaCy pipeline: a great many objects) out of the run's
    garbage collections; :func:`stage_batches` unfreezes them when it ends.

    Each full collection otherwise walks all of them, once per batch (:func:`release_finished_batch`) and
    whenever Python starts one itself. Only the young generations are collected first: a full collection
    walks every object of the process (about 0.3 s with the pipeline loaded) and holds the interpreter's lock
    all that time, so the thread that hands the first batch to the workers could not run and both workers
    waited it out. The few thousand unreachable objects the oldest generation may hold (what loading left)
    are frozen with the rest until the run ends.
    """
    gc.collect(generation=1)
    gc.freeze()


def release_finished_batch() -> None:
    """Free a staged batch's records now, not at Python's next full garbage collection.

    A finished batch's records are left in reference cycles (its trip through Prefect's task runs), which only
    a full collection frees, and Python runs one rarely once a process holds many objects, so without this the
    flow process grows with every batch (docs/performance.md, "Memory"). With the long-lived objects frozen,
    the collection walks only the run's own.
    """
    gc.collect()


def batches_in_flight(settings: Settings) -> int:
    """Batches submitted but not yet collected: one being tagged and one queued behind it, or one per worker."""
    return max(2, (settings.dask_workers or 0) + 1)


def progress(message: str) -> None:
    """Log a progress line: to the Prefect UI, and to the terminal of ``newsmill run``."""
    get_run_logger().info(message, extra={PROGRESS_MARK: True})


def first_batch_size(settings: Settings, processes: int) -> int:
    """A short first batch: worker processes start tagging soon after the run does, and the run's progress
    moves file by file batches, not from 0 to 100 % at the end of one large batch."""
    if processes <= 1:
        return min(settings.files_per_batch, FIRST_BATCH_FILES)
    return min(settings.files_per_batch, 2 * processes * parallel.ARTICLES_PER_CHUNK)


def chunked(items: Sequence[T], size: int, first: int | None = None) -> Iterator[list[T]]:
    """Consecutive slices of ``items`` of the sizes :func:`batch_sizes` gives."""
    iterator = iter(items)
    for step in batch_sizes(len(items), size, first):
        yield list(islice(iterator, step))


def batch_sizes(total: int, size: int, first: int | None = None) -> list[int]:
    """How many of ``total`` files each batch takes: at most ``size``; with ``first``, the batches grow
    ``BATCH_GROWTH``-fold from ``first`` up to ``size`` at the start, and shrink the same way at the end.

    The flow parses batch k+1 while the workers tag batch k, and parsing an article costs a small part of
    tagging it, so a batch a few times larger than the one before is parsed before the workers run out of
    work; large batches then spread the fixed cost of each batch (its Prefect tasks, one validation per
    table). The last batch is validated and staged after the workers have tagged everything, with nothing
    left for them to do, so it is a short one too. The batches between are full, but for the last full one
    and what is left over, which share their files equally: a short batch just before a larger one left the
    workers idle while the flow parsed the larger one.
    """
    head: list[int] = []
    tail: list[int] = []
    left, step = total, size if first is None else first
    while left and step < size:
        for end in (head, tail):
            taken = min(step, left)
            if taken:
                end.append(taken)
                left -= taken
        step *= BATCH_GROWTH
    full, rest = divmod(left, size)
    middle = [size] * full
    if rest and middle:  # the last full batch and what is left over, in two halves
        shared = size + rest
        middle[-1:] = [shared - shared // 2, shared // 2]
    elif rest:
        middle.append(rest)
    return [*head, *middle, *reversed(tail)]
