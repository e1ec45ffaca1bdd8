"""Specification of the run loggers' filter: a traceback is logged once, its message line every time."""

from __future__ import annotations

import logging
import sys

import pytest

from flows.logfilter import NoTaskChatter, OneTraceback


def _record(error: BaseException, message: str) -> logging.LogRecord:
    try:
        raise error
    except BaseException:
        info = sys.exc_info()
    return logging.LogRecord("prefect.flow_runs", logging.ERROR, __file__, 1, message, None, info)


def test_logfilter_the_same_exception_logged_twice_keeps_one_traceback() -> None:
    one = OneTraceback()
    error = ValueError("bad page")
    task_record, flow_record = _record(error, "Task run failed"), _record(error, "Encountered exception")

    assert one.filter(task_record)
    assert one.filter(flow_record)

    assert task_record.exc_info is not None
    assert flow_record.exc_info is None
    assert flow_record.getMessage() == "Encountered exception"


def test_logfilter_an_exception_raised_from_a_logged_one_loses_its_traceback() -> None:
    one = OneTraceback()
    cause = OSError("disk full")
    wrapped = RuntimeError("commit failed")
    wrapped.__cause__ = cause
    first, second = _record(cause, "Task run failed"), _record(wrapped, "Flow run failed")

    one.filter(first)
    one.filter(second)

    assert second.exc_info is None


def test_logfilter_different_exceptions_keep_their_tracebacks() -> None:
    one = OneTraceback()
    first, second = _record(ValueError("a"), "one"), _record(ValueError("a"), "two")

    one.filter(first)
    one.filter(second)

    assert first.exc_info is not None
    assert second.exc_info is not None


@pytest.mark.parametrize(
    ("message", "shown"),
    [
        ("Finished in state Completed()", False),
        ("Finished in state Failed('Task run encountered an exception')", True),
        ("Task run failed with OSError: 'disk' - Retry 1/3 will start 1.0 second(s) from now", True),
    ],
)
def test_logfilter_a_completed_task_says_nothing_at_the_default_level(message: str, shown: bool) -> None:
    record = logging.LogRecord("prefect.task_runs", logging.INFO, __file__, 1, message, None, None)
    assert NoTaskChatter().filter(record) is shown
