"""Numbers with what they count ("about 3,000 troops", "$1.25 billion", "15 per cent", "ten years").

Like GDELT's ``V2.1AMOUNTS`` (amount, object, offset), but with exact offsets, a kind, a unit or currency,
an approximation flag and percentages. Pure regular expressions and word lists: no model.

Rules, in the order they are applied:

* A number is digits (``3,000``, ``1.25``), number words (``twenty-five``, ``three hundred and fifty``,
  ``a dozen``, ``half a million``, ``a half million``) or digits with a scale (``2m``, ``1.5 billion``,
  ``€5bn``); digits or words joined to their unit by a hyphen (``10-mile``, ``five-inch``, ``three-year``,
  ``12-year-olds``). ``hundreds/thousands/millions`` followed by ``of`` or a lower-case word ("hundreds
  injured") give the smallest value the plural allows (200, 2,000 ...), approximate.
* Not amounts: years (a bare 1800-2199 number after a preposition or with no counted noun), days of a month
  next to a month name, times (``1:04 pm``, ``10am``), ordinals (``4th``, ``fourth``), ISO dates, phone-like
  digit groups, numbers glued to letters (``G7``, ``COVID-19``, ``5G``), ranges and scores (``3-0``),
  identifiers after words like ``Article``/``Resolution``/``No.``, the word ``one`` without a noun, and
  numbers that are part of a name in running text: a capitalised number word after a capitalised word
  (``Formula One``, ``the Big Four banks``, ``the Seven-Day Race``) and short plain digits with no counted
  noun after one (``Studio 8``, ``Harbour 2``, ``Boeing 747``; not ``Peru 9,450``, not a sentence's first word).
* The object is the counted noun phrase after the number: words up to and including the first plural-looking
  word (``Shia groups``), stopping at function words and punctuation; for a value of one, up to three words.
* ``N days/years ... ago`` is a date, not an amount (see :mod:`flows.core.intel.date_mentions`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from flows.core.lexicon import MONTH_ABBREVIATIONS, MONTHS, NUMBER_WORDS, SCALES, TENS, alternation
from flows.core.scan import digit_runs, find_all, lowered_keeping_offsets, matches_at, starts_before
from schemas.vocabulary import AmountKind


@dataclass(frozen=True, slots=True)
class Amount:
    """One number in the text, with what it counts; ``text == source[start:end]`` always holds."""

    start: int
    end: int
    text: str
    value: float
    kind: AmountKind
    unit: str | None  # ISO currency code, "percent", "percentage point", a time or measure unit, else None
    object: str | None  # the counted noun phrase, as written
    object_start: int | None
    object_end: int | None
    approximate: bool
    qualifier: str | None  # the word(s) that made it approximate: "about", "more than", "hundreds of"


# The number words of the lexicon under this module's names: units (zero to nineteen), tens, scales.
_UNITS: Final = NUMBER_WORDS
_TENS: Final = TENS
_SCALES: Final = SCALES
_SHORT_SCALES: Final = {
    "k": 1e3,
    "m": 1e6,
    "mn": 1e6,
    "mln": 1e6,
    "b": 1e9,
    "bn": 1e9,
    "bln": 1e9,
    "tn": 1e12,
}
_SOUTH_ASIAN_SCALES: Final = {"lakh": 1e5, "lakhs": 1e5, "crore": 1e7, "crores": 1e7}
_VAGUE: Final = {"dozens": 12, "hundreds": 100, "thousands": 1e3, "millions": 1e6, "billions": 1e9}

_NUM_WORD = alternation([*_UNITS, *_TENS, *_SCALES, "dozen"], longest_first=True)
_MONTHS = (
    r"(?:"
    + alternation((*MONTHS, *(short for short in MONTH_ABBREVIATIONS if short not in MONTHS)))
    + r")\.?"
)

_HYPHEN_UNIT = (  # "three-year", "five-inch": a number word joined to its unit by a hyphen
    r"(?:second|minute|hour|day|week|month|year|decade|century|inch|foot|feet|mile|metre|meter|km|kilometre|"
    r"kilometer|kilogram|kg|tonne|ton|acre|gallon|litre|liter)s?\b"
)
_NUMBER_RE: Final = re.compile(
    r"(?P<digits>(?<![\w.,/:@#–-])(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?![\d]|[.,:/]\d|-\d))"
    r"|(?P<words>(?<![\w-])(?:(?:half\s+)?an?\s+(?:half\s+)?(?=(?:"
    + alternation(("dozen", *_SCALES))
    + r")\b))?"
    rf"(?:{_NUM_WORD})(?:(?:[ \t-]+|\s+and\s+)(?:{_NUM_WORD}))*(?!\w)(?!-(?!{_HYPHEN_UNIT})))"
    r"|(?P<vague>(?<![\w-])(?:(?:tens|hundreds)\s+of\s+)?(?:dozens|hundreds|thousands|millions|billions)"
    r"(?=\s+of\b|[ \t]+[a-z]|[.,;:!?]))",
    re.IGNORECASE,
)

_CURRENCY_PREFIX: Final = re.compile(
    r"(?P<cur>(?<![A-Za-z])US\s?\$|A\$|AU\$|C\$|CA\$|NZ\$|HK\$|S\$|\$|£|€|¥|₹|₽|₩|₺|(?<![A-Za-z])(?:USD|EUR|GBP|JPY|CNY|INR|Rs\.?)\s?)$"
)
_CURRENCY_SYMBOLS: Final = {
    "US$": "USD",
    "$": "USD",
    "A$": "AUD",
    "AU$": "AUD",
    "C$": "CAD",
    "CA$": "CAD",
    "NZ$": "NZD",
    "HK$": "HKD",
    "S$": "SGD",
    "£": "GBP",
    "€": "EUR",
    "¥": "JPY",
    "₹": "INR",
    "₽": "RUB",
    "₩": "KRW",
    "₺": "TRY",
    "RS": "INR",
    "RS.": "INR",
}
# Dollars of other countries, named in words ("10 million Hong Kong dollars").
_NAMED_DOLLARS: Final = {
    "hong kong": "HKD", "singapore": "SGD", "australian": "AUD", "canadian": "CAD", "new zealand": "NZD",
    "taiwan": "TWD", "new taiwan": "TWD", "us": "USD", "u.s.": "USD",
}  # fmt: skip
_CURRENCY_WORDS: Final = {
    "dollar": "USD",
    "euro": "EUR",
    "pound": "GBP",
    "sterling": "GBP",
    "yen": "JPY",
    "yuan": "CNY",
    "renminbi": "CNY",
    "rupee": "INR",
    "rouble": "RUB",
    "ruble": "RUB",
    "lira": "TRY",
    "shekel": "ILS",
    "riyal": "SAR",
    "dirham": "AED",
    "dlr": "USD",
}
_ISO_CODES: Final = (
    "USD",
    "EUR",
    "GBP",
    "JPY",
    "CNY",
    "INR",
    "RUB",
    "CHF",
    "AUD",
    "CAD",
    "IQD",
    "TRY",
    "ILS",
    "HKD",
    "SGD",
    "NZD",
    "TWD",
)

_QUALIFIERS: Final = (
    "approximately",
    "an estimated",
    "as many as",
    "as much as",
    "more than",
    "fewer than",
    "less than",
    "upwards of",
    "in excess of",
    "at least",
    "at most",
    "close to",
    "just over",
    "just under",
    "well over",
    "nearly",
    "roughly",
    "around",
    "almost",
    "about",
    "some",
    "over",
    "under",
    "up to",
    "estimated",
)
_QUALIFIER_RE: Final = re.compile(
    r"\b(?P<q>" + "|".join(re.escape(q).replace(r"\ ", r"\s+") for q in _QUALIFIERS) + r")\s+$",
    re.IGNORECASE,
)

_TIME_UNITS: Final = {
    "second": "second",
    "minute": "minute",
    "hour": "hour",
    "day": "day",
    "week": "week",
    "month": "month",
    "year": "year",
    "decade": "decade",
    "century": "century",
    "centurie": "century",
}
_MEASURE_UNITS: Final = {
    "inches": "inch",
    "inch": "inch",
    "km": "km",
    "kilometre": "km",
    "kilometer": "km",
    "mile": "mile",
    "metre": "m",
    "meter": "m",
    "kg": "kg",
    "kilogram": "kg",
    "tonne": "tonne",
    "ton": "ton",
    "barrel": "barrel",
    "litre": "litre",
    "liter": "litre",
    "gallon": "gallon",
    "acre": "acre",
    "hectare": "hectare",
    "feet": "foot",
    "foot": "foot",
    "ft": "foot",
    "cm": "cm",
    "mm": "mm",
    "mw": "MW",
    "gw": "GW",
    "kwh": "kWh",
    "pound": "pound",
    "lb": "pound",
    "lbs": "pound",
}

_SCALE_SUFFIX: Final = re.compile(
    r"(?:[ \t-]?(?P<long>" + alternation(_SCALES) + r")\b|[ \t](?P<asian>lakhs?|crores?)\b"
    r"|(?P<short>mln|bln|mn|bn|tn|k|m|b)(?![\w])|[ \t](?P<wire>mln|bln)\b)",
    re.IGNORECASE,
)
_PERCENT_SUFFIX: Final = re.compile(
    r"\s?(?:%|per\s?cent\b|percent\b)|\s(?P<points>percentage\s+points?\b)", re.IGNORECASE
)
_CURRENCY_SUFFIX: Final = re.compile(
    r"\s+(?:(?P<whose>Hong\s+Kong|Singapore|Australian|Canadian|New\s+Zealand|(?:New\s+)?Taiwan|U\.?S\.?)\s+)?"
    r"(?P<word>(?:dollar|euro|pound|yen|yuan|renminbi|rupee|rouble|ruble|lira|shekel|riyal|dirham|dlr)"
    r"s?(?:\s+sterling)?|sterling)\b|\s?(?P<code>" + "|".join(_ISO_CODES) + r")\b"
)
# "pounds" is weight, not sterling, after these words or before "of" and a thing ("8 pounds of cocaine").
_WEIGHT_BEFORE_RE: Final = re.compile(
    r"\b(?:weigh\w*|weight|lost|lose|losing|gained|gain|heavy|heavier|lighter|tipped\s+the\s+scales)\b[^.!?\n]*$",
    re.IGNORECASE,
)
_WEIGHT_AFTER_RE: Final = re.compile(r"\s+of\s+(?!(?:the|his|her|their|its|public|taxpayers)\b)[a-z]")
_BIG_SCALE_BEFORE_RE: Final = re.compile(r"(?:million|billion|trillion|\dm|\dbn)$", re.IGNORECASE)
_MONEY_CUE_BEFORE_RE: Final = re.compile(
    r"\b(?:cost|costs|paid|pay|pays|worth|price|priced|fine|fined|spent|spend|raised|salary|earn\w*|sold|bought|"
    r"million|billion)\b[^.!?\n]*$",
    re.IGNORECASE,
)
_UNIT_SUFFIX: Final = re.compile(
    r"(?P<sep>[ \t]+|-)(?P<unit>"
    + "|".join(sorted(_TIME_UNITS, key=len, reverse=True))
    + r")s?(?![\w])(?P<old>-olds?\b|\s+old\b)?",
    re.IGNORECASE,
)
_MEASURE_SUFFIX: Final = re.compile(
    r"[ \t-]?(?P<unit>" + "|".join(sorted(_MEASURE_UNITS, key=len, reverse=True)) + r")s?(?![\w])",
    re.IGNORECASE,
)
_AGO: Final = re.compile(r"\s+(?:ago|earlier|before|later)\b", re.IGNORECASE)
_TIME_OF_DAY: Final = re.compile(
    r"\s?(?:[ap]\.m\.|[ap]m\b|o'clock\b|o’clock\b|hrs\b|GMT\b|UTC\b)", re.IGNORECASE
)
_DATE_AFTER: Final = re.compile(r"(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MONTHS + r"(?!\w)")
_DATE_BEFORE: Final = re.compile(_MONTHS + r"\s+(?:the\s+)?$")
_YEAR_CONTEXT: Final = re.compile(
    r"(?:\b(?:in|since|by|until|till|from|during|of|before|after|early|late|mid|year|between|and|to|"
    r"summer|winter|spring|autumn|fall|the)\s+|mid-|\d(?:st|nd|rd|th)?,\s*|" + _MONTHS + r",?\s+|\d\s*-\s*)$",
    re.IGNORECASE,
)
_IDENTIFIER_BEFORE: Final = re.compile(
    r"\b(?:article|section|chapter|resolution|no\.?|number|page|flight|route|room|version|level|phase|round|"
    r"category|grade|class|stage|step|item|paragraph|clause|rule|vol\.?|volume|episode|season|part|table|"
    r"figure|fig\.?|highway|channel|platform|gate|model|type|code|district|ward|unit|squad|division)\s+$",
    re.IGNORECASE,
)
_PRONOUN_ONE_BEFORE: Final = re.compile(
    r"\b(?:no|any|every|some|each|the|this|that|which|someone|anyone)\s+$", re.IGNORECASE
)
_PHONE_RE: Final = re.compile(r"(?<![\w])\+?\(?\d[\d \t().-]{6,}\d(?![\w])")
_WORD_RE: Final = re.compile(r"[ \t]+(?P<w>[A-Za-z][A-Za-z'’-]*[A-Za-z]|[A-Za-z])")
_OF_DET_RE: Final = re.compile(
    r"[ \t]+of(?:[ \t]+(?:the|its|their|his|her|our|all))?(?=[ \t])", re.IGNORECASE
)


def _word_set(words: str) -> frozenset[str]:
    """A word list written as whitespace-separated text, for lists too long to read one item a line."""
    return frozenset(words.split())


_STOP_WORDS: Final = _word_set(
    """
    a an the this that these those of in on at by for from to with without into onto over under about
    around after before during since until against among between through across along and or but nor so yet
    as than then if when while where who whom whose which what is are was were be been being am has have
    had do does did will would shall should can could may might must not no its his her their our my your
    it he she they we you i me him them us there here also only just still more most less least very said
    says told added including each every all both some any such other another own same per ago old earlier
    later last next past previous recent recently first second third whereas however out up down off again
    further once following according fewer dead killed wounded injured
    """
)
_IRREGULAR_PLURALS: Final = _word_set(
    """
    people police personnel staff children men women feet teeth mice sheep fish deer cattle aircraft data
    media militia clergy crew youth
    """
)
_MAX_OBJECT_WORDS: Final = 4
_NAME_BEFORE_RE: Final = re.compile(r"(?<![\w’'])(?P<w>[A-Z][\w-]*)(?<![’']s)[ \t]$")
_SENTENCE_START_RE: Final = re.compile(r"(?:^|[.!?:\n])[ \t]*$")
_CAPITAL_HYPHEN_RE: Final = re.compile(r"-[A-Z]")
_LINE_WORD_RE: Final = re.compile(r"\b[^\W\d_][\w’'-]*")
_NOT_NAME_WORDS: Final = _STOP_WORDS | _word_set(
    """
    approximately estimated nearly roughly around almost about some over under only just aged age ages
    top number no page chapter
    """
)


@dataclass(frozen=True, slots=True)
class _Number:
    start: int
    end: int
    value: float
    is_words: bool
    is_vague: bool
    plain_digits: str | None  # the digits as written when no scale was attached


def extract_amounts(text: str) -> tuple[Amount, ...]:
    """Every amount in ``text`` with value, kind, unit, counted object and approximation, in text order."""
    digits = digit_runs(text)
    phone_spans = [m.span() for m in _phone_matches(text, digits) if _is_phone_like(m.group())]
    amounts: list[Amount] = []
    last_end = 0
    for match in _number_matches(text, digits):
        if any(s <= match.start() < e for s, e in phone_spans):
            continue
        number = _read_number(text, match)
        amount = _build_amount(text, number) if number is not None else None
        if amount is not None and amount.start >= last_end:
            amounts.append(amount)
            last_end = amount.end
    return tuple(amounts)


# --- where a number can start ----------------------------------------------------------------------------
# Python's regex engine tries a pattern that opens with a lookbehind at every position of the text, which made
# the scans for numbers and phone numbers most of this module's cost. A number starts at a run of digits or at
# a number word (or the "a"/"an" before one); a phone number at most two characters ("+(") before its first
# digits. Those positions are found with quick scans (``str.find``, digit runs), and the patterns are tried
# only there: the matches are exactly those of ``pattern.finditer(text)``.

_NUMBER_WORDS: Final = (*_UNITS, *_TENS, *_SCALES, "dozen", "half")  # "hundreds", "tens" start with one too
# Where a number word starts, one of these starts: the words that do not start with another ("seven", not
# "seventeen"), sought in lower-cased text.
_NUMBER_WORD_STARTS: Final = tuple(
    word
    for word in _NUMBER_WORDS
    if not any(word != other and word.startswith(other) for other in _NUMBER_WORDS)
)


def _number_matches(text: str, digits: list[int]) -> list[re.Match[str]]:
    """The matches of ``_NUMBER_RE`` in ``text``; ``digits`` are the starts of its runs of digits."""
    lowered = lowered_keeping_offsets(text)
    if lowered is None:
        return list(_NUMBER_RE.finditer(text))  # lower-casing would move or hide a word: try everywhere
    words = find_all(lowered, _NUMBER_WORD_STARTS)
    articles = starts_before(text, words, (1, 2))  # "a hundred", "an eighth"
    return matches_at(_NUMBER_RE, text, sorted({*digits, *words, *articles}))


def _phone_matches(text: str, digits: list[int]) -> list[re.Match[str]]:
    """The matches of ``_PHONE_RE``: each starts at a run of digits or at the "+(" just before one."""
    starts = sorted({start for digit in digits for start in (digit - 2, digit - 1, digit) if start >= 0})
    return matches_at(_PHONE_RE, text, starts)


def _is_phone_like(candidate: str) -> bool:
    digits = sum(ch.isdigit() for ch in candidate)
    groups = re.split(r"[ \t().-]+", candidate.strip("+()"))
    return digits >= 7 and len([g for g in groups if g]) >= 2


def _read_number(text: str, match: re.Match[str]) -> _Number | None:
    """The number at ``match`` with any scale after it (``2m``, ``1.5 billion``); None if it is none."""
    if match.group("vague"):
        return _Number(match.start(), match.end(), _vague_value(match.group()), False, True, None)
    if match.group("words"):
        span_end, value = _parse_words(text, match.start(), match.end())
        return None if value is None else _Number(match.start(), span_end, value, True, False, None)
    raw = match.group()
    value = float(raw.replace(",", ""))
    scale = _SCALE_SUFFIX.match(text, match.end())
    if scale is None:
        return _Number(match.start(), match.end(), value, False, False, raw)
    if scale.group("long"):
        factor = _SCALES[scale.group("long").lower()]
    elif scale.group("asian"):
        factor = _SOUTH_ASIAN_SCALES[scale.group("asian").lower()]
    else:
        factor = _SHORT_SCALES[(scale.group("short") or scale.group("wire")).lower()]
    return _Number(match.start(), scale.end(), value * factor, False, False, None)


_HALF_RE: Final = re.compile(r"(?:an?\s+)?half\b", re.IGNORECASE)


def _vague_value(phrase: str) -> float:
    words = phrase.lower().split()
    value = 2 * _VAGUE[words[-1]]  # "hundreds" means at least two hundred
    if len(words) == 3:  # "tens of thousands", "hundreds of thousands"
        value *= 10 if words[0] == "tens" else 100
    return value


def _parse_words(text: str, start: int, end: int) -> tuple[int, float | None]:
    """Parse number words from ``start``; stops at the first word that cannot continue the number."""
    tokens = list(re.finditer(r"[A-Za-z]+", text[start:end]))
    total, current, last_end, seen = 0.0, 0.0, start, False
    previous = ""
    for token in tokens:
        word = token.group().lower()
        if word in {"a", "an", "half", "and"}:
            continue
        step = _word_step(previous, word)
        if step is None:
            break
        if word in _SCALES or word == "dozen":
            factor = 12 if word == "dozen" else _SCALES[word]
            base = current or (0.5 if _HALF_RE.match(text, start, end) else 1)
            if factor >= 1000:
                total, current = total + base * factor, 0.0
            else:
                current = base * factor
        else:
            current += _UNITS.get(word, 0) + _TENS.get(word, 0)
        previous, last_end, seen = word, start + token.end(), True
    return (last_end, total + current) if seen else (start, None)


def _word_step(previous: str, word: str) -> bool | None:
    """True when ``word`` can follow ``previous`` inside one number; None when it starts something else."""
    if not previous:
        return True
    if previous in _TENS:
        return True if (word in _UNITS and _UNITS[word] < 10) or word in _SCALES else None
    if previous in _UNITS:
        return True if word in _SCALES or word == "dozen" else None
    if previous in _SCALES or previous == "dozen":
        return True if word in _UNITS or word in _TENS or word in _SCALES else None
    return None


def _build_amount(text: str, number: _Number) -> Amount | None:
    if _is_excluded(text, number) or _is_era_year(text, number):
        return None
    if _is_age(text, number):
        return _finish(text, number, number.start, number.end, AmountKind.AGE, "year")
    start, currency = _currency_before(text, number.start)
    if currency is not None:
        end, word_currency = _currency_after(text, number.end)
        suffix: tuple[int, AmountKind, str | None] | None = (end, AmountKind.MONEY, word_currency or currency)
    else:
        suffix = _suffix(text, number)
    if suffix is None or (suffix[0] < len(text) and text[suffix[0]].isalnum()):
        return None
    end, kind, unit = suffix
    amount = _finish(text, number, start, end, kind, unit)
    if kind is AmountKind.COUNT and amount.object is None and _needs_object(text, number):
        return None
    return None if kind is AmountKind.COUNT and _in_name(text, number, amount.object is not None) else amount


def _finish(text: str, number: _Number, start: int, end: int, kind: AmountKind, unit: str | None) -> Amount:
    obj = _object_for(text, number, end, kind)
    qualifier, start = _qualifier_before(text, start, number)
    value = number.value
    vague = _VAGUE_SCALE_BEFORE_RE.search(text, max(0, start - 12), start) if qualifier is None else None
    if vague is not None and number.is_words and text[number.start : number.end].lower() in _BARE_SCALES:
        qualifier, start = " ".join(vague.group("q").lower().split()), vague.start()
        value *= _VAGUE_FACTORS[qualifier]  # "several thousand": at least three thousand
    span_end = obj[2] if obj is not None and kind is AmountKind.COUNT else end
    return Amount(
        start=start,
        end=span_end,
        text=text[start:span_end],
        value=value,
        kind=kind,
        unit=unit,
        object=obj[0] if obj else None,
        object_start=obj[1] if obj else None,
        object_end=obj[2] if obj else None,
        approximate=qualifier is not None,
        qualifier=qualifier,
    )


_BARE_SCALES: Final = frozenset({"hundred", "thousand", "million", "billion", "dozen"})
_VAGUE_FACTORS: Final = {"several": 3, "a few": 2, "a couple of": 2}
_VAGUE_SCALE_BEFORE_RE: Final = re.compile(
    r"\b(?P<q>[Ss]everal|[Aa][ \t]+few|[Aa][ \t]+couple[ \t]+of)[ \t]+$"
)
# What money is for: "a $5 million contract", "spent $5 million on new schools", "paid $20 million for the team".
_MONEY_NOUNS: Final = (
    "contract|deal|grant|loan|budget|settlement|package|fine|bond|project|investment|fund|stake|bonus|salary|"
    "acquisition|purchase|bid|offer|donation|award|renovation|expansion|program|programme|plan|lawsuit|bill|"
    "bailout|subsidy|payout|ransom|tax|levy|fee|upgrade|overhaul|stadium|facility|campaign|debt|deficit|"
    "compensation|sale|merger|takeover|buyout|investment|scheme|prize|reward|cut|cuts|increase|rise"
)
_MONEY_NOUN_RE: Final = re.compile(rf"[ \t]+(?P<o>(?:{_MONEY_NOUNS})s?)\b")
_MONEY_PURPOSE_RE: Final = re.compile(
    r"[ \t]+(?:(?:in|of)[ \t]+\w+[ \t]+)?(?:for|on|to[ \t]+(?:buy|build|fund|finance|pay[ \t]+for|cover|repair|"
    r"expand|upgrade|settle|acquire|renovate|develop))[ \t]+(?P<o>(?:(?:the|a|an|its|their|his|her|new)[ \t]+)?"
    r"[A-Za-z][\w’'-]*(?:[ \t]+(?!(?:in|at|by|with|from|that|which|and|or|to|on|for|after|before|as|last|this|"
    r"next|over|since|during|because|when|while|if|but)\b)[A-Za-z][\w’'-]*){0,4})"
)


def _money_object(text: str, end: int) -> tuple[str, int, int] | None:
    """What the money is for, where the sentence says it right after the amount."""
    match = _MONEY_NOUN_RE.match(text, end) or _MONEY_PURPOSE_RE.match(text, end)
    if match is None:
        return None
    return match.group("o"), match.start("o"), match.end("o")


def _object_for(text: str, number: _Number, end: int, kind: AmountKind) -> tuple[str, int, int] | None:
    """Counts take the noun after them; percentages and vague plurals take the noun after "of"; money what it
    is for ("a $5 million contract", "spent $5 million on new schools")."""
    if kind is AmountKind.MONEY:
        return _money_object(text, end)
    if kind is AmountKind.COUNT and not number.is_vague:
        return _object_after(text, end, number.value == 1)
    if kind is AmountKind.PERCENT or number.is_vague:
        of = _OF_DET_RE.match(text, end)
        return _object_after(text, of.end(), False) if of else None
    return None


def _is_excluded(text: str, number: _Number) -> bool:
    """Days of a month, times of day, identifiers ("Article 5") and the pronoun "one" are not amounts."""
    before = text[max(0, number.start - 25) : number.start]
    after = text[number.end : number.end + 25]
    digits = number.plain_digits
    if digits is not None and float(digits.replace(",", "")) <= 31 and _near_month(before, after):
        return True
    if number.is_words and number.value == 1 and _PRONOUN_ONE_BEFORE.search(before):
        return True
    if number.is_words and _CAPITAL_HYPHEN_RE.match(text, number.end) and text[number.start].isupper():
        return True  # "the Seven-Day Race": a name, not a duration
    if _looks_like_year(number) and _YEAR_CONTEXT.search(before):
        return True
    return bool(_TIME_OF_DAY.match(after) and not number.is_vague) or bool(_IDENTIFIER_BEFORE.search(before))


# "Nadia Mohamed, 27, was ..." (a name, then the age between commas) and "aged 96", "age 41".
_NAME_COMMA_BEFORE_RE: Final = re.compile(r"[A-Z][\w’'.-]+,[ \t]*$")
_COMMA_AFTER_RE: Final = re.compile(r"[ \t]*(?:,|\)|;|$)")
_AGED_BEFORE_RE: Final = re.compile(r"\b(?:[Aa]ged|[Aa]ge|[Aa]ges)[ \t]+$")
_MAX_AGE: Final = 120
# "860 BC", "AD 79", "(1761)": years, not counts.
_ERA_AFTER_RE: Final = re.compile(r"[ \t]*(?:BC|BCE|AD|CE|B\.C\.|A\.D\.)(?![\w])")
_ERA_BEFORE_RE: Final = re.compile(r"(?:\bAD|A\.D\.)[ \t]*$")
_PAREN_YEAR_RE: Final = re.compile(r"\(\d{4}\)|\(\d{4}[-–]\d{2,4}\)")


def _is_age(text: str, number: _Number) -> bool:
    """A person's age: "Nadia Mohamed, 27, was arrested", "aged 96"."""
    digits = number.plain_digits
    if digits is None or not digits.isdigit() or not 0 < int(digits) <= _MAX_AGE:
        return False
    before = text[max(0, number.start - 40) : number.start]
    if _AGED_BEFORE_RE.search(before):
        return True
    return bool(_NAME_COMMA_BEFORE_RE.search(before) and _COMMA_AFTER_RE.match(text, number.end))


def _is_era_year(text: str, number: _Number) -> bool:
    """A year with its era ("860 BC", "AD 79") or alone in parentheses ("(1761)")."""
    digits = number.plain_digits
    if digits is None or not digits.isdigit():
        return False
    if _ERA_AFTER_RE.match(text, number.end) or _ERA_BEFORE_RE.search(
        text, max(0, number.start - 6), number.start
    ):
        return True
    return len(digits) == 4 and _PAREN_YEAR_RE.match(text, max(0, number.start - 1)) is not None


def _near_month(before: str, after: str) -> bool:
    """A month name just after the number ("5 January", "3rd of May") or just before it ("May 5")."""
    return bool(_DATE_AFTER.match(after) or _DATE_BEFORE.search(before))


def _in_name(text: str, number: _Number, has_object: bool) -> bool:
    """A number that is part of a name: "Formula One", "Big Four", "Studio 8", "Harbour 2".

    A capitalised name word just before it on the same line (not a qualifier such as "About"); digits then
    need to be short and plain with no counted noun ("Peru 9,450" stays a count), number words a capital
    letter. Only in running text, so a Title-Case headline's "Arrest Three Men" stays a count.
    """
    before = _NAME_BEFORE_RE.search(text, max(0, number.start - 30), number.start)
    if before is None or before.group("w").lower() in _NOT_NAME_WORDS:
        return False
    if _SENTENCE_START_RE.search(text, max(0, before.start() - 3), before.start()):
        return False  # "Try 30 of the recipes": a capital that only starts the sentence
    if number.is_words and not text[number.start].isupper():
        return False
    if not number.is_words:
        digits = number.plain_digits
        short = digits is not None and digits.isdigit() and len(digits) <= 4
        if has_object or not short or text.startswith("°", number.end):
            return False
    return _in_running_text(text, number.start)


def _in_running_text(text: str, pos: int) -> bool:
    """Most words of the line start in lower case: running text, not a Title-Case headline."""
    line_start = text.rfind("\n", 0, pos) + 1
    line_end = text.find("\n", pos)
    words = _LINE_WORD_RE.findall(
        text, line_start, line_start + 300 if line_end < 0 else min(line_end, line_start + 300)
    )
    return len(words) >= 4 and sum(w[0].islower() for w in words) * 2 > len(words)


def _needs_object(text: str, number: _Number) -> bool:
    """Years (a bare 1800-2199 number) and the word "one" are amounts only when a counted noun follows."""
    return number.value == 1 if number.is_words else _looks_like_year(number)


def _looks_like_year(number: _Number) -> bool:
    digits = number.plain_digits
    return digits is not None and digits.isdigit() and len(digits) == 4 and 1800 <= int(digits) <= 2199


def _currency_before(text: str, start: int) -> tuple[int, str | None]:
    match = _CURRENCY_PREFIX.search(text[max(0, start - 6) : start])
    if match is None:
        return start, None
    symbol = re.sub(r"\s", "", match.group("cur")).upper()
    code = _CURRENCY_SYMBOLS.get(symbol, symbol if symbol in _ISO_CODES else None)
    return (start - len(match.group()), code) if code else (start, None)


def _currency_after(text: str, end: int) -> tuple[int, str | None]:
    match = _CURRENCY_SUFFIX.match(text, end)
    if match is None:
        return end, None
    if match.group("code"):
        return match.end(), match.group("code")
    word = match.group("word").lower().split()[0].rstrip("s")
    whose = match.group("whose")
    if whose and word == "dollar":
        return match.end(), _NAMED_DOLLARS[" ".join(whose.lower().split())]
    if word == "pound" and _weight_not_money(text, end, match.end()):
        return end, None
    return match.end(), _CURRENCY_WORDS.get(word, _CURRENCY_WORDS.get(word + "s"))


def _weight_not_money(text: str, start: int, end: int) -> bool:
    """ "weighed 8 pounds", "lost 20 pounds", "5 pounds of cocaine": pounds of weight, unless money is named
    close by ("paid 500 pounds")."""
    before = text[max(0, start - 60) : start]
    if _MONEY_CUE_BEFORE_RE.search(before[-30:]) or _BIG_SCALE_BEFORE_RE.search(before):
        return False  # "paid 500 pounds", "lost 20 million pounds"
    return bool(_WEIGHT_BEFORE_RE.search(before) or _WEIGHT_AFTER_RE.match(text, end))


def _suffix(text: str, number: _Number) -> tuple[int, AmountKind, str | None] | None:
    """Kind and unit from the words right after the number; None for "N days ago" (a date, not an amount)."""
    end = number.end
    percent = _PERCENT_SUFFIX.match(text, end)
    if percent:
        return percent.end(), AmountKind.PERCENT, "percentage point" if percent.group("points") else "percent"
    money_end, currency = _currency_after(text, end)
    if currency:
        return money_end, AmountKind.MONEY, currency
    unit = _UNIT_SUFFIX.match(text, end)
    if unit:
        if _AGO.match(text, unit.end()):
            return None
        kind = AmountKind.AGE if unit.group("old") else AmountKind.DURATION
        return unit.end(), kind, _TIME_UNITS[unit.group("unit").lower()]
    measure = _MEASURE_SUFFIX.match(text, end)
    if measure and (measure.group()[0] in " \t-" or not number.is_words):
        return measure.end(), AmountKind.MEASURE, _MEASURE_UNITS[measure.group("unit").lower()]
    return end, AmountKind.COUNT, None


def _qualifier_before(text: str, start: int, number: _Number) -> tuple[str | None, int]:
    """The approximating words before the amount ("about", "more than") and the start they extend it to."""
    if number.is_vague:
        return re.sub(r"\s+", " ", text[number.start : number.end].lower()), start
    match = _QUALIFIER_RE.search(text[max(0, start - 20) : start])
    if match is None:
        return None, start
    return re.sub(r"\s+", " ", match.group("q").lower()), start - len(match.group())


def _object_after(text: str, pos: int, singular: bool) -> tuple[str, int, int] | None:
    """The counted noun phrase starting after ``pos``: modifiers up to the first plural-looking head word."""
    words: list[re.Match[str]] = []
    for _ in range(_MAX_OBJECT_WORDS if not singular else 3):
        match = _WORD_RE.match(text, words[-1].end() if words else pos)
        if match is None or _is_stop(match.group("w")):
            break
        words.append(match)
        if not singular and _looks_plural(match.group("w")):
            return text[words[0].start("w") : match.end()], words[0].start("w"), match.end()
        if singular and match.end() < len(text) and text[match.end()] not in " \t":
            break
    if singular and words:
        return text[words[0].start("w") : words[-1].end()], words[0].start("w"), words[-1].end()
    return None


def _is_stop(word: str) -> bool:
    lower = word.lower()
    if len(word) > 1 and word.isupper():
        return False  # an acronym ("US soldiers"), not the pronoun "us"
    return lower in _STOP_WORDS or lower in _UNITS or lower in _TENS or lower.endswith("ly")


def _looks_plural(word: str) -> bool:
    lower = word.lower()
    if lower in _IRREGULAR_PLURALS or lower.endswith("men") or lower.endswith("people"):
        return True
    if not word.endswith("s") or len(word) < 3 or word[-2] in "'’":
        return False
    return not (lower.endswith("ss") or lower.endswith("us") or lower.endswith("is"))
