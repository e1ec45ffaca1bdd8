"""The only module that touches the disk: raw files in, Delta tables out.

Write protocol (nothing lost, nothing twice): each batch's validated rows are staged as Parquet files under
``output/_staging/<run id>/``; at the end of the run each table gets one MERGE on its key that inserts only
rows it does not hold yet, so reruns and concurrent runs add nothing twice. Tables are committed in the
order details (entities, ...), rejects, articles: a raw file counts as done only once its articles or rejects row is
committed, so a run killed between commits is finished by the next run without duplicates.
"""

from __future__ import annotations

import fnmatch
import hashlib
import os
import random
import shutil
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow as pa
import pyarrow.dataset as pads
from deltalake import CommitProperties, DeltaTable, write_deltalake
from deltalake.exceptions import CommitFailedError, DeltaError, TableNotFoundError

from flows.core.article import reject_too_large, reject_unreadable
from flows.core.models import RawDocument, Reject, SourceFile
from flows.core.sources import KnownSources
from schemas.tables import ARTICLE_DETAIL_TABLES, TABLE_MODELS

OUTPUT_MARKER = ".newsmill-output"
STAGING_DIR = "_staging"
TABLE_NAMES = tuple(TABLE_MODELS)
# Detail tables first, articles last: a raw file counts as done once its articles or rejects row is in.
COMMIT_ORDER = (*ARTICLE_DETAIL_TABLES, "rejects", "articles")
MAX_COMMIT_ATTEMPTS = 12
_HASH_CHUNK = 1 << 20
_IGNORABLE_IN_NEW_OUTPUT = {".gitignore", ".gitkeep", ".DS_Store"}


class OutputNotOursError(RuntimeError):
    """The output folder holds files that newsmill did not write."""


class RawFolderError(RuntimeError):
    """The raw folder is missing or is not a folder."""


# --- raw files -------------------------------------------------------------------------------------------


def check_raw_dir(raw_dir: Path) -> None:
    """Fail with a clear message unless ``raw_dir`` is an existing folder."""
    if not raw_dir.exists():
        raise RawFolderError(f"raw folder {str(raw_dir)!r} does not exist; create it or pass --raw DIR")
    if not raw_dir.is_dir():
        raise RawFolderError(
            f"raw path {str(raw_dir)!r} is a file, not a folder; pass the folder with --raw DIR"
        )


def iter_raw_files(raw_dir: Path, include: Sequence[str]) -> Iterator[SourceFile]:
    """Raw files under ``raw_dir`` in a stable order (by name, depth first), skipping hidden ones; streamed."""
    for entry in sorted(os.scandir(raw_dir), key=lambda entry: entry.name):
        if entry.name.startswith("."):
            continue
        if entry.is_dir(follow_symlinks=False):
            for source in iter_raw_files(Path(entry.path), include):
                yield SourceFile(
                    path=f"{entry.name}/{source.path}", size_bytes=source.size_bytes, mtime_ns=source.mtime_ns
                )
        elif entry.is_file() and _included(entry.name, include):
            stat = entry.stat()
            yield SourceFile(path=entry.name, size_bytes=stat.st_size, mtime_ns=stat.st_mtime_ns)


def _included(name: str, include: Sequence[str]) -> bool:
    return not include or any(fnmatch.fnmatch(name, pattern) for pattern in include)


def read_raw(raw_dir: Path, source: SourceFile, max_bytes: int) -> RawDocument | Reject:
    """Read one raw file; a file over ``max_bytes`` is hashed in chunks but not held in memory."""
    path = raw_dir / source.path
    try:
        if source.size_bytes > max_bytes:
            return reject_too_large(source, _hash_file(path), max_bytes)
        data = path.read_bytes()
    except OSError as error:
        return reject_unreadable(source, error)
    return RawDocument(source=source, data=data, sha256=hashlib.sha256(data).hexdigest())


def _hash_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


# --- what earlier runs recorded ---------------------------------------------------------------------------


def load_known_sources(output_dir: Path) -> KnownSources:
    """Read the source columns of the articles and rejects tables (not the text) into a lookup."""
    known = KnownSources()
    columns = ["source_path", "source_sha256", "source_size_bytes", "source_mtime_ns"]
    for table, is_article in (("articles", True), ("rejects", False)):
        frame = _read_columns(output_dir / table, columns)
        for path, sha, size, mtime in frame.iter_rows():
            known.add(path, sha, size, mtime, is_article)
    return known


def _read_columns(table_path: Path, columns: list[str]) -> pl.DataFrame:
    try:
        dataset = DeltaTable(str(table_path)).to_pyarrow_dataset()
    except TableNotFoundError:
        return pl.DataFrame(schema=dict.fromkeys(columns, pl.Utf8))
    return pl.from_arrow(dataset.to_table(columns=columns))  # type: ignore[return-value]


# --- output folder and staging ----------------------------------------------------------------------------


def prepare_output_dir(output_dir: Path) -> None:
    """Create the output folder, or check that an existing one is ours (it carries our marker file)."""
    if output_dir.exists() and not output_dir.is_dir():
        raise OutputNotOursError(
            f"output path {str(output_dir)!r} is a file; pass a folder with --output DIR"
        )
    if output_dir.is_dir() and not (output_dir / OUTPUT_MARKER).exists():
        foreign = sorted(
            entry.name for entry in output_dir.iterdir() if entry.name not in _IGNORABLE_IN_NEW_OUTPUT
        )
        if foreign:
            raise OutputNotOursError(
                f"output folder {str(output_dir)!r} holds files newsmill did not write "
                f"({', '.join(foreign[:3])}{', ...' if len(foreign) > 3 else ''}); "
                "choose an empty folder or one newsmill created"
            )
    output_dir.mkdir(parents=True, exist_ok=True)
    (output_dir / OUTPUT_MARKER).write_text("This folder holds newsmill's Delta tables.\n", encoding="utf-8")


def staging_dir(output_dir: Path, run_id: str) -> Path:
    """Where a run stages its batches before committing them."""
    return output_dir / STAGING_DIR / run_id


def stage_batch(staging: Path, batch_number: int, frames: Mapping[str, pl.DataFrame]) -> None:
    """Write one batch's validated rows as Parquet files, one per table (empty tables are skipped)."""
    for table, frame in frames.items():
        if frame.height == 0:
            continue
        folder = staging / table
        folder.mkdir(parents=True, exist_ok=True)
        temporary = folder / f".batch-{batch_number:06d}.parquet.tmp"
        frame.write_parquet(temporary)
        temporary.replace(folder / f"batch-{batch_number:06d}.parquet")


def remove_staging(staging: Path) -> None:
    """Delete a run's staged files once they are committed."""
    shutil.rmtree(staging, ignore_errors=True)
    parent = staging.parent
    if parent.name == STAGING_DIR and parent.is_dir() and not any(parent.iterdir()):
        parent.rmdir()


# --- Delta tables -----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CommitResult:
    """What committing one table did."""

    table: str
    rows_staged: int
    rows_inserted: int
    version: int | None  # the new version, or None when nothing new was committed


def commit_staged(
    output_dir: Path, staging: Path, table: str, key: str, metadata: Mapping[str, str]
) -> CommitResult:
    """Merge a run's staged rows into one table in a single commit, inserting only keys it lacks.

    A concurrent writer makes the commit fail; it is then retried against the new table state, where the
    rows the other run wrote are no longer new.
    """
    files = sorted(str(path) for path in (staging / table).glob("batch-*.parquet"))
    if not files:
        return CommitResult(table, 0, 0, None)
    rows = pads.dataset(files, format="parquet").count_rows()
    properties = CommitProperties(
        custom_metadata={**metadata, "newsmill_table": table, "rows_in_run": str(rows)}
    )
    table_uri = str(output_dir / table)
    for attempt in range(MAX_COMMIT_ATTEMPTS):
        try:
            return _merge_or_create(table_uri, files, table, key, rows, properties)
        except CommitFailedError:
            if attempt == MAX_COMMIT_ATTEMPTS - 1:
                raise
            time.sleep(min(5.0, 0.05 * 2**attempt) * (1 + random.random()))
    raise AssertionError("unreachable")


def _merge_or_create(
    table_uri: str, files: list[str], table: str, key: str, rows: int, properties: CommitProperties
) -> CommitResult:
    try:
        target = DeltaTable(table_uri)
    except TableNotFoundError:
        try:
            write_deltalake(table_uri, _reader(files), mode="error", commit_properties=properties)
        except DeltaError as error:
            if "already exists" not in str(error).lower():
                raise
            raise CommitFailedError(f"table {table} was created concurrently") from error
        return CommitResult(table, rows, rows, DeltaTable(table_uri).version())
    before = target.version()
    metrics = (
        target.merge(
            source=_reader(files),
            predicate=f"target.{key} = source.{key}",
            source_alias="source",
            target_alias="target",
            commit_properties=properties,
        )
        .when_not_matched_insert_all()
        .execute()
    )
    inserted = int(metrics.get("num_target_rows_inserted", 0))
    after = DeltaTable(table_uri).version()
    return CommitResult(table, rows, inserted, after if after != before else None)


def _reader(files: list[str]) -> pa.RecordBatchReader:
    dataset = pads.dataset(files, format="parquet")
    return dataset.scanner().to_reader()


def table_version(output_dir: Path, table: str) -> int | None:
    """The table's current version, or None when it does not exist yet."""
    try:
        return DeltaTable(str(output_dir / table)).version()
    except TableNotFoundError:
        return None


def table_history(output_dir: Path, table: str) -> list[dict[str, Any]]:
    """The table's commits, newest first, with the metadata each run stamped on them."""
    try:
        return list(DeltaTable(str(output_dir / table)).history())
    except TableNotFoundError:
        return []


def read_table(output_dir: Path, table: str, version: int | None = None) -> pl.DataFrame:
    """A table (at a version) as a polars DataFrame, for tests and reports."""
    return pl.read_delta(str(output_dir / table), version=version)
