"""What the intel evaluations share: span overlap and mapping, ratios, the settings grid and the folds.

Not an evaluation itself (the runner skips modules whose name starts with an underscore).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from types import ModuleType
from typing import Any, Protocol, Self, TypeVar

FOLDS = 5  # folds of documents: document i is in fold i % FOLDS
Span = tuple[int, int]


class Tally(Protocol):
    """Counts over documents that add up."""

    def add(self, other: Self) -> None: ...


T = TypeVar("T", bound=Tally)


def overlaps(a: Span, b: Span) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def map_span(gold_body: str, body: str, start: int, end: int) -> Span | None:
    """A gold span's offsets in the flow's body: the same when the bodies agree, else by its paragraph."""
    if gold_body == body:
        return start, end
    para_start = gold_body.rfind("\n", 0, start) + 1
    para_end = gold_body.find("\n", end)
    paragraph = gold_body[para_start : para_end if para_end >= 0 else len(gold_body)]
    at = body.find(paragraph) if paragraph else -1
    return (at + start - para_start, at + end - para_start) if at >= 0 else None


def ratio(a: float, b: float) -> float:
    return a / b if b else 0.0


def f1(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p, r = ratio(tp, tp + fp), ratio(tp, tp + fn)
    return p, r, ratio(2 * p * r, p + r)


@contextmanager
def patched(module: ModuleType, values: Mapping[str, Any]) -> Iterator[None]:
    """The module's constants set to ``values`` for the block (names the module lacks are left out)."""
    present = {name: value for name, value in values.items() if hasattr(module, name)}
    saved = {name: getattr(module, name) for name in present}
    for name, value in present.items():
        setattr(module, name, value)
    try:
        yield
    finally:
        for name, value in saved.items():
            setattr(module, name, value)


def grid(module: ModuleType, choices: Mapping[str, Sequence[Any]]) -> list[dict[str, Any]]:
    """Every combination of the choices for the module's constants; the first is the shipped one's order."""
    combos: list[dict[str, Any]] = [{}]
    for name, values in choices.items():
        if hasattr(module, name):
            combos = [{**c, name: v} for c in combos for v in values]
    return combos


def total(tallies: Sequence[T], new: Callable[[], T]) -> T:
    out = new()
    for t in tallies:
        out.add(t)
    return out


def cross_validated(
    n_docs: int, by_setting: Sequence[Sequence[T]], objective: Callable[[T], float], new: Callable[[], T]
) -> T:
    """Per fold, the setting best on the other folds, scored on the fold: the held-out tallies summed."""
    held_out = new()
    for fold in range(FOLDS):
        train = [i for i in range(n_docs) if i % FOLDS != fold]
        test = [i for i in range(n_docs) if i % FOLDS == fold]
        best = max(
            range(len(by_setting)),
            key=lambda s: (objective(total([by_setting[s][i] for i in train], new)), -s),
        )
        held_out.add(total([by_setting[best][i] for i in test], new))
    return held_out
