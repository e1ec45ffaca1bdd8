"""spaCy on every core: the process pool gives the same rows as one process, and a rerun reads nothing."""

from __future__ import annotations

import builtins
import io
import os
import signal
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from flows import parallel, storage
from flows.config import DEFAULT_MODEL, Settings
from flows.core.batch import batch_tables
from flows.core.intel import places
from flows.core.models import Article
from flows.core.nlp.pipeline import load_pipeline
from flows.core.page.article import to_article
from flows.core.tables.rows import RunInfo
from tests.conftest import cp1252_page, latin1_page, raw_document


def _articles(sample_bytes: bytes) -> list[Article]:
    pages = {"sample.txt": sample_bytes, "cp1252.txt": cp1252_page(), "latin1.txt": latin1_page()}
    articles = [to_article(raw_document(data, name)) for name, data in pages.items()]
    assert all(isinstance(article, Article) for article in articles)
    return articles  # type: ignore[return-value]


def _gazetteer_is_built() -> bool:
    return places.gazetteer.cache_info().currsize == 1


@pytest.mark.e2e
def test_parallel_pool_rows_equal_one_process_rows(
    sample_bytes: bytes, run_info: RunInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    articles = _articles(sample_bytes)
    monkeypatch.setattr(parallel, "ARTICLES_PER_CHUNK", 1)  # one chunk per article: spread over both workers
    parallel.start_workers(DEFAULT_MODEL, 2)  # returns once both workers have loaded the model
    assert len(parallel.nlp_pool(DEFAULT_MODEL, 2)._processes) == 2
    answers = [parallel.nlp_pool(DEFAULT_MODEL, 2).submit(_gazetteer_is_built) for _ in range(8)]
    assert all(answer.result() for answer in answers)  # built by each worker before its first chunk
    pooled = parallel.tables_in_pool(DEFAULT_MODEL, 2, articles, [], run_info, 64)
    alone = batch_tables(load_pipeline(DEFAULT_MODEL), articles, [], run_info, 64)
    assert pooled.frames().keys() == alone.frames().keys()
    for name, frame in alone.frames().items():
        assert pooled.frames()[name].equals(frame), name
    assert alone.details["entities"].height > 20
    pool = parallel.nlp_pool(DEFAULT_MODEL, 2)
    assert pool._mp_context.get_start_method() == "spawn"  # never fork after deltalake was used
    parallel.close_pools()


def test_parallel_small_runs_stay_in_process_and_large_ones_use_every_core() -> None:
    settings = Settings(nlp_processes=4, pool_min_files=200)
    assert settings.processes_for(10) == 1
    assert settings.processes_for(200) == 4
    assert Settings(nlp_processes=1).processes_for(10_000) == 1
    assert Settings(nlp_processes=4, dask_workers=2).processes_for(10_000) == 1
    assert Settings.from_env({}).nlp_processes == (os.cpu_count() or 1)
    assert Settings.from_env({"NEWSMILL_PROCESSES": "3"}).nlp_processes == 3


@pytest.mark.e2e
def test_parallel_rerun_with_nothing_new_reads_no_raw_file(
    prefect_api: str, raw_folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from flows.ingest import ingest

    output = tmp_path / "output"
    ingest(raw_dir=str(raw_folder), output_dir=str(output), max_file_mb=1.0)
    opened: list[str] = []
    real_open, real_io_open = builtins.open, io.open

    def watch(opener: Any) -> Any:
        def opening(file: Any, *args: Any, **kwargs: Any) -> Any:
            if isinstance(file, str | os.PathLike) and str(raw_folder) in str(file):
                opened.append(str(file))
            return opener(file, *args, **kwargs)

        return opening

    monkeypatch.setattr(builtins, "open", watch(real_open))
    monkeypatch.setattr(io, "open", watch(real_io_open))
    monkeypatch.setattr(storage, "read_raw", lambda *args: pytest.fail(f"read_raw{args}"))
    again = ingest(raw_dir=str(raw_folder), output_dir=str(output), max_file_mb=1.0)
    assert again.files_seen == again.files_unchanged == 9
    assert opened == []
    assert pl.Series(storage.TABLE_NAMES).len() == len(again.versions)


@pytest.mark.e2e
def test_parallel_a_killed_worker_is_replaced_and_its_articles_tagged(
    sample_bytes: bytes, run_info: RunInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    articles = _articles(sample_bytes)
    monkeypatch.setattr(parallel, "ARTICLES_PER_CHUNK", 1)
    parallel.start_workers(DEFAULT_MODEL, 2)
    victim = parallel.worker_pids()[0]
    os.kill(victim, signal.SIGKILL)

    pooled = parallel.tables_in_pool(DEFAULT_MODEL, 2, articles, [], run_info, 64)

    assert sorted(pooled.articles["source_path"].to_list()) == sorted(a.source_path for a in articles)
    assert pooled.rejects.height == 0
    assert pooled.details["entities"].height > 20
    assert victim not in parallel.worker_pids()
    parallel.close_pools()


@pytest.mark.e2e
def test_parallel_a_chunk_over_its_time_budget_twice_is_rejected_not_a_failed_run(
    sample_bytes: bytes, run_info: RunInfo
) -> None:
    articles = _articles(sample_bytes)
    pooled = parallel.tables_in_pool(DEFAULT_MODEL, 2, articles, [], run_info, 64, chunk_seconds=0.001)

    assert pooled.articles.height == 0
    assert sorted(pooled.rejects["source_path"].to_list()) == sorted(a.source_path for a in articles)
    assert set(pooled.rejects["reason"].to_list()) == {"processing_error"}
    assert "died or ran out of time, twice" in pooled.rejects["detail"][0]
    parallel.close_pools()
