"""The publisher as a page names it: the holder of its copyright line ("(c) 2022 Bayside Gazette.").

No list of sites: a name is taken only where the page states whose page it is.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

MAX_NAME_CHARS = 60
_COPYRIGHT = re.compile(
    r"^(?:copyright\s*)?(?:©|\(c\)|copyright)\s*(?:copyright\s*)?"  # "Copyright ©", "© Copyright", "(c)"
    r"(?:\d{4}(?:\s*[-–]\s*\d{4})?\s*[,.\-–]?\s*)?(?:copyright\s*)?"  # a year or a span of years
    r"(?P<name>[^|]+?)\s*(?:\.(?:\s|$)|[|,;]|\ball rights\b|\bis a\b|$)",
    re.IGNORECASE,
)
_NOT_A_NAME = re.compile(r"^(?:\d|the\s+)?(?:copyright|all rights|by\b)|\d{4}", re.IGNORECASE)


def find_publisher(blocks: Sequence[str]) -> str | None:
    """The name in the page's last copyright line, if the page has one (footers come last)."""
    for block in reversed(blocks):
        match = _COPYRIGHT.match(block.strip())
        if match is None:
            continue
        name = match.group("name").strip(" -–:")
        if 2 <= len(name) <= MAX_NAME_CHARS and name[0].isupper() and not _NOT_A_NAME.search(name):
            return name
    return None
