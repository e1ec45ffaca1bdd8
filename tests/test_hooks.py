"""spaCy and thinc as the setup builds them: without Cython's profiling hooks, which cost over half of spaCy's CPU."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from flows.core.nlp.hooks import packages_with_profiling_hooks, reports_cython_calls

REPO = Path(__file__).resolve().parent.parent


def _function_from(filename: str) -> Callable[[], int]:
    """A function whose code says it comes from ``filename``, as a Cython function built with the hooks tells a
    profiler its ``.pyx`` source."""
    namespace: dict[str, Callable[[], int]] = {}
    exec(compile("def probe():\n    return 1\n", filename, "exec"), namespace)
    return namespace["probe"]


def test_hooks_a_call_reported_from_a_pyx_source_is_one_built_with_them() -> None:
    probe = _function_from("spacy/tokenizer.pyx")
    assert reports_cython_calls(probe)


def test_hooks_python_calls_and_calls_into_c_are_not_reported_as_cython() -> None:
    probe = _function_from("flows/core/page/parse.py")
    assert not reports_cython_calls(lambda: (probe(), sorted([3, 1, 2])))


def test_hooks_the_profiler_set_before_is_set_again() -> None:
    def outer(frame: object, event: str, arg: object) -> None:
        return None

    sys.setprofile(outer)
    try:
        reports_cython_calls(lambda: None)
        assert sys.getprofile() is outer
    finally:
        sys.setprofile(None)


def _setup_builds_from_source() -> bool:
    """What the Makefile asks before it builds spaCy and thinc (scripts/can_build.py)."""
    spec = importlib.util.spec_from_file_location("can_build", REPO / "scripts" / "can_build.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return bool(module.can_build())


@pytest.mark.skipif(
    not _setup_builds_from_source(),
    reason="no C++ compiler or Python headers: the setup installs spaCy's and thinc's wheels, built with the hooks",
)
def test_hooks_the_installed_spacy_and_thinc_were_built_without_them() -> None:
    assert packages_with_profiling_hooks() == []
