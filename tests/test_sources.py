"""Which raw files a run ingests: reruns add nothing, changed files come in again, copies are rejects."""

from __future__ import annotations

import polars as pl
import pytest

from flows.core.ids import article_id_for
from flows.core.models import Article, Reject, RejectReason, SourceFile, Stage
from flows.core.revisions import LATEST_SCHEMA
from flows.core.sources import KnownSources, parse_files, triage
from tests.conftest import SAMPLE, raw_document

PAGE = SAMPLE.read_bytes()
EDITED = PAGE.replace(b"Baghdad", b"Basra", 1)


def test_sources_unchanged_needs_the_same_size_and_mtime() -> None:
    known = KnownSources()
    known.add("a.txt", "f" * 64, 10, 100, is_article=True)
    assert known.unchanged(SourceFile("a.txt", 10, 100))
    assert not known.unchanged(SourceFile("a.txt", 10, 101))  # touched: read it again
    assert not known.unchanged(SourceFile("a.txt", 11, 100))
    assert not known.unchanged(SourceFile("b.txt", 10, 100))


def test_sources_has_version_is_by_path_and_content() -> None:
    known = KnownSources()
    known.add("a.txt", "f" * 64, 10, 100, is_article=True)
    assert known.has_version("a.txt", "f" * 64)
    assert not known.has_version("a.txt", "e" * 64)
    assert not known.has_version("b.txt", "f" * 64)
    assert len(known) == 1


def test_sources_a_path_keeps_each_of_its_versions_once() -> None:
    known = KnownSources()
    for size, mtime in ((10, 100), (12, 200), (10, 100)):  # the first version recorded again
        known.add("a.txt", f"{size:064x}", size, mtime, is_article=True)
    assert len(known) == 2
    assert known.unchanged(SourceFile("a.txt", 10, 100))
    assert known.unchanged(SourceFile("a.txt", 12, 200))
    assert known.has_version("a.txt", f"{12:064x}")


def test_sources_latest_articles_are_those_of_the_paths_asked_for() -> None:
    known = KnownSources(
        latest=pl.DataFrame(
            [("a.txt", "a2", False), ("b.txt", "b1", True), ("c.txt", "c1", False)],
            schema=LATEST_SCHEMA,
            orient="row",
        )
    )
    assert sorted(known.latest_articles(["c.txt", "new.txt", "a.txt"])) == ["a2", "c1"]
    assert known.latest_articles([]) == []
    assert KnownSources().latest_articles(["a.txt"]) == []


def test_sources_only_articles_register_their_content_for_copies() -> None:
    known = KnownSources()
    known.add("empty.txt", "e" * 64, 0, 1, is_article=False)
    known.add("a.txt", "f" * 64, 10, 1, is_article=True)
    assert known.path_by_sha == {"f" * 64: "a.txt"}


def test_sources_triage_skips_a_recorded_file_and_rejects_a_copy() -> None:
    known = KnownSources()
    raw = raw_document(PAGE, "a.txt")
    assert triage(raw, known) is raw  # new: ingest it
    known.add("a.txt", raw.sha256, len(PAGE), 0, is_article=True)
    assert triage(raw_document(PAGE, "a.txt", mtime_ns=5), known) is None  # same path and bytes: skip
    copy = triage(raw_document(PAGE, "copy.txt"), known)
    assert isinstance(copy, Reject)
    assert (copy.stage, copy.reason, copy.article_id) == (
        Stage.READ,
        RejectReason.DUPLICATE_CONTENT,
        article_id_for(raw.sha256),
    )
    assert "'a.txt'" in copy.detail


def test_sources_parse_files_rerun_adds_nothing() -> None:
    known = KnownSources()
    read = [raw_document(PAGE, "a.txt")]
    articles, rejects = parse_files(read, known)
    assert ([a.source_path for a in articles], rejects) == (["a.txt"], [])
    assert parse_files(read, known) == ([], [])


def test_sources_parse_files_changed_file_is_a_new_article_of_the_same_path() -> None:
    known = KnownSources()
    first, _ = parse_files([raw_document(PAGE, "a.txt")], known)
    again, rejects = parse_files([raw_document(EDITED, "a.txt", mtime_ns=2)], known)
    assert rejects == []
    assert [a.source_path for a in again] == ["a.txt"]
    assert again[0].article_id != first[0].article_id


def test_sources_parse_files_a_copy_in_the_same_batch_is_a_duplicate() -> None:
    articles, rejects = parse_files(
        [raw_document(PAGE, "a.txt"), raw_document(PAGE, "b.txt")], KnownSources()
    )
    assert [a.source_path for a in articles] == ["a.txt"]
    assert [(r.source_path, r.reason) for r in rejects] == [("b.txt", RejectReason.DUPLICATE_CONTENT)]


def test_sources_parse_files_a_copy_of_a_file_that_failed_is_not_its_duplicate(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Pages are parsed, then languages detected, for the whole batch; a file still becomes a duplicate only of
    a copy before it that became an article."""
    from flows.core.page import article

    def fails(parsed: object) -> object:
        raise ValueError("no language")

    monkeypatch.setattr(article, "with_language", fails)
    articles, rejects = parse_files(
        [raw_document(PAGE, "a.txt"), raw_document(PAGE, "b.txt")], KnownSources()
    )
    assert articles == []
    assert [(r.source_path, r.stage, r.reason) for r in rejects] == [
        ("a.txt", Stage.PARSE, RejectReason.PROCESSING_ERROR),
        ("b.txt", Stage.PARSE, RejectReason.PROCESSING_ERROR),
    ]
    assert "ValueError: no language" in rejects[0].detail


def test_sources_parse_files_keeps_read_rejects_and_order() -> None:
    unreadable = Reject("gone.txt", None, 0, 0, Stage.READ, RejectReason.UNREADABLE, "permission denied")
    articles, rejects = parse_files(
        [raw_document(b"", "empty.txt"), unreadable, raw_document(PAGE, "a.txt")], KnownSources()
    )
    assert [a.source_path for a in articles] == ["a.txt"]
    assert all(isinstance(a, Article) for a in articles)
    assert [(r.source_path, r.reason) for r in rejects] == [
        ("empty.txt", RejectReason.EMPTY_FILE),
        ("gone.txt", RejectReason.UNREADABLE),
    ]
