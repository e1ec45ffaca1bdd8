"""Classify a page's text blocks as article text or boilerplate, and find the article's span.

The method follows jusText (Pomikálek 2011), adapted to plain text where links are gone: each block is first
classified on its own by length, stop-word density and sentence shape (good, near-good, short, bad), then
short and near-good blocks take the class of their neighbours, and finally the article is the densest run of
good blocks (Kadane's maximum subarray), so menus, link lists, related-story teasers and footers fall
outside it.

Stop words are those of the page's language (the built-in list, plus spaCy's list for the language that
covers the page best); unspaced scripts (Japanese, Chinese) are judged by their sentence ends instead. Tables
that the article introduces (a long run of tiny cells, many of them numbers) count as article text.
"""

from __future__ import annotations

import importlib
import importlib.util
import re
import sys
from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cache, lru_cache
from pathlib import Path

from flows.core.page.caches import BLOCK_CACHE_SIZE

_WORD = re.compile(r"\w+(?:['’.-]\w+)*")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
# How a sentence ends: a mark, then closing quotes and brackets, then white space; or a closing quote. Read from
# the end of the text (a regex ending in "$" would be tried at every position of the block).
_SENTENCE_MARKS = tuple(".!?…。！？:;")
_SENTENCE_CLOSERS = "\"'”’»)]」』）"
_CLOSING_QUOTES = tuple('"”’»')
_STATEMENT_MARKS = tuple(".!。！")  # a statement: not a question or a colon
_STATEMENT_CLOSERS = "\"'”’»)]"
_NUMBER_CELL = re.compile(r"^[-+−–(]?[$€£¥₩]?\d[\d.,:/]*\s?[%$€£¥₩)]?(?:\s?[a-z]{0,3})?$", re.IGNORECASE)
# The lookaheads "(?=[...])" below hold the first letters of the alternatives that follow: they change no match,
# but let the engine pass over a word that cannot start one without trying every alternative (several times
# faster on running text). A new alternative needs its first letter there (tests pin each phrase).
_BOILERPLATE = re.compile(
    r"\b(?=[acdeflmnprstwy])(?:cookies?|subscribed?|subscription|newsletter|sign in|sign up|log ?in|log out|advertisement|"
    r"all rights reserved|copyright|privacy policy|terms of (?:use|service)|share this|skip to|"
    r"navigation|follow us|click here|your inbox|email address|comments? (?:policy|below)|"
    r"related (?:articles|stories)|most (?:read|popular)|sponsored|download (?:the|our) app|"
    r"read more|see more|watch now|continue reading|you might also like|more from)\b|©",
    re.IGNORECASE,
)

# Legal, consent and site-policy language: one of these words is common in news, two or more in one block mark a
# cookie banner, disclaimer or footer ("This website uses cookies ... privacy policy"), however long it is.
_LEGAL = re.compile(
    r"\b(?=[abcdlnoprstw])(?:cookies?|consent|privacy|personal data|terms (?:of|and) (?:use|service|conditions)|trademarks?|"
    r"registered trademark|all rights reserved|copyright|disclaimer|affiliate|(?:this|our) (?:web)?site|"
    r"website|not (?:be )?intended|liability|opt[ -]out|third[ -]part(?:y|ies)|browser|subscribers?)\b|©",
    re.IGNORECASE,
)
_ADDRESSEE = re.compile(r"\b(?:we|our|us|you|your)\b|©", re.IGNORECASE)
# Lines that open or make up a comment section ("34 Comments", "Leave a Reply", "joe says:").
COMMENT_MARK = re.compile(
    r"^(?:\d+\s+(?:comments?|responses?|replies|thoughts)\b.*|(?:leave|post|add|write) a (?:comment|reply)\b.*|"
    r"(?:comments?|discussion|reader comments)\s*(?:\(\d+\))?:?|.{1,40}\s(?:says|said|wrote|writes):)$",
    re.IGNORECASE,
)
# The first letters of COMMENT_MARK's word openings ("34 Comments" opens with a digit; "joe says:" ends in a colon).
_COMMENT_MARK_OPENINGS = frozenset("lpawcdrLPAWCDR")

# Frequent function words of the languages most often met on news pages; the density of these words tells
# running text from menus and link lists whatever the topic.
STOP_WORDS = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "also",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "down",
        "during",
        "each",
        "few",
        "for",
        "from",
        "further",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "him",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "itself",
        "just",
        "me",
        "more",
        "most",
        "my",
        "no",
        "nor",
        "not",
        "now",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "our",
        "out",
        "over",
        "own",
        "same",
        "she",
        "should",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "theirs",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "very",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "said",
        "says",
        "says",
        "will",
        "would",
        "one",
        "two",
        "new",
        "its",
        "it's",
        "who",
        "also",
        "der",
        "die",
        "das",
        "und",
        "ist",
        "nicht",
        "ein",
        "eine",
        "einen",
        "dem",
        "den",
        "des",
        "mit",
        "von",
        "zu",
        "auf",
        "für",
        "im",
        "sich",
        "auch",
        "es",
        "an",
        "als",
        "bei",
        "wie",
        "nach",
        "le",
        "la",
        "les",
        "de",
        "des",
        "du",
        "un",
        "une",
        "et",
        "est",
        "pas",
        "que",
        "qui",
        "dans",
        "pour",
        "sur",
        "au",
        "aux",
        "par",
        "avec",
        "ce",
        "ces",
        "il",
        "elle",
        "ils",
        "sont",
        "el",
        "los",
        "las",
        "del",
        "y",
        "en",
        "que",
        "es",
        "por",
        "con",
        "para",
        "una",
        "se",
        "al",
        "lo",
        "su",
        "como",
        "más",
        "pero",
        "o",
        "os",
        "da",
        "do",
        "das",
        "dos",
        "um",
        "uma",
        "em",
        "não",
        "na",
        "no",
        "com",
        "para",
        "por",
        "se",
        "mais",
        "como",
        "foi",
        "ao",
        "à",
        "il",
        "lo",
        "gli",
        "di",
        "che",
        "è",
        "per",
        "non",
        "con",
        "una",
        "sono",
        "della",
        "nel",
        "yang",
        "dan",
        "di",
        "ini",
        "itu",
        "dengan",
        "untuk",
        "dari",
        "dalam",
        "tidak",
        "akan",
        "pada",
        "juga",
        "ada",
        "ke",
        "atau",
        "karena",
        "oleh",
        "и",
        "в",
        "не",
        "на",
        "что",
        "с",
        "по",
        "как",
        "это",
        "он",
        "она",
        "они",
        "к",
        "из",
        "за",
        "у",
        "от",
        "о",
        "же",
    ]
)

# Languages written with spaces between words whose stop-word lists spaCy ships (``spacy.lang.<code>.stop_words``,
# importable without a model). English is the built-in list above; unspaced scripts are measured by character.
SPACED_LANGUAGES = (
    "ar", "bg", "ca", "cs", "da", "de", "el", "es", "et", "fa", "fi", "fr", "he", "hi", "hr", "hu", "id", "it",
    "lt", "lv", "nb", "nl", "pl", "pt", "ro", "ru", "sk", "sl", "sr", "sv", "tl", "tr", "uk",
)  # fmt: skip

MAX_CELL_CHARS = 40
MAX_CELL_WORDS = 5
MIN_TABLE_CELLS = 8
MIN_NUMBER_CELLS = 0.4

GOOD_CHARS = 200
SHORT_CHARS = 70
STOP_HIGH = 0.30
STOP_LOW = 0.22
MIN_SENTENCE_WORDS = 6
BREAK_COST = 250
LEAD_SHARE = 0.6
OWN_STOP_WORDS_BELOW = 0.2
LANGUAGE_SAMPLE_WORDS = 600
COVERED_BY_BUILT_IN = 0.32


class BlockClass(StrEnum):
    """What a block looks like on its own, then after looking at its neighbours."""

    GOOD = "good"
    NEAR_GOOD = "near_good"
    SHORT = "short"
    BAD = "bad"


@dataclass(frozen=True, slots=True)
class BlockFeatures:
    """The measurements a block is classified by."""

    chars: int
    words: int
    stop_density: float
    sentence: bool  # ends as a sentence ends and has a sentence's length
    boilerplate: bool  # names a site function (subscribe, cookies, share ...)
    repeats: int  # how many times the same text occurs on the page
    statement: bool = False  # a sentence ending in a full stop or "!", not a question or a colon


def words_of(text: str) -> list[str]:
    """Words as runs of letters and digits (keeping "don't" and "U.S." whole)."""
    return _WORD.findall(text)


@lru_cache(maxsize=BLOCK_CACHE_SIZE)
def block_word_count(block: str) -> int:
    """``len(words_of(block))``, kept per block: a paragraph's words are counted for its article's kind and
    again for the article's word count (no word runs over a line end, so a body's count is its paragraphs')."""
    return len(_WORD.findall(block))


def lower_words(text: str) -> list[str]:
    """:func:`words_of` in lower case.

    ASCII text is lowered whole first (the same words: ASCII letters lower one for one); other text word by
    word, since lowering can change a letter's length ("İ") or, for a final sigma, depend on what follows.
    """
    if text.isascii():
        return _WORD.findall(text.lower())
    return [word.lower() for word in _WORD.findall(text)]


def ends_as_sentence(text: str) -> bool:
    """True when the text ends as a sentence ends (".", "?", "…", "。" ..., maybe inside quotes or brackets)."""
    tail = text.rstrip()
    return tail.endswith(_CLOSING_QUOTES) or tail.rstrip(_SENTENCE_CLOSERS).endswith(_SENTENCE_MARKS)


def ends_as_statement(text: str) -> bool:
    """True when the text ends in a full stop or "!" (maybe inside quotes or brackets)."""
    return text.rstrip().rstrip(_STATEMENT_CLOSERS).endswith(_STATEMENT_MARKS)


def text_length(text: str) -> int:
    """Length in characters, counting a CJK character as two so length thresholds suit unspaced scripts."""
    return len(text) + cjk_count(text)


def cjk_count(text: str) -> int:
    """How many CJK characters the text holds (none in ASCII text, which is checked first: it is cheaper)."""
    return 0 if text.isascii() else len(_CJK.findall(text))


def block_features(
    block: str,
    repeats: int = 1,
    stop_words: Collection[str] = STOP_WORDS,
    words: Sequence[str] | None = None,
) -> BlockFeatures:
    """Measure one block (``stop_words`` and ``words``, the block's words if already found, in lower case)."""
    if words is None:
        words = lower_words(block)
    stops = sum(map(stop_words.__contains__, words))
    cjk = cjk_count(block)
    sentence = ends_as_sentence(block) and (len(words) >= MIN_SENTENCE_WORDS or cjk >= 15)
    return BlockFeatures(
        chars=len(block) + cjk,
        words=len(words),
        stop_density=stops / len(words) if words else 0.0,
        sentence=sentence,
        boilerplate=names_site_function(block),
        repeats=repeats,
        statement=sentence and ends_as_statement(block),
    )


@lru_cache(maxsize=BLOCK_CACHE_SIZE)
def names_site_function(block: str) -> bool:
    """True for a block naming a site function (subscribe, cookies, share ...): kept, since pages repeat them."""
    return _BOILERPLATE.search(block) is not None


@lru_cache(maxsize=BLOCK_CACHE_SIZE)
def is_legal(block: str) -> bool:
    """True for cookie banners, disclaimers and legal footers: two or more distinct policy terms, or ©."""
    if block.lstrip().startswith(("©", "Copyright", "(c)", "(C)")):
        return True
    found = {match.group(0).casefold() for match in _LEGAL.finditer(block)}
    return len(found) >= 2 and _ADDRESSEE.search(block) is not None


def is_comment_mark(block: str) -> bool:
    """True for a line that opens or makes up a comment section ("34 Comments", "Leave a Reply", "joe says:")."""
    opening = block[:1]
    if not (opening.isdigit() or opening in _COMMENT_MARK_OPENINGS or block.endswith((":", ":\n"))):
        return False  # spares the pattern, which tries a "... says:" line at length
    return COMMENT_MARK.match(block) is not None


def classify(features: BlockFeatures, *, dense_script: bool = False) -> BlockClass:
    """Context-free class of a block (jusText's first pass, with sentence shape standing in for links)."""
    if features.boilerplate and (features.chars < 100 or not features.sentence):
        return BlockClass.BAD
    if features.repeats > 1 and features.chars < GOOD_CHARS:
        # A repeated menu item is boilerplate; a repeated sentence (a pull quote, a quote shown again further
        # down) may still be article text, so its neighbours decide.
        sentence_like = features.statement and features.stop_density >= STOP_HIGH
        return BlockClass.NEAR_GOOD if sentence_like else BlockClass.BAD
    if features.chars < SHORT_CHARS:
        return BlockClass.SHORT
    # Unspaced scripts have no stop words to count; there the sentence's own full stop ("。") tells running
    # text from the headlines of a related-stories list.
    stop_ok = features.sentence if dense_script else features.stop_density >= STOP_HIGH
    if features.chars >= GOOD_CHARS and (stop_ok or features.sentence):
        return BlockClass.GOOD
    if features.sentence and stop_ok:  # news paragraphs are often one sentence, shorter than jusText's 200
        return BlockClass.GOOD
    if stop_ok or features.sentence or features.stop_density >= STOP_LOW:
        return BlockClass.NEAR_GOOD
    return BlockClass.BAD


def classify_blocks(blocks: Sequence[str]) -> list[BlockClass]:
    """Class of every block after the context pass: near-good and short blocks join good neighbours."""
    counts = Counter(blocks)
    words = [_block_words(block) for block in blocks]
    stops = stop_words_of(words)
    if stops is STOP_WORDS:  # most pages: the features of a block seen before (a site's menu) are known
        features = [_built_in_features(b, counts[b]) for b in blocks]
    else:
        features = [block_features(b, counts[b], stops, w) for b, w in zip(blocks, words, strict=True)]
    cjk = sum(f.chars - len(block) for block, f in zip(blocks, features, strict=True))
    dense = cjk > 0.3 * max(1, sum(len(block) for block in blocks))
    first = [
        BlockClass.BAD if is_legal(block) else classify(f, dense_script=dense)
        for block, f in zip(blocks, features, strict=True)
    ]
    final = list(first)
    unsettled = {BlockClass.SHORT, BlockClass.NEAR_GOOD}
    settled_before, settled_after = _nearest(first, unsettled, -1), _nearest(first, unsettled, 1)
    for index, cls in enumerate(first):
        if cls is BlockClass.NEAR_GOOD:
            good = BlockClass.GOOD in (settled_before[index], settled_after[index])
            final[index] = BlockClass.GOOD if good else BlockClass.BAD
    long_after = _nearest(final, {BlockClass.SHORT}, 1)
    # The nearest class before ``index`` that is not short, with the short blocks before it already settled.
    previous = BlockClass.BAD
    for index, cls in enumerate(first):
        if cls is BlockClass.SHORT:
            keep = previous is long_after[index] is BlockClass.GOOD and features[index].sentence
            edge = _edge_sentence(final, features, index, dense_script=dense)
            final[index] = BlockClass.GOOD if keep or edge else cls
        if final[index] is not BlockClass.SHORT:
            previous = final[index]
    return final


@lru_cache(maxsize=BLOCK_CACHE_SIZE)
def _block_words(block: str) -> tuple[str, ...]:
    """:func:`lower_words` of a block, kept: pages of one site share many blocks.

    The words are interned, so the cache holds each distinct word once, not once per block it occurs in
    ("the" thousands of times; what that saves is in docs/performance.md, session 24)."""
    return tuple(map(sys.intern, lower_words(block)))


@lru_cache(maxsize=BLOCK_CACHE_SIZE)
def _built_in_features(block: str, repeats: int) -> BlockFeatures:
    """:func:`block_features` with the built-in stop words, kept."""
    return block_features(block, repeats, STOP_WORDS, _block_words(block))


def _edge_sentence(
    classes: Sequence[BlockClass],
    features: Sequence[BlockFeatures],
    index: int,
    *,
    dense_script: bool = False,
) -> bool:
    """A short full sentence right against article text (a last line, a note opening the story).

    Stories often end on a one-line paragraph or open with "This story first appeared in ..."; a sentence with
    running-text stop words that touches a good block is part of that text, where a menu item is not.
    """
    own = features[index]
    if not own.statement or own.boilerplate or (own.stop_density < STOP_LOW and not dense_script):
        return False  # "... time to sell?" is a teaser headline's shape, not a closing line
    neighbours = (classes[i] for i in (index - 1, index + 1) if 0 <= i < len(classes))
    return BlockClass.GOOD in neighbours


def page_stop_words(blocks: Sequence[str]) -> frozenset[str]:
    """The stop words to measure this page by: the built-in list, plus the stop words of the page's language
    when another language's list covers its running text better, plus the page's own function words when
    no list covers it.

    The language is the one whose spaCy stop-word list matches most words of the page's longer blocks.
    Function words are the short words that recur across those blocks in any language; menus repeat names
    rather than short words spread over many sentences, so they seldom make the cut.
    """
    return stop_words_of([lower_words(block) for block in blocks])


def stop_words_of(words_per_block: Sequence[Sequence[str]]) -> frozenset[str]:
    """:func:`page_stop_words` from each block's words (lower case)."""
    long_blocks = [words for words in words_per_block if len(words) >= 8]
    words = [word for block in long_blocks for word in block]
    if len(words) < 60:
        return STOP_WORDS
    sample = words[:LANGUAGE_SAMPLE_WORDS]
    built_in = stop_density(sample, STOP_WORDS)
    if built_in >= COVERED_BY_BUILT_IN:  # English text: no other list would cover it better
        return STOP_WORDS
    stops = STOP_WORDS
    language = best_language(sample)
    if language is not None and stop_density(sample, language) > built_in:
        stops = STOP_WORDS | language
    if stop_density(sample, stops) >= OWN_STOP_WORDS_BELOW:
        return stops
    spread = Counter(word for block in long_blocks for word in set(block) if len(word) <= 5)
    common = [word for word, n in spread.most_common(40) if n >= 2 and not word.isdigit()]
    return stops | frozenset(common)


def best_language(words: Sequence[str]) -> frozenset[str] | None:
    """The stop-word list (of :data:`SPACED_LANGUAGES`) that matches most of ``words`` (lower case)."""
    lists, languages_of = _language_stop_words()
    hits: dict[str, int] = {}
    for languages in filter(None, map(languages_of.get, words)):
        for language in languages:
            hits[language] = hits.get(language, 0) + 1
    return lists[max(hits, key=hits.__getitem__)] if hits else None


@cache
def _language_stop_words() -> tuple[Mapping[str, frozenset[str]], Mapping[str, tuple[str, ...]]]:
    """Each language's stop words, and for each word the languages that list it (loaded once)."""
    lists: dict[str, frozenset[str]] = {}
    for code in SPACED_LANGUAGES:
        words = _spacy_stop_words(code)
        if words:  # an older spaCy without this language: measure by the other lists
            lists[code] = frozenset(word.lower() for word in words)
    languages_of: dict[str, list[str]] = {}
    for code, words in lists.items():
        for word in words:
            languages_of.setdefault(word, []).append(code)
    return lists, {word: tuple(codes) for word, codes in languages_of.items()}


def _spacy_stop_words(code: str) -> Collection[str]:
    """spaCy's stop words for a language: the set ``spacy.lang.<code>.stop_words.STOP_WORDS``.

    Read from the module's file when it is where spaCy keeps it and defines a set of strings there; otherwise
    (a spaCy that moved or changed it) by the public import. Importing it by name imports the language's
    package first (French builds its tokenizer exceptions), seconds that the file alone does not cost: see
    docs/performance.md. A test checks that both give the same lists.
    """
    words = _stop_words_from_file(code)
    return words if words is not None else _stop_words_by_import(code)


def _stop_words_from_file(code: str) -> frozenset[str] | None:
    package = importlib.util.find_spec("spacy")  # locates the package without importing it
    if package is None or not package.submodule_search_locations:
        return None
    path = Path(package.submodule_search_locations[0]) / "lang" / code / "stop_words.py"
    spec = importlib.util.spec_from_file_location(f"_spacy_stop_words_{code}", path)
    if not path.is_file() or spec is None or spec.loader is None:
        return None
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except Exception:  # the file needs its package (a relative import, ...): take the public import
        return None
    words = getattr(module, "STOP_WORDS", None)
    if not isinstance(words, (set, frozenset)) or not all(isinstance(word, str) for word in words):
        return None
    return frozenset(words)


def _stop_words_by_import(code: str) -> Collection[str]:
    try:
        module = importlib.import_module(f"spacy.lang.{code}.stop_words")
    except ImportError:  # an older spaCy without this language
        return ()
    words = getattr(module, "STOP_WORDS", ())
    return words if isinstance(words, (set, frozenset)) else ()


def stop_density(words: Sequence[str], stop_words: Collection[str]) -> float:
    """Share of ``words`` (lower case) that are stop words."""
    return sum(map(stop_words.__contains__, words)) / len(words) if words else 0.0


def _nearest(classes: Sequence[BlockClass], skipped: Collection[BlockClass], step: int) -> list[BlockClass]:
    """For each block, the nearest class in direction ``step`` that is not in ``skipped`` (the page edge counts
    as bad), found in one pass rather than by a walk from every block through runs of short blocks."""
    nearest = [BlockClass.BAD] * len(classes)
    indices = range(len(classes)) if step < 0 else range(len(classes) - 1, -1, -1)
    current = BlockClass.BAD
    for index in indices:
        nearest[index] = current
        if classes[index] not in skipped:
            current = classes[index]
    return nearest


def table_cells(blocks: Sequence[str], classes: Sequence[BlockClass]) -> set[int]:
    """Indices of the cells of tables that article text introduces (standings, prices, results).

    Copied as text, a table is a long run of tiny blocks, one per cell, many of them numbers; right after a
    paragraph or a line that introduces it ("Final standings:") it is part of the article, where the same run
    after a menu heading is a widget (a calendar).
    """
    is_cell = [_is_cell(block) for block in blocks]
    cells: set[int] = set()
    index = 0
    while index < len(blocks):
        end = index
        while end < len(blocks) and is_cell[end]:
            end += 1
        if end - index < MIN_TABLE_CELLS:
            index = end + 1
            continue
        numbers = sum(1 for i in range(index, end) if _NUMBER_CELL.match(blocks[i]))
        intro = index > 0 and (classes[index - 1] is BlockClass.GOOD or blocks[index - 1].endswith(":"))
        if intro and numbers >= MIN_NUMBER_CELLS * (end - index):
            cells.update(range(index, end))
        index = end
    return cells


def _is_cell(block: str) -> bool:
    return (
        len(block) <= MAX_CELL_CHARS
        and text_length(block) <= MAX_CELL_CHARS
        and len(block.split()) <= MAX_CELL_WORDS
    )


def densest_span(
    blocks: Sequence[str], classes: Sequence[BlockClass], scores: Mapping[int, int] | None = None
) -> tuple[int, int]:
    """The article's run of blocks as ``(start, end)``; ``(n, n)`` when there is none.

    A good block scores its length; a short block costs a little (captions and subheadings sit inside
    articles) and a bad block costs more, so a single interruption stays inside a run while a menu or a list
    of links ends it. ``scores`` fixes the score of some blocks: breaks (date lines, comment headers, a
    "Related" label) cost much more, since text after them is a new story teaser or a comment. Comments,
    teaser lists and footers can outweigh a short article, and they follow it, so the first run holding a
    good share of the best run's text wins, not simply the largest.
    """
    segments = text_runs(blocks, classes, scores or {})
    if not segments:
        return len(blocks), len(blocks)
    best = max(total for _, _, total in segments)
    start, end, _ = next(seg for seg in segments if seg[2] >= LEAD_SHARE * best)
    return start, end


def text_runs(
    blocks: Sequence[str], classes: Sequence[BlockClass], scores: Mapping[int, int]
) -> list[tuple[int, int, int]]:
    """Every positive run of blocks (Kadane's maximum subarray per run) as ``(start, end, score)``."""
    runs: list[tuple[int, int, int]] = []
    total, start, best_total, best_end = 0, 0, 0, 0
    for index, (block, cls) in enumerate(zip(blocks, classes, strict=True)):
        total += scores[index] if index in scores else _span_score(block, cls)
        if total <= 0:
            if best_total > 0:
                runs.append((start, best_end, best_total))
            total, start, best_total = 0, index + 1, 0
        elif total > best_total:
            best_total, best_end = total, index + 1
    if best_total > 0:
        runs.append((start, best_end, best_total))
    return runs


def _span_score(block: str, cls: BlockClass) -> int:
    length = text_length(block)
    if cls is BlockClass.GOOD:
        return length if ends_as_sentence(block) else length // 2
    if cls is BlockClass.SHORT:
        return -min(40, max(15, length))
    return -max(60, length // 2)
