"""Benchmark: the whole ingest flow against bare spaCy ``nlp.pipe`` on the same texts, in the same run.

Usage: ``python scripts/bench.py [--articles N] [--processes P] [--rounds R] [--no-baseline] [--keep]``
(``make bench``).
Builds N articles derived from the sample (varied so no two are equal) in a temporary folder, then measures:

1. the fixed start-up: importing Prefect and the flow, loading the model (and pandera's validation backends
   and the language model, as ``newsmill run`` does), and a flow run over an empty folder
   (which starts Prefect's temporary server), and starting the P spaCy worker processes (each loads the model);
   then a second empty run (the per-run fixed cost, warm);
2. the full flow over the N articles (read, parse, NLP in P worker processes, validate, stage, commit,
   compaction check), R times (each into a fresh output folder, its workers started before the timing), and
   the first run's peak memory (this process, and the largest worker);
3. a run with nothing new (the same raw folder again): its time beyond the warm empty run;
4. bare spaCy in a fresh process: the same model with the same components, multiplying its matrices as the
   flow's does (numpy's BLAS where blis has no kernel for the CPU), ``nlp.pipe(n_process=P)`` over the
   same section texts the flow tags (headline, caption, body), same batch size; timed before the first flow
   run and after each one, and each flow run's ratio taken against the mean of the bare runs on either side
   of it (this machine's speed drifts by tens of percent over minutes); the lowest of these ratios is printed
   beside their median (R rounds, 3 by default); the same pairing of bare spaCy with itself (each bare run
   between two others against them), which shows how far the machine's drift alone moves such a ratio in
   this bench; and the CPU each side spends per article in all its processes
   (the flow: this process, its spaCy workers and Prefect's temporary server; bare spaCy: its process and
   workers), whose ratio the machine's drifting speed moves far less than it moves the throughputs, and the
   kernel's share of it (system CPU); then bare spaCy once more with ``malloc`` told what the flow's spaCy
   workers tell theirs (``flows.heap.keep_freed_memory_for_reuse``), so the work beside spaCy can be read like
   for like; and once as ``spacy.load`` alone loads the model (thinc's blis), for what the flow's choice of
   matrix library buys against spaCy as a user runs it;
5. the cost per article of each stage, measured in one process over a sample of 300 articles (its ``malloc``
   told the same, as the workers' is): CPU seconds of the process (all its threads: polars runs queries on
   several), less sensitive to a busy machine than the wall time printed beside them;
6. a run with nothing new in a fresh process, as a scheduled run or ``make run`` pays it: ``newsmill run`` over
   the ingested folder, wall time from process start to exit (no Prefect server configured: it starts none), twice.

``--no-op-only`` measures only 6 (after ingesting the N articles with ``newsmill run``).

Prints articles per second for the flow and bare spaCy and their ratio, the start-up on its own line, whether
spaCy and thinc were built with Cython's profiling hooks (``flows.core.nlp.hooks``), the no-new-files figure,
peak RSS and the stage table.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import logging
import os
import random
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from flows.cli import LOGGING_CONFIG  # noqa: E402
from flows.config import PROGRESS_MARK, Settings, quiet_prefect_environment  # noqa: E402
from flows.core.nlp.hooks import packages_with_profiling_hooks  # noqa: E402

NAMES = ["Amira Haddad", "Tomas Berg", "Lucia Ferraz", "Kenji Mori", "Nadia Osei", "Pavel Novak", "Sara Lind"]
PLACES = ["Basra", "Mosul", "Erbil", "Kirkuk", "Najaf", "Karbala", "Samarra", "Ramadi"]
STAGE_SAMPLE = 300


def build_corpus(sample: str, count: int, folder: Path) -> None:
    """Write ``count`` distinct pages derived from the sample: names, places, numbers and order varied."""
    header, _, rest = sample.partition("\n\nThe Iraqi")
    paragraphs = ("The Iraqi" + rest).strip().split("\n\n")
    rng = random.Random(7)
    for number in range(count):
        body = paragraphs[:]
        rng.shuffle(body)
        text = "\n\n".join([header, *body])
        text = text.replace("Fuad Hussein", rng.choice(NAMES)).replace("Baghdad", rng.choice(PLACES))
        text = re.sub(r"\b3,000\b", f"{rng.randint(1, 9)},{rng.randint(100, 999)}", text)
        text += f"\n\nOfficials in {rng.choice(PLACES)} said on day {number} that talks would continue next week.\n"
        (folder / f"article-{number:06d}.txt").write_text(text, encoding="utf-8")


def section_texts(raw: Path) -> list[str]:
    """The texts the flow tags, parsed the same way the flow parses them."""
    from flows.core.ids import sha256_hex
    from flows.core.models import Article, RawDocument, SourceFile
    from flows.core.nlp.pipeline import model_inputs
    from flows.core.page.article import to_article

    texts: list[str] = []
    for path in sorted(raw.iterdir()):
        data = path.read_bytes()
        article = to_article(RawDocument(SourceFile(path.name, len(data), 0), data, sha256_hex(data)))
        if isinstance(article, Article):
            texts.extend(shown for shown, _ in model_inputs(article.article_id, article.section_texts()))
    return texts


def bare_spacy(
    texts_file: str,
    model: str,
    batch_size: int,
    processes: int,
    keep_freed: bool = False,
    stock_ops: bool = False,
) -> None:
    """In a fresh process (so its workers fork from a process that never used deltalake): time nlp.pipe; with
    ``keep_freed``, after telling ``malloc`` what the flow's spaCy workers tell it (its workers fork with it).

    The model multiplies its matrices as the flow's does (:func:`flows.core.nlp.matrices.fastest_matrix_ops`:
    numpy's BLAS where blis has no kernel for this CPU), so both sides compute the same products at the same
    cost; with ``stock_ops``, with thinc's default (blis), as ``spacy.load`` alone would."""
    import spacy

    from flows import heap
    from flows.core.nlp.matrices import fastest_matrix_ops
    from flows.core.nlp.pipeline import load_pipeline

    if keep_freed:
        heap.keep_freed_memory_for_reuse()

    texts = json.loads(Path(texts_file).read_text(encoding="utf-8"))
    components = [
        name for name in load_pipeline(model).pipe_names if name in spacy.load(model).component_names
    ]
    with contextlib.nullcontext() if stock_ops else fastest_matrix_ops():
        nlp = spacy.load(model)
    for name in nlp.component_names:
        if name not in components:
            nlp.remove_pipe(name)
        elif name in nlp.disabled:
            nlp.enable_pipe(name)
    list(nlp.pipe(texts[:50], batch_size=batch_size))  # warm up, as the flow's model is warm
    cpu_before, system_before = own_and_children_cpu_seconds(), own_and_children_cpu_seconds(system_only=True)
    started = time.perf_counter()
    docs = list(nlp.pipe(texts, batch_size=batch_size, n_process=processes))
    elapsed = time.perf_counter() - started
    cpu = own_and_children_cpu_seconds() - cpu_before  # spaCy joins its workers when the stream ends
    system = own_and_children_cpu_seconds(system_only=True) - system_before
    assert len(docs) == len(texts)
    print(
        json.dumps(
            {"seconds": elapsed, "cpu_seconds": cpu, "system_seconds": system, "components": components}
        )
    )


def own_and_children_cpu_seconds(*, system_only: bool = False) -> float:
    """CPU seconds (user and system; with ``system_only``, the kernel's work for them alone) of this process and
    of its child processes that ended and were waited for."""
    own, children = (resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    system = own.ru_stime + children.ru_stime
    return system if system_only else own.ru_utime + children.ru_utime + system


def process_tree_cpu_seconds(*, system_only: bool = False) -> dict[int, float]:
    """CPU seconds (user and system; with ``system_only``, the kernel's work for them alone) of this process and
    of every live process it started, and theirs (the spaCy workers, Prefect's temporary server), by process
    id; read from /proc."""
    ticks = os.sysconf("SC_CLK_TCK")
    parents: dict[int, int] = {}
    seconds: dict[int, float] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            # the fields after the command name, which may hold spaces and parentheses
            fields = stat.read_text().rsplit(")", 1)[1].split()
            pid = int(stat.parent.name)
            parents[pid] = int(fields[1])
            seconds[pid] = (int(fields[12]) + (0 if system_only else int(fields[11]))) / ticks
    tree = {os.getpid()}
    while found := {pid for pid, parent in parents.items() if parent in tree} - tree:
        tree |= found
    return {pid: seconds[pid] for pid in tree if pid in seconds}


def cpu_seconds_since(before: dict[int, float], *, system_only: bool = False) -> float:
    """CPU seconds the process tree spent since ``before`` (:func:`process_tree_cpu_seconds`, with the same
    ``system_only``); a process started since counts in full."""
    now = process_tree_cpu_seconds(system_only=system_only)
    return sum(spent - before.get(pid, 0.0) for pid, spent in now.items())


def time_bare_spacy(
    texts: list[str],
    work: Path,
    model: str,
    batch_size: int,
    processes: int,
    keep_freed: bool = False,
    stock_ops: bool = False,
) -> dict:
    texts_file = work / "texts.json"
    texts_file.write_text(json.dumps(texts), encoding="utf-8")
    command = [sys.executable, __file__, "--bare", str(texts_file), "--processes", str(processes)]
    command += ["--bare-keep-freed"] if keep_freed else []
    command += ["--bare-stock-ops"] if stock_ops else []
    result = subprocess.run(command, capture_output=True, text=True, check=True, cwd=REPO)
    return json.loads(result.stdout.strip().splitlines()[-1])


def stage_costs(raw: Path, work: Path, settings: Settings) -> dict[str, tuple[float, float]]:
    """Seconds per article of each stage (CPU of this process, all its threads; and wall), one process, over a
    sample of the corpus (all warm: the model, the tables' layouts and pandera's checks were used once)."""
    from flows import heap, storage
    from flows.core.batch import batch_tables
    from flows.core.intel.analysis import analyse
    from flows.core.nlp.pipeline import extract_entities, load_pipeline
    from flows.core.sources import KnownSources, parse_files
    from flows.core.tables.intel_rows import intelligence_frames
    from flows.core.tables.rows import RunInfo, articles_frame, entities_frame, run_metadata
    from flows.core.tables.validation import validate_batch

    heap.keep_freed_memory_for_reuse()  # as the flow's spaCy workers
    nlp = load_pipeline(settings.model_name)
    run = RunInfo("bench", datetime.now(UTC), "bench", "m", "0", "0", "bench")
    sources = list(storage.iter_raw_files(raw, ()))[:STAGE_SAMPLE]
    warm = [storage.read_raw(raw, source, settings.max_file_bytes) for source in sources[:20]]
    warm_articles, _ = parse_files(warm, KnownSources())
    validate_batch(batch_tables(nlp, warm_articles, [], run, settings.nlp_batch_size), run)
    with long_lived_objects_frozen():  # as in the flow's process and its workers
        clock: dict[str, tuple[float, float]] = {}
        last = (time.process_time(), time.perf_counter())

        def timed(name: str) -> None:
            nonlocal last
            now = (time.process_time(), time.perf_counter())
            clock[name] = (now[0] - last[0], now[1] - last[1])
            last = now

        def restart() -> None:
            nonlocal last
            last = (time.process_time(), time.perf_counter())

        restart()
        read = [storage.read_raw(raw, source, settings.max_file_bytes) for source in sources]
        timed("read")
        articles, rejects = parse_files(read, KnownSources())
        timed("parse")
        result = extract_entities(nlp, articles, settings.nlp_batch_size)
        timed("NLP: spaCy NER")
        found = analyse(articles, result.mentions, result.skipped, result.sentences)
        intelligence_frames(found, run)
        timed("NLP: entity intelligence")
        articles_frame(articles, run, result.skipped)  # with the story keys and body hash
        entities_frame(result.mentions, run, found.links)
        timed("rows: articles, entities")
        tables = batch_tables(nlp, articles, rejects, run, settings.nlp_batch_size)
        restart()
        valid = validate_batch(tables, run)
        timed("validate")
        staging = work / "stage-costs"
        storage.stage_batch(staging, 1, valid.frames())
        for table in valid.frames():
            key = {"articles": "article_id", "rejects": "reject_id", "entities": "mention_id"}.get(table)
            if key and (staging / table).exists():
                storage.commit_staged(work / "stage-output", staging, table, key, run_metadata(run))
        timed("write (stage + commit)")
        return {name: (cpu / len(sources), wall / len(sources)) for name, (cpu, wall) in clock.items()}


@contextlib.contextmanager
def long_lived_objects_frozen() -> Iterator[None]:
    """Modules and the loaded model left out of the garbage collector's walks, as the flow and its workers leave
    them, so that a full collection (which would walk the model's objects) does not fall into one stage by chance."""
    from flows.ingest import freeze_long_lived_objects

    freeze_long_lived_objects()
    try:
        yield
    finally:
        gc.unfreeze()


def peak_rss_mb(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024


def workers_peak_rss_mb() -> float:
    """The largest peak RSS of the spaCy worker processes (not of the bare-spaCy child processes)."""
    from flows import parallel

    peaks = [0.0]
    for pid in parallel.worker_pids():
        status = Path(f"/proc/{pid}/status").read_text()
        peaks += [int(line.split()[1]) / 1024 for line in status.splitlines() if line.startswith("VmHWM:")]
    return max(peaks)


def current_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class RssAtEachBatch(logging.Handler):
    """Records this process's RSS each time the flow reports a finished batch."""

    def __init__(self) -> None:
        super().__init__()
        self.samples: list[float] = []

    def emit(self, record: logging.LogRecord) -> None:
        if getattr(record, PROGRESS_MARK, False) and record.getMessage().startswith("batch "):
            self.samples.append(current_rss_mb())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--rounds", type=int, default=3, help="full flow runs, each between two bare runs")
    parser.add_argument("--no-baseline", action="store_true", help="skip bare spaCy and the stage table")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument(
        "--no-op-only", action="store_true", help="only a fresh process's run with nothing new"
    )
    parser.add_argument("--bare", help=argparse.SUPPRESS)
    parser.add_argument("--bare-keep-freed", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--bare-stock-ops", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    settings = Settings.from_env()
    if args.bare:
        bare_spacy(
            args.bare,
            settings.model_name,
            settings.nlp_batch_size,
            args.processes,
            args.bare_keep_freed,
            args.bare_stock_ops,
        )
        return
    if args.no_op_only:
        work = Path(tempfile.mkdtemp(prefix="newsmill-bench-"))
        (work / "raw").mkdir()
        build_corpus(
            (REPO / "raw" / "000_a3bff82c688751b7.txt").read_text(encoding="utf-8"),
            args.articles,
            work / "raw",
        )
        newsmill_run(work / "raw", work / "output", work / "prefect")
        print_no_op_runs(work / "raw", work / "output", work / "prefect")
        return
    for name, value in quiet_prefect_environment(LOGGING_CONFIG).items():
        os.environ.setdefault(name, value)
    os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", "CRITICAL")
    work = Path(tempfile.mkdtemp(prefix="newsmill-bench-"))
    raw, empty, output = work / "raw", work / "empty", work / "output"
    for folder in (raw, empty):
        folder.mkdir()
    build_corpus((REPO / "raw" / "000_a3bff82c688751b7.txt").read_text(encoding="utf-8"), args.articles, raw)

    started = time.perf_counter()
    from flows.cli import load_once_per_process, no_heartbeats_on_a_temporary_server, start_temporary_server

    starting = start_temporary_server()  # as `newsmill run` does: the server starts while the model loads
    from flows import parallel
    from flows.core.nlp.pipeline import load_pipeline
    from flows.ingest import ingest

    imported = time.perf_counter()
    load_pipeline(settings.model_name)
    loaded = time.perf_counter()
    load_once_per_process()  # as `newsmill run` does, while the server may still be starting
    loaded_more = time.perf_counter()
    if starting is not None:
        starting.join()
    # As `newsmill run` runs its flow: no flow-run heartbeats on the temporary server.
    closing = contextlib.ExitStack()
    closing.enter_context(no_heartbeats_on_a_temporary_server())
    ingest(raw_dir=str(empty), output_dir=str(work / "output-empty"))
    first_run_done = time.perf_counter()
    if settings.processes_for(args.articles) > 1:  # the spaCy workers load the model, as bare spaCy's did
        parallel.start_workers(settings.model_name, args.processes)
    startup_done = time.perf_counter()
    ingest(raw_dir=str(empty), output_dir=str(work / "output-empty"))
    warm_empty = time.perf_counter() - startup_done

    texts = section_texts(raw) if not args.no_baseline else []

    def time_bare(keep_freed: bool = False, stock_ops: bool = False) -> dict | None:
        if not texts:
            return None
        return time_bare_spacy(
            texts, work, settings.model_name, settings.nlp_batch_size, args.processes, keep_freed, stock_ops
        )

    # This machine's speed drifts by tens of percent over minutes: bare spaCy is timed before and after each
    # flow run, and each flow run is compared with the two bare runs on either side of it.
    bare_runs = [time_bare()]
    flow_rates: list[float] = []
    flow_cpu: list[float] = []  # CPU seconds of each flow run, all processes
    flow_system: list[float] = []  # of which the kernel's
    rss = RssAtEachBatch()
    logging.getLogger("prefect.flow_runs").addHandler(rss)
    for round_ in range(1, args.rounds + 1):
        if round_ > 1 and settings.processes_for(args.articles) > 1:
            parallel.start_workers(settings.model_name, args.processes)  # outside the timing, as above
        round_output = output if round_ == 1 else work / f"output-{round_}"
        cpu_before, system_before = process_tree_cpu_seconds(), process_tree_cpu_seconds(system_only=True)
        flow_started = time.perf_counter()
        # settle_seconds=0: the corpus was written seconds ago, in full; with the default a run that starts soon
        # after (--no-baseline) skips the files younger than 10 s as still being written, and measures less work
        summary = ingest(
            raw_dir=str(raw), output_dir=str(round_output), processes=args.processes, settle_seconds=0
        )
        flow_seconds = time.perf_counter() - flow_started
        if summary.articles_written != args.articles:
            raise SystemExit(
                f"the flow wrote {summary.articles_written} of {args.articles} articles: not a full run"
            )
        flow_cpu.append(cpu_seconds_since(cpu_before))
        flow_system.append(cpu_seconds_since(system_before, system_only=True))
        flow_rates.append(args.articles / flow_seconds)
        if round_ == 1:
            logging.getLogger("prefect.flow_runs").removeHandler(rss)
            after_run = current_rss_mb()
            main_peak, worker_peak = peak_rss_mb(resource.RUSAGE_SELF), workers_peak_rss_mb()
            first_flow_seconds = flow_seconds
        parallel.close_pools()
        bare_runs.append(time_bare())
    # The flow's spaCy workers keep what malloc frees for their next batch (flows/heap.py); bare spaCy as a user
    # runs it does not. One bare run told the same, so the work beside spaCy can be read like for like.
    bare_keeping_freed = time_bare(keep_freed=True)
    # Bare spaCy multiplies as the flow does (numpy's BLAS where blis has no kernel for this CPU). One run as
    # spaCy loads a model on its own, so what that choice buys a user shows beside the ratio.
    bare_stock = time_bare(stock_ops=True)

    rerun_started = time.perf_counter()
    rerun = ingest(raw_dir=str(raw), output_dir=str(output), processes=args.processes, settle_seconds=0)
    rerun_seconds = time.perf_counter() - rerun_started
    beyond = rerun_seconds - warm_empty  # may be slightly negative: both are mostly Prefect's per-run cost

    print(f"articles                 {args.articles} ({summary.articles_written} written)")
    print(f"compiled modules         {compiled_line()}")
    print(f"spaCy and thinc built    {hooks_line(packages_with_profiling_hooks())}")
    print(
        f"fixed start-up           {startup_done - started:.1f} s (imports {imported - started:.1f} s, "
        f"model load {loaded - imported:.1f} s, validation and language loads {loaded_more - loaded:.1f} s, "
        f"Prefect server and first flow run {first_run_done - loaded_more:.1f} s,"
        f" spaCy workers {startup_done - first_run_done:.1f} s); each later run {warm_empty:.1f} s"
    )
    shown = ", ".join(f"{rate:.1f}" for rate in flow_rates)
    print(
        f"newsmill flow            {statistics.mean(flow_rates):.1f} articles/s (runs: {shown}; "
        f"{args.processes} processes)"
    )
    if bare_runs[0] is not None:
        measured = [args.articles / bare["seconds"] for bare in bare_runs if bare is not None]
        print(
            f"bare spaCy nlp.pipe      {statistics.mean(measured):.1f} articles/s (runs before, between and after "
            f"the flow runs: {', '.join(f'{rate:.1f}' for rate in measured)}; {len(texts)} texts, components "
            f"{'+'.join(bare_runs[0]['components'])}, n_process={args.processes})"
        )
        ratios = flow_against_bare(flow_rates, measured)
        print(
            f"ratio flow / bare spaCy  lowest {min(ratios):.2f}, median {statistics.median(ratios):.2f} "
            f"(each flow run against the bare runs on either side: {', '.join(f'{ratio:.2f}' for ratio in ratios)})"
        )
        if len(measured) >= 3:
            print(bare_against_bare_line(measured))
        bare_cpu = [bare["cpu_seconds"] for bare in bare_runs if bare is not None]
        bare_system = [bare["system_seconds"] for bare in bare_runs if bare is not None]
        print(cpu_line(flow_cpu, bare_cpu, args.articles))
        print(system_cpu_line(flow_system, bare_system, args.articles))
        if bare_keeping_freed is not None:
            print(
                extra_bare_line(
                    "bare spaCy, malloc kept",
                    bare_keeping_freed,
                    measured[-1],
                    statistics.median(ratios),
                    args.articles,
                )
            )
        if bare_stock is not None:
            from flows.core.nlp.matrices import blis_kernel

            print(
                extra_bare_line(
                    "bare spaCy, thinc's blis",
                    bare_stock,
                    measured[-1],
                    statistics.median(ratios),
                    args.articles,
                    note=f"blis's kernel here {blis_kernel()!r}",
                )
            )
    print(
        f"nothing new (rerun)      {rerun_seconds:.2f} s; an empty run {warm_empty:.2f} s; difference {beyond:+.2f} s"
        f" = {100 * beyond / first_flow_seconds:+.2f} % of the full run ({rerun.files_unchanged} files skipped unread)"
    )
    print(export_cost(output, work / "export", summary.articles_written))
    print(
        f"peak RSS                 flow process {main_peak:.0f} MB, largest spaCy worker {worker_peak:.0f} MB"
    )
    if rss.samples:
        middle = len(rss.samples) // 2
        print(
            f"flow process RSS         after batch 1 {rss.samples[0]:.0f} MB, after batch {middle + 1} "
            f"{rss.samples[middle]:.0f} MB, after the last batch {rss.samples[-1]:.0f} MB, "
            f"after commit and maintenance {after_run:.0f} MB"
        )
    if not args.no_baseline:
        costs = stage_costs(raw, work, settings)
        total_cpu, total_wall = (sum(cost[i] for cost in costs.values()) for i in (0, 1))
        print(
            f"cost per article by stage (one process, {STAGE_SAMPLE} articles; CPU of the process, and wall):"
        )
        for name, (cpu, wall) in costs.items():
            print(
                f"  {name:<26} {1000 * cpu:7.2f} ms CPU {100 * cpu / total_cpu:5.1f} %  {1000 * wall:7.2f} ms wall"
            )
        print(f"  {'total':<26} {1000 * total_cpu:7.2f} ms CPU          {1000 * total_wall:7.2f} ms wall")
    print_no_op_runs(raw, output, work / "prefect")
    if args.keep:
        print(f"kept {work}")
    closing.close()


def compiled_line() -> str:
    """Whether this process runs the core's busiest modules compiled (the spaCy workers decide the same way)."""
    from flows.compiled import COMPILED_MODULES, compiled_in_use

    imported = [name for name in COMPILED_MODULES if name in sys.modules]
    used = compiled_in_use()
    if not used:
        return f"none: pure Python ({len(imported)} of the {len(COMPILED_MODULES)} imported from source; make compile)"
    return f"{len(used)} of the {len(imported)} imported are mypyc's build (flows/compiled.py)"


def hooks_line(hooked: list[str]) -> str:
    """How spaCy and thinc were built, which sets spaCy's speed on both sides of the ratio alike."""
    if not hooked:
        return "without Cython's profiling hooks (from their sources: make found a C++ compiler and Python's headers)"
    return (
        f"with Cython's profiling hooks in {' and '.join(hooked)} (their wheels): spaCy takes over twice the CPU"
        " it takes built from its sources (flows/core/nlp/hooks.py)"
    )


def cpu_line(flow_cpu: list[float], bare_cpu: list[float], articles: int) -> str:
    """The CPU each side spends per article in all its processes, and their ratio: the work beside spaCy, which
    the machine's drifting speed moves far less than it moves the throughputs."""
    flow, bare = (1000 * statistics.median(seconds) / articles for seconds in (flow_cpu, bare_cpu))
    flow_runs, bare_runs = (
        ", ".join(f"{1000 * run / articles:.1f}" for run in seconds) for seconds in (flow_cpu, bare_cpu)
    )
    return (
        f"CPU per article          flow {flow:.2f} ms, bare spaCy {bare:.2f} ms (medians; all processes: the flow's"
        f" own, its spaCy workers and Prefect's temporary server; nlp.pipe's and its workers); bare / flow"
        f" {bare / flow:.2f}; each run: flow {flow_runs}; bare {bare_runs}"
    )


def system_cpu_line(flow_system: list[float], bare_system: list[float], articles: int) -> str:
    """Of that CPU, what the kernel spent for each side (mostly zeroing the pages malloc maps anew)."""
    flow, bare = (1000 * statistics.median(seconds) / articles for seconds in (flow_system, bare_system))
    return f"  of which system CPU     flow {flow:.2f} ms, bare spaCy {bare:.2f} ms per article (medians)"


def flow_against_bare(flow_rates: list[float], bare_rates: list[float]) -> list[float]:
    """Each flow run's speed over the mean speed of the bare runs on either side of it (flow run i ran between
    bare runs i and i + 1), so a drift of the machine's speed across the pair cancels."""
    return [
        flow / statistics.mean([before, after])
        for flow, before, after in zip(flow_rates, bare_rates, bare_rates[1:], strict=False)
    ]


def bare_against_bare(bare_rates: list[float]) -> list[float]:
    """The same pairing with bare spaCy on both sides: each bare run but the first and the last over the mean
    of the bare runs on either side of it. The same work each time, so every ratio would be 1.00 on a steady
    machine; how far they stray is how far this machine's drift alone moves a pairwise ratio in this bench
    (a little further than it moves the flow's: these neighbours are one flow run further apart)."""
    return [
        rate / statistics.mean([before, after])
        for before, rate, after in zip(bare_rates, bare_rates[1:], bare_rates[2:], strict=False)
    ]


def bare_against_bare_line(bare_rates: list[float]) -> str:
    """:func:`bare_against_bare` printed as the flow's ratios are, with how much the bare runs spread."""
    ratios = bare_against_bare(bare_rates)
    spread = max(bare_rates) / min(bare_rates) - 1
    return (
        f"ratio bare / bare spaCy  lowest {min(ratios):.2f}, median {statistics.median(ratios):.2f} (each bare run"
        f" between two others against them: {', '.join(f'{ratio:.2f}' for ratio in ratios)}; fastest bare run"
        f" {100 * spread:.0f} % faster than the slowest): the machine's drift alone, read as the flow's ratio is"
    )


def extra_bare_line(
    title: str, bare: dict, last_bare_rate: float, median_ratio: float, articles: int, note: str = ""
) -> str:
    """One more bare spaCy run after the others, set up differently (``title``): its speed beside the last
    plain bare run, its CPU per article, and the median ratio the flow would show against it."""
    rate = articles / bare["seconds"]
    return (
        f"{title:<25}{rate:.1f} articles/s (one run, after the others{'; ' + note if note else ''}; the last "
        f"plain bare run {last_bare_rate:.1f}: {rate / last_bare_rate:.2f}), CPU "
        f"{1000 * bare['cpu_seconds'] / articles:.2f} ms per article, system "
        f"{1000 * bare['system_seconds'] / articles:.2f}; median ratio against it about "
        f"{median_ratio * last_bare_rate / rate:.2f}"
    )


def export_cost(output: Path, to: Path, articles: int) -> str:
    """The plain-Parquet export of the first flow run's tables (every row new), timed: seconds per 1,000 articles."""
    from flows import storage
    from flows.tasks import pipeline_version

    started = time.perf_counter()
    result = storage.export_parquet(output, to, pipeline_version())
    seconds = time.perf_counter() - started
    return (
        f"export to Parquet        {seconds:.2f} s for {articles} new articles and their detail rows "
        f"({1000 * seconds / max(articles, 1):.2f} s per 1,000; {result.rows_written} rows)"
    )


def newsmill_run(raw: Path, output: Path, prefect_home: Path) -> float:
    """Wall seconds of ``newsmill run`` in a fresh process, with no PREFECT_API_URL (a temporary server if it has work)."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PREFECT_", "NEWSMILL_"))}
    env["PREFECT_HOME"] = str(prefect_home)
    command = [
        str(Path(sys.executable).with_name("newsmill")),
        "run",
        "--raw",
        str(raw),
        "--output",
        str(output),
    ]
    started = time.perf_counter()
    # Output to a file, not a pipe: a child that outlived the run (a temporary server) would hold a pipe open.
    with (prefect_home.parent / "newsmill-run.log").open("a") as log:
        subprocess.run(command, env=env, check=True, stdout=log, stderr=log, timeout=900)
    return time.perf_counter() - started


def print_no_op_runs(raw: Path, output: Path, prefect_home: Path) -> None:
    """Two runs with nothing new, each a fresh ``newsmill run`` process (the first may create Prefect's database)."""
    first, second = (newsmill_run(raw, output, prefect_home) for _ in range(2))
    print(
        f"nothing new, fresh process  {second:.1f} s wall (`newsmill run`, no Prefect server configured; the one before {first:.1f} s)"
    )


if __name__ == "__main__":
    main()
