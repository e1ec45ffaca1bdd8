"""A learned choice of the body's blocks, stacked on the layout rules: which blocks around the article are its text.

The rules (:mod:`flows.core.page.blocks`, :mod:`flows.core.page.parse`) find the article's span and keep its
text-like blocks. This model sees the blocks of that span and a few on either side of it, each with the rules'
own decisions as features (kept by the rules, inside the span, how far outside it, the block's layout class, an
aside or caption by the rules' patterns) beside general features of the block and its neighbours (length,
stop-word density, sentence shape, case, digits, addressing the reader, site-function and legal words, promo
words, position, repetition on the page, overlap with the headline). A logistic regression learns when to
override the rules: a promo, newsletter or disclosure blurb the rules kept, a paragraph of text they left just
outside the span. It never keeps nothing (the rules' paragraphs then stand).

The model is a small JSON file (``models/blocks.json``: feature names, standardisation, coefficients,
threshold) that ``make train`` (``scripts/train.py``) reproduces exactly from the evaluation corpus; inference
is a few numpy operations per article. Whether the parser uses it is decided by the leave-publisher-out
figures (``scripts/eval.py``; see ``docs/extraction-quality.md``).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

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
# The rules' decisions about the block (see :func:`flows.core.page.parse.block_candidates`), in this order.
RULE_FEATURES = (
    "rules_kept",
    "in_span",
    "log_blocks_before_span",
    "log_blocks_after_span",
    "good_class",
    "short_class",
    "rules_aside",
)
NEIGHBOUR_FEATURES = ("log_words", "stop_density", "ends_as_sentence", "promo_words", "rules_kept")
BASE_FEATURES = (
    "one",
    *OWN_FEATURES,
    *CONTEXT_FEATURES,
    *RULE_FEATURES,
    *(f"previous_{name}" for name in NEIGHBOUR_FEATURES),
    *(f"next_{name}" for name in NEIGHBOUR_FEATURES),
)
# Each base feature twice: once for the blocks the rules keep (whether to drop them), once for the others (whether
# to add them): two logistic regressions in one, so that overriding the rules either way is learned apart.
FEATURES = (*(f"kept:{name}" for name in BASE_FEATURES), *(f"other:{name}" for name in BASE_FEATURES))
_KEPT = BASE_FEATURES.index("rules_kept")


def expand(base: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """The model's matrix (columns as :data:`FEATURES`) from the base matrix (columns as :data:`BASE_FEATURES`)."""
    kept = base[:, _KEPT : _KEPT + 1]
    result: npt.NDArray[np.float64] = np.hstack([base * kept, base * (1.0 - kept)])
    return result


@dataclass(frozen=True, slots=True)
class BlockModel(LinearModel):
    """A logistic regression over standardised :data:`FEATURES`: a block the rules keep stays at ``drop_below``
    or above; a block they leave out comes in at ``add_from`` or above (over 1: never)."""

    def kind(self) -> str:
        """What the model file says it holds."""
        return (
            "logistic-regression over block features and the rules' decisions (flows/core/page/blockmodel.py)"
        )

    drop_below: float
    add_from: float

    def keep(self, base: npt.NDArray[np.float64]) -> npt.NDArray[np.bool_]:
        """Which blocks (rows of the base matrix, columns as :data:`BASE_FEATURES`) are article text."""
        probabilities = self.probabilities(expand(base))
        kept = base[:, _KEPT] > 0.5
        result: npt.NDArray[np.bool_] = np.where(
            kept, probabilities >= self.drop_below, probabilities >= self.add_from
        )
        return result

    def _extra(self) -> dict[str, float]:
        return {"drop_below": self.drop_below, "add_from": self.add_from}

    @classmethod
    def _read_extra(cls, data: dict[str, Any]) -> dict[str, float]:
        return {"drop_below": float(data["drop_below"]), "add_from": float(data["add_from"])}


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
    paragraphs: Sequence[str],
    blocks: Sequence[str],
    headline: str | None,
    rules: npt.NDArray[np.float64],
) -> npt.NDArray[np.float64]:
    """The base feature matrix of the candidate blocks (one row each, columns as :data:`BASE_FEATURES`);
    ``rules`` holds the rules' decisions about them (one row each, columns as :data:`RULE_FEATURES`)."""
    n = len(paragraphs)
    if n == 0:
        return np.zeros((0, len(BASE_FEATURES)))
    counts = Counter(blocks)
    headline_words = ({w for w in lower_words(headline) if len(w) > 2} - STOP_WORDS) if headline else set()
    own = np.hstack(
        [np.array([_own(p, headline_words, counts) for p in paragraphs], dtype=np.float64), rules]
    )
    own_names = (*OWN_FEATURES, *RULE_FEATURES)
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
    columns = [own_names.index(name) for name in NEIGHBOUR_FEATURES]
    neighbours = own[:, columns]
    edge = np.zeros((1, len(columns)))
    previous = np.vstack([edge, neighbours[:-1]])
    following = np.vstack([neighbours[1:], edge])
    width = len(OWN_FEATURES)
    return np.hstack([np.ones((n, 1)), own[:, :width], context, own[:, width:], previous, following])


def choose_blocks(
    candidates: Sequence[str],
    rules: npt.NDArray[np.float64],
    blocks: Sequence[str],
    headline: str | None,
    model: BlockModel,
) -> tuple[str, ...] | None:
    """The candidate blocks the model takes for article text, in page order; None when it takes none."""
    if not candidates:
        return None
    keep = model.keep(features(candidates, blocks, headline, rules))
    kept = tuple(c for c, k in zip(candidates, keep, strict=True) if k)
    return kept or None
