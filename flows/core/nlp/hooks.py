"""Whether spaCy and thinc were compiled with Cython's profiling hooks, which cost spaCy over half its CPU.

spaCy's and thinc's wheels for Python 3.11 are built with Cython's ``profile`` directive (their ``setup.py``
turns it on below Python 3.12). Every compiled function then reports its calls to a Python profiler, if one is
set, and a function that runs without the interpreter's lock takes the lock to ask: the NER's validity
checks, called for every transition of every token, spend most of their time there. newsmill's setup builds
both from their locked source distributions with the hooks compiled out (``CYTHON_PROFILE=0``, pyproject.toml):
the same code and the same entities, at well under half the CPU (docs/performance.md, session 28).

A function built with the hooks shows up to a profiler set with :func:`sys.setprofile` as a call from its
``.pyx`` source; one built without them does not. That is what these functions ask.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from types import FrameType
from typing import Any


def reports_cython_calls(call: Callable[[], object]) -> bool:
    """True when ``call`` runs Cython code that reports its calls to a profiler (compiled with the hooks)."""
    reported: list[str] = []

    def profiler(frame: FrameType, event: str, arg: Any) -> None:
        if event == "call" and frame.f_code.co_filename.endswith(".pyx"):
            reported.append(frame.f_code.co_filename)

    previous = sys.getprofile()
    sys.setprofile(profiler)
    try:
        call()
    finally:
        sys.setprofile(previous)
    return bool(reported)


def _tokenize_with_spacy() -> None:
    from spacy.tokenizer import Tokenizer
    from spacy.vocab import Vocab

    Tokenizer(Vocab())("newsmill checks a build")


def _hash_with_thinc() -> None:
    import numpy
    from thinc.api import NumpyOps

    NumpyOps().hash(numpy.zeros(1, dtype="uint64"), 0)


PROBES: dict[str, Callable[[], None]] = {"spacy": _tokenize_with_spacy, "thinc": _hash_with_thinc}


def packages_with_profiling_hooks() -> list[str]:
    """The packages among spaCy and thinc whose compiled code carries Cython's profiling hooks (none when the
    setup built them as pyproject.toml asks)."""
    return [name for name, probe in PROBES.items() if reports_cython_calls(probe)]
