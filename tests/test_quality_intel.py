"""The quality gate for entity intelligence: quotes and speakers on PolNeAR stay at or above pinned floors.

The outside gold (``../shared/corpus/intel``, beside the repository locally and in CI) is read where it lies.
Figures of record are cross-validated over documents (``scripts/intel_eval/quotes.py``: the rules kept on each
fold are chosen on the other folds); each is compared with its floor in ``tests/quality_floors.toml`` (section
``[intel.quotes]``; "no_speaker" is a ceiling). spaCy runs over the documents once per test session.
"""

from __future__ import annotations

import sys
import tomllib
from collections import Counter
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"
FLOORS = Path(__file__).resolve().parent / "quality_floors.toml"
CEILINGS = frozenset({"no_speaker"})  # figures where lower is better


def _quotes_eval() -> ModuleType:
    scripts = str(REPO / "scripts")
    if scripts not in sys.path:
        sys.path.insert(0, scripts)
    from intel_eval import quotes

    return quotes


def _floors() -> dict[str, float]:
    floors: dict[str, float] = tomllib.loads(FLOORS.read_text(encoding="utf-8"))["intel"]["quotes"]
    return floors


def test_quote_floors_name_known_figures() -> None:
    known = set(_quotes_eval().Figures(Counter()).as_dict())
    assert set(_floors()) <= known, set(_floors()) - known
    assert all(0.0 <= value <= 1.0 for value in _floors().values())


@pytest.mark.skipif(
    not (CORPUS / "intel" / "polnear_dev").is_dir(), reason="../shared/corpus/intel is not here"
)
def test_cross_validated_quote_figures_hold_their_floors() -> None:
    result = _quotes_eval().evaluate(CORPUS)
    figures = result.cross_validated.as_dict()
    failing = {
        name: (round(figures[name], 3), floor)
        for name, floor in _floors().items()
        if (figures[name] > floor if name in CEILINGS else figures[name] < floor)
    }
    assert not failing, f"below floor (figure, floor): {failing}"


@pytest.mark.skipif(
    not (CORPUS / "intel" / "polnear_dev").is_dir(), reason="../shared/corpus/intel is not here"
)
def test_quote_report_beats_its_baselines() -> None:
    result = _quotes_eval().evaluate(CORPUS)
    assert result.cross_validated.speaker("named") > result.baseline.speaker("named")
    assert result.cross_validated.speaker("all_strict") > result.baseline.speaker("all_strict")


# --- entity identity on the hand-written set (tests/data/identity_articles.txt) ----------------------------


def _identity_eval() -> ModuleType:
    scripts = str(REPO / "scripts")
    if scripts not in sys.path:
        sys.path.insert(0, scripts)
    from intel_eval import identity

    return identity


def test_identity_figures_hold_their_floors() -> None:
    """Within an article: the flow's keys (article_entities); across articles: those keys joined on
    entity_identities, what an analyst joins on."""
    floors: dict[str, float] = tomllib.loads(FLOORS.read_text(encoding="utf-8"))["intel"]["identity"]
    all_figures = _identity_eval().figures()
    figures = {
        **all_figures["newsmill (the flow)"],
        **{
            name: value
            for name, value in all_figures["newsmill joined on entity_identities"].items()
            if name.startswith("across")
        },
    }
    assert set(floors) <= set(figures), set(floors) - set(figures)
    failing = {
        name: (round(figures[name], 3), floor) for name, floor in floors.items() if figures[name] < floor
    }
    assert not failing, f"below floor (figure, floor): {failing}"


def test_identity_rules_beat_keys_per_article_and_exact_text() -> None:
    figures = _identity_eval().figures()
    flow, alone, exact = (
        figures[name]
        for name in ("newsmill (the flow)", "newsmill, keys per article", "baseline: exact text")
    )
    assert flow["within_f1"] > alone["within_f1"] > exact["within_f1"]
    assert flow["across_recall"] > exact["across_recall"]
    joined = figures["newsmill joined on entity_identities"]
    assert joined["across_recall"] > flow["across_recall"]
    assert joined["across_precision"] >= flow["across_precision"] - 0.02


def test_identity_set_parses_marks_into_exact_offsets() -> None:
    (article,) = _identity_eval().parse_set("## x\n[Orla Inc.|ORG|orla] said [Orla|ORG|orla] grew.\n")
    assert article.text == "Orla Inc. said Orla grew."
    assert [(m.text, article.text[m.start_char : m.end_char], m.label) for m in article.mentions] == [
        ("Orla Inc.", "Orla Inc.", "ORG"),
        ("Orla", "Orla", "ORG"),
    ]
    assert article.gold == ("orla", "orla")


@pytest.mark.skipif(
    not (CORPUS / "intel" / "polnear_dev").is_dir(), reason="../shared/corpus/intel is not here"
)
def test_make_train_reproduces_the_committed_speaker_ranker() -> None:
    from flows.core.intel.speakers import MODEL_PATH

    quotes = _quotes_eval()
    from intel_eval import _speakers

    model = _speakers.fit([_speakers.doc_rows(doc) for doc in quotes.load_docs(CORPUS)])
    assert model.to_json() == MODEL_PATH.read_text(encoding="utf-8")


def test_speaker_ranker_fit_learns_that_the_nearer_candidate_spoke() -> None:
    _quotes_eval()
    from intel_eval import _speakers

    from flows.core.intel.speakers import FEATURES

    def row(distance: float, spoke: int) -> tuple[list[list[float]], list[int]]:
        features = [0.0] * len(FEATURES)
        features[FEATURES.index("distance")] = distance
        return [features], [spoke]

    model = _speakers.fit([row(d / 10, int(d < 10)) for d in range(40)])
    near, far = model.probabilities(np.array([row(0.2, 1)[0][0], row(3.5, 0)[0][0]], dtype=np.float64))
    assert near > 0.5 > far
