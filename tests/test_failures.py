"""Specification of per-file failures: an exception on one file is a ``processing_error`` reject, never a
failed run; the other files of the batch go on."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest
import spacy
from spacy.language import Language

from flows.core import batch
from flows.core.batch import batch_tables
from flows.core.models import Article, EntityMention, RejectReason, Stage
from flows.core.nlp.pipeline import PARAGRAPH_BREAKS
from flows.core.page.article import to_article
from flows.core.sources import KnownSources, parse_files
from flows.core.tables.rows import RunInfo
from flows.core.tables.validation import validate_batch
from tests.conftest import cp1252_page, latin1_page, raw_document


@pytest.fixture(scope="module")
def blank_nlp() -> Language:
    nlp = spacy.blank("en")
    nlp.add_pipe(PARAGRAPH_BREAKS)
    nlp.add_pipe("sentencizer")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns([{"label": "PERSON", "pattern": "Alvarez"}])  # type: ignore[attr-defined]
    return nlp


def _articles() -> list[Article]:
    pages = [raw_document(cp1252_page(), "good.txt"), raw_document(latin1_page(), "bad.txt")]
    articles = [to_article(page) for page in pages]
    assert all(isinstance(article, Article) for article in articles)
    return articles  # type: ignore[return-value]


def test_failures_an_extractor_failing_on_one_article_rejects_only_that_article(
    blank_nlp: Language, run_info: RunInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    good, bad = _articles()
    real = batch.analyse

    def fails_on_bad(
        articles: Sequence[Article], mentions: Sequence[EntityMention], skipped: object, sentences: object
    ) -> object:
        if any(article.source_path == "bad.txt" for article in articles):
            raise ValueError("an extractor broke\non two lines")
        return real(articles, mentions, skipped, sentences)  # type: ignore[arg-type]

    monkeypatch.setattr(batch, "analyse", fails_on_bad)
    tables = validate_batch(batch_tables(blank_nlp, [good, bad], [], run_info, 64), run_info)

    assert tables.articles["source_path"].to_list() == ["good.txt"]
    assert tables.details["entities"]["text"].to_list() == ["Alvarez"]
    reject = tables.rejects.row(0, named=True)
    assert (reject["source_path"], reject["stage"], reject["reason"]) == (
        "bad.txt",
        "analyse",
        "processing_error",
    )
    assert reject["article_id"] == bad.article_id
    assert "ValueError: an extractor broke on two lines" in reject["detail"]


def test_failures_spacy_failing_on_one_article_rejects_it_at_the_tag_stage(
    blank_nlp: Language, run_info: RunInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    good, bad = _articles()
    real = batch.extract_entities

    def fails_on_bad(nlp: Language, articles: Sequence[Article], batch_size: int = 64) -> object:
        if any(article.source_path == "bad.txt" for article in articles):
            raise ValueError("[E088] Text of length 1352145 exceeds maximum of 1000000")
        return real(nlp, articles, batch_size)

    monkeypatch.setattr(batch, "extract_entities", fails_on_bad)
    tables = validate_batch(batch_tables(blank_nlp, [good, bad], [], run_info, 64), run_info)

    assert tables.articles["source_path"].to_list() == ["good.txt"]
    assert tables.rejects.select("source_path", "stage", "reason").rows() == [
        ("bad.txt", Stage.TAG.value, RejectReason.PROCESSING_ERROR.value)
    ]
    assert "E088" in tables.rejects["detail"][0]


def test_failures_a_parser_exception_on_one_file_is_a_reject_and_the_rest_go_on(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from flows.core import sources

    real = sources.parse_file

    def fails_on_bad(raw: object) -> object:
        if getattr(getattr(raw, "source", None), "path", "") == "bad.txt":
            raise RecursionError("maximum recursion depth exceeded")
        return real(raw)  # type: ignore[arg-type]

    monkeypatch.setattr(sources, "parse_file", fails_on_bad)
    read = [raw_document(cp1252_page(), "good.txt"), raw_document(latin1_page(), "bad.txt")]
    articles, rejects = parse_files(read, KnownSources())

    assert [article.source_path for article in articles] == ["good.txt"]
    assert [(r.source_path, r.stage, r.reason) for r in rejects] == [
        ("bad.txt", Stage.PARSE, RejectReason.PROCESSING_ERROR)
    ]
    assert "RecursionError: maximum recursion depth exceeded" in rejects[0].detail


def test_failures_files_modified_after_the_settle_time_wait_for_a_later_run() -> None:
    from flows.core.models import Skipped, SkipReason, SourceFile
    from flows.core.sources import list_new_files

    entries = [
        SourceFile("old.txt", 10, 1_000),
        SourceFile("fresh.txt", 10, 5_000),
        Skipped(".swap", SkipReason.HIDDEN),
    ]
    listing = list_new_files(entries, KnownSources(), settled_before_ns=2_000)

    assert [source.path for source in listing.new] == ["old.txt"]
    assert listing.seen == 1
    assert listing.skipped == {"not_settled": 1, "hidden": 1}


@pytest.mark.parametrize(
    ("error", "start"),
    [
        (OSError(28, "No space left on device"), "the disk holding the output is full"),
        (
            __import__("deltalake").exceptions.DeltaError(
                "Failed to parse parquet: External: No space left on device (os error 28)"
            ),
            "the disk holding the output is full",
        ),
        (
            __import__("polars").exceptions.ComputeError(
                "parquet: File out of specification: underlying IO error: No space left on device (os error 28)"
            ),
            "the disk holding the output is full",
        ),
        (OSError(30, "Read-only file system"), "the output is on a read-only file system"),
        (PermissionError(13, "Permission denied"), "newsmill may not write to the output"),
        (
            __import__("deltalake").exceptions.DeltaError("Invalid JSON in log record, version=1"),
            "a table in the output is damaged",
        ),
    ],
)
def test_failures_storage_problems_are_one_line_saying_what_to_do(error: Exception, start: str) -> None:
    from flows import storage

    described = storage.describe_storage_problem(error)
    assert described is not None
    assert described.startswith(start)
    assert "\n" not in described
    assert storage.describe_storage_problem(ValueError("a bug")) is None


def test_failures_a_storage_problem_behind_another_error_is_found() -> None:
    from flows import storage

    try:
        try:
            raise OSError(28, "No space left on device")
        except OSError as error:
            raise RuntimeError("staging batch 3 failed") from error
    except RuntimeError as wrapped:
        described = storage.describe_storage_problem(wrapped)
    assert described is not None
    assert described.startswith("the disk holding the output is full")
    assert storage.describe_storage_problem(ValueError("failed to parse the date")) is None


def test_failures_cli_history_of_a_damaged_table_is_one_line_and_exit_2(tmp_path: Path) -> None:
    import polars as pl
    from click.testing import CliRunner
    from deltalake import write_deltalake

    from flows.cli import main

    write_deltalake(str(tmp_path / "rejects"), pl.DataFrame({"a": [1]}).to_arrow())
    write_deltalake(str(tmp_path / "rejects"), pl.DataFrame({"a": [2]}).to_arrow(), mode="append")
    (tmp_path / "rejects" / "_delta_log" / "00000000000000000001.json").write_bytes(b"")  # truncated
    result = CliRunner().invoke(main, ["history", "--output", str(tmp_path)])

    assert result.exit_code == 2
    assert result.output.startswith("newsmill: error: table 'rejects' is damaged: its log entry")
    assert "(it is empty)" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_failures_rust_panic_messages_are_kept_off_the_terminal() -> None:
    from flows.panics import PanicFilter

    shown: list[bytes] = []
    lines = PanicFilter(shown.append)
    for line in [
        b"batch 2/2: 70 files, 70 articles\n",
        b"\n",
        b"thread 'tokio-rt-worker' (24292) panicked at /src/buffered.rs:369:41:\n",
        b"Already shut down\n",
        b"note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace\n",
        b"\n",
        b"thread 'tokio-rt-worker' panicked at /src/buffered.rs:369:41:\n",
        b"Already shut down\n",
        b"newsmill: error: the disk holding the output is full\n",
        b"\n",
    ]:
        lines.feed(line)
    lines.close()

    assert shown == [
        b"batch 2/2: 70 files, 70 articles\n",
        b"newsmill: error: the disk holding the output is full\n",
        b"\n",
    ]


def test_failures_copies_committed_by_another_run_are_duplicate_rejects() -> None:
    from flows.core.sources import lost_copies

    sha = "ab" * 32
    staged = [
        (sha[:32], "/a", "b.txt", sha, 10, 5),  # the table holds this content under a.txt of this folder
        ("cd" * 16, "/a", "c.txt", "cd" * 32, 10, 5),  # new
        ("ef" * 16, "/a", "same.txt", "ef" * 32, 10, 5),  # held under its own path: another run of the file
        ("12" * 16, "/a", "old.txt", "12" * 32, 10, 5),  # held by a row from before raw folders were recorded
        ("34" * 16, "/a", "both.txt", "34" * 32, 10, 5),  # held under the same path of another raw folder
    ]
    held = {
        sha[:32]: ("/a", "a.txt"),
        "ef" * 16: ("/a", "same.txt"),
        "12" * 16: (None, "old.txt"),
        "34" * 16: ("/b", "both.txt"),
    }

    rejects = lost_copies(staged, held)

    assert [(r.source_path, r.reason, r.article_id) for r in rejects] == [
        ("b.txt", RejectReason.DUPLICATE_CONTENT, sha[:32]),
        ("both.txt", RejectReason.DUPLICATE_CONTENT, "34" * 16),
    ]
    assert "same bytes as 'a.txt'" in rejects[0].detail
    assert "same bytes as '/b/both.txt'" in rejects[1].detail
