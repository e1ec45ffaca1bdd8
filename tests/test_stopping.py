"""End to end: SIGTERM stops a run within seconds, and neither it nor kill -9 leaves a process behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from flows import reaper, storage
from tests.conftest import cp1252_page, wait_until_gone

pytestmark = pytest.mark.e2e


def _raw_folder(tmp_path: Path, files: int) -> Path:
    raw = tmp_path / "raw"
    raw.mkdir()
    for number in range(files):
        extra = f"\nParagraph {number}: the council met again on Tuesday and agreed on nothing at all.\n"
        (raw / f"page-{number:04d}.txt").write_bytes(cp1252_page() + extra.encode())
    return raw


def _start_run(tmp_path: Path, raw: Path) -> subprocess.Popen[str]:
    env = {
        key: value for key, value in os.environ.items() if not key.startswith(("NEWSMILL_", "PREFECT_API"))
    }
    env |= {"NEWSMILL_SETTLE_SECONDS": "0", "PREFECT_HOME": str(tmp_path / "prefect-home")}
    command = [
        sys.executable,
        "-m",
        "flows.cli",
        "run",
        "--raw",
        str(raw),
        "--output",
        str(tmp_path / "output"),
    ]
    return subprocess.Popen(
        [*command, "--processes", "2", "--files-per-batch", "100"],
        env=env,
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
    )


def _wait_for_workers(run: subprocess.Popen[str]) -> set[reaper.Process]:
    """Wait until the run tags its first batch (its spaCy workers are up); its descendants then."""
    assert run.stderr is not None
    for line in run.stderr:
        if line.startswith("batch 1/"):
            break
    else:
        pytest.fail(f"the run ended before its first batch (exit {run.wait()})")
    return reaper.descendants(run.pid)


def test_stopping_sigterm_stops_the_run_and_its_children_and_discards_staging(tmp_path: Path) -> None:
    run = _start_run(tmp_path, _raw_folder(tmp_path, 260))
    children = _wait_for_workers(run)
    assert len(children) >= 3  # two spaCy workers, the temporary Prefect server, the watcher, ...
    run.send_signal(signal.SIGTERM)
    code = run.wait(timeout=120)
    stderr = run.stderr.read() if run.stderr else ""

    assert code == 128 + signal.SIGTERM, stderr[-3000:]
    assert "stopped by SIGTERM" in stderr
    assert wait_until_gone(children) == set()
    assert not list((tmp_path / "output" / storage.STAGING_DIR).glob("*/articles"))


def test_stopping_kill_9_of_the_run_leaves_no_process_behind(tmp_path: Path) -> None:
    run = _start_run(tmp_path, _raw_folder(tmp_path, 260))
    children = _wait_for_workers(run)
    run.kill()
    run.wait(timeout=30)

    assert wait_until_gone(children) == set()


_HANDLED_BY_ITS_OWN = """
import os, signal, sys, time
from flows import stopping
stopping.stop_on_signals(grace_seconds=0.2)
if sys.argv[1] == "hand over":
    stopping.hand_over_signals()
signal.signal(signal.SIGTERM, lambda *_: print("handled", flush=True))
os.kill(os.getpid(), signal.SIGTERM)
time.sleep(2.0)  # ten times the grace: long enough for the watcher to stop the process
"""


@pytest.mark.parametrize(("how", "code"), [("keep watching", 128 + signal.SIGTERM), ("hand over", 0)])
def test_stopping_a_process_that_handed_over_its_signals_is_not_stopped_after_the_grace(
    how: str, code: int
) -> None:
    """``newsmill serve`` waits minutes for the run in progress; the watcher stopped it 5 s after Ctrl-C."""
    ended = subprocess.run(
        [sys.executable, "-c", _HANDLED_BY_ITS_OWN, how], capture_output=True, text=True, timeout=60
    )
    assert ended.stdout == "handled\n"
    assert ended.returncode == code, ended.stderr


_STOPPED_WHILE_EXITING = """
import atexit, os, signal, sys, time
from flows import cli
def stopped_during_teardown():  # as Prefect's handler stopping its temporary server, when the signal comes
    os.kill(os.getpid(), signal.SIGTERM)
    time.sleep(0.5)
    print("teardown finished", flush=True)
atexit.register(stopped_during_teardown)
sys.argv = ["newsmill", "--help"]
cli.entry()
"""


def test_stopping_a_signal_while_the_process_exits_prints_no_traceback() -> None:
    """The run was over (its summary printed); Ctrl-C then printed a traceback from Prefect's exit handler."""
    ended = subprocess.run(
        [sys.executable, "-c", _STOPPED_WHILE_EXITING], capture_output=True, text=True, timeout=120
    )
    assert ended.stdout.endswith("teardown finished\n")
    assert "Traceback" not in ended.stderr, ended.stderr
    assert ended.returncode == 0


_STOPPED_WHILE_PREFECT_SETS_UP_A_TASK = """
import os, signal
from flows import cli, stopping
stopping.stop_on_signals(grace_seconds=30)
with cli.stopped_cleanly():
    try:
        os.kill(os.getpid(), signal.SIGTERM)
        signal.pause()
    except stopping.RunStopped:  # as Prefect's task engine, interrupted before it had noted its task run
        raise ValueError("Task run is not set")
"""


def test_stopping_a_stop_that_surfaces_as_another_error_still_reports_the_stop() -> None:
    """Regression (CI, 2026-12-05): SIGTERM during a run exited 1 with "ValueError: Task run is not set"."""
    ended = _run_script(_STOPPED_WHILE_PREFECT_SETS_UP_A_TASK)
    assert ended.returncode == 128 + signal.SIGTERM, ended.stderr
    assert ended.stderr.startswith("newsmill: error: stopped by SIGTERM;"), ended.stderr
    assert "Traceback" not in ended.stderr


def _run_script(script: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)


_STOPPED_THROUGH_PREFECT_S_HANDLER = """
import os, signal
from prefect.exceptions import TerminationSignal
from flows import cli

def prefect_s_handler(signum, frame):  # what Prefect installs for SIGTERM while a flow runs
    raise TerminationSignal(signal=signum)

signal.signal(signal.SIGTERM, prefect_s_handler)
with cli.stopped_cleanly():
    try:
        os.kill(os.getpid(), signal.SIGTERM)
        signal.pause()
    except TerminationSignal:  # unwinding, the task engine fails before Prefect sends the signal on
        raise ValueError("Task run is not set")
"""


def test_stopping_a_stop_that_prefect_s_handler_took_still_reports_the_stop() -> None:
    """Regression (make test, 2026-12-05): during a flow run SIGTERM reaches Prefect's handler, which sends it
    on to ours only once the run has unwound; an error while unwinding exited 1, not as a stop."""
    ended = _run_script(_STOPPED_THROUGH_PREFECT_S_HANDLER)
    assert ended.returncode == 128 + signal.SIGTERM, ended.stderr
    assert ended.stderr.startswith("newsmill: error: stopped by SIGTERM;"), ended.stderr


_SIGNAL_ANOTHER_HANDLER_TAKES = """
import os, signal, time
from flows import stopping
stopping.stop_on_signals(grace_seconds=30)
signal.signal(signal.SIGTERM, lambda signum, frame: None)  # another handler, as Prefect's during a flow run
os.kill(os.getpid(), signal.SIGTERM)
deadline = time.monotonic() + 20
while stopping.stop_requested() is None and time.monotonic() < deadline:
    time.sleep(0.01)
print(stopping.stop_requested())
"""


def test_stopping_a_stop_signal_another_handler_takes_is_still_noted_as_requested() -> None:
    ended = _run_script(_SIGNAL_ANOTHER_HANDLER_TAKES)
    assert ended.stdout.strip() == str(int(signal.SIGTERM)), ended.stderr


def test_stopping_an_error_not_raised_by_a_stop_is_not_reported_as_one() -> None:
    from flows import cli

    def fail_while_handling_another_error() -> None:
        with cli.stopped_cleanly():
            try:
                raise KeyError("unrelated")
            except KeyError:
                raise ValueError("plain") from None

    with pytest.raises(ValueError, match="plain"):
        fail_while_handling_another_error()


def _accounting(output: Path, raw: Path) -> None:
    """Every raw file in exactly one current place; no duplicate key; no detail row without its article."""
    from schemas.tables import ARTICLE_DETAIL_TABLES, TABLES

    articles = storage.read_table(output, "articles")
    current_rejects = storage.current_rejects(output)
    in_articles = set(articles["source_path"].to_list())
    rejected = set(current_rejects["source_path"].to_list()) if current_rejects.height else set()
    files = {path.name for path in raw.iterdir()}
    assert in_articles | rejected == files
    assert not in_articles & rejected
    for table in storage.TABLE_NAMES:
        if storage.table_version(output, table) is None:
            continue
        frame = storage.read_table(output, table)
        assert frame[TABLES[table].key].n_unique() == frame.height, table
        if table in ARTICLE_DETAIL_TABLES:
            assert set(frame["article_id"].to_list()) <= set(articles["article_id"].to_list()), table


def test_stopping_kill_9_at_random_points_then_a_rerun_completes_the_work(tmp_path: Path) -> None:
    import random

    raw = _raw_folder(tmp_path, 300)
    (raw / "empty.txt").write_bytes(b"")  # a reject among the articles
    chance = random.Random(17)
    for kill in range(3):
        for number in range(60):  # new files each time, so every run has work to be killed in
            page = (
                cp1252_page() + f"\nKill {kill}, page {number}: one more paragraph of news here.\n".encode()
            )
            (raw / f"more-{kill}-{number:03d}.txt").write_bytes(page)
        run = _start_run(tmp_path, raw)
        _wait_for_workers(run)
        time.sleep(chance.uniform(0.0, 8.0))  # somewhere in tagging, staging or committing
        run.kill()
        run.wait(timeout=30)
    final = _start_run(tmp_path, raw)
    assert final.wait(timeout=900) == 0

    _accounting(tmp_path / "output", raw)
    assert not (tmp_path / "output" / storage.STAGING_DIR).exists()
