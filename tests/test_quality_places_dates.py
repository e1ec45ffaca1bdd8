"""Quality gate: places on LGL and dates on TimeBank, scored on outside gold, stay above the reviewed floors.

The floors are in ``tests/quality_floors.toml`` (``[intel.places]``, ``[intel.dates]``); the evaluations are
``scripts/intel_eval/places.py`` and ``scripts/intel_eval/dates.py``. Skipped where the evaluation corpus
(``../shared/corpus``) is not beside the checkout; CI has it.
"""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"
FLOORS = tomllib.loads((REPO / "tests" / "quality_floors.toml").read_text(encoding="utf-8"))["intel"]

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(
        not (CORPUS / "intel").is_dir(), reason="the evaluation corpus is not beside the checkout"
    ),
]


def _evaluation(name: str) -> Any:
    sys.path.insert(0, str(REPO / "scripts"))
    try:
        module = __import__(f"intel_eval.{name}", fromlist=["evaluate"])
    finally:
        sys.path.remove(str(REPO / "scripts"))
    return module.evaluate(CORPUS)[0]


def test_quality_places_on_lgl_above_floors() -> None:
    floors, figures = FLOORS["places"], _evaluation("places")
    assert figures.same_place >= floors["same_place"]
    assert figures.same_place_cv >= floors["same_place_cv"]
    assert figures.by_kind["town"] >= floors["towns"]
    assert figures.by_kind["county"] >= floors["counties"]
    assert figures.by_kind["country"] >= floors["countries"]
    assert figures.by_kind["state/region"] >= floors["states"]
    assert figures.detection_f - figures.spacy_detection_f >= floors["detection_f_over_spacy"]


def test_quality_dates_on_timebank_above_floors() -> None:
    floors, figures = FLOORS["dates"], _evaluation("dates")
    assert figures.value_right >= floors["value_right"]
    assert figures.value_right_cv >= floors["value_right_cv"]
    assert figures.detection_f - figures.spacy_detection_f >= floors["detection_f_over_spacy"]
    assert figures.by_kind["quarter/half"] >= floors["quarters"]
    assert figures.by_kind["reference"] >= floors["references"]
