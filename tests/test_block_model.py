"""The learned block model: its features, its file format, what it keeps, and that `make train` reproduces it."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flows.core.page import authormodel, headmodel
from flows.core.page.blockmodel import (
    BASE_FEATURES,
    FEATURES,
    MODEL_PATH,
    RULE_FEATURES,
    BlockModel,
    choose_blocks,
    expand,
    features,
    shipped_model,
)
from flows.core.page.parse import page_body_choice, parse_page

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus" / "pages"

STORY = (
    "The river authority said on Tuesday that the new flood barrier would be finished a year early.",
    "Residents who lost their homes two years ago welcomed the news, but asked for weekly reports.",
    "Sign up for our newsletter and download the app to get the latest deals in your inbox.",
    "The barrier will cost about 40 million dollars, most of it paid by the national government.",
)


def _rules(kept: tuple[int, ...], n: int) -> np.ndarray:
    """Rule rows for ``n`` blocks inside the span, the rules keeping those at ``kept``."""
    rows = np.zeros((n, len(RULE_FEATURES)))
    rows[:, RULE_FEATURES.index("in_span")] = 1.0
    rows[:, RULE_FEATURES.index("good_class")] = 1.0
    rows[list(kept), RULE_FEATURES.index("rules_kept")] = 1.0
    return rows


def _model(weights: dict[str, float], drop_below: float = 0.5, add_from: float = 0.5) -> BlockModel:
    """A hand-set model with these weights on the expanded features (the others 0)."""
    coef = [weights.get(name, 0.0) for name in FEATURES]
    return BlockModel(
        features=FEATURES,
        mean=(0.0,) * len(FEATURES),
        scale=(1.0,) * len(FEATURES),
        coef=tuple(coef),
        intercept=0.0,
        drop_below=drop_below,
        add_from=add_from,
    )


def _promo_model(drop_below: float = 0.5) -> BlockModel:
    """Keeps what the rules keep unless it reads promo words; adds nothing."""
    return _model({"kept:one": 2.0, "kept:promo_words": -4.0, "other:one": -5.0}, drop_below=drop_below)


def test_features_give_one_row_per_block_with_the_rules_decisions_and_neighbours() -> None:
    matrix = features(STORY, STORY, "Flood barrier to be finished a year early", _rules((0, 1, 2), 4))
    assert matrix.shape == (len(STORY), len(BASE_FEATURES))
    promo = BASE_FEATURES.index("promo_words")
    kept = BASE_FEATURES.index("rules_kept")
    assert matrix[2, promo] > 0
    assert matrix[0, promo] == 0
    assert matrix[1, BASE_FEATURES.index("next_promo_words")] == matrix[2, promo]
    assert matrix[3, BASE_FEATURES.index("previous_promo_words")] == matrix[2, promo]
    assert list(matrix[:, kept]) == [1, 1, 1, 0]
    assert matrix[3, BASE_FEATURES.index("previous_rules_kept")] == 1
    assert matrix[0, BASE_FEATURES.index("is_first")] == 1
    assert matrix[3, BASE_FEATURES.index("is_last")] == 1
    assert (matrix[:, BASE_FEATURES.index("one")] == 1).all()
    assert features((), (), None, np.zeros((0, len(RULE_FEATURES)))).shape == (0, len(BASE_FEATURES))


def test_the_expanded_features_split_by_the_rules_decision() -> None:
    base = features(STORY, STORY, None, _rules((0, 1), 4))
    expanded = expand(base)
    assert expanded.shape == (4, len(FEATURES))
    one_kept, one_other = FEATURES.index("kept:one"), FEATURES.index("other:one")
    assert list(expanded[:, one_kept]) == [1, 1, 0, 0]
    assert list(expanded[:, one_other]) == [0, 0, 1, 1]


def test_a_model_drops_what_the_rules_kept_and_adds_what_they_left_out() -> None:
    rules = _rules((0, 1, 2, 3), 4)
    assert choose_blocks(STORY, rules, STORY, None, _promo_model()) == (STORY[0], STORY[1], STORY[3])
    assert choose_blocks(STORY, rules, STORY, None, _promo_model(drop_below=0.0)) == STORY
    adds = _model({"kept:one": 5.0, "other:ends_as_sentence": 3.0, "other:one": -1.0}, add_from=0.8)
    assert choose_blocks(STORY, _rules((0, 1), 4), STORY, None, adds) == STORY
    never = _model({"kept:one": 5.0, "other:ends_as_sentence": 3.0, "other:one": -1.0}, add_from=1.01)
    assert choose_blocks(STORY, _rules((0, 1), 4), STORY, None, never) == STORY[:2]
    nothing = _model({"kept:one": -5.0, "other:one": -5.0})
    assert choose_blocks(STORY, rules, STORY, None, nothing) is None


def test_the_parser_takes_a_model_to_choose_its_body() -> None:
    blurb = "Tickets for the opening of the barrier go on sale at the town hall, and the ceremony will be on the radio."
    paragraphs = (STORY[0], STORY[1], blurb, STORY[3])
    page_text = (
        "Flood barrier to be finished a year early\n\nMarch 3, 2023\n\n" + "\n\n".join(paragraphs) + "\n"
    )
    assert blurb in (parse_page(page_text, block_model=None).body or "")  # the rules alone keep it
    assert blurb not in (parse_page(page_text, block_model=_promo_model()).body or "")
    nothing = _model({"kept:one": -5.0, "other:one": -5.0})
    assert parse_page(page_text, block_model=nothing).body == parse_page(page_text, block_model=None).body


def test_the_candidates_are_the_span_and_its_surroundings_without_the_header() -> None:
    page_text = "\n\n".join(
        ("Home | News | Sport", "Flood barrier to be finished a year early", "March 3, 2023", *STORY, "Share")
    )
    found = page_body_choice(page_text)
    assert found is not None
    _, choice = found
    assert "March 3, 2023" not in choice.candidates  # a date line
    assert "Flood barrier to be finished a year early" not in choice.candidates  # the headline
    assert STORY[0] in choice.candidates
    assert choice.rules.shape == (len(choice.candidates), len(RULE_FEATURES))
    kept = {c for c, row in zip(choice.candidates, choice.rules, strict=True) if row[0] == 1}
    assert kept == set(choice.paragraphs)
    assert page_body_choice("one line\nanother line") is None  # plain wire copy


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
    assert train.trained_author_text(CORPUS) == authormodel.MODEL_PATH.read_text(encoding="utf-8")


def test_a_table_s_repeated_cells_stay_candidates_so_a_model_can_keep_the_table_whole() -> None:
    text = (REPO / "tests" / "data" / "parse" / "table_after_intro.txt").read_text(encoding="utf-8")
    found = page_body_choice(text)
    assert found is not None
    _, choice = found
    assert choice.candidates.count("0") == 2  # the repeated "0" cells, as the rules keep them
    follows_the_rules = _model({"kept:one": 5.0, "other:one": -5.0})
    rules_alone = parse_page(text, block_model=None)
    assert parse_page(text, block_model=follows_the_rules).paragraphs == rules_alone.paragraphs


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(min_size=1, max_size=120), max_size=25))
def test_the_parser_with_the_committed_block_model_never_raises(lines: list[str]) -> None:
    page = parse_page("\n\n".join(lines), block_model=shipped_model())
    assert page.paragraphs is not None
