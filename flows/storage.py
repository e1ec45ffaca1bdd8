"""The only module that touches the disk or the object store: raw files in, Delta tables out.

Output locations are a local folder or an object-store URI (``s3://bucket/prefix``): every function that takes
an ``output`` takes either, with the object store's ``options`` (credentials, endpoint) from :mod:`flows.config`.

Write protocol (nothing lost, nothing twice): each batch's validated rows are staged as Parquet files under
``output/_staging/<run id>/`` (for an object-store output, under the local temporary folder); at the end of the
run each table gets one MERGE on its key that inserts only rows it does not hold yet, so reruns and concurrent
runs add nothing twice. Tables are committed in the order rejects, articles, details (entities, ...): a reader
never sees a detail row without its article. Before committing, the run marks its staging folder as
committing; a run killed from there on leaves it behind, and the next run finishes its commits (the MERGEs
insert only what is missing) before its own. A killed run that had not begun committing wrote nothing: its
folder is removed and its files are read again.
"""

from __future__ import annotations

import errno
import fnmatch
import hashlib
import json
import os
import random
import shutil
import socket
import stat
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow as pa
import pyarrow.dataset as pads
from deltalake import CommitProperties, DeltaTable, write_deltalake
from deltalake.exceptions import CommitFailedError, DeltaError, TableNotFoundError

from flows.core.models import RawDocument, Reject, Skipped, SkipReason, SourceFile
from flows.core.page.article import reject_too_large, reject_unreadable
from flows.core.sources import KnownSources, RetryPolicy, retry_reject
from schemas.tables import ARTICLE_DETAIL_TABLES, TABLES

Location = str | Path  # a local folder, or an object-store URI such as s3://bucket/prefix
StorageOptions = Mapping[str, str] | None
OUTPUT_MARKER = ".newsmill-output"
STAGING_DIR = "_staging"
TABLE_NAMES = tuple(TABLES)
# Articles before their detail rows: a reader never sees a detail row without its article. A run killed after
# committing articles leaves its staging folder marked as committing; the next run finishes those commits
# (recover_staging) before its own, so no article stays without its details.
COMMIT_ORDER = ("rejects", "articles", *ARTICLE_DETAIL_TABLES)
OWNER_FILE = "owner.json"  # in a staging folder: which process stages there
COMMITTING_FILE = "committing.json"  # in a staging folder: its commits began, with the run's metadata
MAX_COMMIT_ATTEMPTS = 12
DEFAULT_RETENTION_HOURS = 168  # Delta's own minimum: shorter retentions must be asked for explicitly
_IGNORABLE_IN_NEW_OUTPUT = {".gitignore", ".gitkeep", ".DS_Store"}
_MAINTENANCE_TARGET_BYTES = 128 * 1_048_576  # compaction rewrites small files into files of up to this size


class OutputNotOursError(RuntimeError):
    """The output folder holds files that newsmill did not write."""


class DamagedTableError(RuntimeError):
    """A table's transaction log holds an entry that cannot be read (truncated or overwritten)."""


class RawFolderError(RuntimeError):
    """The raw folder is missing or is not a folder."""


# --- errors a person must act on ---------------------------------------------------------------------------

_STORAGE_PROBLEMS = (
    (("no space left", f"os error {errno.ENOSPC}"), errno.ENOSPC,
     "the disk holding the output is full ({detail}); free space and run again: nothing was lost, the tables "
     "are as they were and the next run finishes the work"),
    (("read-only file system", f"os error {errno.EROFS}"), errno.EROFS,
     "the output is on a read-only file system ({detail}); use a writable --output"),
    (("permission denied", f"os error {errno.EACCES}"), errno.EACCES,
     "newsmill may not write to the output ({detail}); check the folder's permissions or use another --output"),
    (("invalid json", "failed to parse", "log segment", "_delta_log", "unexpected end of", "eof while parsing"),
     None,
     "a table in the output is damaged ({detail}); restore the damaged file from a backup, or move the table "
     "aside and ingest again"),
)  # fmt: skip


def describe_storage_problem(error: BaseException) -> str | None:
    """One line saying what a person must do about a storage error (full disk, read-only or damaged output),
    or None when the error is not one of those."""
    text = " ".join(str(error).split())
    lowered = text.lower()
    code = getattr(error, "errno", None)
    for markers, errno_code, advice in _STORAGE_PROBLEMS:
        if (errno_code is not None and code == errno_code) or (
            isinstance(error, (OSError, DeltaError)) and any(marker in lowered for marker in markers)
        ):
            detail = text if len(text) <= 300 else text[:297] + "..."
            return advice.format(detail=detail)
    return None


# --- locations --------------------------------------------------------------------------------------------


def model_meta(model_name: str) -> dict[str, Any] | None:
    """The ``meta.json`` of an installed spaCy pipeline (a package or a folder), read without loading it;
    None when there is none."""
    import importlib.util
    import json

    folder = Path(model_name)
    if not folder.is_dir():
        try:
            spec = importlib.util.find_spec(model_name)
        except (ImportError, ValueError):
            return None
        locations = list(spec.submodule_search_locations or []) if spec else []
        if not locations:
            return None
        folder = Path(locations[0])
    try:
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return meta if isinstance(meta, dict) else None


def is_remote(output: Location) -> bool:
    """True for an object-store URI (``s3://...``), False for a local folder."""
    return isinstance(output, str) and "://" in output and not output.startswith("file://")


def table_uri(output: Location, table: str) -> str:
    """Where one table lives: ``<output>/<table>``."""
    if is_remote(output):
        return f"{str(output).rstrip('/')}/{table}"
    return str(Path(output) / table)


def _options(options: StorageOptions) -> dict[str, str] | None:
    return dict(options) if options else None


def _table(output: Location, table: str, options: StorageOptions, version: int | None = None) -> DeltaTable:
    return DeltaTable(table_uri(output, table), version=version, storage_options=_options(options))


# --- raw files -------------------------------------------------------------------------------------------


def check_raw_dir(raw_dir: Path) -> None:
    """Fail with a clear message unless ``raw_dir`` is an existing folder."""
    if not raw_dir.exists():
        raise RawFolderError(f"raw folder {str(raw_dir)!r} does not exist; create it or pass --raw DIR")
    if not raw_dir.is_dir():
        raise RawFolderError(
            f"raw path {str(raw_dir)!r} is a file, not a folder; pass the folder with --raw DIR"
        )


MAX_DEPTH = 64  # folders nested deeper than this under the raw folder are not walked


def iter_raw_files(raw_dir: Path, include: Sequence[str], follow_links: bool = False) -> Iterator[SourceFile]:
    """The raw files of :func:`walk_raw` (what it skips left out)."""
    for entry in walk_raw(raw_dir, include, follow_links):
        if isinstance(entry, SourceFile):
            yield entry


def walk_raw(
    raw_dir: Path, include: Sequence[str], follow_links: bool = False
) -> Iterator[SourceFile | Skipped]:
    """Raw files under ``raw_dir`` in a stable order (by name, depth first), streamed; never raises.

    What is not read is yielded as :class:`Skipped` with its reason: hidden entries, names outside
    ``include``, special files, undecodable names, folders deeper than :data:`MAX_DEPTH` or not listable,
    links that loop or lead nowhere, and links leaving the raw folder (unless ``follow_links``). Links that
    stay inside the raw folder are followed (a folder only once per walk).
    """
    root = os.path.realpath(raw_dir)
    visited: set[tuple[int, int]] = set()
    with suppress(OSError):
        top = os.stat(raw_dir)
        visited.add((top.st_dev, top.st_ino))
    # A stack of open folders (no recursion: a folder nested 1,000 deep must not exhaust Python's stack).
    stack: list[tuple[Iterator[os.DirEntry[str]], str, int]] = []
    opened = _list_folder(str(raw_dir), "", 0)
    if isinstance(opened, Skipped):
        yield opened
        return
    stack.append(opened)
    while stack:
        entries, relative, depth = stack[-1]
        entry = next(entries, None)
        if entry is None:
            stack.pop()
            continue
        path = f"{relative}/{entry.name}" if relative else entry.name
        outcome = _classify(entry, path, root, include, follow_links)
        if outcome is not _FOLDER:
            if outcome is not None:
                yield outcome  # type: ignore[misc]
            continue
        inner = _enter(entry, path, depth, visited)
        if isinstance(inner, Skipped):
            yield inner
        else:
            stack.append(inner)


_FOLDER = "folder"


def _list_folder(
    folder: str, relative: str, depth: int
) -> tuple[Iterator[os.DirEntry[str]], str, int] | Skipped:
    try:
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=lambda entry: entry.name)
    except OSError:
        return Skipped(relative or ".", SkipReason.UNREADABLE_FOLDER)
    return iter(entries), relative, depth


def _classify(
    entry: os.DirEntry[str], path: str, root: str, include: Sequence[str], follow_links: bool
) -> SourceFile | Skipped | str | None:
    """A file's record, a reason to skip the entry, or ``"folder"``."""
    shown = os.fsencode(path).decode("utf-8", "backslashreplace") if _undecodable(path) else path
    if entry.name.startswith("."):
        return Skipped(shown, SkipReason.HIDDEN)
    if _undecodable(entry.name):
        return Skipped(shown, SkipReason.UNDECODABLE_NAME)
    link = False
    try:
        link = entry.is_symlink()
        if link and not follow_links and not _inside(os.path.realpath(entry.path), root):
            return Skipped(path, SkipReason.LINK_OUTSIDE)
        info = entry.stat(follow_symlinks=True)
    except OSError as error:
        if error.errno == errno.ELOOP:
            return Skipped(path, SkipReason.SYMLINK_LOOP)
        if link and error.errno == errno.ENOENT:
            return Skipped(path, SkipReason.DANGLING_LINK)
        return None  # gone since the folder was listed: nothing to read
    if stat.S_ISDIR(info.st_mode):
        return _FOLDER
    if not stat.S_ISREG(info.st_mode):
        return Skipped(path, SkipReason.SPECIAL_FILE)
    if not _included(entry.name, include):
        return Skipped(path, SkipReason.NOT_INCLUDED)
    return SourceFile(path=path, size_bytes=info.st_size, mtime_ns=info.st_mtime_ns)


def _enter(
    entry: os.DirEntry[str], path: str, depth: int, visited: set[tuple[int, int]]
) -> tuple[Iterator[os.DirEntry[str]], str, int] | Skipped:
    """The folder's entries when the walk goes into it; else why not (too deep, or a link back into the walk)."""
    if depth + 1 > MAX_DEPTH:
        return Skipped(path, SkipReason.TOO_DEEP)
    try:
        info = entry.stat(follow_symlinks=True)
    except OSError:
        return Skipped(path, SkipReason.UNREADABLE_FOLDER)
    key = (info.st_dev, info.st_ino)
    if key in visited:
        return Skipped(path, SkipReason.SYMLINK_LOOP)
    visited.add(key)
    return _list_folder(entry.path, path, depth + 1)


def _undecodable(name: str) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def _included(name: str, include: Sequence[str]) -> bool:
    return not include or any(fnmatch.fnmatch(name, pattern) for pattern in include)


# Read errors that say something definite about the file (it is gone, not allowed, not a file): a reject.
# Any other (EIO, ESTALE, ETIMEDOUT, EAGAIN, ...) may pass: it is raised, for the read task to retry.
DEFINITE_READ_ERRORS = frozenset(
    {errno.ENOENT, errno.EACCES, errno.EPERM, errno.EISDIR, errno.ENOTDIR, errno.ELOOP, errno.ENAMETOOLONG,
     errno.EINVAL, errno.ENXIO, errno.EFBIG}
)  # fmt: skip


class TransientReadError(OSError):
    """A raw file could not be read for a reason that may pass (the read is retried)."""


def read_raw(
    raw_dir: Path, source: SourceFile, max_bytes: int, transient_is_reject: bool = True
) -> RawDocument | Reject:
    """Read one raw file; a file over ``max_bytes`` is rejected without being read or hashed.

    Size and time are taken from the open file, so they always describe the bytes read (a file rewritten
    since it was listed is recorded as it was read). A read error that may pass raises
    :class:`TransientReadError` unless ``transient_is_reject`` (then it is an ``unreadable`` reject too).
    """
    try:
        return _read(raw_dir / source.path, source, max_bytes)
    except OSError as error:
        if error.errno in DEFINITE_READ_ERRORS or transient_is_reject:
            return reject_unreadable(source, error)
        raise TransientReadError(
            error.errno, f"reading {source.path!r}: {error.strerror or error}"
        ) from error


def _read(path: Path, source: SourceFile, max_bytes: int) -> RawDocument | Reject:
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(descriptor, "rb") as handle:
        info = os.fstat(handle.fileno())
        now = replace(source, size_bytes=info.st_size, mtime_ns=info.st_mtime_ns)
        if not stat.S_ISREG(info.st_mode):
            return reject_unreadable(now, OSError(errno.EINVAL, "not a regular file any more"))
        if info.st_size > max_bytes:
            return reject_too_large(now, max_bytes)
        data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:  # grew past the limit since fstat
        return reject_too_large(replace(now, size_bytes=len(data)), max_bytes)
    if len(data) != now.size_bytes:  # written to while read: the size of the bytes read
        now = replace(now, size_bytes=len(data))
    return RawDocument(source=now, data=data, sha256=hashlib.sha256(data).hexdigest())


# --- what earlier runs recorded ---------------------------------------------------------------------------


SOURCE_COLUMNS = ["source_path", "source_sha256", "source_size_bytes", "source_mtime_ns", "ingested_at"]


def load_known_sources(
    output: Location, options: StorageOptions = None, policy: RetryPolicy | None = None
) -> KnownSources:
    """Read the source columns of the articles and rejects tables (not the text) into a lookup.

    With a ``policy``, paths whose latest record is a reject worth another try are marked for retry.
    """
    known = KnownSources()
    articles = _read_columns(output, "articles", SOURCE_COLUMNS, options)
    rejects = _read_columns(output, "rejects", [*SOURCE_COLUMNS, "reason", "pipeline_version"], options)
    for frame, is_article in ((articles, True), (rejects, False)):
        for path, sha, size, mtime in frame.select(SOURCE_COLUMNS[:4]).iter_rows():
            known.add(path, sha, size, mtime, is_article=is_article)
    if policy is not None:
        known.retry = _paths_to_retry(articles, rejects, policy)
    return known


def _paths_to_retry(articles: pl.DataFrame, rejects: pl.DataFrame, policy: RetryPolicy) -> set[str]:
    latest_article = dict(articles.group_by("source_path").agg(pl.col("ingested_at").max()).iter_rows())
    latest = rejects.sort("ingested_at").group_by("source_path").last()
    return {
        path
        for path, size, at, reason, version in latest.select(
            "source_path", "source_size_bytes", "ingested_at", "reason", "pipeline_version"
        ).iter_rows()
        if (path not in latest_article or latest_article[path] < at)
        and retry_reject(reason, size, version, policy)
    }


def current_rejects(output: Location, options: StorageOptions = None) -> pl.DataFrame:
    """The rejects that still stand: for each raw file, its latest reject when nothing newer (an article, or
    another reject) was recorded for that path. Older rows stay in the table as history."""
    try:
        rejects = pl.read_delta(table_uri(output, "rejects"), storage_options=_options(options))
    except TableNotFoundError:
        return pl.DataFrame()
    articles = _read_columns(output, "articles", ["source_path", "ingested_at"], options)
    newest_article = articles.group_by("source_path").agg(pl.col("ingested_at").max().alias("article_at"))
    latest = rejects.filter(pl.col("ingested_at") == pl.col("ingested_at").max().over("source_path"))
    joined = latest.join(newest_article, on="source_path", how="left")
    return joined.filter(
        pl.col("article_at").is_null() | (pl.col("article_at") < pl.col("ingested_at"))
    ).drop("article_at")


def _read_columns(output: Location, table: str, columns: list[str], options: StorageOptions) -> pl.DataFrame:
    try:
        dataset = _table(output, table, options).to_pyarrow_dataset()
    except TableNotFoundError:
        return pl.DataFrame(schema=dict.fromkeys(columns, pl.Utf8))
    return pl.from_arrow(dataset.to_table(columns=columns))  # type: ignore[return-value]


# --- output folder and staging ----------------------------------------------------------------------------


def prepare_output_dir(output: Location) -> None:
    """Create the output folder, or check that an existing one is ours (it carries our marker file).

    An object-store output needs no folder: each table is created by its first commit.
    """
    if is_remote(output):
        return
    output_dir = Path(output)
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
    check_table_logs(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    if not (output_dir / OUTPUT_MARKER).exists():  # written once: a rerun changes nothing it need not
        (output_dir / OUTPUT_MARKER).write_text(
            "This folder holds newsmill's Delta tables.\n", encoding="utf-8"
        )


LOG_ENTRIES_CHECKED = 50  # the newest log entries of each table read whole by check_table_logs


def check_table_logs(output: Location) -> None:
    """Fail with a clear message when a local table's log has an empty or unreadable entry.

    deltalake reads an empty commit file as a commit of nothing, so the rows it added would silently vanish
    from the table; newsmill stops instead. Every entry's size is checked, the newest ones are parsed.
    """
    if is_remote(output):
        return
    for table in TABLE_NAMES:
        log = Path(output) / table / "_delta_log"
        if not log.is_dir():
            continue
        entries = sorted(log.glob("*.json"))
        for entry in entries:
            if entry.stat().st_size == 0:
                raise DamagedTableError(_damaged(entry, "it is empty"))
        for entry in entries[-LOG_ENTRIES_CHECKED:]:
            try:
                for line in entry.read_text(encoding="utf-8").splitlines():
                    if line.strip():
                        json.loads(line)
            except (OSError, ValueError) as error:
                raise DamagedTableError(_damaged(entry, f"it cannot be read: {error}")) from error


def _damaged(entry: Path, why: str) -> str:
    return (
        f"table {entry.parent.parent.name!r} is damaged: its log entry {str(entry)!r} is unreadable ({why}); "
        "restore that file from a backup (or move the table aside and ingest again); nothing was changed"
    )


def staging_dir(output: Location, run_id: str) -> Path:
    """Where a run stages its batches before committing them (always local: a temporary folder for URIs)."""
    if is_remote(output):
        return Path(tempfile.gettempdir()) / "newsmill" / STAGING_DIR / run_id
    return Path(output) / STAGING_DIR / run_id


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


ACTIVE_STAGINGS: set[Path] = set()  # this process's runs' staging folders (discarded if it must stop at once)


def claim_staging(staging: Path, output: Location) -> None:
    """Mark a run's staging folder as this process's, so other runs can tell when its owner is gone."""
    ACTIVE_STAGINGS.add(staging)
    staging.mkdir(parents=True, exist_ok=True)
    owner = {"pid": os.getpid(), "host": socket.gethostname(), "started": _process_start(os.getpid()),
             "output": str(output)}  # fmt: skip
    _write_json(staging / OWNER_FILE, owner)


def mark_committing(staging: Path, metadata: Mapping[str, str]) -> None:
    """Record that the run's commits begin: from here on its staging is finished, never discarded."""
    staging.mkdir(parents=True, exist_ok=True)
    _write_json(staging / COMMITTING_FILE, dict(metadata))


def is_committing(staging: Path) -> bool:
    """True when the run that staged here began committing (its staging must be committed, not dropped)."""
    return (staging / COMMITTING_FILE).exists()


def abandoned_stagings(output: Location) -> list[Path]:
    """Staging folders of runs into ``output`` whose process is gone (killed, or its machine restarted)."""
    root = staging_dir(output, "x").parent
    if not root.is_dir():
        return []
    found = []
    for folder in sorted(root.iterdir()):
        owner = _read_json(folder / OWNER_FILE)
        if owner is not None and owner.get("output") not in (None, str(output)):
            continue  # another output's run (object-store outputs share the local staging root)
        if owner is None or not _alive(owner):
            found.append(folder)
    return found


def recover_staging(
    output: Location, staging: Path, keys: Mapping[str, str], options: StorageOptions = None
) -> list[CommitResult]:
    """Finish an abandoned run: commit what it staged when it had begun committing, then remove its folder.

    Committing again is safe (each MERGE inserts only rows the table lacks). A run that had not begun
    committing wrote nothing: its folder is removed, and its files are read again by the current run.
    """
    metadata = _read_json(staging / COMMITTING_FILE)
    results = []
    if metadata is not None:
        stamped = {str(key): str(value) for key, value in metadata.items()} | {
            "newsmill_operation": "recovery"
        }
        results = [
            commit_staged(output, staging, table, keys[table], stamped, options) for table in COMMIT_ORDER
        ]
    remove_staging(staging)
    return results


def _alive(owner: Mapping[str, Any]) -> bool:
    if owner.get("host") != socket.gethostname():
        return True  # cannot tell for another machine's process: left to it
    pid = int(owner.get("pid", 0))
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    return _process_start(pid) == owner.get("started")  # the same pid may now be another process


def _process_start(pid: int) -> str | None:
    """When a process started (clock ticks since boot, Linux), to tell a reused pid from its first owner."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return fields[19] if len(fields) > 19 else None


def _write_json(path: Path, value: Mapping[str, Any]) -> None:
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(json.dumps(value), encoding="utf-8")
    temporary.replace(path)


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return value if isinstance(value, dict) else None


def discard_uncommitted_stagings() -> None:
    """Remove this process's staging folders whose commits have not begun (a run stopping at once)."""
    for staging in list(ACTIVE_STAGINGS):
        if not is_committing(staging):
            remove_staging(staging)


def remove_staging(staging: Path) -> None:
    """Delete a run's staged files once they are committed."""
    ACTIVE_STAGINGS.discard(staging)
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
    output: Location,
    staging: Path,
    table: str,
    key: str,
    metadata: Mapping[str, str],
    options: StorageOptions = None,
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
    uri = table_uri(output, table)
    for attempt in range(MAX_COMMIT_ATTEMPTS):
        try:
            return _merge_or_create(uri, files, table, key, rows, properties, _options(options))
        except CommitFailedError:
            if attempt == MAX_COMMIT_ATTEMPTS - 1:
                raise
            time.sleep(min(5.0, 0.05 * 2**attempt) * (1 + random.random()))
    raise AssertionError("unreachable")


def _merge_or_create(
    uri: str,
    files: list[str],
    table: str,
    key: str,
    rows: int,
    properties: CommitProperties,
    options: dict[str, str] | None,
) -> CommitResult:
    try:
        target = DeltaTable(uri, storage_options=options)
    except TableNotFoundError:
        # No retry inside deltalake: it would turn a create that lost the race to another run's create into a
        # blind append of every staged row, duplicating the rows both runs hold. Failing here sends the rows
        # through the merge instead, against the table the other run created.
        creating = CommitProperties(custom_metadata=properties.custom_metadata, max_commit_retries=0)
        try:
            write_deltalake(
                uri, _reader(files), mode="error", commit_properties=creating, storage_options=options
            )
        except DeltaError as error:
            if not isinstance(error, CommitFailedError) and "already exists" not in str(error).lower():
                raise
            raise CommitFailedError(f"table {table} was created concurrently") from error
        return CommitResult(table, rows, rows, DeltaTable(uri, storage_options=options).version())
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
    after = DeltaTable(uri, storage_options=options).version()
    return CommitResult(table, rows, inserted, after if after != before else None)


def _reader(files: list[str]) -> pa.RecordBatchReader:
    dataset = pads.dataset(files, format="parquet")
    return dataset.scanner().to_reader()


@dataclass(frozen=True, slots=True)
class MaintenanceResult:
    """What maintaining one table did."""

    table: str
    files_before: int
    files_after: int
    compacted: bool
    files_vacuumed: int


def maintain_table(
    output: Location,
    table: str,
    metadata: Mapping[str, str],
    min_small_files: int,
    retention_hours: int,
    options: StorageOptions = None,
) -> MaintenanceResult | None:
    """Compact a table holding many small files, then vacuum files no version younger than the retention reads.

    Compaction is a new version with the same rows (time travel to older versions still works); vacuum only
    deletes files that stopped being part of the table more than ``retention_hours`` ago, so readers of any
    version younger than that keep working. Both commits are stamped with the run's metadata.
    """
    try:
        target = _table(output, table, options)
    except TableNotFoundError:
        return None
    properties = CommitProperties(custom_metadata={**metadata, "newsmill_table": table})
    sizes = target.get_add_actions(flatten=True).column("size_bytes").to_pylist()
    small = sum(1 for size in sizes if size < _MAINTENANCE_TARGET_BYTES // 2)
    compacted = small >= min_small_files
    if compacted:
        target.optimize.compact(target_size=_MAINTENANCE_TARGET_BYTES, commit_properties=properties)
    removed = target.vacuum(
        retention_hours=retention_hours,
        dry_run=False,
        enforce_retention_duration=retention_hours >= DEFAULT_RETENTION_HOURS,
        commit_properties=properties,
    )
    after = len(_table(output, table, options).file_uris())
    return MaintenanceResult(table, len(sizes), after, compacted, len(removed))


def table_version(output: Location, table: str, options: StorageOptions = None) -> int | None:
    """The table's current version, or None when it does not exist yet."""
    try:
        return _table(output, table, options).version()
    except TableNotFoundError:
        return None


def table_history(output: Location, table: str, options: StorageOptions = None) -> list[dict[str, Any]]:
    """The table's commits, newest first, with the metadata each run stamped on them."""
    try:
        return list(_table(output, table, options).history())
    except TableNotFoundError:
        return []


def table_file_count(output: Location, table: str, options: StorageOptions = None) -> int:
    """How many data files the table's current version is made of (0 when it does not exist)."""
    try:
        return len(_table(output, table, options).file_uris())
    except TableNotFoundError:
        return 0


def read_table(
    output: Location, table: str, version: int | None = None, options: StorageOptions = None
) -> pl.DataFrame:
    """A table (at a version) as a polars DataFrame, for tests and reports."""
    return pl.read_delta(table_uri(output, table), version=version, storage_options=_options(options))


def output_exists(output: Location, options: StorageOptions = None) -> bool:
    """True when the output holds newsmill's tables (a local folder that exists, or any table at a URI)."""
    if not is_remote(output):
        return Path(output).is_dir()
    return any(table_version(output, table, options) is not None for table in TABLE_NAMES)
