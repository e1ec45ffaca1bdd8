"""Plain-Parquet exports: exactly the Delta rows, published atomically, kept current by adding new rows only."""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import duckdb
import polars as pl
import pyarrow.dataset as pads
import pytest

from flows import storage, tasks
from flows.config import Settings
from flows.core.export import MANIFEST_NAME, Plan
from flows.core.models import EntityMention, Section
from flows.core.tables.rows import RunInfo, entities_frame, run_metadata


def _mentions(first: int, count: int) -> list[EntityMention]:
    return [
        EntityMention("a" * 32, Section.BODY, i, i + 3, "abc", "ORG", 0) for i in range(first, first + count)
    ]


def _run(settings: Settings, run: RunInfo, number: int) -> None:
    """One small run's commits: ten new entity rows."""
    run = replace(run, run_id=f"run-{number}")
    staging = storage.staging_dir(settings.output_dir, run.run_id)
    storage.stage_batch(staging, 1, {"entities": entities_frame(_mentions(10 * number, 10), run, {})})
    tasks.commit.fn(settings, run)


def _plain_keys(folder: Path) -> list[str]:
    return sorted(pads.dataset(folder, format="parquet").to_table()["mention_id"].to_pylist())


def _delta_keys(output: Path) -> list[str]:
    return sorted(storage.read_table(output, "entities")["mention_id"].to_list())


def test_export_after_compaction_and_vacuum_holds_exactly_the_delta_rows(
    tmp_path: Path, run_info: RunInfo
) -> None:
    output, to = tmp_path / "output", tmp_path / "export"
    settings = Settings(output_dir=output)
    for number in range(3):
        _run(settings, run_info, number)
    storage.maintain_table(output, "entities", run_metadata(run_info), 2, 0)  # compact, vacuum now
    on_disk = list((output / "entities").glob("*.parquet"))
    assert len(on_disk) == 1  # the compacted file only (stale ones vacuumed)

    result = storage.export_parquet(output, to, code_version="test", tables=["entities"])

    delta = storage.read_table(output, "entities").sort("mention_id")
    folder = to / "entities"
    assert sorted(os.listdir(folder)) == [Path(f).name for f in result.manifest.tables["entities"].files]
    assert pl.read_parquet(folder / "*.parquet").sort("mention_id").equals(delta)
    assert _plain_keys(folder) == _delta_keys(output)
    glob = str(folder / "*.parquet")
    counted = duckdb.sql(
        f"select count(*), count(distinct mention_id) from read_parquet('{glob}')"
    ).fetchall()
    assert counted == [(30, 30)]
    entry = result.manifest.tables["entities"]
    assert (entry.delta_version, entry.rows) == (storage.table_version(output, "entities"), 30)
    assert result.manifest.code_version == "test"


def test_export_kept_current_adds_only_the_new_rows_and_equals_a_full_export(
    tmp_path: Path, run_info: RunInfo
) -> None:
    output, to, again = tmp_path / "output", tmp_path / "export", tmp_path / "full"
    settings = Settings(output_dir=output)
    _run(settings, run_info, 0)
    first = storage.export_parquet(output, to, code_version="test")
    assert first.plans["entities"] is Plan.REBUILD
    for number in (1, 2):
        _run(settings, run_info, number)
    storage.maintain_table(output, "entities", run_metadata(run_info), 2, 168)  # compaction in between
    _run(settings, run_info, 3)

    update = storage.export_parquet(output, to, code_version="test")
    full = storage.export_parquet(output, again, code_version="test")

    assert update.plans["entities"] is Plan.APPEND
    assert update.rows_written == 30  # runs 1 to 3; the compaction's rewrite is not exported again
    assert full.rows_written == 40
    assert _plain_keys(to / "entities") == _plain_keys(again / "entities") == _delta_keys(output)
    unchanged = storage.export_parquet(output, to, code_version="test")
    assert unchanged.plans["entities"] is Plan.KEEP
    assert unchanged.rows_written == 0


def test_export_is_published_by_swapping_a_link_and_keeps_the_previous_snapshot(
    tmp_path: Path, run_info: RunInfo
) -> None:
    output, to = tmp_path / "output", tmp_path / "export"
    settings = Settings(output_dir=output)
    snapshots = []
    for number in range(3):
        _run(settings, run_info, number)
        snapshots.append(storage.export_parquet(output, to, code_version="test").folder)
    assert to.is_symlink()
    assert to.resolve() == snapshots[-1]
    assert (to / MANIFEST_NAME).is_file()
    assert not snapshots[0].exists()  # older than the previous one: removed
    assert snapshots[1].exists()  # a reader that opened it just before the swap can finish
    assert [p.name for p in snapshots[-1].parent.iterdir() if p.name.endswith(".tmp")] == []
    again = storage.export_parquet(output, to, code_version="test")
    assert storage.read_export_manifest(to) == again.manifest


def test_export_refuses_a_folder_that_is_not_an_export(tmp_path: Path) -> None:
    (tmp_path / "mine").mkdir()
    with pytest.raises(storage.ExportError, match="not a newsmill export"):
        storage.export_parquet(tmp_path / "output", tmp_path / "mine", code_version="test")
    with pytest.raises(storage.ExportError, match="not a local folder"):
        storage.check_export_target(Path("s3://bucket/export"))


def test_export_at_a_version_of_articles_or_a_time(tmp_path: Path, run_info: RunInfo) -> None:
    output = tmp_path / "output"
    settings = Settings(output_dir=output)
    _run(settings, run_info, 0)  # creates every table empty (version 0), then commits entities (version 1)
    _run(settings, run_info, 1)
    history = {commit["version"]: commit for commit in storage.table_history(output, "entities")}

    def at(version: int, shift_ms: int = 0) -> datetime:
        return storage.commit_time(history[version]["timestamp"] + shift_ms)

    old = storage.export_parquet(output, tmp_path / "old", code_version="test", as_of=at(1))
    assert old.manifest.tables["entities"].rows == 10
    assert old.manifest.tables["articles"].delta_version == 0  # created empty by the first run
    assert pl.read_parquet(tmp_path / "old" / "articles" / "*.parquet").height == 0
    before = storage.export_parquet(output, tmp_path / "before", code_version="test", as_of=at(0, -1000))
    assert before.manifest.tables["entities"].delta_version is None  # no table yet at that time
    at_articles_v0 = storage.export_parquet(output, tmp_path / "v0", code_version="test", version=0)
    assert at_articles_v0.manifest.tables["entities"].rows == 0  # the entities of run 0 came after
    with pytest.raises(storage.ExportError, match="no version 5"):
        storage.export_parquet(output, tmp_path / "v5", code_version="test", version=5)


def test_export_partitions_tables_that_have_the_column(tmp_path: Path, run_info: RunInfo) -> None:
    output, to = tmp_path / "output", tmp_path / "export"
    _run(Settings(output_dir=output), run_info, 0)
    result = storage.export_parquet(output, to, code_version="test", partition_by=["label"])
    assert result.manifest.tables["entities"].partition_by == ("label",)
    assert (to / "entities" / "label=ORG").is_dir()
    back = pads.dataset(to / "entities", format="parquet", partitioning="hive").to_table()
    assert back.num_rows == 10
    assert set(back["label"].to_pylist()) == {"ORG"}
    with pytest.raises(storage.ExportError, match="no exported table has a column"):
        storage.export_parquet(output, to, code_version="test", partition_by=["nope"])


def test_export_publish_setting_comes_from_the_environment() -> None:
    assert Settings.from_env({"NEWSMILL_PUBLISH_PARQUET": "pub"}).publish_parquet == Path("pub")
    assert Settings.from_env({}).publish_parquet is None
