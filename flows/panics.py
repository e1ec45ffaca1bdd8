"""Rust panic messages kept off the terminal of ``newsmill`` (``--debug`` shows them).

deltalake's Rust code reports some failures twice: as the Python exception newsmill turns into one line saying
what to do, and as panic messages its worker threads print straight to the process's standard error (``thread
'tokio-rt-worker' panicked at ...``, for instance while a write on a full disk is abandoned). Those are printed
below Python, so no logging setting reaches them: :func:`hide_rust_panics` routes the process's standard error
(file descriptor 2) through a thread that passes every line on except a panic's (its line, the message line
after it and Rust's note about ``RUST_BACKTRACE``).
"""

from __future__ import annotations

import atexit
import contextlib
import os
import re
import sys
import threading
from collections.abc import Callable

PANIC_LINE = re.compile(rb"^thread '[^']*' (\(\d+\) )?panicked at ")
BACKTRACE_NOTE = b"note: run with `RUST_BACKTRACE=1`"
_END = b"\x00newsmill-stderr-end\x00\n"  # written by this process at exit, after everything else
DRAIN_SECONDS = 5.0


def hide_rust_panics() -> None:
    """Filter Rust panic messages out of this process's standard error, from now until it exits."""
    sys.stderr.flush()
    terminal = os.dup(2)
    read_end, write_end = os.pipe()
    os.dup2(write_end, 2)
    pump = threading.Thread(target=_pump, args=(read_end, terminal), name="newsmill-stderr", daemon=True)
    pump.start()
    atexit.register(_drain, pump, write_end, terminal)


def _pump(read_end: int, terminal: int) -> None:
    with os.fdopen(read_end, "rb") as pipe:
        reader = PanicFilter(lambda line: _write_all(terminal, line))
        for line in iter(pipe.readline, b""):
            if line == _END:
                break
            reader.feed(line)
        reader.close()


class PanicFilter:
    """Pass lines on to ``emit``, except Rust panic messages (and the blank line Rust prints before one)."""

    def __init__(self, emit: Callable[[bytes], None]) -> None:
        self._emit = emit
        self._blank: bytes | None = None  # a blank line, held until the next one shows what it precedes
        self._skip_next = False

    def feed(self, line: bytes) -> None:
        if self._skip_next:  # the panic's message
            self._skip_next = False
            return
        if PANIC_LINE.match(line):
            self._blank, self._skip_next = None, True
            return
        if line.startswith(BACKTRACE_NOTE):
            return
        self._flush_blank()
        if line.strip() == b"":
            self._blank = line
        else:
            self._emit(line)

    def close(self) -> None:
        self._flush_blank()

    def _flush_blank(self) -> None:
        if self._blank is not None:
            self._emit(self._blank)
            self._blank = None


def _write_all(descriptor: int, data: bytes) -> None:
    with contextlib.suppress(OSError):
        while data:
            data = data[os.write(descriptor, data) :]


def _drain(pump: threading.Thread, write_end: int, terminal: int) -> None:
    """At exit: pass on what is still in the pipe, then give standard error back to the terminal."""
    with contextlib.suppress(Exception):
        sys.stderr.flush()
    _write_all(write_end, _END)
    pump.join(DRAIN_SECONDS)
    os.dup2(terminal, 2)
