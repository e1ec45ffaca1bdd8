"""Stopping a run on SIGTERM or SIGINT within seconds, whatever the run is doing.

The signal first raises :class:`RunStopped` in the main thread: the flow discards its staging and Prefect
stops its temporary server, as for any failure. The main thread may be inside C code that does not return
(spaCy's tokenizer on a hostile text), where no Python handler runs; a watcher thread, woken by the signal
itself (``signal.set_wakeup_fd``), then stops the process after a grace period: it removes the staging of
runs that had not begun committing, kills every child process and exits.

A command that handles the signals its own way for longer than the grace period (``newsmill serve``, whose
first stop waits for the run in progress) hands them over first (:func:`hand_over_signals`).
"""

from __future__ import annotations

import os
import signal
import threading
import time

from flows import reaper, storage

GRACE_SECONDS = 5.0
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)

_watched_pipe: int | None = None  # the write end the signals wake the watcher through, while it watches
_stop_requested: int | None = None  # the first stop signal this process received


class RunStopped(KeyboardInterrupt):
    """The run was asked to stop (SIGTERM or SIGINT)."""

    def __init__(self, signum: int) -> None:
        super().__init__(f"stopped by {signal.Signals(signum).name}")
        self.signum = signum


def stop_on_signals(grace_seconds: float = GRACE_SECONDS) -> None:
    """Make SIGTERM and SIGINT stop this process's run (call from the main thread, once)."""
    global _watched_pipe
    read_end, write_end = os.pipe()
    os.set_blocking(write_end, False)
    signal.set_wakeup_fd(write_end, warn_on_full_buffer=False)
    _watched_pipe = write_end
    for signum in STOP_SIGNALS:
        signal.signal(signum, _raise_stopped)
    watcher = threading.Thread(
        target=_watch, args=(read_end, grace_seconds), name="newsmill-stop-watcher", daemon=True
    )
    watcher.start()


def hand_over_signals() -> None:
    """Stop watching: the caller now handles SIGTERM and SIGINT itself, and no stop arrives after the grace
    period. Until the caller installs its own handlers, a signal still raises :class:`RunStopped`."""
    global _watched_pipe
    if _watched_pipe is None:
        return
    signal.set_wakeup_fd(-1)
    os.close(_watched_pipe)  # the watcher reads the end of the pipe and returns
    _watched_pipe = None


def quiet_while_exiting() -> None:
    """The command is over (its run committed or stopped) and the process only tears down (Prefect stops its
    temporary server in an ``atexit`` handler): a signal now raises nothing, where it printed a traceback from
    that handler. The watcher still ends the process if the teardown outlasts the grace period."""
    for signum in STOP_SIGNALS:
        signal.signal(signum, _let_the_exit_go_on)


def stop_requested() -> int | None:
    """The first stop signal the process received (its :class:`RunStopped` may since have been replaced by
    an error raised while the code it interrupted unwound), or None.

    Also a signal that another handler took: during a flow run Prefect's own SIGTERM handler raises its
    ``TerminationSignal`` and sends the signal again to the handler it replaced once the run has unwound;
    an error raised while unwinding ("ValueError: Task run is not set") ends that before it does. The watcher,
    woken by every signal whatever handler runs, notes it.
    """
    return _stop_requested


def stop_signal_in(error: BaseException) -> int | None:
    """The stop signal of an exception ``error`` was raised while handling (:class:`RunStopped`, or Prefect's
    ``TerminationSignal`` during a flow run), or None: the error is then not a stop's."""
    seen: set[int] = set()
    cause: BaseException | None = error
    while cause is not None and id(cause) not in seen:
        seen.add(id(cause))
        signum = getattr(cause, "signum", getattr(cause, "signal", None))
        if isinstance(signum, int) and signum in STOP_SIGNALS:
            return signum
        cause = cause.__cause__ or cause.__context__
    return None


def _note_stop(signum: int) -> None:
    global _stop_requested
    if _stop_requested is None:
        _stop_requested = signum


def _raise_stopped(signum: int, frame: object) -> None:
    _note_stop(signum)
    raise RunStopped(signum)


def _let_the_exit_go_on(signum: int, frame: object) -> None:
    """A stop signal during the exit: nothing to stop."""


def _watch(read_end: int, grace_seconds: float) -> None:
    while True:
        received = os.read(read_end, 1)
        if not received:  # handed over
            os.close(read_end)
            return
        if received[0] in STOP_SIGNALS:
            _note_stop(received[0])
            time.sleep(grace_seconds)  # the main thread's own handling stops the run cleanly before this
            stop_now(received[0])


def stop_now(signum: int) -> None:
    """Stop at once: drop uncommitted staging, kill every child process, exit with 128 + the signal."""
    try:
        storage.discard_uncommitted_stagings()
    finally:
        reaper.kill_all(reaper.descendants(os.getpid()))
        os._exit(128 + signum)
