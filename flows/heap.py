"""The C library's ``malloc``, told when to give memory back: after a step that freed a lot (the commits) and,
in a process that runs spaCy, not after every batch.

glibc only (``malloc_trim``, ``mallopt``); elsewhere each function says it could not and changes nothing.
Nothing heavy is imported here: the spaCy workers import this module.
"""

from __future__ import annotations

import ctypes
import functools
from collections.abc import Callable


@functools.cache
def _c_library_function(name: str) -> Callable[..., int] | None:
    """One of glibc's ``malloc`` tuning functions (``malloc_trim``, ``mallopt``), or None where the C library
    has none (macOS, musl)."""
    try:
        function: Callable[..., int] = getattr(ctypes.CDLL(None), name)
    except (AttributeError, OSError, TypeError):  # no such function; no C library to open by None (Windows)
        return None
    return function


def return_freed_memory() -> bool:
    """Hand the memory the C library's ``malloc`` holds freed back to the system (glibc's ``malloc_trim``);
    False where the C library cannot.

    Called by :func:`storage.commit_run` before and after each table's commit and by
    :func:`storage.refresh_identities`, the end-of-run steps that each take and free tens of megabytes:
    ``malloc`` otherwise keeps what one step freed in the arenas of the threads that freed it (polars' and
    pyarrow's pools), the next step takes more elsewhere, and the process's peak is the sum of the steps, not
    the largest. 5,000-article runs: peak 874-888 -> 852 MB (docs/performance.md).
    """
    trim = _c_library_function("malloc_trim")
    if trim is None:
        return False
    trim(0)
    return True


# glibc's mallopt parameters (malloc.h) and the values a spaCy process takes
_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
LARGEST_BLOCK_FROM_THE_HEAP = 32 << 20  # bytes; larger blocks are mapped and unmapped on their own
FREE_HEAP_KEPT = 128 << 20  # bytes of freed heap kept for reuse before malloc gives the top back


def keep_freed_memory_for_reuse() -> bool:
    """Make the C library's ``malloc`` keep what a process frees for its next blocks, for a process that runs
    spaCy; False where the C library cannot be told (not glibc).

    spaCy's models (thinc, numpy) take and free arrays of up to several megabytes for every batch. glibc's
    defaults hand each back to the system (blocks above a threshold are mapped and unmapped on their own; the
    top of the heap is given back once 2 threshold's worth are free), so the next batch maps its pages anew
    and the kernel zeroes each one as it is first touched: about 650 page faults and 1.0-2.0 ms of system
    CPU per bench article, 5-8 % of what spaCy itself costs. With blocks up to
    :data:`LARGEST_BLOCK_FROM_THE_HEAP` taken from the heap and up to :data:`FREE_HEAP_KEPT` of freed heap kept,
    the same work faults no pages once warm, at the same peak memory (docs/performance.md). Both values are
    set (setting one turns off glibc's adjustment of the other). :func:`return_freed_memory` still gives
    everything free back when it is called.
    """
    mallopt = _c_library_function("mallopt")
    if mallopt is None:
        return False
    return bool(
        mallopt(_M_MMAP_THRESHOLD, LARGEST_BLOCK_FROM_THE_HEAP) and mallopt(_M_TRIM_THRESHOLD, FREE_HEAP_KEPT)
    )
