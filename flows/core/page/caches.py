"""How much the page modules' per-block caches hold (decode, blocks, byline and the parser share the size)."""

from __future__ import annotations

# Block predicates in the page modules are asked about the same block many times per page (the lines around
# each candidate headline), and a site's pages share blocks; they are pure functions of a string, so their
# answers are kept, up to this many blocks per predicate. 2,048 would hold 9.5 MB instead of 24.0 once 10,000 bench
# pages are parsed, at the same speed on them, but parse the corpus's real pages 12 % slower (4.0-4.5 against
# 3.7-4.1 ms a page, fresh processes alternated; docs/performance.md).
BLOCK_CACHE_SIZE = 8192
