"""A learned headline ranker: which of the title-shaped blocks before the body is the article's headline.

The layout rules (:func:`flows.core.page.parse.find_headline`) score each candidate with hand-set weights. This
model scores the same candidates (:func:`flows.core.page.parse.headline_candidates`) from general features of
the block and its place (distance to the body's start, a date line or byline next to it, length, case shape,
end punctuation, repetition on the page, word overlap with the first paragraphs, a list of similar blocks around
it, interface-string shape) and from the rules' own decision (their choice, their weight of the candidate, whether
they pass it over: stacked, so the ranker learns when to override them) with a linear score learned as a pairwise ranker (a logistic regression on the
feature differences between a page's headline and its other candidates), and takes the highest-scoring
candidate: one matrix product per page.

The model is a small JSON file (``models/headline.json``: feature names, standardisation, coefficients) that
``make train`` (``scripts/train.py``) reproduces exactly from the evaluation corpus. ``scripts/eval.py``
measures it under leave-publisher-out cross-validation; the parser uses it because it holds the rules' figures
there (see ``docs/extraction-quality.md``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import numpy as np
import numpy.typing as npt

from flows.core.page.blocks import block_word_count, names_site_function, words_of
from flows.core.page.caches import BLOCK_CACHE_SIZE
from flows.core.page.linear import LinearModel

MODEL_PATH = Path(__file__).resolve().parent / "models" / "headline.json"
_MENU_MARKS = re.compile(r"[|»›•·]")
_INTERFACE = re.compile(
    r"^(?:continue|read|watch|listen|see|view|show|click|tap|share|follow|sign|log|subscribe|download|skip|"
    r"back to|go to|return to|load|more)\b",
    re.IGNORECASE,
)

FEATURES = (
    "before_body_start",  # blocks between the candidate and the body's start (0 when at or after it)
    "log_blocks_before_body",
    "at_or_after_body_start",
    "header_below",  # a date line, byline or bare name within four blocks below
    "next_to_header",  # a date line or byline within two above or four below
    "date_adjacent",  # a date line right above or below
    "byline_adjacent",  # a byline or bare name right above or below
    "log_words",
    "headline_length",  # 5 to 22 words
    "short",  # under 4 words
    "log_chars",
    "ends_with_full_stop",
    "ends_with_question_or_exclamation",
    "capitalised_share",
    "all_capitals",
    "repeated_on_page",  # the same block again, or a longer block opening with it ("Title | Site")
    "lead_overlap",
    "in_title_list",  # a run of three or more title-shaped blocks (menu, related links)
    "menu_marks",
    "site_function",
    "sentence_below",  # a longer block ending in a full stop right below (a standfirst)
    "title_above",  # a title-shaped block right above
    "standfirst_shape",  # ends with a full stop under a title-shaped block
    "interface_shape",  # opens like a control ("Continue reading", "Watch", "Sign in")
    "nearest_candidate",  # the last candidate before the body's start
    "first_candidate",
    "candidate_above",
    "candidate_below",
    "rules_choice",  # the layout rules' headline (find_headline)
    "rules_weight",  # the rules' hand-set weight of the candidate, clipped to [-20, 20]
    "rules_pass_over",  # a candidate the rules never take (a sentence-like block away from a date line or byline)
)


@dataclass(frozen=True, slots=True)
class HeadlineModel(LinearModel):
    """A logistic regression over standardised :data:`FEATURES`; the highest-scoring candidate is the headline."""

    def kind(self) -> str:
        """What the model file says it holds."""
        return "pairwise logistic-regression ranking headline candidates (flows/core/page/headmodel.py)"

    def scores(self, matrix: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        """Each row's logit (a candidate's features): higher is more headline-like."""
        return self.logits(matrix)

    def best(self, matrix: npt.NDArray[np.float64]) -> int | None:
        """The row of the highest-scoring candidate (the first on a tie), None without candidates. A candidate
        the rules pass over (a sentence-like block away from a date line or byline) is taken only when every
        candidate is one: the ranker reorders the rules' candidates, it does not revive their rejects."""
        if matrix.shape[0] == 0:
            return None
        scores = self.scores(matrix)
        if "rules_pass_over" in self.features:
            passed_over = matrix[:, self.features.index("rules_pass_over")] > 0.5
            if not passed_over.all():
                scores = np.where(passed_over, -np.inf, scores)
        return int(np.argmax(scores))


@cache
def shipped_model() -> HeadlineModel | None:
    """The ranker shipped with the parser, or None when its file is absent or not for these features."""
    if not MODEL_PATH.exists():
        return None
    model = HeadlineModel.from_json(MODEL_PATH.read_text(encoding="utf-8"))
    return model if model.features == FEATURES else None


@dataclass(frozen=True, slots=True)
class CandidateFacts:
    """What the layout rules know about one candidate block (computed in :mod:`flows.core.page.parse`)."""

    header_below: bool
    next_to_header: bool
    date_adjacent: bool
    byline_adjacent: bool
    repeated: bool
    lead_overlap: float
    in_title_list: bool
    title_above: bool


def candidate_row(
    block: str, index: int, body_start: int, facts: CandidateFacts, below: str | None
) -> list[float]:
    """One candidate's features, in the order of :data:`FEATURES` but for the six about the candidate list and the
    rules' choice."""
    n_words, log_words, log_chars, ends_stop, ends_call, capitalised, capitals, menu, site, interface = (
        _block_shape(block)
    )
    before = max(0, body_start - index)
    return [
        float(before),
        math.log1p(before),
        float(index >= body_start),
        float(facts.header_below),
        float(facts.next_to_header),
        float(facts.date_adjacent),
        float(facts.byline_adjacent),
        log_words,
        float(5 <= n_words <= 22),
        float(n_words < 4),
        log_chars,
        ends_stop,
        ends_call,
        capitalised,
        capitals,
        float(facts.repeated),
        facts.lead_overlap,
        float(facts.in_title_list),
        menu,
        site,
        float(
            below is not None and below.rstrip("\"'”’» ").endswith(".") and block_word_count(below) > n_words
        ),
        float(facts.title_above),
        float(ends_stop == 1.0 and facts.title_above),
        interface,
    ]


@lru_cache(maxsize=BLOCK_CACHE_SIZE)
def _block_shape(block: str) -> tuple[int, float, float, float, float, float, float, float, float, float]:
    """The features of :func:`candidate_row` that depend on the block alone (its word count first), kept: a
    site's pages share their candidates (its name, its menus)."""
    words = words_of(block)
    n_words = len(words)
    long_words = [w for w in words if len(w) > 3 and not w.isdigit()]
    tail = block.rstrip("\"'”’» ")
    letters = [c for c in block if c.isalpha()]
    return (
        n_words,
        math.log1p(n_words),
        math.log1p(len(block)),
        float(tail.endswith(".")),
        float(tail.endswith(("?", "!"))),
        sum(1 for w in long_words if w[:1].isupper()) / max(1, len(long_words)),
        float(bool(letters) and all(c.isupper() for c in letters)),
        float(_MENU_MARKS.search(block) is not None),
        float(names_site_function(block)),
        float(_INTERFACE.match(block) is not None),
    )


def feature_matrix(
    rows: Sequence[list[float]],
    indices: Sequence[int],
    body_start: int,
    rules_choice: int | None = None,
    rules_weights: Sequence[float] = (),
    rules_passed_over: Sequence[bool] = (),
) -> npt.NDArray[np.float64]:
    """The candidates' feature matrix (one row each, columns as :data:`FEATURES`), in page order;
    ``rules_choice`` is the index the layout rules choose, ``rules_weights`` their weight of each candidate,
    ``rules_passed_over`` the candidates they never take."""
    if not rows:
        return np.zeros((0, len(FEATURES)))
    before = [i for i in indices if i < body_start]
    nearest = max(before) if before else None
    chosen = set(indices)
    extra = [
        [
            float(i == nearest),
            float(k == 0),
            float(i - 1 in chosen),
            float(i + 1 in chosen),
            float(i == rules_choice),
            min(20.0, max(-20.0, rules_weights[k] if k < len(rules_weights) else 0.0)),
            float(k < len(rules_passed_over) and rules_passed_over[k]),
        ]
        for k, i in enumerate(indices)
    ]
    return np.hstack([np.asarray(rows, dtype=np.float64), np.asarray(extra, dtype=np.float64)])
