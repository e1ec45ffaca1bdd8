"""News-text fixes around spaCy's entity recogniser: pure functions on strings and character offsets.

Each rule is kept only because it was measured (``make eval-ner``, CoNLL-2003 dev set, bare spaCy beside
newsmill's path in the same run) or, for credits, because the corpus pages show the boilerplate it removes:

* **Capitals.** A headline set in capitals ("LEICESTERSHIRE TAKE OVER AT TOP") is lower-cased for the
  model, word by word (words of four letters or more; "US", "UN" and "NHS" stay as written). The recased
  text has exactly the same length, character by character, so offsets index the original text unchanged.
Names only: the trims below leave numbers, dates and times (``VALUE_LABELS``) as the model found them.

* **Trailing figures.** "Kent 108-3", "G. Kersey 63": numbers glued to the end of a name by a results table
  are not part of it.
* **Leading article.** "the Oval": names start after a lower-case "the" (the CoNLL and ACE convention),
  except for persons. A capital "The" is kept, since titles are written with it ("The Iraqi Resistance
  Coordination Committee"); canonical names drop it (see :mod:`flows.core.canonical`).
* **Possessive.** "Lord 's", "Iraq’s": the possessive ending is not part of the name.
* **Credits.** "John Moore/Getty Images", "Photo: AFP": a name glued to a photo agency by a slash is a
  credit, not a person in the story; such mentions are dropped.
"""

from __future__ import annotations

import re
from typing import Final

from schemas.vocabulary import VALUE_LABELS

__all__ = ["VALUE_LABELS", "is_capitalised", "is_credit", "ner_view", "refine_span"]

_CAPS_MIN_LETTERS: Final = 4
_CAPS_SHARE: Final = 0.8
_RECASE_MIN_LENGTH: Final = 4
_WORD_RE: Final = re.compile(r"[^\W\d_][^\W_]*(?:['’.-][^\W_]+)*")
_TRAILING_FIGURES_RE: Final = re.compile(r"(?:\s+\d[\d.,:/-]*)+$")
# Only a lower-case "the": a capital "The" opening a sentence is kept as the model found it, because
# titles such as "The Iraqi Resistance Coordination Committee" are written with it (canonical names drop it).
_LEADING_THE_RE: Final = re.compile(r"^the\s+")
_POSSESSIVE_RE: Final = re.compile(r"\s*['’]s$")
_CREDIT_AGENCIES: Final = (
    r"Getty(?:\s+Images)?|AFP|AP|Reuters|EPA|Shutterstock|Alamy|Anadolu(?:\s+Agency)?|Xinhua|PA(?:\s+Wire)?|"
    r"Bloomberg|NurPhoto|SOPA\s+Images|Sipa|ZUMA(?:\s+Wire)?|iStock|Pool|Handout|Twitter|Instagram|Facebook"
)
_CREDIT_AFTER_RE: Final = re.compile(rf"^\s?/\s?(?:{_CREDIT_AGENCIES})\b")
_CREDIT_INSIDE_RE: Final = re.compile(rf"\S/\s?(?:{_CREDIT_AGENCIES})\b")
_KEEP_LABELS_FOR_THE: Final = frozenset({"PERSON", "PER"})
# Numbers, dates and times (VALUE_LABELS) are left as the model found them: "about 3,000" keeps its figures.


def is_capitalised(text: str) -> bool:
    """True when at least 80% of the letters (and at least four) are capitals: a headline set in caps."""
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= _CAPS_MIN_LETTERS and sum(c.isupper() for c in letters) >= _CAPS_SHARE * len(
        letters
    )


def ner_view(text: str) -> str:
    """The text the model reads: capitals lower-cased word by word; always the same length as ``text``."""
    if not is_capitalised(text):
        return text
    return _WORD_RE.sub(_lower_word, text)


def _lower_word(match: re.Match[str]) -> str:
    word = match.group()
    if len(word) < _RECASE_MIN_LENGTH:
        return word
    lowered = "".join(c.lower() if len(c.lower()) == 1 else c for c in word)
    return lowered


def refine_span(text: str, start: int, end: int, label: str) -> tuple[int, int] | None:
    """The mention's offsets without trailing figures, a leading "the" or a possessive; None if nothing is left."""
    if label in VALUE_LABELS:
        return (start, end) if text[start:end].strip() else None
    span = text[start:end]
    figures = _TRAILING_FIGURES_RE.search(span)
    if figures is not None and figures.start() > 0:
        end = start + figures.start()
    if label not in _KEEP_LABELS_FOR_THE:
        the = _LEADING_THE_RE.match(text[start:end])
        if the is not None and the.end() < end - start:
            start += the.end()
    possessive = _POSSESSIVE_RE.search(text[start:end])
    if possessive is not None and possessive.start() > 0:
        end = start + possessive.start()
    stripped = text[start:end]
    return (start, end) if stripped.strip() and any(c.isalnum() for c in stripped) else None


def is_credit(text: str, start: int, end: int) -> bool:
    """True for a photo credit: a name glued by a slash to an agency ("John Moore/Getty Images")."""
    return bool(_CREDIT_AFTER_RE.match(text[end : end + 30]) or _CREDIT_INSIDE_RE.search(text[start:end]))
