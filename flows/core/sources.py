"""Which raw files a run must read and ingest, given what earlier runs recorded."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from flows.core.models import Article, RawDocument, Reject, SourceFile
from flows.core.page.article import reject_duplicate, to_article
from flows.core.stories import StoryIndex


@dataclass(slots=True)
class KnownSources:
    """The raw files already recorded (by earlier runs and by this one), by path and by content."""

    by_path: dict[str, set[tuple[str | None, int, int]]] = field(default_factory=dict)
    path_by_sha: dict[str, str] = field(default_factory=dict)
    # per path recorded as an article: its latest article id, and whether its file was found missing
    latest: dict[str, tuple[str, bool]] = field(default_factory=dict)
    stories: StoryIndex = field(default_factory=StoryIndex)  # bodies and story keys of the articles

    def add(self, path: str, sha256: str | None, size: int, mtime_ns: int, *, is_article: bool) -> None:
        """Record one file version; an article also registers its content, to catch copies of it."""
        self.by_path.setdefault(path, set()).add((sha256, size, mtime_ns))
        if is_article and sha256 is not None:
            self.path_by_sha.setdefault(sha256, path)

    def unchanged(self, source: SourceFile) -> bool:
        """True when this path was recorded with the same size and modification time: no need to read it."""
        versions = self.by_path.get(source.path, ())
        return any(size == source.size_bytes and mtime == source.mtime_ns for _, size, mtime in versions)

    def has_version(self, path: str, sha256: str) -> bool:
        """True when this path was recorded with this content."""
        return any(sha == sha256 for sha, _, _ in self.by_path.get(path, ()))

    def __len__(self) -> int:
        return sum(len(versions) for versions in self.by_path.values())


def triage(raw: RawDocument, known: KnownSources) -> RawDocument | Reject | None:
    """What to do with a file just read: ingest it, reject it as a copy, or skip it (None) as recorded."""
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
    """
    articles: list[Article] = []
    rejects: list[Reject] = []
    for item in read:
        decided = triage(item, known) if isinstance(item, RawDocument) else item
        outcome = to_article(decided) if isinstance(decided, RawDocument) else decided
        if isinstance(outcome, Article):
            known.add(
                outcome.source_path,
                outcome.source_sha256,
                outcome.source_size_bytes,
                outcome.source_mtime_ns,
                is_article=True,
            )
            articles.append(outcome)
        elif isinstance(outcome, Reject):
            rejects.append(outcome)
    return articles, rejects
