"""The benchmark's own pieces run on the code as it is (a bench that crashes at its last step measures nothing)."""

from __future__ import annotations

import contextlib
import importlib.util
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from flows.config import Settings

REPO = Path(__file__).resolve().parent.parent


def _bench_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_script", REPO / "scripts" / "bench.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_bench_builds_distinct_articles_from_the_sample(tmp_path: Path) -> None:
    bench = _bench_module()
    sample = (REPO / "raw" / "000_a3bff82c688751b7.txt").read_text(encoding="utf-8")

    bench.build_corpus(sample, 12, tmp_path)

    texts = [path.read_text(encoding="utf-8") for path in sorted(tmp_path.iterdir())]
    assert len(texts) == 12
    assert len(set(texts)) == 12


@pytest.mark.e2e
def test_bench_stage_costs_time_every_stage_on_the_real_model(tmp_path: Path) -> None:
    bench = _bench_module()
    raw = tmp_path / "raw"
    raw.mkdir()
    bench.build_corpus((REPO / "raw" / "000_a3bff82c688751b7.txt").read_text(encoding="utf-8"), 24, raw)

    costs = bench.stage_costs(raw, tmp_path / "work", Settings(raw_dir=raw, output_dir=tmp_path / "output"))

    assert list(costs) == [
        "read",
        "parse",
        "NLP: spaCy NER",
        "NLP: entity intelligence",
        "rows: articles, entities",
        "validate",
        "write (stage + commit)",
    ]
    assert all(cpu >= 0 and wall > 0 for cpu, wall in costs.values())
    assert costs["NLP: spaCy NER"][1] > costs["read"][1]


# Work a child process does before it says so: CPU seconds it cannot spend less than a few hundredths of.
_BUSY_CHILD = "sum(range(20_000_000)); print('done', flush=True); import sys; sys.stdin.read()"


@contextlib.contextmanager
def child_done_and_waiting(code: str) -> Iterator[subprocess.Popen[str]]:
    """A child process running ``code``, once it said 'done'; it ends when the block does."""
    with subprocess.Popen(
        [sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    ) as child:
        assert child.stdout is not None
        assert child.stdin is not None
        assert child.stdout.readline().strip() == "done"
        yield child
        child.stdin.close()


def test_bench_counts_the_cpu_of_the_processes_a_run_started() -> None:
    bench = _bench_module()
    before = bench.process_tree_cpu_seconds()
    with child_done_and_waiting(_BUSY_CHILD) as child:
        tree = bench.process_tree_cpu_seconds()
        spent = bench.cpu_seconds_since(before)

    assert os.getpid() in tree
    assert tree[child.pid] > 0.05
    assert spent >= tree[child.pid]


# Work the kernel does for a child: 64 MB written 20 times, each time in pages mapped anew.
_FAULTING_CHILD = "for _ in range(20): block = b'x' * (64 << 20); del block\nprint('done', flush=True)\n" + (
    "import sys; sys.stdin.read()"
)


def test_bench_tells_the_kernels_share_of_a_processs_cpu() -> None:
    bench = _bench_module()
    with child_done_and_waiting(_FAULTING_CHILD) as child:
        system = bench.process_tree_cpu_seconds(system_only=True)[child.pid]
        both = bench.process_tree_cpu_seconds()[child.pid]

    assert 0.02 < system <= both


def test_bench_counts_the_cpu_of_a_child_that_ended() -> None:
    bench = _bench_module()
    before = bench.own_and_children_cpu_seconds()
    subprocess.run([sys.executable, "-c", _BUSY_CHILD], input="", capture_output=True, check=True)

    assert bench.own_and_children_cpu_seconds() - before > 0.05


def test_bench_cpu_line_compares_the_median_cpu_per_article() -> None:
    bench = _bench_module()

    line = bench.cpu_line([2.0, 3.0, 2.5], [2.2, 2.0, 2.4], 100)

    assert "flow 25.00 ms, bare spaCy 22.00 ms" in line
    assert line.endswith("bare / flow 0.88; each run: flow 20.0, 30.0, 25.0; bare 22.0, 20.0, 24.0")


def test_bench_says_how_spacy_and_thinc_were_built() -> None:
    bench = _bench_module()

    assert bench.hooks_line([]).startswith("without Cython's profiling hooks")
    assert bench.hooks_line(["spacy", "thinc"]).startswith("with Cython's profiling hooks in spacy and thinc")
    assert "in thinc (their wheels)" in bench.hooks_line(["thinc"])


def test_bench_compares_the_flow_with_one_more_bare_run_set_up_otherwise() -> None:
    bench = _bench_module()
    bare = {"seconds": 50.0, "cpu_seconds": 2.4, "system_seconds": 0.1}

    line = bench.extra_bare_line(
        "bare spaCy, malloc kept", bare, last_bare_rate=80.0, median_ratio=0.96, articles=4000
    )

    assert line.startswith(
        "bare spaCy, malloc kept  80.0 articles/s (one run, after the others; the last plain"
    )
    assert "bare run 80.0: 1.00), CPU 0.60 ms per article, system 0.03" in line
    assert line.endswith("median ratio against it about 0.96")
    # 4,000 articles in 40 s: 100 articles/s against the last plain run's 80
    slower = bench.extra_bare_line("x", {**bare, "seconds": 40.0}, 80.0, 0.96, 4000, note="n")
    assert "(one run, after the others; n; the last" in slower
    assert slower.endswith("median ratio against it about 0.77")


def test_bench_pairs_each_flow_run_with_the_bare_runs_on_either_side() -> None:
    bench = _bench_module()

    # bare 100, flow 95, bare 80, flow 110, bare 120, flow 90, bare 100: the first flow run against (100 + 80) / 2
    ratios = bench.flow_against_bare([95.0, 110.0, 90.0], [100.0, 80.0, 120.0, 100.0])

    assert [round(ratio, 3) for ratio in ratios] == [1.056, 1.1, 0.818]


def test_bench_pairs_bare_spacy_with_itself_as_it_pairs_the_flow() -> None:
    bench = _bench_module()

    steady = bench.bare_against_bare([80.0, 80.0, 80.0, 80.0])
    # 80 between 100 and 120; 120 between 80 and 100
    drifting = bench.bare_against_bare([100.0, 80.0, 120.0, 100.0])

    assert steady == [1.0, 1.0]
    assert [round(ratio, 3) for ratio in drifting] == [0.727, 1.333]
    line = bench.bare_against_bare_line([100.0, 80.0, 120.0, 100.0])
    assert line.startswith(
        "ratio bare / bare spaCy  lowest 0.73, median 1.03 (each bare run between two others"
    )
    assert "0.73, 1.33; fastest bare run 50 % faster than the slowest)" in line
