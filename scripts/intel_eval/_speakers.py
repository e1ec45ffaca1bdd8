"""Training rows and the fit of the speaker ranker (:mod:`flows.core.intel.speakers`) on PolNeAR.

Shared by ``scripts/train.py`` (the shipped model, fitted on every document) and ``intel_eval/quotes.py`` (a
model per fold, fitted on the other folds' documents). Not an evaluation itself.

A row is one candidate speaker of a quote that the rules (with the ranker off) leave without a speaker, and
that matches a gold quoted part with a source; it is positive when the candidate is that source: a word of a
named source, or a mention that overlaps the source span.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np
import numpy.typing as npt
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler

from flows.core.intel.quotes import CUE_RE, Quote, QuoteRules, extract_quotes
from flows.core.intel.speakers import FEATURES, SpeakerModel, candidates
from schemas.vocabulary import SpeakerKind

RULES_ONLY = replace(QuoteRules(), ranked_speaker=False)


def doc_rows(doc: object) -> tuple[list[list[float]], list[int]]:
    """The rows of one document (an ``intel_eval.quotes.Doc``)."""
    from intel_eval.quotes import Said, _overall  # the eval's own scoring decides what is right

    body: str = doc.body  # type: ignore[attr-defined]
    mentions = sorted(doc.mentions, key=lambda m: m.start_char)  # type: ignore[attr-defined]
    quotes = extract_quotes(body, mentions, rules=RULES_ONLY)
    quoted = [(q.mark_start, q.mark_end) for q in quotes]
    matrix: list[list[float]] = []
    labels: list[int] = []
    for quote in quotes:
        gold = _gold_of(doc, quote)
        if quote.speaker_kind is not SpeakerKind.NONE or gold is None:
            continue
        for mention, features in candidates(body, quote.mark_start, quote.mark_end, quoted, mentions, CUE_RE):
            said = Said(
                mention.text, (mention.start_char, mention.end_char), mention.text, mention.start_char
            )
            on_source = mention.start_char < gold.source_end and gold.source_start < mention.end_char
            matrix.append(features)
            labels.append(int((gold.kind == "named" and _overall(gold, said, body)) or on_source))
    return matrix, labels


def _gold_of(doc: object, quote: Quote) -> object | None:
    """The first gold quoted part with a source that the quote overlaps."""
    for gold in doc.gold:  # type: ignore[attr-defined]
        if gold.kind and any(gold.start < end and start < gold.end for start, end in quote.paragraphs):
            return gold
    return None


def fit(rows: Sequence[tuple[list[list[float]], list[int]]]) -> SpeakerModel:
    """A logistic regression over the rows of these documents, as the JSON file would hold it."""
    matrix: npt.NDArray[np.float64] = np.array([r for m, _ in rows for r in m], dtype=np.float64)
    labels = np.array([y for _, ys in rows for y in ys])
    scaler = StandardScaler().fit(matrix)
    scale = np.where(scaler.scale_ > 0, scaler.scale_, 1.0)
    regression = LogisticRegression(C=1.0, max_iter=1000).fit((matrix - scaler.mean_) / scale, labels)
    model = SpeakerModel(
        features=FEATURES,
        mean=tuple(float(v) for v in scaler.mean_),
        scale=tuple(float(v) for v in scale),
        coef=tuple(float(v) for v in regression.coef_[0]),
        intercept=float(regression.intercept_[0]),
    )
    return SpeakerModel.from_json(model.to_json())  # the numbers that ship
