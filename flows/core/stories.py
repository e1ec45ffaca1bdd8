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
_BLOCK = 512  # shingles hashed at once: the (shingles x hash functions) arrays stay small
# BLAKE2b objects with the digest sizes used, never updated: a copy is cheaper than a new object.
_BLAKE2B_4 = hashlib.blake2b(digest_size=4)
_BLAKE2B_8 = hashlib.blake2b(digest_size=8)


def _coefficients(label: str) -> np.ndarray:
    values = [
        int.from_bytes(hashlib.blake2b(f"{label}{i}".encode(), digest_size=4).digest(), "big") | 1
        for i in range(NUM_HASHES)
    ]
    return np.array(values, dtype=np.uint64)


_A = _coefficients("newsmill-minhash-a")
_B = _coefficients("newsmill-minhash-b")
# The coefficients repeated on every row of a block: numpy multiplies and adds two whole arrays several times
# faster than it broadcasts one row over many.
_A_ROWS = np.tile(_A, (_BLOCK, 1))
_B_ROWS = np.tile(_B, (_BLOCK, 1))


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
    return _minhash(_digests(parts))


def _digests(parts: Iterable[str]) -> bytes:
    """The 4-byte BLAKE2b digest of each part (UTF-8), joined."""
    digests = []
    for part in parts:
        digest = _BLAKE2B_4.copy()
        digest.update(part.encode())
        digests.append(digest.digest())
    return b"".join(digests)


def _minhash(digests: bytes) -> np.ndarray:
    """The signature of the shingles whose 4-byte digests are joined in ``digests``."""
    # The digests read as big-endian integers at once (not one int.from_bytes each).
    hashed = np.frombuffer(digests, dtype=">u4").astype(np.uint64)
    if hashed.size == 0:
        return np.full(NUM_HASHES, _PRIME, dtype=np.uint64)
    minima = [_block_minima(hashed[start : start + _BLOCK]) for start in range(0, hashed.size, _BLOCK)]
    return minima[0] if len(minima) == 1 else np.minimum.reduce(minima)


def _block_minima(hashed: np.ndarray) -> np.ndarray:
    rows = hashed.size
    mixed = np.repeat(hashed, NUM_HASHES).reshape(rows, NUM_HASHES)
    mixed *= _A_ROWS[:rows]
    mixed += _B_ROWS[:rows]
    # x - (x // p) * p is x mod p exactly for unsigned integers, and numpy computes it faster than ``%``.
    quotients = mixed // _PRIME
    quotients *= _PRIME
    mixed -= quotients
    return mixed.min(axis=0)  # type: ignore[no-any-return]


def band_keys(minhash: np.ndarray) -> list[int]:
    """One key per LSH band (signed 64-bit, as Delta stores integers): bodies sharing a key are candidates."""
    return np.frombuffer(_band_digests(minhash), dtype=">i8").tolist()  # type: ignore[no-any-return]


def _band_digests(minhash: np.ndarray) -> bytes:
    """The 8-byte BLAKE2b digest of each band's number and rows (big-endian), joined."""
    values = minhash.astype(">u8").tobytes()
    width = ROWS_PER_BAND * 8
    digests = []
    for band in range(BANDS):
        digest = _BLAKE2B_8.copy()
        digest.update(band.to_bytes(2, "big") + values[band * width : (band + 1) * width])
        digests.append(digest.digest())
    return b"".join(digests)


def story_keys(body: str) -> list[int]:
    """The LSH band keys of a body."""
    return story_key_array(body).tolist()  # type: ignore[no-any-return]


def story_key_array(body: str) -> np.ndarray:
    """:func:`story_keys` as a signed 64-bit numpy array."""
    minhash = _minhash(_digests(shingles(body)))
    return np.frombuffer(_band_digests(minhash), dtype=">i8").astype(np.int64)


def estimated_similarity(first: np.ndarray, second: np.ndarray) -> float:
    """The Jaccard similarity of two shingle sets, estimated from their signatures."""
    return float(np.mean(first == second))


# Keys recorded since the arrays were last rebuilt are held in a dict up to this many (2,048 articles' worth).
RECENT_KEYS_LIMIT = 65_536
_KEY_LISTS = {"story_keys": pl.List(pl.Int64())}


@dataclass(slots=True)
class StoryIndex:
    """The bodies and story keys recorded so far (earlier runs, then this run's articles in order).

    Each band key is held once, with the story that first recorded it. The keys live in two numpy arrays
    (sorted keys, and the number of each key's story in the order the stories were first seen: 12 bytes a key),
    not in a dict (about 100 bytes a key with its Python integer, 32 keys an article: 24.9 against 9.8 MB for
    10,000 articles with bodies of their own, docs/performance.md); the keys of the latest articles wait in a
    small dict until :data:`RECENT_KEYS_LIMIT` of them are inserted into the arrays.
    """

    first_body: dict[str, tuple[str, str]] = field(default_factory=dict)  # body_sha256 -> (article_id, path)
    story_order: dict[str, int] = field(default_factory=dict)  # story_id -> its number (story_ids' inverse)
    story_ids: list[str] = field(default_factory=list)  # story_id by when it was first seen
    keys: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))  # sorted band keys
    key_stories: np.ndarray = field(default_factory=lambda: np.empty(0, np.int32))  # their story's number
    recent: dict[int, int] = field(default_factory=dict)  # band keys not yet in the arrays -> story number
    recent_limit: int = RECENT_KEYS_LIMIT

    @classmethod
    def from_records(cls, records: pl.DataFrame) -> StoryIndex:
        """An index of recorded articles, in the order they were recorded: one row per article, with columns
        ``article_id``, ``path``, ``body_sha256``, ``story_id`` and ``story_keys``."""
        index = cls()
        for sha, article_id, path in records.select("body_sha256", "article_id", "path").iter_rows():
            index.first_body.setdefault(sha, (article_id, path))
        stories = records.select("story_id").unique(maintain_order=True).to_series()
        index.story_ids = stories.to_list()
        index.story_order = {story: number for number, story in enumerate(index.story_ids)}
        numbered = records.select(
            pl.col("story_keys").alias("key"),
            pl.col("story_id").replace_strict(
                stories, pl.Series(range(stories.len())), return_dtype=pl.Int32
            ),
        )
        held = numbered.explode("key").drop_nulls("key").unique("key", keep="first", maintain_order=True)
        held = held.sort("key")
        index.keys = np.asarray(held.get_column("key").to_numpy(), dtype=np.int64)
        index.key_stories = np.asarray(held.get_column("story_id").to_numpy(), dtype=np.int32)
        return index

    def place(self, article_id: str, path: str, sha: str, keys: Sequence[int]) -> tuple[str | None, str]:
        """``(duplicate_of, story_id)`` for a new article, which is then recorded.

        A body first seen in another file makes a duplicate of that file's article (the previous version of
        the same file is a revision, not a copy). The story is the earliest one sharing a band key.
        """
        article = {
            "article_id": [article_id],
            "path": [path],
            "body_sha256": [sha],
            "story_keys": [list(keys)],
        }
        return self.place_batch(pl.DataFrame(article, schema_overrides=_KEY_LISTS))[0]

    def place_batch(self, articles: pl.DataFrame) -> list[tuple[str | None, str]]:
        """:meth:`place` for each article of a batch in order (the columns :meth:`from_records` reads, but
        ``story_id``), the recorded keys looked up for the whole batch at once."""
        keys = articles.get_column("story_keys").list.drop_nulls()
        lengths = keys.list.len().fill_null(0).to_list()
        flat = keys.explode().drop_nulls().cast(pl.Int64).to_numpy()  # an empty list explodes to one null
        held, flat_keys = self._held_in_arrays(flat), flat.tolist()
        placed, start = [], 0
        rows = articles.select("article_id", "path", "body_sha256").iter_rows()
        for (article_id, path, sha), length in zip(rows, lengths, strict=True):
            end = start + length
            placed.append(self._place(article_id, path, sha, flat_keys[start:end], held[start:end]))
            start = end
        self._merge_recent_when_full()
        return placed

    def _place(
        self, article_id: str, path: str, sha: str, keys: list[int], in_arrays: list[int]
    ) -> tuple[str | None, str]:
        """Place one article whose keys' stories in the arrays are known (-1: not there)."""
        first = self.first_body.get(sha)
        duplicate_of = first[0] if first is not None and first[1] != path else None
        recent = self.recent
        held = [n if n >= 0 else recent.get(key, -1) for key, n in zip(keys, in_arrays, strict=True)]
        stories = [n for n in held if n >= 0]
        story_id = self.story_ids[min(stories)] if stories else article_id
        self.first_body.setdefault(sha, (article_id, path))
        number = self.story_order.setdefault(story_id, len(self.story_order))
        if number == len(self.story_ids):
            self.story_ids.append(story_id)
        if len(stories) < len(held):  # keys no story holds yet: this article's story takes them
            recent.update(dict.fromkeys([key for key, n in zip(keys, held, strict=True) if n < 0], number))
        return duplicate_of, story_id

    def _held_in_arrays(self, keys: np.ndarray) -> list[int]:
        """The number of the story holding each key in the arrays, -1 for a key not there."""
        stories = np.full(len(keys), -1, np.int32)
        if len(self.keys) and len(keys):
            order = np.argsort(keys)  # looked up in order: the search walks the arrays once, not at random
            at = np.searchsorted(self.keys, keys[order]).clip(max=len(self.keys) - 1)
            found = self.keys[at] == keys[order]
            stories[order[found]] = self.key_stories[at[found]]
        return stories.tolist()

    def _merge_recent_when_full(self) -> None:
        """Move the recent keys into the sorted arrays once there are :attr:`recent_limit` of them (inserted
        where they belong: a copy of the arrays, not a sort of them)."""
        if len(self.recent) < self.recent_limit:
            return
        recent_keys = np.fromiter(self.recent.keys(), np.int64, len(self.recent))
        recent_stories = np.fromiter(self.recent.values(), np.int32, len(self.recent))
        order = np.argsort(recent_keys)
        at = np.searchsorted(self.keys, recent_keys[order])
        self.keys = np.insert(self.keys, at, recent_keys[order])
        self.key_stories = np.insert(self.key_stories, at, recent_stories[order])
        self.recent = {}


def assign_stories(articles: pl.DataFrame, index: StoryIndex) -> pl.DataFrame:
    """Fill ``duplicate_of`` and ``story_id`` of a batch's articles, in order, recording each in ``index``."""
    if articles.height == 0:
        return articles
    placed = index.place_batch(
        articles.select("article_id", pl.col("source_path").alias("path"), "body_sha256", "story_keys")
    )
    return articles.with_columns(
        pl.Series("duplicate_of", [duplicate for duplicate, _ in placed], dtype=pl.Utf8),
        pl.Series("story_id", [story for _, story in placed], dtype=pl.Utf8),
    )
