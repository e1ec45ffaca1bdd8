"""Which language a text is written in: py3langid's model and its answers, by a faster path when it checks out.

The fast path reads py3langid's private model arrays (its automaton, weights and helpers). At load,
:func:`fast_path_available` checks that those names exist and that the fast path gives ``py3langid.classify``'s
answers on a few texts; if not (a py3langid release that renames or changes them), every text goes to the
public ``py3langid.classify``. What the fast path buys is measured in docs/performance.md. py3langid's own
cost is in two halves:

- It counts the byte n-gram features of the text by walking a finite automaton over its bytes, one byte at
  a time in Python. That automaton forgets where it started within ``AUTOMATON_WINDOW`` bytes: from any
  state, the same ``AUTOMATON_WINDOW`` bytes lead to the same state (checked on the installed model by
  :func:`automaton_window`, in the tests). So the state after each byte is the walk from the start state
  over the bytes just before it, and numpy takes those walks for every position at once.
- It scores the counts against its feature weights, kept as float16: numpy converts the rows a text uses to
  float32 one by one before multiplying, which is most of the scoring. The weights are converted once here
  (exactly: every float16 is a float32), at the memory docs/performance.md gives, and the product is the same.

The features are counted in the order the byte walk first meets them and scored as py3langid's own code scores
them (the same arrays, the same numpy operations), so the answers are the same as ``py3langid.classify``'s, to
the bit (checked at load on a few texts, and by the tests).
"""

from __future__ import annotations

import functools
from collections import Counter
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import py3langid
from py3langid import langid

AUTOMATON_WINDOW = 6  # bytes; the installed model's, see automaton_window
# Texts the fast path must answer as py3langid does before it is used: scripts, cases, lengths, no features.
_CHECK_TEXTS = (
    "The government announced a new pension reform on Tuesday, which the unions criticised.",
    "Le gouvernement a annoncé mardi une nouvelle réforme des retraites, contestée par les syndicats.",
    "Правительство во вторник объявило о новой пенсионной реформе.",
    "政府は火曜日、新たな年金改革を発表した。",
    "SHOUTED HEADLINE IN CAPITALS",
    "Cafe\u0301 de\u0301ja\u0300 vu",
    "a",
    "12 345",
)


@dataclass(frozen=True, slots=True)
class _Automaton:
    """py3langid's feature automaton as numpy arrays: ``moves[row_start[state] + byte]`` is the next state,
    ``feature[state]`` the feature it counts (or -1)."""

    moves: npt.NDArray[np.unsignedinteger]
    row_start: npt.NDArray[np.int64]
    feature: npt.NDArray[np.int32]


def classify(text: str) -> str:
    """The language code ``py3langid.classify`` gives ``text``."""
    if fast_path_available():
        return fast_classify(text)
    return str(py3langid.classify(text)[0])


@functools.cache
def fast_path_available() -> bool:
    """Whether py3langid's private names read here exist and the fast path gives ``py3langid.classify``'s
    answers on a few texts (checked once per process)."""
    try:
        identifier = _identifier()
        if identifier.min_confidence is not None or identifier._norm_probs:
            return (
                False  # py3langid would answer "und" or fold scores as probabilities: not what is copied here
            )
        return all(
            fast_classify(text) == py3langid.classify(text)[0]
            and raw_scores(identifier._encode(text)).tobytes()
            == identifier._raw_score(identifier._encode(text)).tobytes()
            for text in _CHECK_TEXTS
        )
    except Exception:  # any change in the internals (a missing name, another shape) means: use the public API
        return False


def fast_classify(text: str) -> str:
    """The language code of ``text`` by the fast path (py3langid's private model arrays, walked by numpy)."""
    identifier = _identifier()
    scores = raw_scores(identifier._encode(text))
    for first, alias in identifier._alias_pairs:  # one score per language, as py3langid folds them
        scores[first] = max(scores[first], scores[alias])
        scores[alias] = langid.RAW_FLOOR
    return str(identifier.nb_classes[int(scores.argmax())])


def load_model() -> None:
    """Load py3langid's model, check the fast path and load the arrays it reads (once per process)."""
    if fast_path_available():
        _automaton()
        _weights()


def raw_scores(data: bytes) -> npt.NDArray[np.float32]:
    """Each language's score for the UTF-8 bytes of a text, as py3langid scores them (before it folds the
    columns of a language listed twice)."""
    features, counts = feature_arrays(_automaton(), data)
    if not features.size:
        return np.full(len(_identifier().nb_classes), langid.RAW_FLOOR, dtype=np.float32)
    # py3langid's _sparse_score, from its feature and count arrays (built there from a dict, in this order).
    scores: npt.NDArray[np.float32] = (
        np.log1p(counts.astype(np.float32)) @ _weights()[features] + _identifier().nb_pc
    )
    return scores


def feature_counts(automaton: _Automaton, data: bytes) -> Counter[int]:
    """How often each feature occurs in ``data``, in the order a byte-by-byte walk first meets them."""
    features, counts = feature_arrays(automaton, data)
    return Counter(dict(zip(features.tolist(), counts.tolist(), strict=True)))


def feature_arrays(automaton: _Automaton, data: bytes) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.int64]]:
    """The features that occur in ``data``, in the order a byte-by-byte walk first meets them, and how often
    each occurs (counted by sorting, not one by one in a dict)."""
    text = np.frombuffer(data, dtype=np.uint8)
    states = np.zeros(text.size, dtype=np.int64)
    for back in reversed(range(min(AUTOMATON_WINDOW, text.size))):  # each position's walk, oldest byte first
        states[back:] = automaton.moves[automaton.row_start[states[back:]] + text[: text.size - back]]
    found = automaton.feature[states]
    found = found[found >= 0]
    if not found.size:
        return np.zeros(0, dtype=np.intp), np.zeros(0, dtype=np.int64)
    order = np.argsort(
        found, kind="stable"
    )  # equal features in walk order: the first of each run is its first
    ordered = found[order]
    starts = np.flatnonzero(np.concatenate(([True], ordered[1:] != ordered[:-1])))
    by_first = np.argsort(order[starts])
    counts = np.diff(np.append(starts, found.size))
    return ordered[starts][by_first].astype(np.intp), counts[by_first].astype(np.int64)


def automaton_window(automaton: _Automaton) -> int | None:
    """After how many bytes the automaton's state no longer depends on where the walk started (None: never
    within 16).

    Follows every pair of states a walk from any state and a walk from the start state can be in after the
    same bytes, until the two agree for every byte string.
    """
    count = automaton.row_start.size
    others = np.arange(1, count, dtype=np.int64)
    pairs = np.stack([others, np.zeros_like(others)], axis=1)  # (any state, the start state), still apart
    for window in range(17):
        if not len(pairs):
            return window
        anywhere, from_start = (_every_move(automaton, column) for column in (pairs[:, 0], pairs[:, 1]))
        apart = anywhere != from_start
        codes = np.unique(anywhere[apart] * count + from_start[apart])
        pairs = np.stack([codes // count, codes % count], axis=1)
    return None


def _every_move(automaton: _Automaton, states: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """The state each of ``states`` moves to on each byte: 256 per state, in order."""
    rows = automaton.row_start[states][:, None] + np.arange(256, dtype=np.int64)[None, :]
    moved: npt.NDArray[np.int64] = automaton.moves[rows.ravel()].astype(np.int64)
    return moved


@functools.cache
def _identifier() -> langid.LanguageIdentifier:
    return langid._get_identifier()


@functools.cache
def _automaton() -> _Automaton:
    identifier = _identifier()
    moves = identifier.tk_nextmove
    return _Automaton(
        moves=np.frombuffer(moves, dtype=np.dtype(f"u{moves.itemsize}")),
        row_start=np.asarray(identifier._rowbase, dtype=np.int64),
        feature=np.asarray(identifier.tk_output, dtype=np.int32),
    )


@functools.cache
def _weights() -> npt.NDArray[np.float32]:
    return np.asarray(_identifier().nb_ptc, dtype=np.float32)
