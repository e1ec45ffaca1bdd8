"""Direct quotations with their speaker, cue verb and offsets.

GDELT's ``V2.1QUOTATIONS`` gives offset, length, verb and quote but no speaker; textacy's
``direct_quotations`` needs a parse and raises on an odd number of quote marks. This module needs neither: it
pairs quote marks itself, never raises, and attributes each quote with surface patterns around it.

Quote marks. Curly double marks (“ ”), straight double marks (") and guillemets pair within a paragraph. A
quote still open at a paragraph's end continues only when the very next paragraph opens with a quote mark
(English typography: each paragraph of a long quote opens with a mark, only the last one closes). When it
does not, a quote that already ran over several paragraphs ends with its last paragraph (pages often lose
that closing mark, or put a link or caption after it); a single open paragraph is an unmatched mark, dropped.
Single marks (‘ ’ and ') are quotes only outside double quotes, when the opening mark starts a word and the
closing mark ends one (so "Iraq’s" is never a closing mark); with straight single marks the quote needs at
least two words.

Titles and names. Title-Case words in quote marks inside running text are not quotes when nothing says
them: several words with no direct attribution ("the drama “Paper Moon”"), or one word next to a work or role
noun ("the film “Glass”", "“Glass” director"), a naming verb ("dubbed “Greenway”"), a name on both sides (a
nickname: Tom “The Hammer” Reyes) or another such title in a list; the same words elsewhere in the text are
the same title. So is a programme someone spoke to or on, or one that belongs to a name (told “Meet the
Press”, ABC's “Good Morning America.”), even when a cue stands before it. Title-Case headlines keep their
quotes. A value of markup left in the text (tweet-id="…") is not a quote.

Partial quotes. A quote is partial when its opening mark sits inside a clause (after a word, not after a
sentence start, colon, comma or dash) or its text starts in lower case: "called it “a violation”".

Attribution, first match wins:

1. ``“…,” X said`` / ``“…,” said X`` / ``“…,” according to X``: the clause right after the closing mark,
   when the quote ends with a comma, ?, ! or no stop, or the clause starts in lower case.
2. ``X said: “…”`` / ``X told reporters “…”`` / ``According to X, “…”`` / ``Added X: “…”``: the clause
   just before the opening mark.
3. A cue verb elsewhere in the same sentence (``X said the plan was “a disgrace”``).
4. ``X: “…”`` with a short X and no verb, as in headlines.
5. ``“…” ― X``: a credit after a dash, as in lists of readers' comments.

A quote none of these attributes takes, in order: the previous quote's speaker when it goes on from it (in
the same paragraph, or opening the next one) and no name comes before it in its own sentence (``“A,” X said.
“B.”``); the speaker of the sentence just before it when that sentence ends with a cue (``..., X said.
“B.”``) or opens with one and ends with a colon (``Added X:``); the PERSON/ORG (after an opening phrase and a few words of description) or he/she/they that opens
its own sentence, after an opening phrase such as "In a statement," (``X is promising “jobs, jobs, jobs”``).
A quote still without a speaker takes the most probable PERSON or ORG nearby, as scored by the learned
ranker of :mod:`flows.core.intel.speakers`, when that is probable enough. :class:`QuoteRules` switches each
rule off.

Speaker. The words before the cue (or after it, for ``said X``) form the speaker phrase: a short name or
pronoun after an opening phrase and a comma ("Still, she added"), the name before a long apposition ("X, a
strategist who has feuded with Y, wrote"), never a phrase that opens with a conjunction or preposition
(“…,” when asked), and a title's stop does not end it ("said Rep. Jim Doe"). When a PERSON or ORG
mention ends the phrase (or heads it before an apposition: "Fuad Hussein, the minister, said"), or a mention
is the whole phrase ("Baghdad said"), that entity is the speaker. Otherwise the phrase is a descriptor
("a statement", "officials"), and its entity is found in this order: a mention inside it ("a Pentagon
spokesman" -> Pentagon); for "he/she" the nearest PERSON before the quote outside every quote and not
written with a title of the other sex ("Mrs." for "he"), for "they/it" the nearest ORG or PERSON; for a communication noun ("statement", "spokesman", "official", "report"...) the same entity as an
earlier quote with the same noun ("The statement" after "a statement"), else the PERSON or ORG that is the
subject of the nearest preceding sentence (the mention that opens it, after at most an article or an opening
phrase ending in a comma). Entity names are expanded to the one longer form in the mentions
("Resistance Coordination Committee" -> "Iraqi Resistance Coordination Committee").

Confidence is a documented score of the attribution: 0.9 for patterns 1-2, 0.85 for "according to", 0.6 for
pattern 3, 0.5 for pattern 4, 0.8 for a dash credit, 0.7 for a follow-on quote, 0.5 for a sentence's
subject, times 0.8 when the entity came from a pronoun or a preceding sentence; the ranker's probability
times 0.8 for a ranked speaker; 0.0 for a quote with no speaker.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Final

from flows.core.intel.canonical import full_names
from flows.core.intel.speakers import SpeakerModel, best_speaker, shipped_model
from flows.core.models import EntityMention
from schemas.vocabulary import AttributionMethod, EntitySource, SpeakerKind


@dataclass(frozen=True, slots=True)
class Quote:
    """A direct quotation. ``text == source[start:end]``, the quoted words without the outer marks.

    For a quote over several paragraphs ``text`` runs from the first paragraph to the last and so holds the
    inner paragraph breaks and opening marks; ``paragraphs`` gives each paragraph's words without marks.
    """

    start: int
    end: int
    text: str
    mark_start: int  # the opening mark
    mark_end: int  # just after the closing mark, or the last paragraph when the page lost that mark
    paragraphs: tuple[tuple[int, int], ...]
    is_partial: bool
    speaker: str | None
    speaker_start: int | None
    speaker_end: int | None
    speaker_kind: SpeakerKind
    speaker_entity: str | None  # the entity's name, expanded to its longest form among the mentions
    speaker_entity_label: str | None
    speaker_entity_start: int | None  # the mention that gave the entity
    speaker_entity_end: int | None
    entity_source: EntitySource
    cue: str | None
    cue_start: int | None
    cue_end: int | None
    method: AttributionMethod
    confidence: float


_CUE_WORDS: Final = (
    "was quoted as saying|is quoted as saying|pointed out|said|says|say|added|adds|asserted|asserts|stated|"
    "states|told|tells|wrote|writes|explained|explains|noted|notes|insisted|insists|argued|argues|warned|warns|"
    "claimed|claims|declared|declares|announced|announces|stressed|stresses|emphasised|emphasized|confirmed|"
    "confirms|continued|replied|responded|remarked|commented|observed|recalled|acknowledged|admitted|conceded|"
    "suggested|urged|vowed|pledged|promised|demanded|asked|asks|tweeted|posted|read|reads|reiterated|affirmed|"
    "maintained|cautioned|alleged|charged|concluded|underlined|highlighted|shouted|quipped|testified|"
    "predicted|complained|boasted|admits|threatened|joked|barked|reported|reports|sings|sang"
)
_CUE = rf"(?P<cue>\b(?:{_CUE_WORDS})\b)"
_PHRASE = r"[^\n;!?“”\"«»]"

_AFTER_CUE_SPEAKER: Final = re.compile(rf"^[\s,]*{_CUE}\s+(?P<spk>{_PHRASE}{{1,80}})")
_AFTER_ACCORDING: Final = re.compile(rf"^[\s,]*(?P<cue>according\s+to)\s+(?P<spk>{_PHRASE}{{1,80}})")
_AFTER_SPEAKER_CUE: Final = re.compile(rf"^[\s,]*(?P<spk>{_PHRASE}{{1,80}}?)\s+{_CUE}")
_AFTER_DASH: Final = re.compile(r"^[ \t]*(?P<cue>[―—–]|--)[ \t]*(?P<spk>[A-Z][\w.’' -]{1,60}?)[ \t.]*$")
_SUBJECT_PRONOUN_RE: Final = re.compile(r"^(?:[^,\n“”\"]{1,40},\s*)?(?P<spk>[Hh]e|[Ss]he|[Tt]hey)\b")
_APPOSITION_RE: Final = re.compile(r",|\s(?:of|at|for|from|with|who)\s")
_NOT_SUBJECT_STARTS: Final = frozenset(
    {"when", "while", "including", "compared", "as", "after", "before", "because", "if", "which", "where"}
    | {
        "than",
        "then",
        "and",
        "but",
        "or",
        "so",
        "that",
        "in",
        "on",
        "at",
        "to",
        "for",
        "with",
        "by",
        "from",
        "of",
    }
)
_LAST_NAME_RE: Final = re.compile(
    r",\s*(he|she|they|He|She|They|(?:[A-Z][\w’'-]*\.?\s+){0,3}[A-Z][\w’'-]*[a-z][\w’'-]*)\s*$"
)
_SUBJECT_LEAD_RE: Final = re.compile(r"^(?:[^,\n“”\"]{1,60},\s*)?(?:[\w.’'-]+\s+){0,5}$")
_OPENING_PHRASE_RE: Final = re.compile(
    r"(?:In|On|At|For|As|After|Before|Like|With|During|Unlike|Despite|While|When)\b[^,\n“”\"]{1,100},\s*"
)
_OWNER_BEFORE_RE: Final = re.compile(r"\b[A-Z][\w.&-]*[’']s\s+$")
_MARKUP_VALUE_RE: Final = re.compile(r"[\w-]=$")  # tweet-id="…": an attribute of markup left in the text
_ADDRESSEE_BEFORE_RE: Final = re.compile(r"\b(?:told|on|with|to|of)\s*$")
_MALE_TITLE_RE: Final = re.compile(r"\b(?:Mr|Sir|Lord|King)\.?\s+$")
_FEMALE_TITLE_RE: Final = re.compile(r"\b(?:Mrs|Ms|Miss|Madam|Lady|Queen)\.?\s+$")
_BEFORE_SPEAKER_CUE: Final = re.compile(
    rf"(?P<spk>{_PHRASE}{{1,120}}?)\s+{_CUE}(?:\s+[\w’'-]+){{0,4}}?\s*[:,]?\s*(?:that\s*)?$"
)
_BEFORE_ACCORDING: Final = re.compile(r"(?P<cue>[Aa]ccording\s+to)\s+(?P<spk>[^\n,;!?“”\"«»]{1,80}),\s*$")
_BEFORE_COLON: Final = re.compile(r"^\s*(?P<spk>[^\n:;!?“”\"«»,.]{2,50}?)\s*:\s*$")
# "Added Stone:" / "Continued the senator:": a sentence that opens with a capitalised cue, its speaker after it.
_BEFORE_CUE_COLON: Final = re.compile(
    rf"^\s*(?P<cue>(?:{'|'.join(w.capitalize() for w in _CUE_WORDS.split('|'))}))\s+"
    r"(?P<spk>[^\n:;!?“”\"«»,.]{2,50}?)\s*:\s*$"
)
_ANY_CUE: Final = re.compile(_CUE)
CUE_RE: Final = _ANY_CUE  # the cue verbs, for the speaker ranker's features
_DOUBLE_MARK_RE: Final = re.compile(r"[“”\"«»]")
# A single mark that opens a word: not after a letter or mark, not before a space. The mark comes first so the
# regex engine skips quickly to the next mark.
_SINGLE_MARK_RE: Final = re.compile(r"([‘'])(?<![\w’'][‘'])(?=[^\s'’])")
_NON_WORD_RE: Final = re.compile(r"[^\w]")
_TITLE_STOP_RE: Final = re.compile(r"[.!?;:]")
# The end of _BEFORE_SPEAKER_CUE alone: far cheaper to search, and without it that pattern cannot match.
_CUE_AT_END: Final = re.compile(rf"{_CUE}(?:\s+[\w’'-]+){{0,4}}?\s*[:,]?\s*(?:that\s*)?$")

_CUT_WORDS_RE: Final = re.compile(
    r"\s+(?:in|on|at|during|after|before|to|from|when|while|who|which|that|as|adding|according|on|last|"
    r"yesterday|today|earlier|later|this|and)\b.*$",
    re.DOTALL,
)
_LEADING_FILLER_RE: Final = re.compile(
    r"^(?:(?:and|but|so|then|meanwhile|however|also|later|instead|separately|yet)\b[\s,]*)+", re.IGNORECASE
)
_TRAILING_FILLER_RE: Final = re.compile(
    r"(?:[\s,]+(?:also|later|further|then|previously|again|once|had|has|have|was|is|were|would|will|"
    r"[a-z]+ly))+$"
)
_PRONOUNS: Final = {"he": ("PERSON",), "she": ("PERSON",), "they": ("ORG", "PERSON"), "it": ("ORG",)}
_COMMUNICATION_NOUNS: Final = frozenset(
    {"statement", "statements", "spokesman", "spokeswoman", "spokesperson", "spokespeople", "report"}
    | {"communique", "communiqué", "release", "announcement", "declaration", "letter", "message", "post"}
    | {"tweet", "official", "officials", "representative", "representatives", "source", "sources", "memo"}
)
_SPEAKER_LABELS: Final = frozenset({"PERSON", "ORG"})
_SUBJECT_PREFIX_RE: Final = re.compile(r"^(?:[^,\n]{1,40},)?\s*(?:the|a|an)?$", re.IGNORECASE)
# A stop, closing marks and space before a capital, digit or opening mark; or line breaks. Written to open with
# the one character class (the regex engine then skips quickly to where a break can be).
_SENTENCE_BREAK_RE: Final = re.compile(r"[.!?\n](?:(?<=[.!?])[”\"’')\]]?\s+(?=[“\"‘'(\[A-Z0-9])|(?<=\n)\n*)")
_ABBREVIATION_RE: Final = re.compile(
    r"(?:\b[A-Z]|\b(?:Mr|Mrs|Ms|Dr|St|Gen|Col|Lt|Sgt|Capt|Sen|Rep|Gov|Jr|Sr|No|vs|Prof|Inc|Ltd|Co))\.$"
)
_MAX_SPEAKER_WORDS: Final = 8
_MAX_CONTEXT: Final = 300  # characters of a sentence looked at on either side of a quote
_MAX_SINGLE_QUOTE: Final = 600  # single-mark quotes are short; longer runs are apostrophes

_BASE_CONFIDENCE: Final = {
    AttributionMethod.QUOTE_SPEAKER_CUE: 0.9,
    AttributionMethod.QUOTE_CUE_SPEAKER: 0.9,
    AttributionMethod.SPEAKER_CUE_QUOTE: 0.9,
    AttributionMethod.ACCORDING_TO: 0.85,
    AttributionMethod.SAME_SENTENCE: 0.6,
    AttributionMethod.COLON: 0.5,
    AttributionMethod.DASH_CREDIT: 0.8,
    AttributionMethod.FOLLOW_ON: 0.7,
    AttributionMethod.SENTENCE_SUBJECT: 0.5,
    AttributionMethod.RANKED: 0.0,  # the ranker's probability times 0.8 instead
    AttributionMethod.NONE: 0.0,
}


def _words(words: str) -> frozenset[str]:
    """A word list written as whitespace-separated text."""
    return frozenset(words.split())


_DIRECT_METHODS: Final = frozenset(
    {
        AttributionMethod.QUOTE_SPEAKER_CUE,
        AttributionMethod.QUOTE_CUE_SPEAKER,
        AttributionMethod.SPEAKER_CUE_QUOTE,
        AttributionMethod.ACCORDING_TO,
        AttributionMethod.COLON,
    }
)
_MAX_TITLE_WORDS: Final = 8
_TITLE_SMALL_WORDS: Final = _words(
    "a an the of in on at to for and or but nor with from by as vs de la le du von van"
)
_WORK_NOUNS: Final = _words(
    """
    film films movie movies drama dramas comedy comedies thriller thrillers biopic documentary documentaries
    series sitcom show shows programme program podcast song songs single album albums book books novel
    novels memoir play plays musical opera episode adaptation game video column titled entitled dubbed
    nicknamed named
    """
)
_ROLE_NOUNS: Final = _words(
    """
    director directors creator creators star stars actor actors actress actresses author writer writers
    producer producers host hosts presenter singer cast showrunner franchise
    """
)
_LIST_GAP_RE: Final = re.compile(r"\s*(?:,\s*)?(?:(?:and|or|&)\s+)?(?:[a-z]+\s+){0,2}")
_INFERRED_SOURCES: Final = frozenset(
    {EntitySource.PRONOUN, EntitySource.PRECEDING_QUOTE, EntitySource.PRECEDING_SUBJECT}
)


@dataclass(frozen=True, slots=True)
class QuoteRules:
    """Attribution rules that can be switched off, so an evaluation can keep each only where it helps on
    documents it was not tuned on. Every rule is on by default."""

    follow_on: bool = True  # a quote with no attribution of its own continues the previous quote's speaker
    apposition: bool = True  # "X, a long description, said": the name before the apposition
    sentence_subject: bool = True  # the PERSON/ORG or he/she/they opening the quote's sentence
    pronoun_outside_quotes: bool = True  # he/she resolve to a PERSON outside quotes, of a matching title
    dash_credit: bool = True  # “…” — X
    addressee_titles: bool = True  # told “Meet the Press”: a programme's name, not a quote
    ranked_speaker: bool = (
        True  # a quote no rule attributes: the learned ranker's best candidate, if probable
    )


# --- pairing quote marks ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Span:
    mark_start: int
    mark_end: int
    paragraphs: tuple[tuple[int, int], ...]


def _double_quote_spans(text: str) -> list[_Span]:
    """Pair double marks; a quote left open at a paragraph's end continues only into the next paragraph, and
    only when that paragraph opens with a mark."""
    spans: list[_Span] = []
    open_at: int | None = None
    segments: list[tuple[int, int]] = []
    for mark in _DOUBLE_MARK_RE.finditer(text):
        pos, char = mark.start(), mark.group()
        if open_at is not None and "\n" in text[segments[-1][0] : pos]:
            paragraph_end = _paragraph_end(text, segments[-1][0])
            if char in '“"«' and _starts_paragraph(text, pos) and not text[paragraph_end:pos].strip():
                segments[-1] = (segments[-1][0], paragraph_end)
                segments.append((pos + 1, pos + 1))
                continue
            spans.extend(_unclosed_quote(text, open_at, segments))
            open_at, segments = None, []
        if open_at is None:
            if char in '“"«':
                open_at, segments = pos, [(pos + 1, pos + 1)]
            continue
        if char in '”"»':
            segments[-1] = (segments[-1][0], pos)
            spans.append(_Span(open_at, pos + 1, tuple(segments)))
            open_at, segments = None, []
        else:
            open_at, segments = pos, [(pos + 1, pos + 1)]  # a second opening mark: restart from it
    if open_at is not None:
        spans.extend(_unclosed_quote(text, open_at, segments))
    return spans


def _unclosed_quote(text: str, open_at: int, segments: list[tuple[int, int]]) -> list[_Span]:
    """A quote never closed: kept to the end of its last paragraph when it already ran over several
    paragraphs (pages often lose the last closing mark), else dropped as an unmatched mark."""
    end = _paragraph_end(text, segments[-1][0])
    if len(segments) < 2 or end >= len(text) or end <= segments[-1][0]:
        return []
    return [_Span(open_at, end + 1, (*segments[:-1], (segments[-1][0], end)))]


def _starts_paragraph(text: str, pos: int) -> bool:
    line_start = text.rfind("\n", 0, pos) + 1
    return line_start > 0 and not text[line_start:pos].strip()


def _paragraph_end(text: str, pos: int) -> int:
    newline = text.find("\n", pos)
    end = len(text) if newline < 0 else newline
    return len(text[:end].rstrip())


def _single_quote_spans(text: str, taken: Sequence[_Span]) -> list[_Span]:
    """Pair single marks outside double quotes: an opening mark starts a word, a closing mark ends one."""
    spans: list[_Span] = []
    opens = [s.mark_start for s in taken]
    for match in _SINGLE_MARK_RE.finditer(text):
        start, curly = match.start(), match.group(1) == "‘"
        inside = bisect_right(opens, start) - 1
        if (inside >= 0 and start < taken[inside].mark_end) or (spans and start < spans[-1].mark_end):
            continue
        close = _closing_single(text, start + 1, "’'" if curly else "'")
        if close is None or (not curly and len(text[start + 1 : close].split()) < 2):
            continue
        spans.append(_Span(start, close + 1, ((start + 1, close),)))
    return spans


def _closing_single(text: str, pos: int, marks: str) -> int | None:
    """The first mark in the paragraph that ends a word (not "Iraq’s"), or None."""
    end = min(_paragraph_end(text, pos), pos + _MAX_SINGLE_QUOTE)
    for at in range(pos + 1, end):
        if (
            text[at] in marks
            and not text[at - 1].isspace()
            and (at + 1 >= len(text) or not text[at + 1].isalnum())
        ):
            return at
    return None


# --- context ---------------------------------------------------------------------------------------------


def _sentence_starts(text: str, spans: Sequence[_Span]) -> list[int]:
    """Sentence starts, ignoring stops inside quotes and after abbreviations like "Mr." or "U.S."."""
    starts = [0]
    opens = [s.mark_start for s in spans]
    for match in _SENTENCE_BREAK_RE.finditer(text):
        inside = bisect_left(opens, match.end()) - 1
        if inside >= 0 and match.end() < spans[inside].mark_end:
            continue
        if match.group()[0] == "." and _ABBREVIATION_RE.search(
            text[max(0, match.start() - 6) : match.start() + 1]
        ):
            continue
        starts.append(match.end())
    return starts


@dataclass(frozen=True, slots=True)
class _Context:
    before_start: int
    after_end: int
    sentence_index: int


def _context(text: str, span: _Span, starts: Sequence[int]) -> _Context:
    index = bisect_right(starts, span.mark_start) - 1
    following = bisect_right(starts, span.mark_end)
    if following < len(starts) and not text[span.mark_end : starts[following]].strip():
        following += (
            1  # “… hands?” Trump said: a break right after the closing mark leaves the clause after it
        )
    after_end = starts[following] if following < len(starts) else len(text)
    newline = text.find("\n", span.mark_end)
    if 0 <= newline < after_end:
        after_end = newline
    return _Context(starts[index], after_end, index)


# --- speakers --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Attribution:
    method: AttributionMethod
    speaker_start: int | None = None
    speaker_end: int | None = None
    cue_start: int | None = None
    cue_end: int | None = None
    inverted: bool = False  # the speaker follows the cue ("said X")
    probability: float | None = None  # the ranker's, for a ranked speaker


@dataclass(frozen=True, slots=True)
class _Speaker:
    kind: SpeakerKind
    start: int | None
    end: int | None
    entity: EntityMention | None
    source: EntitySource


_NO_SPEAKER: Final = _Speaker(SpeakerKind.NONE, None, None, None, EntitySource.NONE)


def _attribute(text: str, masked: str, span: _Span, context: _Context, rules: QuoteRules) -> _Attribution:
    """Try the patterns in order on the clauses around the quote; ``masked`` has every quote blanked out."""
    after_start, content_end = span.mark_end, span.paragraphs[-1][1]
    after = masked[after_start : min(context.after_end, after_start + _MAX_CONTEXT)]
    before_start = max(context.before_start, span.mark_start - _MAX_CONTEXT)
    before = masked[before_start : span.mark_start]
    if rules.dash_credit:
        dash = _AFTER_DASH.match(after)
        if dash is not None and len(dash.group("spk").split()) <= 5:
            return _Attribution(
                AttributionMethod.DASH_CREDIT,
                after_start + dash.start("spk"),
                after_start + dash.end("spk"),
                after_start + dash.start("cue"),
                after_start + dash.end("cue"),
            )
    if _after_allowed(text, content_end, after):
        found = _match_after(after, after_start, rules)
        if found is not None:
            return found
    found = _match_before(before, before_start, rules)
    if found is not None:
        return found
    return _match_anywhere(before, before_start, rules) or _Attribution(AttributionMethod.NONE)


def _after_allowed(text: str, content_end: int, after: str) -> bool:
    last = text[content_end - 1] if content_end > 0 else ""
    first_word = after.lstrip(" ,")
    return last != "." or (first_word[:1].islower() and not first_word.startswith("and "))


def _match_after(after: str, offset: int, rules: QuoteRules) -> _Attribution | None:
    for pattern, method in (
        (_AFTER_ACCORDING, AttributionMethod.ACCORDING_TO),
        (_AFTER_CUE_SPEAKER, AttributionMethod.QUOTE_CUE_SPEAKER),
        (_AFTER_SPEAKER_CUE, AttributionMethod.QUOTE_SPEAKER_CUE),
    ):
        match = pattern.match(after)
        if match is None:
            continue
        inverted = method is not AttributionMethod.QUOTE_SPEAKER_CUE
        start, end = _trim_speaker(after, match.start("spk"), match.end("spk"), inverted)
        if not inverted and rules.apposition:
            start, end = _before_apposition(after, start, end)
        if (
            end > start
            and len(after[start:end].split()) <= _MAX_SPEAKER_WORDS
            and _opens_subject(after[start:end])
        ):
            return _Attribution(
                method,
                offset + start,
                offset + end,
                offset + match.start("cue"),
                offset + match.end("cue"),
                inverted,
            )
    return None


def _match_before(before: str, offset: int, rules: QuoteRules) -> _Attribution | None:
    for pattern, method in (
        (_BEFORE_ACCORDING, AttributionMethod.ACCORDING_TO),
        (_BEFORE_CUE_COLON, AttributionMethod.SPEAKER_CUE_QUOTE),
        (_BEFORE_SPEAKER_CUE, AttributionMethod.SPEAKER_CUE_QUOTE),
        (_BEFORE_COLON, AttributionMethod.COLON),
    ):
        if pattern is _BEFORE_SPEAKER_CUE and _CUE_AT_END.search(before) is None:
            continue
        match = pattern.search(before)
        if match is None:
            continue
        inverted = method is AttributionMethod.ACCORDING_TO or pattern is _BEFORE_CUE_COLON
        start, end = _trim_speaker(before, match.start("spk"), match.end("spk"), inverted)
        if method is AttributionMethod.SPEAKER_CUE_QUOTE and not inverted and rules.apposition:
            start, end = _before_apposition(before, start, end)
        words = before[start:end].split()
        if (
            not words
            or len(words) > _MAX_SPEAKER_WORDS
            or (method is AttributionMethod.COLON and len(words) > 4)
        ):
            continue
        cue = (
            (offset + match.start("cue"), offset + match.end("cue"))
            if "cue" in match.groupdict()
            else (None, None)
        )
        return _Attribution(method, offset + start, offset + end, cue[0], cue[1], inverted)
    return None


def _match_anywhere(before: str, offset: int, rules: QuoteRules) -> _Attribution | None:
    """A cue verb elsewhere in the sentence before the quote, with a short subject before it."""
    for cue in reversed(list(_ANY_CUE.finditer(before))):
        clause_start = max(before.rfind(mark, 0, cue.start()) for mark in ",;\n") + 1
        start, end = _trim_speaker(before, clause_start, cue.start(), False)
        if end <= start and rules.apposition:  # "X, who lives nearby, said": the clause is all apposition
            sentence_start = max(before.rfind(mark, 0, cue.start()) for mark in ";\n") + 1
            start, end = _before_apposition(
                before, *_trim_speaker(before, sentence_start, cue.start(), False)
            )
        if (
            end > start
            and len(before[start:end].split()) <= _MAX_SPEAKER_WORDS
            and _opens_subject(before[start:end])
        ):
            return _Attribution(
                AttributionMethod.SAME_SENTENCE,
                offset + start,
                offset + end,
                offset + cue.start(),
                offset + cue.end(),
            )
    return None


def _opens_subject(phrase: str) -> bool:
    """A speaker phrase cannot open with a conjunction, preposition or participle (“…,” when asked;
    “…,” including provisions he; “…,” compared to 11% of voters)."""
    first = phrase.split()[0]
    return not (first in _NOT_SUBJECT_STARTS or (first.islower() and first.endswith(("ing", "ed"))))


def _first_clause(phrase: str) -> str:
    """The phrase up to its first stop, comma or colon, not counting the stop of a title ("Rep. Jim Clyburn")."""
    for stop in re.finditer(r"[.,:](?=\s)|$", phrase + " "):
        if stop.group() == "." and _ABBREVIATION_RE.search(phrase[max(0, stop.start() - 6) : stop.end()]):
            continue
        return phrase[: stop.start()]
    return phrase


def _before_apposition(source: str, start: int, end: int) -> tuple[int, int]:
    """A long phrase that opens with a short name and a comma is that name: "John Weaver, a strategist who
    has feuded with the chairman," -> "John Weaver"; other phrases are left as they are."""
    phrase = source[start:end]
    cut = _APPOSITION_RE.search(phrase)
    if cut is None or len(phrase.split()) <= _MAX_SPEAKER_WORDS:
        return start, end
    head = phrase[: cut.start()].split()
    if 0 < len(head) <= 6 and head[0].lower() not in _TITLE_SMALL_WORDS and any(w[0].isupper() for w in head):
        return start, start + len(phrase[: cut.start()].rstrip())
    return start, end


def _trim_speaker(source: str, start: int, end: int, inverted: bool) -> tuple[int, int]:
    """Shrink a speaker phrase to its words: no fillers ("also"); for "said X" nothing after X's clause."""
    phrase = source[start:end]
    if inverted:
        phrase = _CUT_WORDS_RE.sub("", _first_clause(phrase).rstrip(" ."))
    else:
        last = _LAST_NAME_RE.search(phrase)  # "Still, she added", "Contrasting her with Trump, Garin said"
        if last is not None:
            return start + last.start(1), start + last.end(1)
    lead = _LEADING_FILLER_RE.match(phrase.lstrip())
    lead_len = len(phrase) - len(phrase.lstrip()) + (lead.end() if lead else 0)
    core = _TRAILING_FILLER_RE.sub("", phrase[lead_len:]).rstrip(" ,")
    return start + lead_len, start + lead_len + len(core)


def _resolve_speaker(
    text: str,
    attribution: _Attribution,
    mentions: Sequence[EntityMention],
    earlier: dict[str, EntityMention],
    subjects: Sequence[EntityMention | None],
    masked: str,
    rules: QuoteRules,
) -> _Speaker:
    if attribution.speaker_start is None or attribution.speaker_end is None:
        return _NO_SPEAKER
    start, end = attribution.speaker_start, attribution.speaker_end
    named = _named_speaker(text, start, end, mentions)
    if named is not None:
        return _Speaker(SpeakerKind.ENTITY, named.start_char, named.end_char, named, EntitySource.NAMED)
    phrase = text[start:end]
    words = phrase.lower().split()
    if len(words) == 1 and words[0] in _PRONOUNS:
        if rules.pronoun_outside_quotes:
            entity = _antecedent(text, masked, mentions, start, words[0])
        else:
            entity = _nearest_before(mentions, start, _PRONOUNS[words[0]])
        return _Speaker(
            SpeakerKind.PRONOUN, start, end, entity, EntitySource.PRONOUN if entity else EntitySource.NONE
        )
    inside = _mentions_within(mentions, start, end)
    if inside:
        return _Speaker(SpeakerKind.DESCRIPTOR, start, end, inside[0], EntitySource.AFFILIATION)
    head = _NON_WORD_RE.sub("", words[-1]) if words else ""
    if head in _COMMUNICATION_NOUNS:
        if words[0] in {"the", "this", "that"} and head in earlier:
            return _Speaker(SpeakerKind.DESCRIPTOR, start, end, earlier[head], EntitySource.PRECEDING_QUOTE)
        subject = next((s for s in subjects if s is not None), None)
        source = EntitySource.PRECEDING_SUBJECT if subject else EntitySource.NONE
        return _Speaker(SpeakerKind.DESCRIPTOR, start, end, subject, source)
    return _Speaker(SpeakerKind.DESCRIPTOR, start, end, None, EntitySource.NONE)


def _named_speaker(
    text: str, start: int, end: int, mentions: Sequence[EntityMention]
) -> EntityMention | None:
    """The PERSON/ORG ending the phrase or heading it before an apposition, or a mention that is all of it."""
    inside = _mentions_within(mentions, start, end)
    for mention in inside:
        rest_after = text[mention.end_char : end].strip(" ,.’'s")
        rest_before = re.sub(
            r"^(?:the|a|an)\s+", "", text[start : mention.start_char].strip(), flags=re.IGNORECASE
        )
        if mention.label in _SPEAKER_LABELS and (
            not rest_after or text[mention.end_char : end].startswith(",")
        ):
            return mention
        if not rest_after and not rest_before:
            return mention
    return None


def _mentions_within(mentions: Sequence[EntityMention], start: int, end: int) -> list[EntityMention]:
    """The mentions (sorted by start) that lie inside ``start:end``, in order."""
    inside = []
    for mention in mentions[bisect_left(mentions, start, key=lambda m: m.start_char) :]:
        if mention.start_char >= end:
            break
        if mention.end_char <= end:
            inside.append(mention)
    return inside


def _nearest_before(
    mentions: Sequence[EntityMention], pos: int, labels: Sequence[str]
) -> EntityMention | None:
    candidates = [m for m in mentions if m.end_char <= pos and m.label in labels]
    return max(candidates, key=lambda m: m.start_char) if candidates else None


def _antecedent(
    text: str, masked: str, mentions: Sequence[EntityMention], pos: int, pronoun: str
) -> EntityMention | None:
    """The nearest mention before ``pos`` a pronoun can refer to: outside every quote (never a name the
    speaker mentions), and for he/she not a PERSON written with a title of the other sex ("Mrs. Clinton")."""
    for mention in reversed(mentions[: bisect_left(mentions, pos, key=lambda m: m.start_char)]):
        if (
            mention.end_char > pos
            or mention.label not in _PRONOUNS[pronoun]
            or masked[mention.start_char] == "\n"
        ):
            continue
        title_zone = text[max(0, mention.start_char - 8) : mention.start_char]
        if (pronoun == "he" and _FEMALE_TITLE_RE.search(title_zone)) or (
            pronoun == "she" and _MALE_TITLE_RE.search(title_zone)
        ):
            continue
        return mention
    return None


def _sentence_subjects(
    text: str, starts: Sequence[int], mentions: Sequence[EntityMention]
) -> list[EntityMention | None]:
    """For each sentence, the PERSON/ORG mention that opens it (its subject), if any."""
    subjects: list[EntityMention | None] = [None] * len(starts)
    for mention in mentions:  # sorted by start, so the first accepted mention of a sentence wins
        index = bisect_right(starts, mention.start_char) - 1
        if subjects[index] is not None or mention.label not in _SPEAKER_LABELS:
            continue
        prefix = text[starts[index] : mention.start_char].strip()
        if len(prefix) <= 50 and _SUBJECT_PREFIX_RE.match(prefix):
            subjects[index] = mention
    return subjects


# --- assembling ------------------------------------------------------------------------------------------


def extract_quotes(
    text: str,
    mentions: Sequence[EntityMention],
    rules: QuoteRules = QuoteRules(),
    model: SpeakerModel | None = None,
) -> tuple[Quote, ...]:
    """Every direct quote in ``text`` with its speaker; ``mentions`` are entity mentions in the same text.
    ``model`` is the speaker ranker (default: the shipped one, see :mod:`flows.core.intel.speakers`)."""
    doubles = [s for s in _double_quote_spans(text) if not _MARKUP_VALUE_RE.search(text[: s.mark_start][-2:])]
    spans = sorted([*doubles, *_single_quote_spans(text, doubles)], key=lambda s: s.mark_start)
    if not spans:
        return ()
    valid = sorted(
        (m for m in mentions if 0 <= m.start_char < m.end_char <= len(text)), key=lambda m: m.start_char
    )
    starts = _sentence_starts(text, spans)
    masked = _mask(text, spans)
    subjects = _sentence_subjects(text, starts, valid)
    earlier: dict[str, EntityMention] = {}
    contexts = [_context(text, span, starts) for span in spans]
    attributions = [
        _attribute(text, masked, span, context, rules) for span, context in zip(spans, contexts, strict=True)
    ]
    titles = _titles_and_names(text, spans, attributions, rules)
    said: list[tuple[_Span, _Attribution, _Speaker]] = []
    for index, (span, context, attribution) in enumerate(zip(spans, contexts, attributions, strict=True)):
        content_start, content_end = span.paragraphs[0][0], span.paragraphs[-1][1]
        if not text[content_start:content_end].strip() or index in titles:
            continue
        if attribution.method is AttributionMethod.NONE:
            last = said[-1] if said else None
            if (
                rules.follow_on
                and last is not None
                and last[2].kind is not SpeakerKind.NONE
                and _follows(text, last[0], span)
                and not _mentions_within(valid, starts[context.sentence_index], span.mark_start)
            ):
                said.append((span, replace(last[1], method=AttributionMethod.FOLLOW_ON), last[2]))
                continue
            if rules.follow_on:
                attribution = _said_just_before(text, masked, starts, context.sentence_index, span, rules)
            if rules.sentence_subject and attribution.method is AttributionMethod.NONE:
                attribution = _subject_of(text, starts[context.sentence_index], span, valid)
        previous_subjects = list(reversed(subjects[: context.sentence_index]))
        speaker = _resolve_speaker(text, attribution, valid, earlier, previous_subjects, masked, rules)
        _remember(text, speaker, earlier)
        said.append((span, attribution, speaker))
    ranker = (model or shipped_model()) if rules.ranked_speaker else None
    if ranker is not None:
        said = _ranked(text, spans, said, valid, ranker)
    speakers = [(s.entity.text, s.entity.label) for _, _, s in said if s.entity is not None]
    names = full_names(((m.text, m.label) for m in valid), wanted=speakers)
    return tuple(_quote(text, span, attribution, speaker, names) for span, attribution, speaker in said)


def _ranked(
    text: str,
    spans: Sequence[_Span],
    said: list[tuple[_Span, _Attribution, _Speaker]],
    mentions: Sequence[EntityMention],
    model: SpeakerModel,
) -> list[tuple[_Span, _Attribution, _Speaker]]:
    """The quotes left without a speaker take the ranker's most probable candidate, when probable enough."""
    quoted = [(s.mark_start, s.mark_end) for s in spans]
    ranked = []
    for span, attribution, speaker in said:
        best = (
            best_speaker(model, text, span.mark_start, span.mark_end, quoted, mentions, _ANY_CUE)
            if speaker.kind is SpeakerKind.NONE
            else None
        )
        if best is None:
            ranked.append((span, attribution, speaker))
            continue
        mention, probability = best
        ranked.append(
            (
                span,
                _Attribution(
                    AttributionMethod.RANKED, mention.start_char, mention.end_char, probability=probability
                ),
                _Speaker(
                    SpeakerKind.ENTITY, mention.start_char, mention.end_char, mention, EntitySource.NAMED
                ),
            )
        )
    return ranked


def _follows(text: str, previous: _Span, span: _Span) -> bool:
    """The quote goes on from the previous one: in the same paragraph, or opening the next paragraph (the
    caller also asks that no name comes before it in its own sentence: “Jeff Weaver called that “…”")."""
    between = text[previous.mark_end : span.mark_start].split("\n")
    return all(not line.strip() for line in between[1:])


def _said_just_before(
    text: str, masked: str, starts: Sequence[int], index: int, span: _Span, rules: QuoteRules
) -> _Attribution:
    """A quote opening its sentence after "..., Schiff said." in the sentence just before it (in the same
    paragraph, or ending the paragraph before when the quote opens its own): the speaker of that sentence."""
    if index == 0 or text[starts[index] : span.mark_start].strip():
        return _Attribution(AttributionMethod.NONE)
    previous = masked[starts[index - 1] : starts[index]]
    if previous.rstrip()[-1:] not in ".:" or "\n" in previous.strip().replace("\n\n", "\n")[:-1].strip("\n"):
        return _Attribution(AttributionMethod.NONE)
    inverted = _BEFORE_CUE_COLON.match(previous)  # "Added Stone:" and the quote in the next paragraph
    if inverted is not None:
        start, end = _trim_speaker(previous, inverted.start("spk"), inverted.end("spk"), True)
        if end > start:
            offset = starts[index - 1]
            return _Attribution(
                AttributionMethod.FOLLOW_ON,
                offset + start,
                offset + end,
                offset + inverted.start("cue"),
                offset + inverted.end("cue"),
                True,
            )
    sentence = previous.rstrip().rstrip(".:")
    if _CUE_AT_END.search(sentence) is None and not re.search(rf"{_CUE}(?:\s+[\w’'-]+){{0,3}}$", sentence):
        return _Attribution(AttributionMethod.NONE)
    found = _match_anywhere(sentence, starts[index - 1], rules)
    if found is None:
        return _Attribution(AttributionMethod.NONE)
    return replace(found, method=AttributionMethod.FOLLOW_ON)


def _subject_of(
    text: str, sentence_start: int, span: _Span, mentions: Sequence[EntityMention]
) -> _Attribution:
    """The PERSON/ORG (not a possessive) or he/she/they that opens the quote's sentence, before the quote,
    after at most an opening phrase and a comma and a few words of description ("Democratic presidential
    candidate Bernie Sanders is releasing an ad that urges voters to “send a message”")."""
    opening = _OPENING_PHRASE_RE.match(text[sentence_start : span.mark_start])
    if opening is not None:  # "In a White House statement, President Obama condemned ...": after the comma
        sentence_start += opening.end()
    first = bisect_left(mentions, sentence_start, key=lambda m: m.start_char)
    subject = next((m for m in mentions[first:] if m.label in _SPEAKER_LABELS), None)
    if (
        subject is not None
        and subject.end_char <= span.mark_start
        and _SUBJECT_LEAD_RE.match(text[sentence_start : subject.start_char])
        and text[subject.end_char : subject.end_char + 1] not in ("’", "'")
    ):
        return _Attribution(AttributionMethod.SENTENCE_SUBJECT, subject.start_char, subject.end_char)
    pronoun = _SUBJECT_PRONOUN_RE.match(text[sentence_start : span.mark_start])
    if pronoun is not None:
        return _Attribution(
            AttributionMethod.SENTENCE_SUBJECT,
            sentence_start + pronoun.start("spk"),
            sentence_start + pronoun.end("spk"),
        )
    return _Attribution(AttributionMethod.NONE)


def _titles_and_names(
    text: str, spans: Sequence[_Span], attributions: Sequence[_Attribution], rules: QuoteRules
) -> set[int]:
    """Indexes of quoted titles, names and nicknames, which no one said: “Night Harbour” director, the drama
    “Paper Moon”, dubbed “Greenway”, Tom “The Hammer” Reyes. Only Title-Case words in running text. Several
    words are a title when no pattern attributes the quote directly; one word needs a cue around it (a work
    or role noun, a name on both sides, a list of titles). The same words elsewhere in the text are the same
    title, unless a pattern attributes them and they end in a comma, ? or ! (“Glass,” she said)."""
    candidates: dict[int, str] = {}
    attributed: set[int] = set()
    for index, (span, attribution) in enumerate(zip(spans, attributions, strict=True)):
        words = _title_words(text, span)
        if not words or not _in_running_text(text, span):
            continue
        candidates[index] = " ".join(words)
        addressed = rules.addressee_titles and _addressed(text, span)
        if attribution.method in _DIRECT_METHODS and not _role_after(text, span) and not addressed:
            attributed.add(index)
    titles = {
        index
        for index, words in candidates.items()
        if index not in attributed
        and (
            " " in words
            or _title_cue(text, spans[index])
            or _listed_with_title(text, spans, index, candidates)
        )
    }
    known = {candidates[index] for index in titles}
    return titles | {
        index
        for index, words in candidates.items()
        if words in known
        and (index not in attributed or text[spans[index].paragraphs[-1][1] - 1] not in ",?!")
    }


def _title_words(text: str, span: _Span) -> list[str]:
    """The quote's words when it is one short paragraph in Title Case ("The Evening Hour", "Phase Two")."""
    if len(span.paragraphs) > 1:
        return []
    content = text[span.paragraphs[0][0] : span.paragraphs[0][1]].strip().rstrip(",.;:")
    words = content.split()
    if not 0 < len(words) <= _MAX_TITLE_WORDS or _TITLE_STOP_RE.search(content):
        return []
    if not words[0][0].isupper() and not words[0][0].isdigit():
        return []
    return words if all(w[0].isupper() or w[0].isdigit() or w in _TITLE_SMALL_WORDS for w in words) else []


def _addressed(text: str, span: _Span) -> bool:
    """A programme or publication: someone spoke to or on it, with no stop inside its marks (told “Meet the
    Press”, said on “Face the Nation”), or it belongs to a name (ABC's “Good Morning America.”)."""
    last = text[span.paragraphs[-1][1] - 1 : span.paragraphs[-1][1]]
    before = text[max(0, span.mark_start - 30) : span.mark_start]
    if _OWNER_BEFORE_RE.search(before):
        return True
    return last not in ",.!?" and _ADDRESSEE_BEFORE_RE.search(before[-12:]) is not None


def _in_running_text(text: str, span: _Span) -> bool:
    """Most words of the quote's paragraph outside it start in lower case (not a Title-Case headline)."""
    line_start = text.rfind("\n", 0, span.mark_start) + 1
    line_end = text.find("\n", span.mark_end)
    outside = (
        text[line_start : span.mark_start]
        + " "
        + text[span.mark_end : len(text) if line_end < 0 else line_end]
    )
    words = re.findall(r"\b[^\W\d_][\w’'-]*", outside[:400])
    return len(words) >= 3 and sum(w[0].islower() for w in words) * 2 > len(words)


def _role_after(text: str, span: _Span) -> bool:
    """A role noun right after a quote with no closing punctuation: “Night Harbour” director Ann Lee."""
    word = re.match(r"\s+([\w’'-]+)", text[span.mark_end : span.mark_end + 30])
    last = text[span.paragraphs[-1][1] - 1 : span.paragraphs[-1][1]]
    return bool(word and word.group(1).lower() in _ROLE_NOUNS and last not in ",.!?")


def _title_cue(text: str, span: _Span) -> bool:
    """A work noun or naming verb before the quote, a role noun after it, or a name on both sides."""
    before = text[max(0, span.mark_start - 30) : span.mark_start]
    after = text[span.mark_end : span.mark_end + 30]
    word_before = re.search(r"([\w’'-]+)\s+$", before)
    if (word_before and word_before.group(1).lower() in _WORK_NOUNS) or _role_after(text, span):
        return True
    name_before = re.search(r"\b[A-Z][\w’'-]*[ \t]$", before)  # Tom “The Hammer” Reyes, on one line
    return bool(name_before and re.match(r"[ \t][A-Z]", after))


def _listed_with_title(text: str, spans: Sequence[_Span], index: int, candidates: dict[int, str]) -> bool:
    """Next to another Title-Case quote in a list ("Glass," "Paper Moon," and "Echo")."""
    for other in (index - 1, index + 1):
        if other not in candidates:
            continue
        first, second = sorted((spans[index], spans[other]), key=lambda s: s.mark_start)
        if _LIST_GAP_RE.fullmatch(text[first.mark_end : second.mark_start]):
            return True
    return False


def _mask(text: str, spans: Sequence[_Span]) -> str:
    """The text with every quote replaced by line breaks, which no speaker phrase may cross."""
    chars = list(text)
    for span in spans:
        chars[span.mark_start : span.mark_end] = "\n" * (span.mark_end - span.mark_start)
    return "".join(chars)


def _remember(text: str, speaker: _Speaker, earlier: dict[str, EntityMention]) -> None:
    if speaker.kind is SpeakerKind.DESCRIPTOR and speaker.entity is not None and speaker.end is not None:
        head = _NON_WORD_RE.sub("", text[: speaker.end].split()[-1].lower())
        earlier[head] = speaker.entity


def _is_partial(text: str, span: _Span) -> bool:
    if len(span.paragraphs) > 1:
        return False
    before = text[: span.mark_start].rstrip(" \t")
    first = text[span.paragraphs[0][0] : span.paragraphs[0][1]].lstrip("…. ")[:1]
    at_boundary = not before or before[-1] in "\n.!?:;,—–-([" or before.endswith(("…", "..."))
    return not (at_boundary and (first.isupper() or first.isdigit()))


def _quote(
    text: str, span: _Span, attribution: _Attribution, speaker: _Speaker, names: dict[tuple[str, str], str]
) -> Quote:
    start, end = span.paragraphs[0][0], span.paragraphs[-1][1]
    entity = speaker.entity
    entity_name = names[(entity.text, entity.label)] if entity else None
    confidence = _BASE_CONFIDENCE[attribution.method] if speaker.kind is not SpeakerKind.NONE else 0.0
    if attribution.probability is not None and speaker.kind is not SpeakerKind.NONE:
        confidence = attribution.probability * 0.8
    if speaker.source in _INFERRED_SOURCES:
        confidence *= 0.8
    return Quote(
        start=start,
        end=end,
        text=text[start:end],
        mark_start=span.mark_start,
        mark_end=span.mark_end,
        paragraphs=span.paragraphs,
        is_partial=_is_partial(text, span),
        speaker=text[speaker.start : speaker.end] if speaker.start is not None else None,
        speaker_start=speaker.start,
        speaker_end=speaker.end,
        speaker_kind=speaker.kind,
        speaker_entity=entity_name,
        speaker_entity_label=entity.label if entity else None,
        speaker_entity_start=entity.start_char if entity else None,
        speaker_entity_end=entity.end_char if entity else None,
        entity_source=speaker.source,
        cue=text[attribution.cue_start : attribution.cue_end] if attribution.cue_start is not None else None,
        cue_start=attribution.cue_start,
        cue_end=attribution.cue_end,
        method=attribution.method if speaker.kind is not SpeakerKind.NONE else AttributionMethod.NONE,
        confidence=round(confidence, 2),
    )
