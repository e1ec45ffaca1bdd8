"""Read bylines: who wrote a story, as people and credited organisations.

"By A and B", "By A, B and C", "Written by A on <date>", "A, Senior Reporter", a bare "By" block followed by
name blocks, or a line of names alone next to the date line. Roles ("Senior Reporter"), staff credits ("Staff
Writer") and site names are not people; news agencies ("Associated Press") are kept apart from people.
A byline that names no person credits its organisation as the author (:func:`credited_authors`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from flows.core.lexicon import MONTH_ABBREVIATIONS, alternation, weekday_prefixes
from flows.core.page.caches import BLOCK_CACHE_SIZE

_BY = re.compile(
    r"^\W*(?:(?:written|posted|words|reported|story|text|photos?|analysis|opinion|commentary|review|column|essay)\s+"
    r"(?:and\s+\w+\s+)?)?by\b[:\s]*",
    re.I,
)
_CUT = re.compile(
    r"\s+(?:[-|–—•·]|on|at)\s+(?=.*\d)|\s*[|•·]\s*|\s+[-–—]\s+|\s+(?:last\s+)?(?:updated|published|posted)\b|"
    r"\s+(?:" + alternation(weekday_prefixes()) + r")[a-z]*\b,?|\s+\(?\d|\s+@|"
    r"\s+(?:"
    + alternation(short.lower() for short in MONTH_ABBREVIATIONS)
    + r")[a-z]*\.?\s+\d",  # "By A B JAN. 13, 2017"
    re.IGNORECASE,
)
# Case-sensitive: "ET Online" is a desk credit, not "E" and "Online"; capitalised bylines write "AND".
_SPLIT_PEOPLE = re.compile(r"\s*(?:&|\b(?:and|And|AND|und|y|et)\b|;)\s*")
_NAME_TOKEN = re.compile(
    r"^(?:[A-ZÀ-ÖØ-Þ][\w'’.-]*|[\"“][A-ZÀ-ÖØ-Þ][\w'’.-]*[\"”]?|[A-ZÀ-ÖØ-Þ][\w'’.-]*[\"”]|[A-ZÀ-ÖØ-Þ]\.|(?:de|da|del|der|van|von|la|le|bin|al|el|di|du|dos|ter)$)"
)
_INITIALS = re.compile(r"(?:[A-ZÀ-ÖØ-Þ]\.)+")
AGENCIES = frozenset(
    name.casefold()
    for name in (
        "Associated Press", "AP", "The Associated Press", "Reuters", "Thomson Reuters", "AFP",
        "Agence France-Presse", "Bloomberg", "Bloomberg News", "PA", "PA Media", "Press Association", "UPI",
        "United Press International", "dpa", "Xinhua", "Kyodo", "Kyodo News", "Jiji", "Jiji Press", "ANI",
        "PTI",
        "IANS", "AAP", "EFE", "ANSA", "TASS", "CNN Wire", "Tribune News Service", "The Canadian Press",
        "Canadian Press", "CP", "SWNS",
    )
)  # fmt: skip
ROLE_WORDS = frozenset(
    [
        "reporter",
        "correspondent",
        "editor",
        "writer",
        "columnist",
        "contributor",
        "contributing",
        "producer",
        "staff",
        "senior",
        "chief",
        "political",
        "deputy",
        "executive",
        "managing",
        "associate",
        "assistant",
        "freelance",
        "journalist",
        "photographer",
        "director",
        "attorney",
        "analyst",
        "host",
        "anchor",
        "intern",
        "fellow",
        "professor",
        "officer",
        "manager",
        "president",
        "founder",
        "author",
        "guest",
        "special",
        "bureau",
        "desk",
        "team",
        "report",
        "reports",
        "editorial",
    ]
)
ORG_WORDS = frozenset(
    [
        "news",
        "times",
        "post",
        "press",
        "online",
        "media",
        "network",
        "agency",
        "journal",
        "herald",
        "tribune",
        "gazette",
        "daily",
        "weekly",
        "magazine",
        "foundation",
        "institute",
        "program",
        "programme",
        "university",
        "council",
        "association",
        "society",
        "group",
        "company",
        "inc",
        "ltd",
        "llc",
        "service",
        "services",
        "today",
        "world",
        "global",
        "international",
        "radio",
        "tv",
        "television",
        "channel",
        "wire",
    ]
)
NOT_NAME_WORDS = frozenset(
    [
        "the",
        "a",
        "an",
        "of",
        "in",
        "on",
        "for",
        "to",
        "with",
        "home",
        "news",
        "video",
        "videos",
        "live",
        "latest",
        "more",
        "menu",
        "search",
        "share",
        "email",
        "print",
        "follow",
        "subscribe",
        "sign",
        "login",
        "comments",
        "comment",
        "view",
        "author",
        # interface strings shaped like two capitalised words ("Link Copied", "Ad Feedback", "Save Story")
        "link",
        "copied",
        "feedback",
        "save",
        "saved",
        "story",
        "gallery",
        "profile",
        "account",
        "settings",
        "close",
        "skip",
        "archive",
        "about",
        "contact",
        "read",
        "watch",
        "listen",
        "photo",
        "photos",
        "image",
        "images",
        "getty",
        "advertisement",
        "sponsored",
        "opinion",
        "politics",
        "business",
        "sport",
        "sports",
        "world",
        "weather",
        "business",
        "tech",
        "technology",
        "health",
        "science",
        "culture",
        "entertainment",
        "travel",
        "life",
        "style",
        "updated",
        "published",
        "posted",
        "minute",
        "minutes",
        "hour",
        "hours",
        "ago",
        "min",
        "read",
    ]
)
MAX_NAME_TOKENS = 5
_EMAIL = re.compile(r"\S+@\S+\.\w+")
MAX_NAME_ROLE_TOKENS = 8  # "Ana Ruiz Live and breaking news reporter"; longer lines are headlines
MAX_CREDITED_NAME_CHARS = 160


def strip_by(text: str) -> str | None:
    """The text after a leading "By"/"Written by"; None when the text does not start with one."""
    match = _BY.match(text)
    return text[match.end() :].strip() if match else None


@lru_cache(maxsize=BLOCK_CACHE_SIZE)
def is_byline(block: str) -> bool:
    """True for a block that opens with "By" (or is just "By") and is short enough to be a credit line."""
    rest = strip_by(block)
    return rest is not None and len(block) <= 200 and (not rest or rest[0].isupper())


def join_split_byline(blocks: Sequence[str], index: int) -> tuple[str, int]:
    """A byline spread over blocks ("By" / "A" / "and" / "B") joined into one line, with its end index."""
    parts = [blocks[index]]
    end = index + 1
    while end < len(blocks) and len(parts) < 9:
        tail = parts[-1].strip().lower()
        nxt = blocks[end]
        if (
            tail in {"by", "and", "&", ","}
            or tail.endswith((" and", ",", "&"))
            or nxt.lower() in {"and", "&"}
        ):
            if len(nxt.split()) > MAX_NAME_TOKENS + 1 and name_before_role(nxt) is None:
                break
            parts.append(nxt)
            end += 1
            continue
        break
    return " ".join(parts), end


def is_person_name(text: str) -> bool:
    """True for 2 to 5 capitalised name tokens ("Leah C. Stokes", "Gavin O'Neill"), no role or site words."""
    tokens = text.split()
    if not 2 <= len(tokens) <= MAX_NAME_TOKENS or any(ch.isdigit() for ch in text) or "@" in text:
        return False
    # Initials between the first and last name ("Dana A. Ford", "James S.A. Corey") are not words.
    lowered = {
        token.lower().strip(".,")
        for position, token in enumerate(tokens)
        if not (0 < position < len(tokens) - 1 and _INITIALS.fullmatch(token))
    }
    if lowered & (ROLE_WORDS | ORG_WORDS | NOT_NAME_WORDS):
        return False
    if text.isupper():  # "JOHN SMITH": some sites print bylines in capitals
        return all(_NAME_TOKEN.fullmatch(token) for token in tokens)
    if any(
        len(token) > 2 and token.isupper() and not _INITIALS.fullmatch(token) for token in tokens[:-1]
    ) or (
        len(tokens[-1]) > 2 and tokens[-1].isupper()
    ):  # acronyms name organisations ("Acme S.A."), initials inside a name do not ("James S.A. Corey")
        return False
    return all(_NAME_TOKEN.fullmatch(token) for token in tokens) and tokens[0][0].isupper()


@lru_cache(maxsize=BLOCK_CACHE_SIZE)
def parse_byline(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """People and credited agencies named in a byline ("By A, Senior Reporter and B | Reuters"); e-mail
    addresses and handles are not names."""
    text = _EMAIL.sub(" ", text) if "@" in text else text
    rest = strip_by(text)
    if rest is None:
        rest = byline_after_date(text)
    body = _drop_role_parts(" ".join((rest if rest is not None else text).split()))
    named = name_before_role(body)
    if named is not None and not _SPLIT_PEOPLE.search(named):
        return (named,), ()
    authors: list[str] = []
    agencies: list[str] = []
    for segment in re.split(r"\s+[-|–—•·/]\s+|\s*\|\s*|\s+(?:for|of)\s+(?=[A-Z])", body):
        names_part = _CUT.split(segment, maxsplit=1)[0] if segment else ""
        for chunk in _SPLIT_PEOPLE.split(names_part):
            for part in (p.strip(" .,:;()[]") for p in chunk.split(",")):
                _sort_credit(part, authors, agencies)
    return tuple(dict.fromkeys(authors)), tuple(dict.fromkeys(agencies))


def credited_authors(people: Sequence[str], organisations: Sequence[str]) -> tuple[str, ...]:
    """Who the byline credits with the story: its people, or, when it names no person, its organisations.

    "By JIJI", "ET Online" or "Metro Staff Report" credit a desk or an agency as the author (a corporate
    author, as in library catalogues); the same names stay in ``agencies``, so a reader who wants people only
    drops the authors that are also agencies. A byline that names both keeps its people alone.
    """
    return tuple(people) if people else tuple(organisations)


def _sort_credit(part: str, authors: list[str], agencies: list[str]) -> None:
    if not part:
        return
    folded = part.casefold()
    person = strip_roles(part)
    if folded in AGENCIES:
        agencies.append(part)
    elif is_person_name(part):
        authors.append(part)
    elif person != part and is_person_name(person):  # "Evan Halper Staff Writer"
        authors.append(person)
    elif (named := _name_before_organisation(part)) is not None:  # "Ana Ruiz Metro News"
        authors.append(named)
    elif _is_organisation(part) or _is_staff_credit(part):
        agencies.append(part)


def _name_before_organisation(part: str) -> str | None:
    """The name opening a credit that ends with its outlet ("Ana Ruiz Metro News" -> "Ana Ruiz"): the outlet
    is the capitalised words from the one before its first outlet word ("News", "Times"), or from that word
    when the name would be shorter than two words; two words at least."""
    tokens = part.split()
    first = next((k for k, t in enumerate(tokens) if t.lower().strip(".,") in ORG_WORDS), None)
    if first is None or len(tokens) > MAX_NAME_TOKENS + 3 or not all(t[:1].isupper() for t in tokens[first:]):
        return None
    size = first - 1 if first - 1 >= 2 else first
    name = " ".join(tokens[:size])
    outlet = len(tokens) - size  # two words at least: "Program" alone ends an organisation's name too
    return name if 2 <= size <= MAX_NAME_TOKENS and outlet >= 2 and is_person_name(name) else None


def strip_roles(part: str) -> str:
    """The name without the job title glued after it ("Ana Ruiz Senior Reporter" -> "Ana Ruiz")."""
    tokens = part.split()
    while tokens and tokens[-1].lower().strip(".,") in ROLE_WORDS:
        tokens.pop()
    return " ".join(tokens)


def _is_staff_credit(part: str) -> bool:
    """A desk credit naming its outlet ("Metro Staff Report"): an organisation, not a person."""
    tokens = part.split()
    lowered = [token.lower() for token in tokens]
    return (
        1 <= len(tokens) <= 5
        and bool({"staff", "desk", "team", "report", "bureau"} & set(lowered))
        and all(token[0].isupper() for token in tokens)
        and not set(lowered) & NOT_NAME_WORDS
        and not set(lowered) <= ROLE_WORDS  # "Staff Writer" names nobody
    )


def is_role_line(block: str) -> bool:
    """True for a block that is only a job title ("Political Editor", "Senior Reporter")."""
    tokens = [token.lower().strip(".,") for token in block.split()]
    return 1 <= len(tokens) <= 5 and tokens[-1] in ROLE_WORDS and all(t.isalpha() for t in tokens)


def is_credit_line(block: str) -> bool:
    """True for a short block that names only credited organisations ("Metro Online|", "Reuters")."""
    text = block.strip(" |•·-–—")
    if not text or len(text) > 40 or strip_by(text) is not None or any(ch.isdigit() for ch in text):
        return False
    authors, agencies = parse_byline(text)
    return not authors and len(agencies) == 1


def _is_organisation(part: str) -> bool:
    tokens = part.split()
    lowered = {token.lower() for token in tokens}
    if (
        not 1 <= len(tokens) <= 5
        or lowered & (ROLE_WORDS | NOT_NAME_WORDS)
        or "." in part
        or part.startswith("@")
    ):
        return False
    return bool(lowered & ORG_WORDS) and all(token[0].isupper() for token in tokens)


@lru_cache(maxsize=BLOCK_CACHE_SIZE)
def is_name_line(block: str) -> bool:
    """True for a block that is only people's names ("A, B", "A and B"), the byline form without "By"."""
    if len(block) > 100 or strip_by(block) is not None:
        return False
    parts = [p.strip() for chunk in _SPLIT_PEOPLE.split(block) for p in chunk.split(",")]
    parts = [p for p in parts if p]
    return 1 <= len(parts) <= 4 and all(is_person_name(part) for part in parts)


def is_credited_name_line(block: str) -> bool:
    """True for a name followed by its job and employer ("Ana Ruiz, Staff Attorney, City Legal Aid")."""
    if len(block) > MAX_CREDITED_NAME_CHARS or strip_by(block) is not None:
        return False
    parts = [part.strip() for part in block.split(",")]
    return (
        len(parts) >= 2
        and is_person_name(parts[0])
        and (
            any(token.lower().strip(".") in ROLE_WORDS for token in parts[1].split())
            or (len(parts) == 2 and _is_outlet(parts[1]))  # "Ana Ruiz, Metro News"
        )
    )


def _is_outlet(part: str) -> bool:
    """A short run of capitalised words with an outlet word ("Metro News", "The Valley Times")."""
    tokens = part.split()
    return (
        1 <= len(tokens) <= 5
        and all(t[:1].isupper() for t in tokens)
        and any(t.lower().strip(".") in ORG_WORDS for t in tokens)
    )


def _drop_role_parts(text: str) -> str:
    """The byline without comma-separated job titles ("A, Director of Policy, B Org" -> "A, B Org")."""
    parts = text.split(",")
    kept = [part for position, part in enumerate(parts) if not (position and _is_role_part(part))]
    return ",".join(kept)


def name_before_role(text: str) -> str | None:
    """The name opening a name-and-job line ("Ana Ruiz Live and breaking news reporter" -> "Ana Ruiz")."""
    tokens = text.split()
    if not 3 <= len(tokens) <= MAX_NAME_ROLE_TOKENS or tokens[-1].lower().strip(".,") not in ROLE_WORDS:
        return None
    for size in (3, 2):
        name = " ".join(tokens[:size]).rstrip(",")
        if size < len(tokens) and is_person_name(name):
            return name
    return None


def name_then_date(block: str) -> bool:
    """True for a line that opens with a bare name followed by figures ("Ana Ruiz | March 3, 2023", "Ana Ruiz
    Friday 3 Mar 2023", "Ana Ruiz 7 days ago"): a byline with its date on one line."""
    if len(block) > 120 or strip_by(block) is not None:
        return False
    head = _CUT.split(block, maxsplit=1)
    return len(head) == 2 and any(c.isdigit() for c in block) and is_name_line(head[0].strip(" ,"))


def name_with_handle(block: str) -> bool:
    """True for a line that is a bare name and its social handle ("Ana Ruiz @anaruiz")."""
    head, at, _ = block.partition(" @")
    return bool(at) and len(block) <= 120 and is_name_line(head.strip(" ,"))


_INNER_BY = re.compile(r"\s(?:posted\s+|written\s+)?by\s+(?=[A-ZÀ-ÖØ-Þ])", re.IGNORECASE)


def byline_after_date(block: str) -> str | None:
    """The credit after a date or time on one line ("March 3, 2023 by Ana Ruiz" -> "Ana Ruiz"); None when the
    line is not so shaped."""
    match = _INNER_BY.search(block) if len(block) <= 160 else None
    if match is None or not any(c.isdigit() for c in block[: match.start()]) or match.start() > 60:
        return None
    return block[match.end() :].strip()


def _is_role_part(part: str) -> bool:
    tokens = [token.lower().strip(".") for token in part.split()]
    return (
        bool(tokens)
        and (tokens[0] in ROLE_WORDS or tokens[-1] in ROLE_WORDS)
        and not _SPLIT_PEOPLE.search(part)
    )
