"""What a run has to do, found without Prefect: a run with nothing to do is told apart from one with work."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from flows import storage
from flows.changes import NOT_RECORDED, summary_if_idle
from flows.config import Settings
from flows.core.ids import sha256_hex
from flows.core.models import Reject, RejectReason, Stage
from flows.core.tables.rows import RunInfo, rejects_frame, run_metadata
from tests.conftest import REPO

RUN = RunInfo("run-1", datetime(2026, 1, 1, tzinfo=UTC), "0.1.0", "en_core", "3.8.0", "1.0.0", "/raw")


def ingested(tmp_path: Path, tables: bool = True) -> Settings:
    """A raw folder with one empty file, recorded as an ``empty_file`` reject (every table created unless not
    ``tables``), and the settings of a run over it."""
    raw, output = tmp_path / "raw", tmp_path / "output"
    raw.mkdir()
    (raw / "empty.txt").write_bytes(b"")
    found = (raw / "empty.txt").stat()
    reject = Reject(
        "empty.txt",
        sha256_hex(b""),
        0,
        found.st_mtime_ns,
        Stage.READ,
        RejectReason.EMPTY_FILE,
        "the file is empty",
    )
    run = replace(RUN, raw_source=str(raw.resolve()))  # the raw folder's default name
    storage.prepare_output_dir(output)
    staging = storage.staging_dir(output, run.run_id)
    storage.stage_batch(staging, 1, {"rejects": rejects_frame([reject], run)})
    storage.commit_staged(output, staging, "rejects", "reject_id", run_metadata(run))
    storage.remove_staging(staging)
    if tables:
        storage.ensure_tables(output, run_metadata(run))
    return Settings(raw_dir=raw, output_dir=output, settle_seconds=0)


def test_changes_a_run_over_recorded_files_is_idle_and_says_so(tmp_path: Path) -> None:
    summary = summary_if_idle(ingested(tmp_path))

    assert summary is not None
    assert summary.run_id == NOT_RECORDED
    assert (summary.files_seen, summary.files_unchanged) == (1, 1)
    assert summary.outcome() == "nothing new (1 files already ingested)"
    assert set(summary.versions) == set(storage.TABLE_NAMES)
    assert all(version is None for version in summary.versions.values())
    assert summary.rows_written == dict.fromkeys(storage.COMMIT_ORDER, 0)


@pytest.mark.parametrize("work", ["a new file", "a changed file", "a table not yet created", "an export"])
def test_changes_a_run_with_something_to_do_is_not_idle(tmp_path: Path, work: str) -> None:
    settings = ingested(tmp_path, tables=work != "a table not yet created")
    if work == "a new file":
        (settings.raw_dir / "new.txt").write_text("A headline\n\nA body.\n")
    if work == "a changed file":
        (settings.raw_dir / "empty.txt").write_text("no longer empty\n")
    if work == "an export":
        settings = settings.with_overrides(publish_parquet=tmp_path / "export")

    assert summary_if_idle(settings) is None


PROBE = """
import json, os, sys
from flows.cli import main
try:
    main(sys.argv[2:])
finally:
    children = [
        int(pid)
        for task in os.listdir("/proc/self/task")
        for pid in open(f"/proc/self/task/{task}/children").read().split()
    ]
    json.dump({
        "spaCy imported": "spacy" in sys.modules,
        "model package imported": any(name.startswith("en_core_web") for name in sys.modules),
        "Prefect imported": "prefect" in sys.modules,
        "child processes": children,
    }, open(sys.argv[1], "w"))
"""


def test_changes_a_run_with_nothing_new_starts_nothing_in_a_fresh_process(tmp_path: Path) -> None:
    """No Prefect server configured and nothing new: no model, no Prefect (so no temporary server), no worker."""
    settings = ingested(tmp_path)
    env = {key: value for key, value in os.environ.items() if not key.startswith("PREFECT_")}
    env |= {"PREFECT_HOME": str(tmp_path / "prefect"), "PYTHONPATH": str(REPO)}
    probe = tmp_path / "probe.json"
    args = ["run", "--raw", str(settings.raw_dir), "--output", str(settings.output_dir)]
    result = subprocess.run(
        [sys.executable, "-c", PROBE, str(probe), *args], env=env, capture_output=True, text=True, timeout=300
    )

    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"run {NOT_RECORDED}: ")
    assert "files seen        1 (1 already ingested, skipped)" in lines
    assert lines[-1].startswith("prefect           no flow run recorded: nothing new")
    assert json.loads(probe.read_text()) == {
        "spaCy imported": False,
        "model package imported": False,
        "Prefect imported": False,
        "child processes": [],
    }
