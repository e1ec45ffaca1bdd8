"""A learned check on the body's paragraphs: which of those the layout rules kept are boilerplate after all.

The rules (:mod:`flows.core.page.blocks`, :mod:`flows.core.page.parse`) find the article's span and keep its
text-like blocks; promo, newsletter and "the latest on ..." blurbs set inside that span look like text to
them. This model scores each kept paragraph from general features of the paragraph and its neighbours (length,
stop-word density, sentence shape, case, digits, addressing the reader, site-function and legal words,
position in the body, repetition on the page, overlap with the headline) with a logistic regression, and drops
a paragraph whose probability of being article text falls under the model's threshold. It never drops them all.

The model is a small JSON file (``models/blocks.json``: feature names, standardisation, coefficients,
threshold) that ``make train`` (``scripts/train.py``) reproduces exactly from the evaluation corpus; inference
is a few numpy operations per article. A learned part is used only when it improves the leave-publisher-out
figures (``scripts/eval.py --block-model`` measures it); this one does not yet, so the parser ships without it
and :func:`shipped_model` is read by the evaluation only.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import numpy.typing as npt

from flows.core.page.blocks import (
    STOP_WORDS,
    ends_as_sentence,
    is_legal,
    lower_words,
    names_site_function,
    words_of,
)
from flows.core.page.linear import LinearModel

MODEL_PATH = Path(__file__).resolve().parent / "models" / "blocks.json"
_READER = re.compile(r"\b(?:you|your|we|our|us)\b", re.IGNORECASE)
_MENU_MARKS = re.compile(r"[|»›•]")
_PROMO = re.compile(
    r"\b(?=[adfilmnrstw])(?:sign up|subscribe|newsletter|download|app|follow|latest|more on|read more|"
    r"advertis\w*|sponsored|affiliate|commission|tickets?|deals?|free trial|watch|listen)\b",
    re.IGNORECASE,
)
_QUOTES = re.compile(r"[\"“”«»]")
_CAPTION = re.compile(
    r"\b(?:pictured|photographed|illustration|displayed|seen here|file photo|getty|reuters|afp|ap photo|"
    r"shutterstock|images?|photo(?:graph)?)\b",
    re.IGNORECASE,
)
_ABOUT = re.compile(
    r"^(?:about|sobre|über|à propos de|a proposito di)\s+\S|^\S+(?:\s+\S+){0,3}\s+is\s+an?\s", re.I
)

# One scalar per paragraph, in this order; the neighbour features follow (see :func:`features`).
OWN_FEATURES = (
    "log_chars",
    "log_words",
    "stop_density",
    "ends_as_sentence",
    "sentence_marks_per_word",
    "capitalised_share",
    "digit_share",
    "punctuation_share",
    "reader_words_per_word",
    "site_function",
    "promo_words",
    "legal",
    "menu_marks",
    "quotes",
    "ends_with_colon",
    "repeated_on_page",
    "headline_overlap",
    "title_shape",
    "caption_words",
    "about_a_person",
)
CONTEXT_FEATURES = (
    "relative_position",
    "is_first",
    "is_last",
    "log_paragraphs_to_end",
    "words_vs_body_median",
)
NEIGHBOUR_FEATURES = ("log_words", "stop_density", "ends_as_sentence", "promo_words")
FEATURES = (
    *OWN_FEATURES,
    *CONTEXT_FEATURES,
    *(f"previous_{name}" for name in NEIGHBOUR_FEATURES),
    *(f"next_{name}" for name in NEIGHBOUR_FEATURES),
)


@dataclass(frozen=True, slots=True)
class BlockModel(LinearModel):
    """A logistic regression over standardised :data:`FEATURES`; a paragraph is kept at ``threshold`` or above."""

    KIND: ClassVar[str] = "logistic-regression over paragraph features (flows/core/page/blockmodel.py)"

    threshold: float

    def probabilities(self, matrix: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        """Probability that each row (a paragraph's features) is article text."""
        result: npt.NDArray[np.float64] = 1.0 / (1.0 + np.exp(-np.clip(self.logits(matrix), -30.0, 30.0)))
        return result

    def _extra(self) -> dict[str, float]:
        return {"threshold": self.threshold}

    @classmethod
    def _read_extra(cls, data: dict[str, Any]) -> dict[str, float]:
        return {"threshold": float(data["threshold"])}


@cache
def shipped_model() -> BlockModel | None:
    """The model shipped with the parser, or None when its file is absent or not for these features."""
    if not MODEL_PATH.exists():
        return None
    model = BlockModel.from_json(MODEL_PATH.read_text(encoding="utf-8"))
    return model if model.features == FEATURES else None


def _own(paragraph: str, headline_words: set[str], counts: Counter[str]) -> list[float]:
    words = words_of(paragraph)
    lowered = lower_words(paragraph)
    n_words = max(1, len(words))
    chars = max(1, len(paragraph))
    content = {w for w in lowered if len(w) > 2} - STOP_WORDS
    return [
        math.log1p(len(paragraph)),
        math.log1p(len(words)),
        sum(1 for w in lowered if w in STOP_WORDS) / n_words,
        float(ends_as_sentence(paragraph)),
        sum(paragraph.count(mark) for mark in ".!?") / n_words,
        sum(1 for w in words if w[:1].isupper()) / n_words,
        sum(c.isdigit() for c in paragraph) / chars,
        sum(not c.isalnum() and not c.isspace() for c in paragraph) / chars,
        len(_READER.findall(paragraph)) / n_words,
        float(names_site_function(paragraph)),
        float(len(_PROMO.findall(paragraph))),
        float(is_legal(paragraph)),
        float(_MENU_MARKS.search(paragraph) is not None),
        float(_QUOTES.search(paragraph) is not None),
        float(paragraph.rstrip().endswith(":")),
        float(counts[paragraph] > 1),
        len(content & headline_words) / max(1, len(content)),
        float(not ends_as_sentence(paragraph) and len(words) <= 16)
        * (
            sum(1 for w in words if len(w) > 3 and w[:1].isupper())
            / max(1, sum(1 for w in words if len(w) > 3))
        ),
        float(len(_CAPTION.findall(paragraph))),
        float(_ABOUT.match(paragraph) is not None),
    ]


def features(
    paragraphs: Sequence[str], blocks: Sequence[str], headline: str | None
) -> npt.NDArray[np.float64]:
    """The feature matrix of the body's paragraphs (one row each, columns as :data:`FEATURES`)."""
    n = len(paragraphs)
    if n == 0:
        return np.zeros((0, len(FEATURES)))
    counts = Counter(blocks)
    headline_words = ({w for w in lower_words(headline) if len(w) > 2} - STOP_WORDS) if headline else set()
    own = np.array([_own(p, headline_words, counts) for p in paragraphs], dtype=np.float64)
    index = np.arange(n, dtype=np.float64)
    log_words = own[:, OWN_FEATURES.index("log_words")]
    context = np.column_stack(
        [
            index / max(1, n - 1),
            index == 0,
            index == n - 1,
            np.log1p(n - 1 - index),
            log_words - np.median(log_words),
        ]
    ).astype(np.float64)
    columns = [OWN_FEATURES.index(name) for name in NEIGHBOUR_FEATURES]
    neighbours = own[:, columns]
    edge = np.zeros((1, len(columns)))
    previous = np.vstack([edge, neighbours[:-1]])
    following = np.vstack([neighbours[1:], edge])
    return np.hstack([own, context, previous, following])


def keep_paragraphs(
    paragraphs: tuple[str, ...], blocks: Sequence[str], headline: str | None, model: BlockModel | None
) -> tuple[str, ...]:
    """The paragraphs the model takes for article text (all of them when it would keep none, or without a
    model)."""
    if model is None or len(paragraphs) < 2:
        return paragraphs
    keep = model.probabilities(features(paragraphs, blocks, headline)) >= model.threshold
    kept = tuple(p for p, k in zip(paragraphs, keep, strict=True) if k)
    return kept or paragraphs
