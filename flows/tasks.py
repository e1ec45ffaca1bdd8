"""Thin Prefect tasks: each calls core and storage functions on a whole batch (three tasks per batch).

Retries are on I/O only (reading raw files, staging and committing tables); a deterministic failure is a
reject with a reason, never a retry. Tasks take and return in-memory records, so no result is persisted
and no input is hashed (``NO_CACHE``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from functools import partial

from prefect import task
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run, task_run

from flows import changes, heap, parallel, storage
from flows.changes import model_identity, pipeline_version
from flows.config import Settings
from flows.core.batch import batch_tables
from flows.core.models import Article, RawDocument, Reject, SourceFile
from flows.core.nlp.pipeline import load_pipeline
from flows.core.revisions import REVISED_FIELDS, Removal, apply_revisions
from flows.core.sources import KnownSources, Listing, parse_files
from flows.core.stories import assign_stories
from flows.core.tables.identity_rows import identities_frame
from flows.core.tables.rows import BatchTables, RunInfo, removals_frame, run_metadata
from flows.core.tables.validation import validate_batch
from schemas.tables import TABLES
from schemas.vocabulary import SCHEMA_VERSION

TABLE_KEYS_BY_NAME = {name: table.key for name, table in TABLES.items()}
IO_RETRY_DELAYS = [1.0, 2.0, 4.0]  # seconds; retries are for I/O only
READ_RETRIES = 3


@task(name="prepare run", cache_policy=NO_CACHE)
def prepare_run(settings: Settings) -> RunInfo:
    """Check the folders and stamp the run with the pipeline's name and version.

    The pipeline itself is loaded by the first batch that needs it: a run with nothing new loads no model.
    """
    storage.check_raw_dir(settings.raw_dir)
    storage.prepare_output_dir(settings.output_dir)
    if settings.publish_parquet is not None:
        storage.check_export_target(settings.publish_parquet)
    name, version = model_identity(settings.model_name)
    return RunInfo(
        run_id=str(flow_run.get_id() or _local_run_id()),
        ingested_at=datetime.now(UTC),
        pipeline_version=pipeline_version(),
        model_name=name,
        model_version=version,
        schema_version=SCHEMA_VERSION,
        raw_source=settings.raw_source,
    )


@task(
    name="load what earlier runs recorded",
    cache_policy=NO_CACHE,
    retries=3,
    retry_delay_seconds=IO_RETRY_DELAYS,
)
def load_known(settings: Settings, run: RunInfo) -> KnownSources:
    """The raw files the tables already hold, by path and content; rejects worth another try marked."""
    return changes.known_sources(settings, run.pipeline_version)


@task(name="find new raw files", cache_policy=NO_CACHE, retries=3, retry_delay_seconds=IO_RETRY_DELAYS)
def find_new_files(settings: Settings, known: KnownSources) -> tuple[Listing, list[Removal]]:
    """Raw files not yet recorded with the same size and time, how many were seen, what was skipped, and the
    files recorded as articles that are gone from the raw folder (an entry skipped, e.g. not settled yet, is
    still there)."""
    return changes.find_changes(settings, known)


@task(name="record removed files", cache_policy=NO_CACHE, retries=3, retry_delay_seconds=IO_RETRY_DELAYS)
def record_removals(settings: Settings, run: RunInfo, removed: Sequence[Removal]) -> None:
    """Stage a removals row for each file gone from the raw folder (committed with the run's other rows)."""
    staging = storage.staging_dir(settings.output_dir, run.run_id)
    storage.claim_staging(staging, settings.output_dir)
    storage.stage_batch(staging, 0, {"removals": removals_frame(removed, run)})


@task(
    name="read and parse raw files",
    task_run_name="read and parse batch {number}",
    cache_policy=NO_CACHE,
    retries=READ_RETRIES,
    retry_delay_seconds=IO_RETRY_DELAYS,
)
def read_and_parse(
    settings: Settings, sources: Sequence[SourceFile], known: KnownSources, number: int
) -> tuple[list[Article], list[Reject]]:
    """Read one batch of raw files (bounded memory: one batch at a time), then decode and parse each new file
    into an article, or reject it with a reason.

    One task for both: each Prefect task run costs the flow and its server a fixed amount of work
    (docs/performance.md). A transient read error (``EIO``, ``ESTALE``, ...) fails the task, which is retried;
    on the last attempt the file is an ``unreadable`` reject instead (tried again by the next run), so one file
    never stops a run.
    """
    last_try = (task_run.run_count or 1) > READ_RETRIES
    return parse_files(read_batch(settings, sources, last_try=last_try), known)


def read_batch(
    settings: Settings, sources: Sequence[SourceFile], *, last_try: bool
) -> list[RawDocument | Reject]:
    """The batch's raw files read; on the ``last_try``, a transient read error makes a reject."""
    return [
        storage.read_raw(settings.raw_dir, source, settings.max_file_bytes, transient_is_reject=last_try)
        for source in sources
    ]


@task(name="build tables", task_run_name="build tables {number}", cache_policy=NO_CACHE)
def build_tables(
    settings: Settings,
    articles: Sequence[Article],
    rejects: Sequence[Reject],
    run: RunInfo,
    number: int,
    processes: int = 1,
) -> BatchTables:
    """Every table's rows for the batch: spaCy over its articles (in ``processes`` worker processes), then the
    entity-intelligence extractors; not yet validated."""
    if processes > 1:
        return parallel.tables_in_pool(
            settings.model_name, processes, articles, rejects, run, settings.nlp_batch_size
        )
    heap.keep_freed_memory_for_reuse()  # spaCy runs in this process (a small run, or a Dask worker)
    return batch_tables(load_pipeline(settings.model_name), articles, rejects, run, settings.nlp_batch_size)


@task(
    name="compare, validate and stage",
    task_run_name="validate and stage batch {number}",
    cache_policy=NO_CACHE,
    retries=3,
    retry_delay_seconds=IO_RETRY_DELAYS,
)
def validate_and_stage(
    settings: Settings, run: RunInfo, tables: BatchTables, known: KnownSources, number: int
) -> BatchTables:
    """Compare the batch with earlier articles (:func:`revise`), validate it against the schemas (failing
    articles move to rejects with the reasons) and write its rows to the run's staging folder; the validated
    tables. Retried for the reads and writes (a retry does the comparison and validation again, the same)."""
    validated = validate_batch(revise(settings, tables, known), run)
    stage(settings, run, validated, number)
    return validated


def revise(settings: Settings, tables: BatchTables, known: KnownSources) -> BatchTables:
    """Number the batch's changed files as new versions of their path, with the fields that changed; point
    copies at the first article with their body, and place each article in its story."""
    articles = tables.articles
    paths = articles["source_path"].to_list()
    earlier = known.latest_articles(paths)
    if earlier:
        columns = ["source_path", "article_id", "version", *REVISED_FIELDS]
        previous = storage.read_articles(settings.output_dir, earlier, columns, settings.object_store_options)
        articles = apply_revisions(articles, previous)
    return replace(tables, articles=assign_stories(articles, known.stories))


def stage(settings: Settings, run: RunInfo, tables: BatchTables, number: int) -> None:
    """Write the batch's validated rows to the run's staging folder."""
    staging = storage.staging_dir(settings.output_dir, run.run_id)
    storage.claim_staging(staging, settings.output_dir)
    storage.stage_batch(staging, number, tables.frames())


@task(name="commit tables", cache_policy=NO_CACHE, retries=3, retry_delay_seconds=IO_RETRY_DELAYS)
def commit(settings: Settings, run: RunInfo) -> dict[str, storage.CommitResult]:
    """One commit per table with this run's rows, stamped with the run's provenance; then clean staging, and
    bring ``entity_identities`` up to the current articles (one more commit when an identity changed).

    Tables that do not exist yet are created first, empty, so every table exists after the first run. A run
    that staged nothing writes nothing more (its output may be read-only)."""
    staging = storage.staging_dir(settings.output_dir, run.run_id)
    metadata_ = run_metadata(run)
    storage.ensure_tables(settings.output_dir, metadata_, settings.object_store_options)
    if storage.has_staged(staging):
        storage.mark_committing(staging, metadata_)
    results = storage.commit_run(
        settings.output_dir, staging, TABLE_KEYS_BY_NAME, metadata_, settings.object_store_options
    )
    storage.remove_staging(staging)
    results[storage.IDENTITIES] = storage.refresh_identities(
        settings.output_dir, partial(identities_frame, run=run), metadata_, settings.object_store_options
    )
    return results


@task(name="publish Parquet export", cache_policy=NO_CACHE, retries=3, retry_delay_seconds=IO_RETRY_DELAYS)
def publish(settings: Settings, run: RunInfo) -> storage.ExportResult | None:
    """Bring the plain-Parquet export at ``publish_parquet`` up to the tables' latest versions (rows added only)."""
    if settings.publish_parquet is None:
        return None
    return storage.export_parquet(
        settings.output_dir,
        settings.publish_parquet,
        code_version=run.pipeline_version,
        options=settings.object_store_options,
    )


@task(name="compact and vacuum tables", cache_policy=NO_CACHE, retries=3, retry_delay_seconds=IO_RETRY_DELAYS)
def maintain(
    settings: Settings, run: RunInfo, tables: Sequence[str]
) -> dict[str, storage.MaintenanceResult | None]:
    """After commits: compact tables made of many small files, vacuum files older than the retention."""
    metadata_ = run_metadata(run) | {"newsmill_operation": "maintenance"}
    return {
        table: storage.maintain_table(
            settings.output_dir,
            table,
            metadata_,
            settings.compact_min_files,
            settings.retention_hours,
            settings.object_store_options,
        )
        for table in tables
    }


@task(name="discard staged rows", cache_policy=NO_CACHE)
def discard_staged(settings: Settings, run: RunInfo) -> None:
    """After a failure: drop what the run staged, so the tables stay exactly as they were.

    Once its commits began, the staging is kept instead: the next run finishes those commits.
    """
    staging = storage.staging_dir(settings.output_dir, run.run_id)
    if not storage.is_committing(staging):
        storage.remove_staging(staging)


@task(name="finish abandoned runs", cache_policy=NO_CACHE, retries=3, retry_delay_seconds=IO_RETRY_DELAYS)
def recover_abandoned(settings: Settings, run: RunInfo) -> int:
    """Finish the commits of runs killed while committing, drop the staging of runs killed before.

    Returns how many abandoned staging folders were handled. This run claims its own staging folder when it
    first stages something (:func:`stage`).
    """
    abandoned = storage.abandoned_stagings(settings.output_dir)
    for staging in abandoned:
        storage.recover_staging(
            settings.output_dir, staging, TABLE_KEYS_BY_NAME, settings.object_store_options
        )
    return len(abandoned)


def _local_run_id() -> str:
    import uuid

    return str(uuid.uuid4())
