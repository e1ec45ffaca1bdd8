"""Scale-out: the flow on a local Dask cluster writes the same tables as a run in one process."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from flows import storage
from flows.cli import main
from schemas.tables import TABLES
from tests.conftest import REPO

RUN_COLUMNS = ["run_id", "ingested_at"]


def _contents(output: Path, table: str) -> pl.DataFrame:
    frame = storage.read_table(output, table)
    return frame.drop(RUN_COLUMNS).sort(TABLES[table].key)


@pytest.mark.e2e
def test_dask_local_cluster_writes_the_same_tables_as_one_process(
    cli_env: dict[str, str], raw_folder: Path, tmp_path: Path
) -> None:
    from flows.ingest import ingest

    alone, on_dask = tmp_path / "alone", tmp_path / "dask"
    ingest(raw_dir=str(raw_folder), output_dir=str(alone), max_file_mb=1.0, processes=1)
    args = ["run", "--raw", str(raw_folder), "--output", str(on_dask), "--max-file-mb", "1"]
    result = subprocess.run(
        [sys.executable, "-m", "flows.cli", *args, "--workers", "2", "--files-per-batch", "3"],
        env=cli_env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    assert "articles written  3" in result.stdout
    for table in ("articles", "entities", "rejects"):
        assert _contents(on_dask, table).equals(_contents(alone, table)), table


def test_dask_without_a_prefect_server_is_one_clear_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    result = CliRunner().invoke(
        main, ["run", "--raw", str(tmp_path), "--output", str(tmp_path / "out"), "--workers", "2"]
    )
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1
    assert "need a running Prefect server" in lines[0]
    assert "PREFECT_API_URL" in lines[0]
