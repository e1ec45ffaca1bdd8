"""End to end: a real Prefect run, the real spaCy model and real Delta tables on a small raw folder."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from flows import storage
from tests.conftest import SAMPLE_NAME, cp1252_page

pytestmark = pytest.mark.e2e

EXPECTED_ARTICLES = {SAMPLE_NAME, "nested/cp1252.txt", "latin1.txt"}
EXPECTED_REJECTS = {
    "empty.txt": "empty_file",
    "blank.txt": "no_text",
    "image.txt": "binary_content",
    "menu-only.txt": "no_article_text",
    "copy-of-sample.txt": "duplicate_content",
    "huge.txt": "too_large",
}


def _ingest(raw: Path, output: Path) -> object:
    from flows.ingest import ingest

    return ingest(raw_dir=str(raw), output_dir=str(output), max_file_mb=1.0)


def _where_each_file_went(output: Path) -> tuple[list[str], dict[str, str]]:
    articles = storage.read_table(output, "articles")["source_path"].to_list()
    rejects = storage.read_table(output, "rejects").select("source_path", "reason").rows()
    return sorted(articles), dict(rejects)


def test_flow_every_raw_file_ends_in_exactly_one_table(
    prefect_api: str, raw_folder: Path, tmp_path: Path
) -> None:
    output = tmp_path / "output"
    summary = _ingest(raw_folder, output)

    articles, rejects = _where_each_file_went(output)
    assert set(articles) == EXPECTED_ARTICLES
    assert len(articles) == len(EXPECTED_ARTICLES)
    assert rejects == EXPECTED_REJECTS
    assert summary.files_seen == len(EXPECTED_ARTICLES) + len(EXPECTED_REJECTS)  # type: ignore[attr-defined]
    # every table is created empty (v0) first, so the run's commits are v1; no file was removed
    assert summary.versions == {**dict.fromkeys(storage.TABLE_NAMES, 1), "removals": None}  # type: ignore[attr-defined]
    assert all(len(detail) > 30 for detail in storage.read_table(output, "rejects")["detail"])
    assert gc.get_freeze_count() == 0  # the run froze the long-lived objects for its collections, then let go


def test_flow_entities_point_into_the_stored_text(prefect_api: str, raw_folder: Path, tmp_path: Path) -> None:
    output = tmp_path / "output"
    _ingest(raw_folder, output)
    articles = storage.read_table(output, "articles")
    entities = storage.read_table(output, "entities")
    sample = articles.filter(pl.col("source_path") == SAMPLE_NAME).row(0, named=True)
    texts = {"headline": sample["headline"], "caption": sample["image_caption"], "body": sample["body"]}
    mine = entities.filter(pl.col("article_id") == sample["article_id"])
    for row in mine.iter_rows(named=True):
        assert texts[row["section"]][row["start_char"] : row["end_char"]] == row["text"]
    found = set(mine.select("label", "text").rows())
    assert {
        ("ORG", "The Iraqi Resistance Coordination Committee"),
        ("PERSON", "Fuad Hussein"),
        ("GPE", "Baghdad"),
    } <= found
    assert not any("Getty" in text for _, text in found)
    assert set(entities["article_id"]) <= set(articles["article_id"])
    assert entities["run_id"].unique().to_list() == [sample["run_id"]]
    for table in ("article_entities", "places", "quotes", "amounts", "text_dates"):
        rows = storage.read_table(output, table).filter(pl.col("article_id") == sample["article_id"])
        assert rows.height > 0, table


def test_flow_rerun_adds_nothing_and_changed_file_is_a_new_traceable_article(
    prefect_api: str, raw_folder: Path, tmp_path: Path
) -> None:
    output = tmp_path / "output"
    first = _ingest(raw_folder, output)
    counts = {table: storage.read_table(output, table).height for table in storage.TABLE_NAMES}

    again = _ingest(raw_folder, output)
    assert again.versions == dict.fromkeys(storage.TABLE_NAMES)  # type: ignore[attr-defined]
    assert again.files_unchanged == again.files_seen  # type: ignore[attr-defined]
    assert {table: storage.read_table(output, table).height for table in storage.TABLE_NAMES} == counts

    changed = raw_folder / "nested" / "cp1252.txt"
    changed.write_bytes(cp1252_page() + "Prices rose again in June, the owners added.\n".encode("cp1252"))
    third = _ingest(raw_folder, output)
    assert third.articles_written == 1  # type: ignore[attr-defined]
    versions = storage.read_table(output, "articles").filter(pl.col("source_path") == "nested/cp1252.txt")
    assert versions.height == 2
    assert versions["article_id"].n_unique() == 2
    assert versions["run_id"].n_unique() == 2
    assert first.run_id in versions["run_id"].to_list()  # type: ignore[attr-defined]
    history = storage.table_history(output, "articles")
    assert [commit["version"] for commit in history] == [2, 1, 0]
    revised = versions.sort("version").select("version", "previous_article_id", "changed_fields").rows()
    assert revised[1] == (2, versions.sort("version")["article_id"][0], ["body"])
    status = storage.read_article_status(output).filter(pl.col("source_path") == "nested/cp1252.txt")
    assert status.sort("version")["is_current"].to_list() == [False, True]
    assert history[0]["run_id"] == third.run_id  # type: ignore[attr-defined]


def _cli(*args: str, env: dict[str, str], cwd: Path) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "flows.cli", *args]
    return subprocess.Popen(
        command, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def test_flow_two_runs_at_once_never_duplicate(
    cli_env: dict[str, str], raw_folder: Path, tmp_path: Path
) -> None:
    output = tmp_path / "output"
    args = ("run", "--raw", str(raw_folder), "--output", str(output), "--max-file-mb", "1")
    repo = Path(__file__).resolve().parent.parent
    runs = [_cli(*args, env=cli_env, cwd=repo) for _ in range(2)]
    results = [run.communicate(timeout=600) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], results
    articles, rejects = _where_each_file_went(output)
    assert sorted(articles) == sorted(EXPECTED_ARTICLES)
    assert rejects == EXPECTED_REJECTS
    entities = storage.read_table(output, "entities")
    assert entities["mention_id"].n_unique() == entities.height
    assert not (output / storage.STAGING_DIR).exists()


def test_flow_cli_runs_with_no_server_and_no_noise(raw_folder: Path, tmp_path: Path) -> None:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PREFECT_", "NEWSMILL_"))}
    env["PREFECT_HOME"] = str(tmp_path / "prefect-home")
    repo = Path(__file__).resolve().parent.parent
    run = _cli(
        "run",
        "--raw",
        str(raw_folder),
        "--output",
        str(tmp_path / "out"),
        "--max-file-mb",
        "1",
        "--publish-parquet",
        str(tmp_path / "export"),
        env=env,
        cwd=repo,
    )
    stdout, stderr = run.communicate(timeout=600)
    assert run.returncode == 0, stderr
    assert "articles written  3" in stdout
    assert (
        "rejects written   6 (binary_content 1, duplicate_content 1, empty_file 1, no_article_text 1, no_text 1, too_large 1)"
        in stdout
    )
    # every table was created empty (v0) before the run's commits; nothing was removed
    assert "table versions    articles v1, entities v1, rejects v1, removals unchanged" in stdout
    manifest = storage.read_export_manifest(tmp_path / "export")
    assert manifest is not None
    assert manifest.tables["articles"].rows == 3
    for noise in ("Traceback", "telemetry", "ERROR", "Starting temporary server"):
        assert noise not in stdout + stderr


def test_flow_failed_run_says_why_and_leaves_tables_as_they_were(
    prefect_api: str, raw_folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from prefect.client.orchestration import get_client

    output = tmp_path / "output"
    _ingest(raw_folder, output)
    before = {table: storage.table_version(output, table) for table in storage.TABLE_NAMES}
    (raw_folder / "new.txt").write_bytes(cp1252_page() + b"One more paragraph for a new version of it all.\n")

    def broken_model(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the NLP step crashed on purpose")

    monkeypatch.setattr("flows.tasks.batch_tables", broken_model)
    from flows.ingest import ingest

    state = ingest(raw_dir=str(raw_folder), output_dir=str(output), max_file_mb=1.0, return_state=True)
    assert state.is_failed()
    assert gc.get_freeze_count() == 0  # a failed run lets go of the frozen objects too
    assert {table: storage.table_version(output, table) for table in storage.TABLE_NAMES} == before
    assert not (output / storage.STAGING_DIR).exists()
    with get_client(sync_client=True) as client:
        artifact = client.read_latest_artifacts()  # newest first, one per key
        reports = [a for a in artifact if a.key == "newsmill-run-report"]
    assert reports
    assert "failed" in str(reports[0].data)
    assert "the NLP step crashed on purpose" in str(reports[0].data)
