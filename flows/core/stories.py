"""Copies and stories: the same body published twice, and near-copies (syndicated, lightly edited) grouped.

``body_sha256`` hashes the normalised body (Unicode NFKC, words and punctuation joined by one space), so
copies that differ only in white space share it; the first article with a body points its later copies at itself
(``duplicate_of``). Near-copies share a ``story_id``, found by MinHash with locality-sensitive hashing over
the body's word shingles: each article stores its LSH band keys (``story_keys``); an article sharing any band
key with an earlier one joins that article's story, otherwise it starts its own (``story_id`` = its own
``article_id``). Rows are never updated, so a story keeps the id of its first article.

The MinHash is computed here with numpy (deterministic across processes and versions: the hash functions
come from BLAKE2b, not from Python's salted ``hash`` or a random generator). The number of bands and rows
sets the similarity at which two bodies become candidates; docs/stories.md has the measured similarities.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import polars as pl

SHINGLE_WORDS = 5
BANDS = 32
ROWS_PER_BAND = 4
NUM_HASHES = BANDS * ROWS_PER_BAND
_PRIME = np.uint64(4_294_967_311)  # the first prime above 2**32: (a * x + b) stays below 2**64
_TOKEN = re.compile(r"\w+|[^\w\s]")
# Scripts written without spaces (Chinese, Japanese, Thai): each character is a word for shingling.
_WORD = re.compile(r"[\u0e00-\u0e7f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]|\w+")


def _coefficients(label: str) -> np.ndarray:
    values = [
        int.from_bytes(hashlib.blake2b(f"{label}{i}".encode(), digest_size=4).digest(), "big") | 1
        for i in range(NUM_HASHES)
    ]
    return np.array(values, dtype=np.uint64)


_A = _coefficients("newsmill-minhash-a")
_B = _coefficients("newsmill-minhash-b")


def normalise_body(body: str) -> str:
    """The body as compared for copies: Unicode NFKC, its words and punctuation marks joined by one space
    (so copies that differ only in white space, even around punctuation, are the same)."""
    return " ".join(_TOKEN.findall(unicodedata.normalize("NFKC", body)))


def body_sha256(body: str) -> str:
    """SHA-256 (hex) of the normalised body."""
    return hashlib.sha256(normalise_body(body).encode("utf-8")).hexdigest()


def shingles(body: str, size: int = SHINGLE_WORDS) -> set[str]:
    """The body's runs of ``size`` consecutive words, lower-cased (the whole body when it is shorter); in
    scripts written without spaces, each character counts as a word."""
    words = _WORD.findall(unicodedata.normalize("NFKC", body).lower())
    if len(words) <= size:
        return {" ".join(words)} if words else set()
    return {" ".join(run) for run in zip(*(words[i:] for i in range(size)), strict=False)}


def signature(parts: Iterable[str]) -> np.ndarray:
    """The MinHash signature of a set of shingles: NUM_HASHES minima of (a * h + b) mod p."""
    # The 4-byte digests joined and read as big-endian integers at once (not one int.from_bytes each).
    blake2b = hashlib.blake2b
    digests = b"".join([blake2b(part.encode(), digest_size=4).digest() for part in parts])
    hashed = np.frombuffer(digests, dtype=">u4").astype(np.uint64)
    if hashed.size == 0:
        return np.full(NUM_HASHES, _PRIME, dtype=np.uint64)
    mixed = np.outer(hashed, _A) + _B
    # x - (x // p) * p is x mod p exactly for unsigned integers, and numpy computes it faster than ``%``.
    return (mixed - (mixed // _PRIME) * _PRIME).min(axis=0)  # type: ignore[no-any-return]


def band_keys(minhash: np.ndarray) -> list[int]:
    """One key per LSH band (signed 64-bit, as Delta stores integers): bodies sharing a key are candidates."""
    keys = []
    for band in range(BANDS):
        rows = minhash[band * ROWS_PER_BAND : (band + 1) * ROWS_PER_BAND]
        digest = hashlib.blake2b(band.to_bytes(2, "big") + rows.astype(">u8").tobytes(), digest_size=8)
        keys.append(int.from_bytes(digest.digest(), "big", signed=True))
    return keys


def story_keys(body: str) -> list[int]:
    """The LSH band keys of a body."""
    return band_keys(signature(shingles(body)))


def estimated_similarity(first: np.ndarray, second: np.ndarray) -> float:
    """The Jaccard similarity of two shingle sets, estimated from their signatures."""
    return float(np.mean(first == second))


@dataclass(slots=True)
class StoryIndex:
    """The bodies and story keys recorded so far (earlier runs, then this run's articles in order)."""

    first_body: dict[str, tuple[str, str]] = field(default_factory=dict)  # body_sha256 -> (article_id, path)
    story_of_key: dict[int, str] = field(default_factory=dict)  # band key -> story_id
    story_order: dict[str, int] = field(default_factory=dict)  # story_id -> when it was first seen

    def add(self, article_id: str, path: str, sha: str, keys: Sequence[int], story_id: str) -> None:
        """Record an article: the first with its body keeps it, the first story with a key keeps the key."""
        self.first_body.setdefault(sha, (article_id, path))
        self.story_order.setdefault(story_id, len(self.story_order))
        for key in keys:
            self.story_of_key.setdefault(key, story_id)

    def place(self, article_id: str, path: str, sha: str, keys: Sequence[int]) -> tuple[str | None, str]:
        """``(duplicate_of, story_id)`` for a new article, which is then recorded.

        A body first seen in another file makes a duplicate of that file's article (the previous version of
        the same file is a revision, not a copy). The story is the earliest one sharing a band key.
        """
        first = self.first_body.get(sha)
        duplicate_of = first[0] if first is not None and first[1] != path else None
        stories = {self.story_of_key[key] for key in keys if key in self.story_of_key}
        story_id = min(stories, key=self.story_order.__getitem__) if stories else article_id
        self.add(article_id, path, sha, keys, story_id)
        return duplicate_of, story_id


def assign_stories(articles: pl.DataFrame, index: StoryIndex) -> pl.DataFrame:
    """Fill ``duplicate_of`` and ``story_id`` of a batch's articles, in order, recording each in ``index``."""
    if articles.height == 0:
        return articles
    placed = [
        index.place(article_id, path, sha, keys)
        for article_id, path, sha, keys in articles.select(
            "article_id", "source_path", "body_sha256", "story_keys"
        ).iter_rows()
    ]
    return articles.with_columns(
        pl.Series("duplicate_of", [duplicate for duplicate, _ in placed], dtype=pl.Utf8),
        pl.Series("story_id", [story for _, story in placed], dtype=pl.Utf8),
    )
