"""The learned byline ranker: its candidates, its features, its file format, and how the parser uses it."""

from __future__ import annotations

import dataclasses
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import numpy as np

from flows.core.page.authormodel import (
    FEATURES,
    AuthorModel,
    byline_candidates,
    candidate_features,
    choose_byline,
    shipped_model,
)
from flows.core.page.parse import page_byline_candidates, parse_page

REPO = Path(__file__).resolve().parents[1]

PARAGRAPHS = (
    "The county council voted on Tuesday to approve a new footbridge over the river, ending a debate that had "
    "lasted for more than ten years and divided the town's two halves.",
    "Work on the bridge will start in the spring and is expected to take eighteen months, the council's transport "
    "committee said in a statement after the vote.",
    "Residents who crossed the river by ferry for decades welcomed the decision, though some asked why the bridge "
    "would not carry cars as well as people and bicycles.",
)
HEADLINE = "Council approves a new bridge over the river"


def _page(*header: str) -> str:
    return "\n\n".join(("Riverside Gazette", "Home | News | Sport | Weather", *header, *PARAGRAPHS)) + "\n"


def _one_feature_model(name: str, weight: float, rules_first: float = 0.0) -> AuthorModel:
    """A hand-set ranker that reads one feature and nothing else."""
    coef = [0.0] * len(FEATURES)
    coef[FEATURES.index(name)] = weight
    return AuthorModel(
        features=FEATURES,
        mean=(0.0,) * len(FEATURES),
        scale=(1.0,) * len(FEATURES),
        coef=tuple(coef),
        intercept=-0.5 * weight,
        rules_first=rules_first,
    )


def test_the_candidates_are_the_header_lines_that_name_someone() -> None:
    found = page_byline_candidates(_page(HEADLINE, "Maria Lopez", "March 3, 2023", "Share this story"), None)
    assert found is not None
    blocks, candidates, matrix = found
    assert [blocks[c.start] for c in candidates] == ["Maria Lopez"]
    assert candidates[0].people == ("Maria Lopez",)
    assert matrix.shape == (1, len(FEATURES))
    row = dict(zip(FEATURES, matrix[0], strict=True))
    assert row["name_line"] == 1.0
    assert row["below_headline"] == 1.0
    assert row["date_adjacent"] == 1.0
    assert row["rules_choice"] == 1.0  # the rules take a bare name next to the date line too


def test_a_by_line_split_over_blocks_is_one_candidate() -> None:
    blocks = [HEADLINE, "By", "Maria Lopez", "and", "Tom Reed", "March 3, 2023", *PARAGRAPHS]
    candidates = byline_candidates(blocks, 0, 6, None)
    assert [(c.start, c.end, c.people) for c in candidates] == [(1, 5, ("Maria Lopez", "Tom Reed"))]


def test_the_ranker_takes_the_best_candidate_only_past_one_half() -> None:
    blocks = [HEADLINE, "Maria Lopez", "Home News", "Tom Reed", "March 3, 2023", *PARAGRAPHS]
    candidates = byline_candidates(blocks, 0, 5, None)
    assert [blocks[c.start] for c in candidates] == ["Maria Lopez", "Tom Reed"]
    matrix = candidate_features(blocks, candidates, 0, 5, {4}, None)
    near_date = _one_feature_model("date_adjacent", 4.0)
    assert near_date.best(matrix) == 1
    assert choose_byline(near_date, blocks, 0, 5, {4}, None) == (3, 4)
    nothing = dataclasses.replace(near_date, intercept=-10.0)
    assert nothing.best(matrix) is None
    assert choose_byline(nothing, blocks, 0, 5, {4}, None) is None


def test_rules_first_keeps_the_rules_byline_and_fills_in_where_they_find_none() -> None:
    blocks = [HEADLINE, "Maria Lopez", "Home News", "Tom Reed", "March 3, 2023", *PARAGRAPHS]
    first = _one_feature_model("above_headline", 4.0, rules_first=1.0)  # prefers nothing here: none is above
    assert choose_byline(first, blocks, 0, 5, {4}, (3, 4)) == (3, 4)
    assert choose_byline(first, blocks, 0, 5, {4}, None) is None
    likes_names = _one_feature_model("name_line", 4.0, rules_first=1.0)
    assert choose_byline(likes_names, blocks, 0, 5, {4}, None) == (1, 2)


def test_the_parser_uses_the_model_it_is_given() -> None:
    text = _page("Maria Lopez", HEADLINE, "March 3, 2023")
    assert (
        parse_page(text, author_model=None).authors == ()
    )  # the rules want a date line between name and headline
    above = _one_feature_model("above_headline", 4.0)
    assert parse_page(text, author_model=above).authors == ("Maria Lopez",)


def test_the_model_file_reads_back_the_same() -> None:
    model = _one_feature_model("has_by", 2.5, rules_first=1.0)
    assert AuthorModel.from_json(model.to_json()) == model


def test_the_committed_ranker_is_for_these_features_and_fills_in_behind_the_rules() -> None:
    model = shipped_model()
    assert model is not None
    assert model.rules_first == 1.0


def _load_train() -> ModuleType:
    spec = importlib.util.spec_from_file_location("newsmill_train", REPO / "scripts" / "train.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["newsmill_train"] = module
    spec.loader.exec_module(module)
    return module


def test_training_learns_that_a_line_next_to_the_date_is_the_byline() -> None:
    train = _load_train()
    adjacent = FEATURES.index("date_adjacent")
    rows = np.random.default_rng(3).normal(size=(40, len(FEATURES)))
    labels = (np.arange(40) % 3 == 0).astype(np.int64)
    rows[:, adjacent] = labels
    model = train.fit_author(rows, labels)
    assert model.coef[adjacent] > 0
    unseen = np.zeros((2, len(FEATURES)))
    unseen[1, adjacent] = 1.0
    assert model.best(unseen) == 1


def test_training_on_one_class_chooses_nothing() -> None:
    train = _load_train()
    model = train.fit_author(np.ones((3, len(FEATURES))), np.zeros(3, dtype=np.int64))
    assert model.best(np.ones((2, len(FEATURES)))) is None


def test_gold_names_are_compared_as_the_evaluation_compares_them() -> None:
    train = _load_train()
    assert train.normalise_names(["José Ruiz and Ana Lee"]) == {"jose ruiz", "ana lee"}
