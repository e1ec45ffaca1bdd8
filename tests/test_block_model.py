"""The learned block model: its features, its file format, what it keeps, and that `make train` reproduces it."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

from flows.core.page import headmodel
from flows.core.page.blockmodel import (
    FEATURES,
    MODEL_PATH,
    BlockModel,
    features,
    keep_paragraphs,
    shipped_model,
)
from flows.core.page.parse import parse_page

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus" / "pages"

STORY = (
    "The river authority said on Tuesday that the new flood barrier would be finished a year early.",
    "Residents who lost their homes two years ago welcomed the news, but asked for weekly reports.",
    "Sign up for our newsletter and download the app to get the latest deals in your inbox.",
    "The barrier will cost about 40 million dollars, most of it paid by the national government.",
)


def _promo_model(threshold: float = 0.5) -> BlockModel:
    """A hand-set model that reads promo words and nothing else."""
    coef = [0.0] * len(FEATURES)
    coef[FEATURES.index("promo_words")] = -4.0
    return BlockModel(
        features=FEATURES,
        mean=(0.0,) * len(FEATURES),
        scale=(1.0,) * len(FEATURES),
        coef=tuple(coef),
        intercept=2.0,
        threshold=threshold,
    )


def test_features_give_one_row_per_paragraph_with_neighbours() -> None:
    matrix = features(STORY, STORY, "Flood barrier to be finished a year early")
    assert matrix.shape == (len(STORY), len(FEATURES))
    promo = FEATURES.index("promo_words")
    assert matrix[2, promo] > 0
    assert matrix[0, promo] == 0
    assert matrix[1, FEATURES.index("next_promo_words")] == matrix[2, promo]
    assert matrix[3, FEATURES.index("previous_promo_words")] == matrix[2, promo]
    assert matrix[0, FEATURES.index("is_first")] == 1
    assert matrix[3, FEATURES.index("is_last")] == 1
    assert features((), (), None).shape == (0, len(FEATURES))


def test_a_model_drops_what_it_scores_low_but_never_every_paragraph() -> None:
    kept = keep_paragraphs(STORY, STORY, None, _promo_model())
    assert kept == (STORY[0], STORY[1], STORY[3])
    assert keep_paragraphs(STORY, STORY, None, _promo_model(threshold=1.01)) == STORY
    assert keep_paragraphs(STORY, STORY, None, None) == STORY


def test_the_parser_takes_a_model_to_check_its_body() -> None:
    blurb = "Tickets for the opening of the barrier go on sale at the town hall, and the ceremony will be on the radio."
    paragraphs = (STORY[0], STORY[1], blurb, STORY[3])
    page_text = (
        "Flood barrier to be finished a year early\n\nMarch 3, 2023\n\n" + "\n\n".join(paragraphs) + "\n"
    )
    assert blurb in (parse_page(page_text).body or "")  # the rules alone keep it
    assert blurb not in (parse_page(page_text, block_model=_promo_model()).body or "")


def test_the_model_file_reads_back_the_same() -> None:
    model = _promo_model()
    assert BlockModel.from_json(model.to_json()) == model
    probabilities = model.probabilities(np.zeros((2, len(FEATURES))))
    assert probabilities.shape == (2,)
    assert all(0 < p < 1 for p in probabilities)


def test_the_committed_model_is_for_these_features() -> None:
    assert MODEL_PATH.exists()
    assert shipped_model() is not None


def _load_train() -> ModuleType:
    spec = importlib.util.spec_from_file_location("newsmill_train", REPO / "scripts" / "train.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["newsmill_train"] = module
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the evaluation corpus (../shared/corpus/pages) is not here")
def test_make_train_reproduces_the_committed_models() -> None:
    train = _load_train()
    assert train.trained_model_text(CORPUS) == MODEL_PATH.read_text(encoding="utf-8")
    assert train.trained_headline_text(CORPUS) == headmodel.MODEL_PATH.read_text(encoding="utf-8")
