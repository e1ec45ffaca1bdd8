"""The language of a text: py3langid's answers, to the bit, from a walk numpy takes for every byte at once."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import py3langid
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from py3langid.langid import visit_counts

from flows.core.page import language

REPO = Path(__file__).resolve().parent.parent
SAMPLE = (REPO / "raw" / "000_a3bff82c688751b7.txt").read_text(encoding="utf-8")
TEXTS = [
    SAMPLE[:1500],
    "Le gouvernement a annoncé mardi une nouvelle réforme des retraites, contestée par les syndicats.",
    "Die Regierung hat am Dienstag eine neue Reform angekündigt, die von den Gewerkschaften kritisiert wird.",
    "El gobierno anunció el martes una nueva reforma de las pensiones, criticada por los sindicatos.",
    "Правительство во вторник объявило о новой пенсионной реформе.",
    "أعلنت الحكومة يوم الثلاثاء عن إصلاح جديد لنظام التقاعد",
    "政府は火曜日、新たな年金改革を発表した。",
    "SHOUTED HEADLINE IN CAPITALS",
    "Cafe\u0301 de\u0301ja\u0300 vu",  # combining accents: NFC-normalised first, as py3langid does
    "a",
    "ok",
    "12 345",
]
LETTERS = st.sampled_from(
    list("abcdefghijklmnopqrstuvwxyz ÀéüßçñΩж中文日本العربية\n.,!?0123456789ABCXYZ\u0301")
)


def test_language_automaton_forgets_its_start_within_the_window() -> None:
    # The whole method rests on this property of the installed model: from any state, the same
    # AUTOMATON_WINDOW bytes reach the same state, so each byte's state needs only the bytes just before it.
    assert language.automaton_window(language._automaton()) == language.AUTOMATON_WINDOW


def test_language_window_check_finds_an_automaton_that_remembers() -> None:
    # Two states that swap on every byte never agree: the check must say so rather than return a window.
    flip = language._Automaton(
        moves=np.array([1] * 256 + [0] * 256, dtype=np.uint16),
        row_start=np.array([0, 256], dtype=np.int64),
        feature=np.array([-1, 0], dtype=np.int32),
    )
    assert language.automaton_window(flip) is None


@pytest.mark.parametrize("text", TEXTS)
def test_language_is_py3langid_answer(text: str) -> None:
    assert language.classify(text) == py3langid.classify(text)[0]


@pytest.mark.parametrize("text", TEXTS)
def test_language_feature_counts_match_the_byte_walk_in_order(text: str) -> None:
    identifier = language._identifier()
    data = identifier._encode(text)
    walked = visit_counts(identifier.tk_nextmove, identifier._rowbase, identifier.tk_output, data)
    assert list(language.feature_counts(language._automaton(), data).items()) == list((walked or {}).items())


@pytest.mark.parametrize("text", TEXTS)
def test_language_scores_are_py3langid_scores_to_the_bit(text: str) -> None:
    identifier = language._identifier()
    data = identifier._encode(text)
    assert language.raw_scores(data).tobytes() == identifier._raw_score(data).tobytes()


@settings(max_examples=300, deadline=None)
@given(st.text(LETTERS, max_size=80))
def test_language_any_text_gets_py3langid_answer(text: str) -> None:
    assert language.classify(text) == py3langid.classify(text)[0]


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=40))
def test_language_any_unicode_gets_py3langid_answer(text: str) -> None:
    assert language.classify(text) == py3langid.classify(text)[0]


@pytest.fixture
def fresh_fast_path_check() -> Iterator[None]:
    language.fast_path_available.cache_clear()
    yield
    language.fast_path_available.cache_clear()


def test_language_fast_path_checks_out_on_the_installed_py3langid(fresh_fast_path_check: None) -> None:
    assert language.fast_path_available() is True


class _RenamedInternals:
    """A py3langid identifier whose private names changed: the fast path must not be used."""

    min_confidence = None
    _norm_probs = False


def test_language_falls_back_to_public_classify_when_internals_change(
    monkeypatch: pytest.MonkeyPatch, fresh_fast_path_check: None
) -> None:
    monkeypatch.setattr(language, "_identifier", _RenamedInternals)
    assert language.fast_path_available() is False
    for text in TEXTS:
        assert language.classify(text) == py3langid.classify(text)[0]


def test_language_falls_back_when_the_fast_path_answers_differently(
    monkeypatch: pytest.MonkeyPatch, fresh_fast_path_check: None
) -> None:
    monkeypatch.setattr(language, "fast_classify", lambda text: "xx")
    assert language.fast_path_available() is False
    assert language.classify(TEXTS[1]) == "fr"
