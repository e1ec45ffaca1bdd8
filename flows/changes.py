"""What a run has to do, found without Prefect: new or changed raw files, files gone, tables to create.

The flow's tasks ask the same questions (:mod:`flows.tasks` calls :func:`find_changes`); ``newsmill run``
asks them first, so a run with nothing to do starts no Prefect server, loads no model and starts no worker.
Nothing here imports Prefect or spaCy.
"""

from __future__ import annotations

import subprocess
import time
from importlib import metadata
from pathlib import Path

from flows import storage
from flows.config import Settings
from flows.core.revisions import Removal, removed_files
from flows.core.sources import KnownSources, Listing, RetryPolicy, list_new_files
from flows.core.summary import RunSummary, Tally, summarize

NOT_RECORDED = "not recorded"  # the run id a summary carries when no Prefect flow run was made


def find_changes(settings: Settings, known: KnownSources) -> tuple[Listing, list[Removal]]:
    """Raw files not yet recorded with the same size and time, how many were seen, what was skipped, and the
    files recorded as articles that are gone from the raw folder (an entry skipped, e.g. not settled yet, is
    still there)."""
    settled_before = time.time_ns() - int(settings.settle_seconds * 1e9)
    entries = list(storage.walk_raw(settings.raw_dir, settings.include, settings.follow_links))
    present = {entry.path for entry in entries}
    removed = removed_files(known.latest, present, lambda path: storage.included(path, settings.include))
    return list_new_files(entries, known, settled_before), removed


def known_sources(settings: Settings, code_version: str) -> KnownSources:
    """The raw files the tables already hold, by path and content; rejects worth another try marked."""
    policy = RetryPolicy(settings.max_file_bytes, code_version, frozenset(settings.retry_rejects))
    return storage.load_known_sources(
        settings.output_dir, settings.object_store_options, policy, settings.raw_source
    )


def summary_if_idle(settings: Settings) -> RunSummary | None:
    """The summary of this run when it has nothing to do, or None when it has work for the flow.

    Nothing to do: every table exists, no run was killed half-way, no file is new, changed, due for another
    try or gone, and no Parquet export is to be kept current (its own check is the export's business).
    The summary's lines are those the flow prints for such a run; its run id says no flow run was made.
    """
    if settings.publish_parquet is not None or storage.abandoned_stagings(settings.output_dir):
        return None
    if any(
        storage.table_version(settings.output_dir, table, settings.object_store_options) is None
        for table in storage.TABLE_NAMES
    ):
        return None
    listing, removed = find_changes(settings, known_sources(settings, pipeline_version()))
    if listing.new or removed:
        return None
    name, version = model_identity(settings.model_name)
    tally = Tally(files_seen=listing.seen, files_unchanged=listing.seen, skipped_by_reason=listing.skipped)
    return summarize(
        tally,
        run_id=NOT_RECORDED,
        raw_dir=str(settings.raw_dir),
        output_dir=str(settings.output_dir),
        model=f"{name} {version}",
        rows_written=dict.fromkeys(storage.COMMIT_ORDER, 0),
        versions=dict.fromkeys(storage.TABLE_NAMES),
    )


def model_identity(model_name: str) -> tuple[str, str]:
    """The pipeline's name and version as spaCy reports them, from its meta.json (loaded only without one)."""
    meta = storage.model_meta(model_name)
    if meta is None or "name" not in meta or "lang" not in meta:
        from flows.core.nlp.pipeline import load_pipeline, model_info  # spaCy: only for a model without meta

        info = model_info(load_pipeline(model_name))
        return info.name, info.version
    return f"{meta['lang']}_{meta['name']}", str(meta.get("version", "0.0.0"))


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
