"""The only module that touches the disk or the object store: raw files in, Delta tables out.

Output locations are a local folder or an object-store URI (``s3://bucket/prefix``): every function that takes
an ``output`` takes either, with the object store's ``options`` (credentials, endpoint) from :mod:`flows.config`.

Write protocol (nothing lost, nothing twice): each batch's validated rows are staged as Parquet files under
``output/_staging/<run id>/`` (for an object-store output, under the local temporary folder); at the end of the
run each table gets one commit that appends only the rows whose key it does not hold yet, made only if no other
writer committed since the keys were read, so reruns and concurrent runs add nothing twice. Tables are
committed in the order rejects, articles, details (entities, ...): a reader never sees a detail row without its
article. Before committing, the run marks its staging folder as committing; a run killed from there on leaves
it behind, and the next run finishes its commits (they insert only what is missing) before its own. A killed
run that had not begun committing wrote nothing: its folder is removed and its files are read again.
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
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import unquote, urlparse

import polars as pl
import pyarrow as pa
from deltalake import CommitProperties, DeltaTable, write_deltalake
from deltalake import Schema as DeltaSchema
from deltalake.exceptions import CommitFailedError, DeltaError, TableNotFoundError

from flows import heap
from flows.core.export import (
    MANIFEST_NAME,
    Manifest,
    Plan,
    TableExport,
    part_name,
    plan_table,
    rows_only_added,
)
from flows.core.models import RawDocument, Reject, Skipped, SkipReason, SourceFile
from flows.core.revisions import (
    FILE_KEY,
    STATUS_INPUT_COLUMNS,
    article_status,
    latest_versions,
    of_source,
    owners,
    with_owners,
)
from flows.core.sources import KnownSources, RetryPolicy, elsewhere, lost_copies, retry_reject
from flows.core.stories import StoryIndex
from schemas.tables import ARTICLE_DETAIL_TABLES, TABLES, ArticleStatus
from schemas.vocabulary import SCHEMA_VERSION

if (
    TYPE_CHECKING
):  # imported where used: pyarrow.dataset imports pandas, a second or more a run with nothing new
    import pyarrow.dataset as pads

Location = str | Path  # a local folder, or an object-store URI such as s3://bucket/prefix
StorageOptions = Mapping[str, str] | None
OUTPUT_MARKER = ".newsmill-output"
STAGING_DIR = "_staging"
TABLE_NAMES = tuple(TABLES)
# Articles before their detail rows: a reader never sees a detail row without its article. A run killed after
# committing articles leaves its staging folder marked as committing; the next run finishes those commits
# (recover_staging) before its own, so no article stays without its details.
COMMITS_BEFORE_DETAILS = ("rejects", "removals", "articles")
COMMIT_ORDER = (*COMMITS_BEFORE_DETAILS, *ARTICLE_DETAIL_TABLES)
# The detail tables' commits run this many at a time once the articles are in: each is mostly pyarrow, polars
# and deltalake reading, encoding and writing Parquet, which run without the interpreter's lock, and one at a
# time they left a core idle for the last second or more of a run (docs/performance.md, session 29). Each
# commit holds a row group of ROW_GROUP_BYTES and the run's keys as hashes: two at once took the process's
# peak from 738 to 772 MB in a 10,000-article run.
DETAIL_COMMITS_AT_ONCE = 2
OWNER_FILE = "owner.json"  # in a staging folder: which process stages there
COMMITTING_FILE = "committing.json"  # in a staging folder: its commits began, with the run's metadata
MAX_COMMIT_ATTEMPTS = 12
T = TypeVar("T")
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
     "the disk holding the output is full ({detail}); free space and run again: nothing was lost, the next "
     "run finishes the work"),
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
    or None when the error is not one of those.

    The error may come from any library that wrote for newsmill (deltalake, polars, pyarrow: each wraps the
    operating system's error in its own type), or be the cause of the error raised.
    """
    for cause in _causes(error):
        described = _describe_one(cause)
        if described is not None:
            return described
    return None


def _describe_one(error: BaseException) -> str | None:
    text = " ".join(str(error).split())
    lowered = text.lower()
    code = getattr(error, "errno", None)
    for markers, errno_code, advice in _STORAGE_PROBLEMS:
        # The operating system's own words ("os error 28") are definite whatever type carries them; the words
        # of a damaged log only from the storage libraries.
        definite = errno_code is not None or isinstance(error, (OSError, DeltaError))
        if (errno_code is not None and code == errno_code) or (
            definite and any(marker in lowered for marker in markers)
        ):
            detail = text if len(text) <= 300 else text[:297] + "..."
            return advice.format(detail=detail)
    return None


def _causes(error: BaseException) -> Iterator[BaseException]:
    """The error, then what caused it (``raise ... from``, or raised while handling), each once."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


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


def free_arrow_memory_at_once() -> None:
    """Make pyarrow's Python API take its memory from the C library's ``malloc``, which gives large blocks back
    to the system as soon as they are freed, instead of its bundled mimalloc, which keeps them for its threads
    to reuse.

    With mimalloc, the memory pyarrow held while one table's commit read and wrote its rows stayed the
    process's while the next commit, in polars and deltalake (each with an allocator of its own), took more:
    the flow's process peaked in the commits. Over whole runs (RSS sampled every 10 ms): 5,000 articles 884-948
    -> 800-841 MB, 10,000 articles 962 -> 849 MB (docs/performance.md). An
    ``ARROW_DEFAULT_MEMORY_POOL`` set in the environment is left as it is. This covers what pyarrow's Python
    functions allocate; the buffers of Arrow's C++ code (the Parquet reader's and writer's) come from the pool
    the ``flows`` package chose when it was imported (its docstring), or mimalloc when pyarrow came first.
    """
    if os.environ.get("ARROW_DEFAULT_MEMORY_POOL", "system") in ("", "system"):
        pa.set_memory_pool(pa.system_memory_pool())


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
    if not included(entry.name, include):
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


def included(path: str, include: Sequence[str]) -> bool:
    """True when the file's name matches one of the ``include`` globs (or there are none)."""
    name = path.rsplit("/", 1)[-1]
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
    from flows.core.page.article import reject_unreadable  # the page parser: not needed to list files

    try:
        return _read(raw_dir / source.path, source, max_bytes)
    except OSError as error:
        if error.errno in DEFINITE_READ_ERRORS or transient_is_reject:
            return reject_unreadable(source, error)
        raise TransientReadError(
            error.errno, f"reading {source.path!r}: {error.strerror or error}"
        ) from error


def _read(path: Path, source: SourceFile, max_bytes: int) -> RawDocument | Reject:
    from flows.core.page.article import reject_too_large, reject_unreadable

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
    output: Location,
    options: StorageOptions = None,
    policy: RetryPolicy | None = None,
    raw_source: str | None = None,
) -> KnownSources:
    """Read the source columns of the articles and rejects tables (not the text) into a lookup, with each
    path's latest article and whether its file was found missing.

    Only the files of the raw folder ``raw_source`` (None: every folder) are known by path; the articles of
    other raw folders only by content, so a copy of one is a duplicate. With a ``policy``, paths whose latest
    record is a reject worth another try are marked for retry.
    """
    known = KnownSources()
    columns = [*SOURCE_COLUMNS, "raw_source"]
    articles = _read_columns(output, "articles", columns, options, types=_SOURCE_TYPES)
    rejects = _read_columns(
        output, "rejects", [*columns, "reason", "pipeline_version"], options, types=_SOURCE_TYPES
    )
    found = owners(
        pl.concat([articles.select(*FILE_KEY, "ingested_at"), rejects.select(*FILE_KEY, "ingested_at")])
    )
    articles, rejects = with_owners(articles, found), with_owners(rejects, found)
    own_articles, own_rejects = of_source(articles, raw_source), of_source(rejects, raw_source)
    for frame, is_article in ((own_articles, True), (own_rejects, False)):
        for path, sha, size, mtime in frame.sort("ingested_at").select(SOURCE_COLUMNS[:4]).iter_rows():
            known.add(path, sha, size, mtime, is_article=is_article)
    if raw_source is not None:
        others = articles.filter(pl.col("raw_source").is_not_null() & (pl.col("raw_source") != raw_source))
        for source, path, sha in others.select("raw_source", "source_path", "source_sha256").iter_rows():
            known.add_elsewhere(source, path, sha)
    if policy is not None:
        known.retry = _paths_to_retry(own_articles, own_rejects, policy)
    known.latest = latest_versions(*_status_inputs(output, {}, options), raw_source)
    story_columns = [*FILE_KEY, "article_id", "body_sha256", "story_id", "story_keys", "ingested_at"]
    types = {"story_keys": pl.List(pl.Int64()), "ingested_at": pl.Datetime("us", "UTC")}
    recorded = with_owners(_read_columns(output, "articles", story_columns, options, types=types), found)
    ordered = recorded.filter(pl.col("body_sha256").is_not_null()).sort("ingested_at", "article_id")
    paths = [
        elsewhere(source, path) if raw_source is not None and source not in (None, raw_source) else path
        for source, path in ordered.select(*FILE_KEY).iter_rows()
    ]
    known.stories = StoryIndex.from_records(ordered.with_columns(pl.Series("path", paths, pl.Utf8)))
    return known


_SOURCE_TYPES: dict[str, pl.DataType] = {
    "source_size_bytes": pl.Int64(),
    "source_mtime_ns": pl.Int64(),
    "ingested_at": pl.Datetime("us", "UTC"),
}


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
    """The rejects that still stand: for each raw file (raw folder and path), its latest reject when nothing
    newer (an article, or another reject) was recorded for that file. Older rows stay in the table as history."""
    try:
        rejects = pl.read_delta(table_uri(output, "rejects"), storage_options=_options(options))
    except TableNotFoundError:
        return pl.DataFrame()
    articles = _read_columns(output, "articles", [*FILE_KEY, "ingested_at"], options, types=_SOURCE_TYPES)
    if "raw_source" not in rejects.columns:  # a table written before raw folders were recorded
        rejects = rejects.with_columns(pl.lit(None, pl.Utf8()).alias("raw_source"))
    found = owners(pl.concat([articles, rejects.select(articles.columns)], how="vertical_relaxed"))
    owned = with_owners(rejects.with_columns(pl.col("raw_source").alias("_recorded")), found)
    newest_article = (
        with_owners(articles, found).group_by(FILE_KEY).agg(pl.col("ingested_at").max().alias("article_at"))
    )
    latest = owned.filter(pl.col("ingested_at") == pl.col("ingested_at").max().over(FILE_KEY))
    joined = latest.join(newest_article, on=list(FILE_KEY), how="left", nulls_equal=True)
    standing = joined.filter(pl.col("article_at").is_null() | (pl.col("article_at") < pl.col("ingested_at")))
    return standing.with_columns(pl.col("_recorded").alias("raw_source")).drop("article_at", "_recorded")


def read_article_status(
    output: Location, versions: Mapping[str, int | None] | None = None, options: StorageOptions = None
) -> pl.DataFrame:
    """The ``article_status`` view (each article's version, is_current, removed_at) at the given versions of
    the articles and removals tables (default: the latest)."""
    return article_status(*_status_inputs(output, versions or {}, options))


def read_current(output: Location, table: str, options: StorageOptions = None) -> pl.DataFrame:
    """A table's rows of current articles only (articles: the current versions, with the status columns;
    a detail table: the rows of those articles); ``rejects`` and ``removals`` are returned whole."""
    rows = read_table(output, table, options=options)
    if table not in ("articles", *ARTICLE_DETAIL_TABLES):
        return rows
    current = read_article_status(output, options=options).filter("is_current")
    if table == "articles":
        return rows.join(current.select("article_id", "is_current", "removed_at"), on="article_id")
    return rows.join(current.select("article_id"), on="article_id", how="semi")


def read_articles(
    output: Location, article_ids: Sequence[str], columns: Sequence[str], options: StorageOptions = None
) -> pl.DataFrame:
    """Some columns of the articles with these ids (for comparing a changed file with its last version)."""
    if table_version(output, "articles", options) is None:
        return pl.DataFrame()
    scan = pl.scan_delta(table_uri(output, "articles"), storage_options=_options(options))
    names = scan.collect_schema().names()
    present = [column for column in columns if column in names]
    frame = scan.filter(pl.col("article_id").is_in(list(article_ids))).select(present).collect()
    return frame.with_columns(pl.lit(None).alias(c) for c in columns if c not in present)


def _status_inputs(
    output: Location, versions: Mapping[str, int | None], options: StorageOptions
) -> tuple[pl.DataFrame, pl.DataFrame]:
    articles = _read_columns(
        output, "articles", list(STATUS_INPUT_COLUMNS), options, versions.get("articles"), _STATUS_TYPES
    )
    removals = _read_columns(
        output, "removals", ["article_id", "removed_at"], options, versions.get("removals"), _STATUS_TYPES
    )
    return articles, removals


_STATUS_TYPES: dict[str, pl.DataType] = {
    "version": pl.Int32(),
    "ingested_at": pl.Datetime("us", "UTC"),
    "removed_at": pl.Datetime("us", "UTC"),
}


def _read_columns(
    output: Location,
    table: str,
    columns: list[str],
    options: StorageOptions,
    version: int | None = None,
    types: Mapping[str, pl.DataType] | None = None,
) -> pl.DataFrame:
    """Some columns of a table (at a version); a missing table, or a column it lacks (a table written by an
    older newsmill), reads as nulls of the given type (text by default)."""
    schema = {column: (types or {}).get(column, pl.Utf8()) for column in columns}
    try:
        dataset = _table(output, table, options, version).to_pyarrow_dataset()
    except TableNotFoundError:
        return pl.DataFrame(schema=schema)
    present = [column for column in columns if column in dataset.schema.names]
    frame = pl.from_arrow(dataset.to_table(columns=present))
    assert isinstance(frame, pl.DataFrame)
    return frame.with_columns(
        pl.lit(None, dtype=schema[column]).alias(column) for column in columns if column not in present
    ).select(columns)


def _scan_columns(output: Location, table: str, columns: list[str], options: StorageOptions) -> pl.LazyFrame:
    """Some text columns of a table's latest version as a scan (read when collected, each time from that same
    version); a missing table, or a column it lacks (a table written by an older newsmill), reads as nulls."""
    try:
        scan = pl.scan_delta(_table(output, table, options))  # this version, however often it is collected
    except TableNotFoundError:
        return pl.LazyFrame(schema=dict.fromkeys(columns, pl.Utf8()))
    present = scan.collect_schema().names()
    return scan.select(
        pl.col(column) if column in present else pl.lit(None, dtype=pl.Utf8()).alias(column)
        for column in columns
    )


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
    """Mark a run's staging folder as this process's, so other runs can tell when its owner is gone.

    Done once, when the run first has something to stage: a run with nothing to do writes nothing to the
    output (it may be read-only).
    """
    if staging in ACTIVE_STAGINGS and (staging / OWNER_FILE).exists():
        return
    ACTIVE_STAGINGS.add(staging)
    staging.mkdir(parents=True, exist_ok=True)
    owner = {"pid": os.getpid(), "host": socket.gethostname(), "started": _process_start(os.getpid()),
             "output": str(output)}  # fmt: skip
    _write_json(staging / OWNER_FILE, owner)


def mark_committing(staging: Path, metadata: Mapping[str, str]) -> None:
    """Record that the run's commits begin: from here on its staging is finished, never discarded."""
    staging.mkdir(parents=True, exist_ok=True)
    _write_json(staging / COMMITTING_FILE, dict(metadata))


def has_staged(staging: Path) -> bool:
    """True when the run staged rows for some table (else it has nothing to commit)."""
    return any(staging.glob("*/batch-*.parquet"))


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

    Committing again is safe (each commit inserts only rows the table lacks). A run that had not begun
    committing wrote nothing: its folder is removed, and its files are read again by the current run.
    """
    metadata = _read_json(staging / COMMITTING_FILE)
    results = []
    if metadata is not None:
        stamped = {str(key): str(value) for key, value in metadata.items()} | {
            "newsmill_operation": "recovery"
        }
        results = list(commit_run(output, staging, keys, stamped, options).values())
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


def commit_run(
    output: Location,
    staging: Path,
    keys: Mapping[str, str],
    metadata: Mapping[str, str],
    options: StorageOptions = None,
) -> dict[str, CommitResult]:
    """Commit every table a run staged, one commit each (by ``keys``, each table's key): those of
    :data:`COMMITS_BEFORE_DETAILS` in turn, then the article detail tables :data:`DETAIL_COMMITS_AT_ONCE` at a
    time. The results are in :data:`COMMIT_ORDER`.

    Then the staged articles that another run committed first from another file with the same bytes (runs on
    different raw folders) are rejected as copies in one more commit of the rejects table, so each of those
    files has its place after this run. They are looked for while the detail tables commit.
    """

    def commit(table: str) -> CommitResult:
        heap.return_freed_memory()  # what the batches or the commit before freed, before this one takes its own
        return commit_staged(output, staging, table, keys[table], metadata, options)

    results = {table: commit(table) for table in COMMITS_BEFORE_DETAILS}
    with ThreadPoolExecutor(DETAIL_COMMITS_AT_ONCE, thread_name_prefix="newsmill-commit") as pool:
        details = {table: pool.submit(commit, table) for table in ARTICLE_DETAIL_TABLES}
        copies_found = stage_lost_copies(output, staging, options)
        results |= {table: done.result() for table, done in details.items()}
    heap.return_freed_memory()
    if copies_found:
        again = commit_staged(output, staging, "rejects", keys["rejects"], metadata, options)
        first = results["rejects"]
        results["rejects"] = CommitResult(
            "rejects",
            again.rows_staged,
            first.rows_inserted + again.rows_inserted,
            again.version or first.version,
        )
    return results


LOST_COPIES_BATCH = 999_999  # the staged batch of rejects for copies found while committing


def stage_lost_copies(output: Location, staging: Path, options: StorageOptions = None) -> bool:
    """After the articles commit: stage a ``duplicate_content`` reject for each staged article the table holds
    under another path (:func:`flows.core.sources.lost_copies`); False when there is none."""
    files = sorted(str(path) for path in (staging / "articles").glob("batch-*.parquet"))
    if not files:
        return False
    staged = pl.read_parquet(files, columns=["article_id", *SOURCE_COLUMNS[:4], *_PROVENANCE])
    held = _read_columns(output, "articles", ["article_id", *FILE_KEY], options).filter(
        pl.col("article_id").is_in(staged["article_id"].implode())
    )
    rejects = lost_copies(
        staged.select("article_id", "raw_source", *SOURCE_COLUMNS[:4]).iter_rows(),
        {article_id: (source, path) for article_id, source, path in held.iter_rows()},
    )
    if not rejects:
        return False
    from flows.core.tables.rows import RunInfo, rejects_frame  # pandera's frames: only when there is a copy

    run = RunInfo(**staged.select(_PROVENANCE).row(0, named=True))
    stage_batch(staging, LOST_COPIES_BATCH, {"rejects": rejects_frame(rejects, run)})
    return True


_PROVENANCE = [
    *("run_id", "ingested_at", "pipeline_version", "model_name", "model_version", "schema_version"),
    "raw_source",
]


def commit_staged(
    output: Location,
    staging: Path,
    table: str,
    key: str,
    metadata: Mapping[str, str],
    options: StorageOptions = None,
) -> CommitResult:
    """Insert a run's staged rows into one table in a single commit, only the keys it lacks.

    A concurrent writer makes the commit fail; it is then retried against the new table state, where the
    rows the other run wrote are no longer new.
    """
    files = sorted(str(path) for path in (staging / table).glob("batch-*.parquet"))
    if not files:
        return CommitResult(table, 0, 0, None)
    import pyarrow.dataset as pads

    rows = pads.dataset(files, format="parquet").count_rows()
    properties = CommitProperties(
        custom_metadata={**metadata, "newsmill_table": table, "rows_in_run": str(rows)},
        max_commit_retries=0,  # a commit on a table that moved since it was read fails, and is done again here
    )
    uri = table_uri(output, table)
    return retried_on_conflict(
        lambda: _insert_or_create(uri, files, table, key, rows, properties, _options(options))
    )


def retried_on_conflict(commit: Callable[[], T]) -> T:
    """``commit()``, done again while it fails because another writer committed first (CommitFailedError),
    at most :data:`MAX_COMMIT_ATTEMPTS` times, with a growing, jittered pause between attempts; each attempt
    must read the table's state afresh."""
    for attempt in range(MAX_COMMIT_ATTEMPTS - 1):
        try:
            return commit()
        except CommitFailedError:
            time.sleep(min(5.0, 0.05 * 2**attempt) * (1 + random.random()))
    return commit()


def _insert_or_create(
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
        # through insert_missing instead, against the table the other run created.
        try:
            write_deltalake(
                uri, _reader(files), mode="error", commit_properties=properties, storage_options=options
            )
        except DeltaError as error:
            if not isinstance(error, CommitFailedError) and "already exists" not in str(error).lower():
                raise
            raise CommitFailedError(f"table {table} was created concurrently") from error
        return CommitResult(table, rows, rows, DeltaTable(uri, storage_options=options).version())
    return insert_missing(target, files, table, key, rows, properties)


def insert_missing(
    target: DeltaTable, files: list[str], table: str, key: str, rows: int, properties: CommitProperties
) -> CommitResult:
    """Append the staged rows whose ``key`` the table lacks at the version ``target`` was read, in one commit.

    The commit must be made with ``max_commit_retries=0`` in ``properties``: it then fails (CommitFailedError)
    when another writer committed since ``target`` was read, as a MERGE over the whole table would, and never
    lands on a table state whose keys were not checked.

    Only the table's key column is read, as a stream, and only the keys whose hash the run staged are kept:
    the staged keys are held as 64-bit hashes (a 10,000-article run's 459,000 mention ids: 4 MB, against
    33 MB as text), and a hash that two keys share only makes a candidate that the exact comparison of the
    staged rows with the table's candidates leaves out. So memory grows slowly with the run, not with the
    table. (deltalake's MERGE reads whole rows of the table: inserting 1,200 articles' 55,000 mentions into a
    table of 2.3 million took about 900 MB, and the merged schema lost the tables' NOT NULL declarations.)
    """
    import pyarrow.compute as pc
    import pyarrow.dataset as pads

    staged_hashes = pl.scan_parquet(files).select(pl.col(key).hash()).collect(engine="streaming")[key]
    held = (
        pl.scan_delta(target)
        .select(key)
        .filter(pl.col(key).hash().is_in(staged_hashes.implode()))
        .collect(engine="streaming")[key]
    )
    del staged_hashes
    inserted = rows - _count_held(files, key, held)
    if inserted == 0:
        return CommitResult(table, rows, 0, None)
    folder = local_folder(target)
    schema = delta_schema(table)
    if folder is not None and target.schema() == DeltaSchema.from_arrow(schema):
        new_rows = _new_rows(files, key, held.to_arrow())
        version = append_file(target, folder, Path(files[0]).parent, new_rows, schema, properties)
        return CommitResult(table, rows, inserted, version)
    staged = pads.dataset(files, format="parquet")
    new_rows = staged.scanner(filter=~pc.field(key).isin(held.to_arrow())) if held.len() else staged.scanner()
    write_deltalake(
        target,
        new_rows.to_reader(),
        mode="append",
        schema_mode="merge",  # a table written by an older newsmill gains the columns added since
        commit_properties=properties,
    )
    return CommitResult(table, rows, inserted, target.version())


def _count_held(files: list[str], key: str, held: pl.Series) -> int:
    """How many staged rows have a key in ``held`` (none when it is empty: the table holds no staged key)."""
    if held.is_empty():
        return 0
    found = pl.scan_parquet(files).filter(pl.col(key).is_in(held.implode())).select(pl.len())
    return int(found.collect(engine="streaming").item())


def _new_rows(files: Sequence[str], key: str, held: pa.Array) -> Iterator[pa.Table]:
    """The staged rows whose ``key`` is not in ``held``, one staged file (one batch of the run) at a time."""
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    for file in files:
        rows = pq.read_table(file)
        yield rows.filter(pc.invert(pc.is_in(rows[key], value_set=held))) if len(held) else rows


def local_folder(table: DeltaTable) -> Path | None:
    """The folder of a table on the local disk; None for a table in an object store."""
    uri = table.table_uri
    if is_remote(uri):
        return None
    return Path(unquote(urlparse(uri).path)) if uri.startswith("file://") else Path(uri)


def append_file(
    target: DeltaTable,
    folder: Path,
    scratch: Path,
    parts: Iterable[pa.Table],
    schema: pa.Schema,
    properties: CommitProperties,
) -> int:
    """Append ``parts`` (tables with ``schema``'s columns) to the local table ``target`` in ``folder`` as one
    new Parquet file, in one commit made with ``properties`` on the version ``target`` was read at; the version
    committed. The file is written in a new folder under ``scratch`` (the run's staging: on the same disk), then
    moved into the table.

    deltalake's writer holds about six times the Arrow size of what it writes until it has written it all
    (80 MB for the 13 MB of a 5,000-article run's article rows), so the end-of-run commit grew with the run.
    Here the parts (the staged batches) are written as they come, gathered into row groups of
    :data:`ROW_GROUP_BYTES` (a staged batch larger than that is a row group of its own), and let go: the rows
    the commit holds are bounded by that (its memory still grows somewhat with the run: the staged keys are
    read whole; docs/performance.md).
    The file is laid out as deltalake writes its own (Arrow large strings and lists, every field nullable,
    snappy), and its add action carries the statistics deltalake's writer records (:func:`file_statistics`),
    which readers skip files by.

    A commit that fails (another writer moved the table) removes the file, so nothing but committed files
    stay in the table's folder; a process killed between the move and the commit leaves an unreferenced file
    that no reader sees and the next vacuum removes.
    """
    import pyarrow.parquet as pq
    from deltalake.transaction import AddAction

    name = f"part-00000-{uuid.uuid4()}-c000.snappy.parquet"
    writing = scratch / f".delta-file-{uuid.uuid4().hex}"
    layout = _file_schema(schema)
    try:
        writing.mkdir()
        with pq.ParquetWriter(writing / name, layout, compression="snappy") as writer:
            for group in _row_groups(
                (part.select(layout.names).cast(layout) for part in parts), ROW_GROUP_BYTES
            ):
                writer.write_table(group)
        stats = file_statistics(writing, target.metadata().configuration)
        shutil.move(writing / name, folder / name)
    finally:
        shutil.rmtree(writing, ignore_errors=True)
    size = (folder / name).stat().st_size
    added = AddAction(name, size, {}, int(time.time() * 1000), True, stats)
    try:
        target.create_write_transaction(
            [added], mode="append", schema=target.schema(), commit_properties=properties
        )
    except CommitFailedError:
        (folder / name).unlink(missing_ok=True)
        raise
    # With no retries the commit is the version after the one read (deltalake's writer would have moved
    # ``target`` there; a transaction leaves it where it was).
    return target.version() + 1


# Arrow data gathered into one row group of a commit's file. Writing a row group holds about twice its size
# again (its encoded pages and dictionaries), so this bounds a commit's memory; 10,000 bench articles, against
# 32 MB: the entities commit +123 -> +68 MB, files 1.1-3.3 % larger (docs/performance.md).
ROW_GROUP_BYTES = 8 * 2**20


def _row_groups(parts: Iterable[pa.Table], size: int) -> Iterator[pa.Table]:
    """``parts`` gathered into tables of at least ``size`` bytes each, the last one smaller; empty parts left out.

    A row group per staged batch, however small, made files 4-15 % larger than deltalake's (each row group has
    its own dictionaries and pages); one row group for the whole run would hold the run's rows again.
    """
    gathered: list[pa.Table] = []
    gathered_bytes = 0
    for part in parts:
        if part.num_rows:
            gathered.append(part)
            gathered_bytes += part.nbytes
        if gathered and gathered_bytes >= size:
            yield pa.concat_tables(gathered)
            gathered, gathered_bytes = [], 0
    if gathered:
        yield pa.concat_tables(gathered)


STATS_PREFIX_BYTES = 64  # as the Parquet writer under deltalake's writer truncates string statistics


def file_statistics(folder: Path, configuration: Mapping[str, str | None]) -> str:
    """The Delta statistics of the one Parquet file in ``folder`` (JSON: rows, and each column's nulls,
    minimum and maximum), as deltalake's writer records them for a file it wrote.

    deltalake reads them from the file's footer when it turns a folder of Parquet files into a table; that is
    done here in ``folder``, outside the table (the only time deltalake computes statistics for a file it did not
    write: its Python API takes add actions but computes none). Its writer also truncates long
    strings to their first :data:`STATS_PREFIX_BYTES` bytes, the maximum's last character raised by one so it
    stays an upper bound (:func:`_truncated_strings`); pyarrow's footer keeps them whole.
    """
    from deltalake import convert_to_deltalake

    convert_to_deltalake(str(folder), configuration=dict(configuration))
    log = folder / "_delta_log" / f"{0:020d}.json"
    for line in log.read_text(encoding="utf-8").splitlines():
        action = json.loads(line)
        if "add" in action:
            return json.dumps(_truncated_strings(json.loads(action["add"]["stats"])))
    raise RuntimeError(f"no file statistics in {log}")


def _truncated_strings(stats: dict[str, Any]) -> dict[str, Any]:
    minimum, maximum = stats.get("minValues", {}), stats.get("maxValues", {})
    for column, value in list(minimum.items()):
        if isinstance(value, str) and len(value.encode("utf-8")) > STATS_PREFIX_BYTES:
            minimum[column] = _utf8_prefix(value)
    for column, value in list(maximum.items()):
        if isinstance(value, str) and len(value.encode("utf-8")) > STATS_PREFIX_BYTES:
            raised = _raised_last(_utf8_prefix(value))
            if raised is None:
                del maximum[column]  # no bound at all is still a true one: readers then read the file
            else:
                maximum[column] = raised
    return stats


def _utf8_prefix(value: str) -> str:
    """The longest prefix of ``value`` whose UTF-8 encoding fits in :data:`STATS_PREFIX_BYTES` bytes."""
    return value.encode("utf-8")[:STATS_PREFIX_BYTES].decode("utf-8", errors="ignore")


def _raised_last(prefix: str) -> str | None:
    """``prefix`` with its last character raised by one code point (same UTF-8 length): a string greater than
    every string that starts with ``prefix``; None when there is none such."""
    if not prefix:
        return None
    last = ord(prefix[-1]) + 1
    raised = chr(last) if last <= 0x10FFFF and not 0xD800 <= last <= 0xDFFF else None
    if raised is None or len(raised.encode("utf-8")) != len(prefix[-1].encode("utf-8")):
        return None
    return prefix[:-1] + raised


def _file_schema(schema: pa.Schema) -> pa.Schema:
    """How deltalake's writer lays out a table's columns in its Parquet files: large strings and lists, nullable."""
    return pa.schema([pa.field(field.name, _large(field.type)) for field in schema])


def _large(kind: pa.DataType) -> pa.DataType:
    if pa.types.is_string(kind):
        return pa.large_string()
    if pa.types.is_list(kind) or pa.types.is_large_list(kind):
        return pa.large_list(pa.field("element", _large(kind.value_type)))
    return kind


IDENTITIES = "entity_identities"
_IDENTITY_COLUMNS = ["entity_key", "identity_key", "identity_name", "label", "rule"]
_ENTITY_ROW_COLUMNS = ["article_id", "entity_key", "canonical_name", "label"]


def refresh_identities(
    output: Location,
    compute: Callable[[pl.LazyFrame], pl.DataFrame],
    metadata: Mapping[str, str],
    options: StorageOptions = None,
) -> CommitResult:
    """Bring the ``entity_identities`` table (created by :func:`ensure_tables`) to ``compute`` of the current
    articles' article_entities rows (article_id, entity_key, canonical_name, label), in one merge commit: changed rows updated,
    new keys inserted, keys no current article names deleted; no commit when nothing changed. A concurrent
    writer makes the commit fail; the rows are then read and computed again.

    ``compute`` is given the rows as a scan of the table, not read: it grows with the whole output, and
    ``compute`` reads it in streaming passes (:func:`flows.core.intel.identities.cross_article_identities`)."""
    uri = table_uri(output, IDENTITIES)

    def read_compute_and_merge() -> CommitResult:
        current = read_article_status(output, options=options).filter("is_current").select("article_id")
        entities = _scan_columns(output, "article_entities", _ENTITY_ROW_COLUMNS, options)
        frame = compute(entities.join(current.lazy(), on="article_id", how="semi"))
        return _merge_identities(uri, frame, metadata, _options(options))

    try:
        return retried_on_conflict(read_compute_and_merge)
    finally:
        heap.return_freed_memory()  # it reads every current article's entity rows


def _merge_identities(
    uri: str, frame: pl.DataFrame, metadata: Mapping[str, str], options: dict[str, str] | None
) -> CommitResult:
    target = DeltaTable(uri, storage_options=options)
    held = pl.from_arrow(target.to_pyarrow_dataset().to_table(columns=_IDENTITY_COLUMNS))
    assert isinstance(held, pl.DataFrame)
    changed = frame.select(_IDENTITY_COLUMNS).join(held, on=_IDENTITY_COLUMNS, how="anti", nulls_equal=True)
    gone = held.join(frame, on="entity_key", how="anti")
    if changed.is_empty() and gone.is_empty():
        return CommitResult(IDENTITIES, frame.height, 0, None)
    properties = CommitProperties(
        custom_metadata={**metadata, "newsmill_table": IDENTITIES, "rows_in_run": str(changed.height)}
    )
    differs = " OR ".join(f"target.{c} <> source.{c}" for c in _IDENTITY_COLUMNS[1:])
    metrics = (
        target.merge(
            source=frame.to_arrow().cast(delta_schema(IDENTITIES)),
            predicate="target.entity_key = source.entity_key",
            source_alias="source",
            target_alias="target",
            commit_properties=properties,
        )
        .when_matched_update_all(predicate=differs)
        .when_not_matched_insert_all()
        .when_not_matched_by_source_delete()
        .execute()
    )
    written = int(metrics.get("num_target_rows_inserted", 0)) + int(metrics.get("num_target_rows_updated", 0))
    return CommitResult(IDENTITIES, frame.height, written, DeltaTable(uri, storage_options=options).version())


def ensure_tables(output: Location, metadata: Mapping[str, str], options: StorageOptions = None) -> list[str]:
    """Create every table that does not exist yet, empty, with its schema (the tables created).

    So a reader finds every table after the first run, even one with no rows (no rejects, no quotes); the
    schema declares the model's non-null columns NOT NULL, so Delta itself refuses a null there.
    """
    created = []
    for table in TABLE_NAMES:
        if table_version(output, table, options) is not None:
            continue
        properties = CommitProperties(
            custom_metadata={**metadata, "newsmill_table": table, "rows_in_run": "0"}, max_commit_retries=0
        )
        try:
            write_deltalake(
                table_uri(output, table),
                delta_schema(table).empty_table(),
                mode="error",
                commit_properties=properties,
                storage_options=_options(options),
            )
        except DeltaError as error:  # another run created it first: just as good
            if not isinstance(error, CommitFailedError) and "already exists" not in str(error).lower():
                raise
            continue
        created.append(table)
    return created


def delta_schema(table: str) -> pa.Schema:
    """A table's Arrow schema from its model, with the model's non-null columns declared NOT NULL."""
    columns = TABLES[table].model.to_schema().columns
    schema = _model_schema(table)
    return pa.schema([field.with_nullable(columns[field.name].nullable) for field in schema])


def _reader(files: list[str]) -> pa.RecordBatchReader:
    import pyarrow.dataset as pads

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
    versions: tuple[int, ...] = ()  # the versions maintenance committed (compaction, vacuum start and end)


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
    before = target.version()
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
    maintained = _table(output, table, options)
    after = len(maintained.file_uris())
    versions = tuple(range(before + 1, maintained.version() + 1))
    return MaintenanceResult(table, len(sizes), after, compacted, len(removed), versions)


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


# --- plain-Parquet export ---------------------------------------------------------------------------------
#
# A reader of plain Parquet must never see stale files (a Delta table folder keeps the files of old versions)
# nor a half-written export. An export is therefore built in its own folder beside the destination and
# published by swapping a symbolic link: ``DIR`` -> ``.DIR.snapshots/<export id>``. The previous snapshot is
# kept (a reader that resolved the link just before the swap finishes reading it); older ones are removed.


class ExportError(RuntimeError):
    """The export cannot be written where it was asked for, or the version asked for does not exist."""


SNAPSHOTS_SUFFIX = ".snapshots"
_STALE_BUILD_SECONDS = 24 * 3600  # a build folder older than this was left by a killed export


@dataclass(frozen=True, slots=True)
class ExportResult:
    """What an export wrote: its manifest, the snapshot folder ``to`` now points at, and each table's plan."""

    manifest: Manifest
    folder: Path
    plans: dict[str, Plan]
    rows_written: int  # rows written to new files (rows of kept files are linked, not written)


def export_parquet(
    output: Location,
    to: Path,
    code_version: str,
    tables: Sequence[str] | None = None,
    version: int | None = None,
    as_of: datetime | None = None,
    partition_by: Sequence[str] = (),
    full: bool = False,
    options: StorageOptions = None,
) -> ExportResult:
    """Publish the tables as plain Parquet under ``to`` (a link swapped atomically), with a manifest.

    ``version`` is a version of the articles table: every table is exported as it was when that version was
    committed. ``as_of`` exports every table as it was at that time. Without either, the latest versions are
    exported, reusing the files of the export already at ``to`` and adding only the rows committed since
    (``full`` writes every table again).
    """
    to = Path(to)
    names = _export_table_names(tables)
    _check_partition_columns(names, partition_by)
    when = _export_time(output, version, as_of, options)
    current = _existing_export(to)
    previous = None if full or when is not None or current is None else _read_manifest(current)
    same_source = previous is not None and previous.output == _describe_output(output)
    root = to.parent / f".{to.name}{SNAPSHOTS_SUFFIX}"
    export_id = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ") + "-" + uuid.uuid4().hex[:8]
    building = root / f"{export_id}.tmp"
    building.mkdir(parents=True)
    try:
        entries, plans, written = {}, {}, 0
        for name in names:
            before = previous.tables.get(name) if previous is not None else None
            entry, plan, rows = _export_table(
                output, name, building, when, tuple(partition_by), before, current, same_source, options
            )
            entries[name], plans[name], written = entry, plan, written + rows
        entries["article_status"], rows = _export_status(output, building, when, entries, options)
        plans["article_status"], written = Plan.REBUILD, written + rows
        manifest = Manifest(
            output=_describe_output(output),
            exported_at=datetime.now(UTC).isoformat(timespec="seconds"),
            schema_version=SCHEMA_VERSION,
            code_version=code_version,
            tables=entries,
            as_of=when.isoformat() if when is not None else None,
        )
        (building / MANIFEST_NAME).write_text(manifest.to_json(), encoding="utf-8")
        final = building.with_name(export_id)
        building.rename(final)
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    _swap_link(to, final)
    _prune_snapshots(root, keep={final.name, current.name if current is not None else ""})
    return ExportResult(manifest, final, plans, written)


def check_export_target(to: Path) -> None:
    """Fail with ExportError unless ``to`` is free or holds a newsmill export (checked before a run)."""
    _existing_export(Path(to))


def read_export_manifest(to: Path) -> Manifest | None:
    """The manifest of the export at ``to``, or None when there is none."""
    current = _existing_export(Path(to))
    return _read_manifest(current) if current is not None else None


def _export_table_names(tables: Sequence[str] | None) -> list[str]:
    names = list(dict.fromkeys(tables)) if tables else list(TABLE_NAMES)
    unknown = [name for name in names if name not in TABLE_NAMES]
    if unknown:
        raise ExportError(f"unknown table {unknown[0]!r}; the tables are: {', '.join(TABLE_NAMES)}")
    return names


def _check_partition_columns(names: Sequence[str], partition_by: Sequence[str]) -> None:
    columns = {column for name in names for column in TABLES[name].model.to_schema().columns}
    missing = [column for column in partition_by if column not in columns]
    if missing:
        raise ExportError(
            f"no exported table has a column {missing[0]!r} to partition by; "
            "each table is partitioned by the --partition-by columns it has"
        )


def _export_time(
    output: Location, version: int | None, as_of: datetime | None, options: StorageOptions
) -> datetime | None:
    if version is not None and as_of is not None:
        raise ExportError("give at most one of --version N and --as-of TIME")
    if as_of is not None:
        return as_of if as_of.tzinfo is not None else as_of.replace(tzinfo=UTC)
    if version is None:
        return None
    commits = {commit["version"]: commit for commit in table_history(output, "articles", options)}
    if version not in commits:
        known = f"0 to {max(commits)}" if commits else "none yet"
        raise ExportError(f"the articles table has no version {version} (versions: {known})")
    return commit_time(commits[version]["timestamp"])


def commit_time(milliseconds: int) -> datetime:
    """A Delta commit's timestamp (milliseconds since the epoch) as an exact UTC datetime (no float rounding,
    which can land a microsecond before the commit and so select the version before it)."""
    return datetime.fromtimestamp(milliseconds // 1000, UTC) + timedelta(milliseconds=milliseconds % 1000)


def _describe_output(output: Location) -> str:
    return str(output) if is_remote(output) else str(Path(output).resolve())


def _existing_export(to: Path) -> Path | None:
    """The snapshot folder ``to`` points at; None when nothing is there; ExportError when ``to`` is not ours."""
    if "://" in str(to) or str(to).startswith("s3:"):
        raise ExportError(
            f"{str(to)!r} is not a local folder; exports are written to a local folder (--to DIR)"
        )
    if to.is_symlink():
        target = to.resolve()
        return target if (target / MANIFEST_NAME).is_file() else None
    if to.exists():
        raise ExportError(
            f"{str(to)!r} exists and is not a newsmill export (exports are published as a link to a "
            "snapshot folder); choose another --to or remove it"
        )
    return None


def _read_manifest(folder: Path) -> Manifest | None:
    try:
        return Manifest.from_json((folder / MANIFEST_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _export_table(
    output: Location,
    name: str,
    building: Path,
    when: datetime | None,
    partition_by: tuple[str, ...],
    before: TableExport | None,
    current: Path | None,
    same_source: bool,
    options: StorageOptions,
) -> tuple[TableExport, Plan, int]:
    table = _table_as_of(output, name, when, options)
    version = table.version() if table is not None else None
    schema = pa.schema(table.schema().to_arrow()) if table is not None else _model_schema(name)
    columns = tuple(column for column in partition_by if column in schema.names)
    plan = plan_table(before, version, columns, same_source)
    folder = building / name
    folder.mkdir()
    if plan is not Plan.REBUILD and before is not None and current is not None:
        try:
            return _export_on_top(table, name, building, before, current, version, columns, plan, options)
        except (OSError, _NotInsertOnlyError):
            shutil.rmtree(folder)
            folder.mkdir()
    files, rows = _write_parquet(
        table.to_pyarrow_dataset() if table is not None else schema.empty_table(),
        folder,
        part_name(0, version if version is not None else 0),
        columns,
        empty_schema=schema,
    )
    paths = tuple(f"{name}/{file}" for file in files)
    return TableExport(version, rows, paths, columns), Plan.REBUILD, rows


def _export_status(
    output: Location,
    building: Path,
    when: datetime | None,
    entries: Mapping[str, TableExport],
    options: StorageOptions,
) -> tuple[TableExport, int]:
    """Write the article_status view as of the exported versions of articles and removals (always whole:
    it changes when a later version supersedes an article, and it is narrow)."""
    versions: dict[str, int | None] = {}
    for name in ("articles", "removals"):
        if name in entries:
            versions[name] = entries[name].delta_version
        else:
            table = _table_as_of(output, name, when, options)
            versions[name] = table.version() if table is not None else None
    types = pl.Schema({name: column.dtype.type for name, column in ArticleStatus.to_schema().columns.items()})
    if versions["articles"] is None:
        status = pl.DataFrame(schema=types)
    else:
        status = read_article_status(output, versions, options)
    schema = _plain_schema(pl.DataFrame(schema=types).to_arrow().schema)
    folder = building / "article_status"
    folder.mkdir()
    files, rows = _write_parquet(
        status.to_arrow().cast(schema), folder, part_name(0, versions["articles"] or 0), (), schema
    )
    paths = tuple(f"article_status/{file}" for file in files)
    return TableExport(versions["articles"], rows, paths), rows


class _NotInsertOnlyError(RuntimeError):
    """A commit since the previous export removed rows: the table is written again."""


def _export_on_top(
    table: DeltaTable | None,
    name: str,
    building: Path,
    before: TableExport,
    current: Path,
    version: int | None,
    columns: tuple[str, ...],
    plan: Plan,
    options: StorageOptions,
) -> tuple[TableExport, Plan, int]:
    for file in before.files:
        _link_or_copy(current / file, building / file)
    if plan is Plan.KEEP or table is None or before.delta_version is None or version is None:
        return before, Plan.KEEP, 0
    added = _rows_added(table, before.delta_version, version, options)
    files, rows = _write_parquet(
        added, building / name, part_name(before.delta_version + 1, version), columns, empty_schema=None
    )
    entry = TableExport(
        version, before.rows + rows, (*before.files, *(f"{name}/{file}" for file in files)), columns
    )
    return entry, Plan.APPEND, rows


def _rows_added(table: DeltaTable, first: int, last: int, options: StorageOptions) -> pads.Dataset:
    """The rows the commits after version ``first`` up to ``last`` inserted, read from the files they added.

    Raises _NotInsertOnlyError when one of those commits removed rows or changed the schema.
    """
    import pyarrow.dataset as pads

    operations = {commit["version"]: str(commit.get("operation", "")) for commit in table.history()}
    final_schema = table.to_pyarrow_dataset().schema
    walker = DeltaTable(table.table_uri, version=first, storage_options=_options(options))
    fragments = {fragment.path: fragment for fragment in walker.to_pyarrow_dataset().get_fragments()}
    added: list[pads.Fragment] = []
    for number in range(first + 1, last + 1):
        walker.load_as_version(number)
        dataset = walker.to_pyarrow_dataset()
        now = {fragment.path: fragment for fragment in dataset.get_fragments()}
        verdict = rows_only_added(operations.get(number, ""), len(fragments.keys() - now.keys()))
        if verdict is False or not dataset.schema.equals(final_schema):
            raise _NotInsertOnlyError(f"version {number} did more than insert rows")
        if verdict:
            added += [now[path] for path in now.keys() - fragments.keys()]
        fragments = now
    template = table.to_pyarrow_dataset()
    return pads.FileSystemDataset(added, final_schema, template.format, template.filesystem)


def _write_parquet(
    data: pads.Dataset | pa.Table,
    folder: Path,
    base: str,
    partition_by: tuple[str, ...],
    empty_schema: pa.Schema | None,
) -> tuple[list[str], int]:
    """Write rows as Parquet files under ``folder`` (hive partitions by ``partition_by``); their paths and rows.

    With ``empty_schema``, a table without rows still gets one empty file, so readers of the folder see its
    columns.
    """
    import pyarrow.dataset as pads
    import pyarrow.parquet as pq

    written: list[tuple[str, int]] = []

    def visit(file: Any) -> None:
        written.append((str(Path(file.path).relative_to(folder)), file.metadata.num_rows))

    pads.write_dataset(
        data,
        folder,
        format="parquet",
        basename_template=base + "-{i}.parquet",
        partitioning=list(partition_by) or None,
        partitioning_flavor="hive" if partition_by else None,
        existing_data_behavior="overwrite_or_ignore",
        file_visitor=visit,
    )
    if not written and empty_schema is not None:
        pq.write_table(empty_schema.empty_table(), folder / f"{base}-0.parquet")
        written.append((f"{base}-0.parquet", 0))
    return sorted(path for path, _ in written), sum(rows for _, rows in written)


def _table_as_of(
    output: Location, name: str, when: datetime | None, options: StorageOptions
) -> DeltaTable | None:
    """The table as it was at ``when``: its last version committed at or before then (None: not yet created).

    Chosen from the commit timestamps the history shows, not with ``load_as_version(datetime)``, which goes
    by the log files' modification times: those can be a little later, and would then pick the version before.
    """
    try:
        table = _table(output, name, options)
    except TableNotFoundError:
        return None
    if when is None:
        return table
    limit = when.timestamp() * 1000
    versions = [commit["version"] for commit in table.history() if commit["timestamp"] <= limit]
    if not versions:
        return None
    table.load_as_version(max(versions))
    return table


def _model_schema(name: str) -> pa.Schema:
    """The Arrow schema of a table that does not exist yet, from its model (plain, not large, types)."""
    from flows.core.tables.rows import empty_frame  # pandera's polars frames: only to create a table

    return _plain_schema(empty_frame(TABLES[name].model).to_arrow().schema)


def _plain_schema(schema: pa.Schema) -> pa.Schema:
    return pa.schema([field.with_type(_plain_type(field.type)) for field in schema])


def _plain_type(kind: pa.DataType) -> pa.DataType:
    if pa.types.is_large_string(kind) or pa.types.is_string_view(kind):
        return pa.string()
    if pa.types.is_large_list(kind) or pa.types.is_list(kind):
        return pa.list_(_plain_type(kind.value_type))
    return kind


def _link_or_copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def _swap_link(to: Path, target: Path) -> None:
    """Point ``to`` at ``target`` in one step (a new link renamed over the old one)."""
    to.parent.mkdir(parents=True, exist_ok=True)
    temporary = to.with_name(f".{to.name}.link-{uuid.uuid4().hex[:8]}")
    os.symlink(os.path.relpath(target, to.parent), temporary)
    os.replace(temporary, to)


def _prune_snapshots(root: Path, keep: set[str]) -> None:
    """Remove snapshots other than the current and the previous one, and builds left by killed exports."""
    for folder in root.iterdir():
        if folder.name in keep:
            continue
        building = folder.name.endswith(".tmp")
        if building and time.time() - folder.stat().st_mtime < _STALE_BUILD_SECONDS:
            continue  # another export may still be writing it
        shutil.rmtree(folder, ignore_errors=True)
