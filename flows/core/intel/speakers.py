"""A learned ranker over candidate speakers, for the quotes that no attribution rule gives a speaker.

The rules of :mod:`flows.core.intel.quotes` attribute most quotes; some quotes have no cue they know ("Romney
went after Trump, calling it “disqualifying”", a scare quote in a sentence about someone). For those, every
PERSON or ORG mention outside quotes in the quote's paragraph or the one before it is a candidate, described by
a few general features (:data:`FEATURES`: distance to the quote, before or after it, same sentence, same
paragraph, PERSON or ORG, a cue verb in the candidate's sentence, the candidate opening its sentence, how often
its last name word is written in the article, a possessive, several words, rank by distance). A logistic
regression (:class:`SpeakerModel`, the JSON file ``models/speakers.json``, fitted by ``scripts/train.py`` on
PolNeAR's dev and train sample) scores each; the best candidate is the speaker when its probability reaches
:data:`THRESHOLD`, else the quote keeps no speaker.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Final

import numpy as np

from flows.core.models import EntityMention
from flows.core.page.linear import LinearModel

MODEL_PATH: Final = Path(__file__).resolve().parent / "models" / "speakers.json"
FEATURES: Final = (
    "distance",  # characters between the candidate and the quote's marks, in hundreds, at most 6
    "before",  # the candidate ends before the opening mark
    "same_sentence",  # no sentence stop or line break between the candidate and the quote
    "same_paragraph",
    "person",  # PERSON (else ORG)
    "cue_in_sentence",  # a cue verb ("said", "told") in the candidate's sentence
    "opens_sentence",  # at most two words before the candidate in its sentence
    "name_count",  # log(1 + mentions in the article ending with the candidate's last word)
    "possessive",  # "X’s"
    "several_words",
    "distance_rank",  # 0 for the nearest candidate, at most 5
)
THRESHOLD: Final = 0.4  # the lowest probability at which a candidate becomes the speaker
_LABELS: Final = frozenset({"PERSON", "ORG"})
_STOP_RE: Final = re.compile(r"[.!?]\s")
_SENTENCE_END_RE: Final = re.compile(r"[.!?](?:\s|$)")


class SpeakerModel(LinearModel):
    """A logistic regression over standardised :data:`FEATURES`: the probability that a candidate spoke."""

    def kind(self) -> str:
        """What the model file says it holds."""
        return "logistic-regression over candidate speakers (flows/core/intel/speakers.py)"


@cache
def shipped_model() -> SpeakerModel | None:
    """The ranker shipped with newsmill, or None when its file is absent or not for these features."""
    if not MODEL_PATH.exists():
        return None
    model = SpeakerModel.from_json(MODEL_PATH.read_text(encoding="utf-8"))
    return model if model.features == FEATURES else None


def candidates(
    text: str,
    mark_start: int,
    mark_end: int,
    quoted: Sequence[tuple[int, int]],
    mentions: Sequence[EntityMention],
    cue: re.Pattern[str],
) -> list[tuple[EntityMention, list[float]]]:
    """The quote's candidate speakers with their features; ``quoted`` are every quote's mark spans (sorted),
    ``mentions`` the text's mentions sorted by start, ``cue`` the rules' cue verbs."""
    para_start = text.rfind("\n", 0, mark_start) + 1
    window_start = text.rfind("\n", 0, max(0, para_start - 2)) + 1 if para_start else 0
    para_end = text.find("\n", mark_end)
    para_end = len(text) if para_end < 0 else para_end
    starts = [s for s, _ in quoted]
    names = [m for m in mentions if m.label in _LABELS]
    last_words = Counter(m.text.split()[-1].lower() for m in names if m.text.split())
    found: list[tuple[EntityMention, list[float]]] = []
    for mention in names:
        if (
            mention.start_char < window_start
            or mention.end_char > para_end
            or _inside(mention, quoted, starts)
        ):
            continue
        if mention.start_char < mark_end and mention.end_char > mark_start:
            continue
        found.append((mention, _features(text, mark_start, mark_end, para_start, mention, last_words, cue)))
    for rank, index in enumerate(sorted(range(len(found)), key=lambda i: found[i][1][0])):
        found[index][1].append(float(min(rank, 5)))
    return found


def _inside(mention: EntityMention, quoted: Sequence[tuple[int, int]], starts: Sequence[int]) -> bool:
    index = bisect_left(starts, mention.start_char + 1) - 1
    return index >= 0 and mention.start_char < quoted[index][1]


def _features(
    text: str,
    mark_start: int,
    mark_end: int,
    para_start: int,
    mention: EntityMention,
    last_words: Counter[str],
    cue: re.Pattern[str],
) -> list[float]:
    before = mention.end_char <= mark_start
    distance = (mark_start - mention.end_char) if before else (mention.start_char - mark_end)
    between = text[min(mention.end_char, mark_end) : max(mention.start_char, mark_start)]
    sentence_start = max(text.rfind(". ", 0, mention.start_char), text.rfind("\n", 0, mention.start_char)) + 1
    end = _SENTENCE_END_RE.search(text, mention.end_char)
    sentence = text[sentence_start : end.end() if end else len(text)]
    words = mention.text.split()
    return [
        min(distance, 600) / 100,
        float(before),
        float(not _STOP_RE.search(between) and "\n" not in between),
        float(mention.start_char >= para_start),
        float(mention.label == "PERSON"),
        float(cue.search(sentence) is not None),
        float(len(text[sentence_start : mention.start_char].split()) <= 2),
        math.log1p(last_words[words[-1].lower()] if words else 0),
        float(text[mention.end_char : mention.end_char + 2] in ("’s", "'s")),
        float(len(words) > 1),
    ]


def best_speaker(
    model: SpeakerModel,
    text: str,
    mark_start: int,
    mark_end: int,
    quoted: Sequence[tuple[int, int]],
    mentions: Sequence[EntityMention],
    cue: re.Pattern[str],
) -> tuple[EntityMention, float] | None:
    """The most probable candidate and its probability, when that reaches :data:`THRESHOLD`."""
    found = candidates(text, mark_start, mark_end, quoted, mentions, cue)
    if not found:
        return None
    probabilities = model.probabilities(np.array([f for _, f in found], dtype=np.float64))
    best = int(np.argmax(probabilities))
    return (found[best][0], float(probabilities[best])) if probabilities[best] >= THRESHOLD else None
