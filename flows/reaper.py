"""A watcher process: when the process it watches dies (even by ``kill -9`` or the OOM killer), it kills
every process that one had started (the temporary Prefect server, spaCy workers, Prefect's helpers).

Started by ``newsmill run`` in its own session (:func:`start_reaper`); it notes the watched process's
descendants twice a second and exits once it has killed what was left of them. Linux only (it reads
``/proc``); elsewhere it is not started.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

POLL_SECONDS = 0.5
Process = tuple[int, str]  # pid and start time: a reused pid is not the process that was noted


def start_reaper() -> subprocess.Popen[bytes] | None:
    """Start the watcher of this process (None where ``/proc`` is missing)."""
    if not Path("/proc/self/stat").exists():
        return None
    return subprocess.Popen(
        [sys.executable, "-m", "flows.reaper", str(os.getpid())],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # a Ctrl-C to the terminal's process group does not reach it
    )


def descendants(root: int) -> set[Process]:
    """Every process below ``root`` (children, their children, ...), from ``/proc``."""
    children: dict[int, list[Process]] = {}
    if not Path("/proc").is_dir():
        return set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        fields = _stat_fields(int(entry.name))
        if fields is not None:
            children.setdefault(int(fields[1]), []).append((int(entry.name), fields[19]))
    found: set[Process] = set()
    waiting = [root]
    while waiting:
        for child in children.get(waiting.pop(), []):
            if child not in found:
                found.add(child)
                waiting.append(child[0])
    return found


def kill_all(processes: set[Process]) -> None:
    """SIGKILL each process that is still the one noted (same pid, same start time)."""
    for pid, started in processes:
        fields = _stat_fields(pid)
        if fields is not None and fields[19] == started and pid != os.getpid():
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)


def watch(parent: int) -> None:
    """Note ``parent``'s descendants until it dies, then kill them."""
    noted: set[Process] = set()
    while os.getppid() == parent:
        alive = {process for process in noted if _is_running(process)}
        noted = alive | descendants(parent)
        time.sleep(POLL_SECONDS)
    kill_all(noted | descendants(parent))


def _is_running(process: Process) -> bool:
    fields = _stat_fields(process[0])
    return fields is not None and fields[19] == process[1]


def _stat_fields(pid: int) -> list[str] | None:
    """The fields of ``/proc/<pid>/stat`` after the command name: [state, ppid, ...]; index 19 is the start."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text.rsplit(")", 1)[-1].split()
    return fields if len(fields) > 19 else None


if __name__ == "__main__":  # pragma: no cover - run as a process by start_reaper
    watch(int(sys.argv[1]))
