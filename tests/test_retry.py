"""Specification of retries: a reject comes back when its cause goes; transient read errors are retried."""

from __future__ import annotations

import errno
from datetime import UTC, datetime, timedelta
from pathlib import Path

import polars as pl
import pytest

from flows import storage
from flows.config import Settings, SettingsError
from flows.core.models import Reject, RejectReason, SourceFile, Stage
from flows.core.sources import RetryPolicy, retry_reject
from flows.core.tables.rows import RunInfo, reject_id

POLICY = RetryPolicy(max_bytes=10_000, pipeline_version="0.2.0")


@pytest.mark.parametrize(
    ("reason", "size", "version", "policy", "retried"),
    [
        ("too_large", 20_000, "0.1.0", POLICY, False),  # still over the limit
        ("too_large", 8_000, "0.1.0", POLICY, True),  # the limit was raised past it
        ("processing_error", 100, "0.2.0", POLICY, False),  # same code: it would fail again
        ("processing_error", 100, "0.1.0", POLICY, True),  # new code
        ("schema_violation", 100, "0.1.0", POLICY, True),
        ("unreadable", 100, "0.2.0", POLICY, True),  # permissions change without the file changing
        ("no_article_text", 100, "0.1.0", POLICY, False),  # a fact about the file
        ("no_article_text", 100, "0.2.0", RetryPolicy(10_000, "0.2.0", frozenset({"no_article_text"})), True),
        ("duplicate_content", 100, "0.2.0", RetryPolicy(10_000, "0.2.0", frozenset({"all"})), True),
    ],
)
def test_retry_rules(reason: str, size: int, version: str, policy: RetryPolicy, retried: bool) -> None:
    assert retry_reject(reason, size, version, policy) is retried


def _rejects(rows: list[tuple[str, str, int, int]], run_info: RunInfo) -> pl.DataFrame:
    from flows.core.tables.rows import rejects_frame

    base = run_info.ingested_at
    frames = []
    for path, reason, size, hours in rows:
        reject = Reject(path, None, size, hours, Stage.READ, RejectReason(reason), "a detail long enough")
        frames.append(
            rejects_frame([reject], run_info).with_columns(ingested_at=pl.lit(base + timedelta(hours=hours)))
        )
    return pl.concat(frames)


def test_retry_known_sources_mark_paths_whose_latest_record_is_a_reject_worth_retrying(
    tmp_path: Path, run_info: RunInfo
) -> None:
    from deltalake import write_deltalake

    rejects = _rejects(
        [
            ("big.txt", "too_large", 8_000, 1),
            ("bin.txt", "binary_content", 10, 1),
            ("gone.txt", "unreadable", 5, 1),
        ],
        run_info,
    )
    write_deltalake(str(tmp_path / "rejects"), rejects.to_arrow())
    known = storage.load_known_sources(tmp_path, None, POLICY)

    assert known.retry == {"big.txt", "gone.txt"}
    assert not known.unchanged(SourceFile("big.txt", 8_000, 1))
    assert known.unchanged(SourceFile("bin.txt", 10, 1))


def test_retry_current_rejects_leave_out_files_that_became_articles(
    tmp_path: Path, run_info: RunInfo
) -> None:
    from deltalake import write_deltalake

    rejects = _rejects([("a.txt", "too_large", 8_000, 1), ("b.txt", "too_large", 8_000, 1)], run_info)
    write_deltalake(str(tmp_path / "rejects"), rejects.to_arrow())
    articles = pl.DataFrame(
        {"source_path": ["a.txt"], "ingested_at": [datetime(2026, 11, 29, 15, 0, tzinfo=UTC)]}
    )
    write_deltalake(str(tmp_path / "articles"), articles.to_arrow())

    assert storage.current_rejects(tmp_path)["source_path"].to_list() == ["b.txt"]


def test_retry_a_processing_error_under_new_code_is_a_new_row() -> None:
    reject = Reject(
        "a.txt", "0" * 64, 1, 1, Stage.TAG, RejectReason.PROCESSING_ERROR, "newsmill failed on it"
    )
    assert reject_id(reject, "0.1.0") != reject_id(reject, "0.2.0")
    too_large = Reject("a.txt", None, 1, 1, Stage.READ, RejectReason.TOO_LARGE, "over the limit")
    assert reject_id(too_large, "0.1.0") == reject_id(too_large, "0.2.0")


def test_retry_a_transient_read_error_raises_and_a_definite_one_is_a_reject(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a.txt").write_text("some text")
    source = next(storage.iter_raw_files(tmp_path, ()))

    def failing_read(*args: object) -> None:
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(storage, "_read", failing_read)
    with pytest.raises(storage.TransientReadError, match=r"a\.txt"):
        storage.read_raw(tmp_path, source, 1000, transient_is_reject=False)
    last_try = storage.read_raw(tmp_path, source, 1000, transient_is_reject=True)
    assert isinstance(last_try, Reject)
    assert last_try.reason is RejectReason.UNREADABLE

    monkeypatch.undo()
    (tmp_path / "a.txt").unlink()
    gone = storage.read_raw(tmp_path, source, 1000, transient_is_reject=False)
    assert isinstance(gone, Reject)
    assert gone.reason is RejectReason.UNREADABLE


def test_retry_rejects_setting_takes_known_reasons_only() -> None:
    settings = Settings().with_options(retry_rejects=("too_large,unreadable", "all"))
    assert settings.retry_rejects == ("too_large", "unreadable", "all")
    with pytest.raises(SettingsError, match="unknown reject reason 'tooo_large'"):
        Settings().with_options(retry_rejects=("tooo_large",))
    assert Settings.from_env({"NEWSMILL_RETRY_REJECTS": "no_text"}).retry_rejects == ("no_text",)
