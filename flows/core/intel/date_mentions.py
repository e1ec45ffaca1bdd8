"""Date expressions in article text, resolved against the article's publication date.

GDELT's ``V2.1ENHANCEDDATES`` records a resolution (year, month, day) but never resolves relative dates; here
"on Friday", "last month", "two days ago" and "7 April this year" all get a calendar date.

Resolution rules (``published`` is the article's date):

* A value is the first day of its period: a month is its 1st, a year its 1 January, a week its Monday.
* Plain weekday ("on Friday"): news reports what has happened, so it is the latest such day on or before the
  published date (same day included). When the nearest tense marker in the sentence is a future one ("will",
  "is due to", "scheduled"...), it is the first such day on or after it. "last Friday" is strictly before,
  "next/coming Friday" strictly after, "this Friday" is that day of the published date's Monday-Sunday week.
* Day and month without a year ("on 5 January"): with a past tense in the sentence (or after "since") the
  latest such date on or before the published date, with a future tense the first on or after it; with
  neither, the nearer of the two, the past counting double (published 20 March, "the vote on 2 April" is
  13 days ahead). A month alone after a preposition ("in March"), paired with another month
  ("in May and June"), or naming a thing ("a June rally"; not May or March): the latest such month, or with
  a future tense the next. "last March" is the latest March before the current month, "next March" the first
  after it. The end of a range ("from October to February") is moved on a year when it would come first.
* A year after a preposition ("since 2014"), in a range, after "year" ("fiscal year 2020") or naming a thing
  after a determiner or possessive ("the 2012 budget", "Smith's 2016 campaign").
* Tense markers: a participle or "un-" adjective after "will" is no past tense ("will redeem preferred shares
  on Oct. 31"); an infinitive just after a past verb ("agreed to buy the line in February") leaves the date
  without tense; "expects to", ", set to" are future.
* Quarters and halves ("the third quarter", "third-quarter", "first-half", and short, case kept: "Q3 2019",
  "3Q19", "Q4'18", "H1 2019"): the period's first day, granularity quarter or half. Without a year, the
  latest such period started on or before the published day ("last quarter": the latest one ended). A bare
  "Q3" needs a cue around it ("in Q3", "Q3 results"; not "Audi Q3"); "H1" always needs its year.
* Earnings reports: "a year earlier", "the year-ago period", "the quarter a year ago" and "last year" after
  "compared with" or "from" are the quarter reported before them, a year back (an outlook quarter, ahead of
  the published day or not over and in a future clause, is not that quarter). "several years ago" is a
  reference to the past.
* Not dates: names with a day in them in running text ("the Today programme", "Monday Night Quiz", "the
  Sunday Times"). Sentences do not end at abbreviations ("a.m.", "Oct."), so "will end at 9 a.m. on
  Thursday" is a future Thursday.
* "yesterday", "today", "tomorrow", "N days/weeks/months/years ago", "last/this/next week/month/year" are
  counted from the published date. "the last year" / "the past ten years" are durations, not dates, and are
  not emitted (see :mod:`flows.core.intel.amounts` for durations).
* Without a published date, relative expressions are kept with ``value=None`` and a note.
* ``is_future`` is True when the resolved period starts after the published date; only a future cue in the
  text ("next week", "tomorrow", "will") or an explicit date can make that happen.
"""

from __future__ import annotations

import calendar
import re
import sys
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Final

from flows.core.lexicon import (
    MONTH_ABBREVIATIONS,
    MONTH_NUMBERS,
    MONTHS,
    NUMBER_WORDS,
    TENS,
    WEEKDAYS,
    alternation,
)
from flows.core.scan import (
    DIGIT_RUN_RE,
    find_all,
    holds_whole_word,
    lowered_keeping_offsets,
    matches_at,
    starts_before,
)
from schemas.vocabulary import DateKind, Granularity


@dataclass(frozen=True, slots=True)
class DateMention:
    """A date expression; ``text == source[start:end]`` always holds."""

    start: int
    end: int
    text: str
    value: date | None
    granularity: Granularity
    is_relative: bool  # needed the published date to resolve
    is_future: bool  # the period starts after the published date
    preposition: str | None  # "on", "since", "in", "until" ... just before the expression
    note: str | None  # why ``value`` is None, or what was assumed
    kind: DateKind = DateKind.DATE


NO_ANCHOR: Final = "relative date without a publication date"
REFERENCE_NOTE: Final = "a reference to the present, past or future, not a calendar period"
NOT_A_DATE: Final = "not a calendar date"

_MONTH_NAMES: Final = {name: MONTH_NUMBERS[name] for name in MONTHS}
_MONTH_ABBREVIATIONS: Final = {short: MONTH_NUMBERS[short] for short in MONTH_ABBREVIATIONS}
_MONTH_NUMBERS: Final = _MONTH_NAMES | _MONTH_ABBREVIATIONS
_WEEKDAYS: Final = {name: i for i, name in enumerate(WEEKDAYS)}
_SMALL_NUMBERS: Final = {
    **{word: value for word, value in (*NUMBER_WORDS.items(), *TENS.items()) if 1 <= value <= 20},
    "a": 1,
    "an": 1,
}

_MONTH = (
    r"(?:(?P<month>"
    + alternation(_MONTH_NAMES)
    + r")|(?P<month_abbr>"
    + alternation(_MONTH_ABBREVIATIONS, longest_first=True)
    + r")\.?)(?![A-Za-z])"
)
_FULL_MONTH = r"(?P<month>" + alternation(_MONTH_NAMES) + r")(?![A-Za-z])"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>1[5-9]\d\d|20\d\d|21\d\d)(?![\d])"
_REL_YEAR = r"(?P<rel>this|last|next)\s+year\b"
_UNIT = r"(?P<unit>day|week|month|year|decade)s?"
_COUNT = r"(?P<n>\d{1,3}|" + alternation(_SMALL_NUMBERS) + r"|a\s+few|few|several|a\s+couple\s+of)"

_ANY_MONTH = alternation(_MONTH_NUMBERS, longest_first=True)
_NOT_A_NAMED_DAY = "".join(  # "Super Tuesday", "Black Friday", "Good Friday": named days, not this week's
    f"(?<!{word} )" for word in ("Super", "Black", "Cyber", "Good", "Holy", "Easter", "Palm", "Ash", "Bloody")
)

_PREPOSITION_RE: Final = re.compile(
    r"\b(?P<p>on|in|since|by|until|till|from|during|before|after|of|through|throughout|between|at|as\s+of|as|"
    r"for|early|late|mid|earlier|later)[\s-]+$",
    re.IGNORECASE,
)
_MONTH_PREPOSITIONS: Final = frozenset(
    {"in", "since", "by", "until", "till", "from", "during", "before", "after", "through", "throughout"}
    | {"early", "late", "mid", "of"}
)
_YEAR_PREPOSITIONS: Final = _MONTH_PREPOSITIONS | {"between", "as of", "as"}
_FUTURE_RE: Final = re.compile(
    r"\b(?:will|shall|won't|(?:is|are|was|were)\s+(?:due|set|scheduled|expected|planned|going)\s+to|"
    r"(?<=,\s)(?:set|scheduled|expected|slated)\s+to|"
    r"plans?\s+to|planning\s+to|(?:expects?|intends?|aims?)\s+to|upcoming)\b|[’']ll\b",
    re.IGNORECASE,
)
# Each match of _FUTURE_RE holds one of these, lower-cased ("plan" in "plans", "planned", "planning").
_FUTURE_WORDS: Final = (
    *("will", "shall", "won't", "’ll", "'ll", "upcoming", "plan", "expect", "intend", "aim"),
    *("due", "set", "scheduled", "expected", "going"),  # after "is", "are", "was", "were"
)
_IRREGULAR_PAST: Final = (
    "met told went came took gave made saw found held won lost began became brought bought built caught chose "
    "drove fell felt fled fought got grew heard kept knew led paid ran rose sent sold spent spoke stood struck "
    "taught thought threw wrote broke sat stole swore tore withdrew"
)


# "untouched", "unspecified": adjectives, not a past tense; but "unveiled", "united", "understood" are verbs
_UN_ADJECTIVE: Final = r"un(?!veil|leash|lock|fold|it|load|cover|earth|seat|wrap|ravel|der|dergo)"


def _word_trie(words: str) -> str:
    """An alternation grouped by first letter, which the regex engine rejects quickly."""
    by_letter: dict[str, list[str]] = {}
    for word in words.split():
        by_letter.setdefault(word[0], []).append(word[1:])
    groups = (
        letter + "(?:" + "|".join(sorted(rest, key=len, reverse=True)) + ")"
        for letter, rest in by_letter.items()
    )
    return "(?:" + "|".join(sorted(groups)) + ")"


_PAST_RE: Final = re.compile(
    r"\b(?=[a-z])(?:was|were|had|did|said|says|ago|(?<!be\s)(?<!been\s)(?<!being\s)(?<!is\s)(?<!are\s)(?:"
    + _word_trie(_IRREGULAR_PAST)
    + r"|(?!hundred|indeed|need|speed|proceed|exceed|succeed)(?!"
    + _UN_ADJECTIVE
    + r")(?-i:[a-z]{3,}ed)))\b",
    re.IGNORECASE,
)
# The months' short forms but "May", by length (a look-behind has one width): "Oct." ends no sentence.
_SHORT_MONTHS_3 = alternation(
    short for short in MONTH_ABBREVIATIONS if len(short) == 3 and short not in MONTHS
)
_SHORT_MONTHS_4 = alternation(short for short in MONTH_ABBREVIATIONS if len(short) == 4)
_SENTENCE_END_RE: Final = re.compile(  # not after "a.m.", "U.S.", "Mr.", "Oct.": abbreviations end no sentence
    # a stop and a space, or a line break; one character class first lets the regex engine skip quickly
    r"[.!?\n](?:(?<=[.!?])(?<!\b[A-Za-z][.!?])(?<!\b(?:Mr|Ms|Dr|St|Jr|Sr|No|vs)[.!?])"
    rf"(?<!\b(?:Mrs|{_SHORT_MONTHS_3}|Gov|Sen|Rep|Gen|Col)[.!?])(?<!\b(?:{_SHORT_MONTHS_4})[.!?])\s|(?<=\n))"
)


@dataclass(frozen=True, slots=True)
class _Resolved:
    value: date | None
    granularity: Granularity
    is_relative: bool
    note: str | None = None
    kind: DateKind = DateKind.DATE
    year_back: bool = False  # "a year earlier": the period a preceding quarter names, a year back
    anchor_year: int | None = None  # "the 1988 period": the preceding quarter's period in that year
    ahead: bool = False  # in a future-tense clause ("will report third-quarter results")


_Resolver = Callable[[re.Match[str], date | None, bool | None], _Resolved]


def resolve_dates(
    text: str, published: date | None, *, sentences: Sequence[int] | None = None
) -> tuple[DateMention, ...]:
    """Every date expression in ``text``, resolved against ``published`` when relative; in text order.

    ``sentences`` are where the text's sentences start as the tagger split it (the tense of a date is read in
    its sentence); without them the text is split here.
    """
    candidates: list[tuple[int, int, _Resolved]] = []
    starts = _Starts.of(text)
    tense = _Tense(text, starts.lowered, sentences)
    for rule in _RULES:
        for match in _rule_matches(rule, starts):
            if not rule.accept(text, match):
                continue
            start, end = match.span("m") if "m" in rule.pattern.groupindex else match.span()
            since = _SINCE_BEFORE_RE.search(text, max(0, start - 8), start) is not None
            future = False if since else tense.future_context(start, end)
            if future is False and not since and _upcoming(rule, text, start, tense):
                future = None
            resolved = rule.resolve(match, published, future)
            candidates.append((start, end, replace(resolved, ahead=True) if future else resolved))
    kept = _year_earlier_quarters(_ordered_ranges(text, _without_overlaps(candidates)), published)
    return tuple(_mention(text, s, e, r, published) for s, e, r in kept)


def _upcoming(rule: _Rule, text: str, start: int, tense: _Tense) -> bool:
    """A past tense that does not decide the date: a deadline word before the date ("payable Dec. 7",
    "extended to Nov. 20", "through January"), or a day and month with no past verb right before it ("said it
    is calling for the redemption on Dec. 7" in a report of 27 October: the tense is another clause's, and a
    date a year back would carry its year; but "met on 5 January"). Such a date is read as one without tense:
    the nearer one, the past weighing double."""
    if not _UPCOMING_CONTEXT:
        return False
    if _UPCOMING_CUE_RE.search(text, max(0, start - 24), start) is not None:
        return True
    if _INFINITIVE_AHEAD and tense.infinitive_after_past(start):
        return True
    return rule.resolve is _day_month and not tense.past_marker_before(start, _NEAR_VERB)


def _reported(period: _Resolved, published: date) -> bool:
    """A quarter or half that can be the period a report compares: begun, and over unless named in a clause
    without a future tense."""
    assert period.value is not None
    months = 6 if period.granularity is Granularity.HALF else 3
    over = _period_start(period.value, Granularity.MONTH, months) <= published
    return period.value <= published and (over or not period.ahead)


_NEAR_VERB: Final = 12  # characters between a past verb and the date it governs ("was arrested on ")
_FUTURE_REACH: Final = 80  # characters from a future marker over participles to the date it governs
_GOVERNS_RE: Final = re.compile(r"\s+(?:(?:on|in|by|until|from|since|at|through|to|before|after|during)\s+)?")


def _year_earlier_quarters(
    kept: list[tuple[int, int, _Resolved]], published: date | None
) -> list[tuple[int, int, _Resolved]]:
    """ "a year earlier", "the year-ago quarter" after a quarter ("third-quarter profit ... a year earlier"):
    the same quarter a year back (or half, for a half). An outlook ("continue into the fourth quarter", "the
    third quarter of 1990") is not the period reported (see ``_reported``)."""
    out: list[tuple[int, int, _Resolved]] = []
    for start, end, resolved in kept:
        if resolved.year_back:
            period = next(
                (
                    r
                    for s, _, r in reversed(out)
                    if r.granularity in {Granularity.QUARTER, Granularity.HALF}
                    and r.value is not None
                    and not r.year_back
                    and (published is None or _reported(r, published))
                ),
                None,
            )
            if period is not None and period.value is not None:
                year = resolved.anchor_year or period.value.year - 1
                value = date(year, period.value.month, 1)
                resolved = _Resolved(value, period.granularity, True, None, year_back=True)
        out.append((start, end, resolved))
    return out


# --- where a rule can match ------------------------------------------------------------------------------
# Python's regex engine tries a pattern that opens with ``\b`` or a lookbehind at every position of the text,
# and sixteen rules over every section were most of the cost. So each rule names the positions where a match
# can start (a superset), found once per text with patterns the engine scans quickly (digits, capitalised
# month and day names), or with ``str.find`` for the words a match opens with ("the", "last", "quarter") once
# the text holds a word the match must contain; the rule is then tried only there. The matches are exactly
# those of ``rule.pattern.finditer(text)``.

_MONTH_START_RE: Final = re.compile(
    alternation(name[:3] for name in MONTHS)
)  # every month name opens with one
_WEEKDAY_RE: Final = re.compile(alternation(WEEKDAYS))
_UNIT_WORDS: Final = ("week", "month", "year", "decade")
_DAY_WORDS: Final = ("yesterday", "today", "tomorrow", "tonight")
_PARTS_OF_DAY: Final = ("night", "morning", "afternoon", "evening")  # after "last" or "this"
_UNIT_AGO_RE: Final = re.compile(_UNIT + r"\s+ago")  # in lower-cased text


@dataclass(frozen=True, slots=True)
class _Starts:
    """Where expressions can start in one text, found once for all rules."""

    text: str
    days: list[int]  # runs of one or two digits: a day of the month is one, followed by no other digit
    years: list[int]  # runs of four digits: a year is one
    months: list[int]  # month names and abbreviations
    weekdays: list[int]
    lowered: str | None  # ``text.lower()`` when it keeps every offset and case-insensitive matches show in it

    @classmethod
    def of(cls, text: str) -> _Starts:
        # a match opening with a digit has no digit (or letter) before it: it starts a run of digits
        runs = [match.span() for match in DIGIT_RUN_RE.finditer(text)]
        return cls(
            text,
            [start for start, end in runs if end - start <= 2],
            [start for start, end in runs if end - start == 4],
            [m.start() for m in _MONTH_START_RE.finditer(text)],
            [m.start() for m in _WEEKDAY_RE.finditer(text)],
            lowered_keeping_offsets(text),
        )

    def with_modifier(self, positions: list[int], widths: tuple[int, ...] = (4, 6)) -> list[int]:
        """The positions, and where a modifier of four or six letters ("last", "coming") before each would
        start, across the whitespace between them."""
        return sorted({*positions, *starts_before(self.text, positions, widths)})

    def counted_ago(self) -> list[int] | None:
        """Where "three days ago" or "a couple of weeks ago" can start: in the run of letters, digits and
        whitespace just before a "days/weeks/months... ago" (any case)."""
        if self.lowered is None:
            return None
        if "ago" not in self.lowered:  # a quick test that spares most texts the search
            return []
        starts: set[int] = set()
        for unit in _UNIT_AGO_RE.finditer(self.lowered):
            count_start = unit.start()
            while count_start > 0 and (
                self.text[count_start - 1].isalnum() or self.text[count_start - 1].isspace()
            ):
                count_start -= 1
            starts.update(range(count_start, unit.start()))
        return sorted(starts)

    def deictic_days(self) -> list[int] | None:
        """Where "yesterday/today/tomorrow/tonight" start, and "last/this" before a night, morning, afternoon
        or evening (any case)."""
        if self.lowered is None:
            return None
        parts = find_all(self.lowered, _PARTS_OF_DAY)
        return sorted({*find_all(self.lowered, _DAY_WORDS), *starts_before(self.text, parts, (4,))})

    def unit_modifiers(self) -> list[int] | None:
        """Where "last/this/next/coming" can start before a week, month, year or decade (any case)."""
        if self.lowered is None:
            return None
        return sorted(set(starts_before(self.text, find_all(self.lowered, _UNIT_WORDS), (4, 6))))


def _rule_matches(rule: _Rule, starts: _Starts) -> list[re.Match[str]]:
    """Exactly the matches of ``rule.pattern.finditer(text)``, trying the pattern only where it can start."""
    positions = rule.starts(starts)
    if positions is None:
        return list(rule.pattern.finditer(starts.text))
    return matches_at(rule.pattern, starts.text, positions)


def _without_overlaps(candidates: list[tuple[int, int, _Resolved]]) -> list[tuple[int, int, _Resolved]]:
    """Longest match first at each position; later candidates that overlap a kept one are dropped."""
    kept: list[tuple[int, int, _Resolved]] = []
    for candidate in sorted(candidates, key=lambda c: (c[0], -(c[1] - c[0]))):
        if not kept or candidate[0] >= kept[-1][1]:
            kept.append(candidate)
    return kept


def _ordered_ranges(text: str, kept: list[tuple[int, int, _Resolved]]) -> list[tuple[int, int, _Resolved]]:
    """The end of "from October to February" comes after its start: a relative end resolved before the start
    moves on a year."""
    ordered = kept[:1]
    for start, end, resolved in kept[1:]:
        previous = ordered[-1][2]
        value = resolved.value
        if (
            value is not None
            and previous.value is not None
            and resolved.is_relative
            and resolved.granularity in {Granularity.DAY, Granularity.MONTH}
            and value < previous.value
            and _RANGE_GAP_RE.fullmatch(text, ordered[-1][1], start)
        ):
            shifted = _safe_date(value.year + 1, value.month, value.day)
            resolved = _Resolved(
                shifted, resolved.granularity, True, resolved.note if shifted else NOT_A_DATE
            )
        ordered.append((start, end, resolved))
    return ordered


def _mention(text: str, start: int, end: int, resolved: _Resolved, published: date | None) -> DateMention:
    preposition = _PREPOSITION_RE.search(text[max(0, start - 12) : start])
    value = resolved.value
    return DateMention(
        start=start,
        end=end,
        text=text[start:end],
        value=value,
        granularity=resolved.granularity,
        is_relative=resolved.is_relative,
        is_future=value is not None and published is not None and value > published,
        preposition=_SPACES_RE.sub(" ", preposition.group("p").lower()) if preposition else None,
        note=resolved.note,
        kind=resolved.kind,
    )


class _Tense:
    """Sentence breaks and tense markers of a text; a sentence's markers are found the first time an expression
    in it asks.

    They are the markers a scan of the whole text finds in that sentence: a sentence starts and ends at a
    non-word character and markers are words, so a marker starts and ends inside one sentence. The one
    exception, a future marker run over a line break ("were\\nset to"), is left out; in the whole-text scan it
    would run past the expression's sentence on that side, where it is never the nearest marker.
    """

    def __init__(self, text: str, lowered: str | None, sentences: Sequence[int] | None = None) -> None:
        self._text = text
        self._lowered = lowered  # ``text.lower()`` when it keeps offsets and case-insensitive matches
        # (starts, ends) of the breaks between sentences; from the given sentence starts, a break is empty
        given = [start for start in sentences if start > 0] if sentences is not None else None
        self._breaks: tuple[list[int], list[int]] | None = None if given is None else (given, given)
        self._markers: dict[tuple[int, int], list[tuple[int, int, bool]]] = {}

    def _sentence(self, start: int, end: int) -> tuple[int, int]:
        """Start of the sentence holding ``start`` and end of the one holding ``end``."""
        if self._breaks is None:
            breaks = list(_SENTENCE_END_RE.finditer(self._text))
            self._breaks = ([b.start() for b in breaks], [b.end() for b in breaks])
        break_starts, break_ends = self._breaks
        before_breaks = bisect_right(break_ends, start)
        sentence_start = break_ends[before_breaks - 1] if before_breaks else 0
        after_break = bisect_left(break_starts, end)
        sentence_end = break_starts[after_break] if after_break < len(break_starts) else sys.maxsize
        return sentence_start, sentence_end

    def _markers_from(self, sentence_start: int, sentence_end: int) -> list[tuple[int, int, bool]]:
        """Tense markers starting in the sentence, as (start, end, is_future), sorted by start."""
        if (sentence_start, sentence_end) not in self._markers:
            found = [
                (m.start(), m.end(), False)
                for m in _PAST_RE.finditer(self._text, sentence_start, sentence_end)
            ]
            if self._may_hold_future(sentence_start, sentence_end):
                found += [
                    (m.start(), m.end(), True)
                    for m in _FUTURE_RE.finditer(self._text, sentence_start, sentence_end)
                ]
            self._markers[sentence_start, sentence_end] = sorted(found)
        return self._markers[sentence_start, sentence_end]

    def _may_hold_future(self, sentence_start: int, sentence_end: int) -> bool:
        """False when the sentence holds none of the words a future marker needs: most sentences, spared the
        scan for one."""
        if self._lowered is None:
            return True
        sentence = self._lowered[sentence_start:sentence_end]
        return any(word in sentence for word in _FUTURE_WORDS)

    def past_marker_before(self, start: int, window: int) -> bool:
        """A past tense marker ends within ``window`` characters before ``start``, in the same sentence."""
        sentence_start, sentence_end = self._sentence(start, start)
        return any(
            not is_future and start - window <= marker_end <= start
            for _, marker_end, is_future in self._markers_from(sentence_start, sentence_end)
        )

    def _governing(
        self, markers: list[tuple[int, int, bool]], nearest: tuple[int, int, bool] | None, start: int
    ) -> tuple[int, int, bool] | None:
        """A participle shortly after a future marker is no past tense: "will redeem preferred shares on Oct.
        31", "will be completed by June" are future. The future marker governs when only words in "-ed" come
        between, none right before the date ("shares issued July 1, which will ...": issued that day)."""
        if not _PARTICIPLES_AFTER_FUTURE or nearest is None or nearest[2]:
            return nearest
        if _GOVERNS_RE.fullmatch(self._text, nearest[1], start):
            return nearest
        for marker in reversed(markers):
            if marker[2]:
                return marker if start - marker[1] <= _FUTURE_REACH else nearest
            if not self._text[marker[0] : marker[1]].lower().endswith("ed"):
                return nearest
        return nearest

    def infinitive_after_past(self, start: int) -> bool:
        """An infinitive within two words after the nearest past marker before ``start`` ("agreed to buy the
        line in February", "announced an agreement to acquire"): the date is the infinitive's, ahead of the
        past verb, so the past tense does not place it."""
        sentence_start, sentence_end = self._sentence(start, start)
        past = [m for m in self._markers_from(sentence_start, sentence_end) if m[1] <= start]
        if not past or past[-1][2]:
            return False
        return _INFINITIVE_RE.match(self._text, past[-1][1], start) is not None

    def future_context(self, start: int, end: int) -> bool | None:
        """True when the tense marker nearest the expression in its sentence is a future one ("will"), False
        for a past one, None when the sentence has neither."""
        sentence_start, sentence_end = self._sentence(start, end)
        markers = self._markers_from(sentence_start, sentence_end)
        marker_starts = [m[0] for m in markers]
        at = bisect_left(marker_starts, start)
        before = [m for m in markers[max(0, at - 3) : at] if m[1] <= start]
        after_at = bisect_left(marker_starts, end)
        after = [m for m in markers[after_at : after_at + 1] if m[1] <= sentence_end]
        nearest_before = self._governing(markers[:at], max(before, key=lambda m: m[1], default=None), start)
        nearest_after = after[0] if after else None
        if nearest_before is None or nearest_after is None:
            found = nearest_before or nearest_after
            return None if found is None else found[2]
        return nearest_before[2] if start - nearest_before[1] <= nearest_after[0] - end else nearest_after[2]


# --- resolvers: (match, published, future tense) -> value and granularity ---------------------------


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _absolute_day(match: re.Match[str], _published: date | None, _future: bool | None) -> _Resolved:
    month = _month_of(match)
    value = _safe_date(int(match.group("year")), month, int(match.group("day")))
    return _Resolved(value, Granularity.DAY, False, None if value else NOT_A_DATE)


def _month_of(match: re.Match[str]) -> int:
    raw = match.group("month") or match.group("month_abbr")
    return _MONTH_NUMBERS[raw] if raw in _MONTH_NUMBERS else int(raw)


def _iso_day(match: re.Match[str], _published: date | None, _future: bool | None) -> _Resolved:
    value = _safe_date(int(match.group("year")), int(match.group("month")), int(match.group("day")))
    return _Resolved(value, Granularity.DAY, False, None if value else NOT_A_DATE)


def _absolute_month(match: re.Match[str], _published: date | None, _future: bool | None) -> _Resolved:
    return _Resolved(date(int(match.group("year")), _month_of(match), 1), Granularity.MONTH, False)


def _absolute_year(match: re.Match[str], _published: date | None, _future: bool | None) -> _Resolved:
    return _Resolved(date(int(match.group("year")), 1, 1), Granularity.YEAR, False)


def _decade(match: re.Match[str], _published: date | None, _future: bool | None) -> _Resolved:
    return _Resolved(date(int(match.group("year")), 1, 1), Granularity.DECADE, False)


def _relative(
    granularity: Granularity, published: date | None, compute: Callable[[date], date | None]
) -> _Resolved:
    if published is None:
        return _Resolved(None, granularity, True, NO_ANCHOR)
    value = compute(published)
    return _Resolved(value, granularity, True, None if value else NOT_A_DATE)


def _year_shift(published: date, rel: str) -> int:
    return published.year + {"this": 0, "last": -1, "next": 1}[rel.lower()]


def _day_month_relative_year(match: re.Match[str], published: date | None, _future: bool | None) -> _Resolved:
    month, day = _month_of(match), int(match.group("day"))
    return _relative(
        Granularity.DAY, published, lambda p: _safe_date(_year_shift(p, match["rel"]), month, day)
    )


def _month_relative_year(match: re.Match[str], published: date | None, _future: bool | None) -> _Resolved:
    month = _month_of(match)
    return _relative(Granularity.MONTH, published, lambda p: date(_year_shift(p, match["rel"]), month, 1))


def _day_month(match: re.Match[str], published: date | None, future: bool | None) -> _Resolved:
    month, day = _month_of(match), int(match.group("day"))

    def nearest(p: date, step: int) -> date | None:
        years = (p.year + step * i for i in range(9))  # 29 February looks up to eight years for a leap year
        dates = (d for d in (_safe_date(y, month, day) for y in years) if d is not None)
        return next((d for d in dates if (d >= p if step > 0 else d <= p)), None)

    def compute(p: date) -> date | None:
        before, after = nearest(p, -1), nearest(p, 1)
        if future or before is None:
            return after if future is not False or before is None else before
        if future is None and after is not None and (after - p) * _PAST_WEIGHT < p - before:
            return after  # no tense in the sentence: the nearer date, with the past weighing double
        return before

    return _relative(Granularity.DAY, published, compute)


def _far_back(p: date, before: date, after: date) -> bool:
    """The latest such date is over ``_FAR_PAST_DAYS`` back and the next one nearer: news writes the year of
    a date that far back, so a day or month without one is the coming one."""
    return (p - before).days > _FAR_PAST_DAYS and after - p < p - before


def _month_alone(match: re.Match[str], published: date | None, future: bool | None) -> _Resolved:
    month, modifier = _month_of(match), (match.group("mod") or "").lower()

    def compute(p: date) -> date:
        if not modifier and future is None and _UPCOMING_CONTEXT and month != p.month:
            this_year = date(p.year, month, 1)
            before, after = (
                (this_year, date(p.year + 1, month, 1))
                if month < p.month
                else (
                    date(p.year - 1, month, 1),
                    this_year,
                )
            )
            if _far_back(p, before, after):
                return after
        if modifier == "last" or (not modifier and not future):
            year = p.year if month < p.month or (not modifier and month == p.month) else p.year - 1
        elif modifier in {"next", "coming"} or future:
            year = p.year if month > p.month or (not modifier and month == p.month) else p.year + 1
        else:
            year = p.year
        return date(year, month, 1)

    return _relative(Granularity.MONTH, published, compute)


def _weekday(match: re.Match[str], published: date | None, future: bool | None) -> _Resolved:
    weekday, modifier = _WEEKDAYS[match.group("weekday")], (match.group("mod") or "").lower()

    def compute(p: date) -> date:
        if modifier in {"last", "past"}:
            return p - timedelta(days=(p.weekday() - weekday - 1) % 7 + 1)
        if modifier == "previous":  # "down 4.5% from the previous Friday": the one before last Friday
            return p - timedelta(days=(p.weekday() - weekday - 1) % 7 + 8)
        if modifier in {"next", "coming"}:
            return p + timedelta(days=(weekday - p.weekday() - 1) % 7 + 1)
        if modifier == "this":
            return p + timedelta(days=weekday - p.weekday())
        if future:
            return p + timedelta(days=(weekday - p.weekday()) % 7)
        return p - timedelta(days=(p.weekday() - weekday) % 7)

    return _relative(Granularity.DAY, published, compute)


def _deictic_day(match: re.Match[str], published: date | None, _future: bool | None) -> _Resolved:
    word = _SPACES_RE.sub(" ", match.group("m").lower())
    offset = {"yesterday": -1, "last night": -1, "tomorrow": 1}.get(word, 0)
    return _relative(Granularity.DAY, published, lambda p: p + timedelta(days=offset))


def _period_start(p: date, granularity: Granularity, shift: int) -> date:
    """The first day of the week/month/year ``shift`` periods from the one holding ``p``."""
    if granularity is Granularity.DAY:
        return p + timedelta(days=shift)
    if granularity is Granularity.WEEK:
        return p - timedelta(days=p.weekday()) + timedelta(weeks=shift)
    if granularity is Granularity.MONTH:
        months = p.year * 12 + p.month - 1 + shift
        return date(months // 12, months % 12 + 1, 1)
    if granularity is Granularity.DECADE:
        return date(p.year - p.year % 10 + 10 * shift, 1, 1)
    return date(p.year + shift, 1, 1)


def _ago(match: re.Match[str], published: date | None, _future: bool | None) -> _Resolved:
    granularity = Granularity(match.group("unit").lower())
    raw = _SPACES_RE.sub(" ", match.group("n").lower())
    count = int(raw) if raw.isdigit() else _SMALL_NUMBERS.get(raw)
    if count is None:  # "several years ago": some time in the past, no calendar period
        return _Resolved(None, Granularity.REFERENCE, False, REFERENCE_NOTE, DateKind.PAST_REF)
    return _relative(granularity, published, lambda p: _period_start(p, granularity, -count))


def _this_last_next(match: re.Match[str], published: date | None, _future: bool | None) -> _Resolved:
    granularity = Granularity(match.group("unit").lower())
    shift = {"last": -1, "this": 0, "next": 1, "coming": 1}[match.group("mod").lower()]
    return _relative(granularity, published, lambda p: _period_start(p, granularity, shift))


def _accept_month(text: str, match: re.Match[str]) -> bool:
    """A month alone after a preposition ("in March"), a modifier ("last March"), in a pair with another
    month ("in May and June", "from October to February") or before a noun ("a June rally"; not May or
    March, which are also a verb and a name)."""
    if _after_preposition(text, match, _MONTH_PREPOSITIONS) or match.group("mod"):
        return True
    before = text[max(0, match.start() - 16) : match.start()]
    if _MONTH_PAIR_BEFORE_RE.search(before):
        return True
    return (
        match.group("month") not in {"May", "March"}
        and _ARTICLE_BEFORE_RE.search(before) is not None
        and _LOWER_WORD_AFTER_RE.match(text, match.end()) is not None
    )


def _accept_year(text: str, match: re.Match[str]) -> bool:
    """A year after a preposition ("since 2014"), in a range, or naming which one a thing is: "the 2012
    budget", "Smith's 2016 campaign", "fiscal year 2020"."""
    if _after_preposition(text, match, _YEAR_PREPOSITIONS) or _in_year_range(text, match):
        return True
    before = text[max(0, match.start() - 20) : match.start()]
    if _YEAR_WORD_BEFORE_RE.search(before):
        return True
    return (
        _DETERMINER_BEFORE_RE.search(before) is not None
        and _WORD_AFTER_RE.match(text, match.end()) is not None
    )


def _after_preposition(text: str, match: re.Match[str], allowed: frozenset[str]) -> bool:
    start = match.start("m") if "m" in match.re.groupindex else match.start()
    found = _PREPOSITION_RE.search(text[max(0, start - 12) : start])
    return found is not None and _SPACES_RE.sub(" ", found.group("p").lower()) in allowed


def _not_a_name(text: str, match: re.Match[str]) -> bool:
    """ "Today" with a capital inside a sentence of running text is a name: a "Today" programme, a paper
    called "Weekly Today"."""
    word = match.group("m")
    if not word[0].isupper() or _SENTENCE_OPENING_RE.search(text, max(0, match.start() - 4), match.start()):
        return True
    line_start = text.rfind("\n", 0, match.start()) + 1
    line_end = text.find("\n", match.start())
    stop = min(line_start + 300, len(text) if line_end < 0 else line_end)
    words = _LINE_WORD_RE.findall(text, line_start, stop)
    return not (len(words) >= 4 and sum(w[0].islower() for w in words) * 2 > len(words))


def _in_year_range(text: str, match: re.Match[str]) -> bool:
    """ "2014-2016", "2014 to 2016", "between 2014 and 2016": both ends are years."""
    before = text[max(0, match.start() - 12) : match.start()]
    after = text[match.end() : match.end() + 12]
    return (
        bool(_RANGE_BEFORE_RE.search(before) or _RANGE_AFTER_RE.match(after)) and "year" in match.groupdict()
    )


def _valid_day(text: str, match: re.Match[str]) -> bool:
    del text
    return 1 <= int(match.group("day")) <= 31


def _not_duration(text: str, match: re.Match[str]) -> bool:
    """ "the last year", "over the last week": a stretch of time ending now, not a calendar period."""
    return _THE_BEFORE_RE.search(text[max(0, match.start() - 5) : match.start()]) is None


def _always(text: str, match: re.Match[str]) -> bool:
    del text, match
    return True


@dataclass(frozen=True, slots=True)
class _Rule:
    pattern: re.Pattern[str]
    resolve: _Resolver
    starts: Callable[[_Starts], list[int] | None]  # where a match can start; None: anywhere
    accept: Callable[[str, re.Match[str]], bool] = _always


# Chosen by cross-validation on TimeBank (scripts/intel_eval/dates.py): the weight of the past when a sentence has
# no tense; whether a deadline word before a date ("payable Dec. 7") overrides a past tense; and how far back a
# month without a year, in a sentence without tense, is taken for the coming one instead.
_PAST_WEIGHT: Final = 2
_PARTICIPLES_AFTER_FUTURE: Final = True
_UPCOMING_CONTEXT: Final = True
_INFINITIVE_AHEAD: Final = True
_FAR_PAST_DAYS: Final = 270

# Words that put a date ahead of a past-tense clause: a deadline or a date something takes effect.
_UPCOMING_CUE_RE: Final = re.compile(
    r"\b(?:payable|by|until|till|through|to|effective|due|record|expir\w*|scheduled\s+for|starting|"
    r"beginning|as\s+of)[^\S\n]+(?:on[^\S\n]+|in[^\S\n]+)?(?:mid-?|early[^\S\n]+|late[^\S\n]+)?$",
    re.IGNORECASE,
)
_INFINITIVE_RE: Final = re.compile(  # "agreed to buy", "announced a plan to buy"; not "to the", "to him"
    r"(?:[^\S\n]+[a-z]+){0,2}?[^\S\n]+to[^\S\n]+(?!(?:the|a|an|his|her|its|their|our|my|your|this|that|these|those|him|them|me|us|it|be)\b)"
    r"[a-z]{2,}\b"
)
_SINCE_BEFORE_RE: Final = re.compile(r"\b[Ss]ince\s+$")  # "since March": never ahead of the text
_SPACES_RE: Final = re.compile(r"\s+")
_THE_BEFORE_RE: Final = re.compile(r"\bthe\s+$", re.IGNORECASE)
_RANGE_GAP_RE: Final = re.compile(r"\s*(?:to|until|till|through|-|–)\s*")
_MONTH_PAIR_BEFORE_RE: Final = re.compile(
    "(?:" + alternation(_MONTH_NAMES) + r")\s+(?:and|or|to|until|till|through|-|–)\s+$"
)
_ARTICLE_BEFORE_RE: Final = re.compile(r"\b(?:a|an|the|A|An|The)\s+$")
_LOWER_WORD_AFTER_RE: Final = re.compile(r"[ \t]+[a-z]")
_WORD_AFTER_RE: Final = re.compile(r"[ \t]+[A-Za-z]")
_YEAR_WORD_BEFORE_RE: Final = re.compile(
    r"\b(?:fiscal|financial|calendar|school|academic|tax|model)?\s*year\s+$"
)
_DETERMINER_BEFORE_RE: Final = re.compile(r"(?:\b(?:the|The|a|A|an|An|its|their|his|her|our)|\w[’']s)\s+$")
_SENTENCE_OPENING_RE: Final = re.compile(r"(?:^|[.!?:\n“\"‘(]|[.!?][”\"’)])\s*$")
_LINE_WORD_RE: Final = re.compile(r"\b[^\W\d_][\w’'-]*")
_RANGE_BEFORE_RE: Final = re.compile(r"\b(?:1[5-9]|20|21)\d\d\s*(?:-|–|to|and|until|through)\s*$")
_RANGE_AFTER_RE: Final = re.compile(r"\s*(?:-|–)\s*(?:1[5-9]|20|21)\d\d\b")


def _at_days(starts: _Starts) -> list[int]:
    return starts.days


def _at_years(starts: _Starts) -> list[int]:
    return starts.years


def _at_months(starts: _Starts) -> list[int]:
    return starts.months


# --- quarters, halves, "a year earlier" and references to the present, past and future -------------------

_ORDINALS: Final = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4}
_ORDINALS_HALF: Final = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "last": 2, "latter": 2}


def _period_of(p: date, months: int, index: int, future: bool | None) -> date:
    """The ``index``-th quarter (``months`` 3) or half (6) meant from ``p``: with a future tense the one not yet
    over, else the latest one started on or before ``p``."""
    start = date(p.year, months * (index - 1) + 1, 1)
    if start > p:
        return start if future else date(p.year - 1, start.month, 1)
    end_month = start.month + months - 1
    ended = date(p.year, end_month, calendar.monthrange(p.year, end_month)[1])
    # a report's quarter has just ended ("will report third-quarter results" in October): only one long over
    # is the coming year's
    return date(p.year + 1, start.month, 1) if future and (p - ended).days > _FAR_PAST_DAYS else start


def _ordinal_period(match: re.Match[str], published: date | None, future: bool | None) -> _Resolved:
    is_half = match.group("unit").lower() == "half"
    months, granularity = (6, Granularity.HALF) if is_half else (3, Granularity.QUARTER)
    index = (_ORDINALS_HALF if is_half else _ORDINALS)[match.group("ord").lower()]
    year = match.group("year") or match.group("pyear")
    if year:  # "the third quarter of 1990", "the 1988 third quarter"
        return _Resolved(date(int(year), months * (index - 1) + 1, 1), granularity, False)
    if match.group("rel"):  # "this year's third quarter", "next year's first quarter"
        rel = match.group("rel")
        return _relative(
            granularity, published, lambda p: date(_year_shift(p, rel), months * (index - 1) + 1, 1)
        )
    return _relative(granularity, published, lambda p: _period_of(p, months, index, future))


def _quarter_of(p: date, shift: int) -> date:
    months = p.year * 12 + (p.month - 1) // 3 * 3 + 3 * shift
    return date(months // 12, months % 12 + 1, 1)


def _the_quarter_any(match: re.Match[str], published: date | None, future: bool | None) -> _Resolved:
    modifier = (
        (match.group("mod") or match.group("mod2") or "").lower().split()[0]
        if (match.group("mod") or match.group("mod2"))
        else ""
    )
    if modifier == "same":  # "the same quarter" (a year earlier) is anaphoric: the latest ended
        modifier = ""
    if modifier == "last":
        modifier = "latest"
    shift = (
        0
        if modifier in {"this", "current"}
        else 1
        if modifier in {"next", "coming"}
        else (0 if future and not modifier else -1)
    )
    return _relative(Granularity.QUARTER, published, lambda p: _quarter_of(p, shift))


def _year_earlier(match: re.Match[str], published: date | None, _future: bool | None) -> _Resolved:
    """ "a year earlier", "a year ago", "the year-ago period": a year before the published day, or the quarter
    a preceding expression names, a year back (see ``_year_earlier_quarters``)."""
    resolved = _relative(
        Granularity.DAY, published, lambda p: _safe_date(p.year - 1, p.month, min(p.day, 28))
    )
    return _Resolved(resolved.value, resolved.granularity, True, resolved.note, year_back=True)


def _last_year_compared(match: re.Match[str], published: date | None, _future: bool | None) -> _Resolved:
    """ "compared with $3 million last year": last year, or the quarter a preceding expression names, a year
    back (see ``_year_earlier_quarters``)."""
    resolved = _relative(Granularity.YEAR, published, lambda p: date(p.year - 1, 1, 1))
    return replace(resolved, year_back=True)


def _after_comparison(text: str, match: re.Match[str]) -> bool:
    """ "compared with a loss of $3 million last year", "up 13% from last year's": a figure set beside the
    same period a year back, in the same sentence."""
    if not _COMPARED_LAST_YEAR:
        return False
    before = text[max(0, match.start() - _COMPARISON_REACH) : match.start()]
    last = max((found.end() for found in _COMPARISON_RE.finditer(before)), default=None)
    return last is not None and _SENTENCE_END_RE.search(before, last) is None


_COMPARISON_RE: Final = re.compile(r"\b(?:compared?\s+(?:with|to)|from|versus|vs\.|against)\s", re.IGNORECASE)
_COMPARISON_REACH: Final = 80
_COMPARED_LAST_YEAR: Final = True


def _year_period(match: re.Match[str], _published: date | None, _future: bool | None) -> _Resolved:
    """ "the 1988 quarter", "the 1989 period": the preceding quarter's period in that year, else the year."""
    year = int(match.group("year"))
    return _Resolved(date(year, 1, 1), Granularity.YEAR, False, None, year_back=True, anchor_year=year)


_SHORT_PERIOD_RE: Final = re.compile(
    r"(?<![\w’'-])(?P<m>(?:Q(?P<q>[1-4])|(?P<q2>[1-4])Q|H(?P<h>[12])|(?P<h2>[12])H)"
    r"(?:[^\S\n]+(?:of[^\S\n]+)?(?:FY[^\S\n]?)?(?P<year>(?:19|20)\d\d)|[^\S\n]?[’'](?P<yy>\d\d)"
    r"|(?P<yy2>\d\d)(?!\d))?)(?![\w-])"
)  # "Q3", "Q3 2019", "3Q19", "Q4'18", "H1 2019", "1H19"; case kept: "q3" and "h1" are not periods
_SHORT_PERIOD_BEFORE_RE: Final = re.compile(
    r"\b(?:in|the|for|of|during|last|this|next|its|their|our|by|through|to|from|and|since|until|before|after|"
    r"over|each|a|versus|vs\.?)[^\S\n]+$",
    re.IGNORECASE,
)
_SHORT_PERIOD_AFTER_RE: Final = re.compile(
    r"[^\S\n]+(?:results?|earnings|sales|revenues?|profits?|loss(?:es)?|guidance|reports?|figures|numbers|"
    r"growth|GDP|deliveries|shipments|estimates?|forecasts?)\b",
    re.IGNORECASE,
)


def _short_period(match: re.Match[str], published: date | None, future: bool | None) -> _Resolved:
    """ "Q3 2019", "3Q19", "H1 2019": that quarter or half; "Q3" alone: as "the third quarter"."""
    is_half = match.group("h") is not None or match.group("h2") is not None
    months, granularity = (6, Granularity.HALF) if is_half else (3, Granularity.QUARTER)
    index = int(match.group("h") or match.group("h2") or match.group("q") or match.group("q2"))
    short = match.group("yy") or match.group("yy2")
    year = int(match.group("year")) if match.group("year") else None
    if short is not None:
        year = (1900 if int(short) >= _TWO_DIGIT_CENTURY_SPLIT else 2000) + int(short)
    if year is not None:
        return _Resolved(date(year, months * (index - 1) + 1, 1), granularity, False)
    return _relative(granularity, published, lambda p: _period_of(p, months, index, future))


_TWO_DIGIT_CENTURY_SPLIT: Final = 50  # "Q4'98" is 1998, "Q4'18" 2018


def _a_short_period(text: str, match: re.Match[str]) -> bool:
    """ "Q3 2019" and "1H19" always; a quarter without its year only after "in", "the", "last" ... or before
    "results", "earnings" ... ("sales in Q3", "Q3 results"; not a car's "Audi Q3"); a half never without it
    ("H1" is also a heading, a visa)."""
    if match.group("year") or match.group("yy") or match.group("yy2"):
        return True
    if match.group("h") or match.group("h2"):
        return False
    before = text[max(0, match.start() - 12) : match.start()]
    return (
        _SHORT_PERIOD_BEFORE_RE.search(before) is not None
        or _SHORT_PERIOD_AFTER_RE.match(text, match.end()) is not None
    )


def _short_period_starts(found: _Starts) -> list[int] | None:
    """None (anywhere) when the text holds a "Q3", "3Q", "H1" or "1H"; else nowhere."""
    return None if _holds_short_period_hint(found.text) else []


def _holds_short_period_hint(text: str) -> bool:
    """Whether a Q or H stands next to a digit 1-4 in ``text`` (what ``[QH][1-4]|[1-4][QH]`` finds), looked up
    from the few Qs and Hs with ``str.find``: the regex engine tries that alternation at every character."""
    for letter in "QH":
        at = text.find(letter)
        while at >= 0:
            if text[at + 1 : at + 2] in _QUARTER_DIGITS or (at > 0 and text[at - 1] in _QUARTER_DIGITS):
                return True
            at = text.find(letter, at + 1)
    return False


_QUARTER_DIGITS: Final = frozenset("1234")


_REFERENCES: Final = {
    "now": DateKind.PRESENT_REF, "right now": DateKind.PRESENT_REF, "currently": DateKind.PRESENT_REF,
    "at present": DateKind.PRESENT_REF, "nowadays": DateKind.PRESENT_REF, "the present": DateKind.PRESENT_REF,
    "recently": DateKind.PAST_REF, "the past": DateKind.PAST_REF, "previously": DateKind.PAST_REF,
    "formerly": DateKind.PAST_REF, "the future": DateKind.FUTURE_REF, "soon": DateKind.FUTURE_REF,
}  # fmt: skip


def _reference(match: re.Match[str], _published: date | None, _future: bool | None) -> _Resolved:
    kind = _REFERENCES[_SPACES_RE.sub(" ", match.group("m").lower())]
    return _Resolved(None, Granularity.REFERENCE, False, REFERENCE_NOTE, kind)


def _not_a_compound(text: str, match: re.Match[str]) -> bool:
    """ "now-defunct", "the past five years" (a duration), "the future tense": not a reference."""
    after = text[match.end() : match.end() + 24]
    return not after.startswith("-") and _PAST_DURATION_RE.match(after) is None


_PAST_DURATION_RE: Final = re.compile(
    r"\s+(?:\d|few|two|three|four|five|six|seven|eight|nine|ten|several|couple|year|decade|week|month|day|"
    r"century|generation|quarter|of\b|as\b)",
    re.IGNORECASE,
)


def _opening_words(
    gate: tuple[str, ...],
    words: tuple[str, ...],
    *,
    short: tuple[int, ...] = (),
    years: bool = False,
    whole_gate: bool = False,
) -> Callable[[_Starts], list[int] | None]:
    """Positions for a rule whose match holds one of ``gate`` and opens with one of ``words`` (any case), with a
    year (``years``: a run of four digits), or with a word of a length in ``short`` ("a", "the") before one of
    those across whitespace: none when the text holds none of ``gate`` (a quick test); anywhere when the
    lower-cased text would not show every match.

    ``whole_gate``: every match holds a word of ``gate`` as a whole word, so a text that holds them only inside
    other words ("headquarters", "behalf") has no position either."""

    def starts(found: _Starts) -> list[int] | None:
        lowered = found.lowered
        if lowered is None:
            return None
        if not any(holds_whole_word(lowered, word) if whole_gate else word in lowered for word in gate):
            return []
        openers = find_all(lowered, words)
        if years:
            openers = sorted({*openers, *found.years})
        return sorted({*openers, *starts_before(found.text, openers, short)}) if short else openers

    return starts


_RULES: Final[tuple[_Rule, ...]] = (
    _Rule(
        re.compile(
            r"\b(?P<m>(?:the\s+)?(?:(?P<pyear>1[5-9]\d\d|20\d\d)\s+|(?P<rel>this|last|next)\s+year[’']s\s+)?"
            r"(?:(?:fiscal|calendar)\s+)?(?P<ord>first|second|third|fourth|1st|2nd|3rd|4th|"
            r"last|latter)[\s-]+(?P<unit>quarter|half)(?:[^\S\n]+of[^\S\n]+(?:fiscal[^\S\n]+)?"
            r"(?P<year>1[5-9]\d\d|20\d\d))?)\b",
            re.IGNORECASE,
        ),
        _ordinal_period,
        _opening_words(
            ("quarter", "half"),
            (*_ORDINALS, "this", "last", "next", "fiscal", "calendar", "latter"),
            short=(3,),
            years=True,
            whole_gate=True,
        ),
        lambda text, match: match.group("unit").lower() == "half" or match.group("ord").lower() in _ORDINALS,
    ),
    _Rule(
        re.compile(
            r"\b(?P<m>(?:the\s+(?:(?P<mod>latest|most\s+recent|recent|past|just[\s-]ended|current|same)\s+)?"
            r"|(?P<mod2>this|last|next|coming)\s+)(?:fiscal\s+)?quarter)\b(?!\s+(?:of|mile|century|point)\b)",
            re.IGNORECASE,
        ),
        lambda match, published, future: _the_quarter_any(match, published, future),
        _opening_words(("quarter",), ("the", "this", "last", "next", "coming"), whole_gate=True),
    ),
    _Rule(_SHORT_PERIOD_RE, _short_period, _short_period_starts, _a_short_period),
    _Rule(
        re.compile(
            r"\b(?P<m>a\s+year\s+(?:earlier|ago|before)|(?:the\s+)?year[\s-](?:earlier|ago)(?:\s+(?:quarter|period))?"
            r"|last\s+year[’']s\s+(?:quarter|period)"
            r"|(?:the\s+)?(?:(?:same|corresponding|comparable)\s+)?(?:quarter|period)\s+"
            r"(?:a\s+year\s+(?:earlier|ago|before)|(?:of\s+)?last\s+year))\b",
            re.IGNORECASE,
        ),
        _year_earlier,
        _opening_words(
            ("year",),
            ("year", "last", "same", "corresponding", "comparable", "quarter", "period"),
            short=(1, 3),
            whole_gate=True,
        ),
    ),
    _Rule(
        re.compile(r"\b(?P<m>last\s+year)\b", re.IGNORECASE),
        _last_year_compared,
        _opening_words(("last",), ("last",), whole_gate=True),
        _after_comparison,
    ),
    _Rule(
        re.compile(r"\b(?P<m>the\s+(?P<year>1[5-9]\d\d|20\d\d)\s+(?:quarter|period))\b", re.IGNORECASE),
        _year_period,
        _opening_words(("quarter", "period"), ("the",), whole_gate=True),
    ),
    _Rule(
        re.compile(
            r"(?<![\w-])(?P<m>right\s+now|now|currently|at\s+present|nowadays|the\s+present|recently|the\s+past|"
            r"previously|formerly|the\s+future|soon)\b",
            re.IGNORECASE,
        ),
        _reference,
        _opening_words(
            ("now", "current", "present", "recent", "past", "previous", "former", "future", "soon"),
            ("now", "currently", "recently", "previously", "formerly", "soon", "present", "past", "future"),
            short=(2, 3, 5),  # "at present", "the past", "right now"
        ),
        _not_a_compound,
    ),
    _Rule(
        re.compile(r"(?<![\d-])(?P<year>1[5-9]\d\d|20\d\d)-(?P<month>[01]\d)-(?P<day>[0-3]\d)(?![\d-])"),
        _iso_day,
        _at_years,
    ),
    _Rule(
        re.compile(rf"\b{_DAY}[^\S\n]+(?:of[^\S\n]+)?{_MONTH},?[^\S\n]+{_YEAR}"),
        _absolute_day,
        _at_days,
        _valid_day,
    ),
    _Rule(re.compile(rf"\b{_MONTH}[^\S\n]+{_DAY},?[^\S\n]+{_YEAR}"), _absolute_day, _at_months, _valid_day),
    _Rule(
        re.compile(rf"\b{_DAY}[^\S\n]+(?:of[^\S\n]+)?{_MONTH},?[^\S\n]+{_REL_YEAR}"),
        _day_month_relative_year,
        _at_days,
        _valid_day,
    ),
    _Rule(
        re.compile(rf"\b{_MONTH}[^\S\n]+{_DAY},?[^\S\n]+{_REL_YEAR}"),
        _day_month_relative_year,
        _at_months,
        _valid_day,
    ),
    _Rule(re.compile(rf"\b{_DAY}[^\S\n]+(?:of[^\S\n]+)?{_MONTH}"), _day_month, _at_days, _valid_day),
    _Rule(
        re.compile(rf"\b{_MONTH}[^\S\n]+{_DAY}(?![\d:])(?!,?[^\S\n]*\d)"), _day_month, _at_months, _valid_day
    ),
    _Rule(re.compile(rf"\b{_MONTH},?[^\S\n]+{_YEAR}"), _absolute_month, _at_months),
    _Rule(re.compile(rf"\b{_MONTH},?\s+{_REL_YEAR}"), _month_relative_year, _at_months),
    _Rule(
        re.compile(r"\b(?P<m>(?:(?P<mod>[Ll]ast|[Tt]his|[Nn]ext|[Cc]oming)\s+)?" + _FULL_MONTH + ")"),
        _month_alone,
        lambda starts: starts.with_modifier(starts.months),
        _accept_month,
    ),
    _Rule(
        re.compile(
            r"\b(?P<m>(?:(?P<mod>[Ll]ast|[Tt]his|[Nn]ext|[Cc]oming|[Pp]ast|[Pp]revious)\s+)?"
            r"(?P<weekday>" + _NOT_A_NAMED_DAY + r"(?:" + alternation(WEEKDAYS) + r")))(?!\w)"
            r"(?!,?[ \t]+(?:(?:"
            + _ANY_MONTH
            + r")\.?[ \t]+\d|\d{1,2}(?:st|nd|rd|th)?[ \t]+(?:of[ \t]+)?(?:"
            + _ANY_MONTH
            + r")\b))"
            r"(?![ \t]+(?:Times|Telegraph|Post|Express|Mirror|Herald|Mail|World)\b)"  # newspapers
            r"(?![ \t]+(?:Night|Morning|Evening|Afternoon)[ \t]+(?!(?:"
            + alternation(_MONTH_NAMES)
            + r")\b)[A-Z])"  # shows: "Monday Night Quiz", not "Friday Night May 5"
        ),
        _weekday,
        lambda starts: starts.with_modifier(starts.weekdays, (4, 6, 8)),
    ),
    _Rule(
        re.compile(
            r"\b(?P<m>yesterday|today|tomorrow|tonight|last\s+night|this\s+(?:morning|afternoon|evening))\b",
            re.IGNORECASE,
        ),
        _deictic_day,
        _Starts.deictic_days,
        _not_a_name,
    ),
    _Rule(
        re.compile(rf"\b(?P<m>{_COUNT}\s+{_UNIT}\s+ago)\b", re.IGNORECASE),
        _ago,
        _Starts.counted_ago,
    ),
    _Rule(
        re.compile(
            rf"\b(?P<m>(?P<mod>last|this|next|coming)\s+(?P<unit>{'|'.join(_UNIT_WORDS)}))\b", re.IGNORECASE
        ),
        _this_last_next,
        _Starts.unit_modifiers,
        _not_duration,
    ),
    _Rule(re.compile(r"(?<![\w'’])(?P<m>(?P<year>1[5-9]\d0|20\d0)s)\b"), _decade, _at_years),
    _Rule(
        re.compile(
            rf"(?<![\w.,$£€])(?:(?<=mid-)|(?<=\d\d\d\d-)|(?<=\d\d\d\d–)|(?<![-–])){_YEAR}(?![.,]\d|\s*(?:%|per\s?cent|percent))"
        ),
        _absolute_year,
        _at_years,
        _accept_year,
    ),
)
