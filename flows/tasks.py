"""Thin Prefect tasks: each calls one core or storage function on a whole batch.

Retries are on I/O only (reading raw files, staging and committing tables); a deterministic failure is a
reject with a reason, never a retry. Tasks take and return in-memory records, so no result is persisted
and no input is hashed (``NO_CACHE``).
"""

from __future__ import annotations

import subprocess
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from prefect import task
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run

from flows import parallel, storage
from flows.config import Settings
from flows.core.batch import batch_tables
from flows.core.models import Article, RawDocument, Reject, SourceFile
from flows.core.nlp.pipeline import load_pipeline, model_info
from flows.core.revisions import REVISED_FIELDS, Removal, apply_revisions, removed_files
from flows.core.sources import KnownSources, parse_files
from flows.core.stories import assign_stories
from flows.core.tables.rows import BatchTables, RunInfo, removals_frame, run_metadata
from flows.core.tables.validation import validate_batch
from schemas.tables import TABLES
from schemas.vocabulary import SCHEMA_VERSION

IO_RETRY_DELAYS = [1.0, 2.0, 4.0]  # seconds; retries are for I/O only


@task(name="prepare run", cache_policy=NO_CACHE)
def prepare_run(settings: Settings) -> RunInfo:
    """Check the folders, load the spaCy pipeline once for this process, and stamp the run."""
    storage.check_raw_dir(settings.raw_dir)
    storage.prepare_output_dir(settings.output_dir)
    if settings.publish_parquet is not None:
        storage.check_export_target(settings.publish_parquet)
    info = model_info(load_pipeline(settings.model_name))
    return RunInfo(
        run_id=str(flow_run.get_id() or _local_run_id()),
        ingested_at=datetime.now(UTC),
        pipeline_version=pipeline_version(),
        model_name=info.name,
        model_version=info.version,
        schema_version=SCHEMA_VERSION,
    )


@task(
    name="load what earlier runs recorded",
    cache_policy=NO_CACHE,
    retries=3,
    retry_delay_seconds=IO_RETRY_DELAYS,
)
def load_known(settings: Settings) -> KnownSources:
    """The raw files the tables already hold, by path and content."""
    return storage.load_known_sources(settings.output_dir, settings.object_store_options)


@task(name="find new raw files", cache_policy=NO_CACHE, retries=3, retry_delay_seconds=IO_RETRY_DELAYS)
def find_new_files(settings: Settings, known: KnownSources) -> tuple[list[SourceFile], int, list[Removal]]:
    """Raw files not yet recorded with the same size and time, how many were seen in all, and the files
    recorded as articles that are gone from the raw folder."""
    seen: set[str] = set()
    new = []
    for source in storage.iter_raw_files(settings.raw_dir, settings.include):
        seen.add(source.path)
        if not known.unchanged(source):
            new.append(source)
    removed = removed_files(known.latest, seen, lambda path: storage.included(path, settings.include))
    return new, len(seen), removed


@task(name="record removed files", cache_policy=NO_CACHE, retries=3, retry_delay_seconds=IO_RETRY_DELAYS)
def record_removals(settings: Settings, run: RunInfo, removed: Sequence[Removal]) -> None:
    """Stage a removals row for each file gone from the raw folder (committed with the run's other rows)."""
    staging = storage.staging_dir(settings.output_dir, run.run_id)
    storage.stage_batch(staging, 0, {"removals": removals_frame(removed, run)})


@task(
    name="compare with earlier articles",
    task_run_name="compare with earlier articles {number}",
    cache_policy=NO_CACHE,
    retries=3,
    retry_delay_seconds=IO_RETRY_DELAYS,
)
def revise(settings: Settings, tables: BatchTables, known: KnownSources, number: int) -> BatchTables:
    """Number the batch's changed files as new versions of their path, with the fields that changed; point
    copies at the first article with their body, and place each article in its story."""
    articles = tables.articles
    paths = articles["source_path"].to_list()
    earlier = [known.latest[path][0] for path in paths if path in known.latest]
    if earlier:
        columns = ["source_path", "article_id", "version", *REVISED_FIELDS]
        previous = storage.read_articles(settings.output_dir, earlier, columns, settings.object_store_options)
        articles = apply_revisions(articles, previous)
    return replace(tables, articles=assign_stories(articles, known.stories))


@task(
    name="read raw files",
    task_run_name="read batch {number}",
    cache_policy=NO_CACHE,
    retries=3,
    retry_delay_seconds=IO_RETRY_DELAYS,
)
def read_batch(settings: Settings, sources: Sequence[SourceFile], number: int) -> list[RawDocument | Reject]:
    """Read one batch of raw files (bounded memory: one batch at a time)."""
    return [storage.read_raw(settings.raw_dir, source, settings.max_file_bytes) for source in sources]


@task(name="extract fields", task_run_name="extract fields {number}", cache_policy=NO_CACHE)
def extract_fields(
    read: Sequence[RawDocument | Reject], known: KnownSources, number: int
) -> tuple[list[Article], list[Reject]]:
    """Decode and parse each new file into an article, or reject it with a reason."""
    return parse_files(read, known)


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
    return batch_tables(load_pipeline(settings.model_name), articles, rejects, run, settings.nlp_batch_size)


@task(name="validate", task_run_name="validate {number}", cache_policy=NO_CACHE)
def validate(tables: BatchTables, run: RunInfo, number: int) -> BatchTables:
    """Validate the batch against the schemas; failing articles move to rejects with the reasons."""
    return validate_batch(tables, run)


@task(
    name="stage batch",
    task_run_name="stage batch {number}",
    cache_policy=NO_CACHE,
    retries=3,
    retry_delay_seconds=IO_RETRY_DELAYS,
)
def stage(settings: Settings, run: RunInfo, tables: BatchTables, number: int) -> None:
    """Write the batch's validated rows to the run's staging folder."""
    storage.stage_batch(storage.staging_dir(settings.output_dir, run.run_id), number, tables.frames())


@task(name="commit tables", cache_policy=NO_CACHE, retries=3, retry_delay_seconds=IO_RETRY_DELAYS)
def commit(settings: Settings, run: RunInfo) -> dict[str, storage.CommitResult]:
    """One commit per table with this run's rows, stamped with the run's provenance; then clean staging.

    Tables that do not exist yet are created first, empty, so every table exists after the first run."""
    staging = storage.staging_dir(settings.output_dir, run.run_id)
    metadata_ = run_metadata(run)
    storage.ensure_tables(settings.output_dir, metadata_, settings.object_store_options)
    results = {
        table: storage.commit_staged(
            settings.output_dir,
            staging,
            table,
            TABLES[table].key,
            metadata_,
            settings.object_store_options,
        )
        for table in storage.COMMIT_ORDER
    }
    storage.remove_staging(staging)
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
    """After a failure: drop what the run staged, so the tables stay exactly as they were."""
    storage.remove_staging(storage.staging_dir(settings.output_dir, run.run_id))


def pipeline_version() -> str:
    """newsmill's version, with the git commit of the checkout when there is one."""
    version = metadata.version("newsmill")
    try:
        commit_ = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=Path(__file__).resolve().parent,
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return version
    return f"{version}+g{commit_}" if commit_ else version


def _local_run_id() -> str:
    import uuid

    return str(uuid.uuid4())
