"""The C library's malloc: memory given back after the commits, kept for reuse where spaCy runs."""

from __future__ import annotations

import ctypes
import subprocess
import sys
from pathlib import Path

import pytest

from flows import heap
from tests.conftest import ON_GLIBC, PAGES_PER_BATCH

_IN_A_FRESH_PROCESS = """
import sys
from flows import heap
from tests.conftest import page_faults_over_ten_batches
if sys.argv[1] == "keep":
    assert heap.keep_freed_memory_for_reuse()
print(*page_faults_over_ten_batches())
"""


def page_faults_in_a_fresh_process(setting: str) -> tuple[int, int]:
    """:func:`page_faults_over_ten_batches` in a fresh interpreter (malloc's settings are the process's)."""
    done = subprocess.run(
        [sys.executable, "-c", _IN_A_FRESH_PROCESS, setting],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
        cwd=Path(__file__).resolve().parent.parent,
    )
    first, rest = done.stdout.split()
    return int(first), int(rest)


@pytest.mark.skipif(not ON_GLIBC, reason="glibc's malloc only")
def test_a_process_that_keeps_freed_memory_maps_its_pages_once_not_for_every_batch() -> None:
    first, rest = page_faults_in_a_fresh_process("keep")
    assert first >= PAGES_PER_BATCH * 0.9  # the first batch touches its pages for the first time
    assert rest < PAGES_PER_BATCH * 0.1  # the nine after it reuse them

    _, rest_by_default = page_faults_in_a_fresh_process("default")
    assert rest_by_default > PAGES_PER_BATCH * 5  # glibc's defaults map them again, batch after batch


def test_freed_memory_is_given_back_where_the_c_library_can(monkeypatch: pytest.MonkeyPatch) -> None:
    heap._c_library_function.cache_clear()
    assert heap.return_freed_memory() is ON_GLIBC

    class NoMalloc:
        def __init__(self, name: object) -> None:
            pass

    monkeypatch.setattr(ctypes, "CDLL", NoMalloc)  # a C library without malloc_trim or mallopt (macOS, musl)
    heap._c_library_function.cache_clear()
    try:
        assert heap.return_freed_memory() is False
        assert heap.keep_freed_memory_for_reuse() is False
    finally:
        heap._c_library_function.cache_clear()
