"""Find and read a page's date lines ("July 24, 2021 at 1:04 pm", "PUBLISHED: 10:48, Tue, Nov 19, 2019").

Pure functions: text in, :class:`~flows.core.models.PublishedDate` out. A zone is recorded only when the text
states one; otherwise the wall-clock time is kept as written and ``utc`` stays None. All-numeric dates
("08/11/2023") are read day-first unless the page shows US conventions (see :func:`infer_day_first`), and a
relative date ("2 hours ago") resolves only against a reference time the caller gives.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from enum import StrEnum
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flows.core.lexicon import (
    MONTH_NUMBERS,
    MONTHS,
    alternation,
    month_prefixes,
    weekday_prefixes,
    weekday_stems,
)
from flows.core.models import PublishedDate
from flows.core.scan import digit_runs, find_all, lowered_keeping_offsets, matches_at
from schemas.vocabulary import DatePrecision

# Lower-case month names and short forms with their numbers.
_LOWER_MONTH_NUMBERS = {name.lower(): number for name, number in MONTH_NUMBERS.items()}

# Offsets in hours of the zone abbreviations news pages print; ambiguous ones (IST, CST in Asia) take the
# reading most common on English-language news sites.
ZONE_OFFSETS_HOURS: dict[str, float] = {
    "UTC": 0,
    "GMT": 0,
    "Z": 0,
    "BST": 1,
    "IST": 1,
    "CET": 1,
    "CEST": 2,
    "EET": 2,
    "EEST": 3,
    "EST": -5,
    "EDT": -4,
    "CST": -6,
    "CDT": -5,
    "MST": -7,
    "MDT": -6,
    "PST": -8,
    "PDT": -7,
    "HKT": 8,
    "JST": 9,
    "KST": 9,
    "AEST": 10,
    "AEDT": 11,
}
# Zones that name a region rather than an offset: the offset depends on the date (daylight saving).
ZONE_REGIONS = {
    "ET": "America/New_York",
    "CT": "America/Chicago",
    "MT": "America/Denver",
    "PT": "America/Los_Angeles",
}
US_ZONES = frozenset({"EST", "EDT", "CST", "CDT", "MST", "MDT", "PST", "PDT", "ET", "CT", "MT", "PT"})


class DateKind(StrEnum):
    """What a date line says its date is."""

    PUBLISHED = "published"  # labelled "Published", "Posted", "Written", "First published"
    UPDATED = "updated"  # labelled "Updated", "Last modified" ...: never the publication date
    PLAIN = "plain"  # a date with no label


@dataclass(frozen=True, slots=True)
class DateCandidate:
    """A date line found in block ``index``; ``in_byline`` when the block is a byline carrying the date."""

    index: int
    date: PublishedDate
    kind: DateKind
    in_byline: bool = False


_ZONE_NAMES = "|".join(
    sorted((*(z for z in ZONE_OFFSETS_HOURS if z != "Z"), *ZONE_REGIONS), key=len, reverse=True)
)
# First letters of the month names: a lookahead that changes no match but lets the engine pass over words that
# cannot start a month without trying every name (several times faster over a whole page).
_MONTH_START = r"(?=[adfjmnos])"
_MONTH = r"(?P<month>" + alternation(_LOWER_MONTH_NUMBERS, longest_first=True) + r")\.?"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_CLOCK = (
    r"(?P<hour>[0-2]?\d)(?:[:.h](?P<minute>[0-5]\d)(?::(?P<second>[0-5]\d))?\s*(?P<ampm>[ap]\.?\s?m\b\.?)?"
    r"|\s?(?P<ampm2>[ap]\.?\s?m\b\.?))"
    r"(?:\s*\(?(?P<zone>" + _ZONE_NAMES + r"|[+-]\d\d:?\d\d)\b\)?)?"
)
_CLOCK_RE = re.compile(r"(?<![\d/.-])" + _CLOCK + r"(?![\d/])", re.IGNORECASE)
# "2010 GMT": a four-digit clock only counts when a zone follows it.
_COMPACT_CLOCK_RE = re.compile(r"\b(?P<hour>[0-2]\d)(?P<minute>[0-5]\d)\s+(?P<zone>" + _ZONE_NAMES + r")\b")

_WRITTEN_DATES = (
    # July 24, 2021  /  Nov. 8, 2023  /  November 9th 2023
    re.compile(
        r"\b" + _MONTH_START + _MONTH + r"\s+" + _DAY + r"(?:,\s*|\s+)" + _YEAR + r"\b", re.IGNORECASE
    ),
    # 24 July 2021  /  6 OCT 2020  /  5 January, 2020
    re.compile(r"\b" + _DAY + r"\s+(?:of\s+)?" + _MONTH + r",?\s+" + _YEAR + r"\b", re.IGNORECASE),
    # "2023-11-07 15:03:30" / "2021-07-24T13:04:00+02:00"
    re.compile(
        r"\b(?P<year>(?:19|20)\d\d)-(?P<month>[01]\d)-(?P<day>[0-3]\d)"
        r"(?:[T\s](?P<hour>[0-2]\d):(?P<minute>[0-5]\d)(?::(?P<second>[0-5]\d))?(?:\.\d+)?"
        r"\s*(?P<zone>Z|[+-]\d\d:?\d\d|UTC|GMT)?)?"
    ),
)
_NUMERIC_DATE = re.compile(
    r"(?<![\d/.])(?P<a>[0-3]?\d)([/.])(?P<b>[0-3]?\d)\2(?P<year>(?:19|20)?\d\d)(?![\d/])"
)
_RELATIVE = re.compile(
    r"\b(?P<count>\d+|an?|one)\s+(?P<unit>sec(?:ond)?s?|min(?:ute)?s?|h(?:ou)?rs?|days?|weeks?)\s+ago\b"
    r"|\b(?P<word>yesterday|today)\b",
    re.IGNORECASE,
)
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}

# "(?=[...])": the labels' first letters, so words that cannot start one are passed over (same matches).
_UPDATED_LABEL = re.compile(r"\b(?=[lumer])(?:last\s+)?(?:updated|modified|edited|revised)\b", re.IGNORECASE)
_PUBLISHED_LABEL = re.compile(
    r"\b(?=[fpw])(?:(?:first\s+)?published|posted|written)(?:\s+on)?\b", re.IGNORECASE
)
_LABEL = re.compile(_UPDATED_LABEL.pattern + "|" + _PUBLISHED_LABEL.pattern, re.IGNORECASE)
_BYLINE_START = re.compile(r"^\W*(?:(?:written|words|reported|story)\s+)?by\b", re.IGNORECASE)
# A weekday as a date line writes it, before an optional "day": "tue", "tues", "wednes", "thurs".
_WEEKDAY_CUTS = sorted({*weekday_prefixes(), *(stem.lower() for stem in weekday_stems())})
_DATE_LINE_NOISE = re.compile(
    r"\b(?:on|at|by|min read|\d+\s*min(?:ute)?s?\s*read|\d+\s*mins?)\b"
    r"|[|:,•·\-–—/()\[\]@]"
    r"|\b(?:" + alternation(_WEEKDAY_CUTS, longest_first=True) + r")(?:day)?\b\.?",
    re.IGNORECASE,
)
US_DATE_SHAPE = re.compile(r"\b" + _MONTH_START + _MONTH + r"\s+" + _DAY + r",?\s+" + _YEAR, re.IGNORECASE)
UK_DATE_SHAPE = re.compile(r"\b" + _DAY + r"\s+" + _MONTH + r",?\s+" + _YEAR, re.IGNORECASE)
# Where a month name can start in lower-case text: every match of US_DATE_SHAPE opens with one of these, and a
# case-sensitive pattern that opens with letters (not "\b") is scanned for quickly.
_MONTH_PREFIX = re.compile(alternation(month_prefixes()))
_WEEKDAY_PREFIX = alternation(weekday_prefixes())
_US_ZONE = re.compile(r"\b(?=[CEMP])(?:" + "|".join(sorted(US_ZONES)) + r")\b")
_DIGIT = re.compile(r"\d")
MAX_DATE_LINE_CHARS = 160
DATE_CACHE_SIZE = 4096
_HANDLE = re.compile(r"\(@\w+\)|^\W*[-—–]\s*\S.*@\w+")


def parse_date_text(
    text: str, *, day_first: bool = True, reference: datetime | None = None
) -> PublishedDate | None:
    """Read the first date in ``text`` (with the clock and zone written near it); None if there is none.

    Written dates ("Nov 8, 2023") come first, then all-numeric ones read by ``day_first``, then relative ones
    ("3 hours ago"), which resolve only when ``reference`` is given.
    """
    if reference is None:
        return _read_absolute_date(text, day_first)
    return _read_date(text, day_first, reference)


# A page's date lines are read more than once (to cut glued blocks, to find candidates), and a site's pages share
# them; the answer is an immutable record, so it is kept for the next call. Only without a reference time: equal
# aware datetimes in different zones would share a cache entry, and a relative date depends on the zone.
@lru_cache(maxsize=DATE_CACHE_SIZE)
def _read_absolute_date(text: str, day_first: bool) -> PublishedDate | None:
    return _read_date(text, day_first, None)


def _read_date(text: str, day_first: bool, reference: datetime | None) -> PublishedDate | None:
    if _may_hold_written_date(text):
        for pattern in _WRITTEN_DATES:
            for match in pattern.finditer(text):
                found = _from_parts(
                    text, match, int(match["year"]), _month_number(match["month"]), int(match["day"])
                )
                if found is not None:
                    return found
    for match in _numeric_dates(text):
        first, second = int(match["a"]), int(match["b"])
        day, month = (first, second) if day_first else (second, first)
        if month > 12 and day <= 12:
            day, month = month, day
        year = int(match["year"])
        found = _from_parts(text, match, year + 2000 if year < 100 else year, month, day)
        if found is not None:
            return found
    return _relative(text, reference) if reference is not None else None


def _may_hold_written_date(text: str) -> bool:
    """False when no written date can match: each one has a four-digit year starting "19" or "20"."""
    return "19" in text or "20" in text


def _may_hold_numeric_date(text: str) -> bool:
    """False when no numeric date can match: each is digits parted by "/" or "."."""
    return ("/" in text or "." in text) and _DIGIT.search(text) is not None


def _may_hold_absolute_date(text: str) -> bool:
    """False when no written or numeric date can match (a relative date needs a reference time)."""
    return _may_hold_written_date(text) or _may_hold_numeric_date(text)


def _numeric_dates(text: str) -> list[re.Match[str]]:
    """``_NUMERIC_DATE.finditer(text)``, tried only where one can start: at a run of digits."""
    if not _may_hold_numeric_date(text):
        return []
    return matches_at(_NUMERIC_DATE, text, digit_runs(text))


def _month_number(text: str) -> int:
    return int(text) if text.isdigit() else _LOWER_MONTH_NUMBERS[text.lower().rstrip(".")]


def _from_parts(text: str, match: re.Match[str], year: int, month: int, day: int) -> PublishedDate | None:
    try:
        day_start = datetime(year, month, day)
    except ValueError:
        return None
    parts = match.groupdict()
    span = match.start(), match.end()
    clock = _clock_from_parts(parts) if parts.get("hour") else None
    if not parts.get("hour"):
        near = _clock_near(text, match)
        if near is not None:
            clock, span = near[0], (near[1], near[2])
    hour, minute, second, zone = clock if clock else (0, 0, 0, None)
    local = day_start.replace(hour=hour, minute=minute, second=second)
    utc = _to_utc(local, zone) if zone and clock else None
    precision = (
        DatePrecision.DAY if clock is None else DatePrecision.SECOND if second else DatePrecision.MINUTE
    )
    return PublishedDate(
        text=text[span[0] : span[1]].strip(),
        local=local,
        has_time=clock is not None,
        timezone=zone.upper() if zone and utc else None,
        utc=utc,
        precision=precision,
    )


_Clock = tuple[int, int, int, str | None]


def _clock_near(text: str, match: re.Match[str]) -> tuple[_Clock, int, int] | None:
    """The clock written right after the date, else right before it (``10:48, Tue, Nov 19``).

    Returns the clock and the span of date and clock together in ``text``.
    """
    after = text[match.end() : match.end() + 40]
    lead = re.match(r"^(?:\s*(?:,|at|@|-|–|—|\||•|·|/))*\s*", after, re.IGNORECASE)
    offset = lead.end() if lead else 0
    found = _parse_clock(after[offset:])
    if found is not None:
        clock, length = found
        return clock, match.start(), match.end() + offset + length
    window_start = max(0, match.start() - 40)
    before = text[window_start : match.start()]
    before = re.sub(
        r"[\s,|•·/-]*(?:(?:" + _WEEKDAY_PREFIX + r")[a-z]*\.?)?[\s,|•·/-]*$", "", before, flags=re.I
    )
    candidates = [m for m in _CLOCK_RE.finditer(before) if m.end() == len(before) and m["minute"]]
    compact = list(_COMPACT_CLOCK_RE.finditer(before))
    chosen = candidates[-1] if candidates else compact[0] if compact else None
    if chosen is None:
        return None
    earlier = _clock_from_parts(chosen.groupdict())
    return (earlier, window_start + chosen.start(), match.end()) if earlier else None


def _parse_clock(text: str) -> tuple[_Clock, int] | None:
    match = _CLOCK_RE.match(text)
    if match is None or not (match["minute"] or match["ampm2"]):
        match = _COMPACT_CLOCK_RE.match(text)
    if match is None:
        return None
    clock = _clock_from_parts(match.groupdict())
    return (clock, len(match.group(0).rstrip())) if clock else None


def _clock_from_parts(parts: dict[str, str | None]) -> _Clock | None:
    hour = int(parts.get("hour") or 0)
    ampm = (parts.get("ampm") or parts.get("ampm2") or "").lower().replace(".", "").replace(" ", "")
    if ampm == "pm" and hour < 12:
        hour += 12
    elif ampm == "am" and hour == 12:
        hour = 0
    if hour > 23:
        return None
    return hour, int(parts.get("minute") or 0), int(parts.get("second") or 0), parts.get("zone")


def _to_utc(local: datetime, zone: str) -> datetime | None:
    offset = _zone_info(zone)
    if offset is None:
        return None
    return local.replace(tzinfo=offset).astimezone(UTC)


def _zone_info(zone: str) -> tzinfo | None:
    upper = zone.upper()
    if upper in ZONE_OFFSETS_HOURS:
        return timezone(timedelta(hours=ZONE_OFFSETS_HOURS[upper]))
    if upper in ZONE_REGIONS:
        try:
            return ZoneInfo(ZONE_REGIONS[upper])
        except ZoneInfoNotFoundError:
            return None
    numeric = re.fullmatch(r"([+-])(\d\d):?(\d\d)", zone)
    if numeric is None:
        return None
    sign = -1 if numeric.group(1) == "-" else 1
    return timezone(sign * timedelta(hours=int(numeric.group(2)), minutes=int(numeric.group(3))))


def _relative(text: str, reference: datetime) -> PublishedDate | None:
    match = _RELATIVE.search(text)
    if match is None:
        return None
    if match["word"]:
        local = reference - timedelta(days=1 if match["word"].lower() == "yesterday" else 0)
        day = local.replace(hour=0, minute=0, second=0, microsecond=0, tzinfo=None)
        return PublishedDate(text=match.group(0), local=day, has_time=False)
    count = 1 if match["count"].lower() in {"a", "an", "one"} else int(match["count"])
    unit = match["unit"].lower()
    seconds = _UNIT_SECONDS["m" if unit.startswith("min") else unit[0]]
    try:
        local = reference - timedelta(seconds=count * seconds)
    except OverflowError:  # "99999999 weeks ago": before the year 1, not a date
        return None
    precision = DatePrecision.DAY if unit[0] in "dw" else DatePrecision.MINUTE
    if precision is DatePrecision.DAY:
        local = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return PublishedDate(
        text=match.group(0),
        local=local.replace(tzinfo=None),
        has_time=precision is not DatePrecision.DAY,
        timezone=None,
        utc=local.astimezone(UTC) if local.tzinfo else None,
        precision=precision,
    )


def infer_day_first(text: str) -> bool:
    """Whether all-numeric dates on this page are day-first.

    Evidence, strongest first: a numeric date whose first part exceeds 12 (day-first) or whose second part
    does (month-first); then written dates ("November 8, 2023" is US style, "8 November 2023" is not) and US
    zone names. With no evidence the page is read day-first, the convention of most of the world.
    """
    votes = 0
    for match in _numeric_dates(text):
        first, second = int(match["a"]), int(match["b"])
        if first > 12 >= second:
            votes += 3
        elif second > 12 >= first:
            votes -= 3
        elif match.group(2) == ".":  # "01.11.2023": dotted dates are a day-first (European) convention
            votes += 2
    if votes:
        return votes > 0
    # Written dates and zones are weaker evidence (non-US sites write "November 8, 2023" too): one vote each.
    # Embedded posts ("— Name (@handle) November 2, 2023") show the social network's style, not the site's.
    own = _without_embedded_posts(text)
    written = _count_uk_dates(own) - _count_us_dates(own)
    if written:
        return written > 0
    named = _named_month_votes(own)  # the page names the month of one reading only ("later in November")
    if named:
        return named > 0
    return not _has_us_zone(own)  # a US zone decides only a tie


def _named_month_votes(text: str) -> int:
    """Evidence from the page naming a month: for an ambiguous numeric date ("11/08/23"), the page naming
    the month of one reading ("later in November") and not the other's votes for that reading (positive:
    day-first). A month named with another year ("in August 2015") says nothing about this date; "May" is
    left out, being a common word too."""
    named: dict[int, set[int | None]] = {}
    for name, number in MONTH_NUMBERS.items():
        if name == "May" or name not in text:
            continue
        # A short form counts only as a date writes it: with its full stop or a day after it ("Nov. 7").
        shape = rf"\b{name}\b" if name in MONTHS else rf"\b{name}(?:\.|\b(?=\s+\d{{1,2}}\b))"
        for mention in re.finditer(
            rf"{shape}(?:\s+\d{{1,2}}(?!\d)(?:st|nd|rd|th)?,?)?(?:\s+(?P<year>\d{{4}}))?", text
        ):
            named.setdefault(number, set()).add(int(mention["year"]) if mention["year"] else None)
    votes = 0
    for match in _numeric_dates(text):
        first, second = int(match["a"]), int(match["b"])
        if first == second or first > 12 or second > 12:
            continue
        year = int(match["year"]) % 100
        votes += _names(named, second, year) - _names(named, first, year)
    return votes


def _names(named: dict[int, set[int | None]], month: int, year: int) -> bool:
    """True when the page names this month without a year or with this year (two last digits)."""
    return any(y is None or y % 100 == year for y in named.get(month, ()))


def _without_embedded_posts(text: str) -> str:
    """The text without the lines of embedded social posts, which sign off with an "@handle".

    Text without an "@" comes back as it is: the line ends that a rejoin would turn into "\n" are white space to
    the date and zone patterns, so they find as many matches in either.
    """
    if "@" not in text:
        return text
    return "\n".join(line for line in text.splitlines() if "@" not in line or not _HANDLE.search(line))


def _has_us_zone(text: str) -> bool:
    """``_US_ZONE.search(text) is not None``, tried only where a zone's capitals stand in the text."""
    return any(_US_ZONE.match(text, at) for at in find_all(text, US_ZONES))


def _count_uk_dates(text: str) -> int:
    """``len(UK_DATE_SHAPE.findall(text))``, tried only at the runs of digits (a date opens with its day)."""
    return len(matches_at(UK_DATE_SHAPE, text, digit_runs(text))) if _may_hold_written_date(text) else 0


def _count_us_dates(text: str) -> int:
    """``len(US_DATE_SHAPE.findall(text))``, tried only where the lower-case text spells a month's start."""
    if not _may_hold_written_date(text):
        return 0
    lowered = lowered_keeping_offsets(text)
    if lowered is None:
        return len(US_DATE_SHAPE.findall(text))
    return len(matches_at(US_DATE_SHAPE, text, [m.start() for m in _MONTH_PREFIX.finditer(lowered)]))


def find_date_candidates(
    blocks: Sequence[str],
    *,
    day_first: bool | Callable[[], bool] = True,
    reference: datetime | None = None,
) -> list[DateCandidate]:
    """Every date line on the page, labelled published, updated or plain, in page order.

    A date line is a short block that is mostly a date (labels, weekday names, clocks and separators aside),
    or a byline or labelled line that carries one; dates inside sentences are not date lines. A block holding
    both a published and an updated date ("Published ... | Updated ...") gives one candidate for each.
    ``day_first`` reads all-numeric dates; given as a function, it is asked only for a segment that holds one
    (the reading of any other segment does not depend on it), so a page without such dates does not pay for it.
    """
    found: list[DateCandidate] = []
    for index, block in enumerate(blocks):
        if len(block) > MAX_DATE_LINE_CHARS or (reference is None and not _may_hold_absolute_date(block)):
            continue  # the second test only spares the label and date scans of a block without digits
        in_byline = _BYLINE_START.match(block) is not None
        for segment, kind in _labelled_segments(block):
            if isinstance(day_first, bool):
                reads_day_first = day_first
            else:  # without a numeric date the reading is the same either way
                reads_day_first = day_first() if _numeric_dates(segment) else True
            date = parse_date_text(segment, day_first=reads_day_first, reference=reference)
            if date is None:
                continue
            if kind is DateKind.PLAIN and not in_byline and not _is_mostly_date(segment, date.text):
                continue
            found.append(DateCandidate(index=index, date=date, kind=kind, in_byline=in_byline))
    return found


def _labelled_segments(block: str) -> list[tuple[str, DateKind]]:
    """Cut a block at its labels ("Published", "Updated") into segments with the kind each label gives."""
    # A label opens the line, is capitalised ("Crime Published On ...") or follows a comma or a bar ("on May 2,
    # 2014 at 12:06 PM, updated May 2, ..."); "was published on" is not a label.
    labels = [
        label
        for label in _LABEL.finditer(block)
        if label.start() == 0
        or label.group(0)[0].isupper()
        or block[: label.start()].rstrip().endswith((",", "|"))
    ]
    if not labels:
        return [(block, DateKind.PLAIN)]
    segments = [(block[: labels[0].start()], DateKind.PLAIN)] if labels[0].start() > 0 else []
    for position, label in enumerate(labels):
        end = labels[position + 1].start() if position + 1 < len(labels) else len(block)
        kind = DateKind.UPDATED if _UPDATED_LABEL.fullmatch(label.group(0)) else DateKind.PUBLISHED
        segments.append((block[label.end() : end], kind))
    return segments


def is_date_line(block: str) -> bool:
    """True for a block that is a date line on its own ("Monday, 6 January 2020", "Nov. 8, 2023 4:41 PM")."""
    date = parse_date_text(block)
    return date is not None and _is_mostly_date(block, date.text)


def _is_mostly_date(block: str, date_text: str) -> bool:
    rest = block.replace(date_text, " ", 1)
    rest = _CLOCK_RE.sub(" ", rest)
    rest = _DATE_LINE_NOISE.sub(" ", rest)
    return len(rest.split()) <= 3
