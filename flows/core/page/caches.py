"""How much the page modules' per-block caches hold (decode, blocks, byline and the parser share the size)."""

from __future__ import annotations

# Block predicates in the page modules are asked about the same block many times per page (the lines around
# each candidate headline), and a site's pages share blocks; they are pure functions of a string, so their
# answers are kept, up to this many blocks per predicate.
BLOCK_CACHE_SIZE = 8192
