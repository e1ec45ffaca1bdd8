"""A learned byline ranker: which of the name-bearing lines around the headline and date line credits the story.

The layout rules (:func:`flows.core.page.parse.find_byline` and its fallbacks) take the first line that reads as
a byline under fixed positional conditions ("By" lines anywhere in the header, bare names only within two blocks
of a date line). This model scores every line of the header that names someone (:func:`byline_candidates`: a
"By" line, a bare name line, a name with its job, a name before a date) from general features of the line and its
place (distance and side to the headline, to the nearest date line and to the body's start, length, case shape,
digits, organisation words, repetition on the page, a job title on the next line) and from the rules' own
decision (stacked, as :mod:`flows.core.page.headmodel` is), with a logistic regression; the best-scoring
candidate is the byline when its probability reaches one half. With ``rules_first`` the rules' byline stands
whenever they find one and the model only fills in where they find none.

The model is a small JSON file (``models/authors.json``) that ``make train`` (``scripts/train.py``) reproduces
exactly from the evaluation corpus; ``scripts/eval.py`` measures it under leave-publisher-out cross-validation
(see ``docs/extraction-quality.md``).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from flows.core.page.byline import (
    ORG_WORDS,
    byline_after_date,
    is_byline,
    is_credited_name_line,
    is_name_line,
    is_role_line,
    join_split_byline,
    name_before_role,
    name_then_date,
    name_with_handle,
    parse_byline,
)
from flows.core.page.caches import BLOCK_CACHE_SIZE
from flows.core.page.linear import LinearModel

MODEL_PATH = Path(__file__).resolve().parent / "models" / "authors.json"
REACH_ABOVE = 6  # blocks above the headline (or the body's start) searched for a byline
REACH_INTO_BODY = 3  # blocks into the body's start searched
THRESHOLD = 0.5

FEATURES = (
    "rules_choice",  # the block opens the layout rules' byline
    "has_by",  # opens with "By" / "Written by"
    "name_line",  # only people's names
    "credited_name_line",  # a name with its job and employer
    "name_then_date",  # a name, a separator and a date on one line
    "role_next",  # a job title on the next block
    "above_headline",
    "below_headline",
    "log_headline_distance",
    "no_headline",
    "date_same_block",
    "date_adjacent",  # a date line right above or below
    "date_within_two",
    "before_body",
    "log_blocks_before_body",
    "log_tokens",
    "people",  # how many people the line names
    "agencies_only",  # it credits organisations and no person
    "repeated_on_page",
    "capitalised_share",
    "has_digits",
    "org_words",
    "first_candidate",  # the candidate nearest the headline
)


@dataclass(frozen=True, slots=True)
class Candidate:
    """One line (or a byline split over blocks) that names someone: its block range and its credits."""

    start: int
    end: int
    people: tuple[str, ...]
    agencies: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class AuthorModel(LinearModel):
    """A logistic regression over standardised :data:`FEATURES`; ``rules_first`` (1 or 0) keeps the rules'
    byline whenever they find one."""

    def kind(self) -> str:
        """What the model file says it holds."""
        return "logistic-regression choosing the byline among candidates (flows/core/page/authormodel.py)"

    rules_first: float = 1.0

    def best(self, matrix: npt.NDArray[np.float64]) -> int | None:
        """The row of the most byline-like candidate when its probability reaches :data:`THRESHOLD`, else
        None (the first on a tie)."""
        if matrix.shape[0] == 0:
            return None
        probabilities = self.probabilities(matrix)
        best = int(np.argmax(probabilities))
        return best if probabilities[best] >= THRESHOLD else None

    def _extra(self) -> dict[str, float]:
        return {"rules_first": self.rules_first}

    @classmethod
    def _read_extra(cls, data: dict[str, Any]) -> dict[str, float]:
        return {"rules_first": float(data.get("rules_first", 1.0))}


@cache
def shipped_model() -> AuthorModel | None:
    """The ranker shipped with the parser, or None when its file is absent or not for these features."""
    if not MODEL_PATH.exists():
        return None
    model = AuthorModel.from_json(MODEL_PATH.read_text(encoding="utf-8"))
    return model if model.features == FEATURES else None


def byline_candidates(
    blocks: Sequence[str],
    headline: int | None,
    body_start: int,
    rules_byline: tuple[int, int] | None,
) -> list[Candidate]:
    """The header's lines that name someone, in page order: from a few blocks above the headline (or the body's
    start) to a few blocks into the body, and the rules' byline wherever it is."""
    top = min(headline, body_start) if headline is not None else body_start
    indices = set(range(max(0, top - REACH_ABOVE), min(len(blocks), body_start + REACH_INTO_BODY)))
    if rules_byline is not None:
        indices.add(rules_byline[0])
    found: list[Candidate] = []
    covered = -1
    for index in sorted(indices):
        if index == headline or index < covered:
            continue
        candidate = _candidate(blocks, index, rules_byline)
        if candidate is not None:
            found.append(candidate)
            covered = candidate.end
    return found


def _candidate(blocks: Sequence[str], index: int, rules_byline: tuple[int, int] | None) -> Candidate | None:
    block = blocks[index]
    if rules_byline is not None and index == rules_byline[0]:
        end = rules_byline[1]
    elif is_byline(block):
        end = join_split_byline(blocks, index)[1]
    elif _names_someone(block):
        end = index + 1
    else:
        return None
    people, agencies = parse_byline(" ".join(blocks[index:end]))
    if not people and not agencies:
        return None
    return Candidate(index, end, people, agencies)


@lru_cache(maxsize=BLOCK_CACHE_SIZE)
def _names_someone(block: str) -> bool:
    return (
        is_name_line(block)
        or is_credited_name_line(block)
        or name_then_date(block)
        or name_with_handle(block)
        or byline_after_date(block) is not None
        or name_before_role(block) is not None
    )


def candidate_features(
    blocks: Sequence[str],
    candidates: Sequence[Candidate],
    headline: int | None,
    body_start: int,
    date_indices: set[int],
    rules_byline: tuple[int, int] | None,
) -> npt.NDArray[np.float64]:
    """The candidates' feature matrix (one row each, columns as :data:`FEATURES`)."""
    if not candidates:
        return np.zeros((0, len(FEATURES)))
    counts = Counter(blocks)
    dates = sorted(date_indices)
    nearest = min(
        range(len(candidates)),
        key=lambda k: abs(candidates[k].start - headline) if headline is not None else k,
    )
    rows = []
    for k, candidate in enumerate(candidates):
        index = candidate.start
        text = " ".join(blocks[index : candidate.end])
        tokens = text.split()
        capitalised = [t for t in tokens if t[:1].isalpha()]
        to_date = min((abs(index - d) for d in dates), default=99)
        distance = abs(index - headline) if headline is not None else 0
        before = max(0, body_start - index)
        rows.append(
            [
                float(rules_byline is not None and index == rules_byline[0]),
                float(is_byline(blocks[index])),
                float(is_name_line(blocks[index])),
                float(is_credited_name_line(blocks[index])),
                float(name_then_date(blocks[index])),
                float(candidate.end < len(blocks) and is_role_line(blocks[candidate.end])),
                float(headline is not None and index < headline),
                float(headline is not None and index > headline),
                math.log1p(distance),
                float(headline is None),
                float(index in date_indices),
                float(to_date == 1),
                float(to_date <= 2),
                float(index < body_start),
                math.log1p(before),
                math.log1p(len(tokens)),
                float(len(candidate.people)),
                float(not candidate.people),
                float(counts[blocks[index]] > 1),
                sum(1 for t in capitalised if t[0].isupper()) / max(1, len(capitalised)),
                float(any(c.isdigit() for c in text)),
                float(any(t.lower().strip(".,|") in ORG_WORDS for t in tokens)),
                float(k == nearest),
            ]
        )
    return np.asarray(rows, dtype=np.float64)


def choose_byline(
    model: AuthorModel,
    blocks: Sequence[str],
    headline: int | None,
    body_start: int,
    date_indices: set[int],
    rules_byline: tuple[int, int] | None,
) -> tuple[int, int] | None:
    """The byline's block range as the model chooses it (the rules' own when ``rules_first`` and they found
    one); None when no candidate reaches the threshold."""
    if rules_byline is not None and model.rules_first >= 0.5:
        return rules_byline
    candidates = byline_candidates(blocks, headline, body_start, rules_byline)
    best = model.best(
        candidate_features(blocks, candidates, headline, body_start, date_indices, rules_byline)
    )
    return None if best is None else (candidates[best].start, candidates[best].end)
