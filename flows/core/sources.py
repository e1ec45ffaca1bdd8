"""Which raw files a run must read and ingest, given what earlier runs recorded."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar

import polars as pl

from flows.core.models import (
    Article,
    RawDocument,
    Reject,
    RejectReason,
    Skipped,
    SkipReason,
    SourceFile,
    Stage,
)
from flows.core.revisions import LATEST_SCHEMA
from flows.core.stories import StoryIndex

if TYPE_CHECKING:
    from flows.core.page.article import ParsedFile

S = TypeVar("S")
R = TypeVar("R")

# Rejects whose cause can go away without the file changing: retried when it did (see retry_reject).
RETRIED_ON_NEW_PIPELINE = frozenset(
    {RejectReason.PROCESSING_ERROR.value, RejectReason.SCHEMA_VIOLATION.value}
)


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """What a run knows that can make an earlier reject worth another try."""

    max_bytes: int  # the size limit of this run
    pipeline_version: str  # this run's code
    reasons: frozenset[str] = frozenset()  # reasons retried on request (--retry-rejects); "all": every reason


def retry_reject(reason: str, size_bytes: int, pipeline_version: str, policy: RetryPolicy) -> bool:
    """True when a file whose latest record is this reject should be read again although it did not change.

    ``too_large``: the limit now admits it. ``processing_error`` and ``schema_violation``: newsmill's code
    changed. ``unreadable``: always (permissions can be fixed without touching the file). Any reason asked
    for with ``--retry-rejects``.
    """
    if "all" in policy.reasons or reason in policy.reasons:
        return True
    if reason == RejectReason.TOO_LARGE.value:
        return size_bytes <= policy.max_bytes
    if reason in RETRIED_ON_NEW_PIPELINE:
        return pipeline_version != policy.pipeline_version
    return reason == RejectReason.UNREADABLE.value


@dataclass(slots=True)
class KnownSources:
    """The raw files of one raw folder already recorded (by earlier runs and by this one), by path, and the
    content of every article (of any raw folder), to catch copies.

    ``retry`` holds the paths whose latest record is a reject worth another try (:func:`retry_reject`):
    they are read again even when unchanged. A run holds all of this for every file the output records, so
    the versions of a path are a tuple (a path seldom has more than one; a set of one took 216 bytes) and
    each path's latest article is a frame (:func:`~flows.core.revisions.latest_versions`).
    """

    by_path: dict[str, tuple[tuple[str | None, int, int], ...]] = field(default_factory=dict)
    path_by_sha: dict[str, str] = field(default_factory=dict)
    retry: set[str] = field(default_factory=set)
    # per path recorded as an article: its latest article id, and whether its file was found missing
    latest: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=LATEST_SCHEMA))
    stories: StoryIndex = field(default_factory=StoryIndex)  # bodies and story keys of the articles

    def add(self, path: str, sha256: str | None, size: int, mtime_ns: int, *, is_article: bool) -> None:
        """Record one file version of this run's raw folder; an article also registers its content, to catch
        copies of it."""
        versions = self.by_path.get(path, ())
        if (sha256, size, mtime_ns) not in versions:
            self.by_path[path] = (*versions, (sha256, size, mtime_ns))
        if is_article and sha256 is not None:
            self.path_by_sha.setdefault(sha256, path)

    def add_elsewhere(self, raw_source: str, path: str, sha256: str) -> None:
        """Register the content of an article taken from another raw folder: a copy of it here is a duplicate
        (the file itself is not this folder's: it is never unchanged, nor removed, here)."""
        self.path_by_sha.setdefault(sha256, elsewhere(raw_source, path))

    def latest_articles(self, paths: Iterable[str]) -> list[str]:
        """The latest article ids recorded for those of ``paths`` that have one."""
        wanted = pl.Series(list(paths), dtype=pl.Utf8)
        return self.latest.filter(pl.col("source_path").is_in(wanted.implode()))["article_id"].to_list()

    def unchanged(self, source: SourceFile) -> bool:
        """True when this path was recorded with the same size and modification time: no need to read it."""
        if source.path in self.retry:
            return False
        versions = self.by_path.get(source.path, ())
        return any(size == source.size_bytes and mtime == source.mtime_ns for _, size, mtime in versions)

    def has_version(self, path: str, sha256: str) -> bool:
        """True when this path was recorded with this content (and is not to be retried)."""
        return path not in self.retry and any(sha == sha256 for sha, _, _ in self.by_path.get(path, ()))

    def __len__(self) -> int:
        return sum(len(versions) for versions in self.by_path.values())


@dataclass(frozen=True, slots=True)
class Listing:
    """What a walk of the raw folder found: the files to read, how many files were seen, what was skipped."""

    new: list[SourceFile]
    seen: int
    skipped: Counter[str]  # reason -> entries


def list_new_files(
    entries: Iterable[SourceFile | Skipped], known: KnownSources, settled_before_ns: int | None = None
) -> Listing:
    """The files of a walk not yet recorded with the same size and time; skipped entries counted by reason.

    A file modified after ``settled_before_ns`` may still be being written: it is left for a later run
    (counted as ``not_settled``), so a page caught mid-write never becomes a truncated article.
    """
    new: list[SourceFile] = []
    seen = 0
    skipped: Counter[str] = Counter()
    for entry in entries:
        if (
            isinstance(entry, SourceFile)
            and settled_before_ns is not None
            and entry.mtime_ns > settled_before_ns
        ):
            entry = Skipped(entry.path, SkipReason.NOT_SETTLED)
        if isinstance(entry, Skipped):
            skipped[entry.reason.value] += 1
            continue
        seen += 1
        if not known.unchanged(entry):
            new.append(entry)
    return Listing(new, seen, skipped)


def triage(raw: RawDocument, known: KnownSources) -> RawDocument | Reject | None:
    """What to do with a file just read: ingest it, reject it as a copy, or skip it (None) as recorded."""
    from flows.core.page.article import reject_duplicate  # the page parser: not needed to list files

    if known.has_version(raw.source.path, raw.sha256):
        return None
    original = known.path_by_sha.get(raw.sha256)
    if original is not None and original != raw.source.path:
        return reject_duplicate(raw, original)
    return raw


def parse_files(
    read: Sequence[RawDocument | Reject], known: KnownSources
) -> tuple[list[Article], list[Reject]]:
    """Turn a batch of files just read into articles and rejects; files already recorded are left out.

    Each new article is added to ``known`` at once, so a later copy of it in the same run is a duplicate.
    Each file is triaged against what earlier runs and batches recorded, the files left are parsed all together
    (:func:`extract_articles`), then each of those is triaged again in turn, against the articles found before
    it in this batch. Triage only finds more copies as a batch goes on, so this decides as one pass did; a copy
    of an earlier file of the batch is parsed for nothing.
    """
    first = [triage(item, known) if isinstance(item, RawDocument) else item for item in read]
    parsed = iter(extract_articles([item for item in first if isinstance(item, RawDocument)]))
    articles: list[Article] = []
    rejects: list[Reject] = []
    for decided in first:
        outcome: Article | Reject | None
        if isinstance(decided, RawDocument):  # parsed above: kept unless an earlier file here is its original
            extracted = next(parsed)
            again = triage(decided, known)
            outcome = extracted if isinstance(again, RawDocument) else again
        else:
            outcome = decided
        if isinstance(outcome, Article):
            known.add(
                outcome.source_path,
                outcome.source_sha256,
                outcome.source_size_bytes,
                outcome.source_mtime_ns,
                is_article=True,
            )
            known.retry.discard(outcome.source_path)
            articles.append(outcome)
        elif isinstance(outcome, Reject):
            rejects.append(outcome)
    return articles, rejects


def extract_articles(raws: Sequence[RawDocument]) -> list[Article | Reject]:
    """:func:`flows.core.page.article.to_article` for each file, in order, with any exception it raises on a
    file turned into that file's ``processing_error`` reject.

    In two passes: every page parsed, then every body's language detected. Done file by file, the two took about
    0.08 ms more per article, an eighth more (most likely the processor's caches; docs/performance.md).
    """
    from flows.core.page.article import ParsedFile, with_language

    parsed = [_or_reject(raw, parse_file, raw) for raw in raws]
    return [
        _or_reject(raw, with_language, page) if isinstance(page, ParsedFile) else page
        for raw, page in zip(raws, parsed, strict=True)
    ]


def _or_reject(raw: RawDocument, step: Callable[[S], R], value: S) -> R | Reject:
    """``step(value)``, or the ``processing_error`` reject of ``raw`` when it raises: one file's failure must
    not stop the run."""
    try:
        return step(value)
    except Exception as error:
        from flows.core.page.article import reject_processing_error

        return reject_processing_error(raw.source, raw.sha256, Stage.PARSE, error)


def parse_file(raw: RawDocument) -> ParsedFile | Reject:
    """The page parser's :func:`flows.core.page.article.parse_file`, imported on first use: listing the raw
    folder (all a run with nothing new does) needs no parser."""
    from flows.core.page.article import parse_file as parse

    return parse(raw)


def lost_copies(
    staged: Iterable[tuple[str, str, str, str, int, int]], held: Mapping[str, tuple[str | None, str]]
) -> list[Reject]:
    """The staged articles a table holds under another file: ``duplicate_content`` rejects.

    Two runs (on different raw folders) that each found the same bytes in a file of their own both make the
    article with that content's id; the table keeps the one committed first, and the other file would be in
    neither table. ``staged`` holds each staged article's id, raw folder, path, SHA-256, size and modification
    time; ``held`` maps the article ids the table holds to their raw folder (None on older rows) and path.
    """
    from flows.core.page.article import reject_copy

    rejects = []
    for article_id, raw_source, path, sha256, size, mtime in staged:
        if article_id not in held:
            continue
        held_source, held_path = held[article_id]
        if held_path == path and held_source in (None, raw_source):
            continue  # the same file: this run's article, or an earlier run's
        original = held_path if held_source in (None, raw_source) else elsewhere(held_source, held_path)
        rejects.append(reject_copy(SourceFile(path, size, mtime), sha256, original))
    return rejects


def elsewhere(raw_source: str, path: str) -> str:
    """How a reject names a file of another raw folder: the folder's name (by default its absolute path) and
    the file's path in it."""
    return f"{raw_source.rstrip('/')}/{path}"
