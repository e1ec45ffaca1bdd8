"""The quality gate: field extraction, cross-validated by publisher, stays at or above its pinned floors.

The evaluation corpus (``../shared/corpus/pages``, beside the repository locally and in CI) is read where it lies.
Each page is extracted with learned parts trained on the other publishers' folds only (the figure of record),
and every figure is compared with its floor in ``tests/quality_floors.toml`` (section ``[fields]``). Raising a
floor is a normal commit; lowering one needs a reason in the commit message.
"""

from __future__ import annotations

import importlib.util
import sys
import tomllib
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus" / "pages"
FLOORS = Path(__file__).resolve().parent / "quality_floors.toml"


def _load_eval() -> ModuleType:
    path = REPO / "scripts" / "eval.py"
    spec = importlib.util.spec_from_file_location("newsmill_eval", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["newsmill_eval"] = module
    spec.loader.exec_module(module)
    return module


def _floors() -> dict[str, dict[str, float]]:
    fields: dict[str, dict[str, float]] = tomllib.loads(FLOORS.read_text(encoding="utf-8"))["fields"]
    return fields


def test_every_floor_names_a_known_source_and_field() -> None:
    ev = _load_eval()
    known = {ev.field_key(name) for name in ev.FIELDS}
    floors = _floors()
    assert "all" in floors
    for group, values in floors.items():
        assert group in (*ev.SOURCES, "all"), group
        assert set(values) <= known, set(values) - known
        assert all(0.0 <= value <= 1.0 for value in values.values())


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the evaluation corpus (../shared/corpus/pages) is not here")
def test_cross_validated_field_figures_hold_their_floors() -> None:
    ev = _load_eval()
    gold = ev.load_gold(CORPUS)
    extracted = ev.cross_validate(CORPUS, gold, ev.extract_pages, ev.load_learner(), ev.FOLDS)
    figures = ev.figures_by_source(ev.score_pages(extracted, gold))
    below = []
    for group, values in _floors().items():
        for field, floor in values.items():
            name = next(f for f in ev.FIELDS if ev.field_key(f) == field)
            achieved = figures[group][name]
            if achieved is None or achieved < floor:
                below.append(f"{group} {name}: {achieved} < floor {floor}")
    assert not below, "cross-validated figures below their floors:\n" + "\n".join(below)


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the evaluation corpus (../shared/corpus/pages) is not here")
def test_authors_against_what_pages_without_gold_declare_hold_their_floor() -> None:
    ev = _load_eval()
    declared = ev.declared_authors(CORPUS)
    floor = tomllib.loads(FLOORS.read_text(encoding="utf-8"))["declared_authors"]["all"]
    achieved = ev.declared_author_f1(ev.extract_pages(CORPUS, sorted(declared)), declared)
    assert achieved >= floor, f"declared-author F1 {achieved:.3f} < floor {floor}"
