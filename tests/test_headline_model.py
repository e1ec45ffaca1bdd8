"""The learned headline ranker: its candidates, its features, its file format, and that the parser uses it."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import numpy as np

from flows.core.page.headmodel import FEATURES, HeadlineModel, shipped_model
from flows.core.page.parse import headline_candidates, headline_features, page_headline_candidates, parse_page

REPO = Path(__file__).resolve().parents[1]

PAGE = "\n\n".join(
    (
        "Riverside Gazette",
        "Home | News | Sport | Weather",
        "Council approves a new bridge over the river",
        "By Maria Lopez",
        "March 3, 2023",
        "The county council voted on Tuesday to approve a new footbridge over the river, ending a debate that "
        "had lasted for more than ten years and divided the town's two halves.",
        "Work on the bridge will start in the spring and is expected to take eighteen months, the council's "
        "transport committee said in a statement after the vote.",
        "Residents who crossed the river by ferry for decades welcomed the decision, though some asked why the "
        "bridge would not carry cars as well as people and bicycles.",
    )
)


def _one_feature_model(name: str, weight: float = 1.0) -> HeadlineModel:
    """A hand-set ranker that reads one feature and nothing else."""
    coef = [0.0] * len(FEATURES)
    coef[FEATURES.index(name)] = weight
    return HeadlineModel(
        features=FEATURES,
        mean=(0.0,) * len(FEATURES),
        scale=(1.0,) * len(FEATURES),
        coef=tuple(coef),
        intercept=0.0,
    )


def _candidates() -> tuple[list[str], list[int], np.ndarray]:
    found = page_headline_candidates(PAGE)
    assert found is not None
    return found


def test_candidates_are_the_title_shaped_blocks_before_the_body() -> None:
    blocks, indices, matrix = _candidates()
    texts = [blocks[i] for i in indices]
    assert "Council approves a new bridge over the river" in texts
    assert "March 3, 2023" not in texts  # a date line
    assert "By Maria Lopez" not in texts  # a byline
    assert matrix.shape == (len(indices), len(FEATURES))


def test_features_describe_the_candidates_place_and_shape() -> None:
    blocks, indices, matrix = _candidates()
    headline = indices[[blocks[i] for i in indices].index("Council approves a new bridge over the river")]
    row = matrix[indices.index(headline)]
    assert row[FEATURES.index("header_below")] == 1
    assert row[FEATURES.index("byline_adjacent")] == 1
    assert row[FEATURES.index("headline_length")] == 1
    assert row[FEATURES.index("ends_with_full_stop")] == 0
    assert row[FEATURES.index("lead_overlap")] > 0  # "council", "bridge", "river" open the story
    assert row[FEATURES.index("nearest_candidate")] == 1
    assert row[FEATURES.index("rules_choice")] == 1  # the rules' own headline, stacked as a feature
    assert row[FEATURES.index("rules_pass_over")] == 0
    others = [k for k, i in enumerate(indices) if i != headline]
    assert all(matrix[k, FEATURES.index("rules_choice")] == 0 for k in others)
    assert all(
        matrix[k, FEATURES.index("rules_weight")] < row[FEATURES.index("rules_weight")] for k in others
    )
    sentence = headline_features(
        ["A short title here", "This one ends with a full stop, as sentences do."], [1], 2, set()
    )
    assert sentence[0, FEATURES.index("ends_with_full_stop")] == 1
    assert sentence[0, FEATURES.index("title_above")] == 1
    assert sentence[0, FEATURES.index("standfirst_shape")] == 1
    assert headline_features(blocks, [], 5, set()).shape == (0, len(FEATURES))


def test_the_parser_takes_the_ranker_s_choice() -> None:
    assert parse_page(PAGE, headline_model=None).headline == "Council approves a new bridge over the river"
    ranked = parse_page(PAGE, headline_model=_one_feature_model("byline_adjacent"))
    assert ranked.headline == "Council approves a new bridge over the river"
    blocks, indices, _ = _candidates()
    first = parse_page(PAGE, headline_model=_one_feature_model("first_candidate"))
    assert first.headline == blocks[indices[0]]
    assert first.headline != "Council approves a new bridge over the river"


def test_a_candidate_the_rules_pass_over_is_taken_only_when_all_are() -> None:
    model = _one_feature_model("log_words")
    rows = np.zeros((3, len(FEATURES)))
    rows[:, FEATURES.index("log_words")] = [1.0, 3.0, 2.0]
    rows[1, FEATURES.index("rules_pass_over")] = 1.0  # the longest: a sentence below the body's start
    assert model.best(rows) == 2
    rows[:, FEATURES.index("rules_pass_over")] = 1.0
    assert model.best(rows) == 1


def test_the_parser_ranks_with_the_committed_ranker_by_default() -> None:
    assert parse_page(PAGE).headline == parse_page(PAGE, headline_model=shipped_model()).headline
    first = _one_feature_model("first_candidate")
    assert parse_page(PAGE, headline_model=None).headline == "Council approves a new bridge over the river"
    assert parse_page(PAGE, headline_model=first).headline != parse_page(PAGE, headline_model=None).headline


def test_no_candidate_gives_no_headline() -> None:
    assert _one_feature_model("short").best(np.zeros((0, len(FEATURES)))) is None
    assert headline_candidates(["one", "two"], 0, set()) == []


def test_the_model_file_reads_back_the_same() -> None:
    model = _one_feature_model("lead_overlap", 2.5)
    assert HeadlineModel.from_json(model.to_json()) == model
    assert model.best(np.eye(len(FEATURES))) == FEATURES.index("lead_overlap")


def test_the_committed_ranker_is_for_these_features() -> None:
    assert shipped_model() is not None


def _load_train() -> ModuleType:
    spec = importlib.util.spec_from_file_location("newsmill_train", REPO / "scripts" / "train.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["newsmill_train"] = module
    spec.loader.exec_module(module)
    return module


def test_training_learns_to_rank_the_headline_above_the_other_candidates() -> None:
    train = _load_train()
    below = FEATURES.index("header_below")
    pages = []
    for page in range(6):
        rows = np.random.default_rng(page).normal(size=(4, len(FEATURES)))
        rows[:, below] = 0.0
        rows[page % 4, below] = 1.0  # the headline has a date line or byline under it; the others do not
        labels = np.zeros(4, dtype=np.int64)
        labels[page % 4] = 1
        pages.append((rows, labels))
    model = train.fit_headline(pages)
    assert model.coef[below] > 0
    unseen = np.zeros((3, len(FEATURES)))
    unseen[2, below] = 1.0
    assert model.best(unseen) == 2


def test_the_headline_is_labelled_after_the_parser_s_cleaning() -> None:
    train = _load_train()
    assert train.normalise_headline("“Quoted” — title ") == train.normalise_headline('"quoted" - Title')


def test_the_rules_choice_read_from_the_weights_is_find_headline_s() -> None:
    blocks, indices, matrix = _candidates()
    start = 5  # the body's first paragraph
    assert headline_candidates(blocks, start, {4}) == indices
    assert np.array_equal(matrix, headline_features(blocks, indices, start, {4}))
