"""Quality gate: entities on CoNLL-2003 dev stay above the reviewed floors and above bare spaCy on every label.

The floors are in ``tests/quality_floors.toml`` (``[ner]``); the evaluation is ``scripts/eval_ner.py``
(``ner_figures``), newsmill's entity path and bare spaCy with the same model in the same run. Skipped where the
evaluation corpus (``../shared/corpus/conll-dev``) is not beside the checkout; CI has it.
"""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"
FLOORS = tomllib.loads((REPO / "tests" / "quality_floors.toml").read_text(encoding="utf-8"))["ner"]
LABELS = ("PER", "LOC", "ORG", "MISC")

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(
        not (CORPUS / "conll-dev").is_dir(), reason="the evaluation corpus is not beside the checkout"
    ),
]


@pytest.fixture(scope="module")
def figures() -> Any:
    sys.path.insert(0, str(REPO / "scripts"))
    try:
        import eval_ner
    finally:
        sys.path.remove(str(REPO / "scripts"))
    return eval_ner.ner_figures(CORPUS)


def test_quality_ner_f1_above_floors(figures: Any) -> None:
    for label in (*LABELS, "all"):
        assert figures.newsmill[label].f1 >= FLOORS[f"{label.lower()}_f1"], label


def test_quality_ner_not_below_bare_spacy_on_any_label(figures: Any) -> None:
    for label in LABELS:
        assert figures.newsmill[label].f1 - figures.bare[label].f1 >= FLOORS["label_over_bare"], label
    assert figures.newsmill["all"].f1 - figures.bare["all"].f1 >= FLOORS["all_over_bare"]


def test_quality_ner_no_wire_document_lost(figures: Any) -> None:
    assert figures.documents - figures.accepted <= FLOORS["documents_lost"]
