"""Logging filters for Prefect's run loggers, named in ``prefect-logging.yml``.

:class:`OneTraceback`: a failing task logs its exception with the traceback ("Task run failed with ..."), then
the flow that called it logs the same exception again with the same traceback ("Encountered exception during
execution"). The second record keeps its one-line message and loses the repeated traceback.
:class:`NoTaskChatter`: every task that succeeds logs "Finished in state Completed()", a dozen lines a batch.
"""

from __future__ import annotations

import logging
from collections import deque

REMEMBERED = 100  # exceptions whose traceback was shown, the most recent (held, so their ids stay unique)


class OneTraceback(logging.Filter):
    """Drop the traceback from a record whose exception (or one it was raised from) was logged already."""

    def __init__(self, name: str = "") -> None:
        super().__init__(name)
        self._shown: deque[BaseException] = deque(maxlen=REMEMBERED)

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if error is None:
            return True
        if any(earlier is shown for earlier in _chain(error) for shown in self._shown):
            record.exc_info = None
            record.exc_text = None
        else:
            self._shown.append(error)
        return True


class NoTaskChatter(logging.Filter):
    """Drop a task's "Finished in state Completed()" line unless Prefect logs at DEBUG level."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not str(record.msg).startswith("Finished in state Completed"):
            return True
        return logging.getLogger("prefect").isEnabledFor(logging.DEBUG)


def _chain(error: BaseException) -> list[BaseException]:
    """The exception and those it was raised from or during, innermost last."""
    chain: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and current not in chain:
        chain.append(current)
        current = current.__cause__ or current.__context__
    return chain
