"""Shared fixtures: the sample article, small raw folders with bad input, a blank spaCy pipeline, Prefect."""

from __future__ import annotations

import os
import platform
import shutil
import time
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import pytest

from flows import reaper
from flows.config import DEFAULT_MODEL, quiet_prefect_environment
from flows.core.ids import sha256_hex
from flows.core.intel.analysis import analyse
from flows.core.models import Article, EntityMention, RawDocument, SourceFile
from flows.core.tables.rows import RunInfo, entities_frame

# Tests write their raw files just before running: none of them waits for files to settle unless it says so.
os.environ["NEWSMILL_SETTLE_SECONDS"] = "0"
REPO = Path(__file__).resolve().parent.parent
SAMPLE_NAME = "000_a3bff82c688751b7.txt"
SAMPLE = REPO / "raw" / SAMPLE_NAME
DATA = Path(__file__).resolve().parent / "data"
LOGGING_CONFIG = REPO / "flows" / "prefect-logging.yml"
REAL_MODEL = DEFAULT_MODEL  # the locked model package: the tests marked e2e run it


def raw_document(
    data: bytes, path: str = "page.txt", mtime_ns: int = 1_600_000_000_000_000_000
) -> RawDocument:
    """A raw document as storage would read it."""
    return RawDocument(source=SourceFile(path, len(data), mtime_ns), data=data, sha256=sha256_hex(data))


def entity_rows(article: Article, mentions: Sequence[EntityMention], run: RunInfo) -> pl.DataFrame:
    """The entities table's rows for mentions in ``article``, tied to their entities as a batch ties them."""
    return entities_frame(mentions, run, analyse([article], mentions).links)


@pytest.fixture
def sample_bytes() -> bytes:
    return SAMPLE.read_bytes()


@pytest.fixture
def run_info() -> RunInfo:
    return RunInfo(
        run_id="test-run",
        ingested_at=datetime(2026, 11, 29, 12, 0, tzinfo=UTC),
        pipeline_version="0.1.0",
        model_name="en_test",
        model_version="0.0.0",
        schema_version="1.0.0",
        raw_source="/raw",
    )


BAD_INPUTS: dict[str, bytes] = {
    "empty.txt": b"",
    "blank.txt": b"  \n\n\t \n",
    "image.txt": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4,
    "menu-only.txt": b"Home\n\nNews\n\nSport\n\nWeather\n\nContact us\n",
}


def cp1252_page() -> bytes:
    """A page in Windows-1252: curly quotes and an e-acute, as old newsroom systems save it."""
    text = (
        "Caf\u00e9 owners fear \u201cthe worst\u201d as rents climb\n\n"
        "March 3, 2022\n\n"
        "Owners of small caf\u00e9s in the old town say rents have doubled in two years, and many expect to close.\n\n"
        "\u201cWe cannot go on like this for much longer,\u201d said Jos\u00e9 Alvarez, who runs a bakery there.\n"
    )
    return text.encode("cp1252")


def latin1_page() -> bytes:
    """A page in Latin-1 with no date line and no headline-shaped line."""
    text = (
        "The council of S\u00e3o Ant\u00f3nio met on Tuesday and agreed to repair the bridge before the winter.\n\n"
        "Engineers had warned that the structure was no longer safe for lorries and buses in heavy rain.\n"
    )
    return text.encode("latin-1")


@pytest.fixture
def raw_folder(tmp_path: Path) -> Path:
    """A raw folder with the sample, re-encoded pages and each kind of bad input."""
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(SAMPLE, raw / SAMPLE_NAME)
    for name, data in BAD_INPUTS.items():
        (raw / name).write_bytes(data)
    (raw / "nested").mkdir()
    (raw / "nested" / "cp1252.txt").write_bytes(cp1252_page())
    (raw / "latin1.txt").write_bytes(latin1_page())
    (raw / "copy-of-sample.txt").write_bytes(SAMPLE.read_bytes())
    (raw / "huge.txt").write_bytes(SAMPLE.read_bytes() * 2000)  # about 4 MB: over a 1 MB limit
    (raw / ".hidden.txt").write_bytes(b"editor swap file")
    return raw


@pytest.fixture(scope="session")
def prefect_api() -> Iterator[str]:
    """A real temporary Prefect server for the session; yields its API URL for in-process and CLI runs."""
    for name, value in quiet_prefect_environment(LOGGING_CONFIG).items():
        os.environ.setdefault(name, value)
    from prefect.settings import PREFECT_API_URL
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield str(PREFECT_API_URL.value())


@pytest.fixture
def cli_env(prefect_api: str, tmp_path: Path) -> dict[str, str]:
    """Environment for running the CLI in a subprocess against the session's Prefect server."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("NEWSMILL_")}
    env["NEWSMILL_SETTLE_SECONDS"] = "0"
    env["PREFECT_API_URL"] = prefect_api
    env["PREFECT_HOME"] = str(tmp_path / "prefect-home")
    return env


def wait_until_gone(processes: set[reaper.Process], seconds: float = 60.0) -> set[reaper.Process]:
    """Those of ``processes`` still running after ``seconds`` (a liveness bound, polled twice a second)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        left = {process for process in processes if reaper._is_running(process)}
        if not left:
            return left
        time.sleep(0.5)
    return left


# --- glibc's malloc: page faults of repeated batches (tests/test_heap.py, tests/test_parallel.py) ---

ON_GLIBC = platform.libc_ver()[0] == "glibc"

BLOCKS_PER_BATCH = 96  # 1 MiB each: more than glibc gives back once free, however it adjusted its thresholds
PAGES_PER_BATCH = BLOCKS_PER_BATCH * (1 << 20) // 4096


def page_faults_over_ten_batches() -> tuple[int, int]:
    """Ten rounds of what a spaCy batch does to the heap, in this process: :data:`BLOCKS_PER_BATCH` arrays of
    1 MiB taken, written and freed. The page faults of the first round, and of the nine after it."""
    import resource

    import numpy as np

    faults = []
    for _ in range(10):
        before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
        blocks = [np.ones(1 << 17) for _ in range(BLOCKS_PER_BATCH)]
        del blocks
        faults.append(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
    return faults[0], sum(faults[1:])
