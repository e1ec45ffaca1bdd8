"""spaCy on every core: a persistent pool of worker processes, each with the pipeline loaded once.

Workers are *spawned*, never forked: a forked child of a process that used deltalake panics (tokio), and a
spawned one shares nothing it should not. Each worker loads the pipeline (through the cached loader of
:mod:`flows.core.nlp.pipeline`) and the place gazetteer once, and returns plain records (polars frames of table rows),
never ``Doc`` objects.

The pool lives as long as the process (one per model and size): a process that runs the flow more than once
reuses it, and a batch's chunks are queued behind the previous batch's, so NER of one batch overlaps the
reading, parsing, validation and staging of the next one in the flow. ``newsmill serve`` (Prefect's runner)
starts each run in a process of its own, so there the pool lives for one run.
"""

from __future__ import annotations

import functools
import gc
import multiprocessing
import multiprocessing.util
import os
import threading
import time
from collections.abc import Sequence
from concurrent.futures import CancelledError, Future, ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from itertools import accumulate, pairwise
from typing import Any

import polars as pl

from flows import heap
from flows.config import Settings
from flows.core.batch import batch_tables, combine, processing_error
from flows.core.intel.places import gazetteer, us_local
from flows.core.models import Article, Reject, Stage
from flows.core.nlp.pipeline import load_pipeline
from flows.core.tables.rows import BatchTables, RunInfo, rejects_frame

ARTICLES_PER_CHUNK = 24  # the chunks of a short batch (a run's first and last): every worker busy to its end
# The chunks of a longer batch: each chunk costs a worker about 10 ms whatever its size (its eight frames, spaCy's
# last short batch), 0.2 ms per article in chunks of 24 (docs/performance.md). The next batch's chunks wait
# behind them, so no worker runs out of work before the run's last batch.
MAX_ARTICLES_PER_CHUNK = 48
# A chunk's time budget (seconds): far above what a chunk takes, short of a tokenizer stuck for good.
CHUNK_SECONDS = 600.0
ORPHAN_CHECK_SECONDS = 1.0  # how often a worker looks whether the process that started it is still there

_pools: dict[tuple[str, int], ProcessPoolExecutor] = {}
_lock = threading.Lock()


def nlp_pool(model_name: str, processes: int) -> ProcessPoolExecutor:
    """The process's pool of ``processes`` spaCy workers for ``model_name``, started on first use."""
    key = (model_name, processes)
    with _lock:
        pool = _pools.get(key)
        if pool is None:
            pool = ProcessPoolExecutor(
                max_workers=processes,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_prepare_worker,
                initargs=(model_name,),
            )
            _pools[key] = pool
            for _ in range(processes):  # start every worker now: they load the model while the flow reads
                pool.submit(_worker_pid)
        return pool


def warm_up(model_name: str, processes: int) -> None:
    """Start the pool's workers (and their model loads) in the background, without waiting."""
    nlp_pool(model_name, processes)


WORKER_START_SECONDS = 300.0  # how long a fresh pool's workers may take to load the model before a run fails


def start_workers(
    model_name: str, processes: int, timeout: float | None = None, *, every: bool = True
) -> None:
    """Start the pool and wait until every worker (with ``every=False``: one) has loaded the model.

    Raises :class:`WorkersNotStartedError` when they do not answer within ``timeout`` seconds (default
    :data:`WORKER_START_SECONDS`) or die while starting; the pool is then stopped, so nothing is left hanging.
    """
    pool = nlp_pool(model_name, processes)
    wanted = processes if every else 1
    limit = WORKER_START_SECONDS if timeout is None else timeout
    deadline = time.monotonic() + limit
    seen: set[int] = set()
    try:
        while len(seen) < wanted:  # a ready worker may answer every call: ask until enough have
            for answer in [pool.submit(_worker_pid) for _ in range(processes)]:
                seen.add(answer.result(timeout=max(0.0, deadline - time.monotonic())))
                if len(seen) >= wanted:
                    break
            if len(seen) < wanted and time.monotonic() > deadline:
                raise FutureTimeout
            time.sleep(0.05)
    except (FutureTimeout, BrokenProcessPool) as error:
        replace_pool(model_name, processes, pool)
        how = (
            "died while starting"
            if isinstance(error, BrokenProcessPool)
            else f"did not start within {limit:g} s"
        )
        raise WorkersNotStartedError(
            f"{wanted - len(seen)} of {processes} spaCy worker processes for model {model_name!r} {how}; "
            "check free memory and that the model loads ('python -m spacy validate'), or tag in one process "
            "with --processes 1"
        ) from error


class WorkersNotStartedError(TimeoutError):
    """The spaCy worker processes did not come up (a model load that hangs or dies, no memory)."""


def worker_pids() -> list[int]:
    """The process ids of every started spaCy worker (for measuring their memory)."""
    with _lock:
        return [pid for pool in _pools.values() for pid in pool._processes]


def start_worker_pool(settings: Settings, new_files: int) -> int:
    """Start the pool of spaCy worker processes this run uses, if it uses more than one; return how many it uses
    (:meth:`Settings.processes_for`).

    A started pool is reused by later runs of the same process.
    """
    processes = settings.processes_for(new_files)
    if processes > 1:
        warm_up(settings.model_name, processes)
    return processes


def tables_in_pool(
    model_name: str,
    processes: int,
    articles: Sequence[Article],
    rejects: Sequence[Reject],
    run: RunInfo,
    batch_size: int,
    chunk_seconds: float | None = None,
) -> BatchTables:
    """:func:`flows.core.batch.batch_tables` for a batch, its articles spread over the pool in chunks.

    Each chunk has ``chunk_seconds`` (default :data:`CHUNK_SECONDS`) once a worker could have started it. A
    chunk whose worker died or overran is sent once more to a fresh pool (its workers' model loads are not
    counted in the budget); if that fails too, its articles are ``processing_error`` rejects and the run goes on.
    A chunk that failed only because its pool was replaced for another chunk (of this batch or another) is
    sent again without that counting as its try (:func:`_tagged`).
    """
    budget = CHUNK_SECONDS if chunk_seconds is None else chunk_seconds
    ends = list(accumulate(chunk_sizes(len(articles), processes), initial=0))
    chunks = [list(articles[start:end]) for start, end in pairwise(ends)]
    submitted = [_submit(model_name, processes, chunk, run, batch_size) for chunk in chunks]
    parts: list[BatchTables] = []
    lost: list[Reject] = []
    for chunk, (pool, future) in zip(chunks, submitted, strict=True):
        part = _tagged(model_name, processes, chunk, run, batch_size, budget, pool, future)
        if part is None:
            error = WorkerLostError("the spaCy worker tagging this article died or ran out of time, twice")
            lost.extend(processing_error(article, Stage.TAG, error) for article in chunk)
        else:
            parts.append(part)
    empty = no_articles_tables(model_name, run, batch_size)
    # A chunk's rejects are its articles that failed to be tagged or analysed (processing_error).
    found_rejects = pl.concat([rejects_frame([*rejects, *lost], run), *(part.rejects for part in parts)])
    return combine(parts, found_rejects, empty)


def chunk_sizes(articles: int, processes: int) -> list[int]:
    """How many articles each chunk of a batch of ``articles`` takes, in order: two chunks or more for each
    of the ``processes`` workers where chunks of :data:`ARTICLES_PER_CHUNK` allow it (so a short batch keeps
    every worker busy to its end), else as few as chunks of :data:`MAX_ARTICLES_PER_CHUNK` allow; the sizes
    differ by one at most."""
    if articles <= 0:
        return []
    fewest = -(-articles // MAX_ARTICLES_PER_CHUNK)
    enough = min(-(-articles // ARTICLES_PER_CHUNK), 2 * processes)
    count = max(fewest, enough)
    size, larger = divmod(articles, count)
    return [size + 1] * larger + [size] * (count - larger)


@functools.lru_cache(maxsize=1)
def no_articles_tables(model_name: str, run: RunInfo, batch_size: int) -> BatchTables:
    """Every table with its columns and no rows, which gives a batch's tables their columns: made once per
    run (about 5 ms each time: eight empty frames), not once per batch. Frames are never changed in place."""
    return batch_tables(load_pipeline(model_name), [], [], run, batch_size)


class WorkerLostError(RuntimeError):
    """A spaCy worker died (killed, out of memory) or overran its time budget while tagging a chunk."""


def _collect(future: Future[BatchTables], seconds: float) -> BatchTables | None:
    """A chunk's tables, or None when its worker died or did not finish within ``seconds``."""
    try:
        return future.result(timeout=seconds)
    except (BrokenProcessPool, FutureTimeout, CancelledError):
        return None


TRIES_PER_CHUNK = 2  # a chunk's own failures (its worker died or overran) before its articles are rejected
RESENDS_PER_CHUNK = 8  # sends after a pool was replaced for other chunks; beyond, a failure counts as its own


def _tagged(
    model_name: str,
    processes: int,
    chunk: list[Article],
    run: RunInfo,
    batch_size: int,
    budget: float,
    pool: ProcessPoolExecutor,
    future: Future[BatchTables],
) -> BatchTables | None:
    """A chunk's tables once its future (on ``pool``) is done; None when it failed :data:`TRIES_PER_CHUNK`
    times by its own fault.

    A failure on a pool that is no longer the current one was caused by another chunk, whose failure
    replaced (killed) the pool: the chunk is sent again and that does not count (up to
    :data:`RESENDS_PER_CHUNK` times, so this ends whatever the other chunks do).
    """
    failures = resent = 0
    while (part := _collect(future, budget)) is None:
        if _replaced(model_name, processes, pool) and resent < RESENDS_PER_CHUNK:
            resent += 1
        else:
            failures += 1
            if failures >= TRIES_PER_CHUNK:
                replace_pool(model_name, processes, pool)
                return None
            _fresh_pool(model_name, processes, pool)
        pool, future = _submit(model_name, processes, chunk, run, batch_size)
    return part


def _replaced(model_name: str, processes: int, pool: ProcessPoolExecutor) -> bool:
    """True when ``pool`` is no longer the process's pool for this model and size: it was replaced."""
    with _lock:
        return _pools.get((model_name, processes)) is not pool


def replace_pool(model_name: str, processes: int, failed: ProcessPoolExecutor | None = None) -> None:
    """Kill the pool's workers (a hung one does not stop by itself) and drop the pool; the next chunk starts
    a fresh one.

    With ``failed``, only that pool is replaced: when another batch's chunk already replaced it, the fresh
    pool (working on other chunks) is left alone.
    """
    key = (model_name, processes)
    with _lock:
        replaced_already = failed is not None and _pools.get(key) is not failed
        pool = None if replaced_already else _pools.pop(key, None)
    if pool is None:
        return
    for process in list(pool._processes.values()):
        process.kill()
    # Wait for the killed pool's own thread to finish with it: a fresh pool spawned while it still closes
    # its pipes can hand a worker a pipe just closed, and that worker dies at once.
    pool.shutdown(wait=True, cancel_futures=True)


class DaskClusterError(RuntimeError):
    """No Dask scheduler answers at the given address."""


def dask_task_runner(workers: int | None, address: str | None) -> tuple[Any, int]:
    """A Prefect task runner on a local Dask cluster of ``workers`` processes, or the cluster at ``address``.

    Returns the runner and how many workers it has. Local workers are spawned processes with one thread each,
    so each loads the spaCy pipeline once and tags one batch at a time.
    """
    from prefect_dask.task_runners import DaskTaskRunner

    if address is not None:
        return DaskTaskRunner(address=address), count_dask_workers(address)
    count = workers or 1
    runner = DaskTaskRunner(
        cluster_class="distributed.LocalCluster",
        cluster_kwargs={
            "n_workers": count,
            "threads_per_worker": 1,
            "processes": True,
            "host": "127.0.0.1",
            "dashboard_address": None,
        },
    )
    return runner, count


def count_dask_workers(address: str) -> int:
    """How many workers the Dask scheduler at ``address`` has; a clear error when none answers."""
    from distributed import Client

    try:
        with Client(address, timeout=10) as client:  # type: ignore[no-untyped-call]
            return max(1, len(client.scheduler_info().get("workers", {})))
    except (OSError, TimeoutError) as error:
        raise DaskClusterError(
            f"no Dask scheduler answers at {address} ({error}); start one with 'dask scheduler' "
            "and 'dask worker ADDRESS', or use --workers N for a local cluster"
        ) from error


def close_pools() -> None:
    """Stop every worker process (at exit, or after a worker died)."""
    with _lock:
        pools = list(_pools.values())
        _pools.clear()
    for pool in pools:
        pool.shutdown(wait=True, cancel_futures=True)


def _fresh_pool(model_name: str, processes: int, failed: ProcessPoolExecutor) -> None:
    """Replace a pool whose worker died or hung, and wait until a worker of the fresh pool loaded the model
    (so a retried chunk's budget does not pay for it). Raises :class:`WorkersNotStartedError` when none does
    within :data:`WORKER_START_SECONDS`: the run stops with that line instead of waiting for ever."""
    replace_pool(model_name, processes, failed)
    start_workers(model_name, processes, every=False)


def _submit(
    model_name: str, processes: int, chunk: list[Article], run: RunInfo, batch_size: int
) -> tuple[ProcessPoolExecutor, Future[BatchTables]]:
    """Send a chunk to the pool; the pool it went to, and the chunk's future."""
    pool = nlp_pool(model_name, processes)
    try:
        return pool, pool.submit(_chunk_tables, model_name, chunk, run, batch_size)
    except BrokenProcessPool:  # a worker died (e.g. killed for memory): start a fresh pool once
        replace_pool(model_name, processes, pool)
        pool = nlp_pool(model_name, processes)
        return pool, pool.submit(_chunk_tables, model_name, chunk, run, batch_size)


def _prepare_worker(model_name: str) -> None:
    """Load once per worker what every chunk needs: the spaCy pipeline, the place gazetteer and the US towns.

    They are built before the worker takes its first chunk, while the flow reads and parses the first batch;
    the gazetteer and the US town table would otherwise be built inside the first chunk's tagging.

    Then they are frozen out of the garbage collector (over half a million objects): every collection
    Python starts while tagging would otherwise walk them. Measured over 300 bench articles, one process:
    collections 0.51 -> 0.09 ms of CPU per article (docs/performance.md). And ``malloc`` keeps what spaCy
    frees for its next batch (:func:`heap.keep_freed_memory_for_reuse`).
    """
    exit_when_orphaned(os.getppid())
    heap.keep_freed_memory_for_reuse()
    load_pipeline(model_name)
    gazetteer()
    us_local()
    gc.collect()
    gc.freeze()


def exit_when_orphaned(parent: int) -> None:
    """End this process once ``parent``, the process that started it, is gone.

    A run's process killed outright (SIGKILL: the kernel's OOM killer, or Prefect's runner 30 s after a stop
    it asked for) sends its idle workers no word: they waited on their queue for ever, about 400 MB each
    (under ``newsmill serve``, whose process takes in the orphans, for as long as it served). A thread looks
    every :data:`ORPHAN_CHECK_SECONDS` whether this process's parent is still ``parent``.
    """

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(ORPHAN_CHECK_SECONDS)
        os._exit(0)

    threading.Thread(target=watch, name="newsmill-orphan-watch", daemon=True).start()


def _worker_pid() -> int:
    return os.getpid()


def _chunk_tables(model_name: str, articles: list[Article], run: RunInfo, batch_size: int) -> BatchTables:
    """In a worker: the table rows of a chunk of articles; its rejects are the articles that failed here."""
    return batch_tables(load_pipeline(model_name), articles, [], run, batch_size)


# At exit, in any process: multiprocessing runs its finalizers from its own atexit handler, and, in a process it
# started (Prefect's runner starts each served run so), before that process joins its children, where a plain
# atexit handler would come too late: the idle workers would keep the process, its run finished, for ever.
multiprocessing.util.Finalize(None, close_pools, exitpriority=100)
