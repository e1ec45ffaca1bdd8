"""Output files of sensible size: many runs leave few files; vacuum keeps what readers may still need."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from flows import storage, tasks
from flows.config import Settings
from flows.core.models import EntityMention, Section
from flows.core.tables.rows import RunInfo, entities_frame, run_metadata


def _mentions(first: int, count: int) -> list[EntityMention]:
    return [
        EntityMention("a" * 32, Section.BODY, i, i + 3, "abc", "ORG", 0) for i in range(first, first + count)
    ]


def _one_run(settings: Settings, run: RunInfo, number: int) -> None:
    """What the flow does for one small run: stage, commit, then maintain the tables it committed to."""
    run = replace(run, run_id=f"run-{number}")
    staging = storage.staging_dir(settings.output_dir, run.run_id)
    storage.stage_batch(staging, 1, {"entities": entities_frame(_mentions(10 * number, 10), run, {})})
    tasks.commit.fn(settings, run)
    tasks.maintain.fn(settings, run, ["entities"])


def test_compaction_many_runs_leave_few_files_and_every_row(tmp_path: Path, run_info: RunInfo) -> None:
    settings = Settings(output_dir=tmp_path, compact_min_files=10)
    for number in range(25):
        _one_run(settings, run_info, number)
    assert storage.table_file_count(tmp_path, "entities") < 10
    table = storage.read_table(tmp_path, "entities")
    assert table.height == 250
    assert table["mention_id"].n_unique() == 250
    operations = [commit["operation"] for commit in storage.table_history(tmp_path, "entities")]
    assert operations.count("OPTIMIZE") >= 2


def test_compaction_is_stamped_and_old_versions_stay_readable(tmp_path: Path, run_info: RunInfo) -> None:
    settings = Settings(output_dir=tmp_path, compact_min_files=3)
    for number in range(3):
        _one_run(settings, run_info, number)
    optimize = next(
        commit for commit in storage.table_history(tmp_path, "entities") if commit["operation"] == "OPTIMIZE"
    )
    assert optimize["run_id"] == "run-2"
    assert optimize["newsmill_operation"] == "maintenance"
    assert optimize["model_name"] == run_info.model_name
    # the default retention (7 days) keeps the files of versions written before the compaction
    # (version 0 is the table created empty by the first run, version 1 its first rows)
    assert storage.read_table(tmp_path, "entities", version=1).height == 10


@pytest.mark.parametrize(("retention_hours", "old_version_readable"), [(168, True), (0, False)])
def test_compaction_vacuum_follows_the_configured_retention(
    tmp_path: Path, run_info: RunInfo, retention_hours: int, old_version_readable: bool
) -> None:
    settings = Settings(output_dir=tmp_path, compact_min_files=2, retention_hours=retention_hours)
    for number in range(2):
        _one_run(settings, run_info, number)
    result = storage.maintain_table(tmp_path, "entities", run_metadata(run_info), 2, retention_hours)
    assert result is not None
    assert storage.read_table(tmp_path, "entities").height == 20
    if old_version_readable:
        assert storage.read_table(tmp_path, "entities", version=1).height == 10
    else:
        with pytest.raises(Exception, match=r"(?i)not found|no such file"):
            storage.read_table(tmp_path, "entities", version=1)


def test_compaction_of_a_missing_table_does_nothing(tmp_path: Path, run_info: RunInfo) -> None:
    assert storage.maintain_table(tmp_path, "entities", run_metadata(run_info), 2, 168) is None


def test_compaction_reports_the_versions_it_committed(tmp_path: Path, run_info: RunInfo) -> None:
    from flows.core.summary import describe_maintenance

    settings = Settings(output_dir=tmp_path)
    for number in range(3):
        run = replace(run_info, run_id=f"run-{number}")
        staging = storage.staging_dir(tmp_path, run.run_id)
        storage.stage_batch(staging, 1, {"entities": entities_frame(_mentions(10 * number, 10), run, {})})
        tasks.commit.fn(settings, run)
    before = storage.table_version(tmp_path, "entities")
    assert before is not None
    result = storage.maintain_table(tmp_path, "entities", run_metadata(run_info), 2, 0)
    assert result is not None
    assert result.versions[0] == before + 1
    assert result.versions[-1] == storage.table_version(tmp_path, "entities")
    operations = {c["version"]: c["operation"] for c in storage.table_history(tmp_path, "entities")}
    assert operations[result.versions[0]] == "OPTIMIZE"
    assert describe_maintenance(result.versions, True, 3, 1).startswith(
        f"v{before + 1}-v{result.versions[-1]}"
    )
    assert describe_maintenance((4,), True, 12, 1) == "v4 (compacted 12 files into 1)"
    assert describe_maintenance((4, 5, 6), True, 12, 1) == "v4-v6 (compacted 12 files into 1, vacuum)"
