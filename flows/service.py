"""The runner behind ``newsmill serve``: Prefect's, except that stopping it lets the run in progress finish.

Prefect's runner, told to stop (SIGTERM), kills the run processes it started at once and forces their runs to
Cancelled, even a run that has just completed and whose process is still exiting: the UI then shows a
finished ingest as "Cancelled: Runner is shutting down", and a run it was starting as Crashed. Ctrl-C does
the same through KeyboardInterrupt. This runner, on the first SIGTERM or SIGINT, stops taking runs, waits up
to ``grace_seconds`` for the runs in progress to end, then stops as Prefect's does (cancelling what still
runs; the next run reads again the files of an ingest cancelled before it committed). A second signal stops at once.
"""

from __future__ import annotations

import asyncio
import signal
import sys
import threading
from contextlib import suppress
from typing import Any

from prefect.runner import Runner

#: How often the draining runner looks whether its runs have ended.
POLL_SECONDS = 0.5


class DrainingRunner(Runner):
    """A Prefect Runner whose first stop signal waits (up to ``grace_seconds``) for the runs in progress."""

    def __init__(self, *args: Any, grace_seconds: float, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.grace_seconds = grace_seconds
        self._draining = False
        self._hurry: asyncio.Event | None = None

    async def start(self, run_once: bool = False, webserver: bool | None = None) -> None:
        """Prefect's start, with Ctrl-C handled like SIGTERM (Prefect's own start installs the SIGTERM one)."""
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGINT, self.handle_sigterm)
        self._hurry = asyncio.Event()
        await super().start(run_once=run_once, webserver=webserver)

    def handle_sigterm(self, *args: Any, **kwargs: Any) -> None:
        """First signal: drain, then stop. Second: stop now (Prefect's stop, which cancels what still runs)."""
        if not self.started or self._loop is None or self._hurry is None:
            sys.exit(0)
        if not self._draining:
            self._draining = True
            if self.runs_in_progress():
                self._logger.info(
                    "stopping: no new runs; waiting up to %g s for the run in progress to end "
                    "(Ctrl-C or SIGTERM again cancels it now)",
                    self.grace_seconds,
                )
            else:
                self._logger.info("stopping: no run in progress")
            self.stopping = True
            self.execute_in_background(self._drain_then_stop)
        else:
            self._logger.info("stopping now: cancelling the runs in progress")
            self._loop.call_soon_threadsafe(self._hurry.set)

    async def _drain_then_stop(self) -> None:
        assert self._hurry is not None
        poller = getattr(self, "_scheduled_run_poller", None)
        if poller is not None:
            poller.stopping = True  # no more runs taken from the schedule
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.grace_seconds
        while self.runs_in_progress() and not self._hurry.is_set() and loop.time() < deadline:
            with suppress(TimeoutError):
                await asyncio.wait_for(self._hurry.wait(), timeout=POLL_SECONDS)
        if self.runs_in_progress() and not self._hurry.is_set():
            self._logger.info(
                "the run in progress did not end within %g s: cancelling it", self.grace_seconds
            )
        await self.astop()

    def runs_in_progress(self) -> int:
        """How many runs this runner has begun: run processes still alive, and runs the poller took from the
        schedule (Prefect takes those due within the next 10 s) whose process has not started yet."""
        poller = getattr(self, "_scheduled_run_poller", None)
        being_started = len(getattr(poller, "_submitting_flow_run_ids", ()))
        return max(int(self._process_manager.flow_run_count()), being_started)
