"""spaCy on every core: the process pool gives the same rows as one process, and a rerun reads nothing."""

from __future__ import annotations

import builtins
import io
import os
import signal
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
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
from flows.ingest import first_batch_size
from tests.conftest import (
    ON_GLIBC,
    PAGES_PER_BATCH,
    cp1252_page,
    latin1_page,
    page_faults_over_ten_batches,
    raw_document,
    wait_until_gone,
)


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
    monkeypatch.setattr(parallel, "MAX_ARTICLES_PER_CHUNK", 1)
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


def test_parallel_a_short_batch_gives_each_worker_two_chunks_and_a_long_one_fewer_larger_chunks() -> None:
    first = first_batch_size(Settings(), processes=2)  # the run's short first (and last) batch
    assert parallel.chunk_sizes(first, 2) == [24, 24, 24, 24]
    assert parallel.chunk_sizes(288, 2) == [48] * 6
    assert parallel.chunk_sizes(300, 2) == [43] * 6 + [42]  # not six of 48 and one of 12
    assert parallel.chunk_sizes(30, 2) == [15, 15]
    assert parallel.chunk_sizes(5, 2) == [5]
    assert parallel.chunk_sizes(0, 2) == []
    for articles in range(1, 1_000):
        sizes = parallel.chunk_sizes(articles, 2)
        assert sum(sizes) == articles
        assert max(sizes) - min(sizes) <= 1
        assert max(sizes) <= parallel.MAX_ARTICLES_PER_CHUNK


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
    monkeypatch.setattr(parallel, "MAX_ARTICLES_PER_CHUNK", 1)
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


# --- workers that hang: beside good chunks, and while starting ----------------------------------------------

HANG_LOG = "NEWSMILL_TEST_HANG_LOG"  # read by the test's worker functions only, in the worker processes


def hang_while_starting(model_name: str) -> None:
    """In a worker, instead of loading the model: a load that never ends."""
    while True:
        time.sleep(60)


def tag_hang_or_wait(model_name: str, articles: list[Article], run: RunInfo, batch_size: int) -> Any:
    """In a worker: a chunk holding ``hang-*`` never returns (each attempt's pid noted in the hang log); a
    chunk holding ``wait-*`` is busy until the hung chunk's second worker is gone (so both pools the hung chunk
    gets replaced are killed under it), then tagged; any other chunk is tagged as usual."""
    log = Path(os.environ[HANG_LOG])
    if any(article.source_path.startswith("hang-") for article in articles):
        with log.open("a", encoding="utf-8") as noted:
            noted.write(f"{os.getpid()}\n")
        while True:
            time.sleep(60)
    while any(article.source_path.startswith("wait-") for article in articles) and not _second_hang_gone(log):
        time.sleep(0.1)
    return parallel._chunk_tables(model_name, articles, run, batch_size)


def _second_hang_gone(log: Path) -> bool:
    pids = log.read_text(encoding="utf-8").split() if log.exists() else []
    return len(pids) >= 2 and _gone(int(pids[1]))


def _gone(pid: int | None) -> bool:
    """True when the process has ended (a killed child not yet reaped counts as ended)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True
    return state in ("Z", "X")


@pytest.fixture(scope="module")
def ruler_model(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A blank English pipeline saved to disk whose entity ruler, named ner, knows one name (quick to load)."""
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("entity_ruler", name="ner").add_patterns([{"label": "PERSON", "pattern": "Ana Ruiz"}])  # type: ignore[attr-defined]
    folder = tmp_path_factory.mktemp("model") / "ruler"
    nlp.to_disk(folder)
    return str(folder)


@pytest.mark.e2e
def test_parallel_chunks_beside_a_hung_one_are_sent_again_without_losing_their_try(
    sample_bytes: bytes, run_info: RunInfo, ruler_model: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two batches in flight on one pool, as the flow pipelines them: batch 1's chunk hangs, so its pool is
    replaced twice, each time killing batch 2's busy chunk; that chunk is sent again, free, and tagged."""
    hangs = tmp_path / "hangs.log"
    monkeypatch.setenv(HANG_LOG, str(hangs))
    monkeypatch.setattr(parallel, "ARTICLES_PER_CHUNK", 1)
    monkeypatch.setattr(parallel, "MAX_ARTICLES_PER_CHUNK", 1)
    monkeypatch.setattr(parallel, "_chunk_tables", tag_hang_or_wait)
    sample, cp1252, latin1 = _articles(sample_bytes)
    hung = replace(sample, source_path="hang-here.txt")
    beside = [replace(cp1252, source_path="wait-for-both-kills.txt"), latin1]
    parallel.close_pools()
    parallel.start_workers(ruler_model, 2)  # the workers' model loads are not part of a chunk's budget
    try:
        with ThreadPoolExecutor(1) as thread:
            first = thread.submit(parallel.tables_in_pool, ruler_model, 2, [hung], [], run_info, 64, 3.0)
            second = parallel.tables_in_pool(ruler_model, 2, beside, [], run_info, 64, 120.0)
            rejected = first.result()
    finally:
        parallel.replace_pool(ruler_model, 2)

    assert sorted(second.articles["source_path"].to_list()) == ["latin1.txt", "wait-for-both-kills.txt"]
    assert second.rejects.height == 0
    assert rejected.articles.height == 0
    assert rejected.rejects.select("source_path", "reason").rows() == [("hang-here.txt", "processing_error")]
    assert "died or ran out of time, twice" in rejected.rejects["detail"][0]
    assert len(hangs.read_text().split()) == 2  # the hung chunk itself: tried once more, then rejected


def test_parallel_workers_that_never_start_end_the_wait_in_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "_prepare_worker", hang_while_starting)
    pool = parallel.nlp_pool("never-loads", 2)
    workers = list(pool._processes.values())
    try:
        with pytest.raises(parallel.WorkersNotStartedError) as raised:
            parallel.start_workers("never-loads", 2, timeout=1.0)
    finally:
        parallel.replace_pool("never-loads", 2)
    assert str(raised.value).startswith(
        "2 of 2 spaCy worker processes for model 'never-loads' did not start within 1 s; "
    )
    assert "\n" not in str(raised.value)
    assert str(raised.value).endswith("or tag in one process with --processes 1")
    deadline = time.monotonic() + 30
    while not all(_gone(worker.pid) for worker in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert all(_gone(worker.pid) for worker in workers)  # stopped, not left hanging
    assert parallel.worker_pids() == []


def test_parallel_a_fresh_pool_that_never_starts_fails_the_batch_instead_of_waiting(
    sample_bytes: bytes, run_info: RunInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first chunk overruns (its workers never load); the fresh pool's do not either: the run stops with
    the one line the CLI shows for it."""
    from flows.cli import known_errors

    monkeypatch.setattr(parallel, "_prepare_worker", hang_while_starting)
    monkeypatch.setattr(parallel, "WORKER_START_SECONDS", 1.0)
    try:
        with pytest.raises(parallel.WorkersNotStartedError, match="did not start within 1 s"):
            parallel.tables_in_pool("never-loads", 2, _articles(sample_bytes)[:1], [], run_info, 64, 1.0)
    finally:
        parallel.replace_pool("never-loads", 2)
    assert parallel.WorkersNotStartedError in known_errors()


def _frozen_objects() -> int:
    import gc

    return gc.get_freeze_count()


@pytest.mark.e2e
def test_parallel_a_worker_keeps_its_model_and_gazetteer_out_of_garbage_collections() -> None:
    pool = parallel.nlp_pool(DEFAULT_MODEL, 1)
    frozen = pool.submit(_frozen_objects).result(timeout=300)
    assert frozen > 100_000  # the spaCy pipeline, the gazetteer and the US towns


@pytest.mark.skipif(not ON_GLIBC, reason="glibc's malloc only")
def test_parallel_a_worker_keeps_what_it_frees_for_its_next_batch(ruler_model: str) -> None:
    pool = parallel.nlp_pool(ruler_model, 1)
    try:
        _, rest = pool.submit(page_faults_over_ten_batches).result(timeout=120)
    finally:
        parallel.replace_pool(ruler_model, 1)
    assert rest < PAGES_PER_BATCH * 0.1  # mapped once, not for every batch (tests/test_heap.py)


# --- a run in a process of its own, as Prefect's runner starts each served run ---------------------------


def start_workers_and_return(model_name: str) -> None:
    """In a process started by multiprocessing: start the pool's workers, then end, leaving them idle."""
    parallel.start_workers(model_name, 2)


def test_parallel_a_process_started_by_multiprocessing_stops_its_workers_when_it_ends(
    ruler_model: str,
) -> None:
    """Such a process joins its children before its atexit handlers run: idle workers kept it alive for ever."""
    import multiprocessing

    from flows import reaper

    run = multiprocessing.get_context("spawn").Process(target=start_workers_and_return, args=(ruler_model,))
    run.start()
    run.join(timeout=180)
    left_behind = reaper.descendants(run.pid) if run.pid else set()
    if run.is_alive():
        reaper.kill_all(left_behind)
        run.kill()
        run.join()
    assert run.exitcode == 0
    assert left_behind == set()


def start_workers_and_wait(model_name: str, ready: Any) -> None:
    """In a process started by multiprocessing: start the pool's workers, say so, wait to be killed."""
    parallel.start_workers(model_name, 2)
    ready.send(True)
    time.sleep(600)


def test_parallel_workers_end_when_the_process_that_started_them_is_killed(ruler_model: str) -> None:
    """Killed outright (the OOM killer; Prefect's runner 30 s after a stop), a run's process left its idle
    workers waiting on their queue for ever."""
    import multiprocessing

    from flows import reaper

    context = multiprocessing.get_context("spawn")
    receiving, sending = context.Pipe(duplex=False)
    run = context.Process(target=start_workers_and_wait, args=(ruler_model, sending))
    run.start()
    assert receiving.poll(180), "the workers did not start"
    workers = reaper.descendants(run.pid) if run.pid else set()
    assert len(workers) == 2
    run.kill()
    run.join()
    left = wait_until_gone(workers)
    reaper.kill_all(left)
    assert left == set()
