"""End to end, under real faults: concurrent runs into one output, a full disk, a read-only output, a hung
spaCy worker. Each ends with every raw file in exactly one current place and no duplicate key in any table,
and with one clear line wherever a person must act.

The disk faults mount a small tmpfs (root, or CAP_SYS_ADMIN); where the machine does not allow it, those tests
are skipped with the reason.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import polars as pl
import pytest

from flows import parallel, storage
from flows.core.models import Article
from flows.core.tables.rows import BatchTables, RunInfo
from schemas.tables import ARTICLE_DETAIL_TABLES, TABLES

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parent.parent
RUN_SECONDS = 1200  # a run on a busy two-core machine; generous, never a measure of speed

WORDS = (
    *("council", "bridge", "harbour", "minister", "rents", "bakery", "river", "winter", "budget", "school"),
    *("station", "market", "election", "court", "mayor", "hospital", "union", "strike", "museum"),
    *("railway", "farmers", "prices", "drought", "festival", "police", "report"),
)
NAMES = ("Ana Ruiz", "Tom Becker", "Mina Okafor", "Lars Holm", "Priya Nair", "Jonas Weber")


def news_page(seed: int) -> bytes:
    """A page of made-up news, different for each seed (words and numbers drawn at random)."""
    chance = random.Random(seed)
    paragraphs = []
    for _ in range(chance.randint(4, 8)):
        words = [
            chance.choice(WORDS) + (str(chance.randint(0, 99_999)) if chance.random() < 0.3 else "")
            for _ in range(chance.randint(30, 60))
        ]
        paragraphs.append(f"{chance.choice(NAMES)} said on Tuesday that the {' '.join(words)}.")
    headline = f"Story number {seed} about the {chance.choice(WORDS)}"
    return f"{headline}\n\nMarch 3, 2022\n\n{chr(10).join(p + chr(10) for p in paragraphs)}".encode()


def raw_folder(folder: Path, pages: Sequence[int], prefix: str = "page") -> Path:
    """A raw folder with one page per seed, named ``<prefix>-<seed>.txt``, and an empty file (a reject)."""
    folder.mkdir(parents=True, exist_ok=True)
    for seed in pages:
        (folder / f"{prefix}-{seed:05d}.txt").write_bytes(news_page(seed))
    (folder / f"{prefix}-empty.txt").write_bytes(b"")
    return folder


def start_run(env: dict[str, str], raw: Path, output: Path, *extra: str) -> subprocess.Popen[str]:
    """``newsmill run`` in its own process, as a person or a scheduler starts it."""
    before = [arg for arg in extra if arg == "--debug"]
    after = [arg for arg in extra if arg != "--debug"]
    command = [sys.executable, "-m", "flows.cli", *before, "run", "--raw", str(raw), "--output", str(output)]
    return subprocess.Popen(
        [*command, *after], env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def finish(run: subprocess.Popen[str]) -> tuple[int, str, str]:
    stdout, stderr = run.communicate(timeout=RUN_SECONDS)
    return run.returncode, stdout, stderr


def assert_one_clear_line(stderr: str, starts: str) -> None:
    """The run said what to do in one line, and showed no traceback, Rust panic or backtrace."""
    errors = [line for line in stderr.splitlines() if line.startswith("newsmill: error:")]
    assert len(errors) == 1, stderr
    assert errors[0].startswith(f"newsmill: error: {starts}"), stderr
    for noise in ("Traceback", "panicked", "stack backtrace", "RUST_BACKTRACE"):
        assert noise not in stderr, stderr


def assert_accounted(output: Path, raw_folders: Sequence[Path]) -> None:
    """Every raw file (its raw folder and its path in it) in exactly one current place; no duplicate key in any
    table; no detail row without its article; no half-written version; no staging left."""
    storage.check_table_logs(output)  # every log entry whole
    articles = storage.read_table(output, "articles")
    rejects = storage.current_rejects(output)
    in_articles = set(articles.select("raw_source", "source_path").rows())
    rejected = set(rejects.select("raw_source", "source_path").rows()) if rejects.height else set()
    files = {(str(folder.resolve()), path.name) for folder in raw_folders for path in folder.iterdir()}
    assert in_articles | rejected == files
    assert not in_articles & rejected
    assert rejects.select("raw_source", "source_path").n_unique() == rejects.height
    for table in storage.TABLE_NAMES:
        frame = storage.read_table(output, table)
        assert frame[TABLES[table].key].n_unique() == frame.height, table
        if table in ARTICLE_DETAIL_TABLES:
            assert set(frame["article_id"].to_list()) <= set(articles["article_id"].to_list()), table
    assert not (output / storage.STAGING_DIR).exists()


# --- concurrent runs --------------------------------------------------------------------------------------


def test_faults_concurrent_runs_on_different_raw_folders_with_an_identical_file(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    """Runs on folders a and b, and a second run on a, at once: the same bytes in both folders, under one name
    or two, are one article and one duplicate_content reject (a file is its raw folder and its path)."""
    folder_a = raw_folder(tmp_path / "raw-a", range(0, 12), prefix="a")
    folder_b = raw_folder(tmp_path / "raw-b", range(100, 112), prefix="b")
    for folder in (folder_a, folder_b):
        (folder / "shared.txt").write_bytes(news_page(500))
    (folder_a / "copy-in-a.txt").write_bytes(news_page(600))
    (folder_b / "copy-in-b.txt").write_bytes(news_page(600))
    output = tmp_path / "output"

    runs = [start_run(cli_env, folder, output) for folder in (folder_a, folder_b, folder_a)]
    results = [finish(run) for run in runs]

    assert [code for code, _, _ in results] == [0, 0, 0], results
    assert_accounted(output, [folder_a, folder_b])
    copies = storage.current_rejects(output).filter(pl.col("source_path").str.starts_with("copy-in-"))
    assert copies["reason"].to_list() == ["duplicate_content"]
    articles = storage.read_table(output, "articles")
    assert articles.filter(pl.col("source_path") == "shared.txt").height == 1
    shared = storage.current_rejects(output).filter(pl.col("source_path") == "shared.txt")
    assert shared["reason"].to_list() == ["duplicate_content"]
    # and a later run of each folder finds nothing to do
    for folder in (folder_a, folder_b):
        code, stdout, stderr = finish(start_run(cli_env, folder, output))
        assert code == 0, stderr
        assert "articles written  0" in stdout
        assert "rejects written   0" in stdout


# --- the disk ---------------------------------------------------------------------------------------------


class Tmpfs:
    """A tmpfs mounted at a folder for one test (unmounted after it, whatever happens)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def remount(self, options: str) -> None:
        subprocess.run(
            ["mount", "-o", f"remount,{options}", str(self.folder)], check=True, capture_output=True
        )


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Tmpfs]:
    """A 2 MiB tmpfs at ``tmp_path/disk`` (skipped where mounting is not permitted)."""
    folder = tmp_path / "disk"
    folder.mkdir()
    try:
        subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(folder)], check=True, capture_output=True
        )
    except (OSError, subprocess.CalledProcessError) as error:
        detail = getattr(error, "stderr", b"") or str(error)
        pytest.skip(f"cannot mount a tmpfs here (needs root or CAP_SYS_ADMIN): {detail!r}")
    try:
        yield Tmpfs(folder)
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False, capture_output=True)


def test_faults_a_full_disk_is_one_line_and_the_next_run_finishes_the_work(
    cli_env: dict[str, str], tmp_path: Path, small_disk: Tmpfs
) -> None:
    raw = raw_folder(tmp_path / "raw", range(120))  # about 0.5 MB of text: more than the disk holds as tables
    output = small_disk.folder / "output"

    code, _, stderr = finish(start_run(cli_env, raw, output))
    assert code == 2, stderr
    assert_one_clear_line(stderr, "the disk holding the output is full")
    assert "free space and run again" in stderr
    code, _, debug = finish(start_run(cli_env, raw, output, "--debug"))
    assert code != 0
    assert "Traceback" in debug  # --debug shows where it failed

    small_disk.remount("size=256m")  # space freed
    code, _, stderr = finish(start_run(cli_env, raw, output))
    assert code == 0, stderr
    assert_accounted(output, [raw])
    assert storage.read_table(output, "articles").height == 120


def test_faults_a_read_only_output_fails_only_a_run_with_work_and_in_one_line(
    cli_env: dict[str, str], tmp_path: Path, small_disk: Tmpfs
) -> None:
    small_disk.remount("size=64m")
    raw = raw_folder(tmp_path / "raw", range(3))
    output = small_disk.folder / "output"
    code, _, stderr = finish(start_run(cli_env, raw, output))
    assert code == 0, stderr
    small_disk.remount("ro")

    code, stdout, stderr = finish(start_run(cli_env, raw, output))
    assert code == 0, stderr  # nothing new: nothing to write
    assert "articles written  0" in stdout
    (raw / "page-00099.txt").write_bytes(news_page(99))
    code, _, stderr = finish(start_run(cli_env, raw, output))
    assert code == 2, stderr
    assert_one_clear_line(stderr, "the output is on a read-only file system")

    small_disk.remount("rw")
    code, _, stderr = finish(start_run(cli_env, raw, output))
    assert code == 0, stderr
    assert_accounted(output, [raw])


def test_faults_a_run_on_an_output_with_a_truncated_log_entry_is_one_line(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    raw = raw_folder(tmp_path / "raw", range(2))
    output = tmp_path / "output"
    code, _, stderr = finish(start_run(cli_env, raw, output))
    assert code == 0, stderr
    log = sorted((output / "articles" / "_delta_log").glob("*.json"))[-1]
    log.write_bytes(b"")  # truncated to 0 bytes
    (raw / "page-00099.txt").write_bytes(news_page(99))

    code, _, stderr = finish(start_run(cli_env, raw, output))
    assert code == 2
    assert_one_clear_line(stderr, "table 'articles' is damaged")
    history = subprocess.run(
        [sys.executable, "-m", "flows.cli", "history", "--output", str(output)],
        env=cli_env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=RUN_SECONDS,
    )
    assert history.returncode == 2
    assert_one_clear_line(history.stderr, "table 'articles' is damaged")


# --- a hung spaCy worker ----------------------------------------------------------------------------------

HANG_LOG = "NEWSMILL_TEST_HANG_LOG"  # read by the test's chunk function only, in the worker processes


def tag_chunk_or_hang(model_name: str, articles: list[Article], run: RunInfo, batch_size: int) -> BatchTables:
    """In a spaCy worker: a chunk holding the file named ``hang-*`` never returns (as a tokenizer stuck on a
    hostile text); every other chunk is tagged as usual. Each hanging attempt is noted in a file."""
    if any(article.source_path.startswith("hang-") for article in articles):
        with open(os.environ[HANG_LOG], "a", encoding="utf-8") as log:
            log.write(f"{os.getpid()}\n")
        while True:
            time.sleep(60)
    return parallel._chunk_tables(model_name, articles, run, batch_size)


def test_faults_a_hung_worker_is_replaced_and_its_article_retried_once_then_rejected(
    prefect_api: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from flows.config import DEFAULT_MODEL
    from flows.ingest import ingest

    raw = raw_folder(tmp_path / "raw", range(6))
    (raw / "hang-here.txt").write_bytes(news_page(7))
    hangs = tmp_path / "hangs.log"
    monkeypatch.setenv(HANG_LOG, str(hangs))
    monkeypatch.setenv("NEWSMILL_SETTLE_SECONDS", "0")
    monkeypatch.setenv("NEWSMILL_POOL_MIN_FILES", "0")  # a pool of workers even for these few files
    monkeypatch.setattr(parallel, "ARTICLES_PER_CHUNK", 1)
    monkeypatch.setattr(parallel, "MAX_ARTICLES_PER_CHUNK", 1)
    monkeypatch.setattr(parallel, "CHUNK_SECONDS", 90.0)  # far above a one-article chunk, even under load
    monkeypatch.setattr(parallel, "_chunk_tables", tag_chunk_or_hang)
    parallel.close_pools()
    parallel.start_workers(DEFAULT_MODEL, 2)  # the workers' model loads are not part of a chunk's budget
    first_workers = set(parallel.worker_pids())
    try:
        summary = ingest(raw_dir=str(raw), output_dir=str(tmp_path / "output"), processes=2)
    finally:
        parallel.close_pools()

    assert summary.files_seen == 8  # type: ignore[attr-defined]
    assert len(hangs.read_text().split()) == 2  # tried once more, in a fresh worker
    assert_accounted(tmp_path / "output", [raw])
    rejects = storage.current_rejects(tmp_path / "output")
    hung = rejects.filter(pl.col("source_path") == "hang-here.txt").row(0, named=True)
    assert (hung["stage"], hung["reason"]) == ("tag", "processing_error")
    assert "died or ran out of time, twice" in hung["detail"]
    assert storage.read_table(tmp_path / "output", "articles").height == 6
    assert not first_workers & {int(pid) for pid in hangs.read_text().split()[1:]}
