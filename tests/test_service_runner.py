"""newsmill serve's runner: a stop lets the runs in progress end (up to a grace period); a second stop hurries.

Prefect's process manager is stood in for by a count of run processes; the stop itself (Prefect's astop,
which cancels what still runs) is recorded, not run. The end-to-end behaviour against a real server is in
test_service.py.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable

from flows.service import DrainingRunner


class _RunProcesses:
    """How many run processes are alive, one figure per look; the last figure stays."""

    def __init__(self, counts: Iterable[int]) -> None:
        self.counts = list(counts)

    def flow_run_count(self) -> int:
        return self.counts.pop(0) if len(self.counts) > 1 else self.counts[0]


class _Stops:
    """Records, at each stop, how many runs were still in progress and how long after the signal it came."""

    def __init__(self) -> None:
        self.in_progress: list[int] = []
        self.after: list[float] = []


def _runner(counts: Iterable[int], grace_seconds: float) -> tuple[DrainingRunner, _Stops]:
    runner = DrainingRunner(name="test", grace_seconds=grace_seconds)
    runner._process_manager = _RunProcesses(counts)  # type: ignore[assignment]
    stops = _Stops()
    begun = asyncio.get_running_loop().time()

    async def astop() -> None:
        stops.in_progress.append(runner.runs_in_progress())
        stops.after.append(asyncio.get_running_loop().time() - begun)

    runner.astop = astop  # type: ignore[method-assign]
    runner._hurry = asyncio.Event()
    return runner, stops


def test_a_stop_waits_for_the_run_in_progress_then_stops() -> None:
    async def scenario() -> _Stops:
        runner, stops = _runner([1, 1, 0], grace_seconds=60)
        await runner._drain_then_stop()
        return stops

    stops = asyncio.run(scenario())
    assert stops.in_progress == [0]
    assert stops.after[0] < 60  # it stopped when the run ended, not at the end of the grace


def test_a_stop_with_no_run_in_progress_stops_at_once() -> None:
    async def scenario() -> _Stops:
        runner, stops = _runner([0], grace_seconds=60)
        await runner._drain_then_stop()
        return stops

    assert asyncio.run(scenario()).in_progress == [0]


def test_a_run_longer_than_the_grace_is_left_to_the_stop_that_cancels_it() -> None:
    async def scenario() -> _Stops:
        runner, stops = _runner([1], grace_seconds=0.6)
        await runner._drain_then_stop()
        return stops

    stops = asyncio.run(scenario())
    assert stops.in_progress == [1]
    assert stops.after[0] >= 0.6


def test_a_second_signal_stops_at_once() -> None:
    async def scenario() -> _Stops:
        runner, stops = _runner([1], grace_seconds=600)
        runner.started = True
        runner._loop = asyncio.get_running_loop()
        runner.handle_sigterm()
        assert runner.stopping  # no new runs from the first signal on
        await asyncio.sleep(0.3)
        assert stops.in_progress == []  # still waiting for the run
        runner.handle_sigterm()
        for _ in range(50):
            if stops.in_progress:
                break
            await asyncio.sleep(0.1)
        return stops

    stops = asyncio.run(scenario())
    assert stops.in_progress == [1]
    assert stops.after[0] < 600
