"""News-text fixes around spaCy's entity recogniser: pure functions on strings and character offsets.

Each rule is kept only because it was measured (``make eval-ner``, CoNLL-2003 dev set, bare spaCy beside
newsmill's path in the same run) or, for credits, because the corpus pages show the boilerplate it removes:

* **Capitals.** A headline set in capitals ("LEICESTERSHIRE TAKE OVER AT TOP") is lower-cased for the
  model, word by word (words of four letters or more; "US", "UN" and "NHS" stay as written). The recased
  text has exactly the same length, character by character, so offsets index the original text unchanged.
* **Title case.** A headline In Title Case Like This (every word after the first capitalised, or a function
  word) is recased with the article's body as the dictionary: a capitalised word is lower-cased unless the
  body writes it with a capital inside a sentence at least as often as in lower case ("Biden Signs Bill On
  Guns" -> "Biden signs bill on guns" when the body names Biden); months and days keep their capital. Same
  length, offsets unchanged. Without a body nothing is recased: a stop-word list alone measured no better
  than leaving the headline as it is.
Names only: the trims below leave numbers, dates and times (``VALUE_LABELS``) as the model found them.

* **Trailing figures.** "Kent 108-3", "G. Kersey 63": numbers glued to the end of a name by a results table
  are not part of it.
* **Leading article.** "the Oval": names start after a lower-case "the" (the CoNLL and ACE convention),
  except for persons. A capital "The" is kept, since titles are written with it ("The Iraqi Resistance
  Coordination Committee"); canonical names drop it (see :mod:`flows.core.intel.canonical`).
* **Possessive.** "Lord 's", "Iraq’s": the possessive ending is not part of the name.
* **Credits.** "John Moore/Getty Images", "Photo: AFP": a name glued to a photo agency by a slash is a
  credit, not a person in the story; such mentions are dropped.
* **Junk.** A mention made only of titles or ranks ("Cmdr", "Coach", "Gen."), or of share-button words
  ("Share", "Tweet", "Email") with or without network names ("Facebook Twitter"), names no one: dropped.
  A network named alone ("Facebook") is a company and stays.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from typing import Final

from spacy.lang.en.stop_words import STOP_WORDS

from flows.core.lexicon import MONTH_ABBREVIATIONS, MONTHS, WEEKDAY_ABBREVIATIONS, WEEKDAYS
from schemas.vocabulary import VALUE_LABELS

__all__ = [
    "VALUE_LABELS",
    "capitalised_words",
    "is_capitalised",
    "is_credit",
    "is_junk",
    "is_title_case",
    "ner_view",
    "refine_span",
]

_CAPS_MIN_LETTERS: Final = 4
_CAPS_SHARE: Final = 0.8
_RECASE_MIN_LENGTH: Final = 4
_WORD_RE: Final = re.compile(r"[^\W\d_][^\W_]*(?:['’.-][^\W_]+)*")
_GLUED_BEFORE_RE: Final = re.compile(r"(?:\d[-–/]?|['’])$")  # what comes before a word that is not one
_TITLE_MIN_CAPITALISED: Final = 2  # capitalised words after the first, for a headline to be in title case
_FUNCTION_WORDS: Final = frozenset(STOP_WORDS)  # may stay lower-case in a title ("of", "and", "to" ...)
# Always written with a capital, whatever the body says: months and days and their short forms.
_ALWAYS_CAPITALISED: Final = frozenset(
    word.lower() for word in (*MONTHS, *MONTH_ABBREVIATIONS, *WEEKDAYS, *WEEKDAY_ABBREVIATIONS)
)
_SENTENCE_START_RE: Final = re.compile(r"(?:^|[.!?:\"“‘'(\[\n—–-]\s*)$")
# "St. Thomas", "Hayley J. Fowler", "the U.S. Senate": a full stop after these does not end a sentence.
_ABBREVIATION_END_RE: Final = re.compile(r"(?:^|[\s(])(?:[A-Z][a-z]{0,2}|[A-Z](?:\.[A-Z])+)\.\s?$")
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


def _word_set(words: str) -> frozenset[str]:
    """A word list written as whitespace-separated text."""
    return frozenset(words.split())


_TITLE_WORDS: Final = _word_set(  # not titles that are also surnames: "Major", "King", "Prince", "Lord"
    """
    cmdr commander coach gen sgt lt capt col adm maj sen rep gov mr mrs ms dr prof president senator governor
    minister secretary sheriff mayor pope rev reverend st sir dame captain sergeant lieutenant colonel admiral
    corporal detective inspector constable spokesman spokeswoman
    """
)
_BUTTON_WORDS: Final = _word_set(
    "share tweet email e-mail print comment comments pin save subscribe copy reply"
)
_BUTTON_FILLERS: Final = _word_set("on via this to by with &")  # "Share on Facebook"
_NETWORK_WORDS: Final = _word_set(
    "facebook twitter linkedin whatsapp reddit pinterest messenger tumblr telegram flipboard instagram"
)
_KEEP_LABELS_FOR_THE: Final = frozenset({"PERSON", "PER"})
_FIGURE_END: Final = frozenset(".,:/-\n")  # what a trailing figure can end with, besides a digit (or before)
_BUTTON_RULE_WORDS: Final = _BUTTON_WORDS | _BUTTON_FILLERS | _NETWORK_WORDS
# Numbers, dates and times (VALUE_LABELS) are left as the model found them: "about 3,000" keeps its figures.


def is_capitalised(text: str) -> bool:
    """True when at least 80% of the letters (and at least four) are capitals: a headline set in caps."""
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= _CAPS_MIN_LETTERS and sum(c.isupper() for c in letters) >= _CAPS_SHARE * len(
        letters
    )


def is_title_case(text: str) -> bool:
    """True for a headline In Title Case: every word after the first capitalised or a function word.

    Letters glued to a number ("27th", "10-year-old", "205-km") or after an apostrophe ("Israel 's") are
    not words of their own and do not count.
    """
    rest = [m.group() for m in _WORD_RE.finditer(text) if not _glued_to_previous(text, m.start())][1:]
    capitalised = sum(word[0].isupper() for word in rest)
    return capitalised >= _TITLE_MIN_CAPITALISED and all(
        word[0].isupper() or word.casefold() in _FUNCTION_WORDS for word in rest
    )


def _glued_to_previous(text: str, start: int) -> bool:
    """True when the letters at ``start`` follow a digit (and a hyphen or slash) or an apostrophe."""
    return _GLUED_BEFORE_RE.search(text, max(0, start - 2), start) is not None


def capitalised_words(body: str, words: Iterable[str]) -> frozenset[str]:
    """Those of ``words`` (case-folded) the body writes with a capital inside a sentence at least as often as
    without. One pass of one pattern over the body: a tenth of a millisecond for a long article."""
    wanted = sorted({word.casefold() for word in words}, key=len, reverse=True)
    if not wanted:
        return frozenset()
    pattern = re.compile(rf"\b(?:{'|'.join(map(re.escape, wanted))})\b", re.IGNORECASE)
    upper: Counter[str] = Counter()
    lower: Counter[str] = Counter()
    for match in pattern.finditer(body):
        if _starts_sentence(body, match.start()):
            continue  # a capital at the start of a sentence says nothing
        word = match.group()
        (upper if word[0].isupper() else lower)[word.casefold()] += 1
    return frozenset(word for word, count in upper.items() if count >= lower[word])


def _starts_sentence(text: str, start: int) -> bool:
    before = text[max(0, start - 8) : start]
    return bool(_SENTENCE_START_RE.search(before[-3:])) and not _ABBREVIATION_END_RE.search(before)


def ner_view(text: str, body: str | None = None) -> str:
    """The text the model reads: capitals or title case recased word by word; always as long as ``text``.

    ``body`` is the article's body, the dictionary that tells a headline's names from its common words.
    """
    if is_capitalised(text):
        return _WORD_RE.sub(_lower_word, text)
    if body and is_title_case(text):
        words = list(_WORD_RE.finditer(text))
        candidates = [m.group() for m in words[1:] if _is_title_word(m.group())]
        names = capitalised_words(body, candidates)
        return _WORD_RE.sub(lambda match: _lower_common(match, names, words[0].start()), text)
    return text


def _is_title_word(word: str) -> bool:
    """A word written with a capital only, perhaps, because of the headline's style: "Signs", not "NATO"."""
    return word[0].isupper() and word[1:].islower() and word.casefold() not in _ALWAYS_CAPITALISED


def _lower_common(match: re.Match[str], names: frozenset[str], first: int) -> str:
    """A title-cased word lower-cased unless it is a name; the first word and "McCain", "NATO" are kept."""
    word = match.group()
    if match.start() == first or not _is_title_word(word) or word.casefold() in names:
        return word
    lowered = word[0].lower()
    return lowered + word[1:] if len(lowered) == 1 else word


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
    # Each pattern is tried only where it can match (most names end in a letter other than "s", and do not
    # start with "the"): the last character of a trailing figure, "s" of a possessive (or a final line break,
    # before which ``$`` also matches).
    span = text[start:end]
    if span[-1:] in _FIGURE_END or span[-1:].isdigit():
        figures = _TRAILING_FIGURES_RE.search(span)
        if figures is not None and figures.start() > 0:
            end = start + figures.start()
    if label not in _KEEP_LABELS_FOR_THE and text.startswith("the", start, end):
        the = _LEADING_THE_RE.match(text[start:end])
        if the is not None and the.end() < end - start:
            start += the.end()
    stripped = text[start:end]
    if stripped.endswith(("s", "\n")):
        possessive = _POSSESSIVE_RE.search(stripped)
        if possessive is not None and possessive.start() > 0:
            end = start + possessive.start()
            stripped = text[start:end]
    if stripped[:1].isalnum():  # then it is not blank and has a letter or digit
        return (start, end)
    return (start, end) if stripped.strip() and any(c.isalnum() for c in stripped) else None


def is_credit(text: str, start: int, end: int) -> bool:
    """True for a photo credit: a name glued by a slash to an agency ("John Moore/Getty Images")."""
    # Both patterns need a slash: right after the name (perhaps after one space), or inside it.
    if "/" not in text[end : end + 2] and text.find("/", start, end) < 0:
        return False
    return bool(_CREDIT_AFTER_RE.match(text[end : end + 30]) or _CREDIT_INSIDE_RE.search(text[start:end]))


_JUNK_WORD_RE = re.compile(r"[\w.’'-]+")


def is_junk(text: str, start: int, end: int) -> bool:
    """True for a mention that names no one: only titles or ranks, or share-button words (see module doc)."""
    # Most mentions start with a word that is no title, button, filler or network word: then neither rule
    # can hold, and the other words need not be looked at.
    first = _JUNK_WORD_RE.search(text, start, end)
    if first is None:
        return False
    word = first.group().casefold()
    if word.rstrip(".") not in _TITLE_WORDS and word not in _BUTTON_RULE_WORDS:
        return False
    words = [w.casefold() for w in _JUNK_WORD_RE.findall(text[start:end])]
    if all(w.rstrip(".") in _TITLE_WORDS for w in words):
        return True
    words = [w for w in words if w not in _BUTTON_FILLERS]
    buttons = [w in _BUTTON_WORDS for w in words]
    networks = [w in _NETWORK_WORDS for w in words]
    if not all(b or n for b, n in zip(buttons, networks, strict=True)):
        return False
    return any(buttons) or sum(networks) >= 2
