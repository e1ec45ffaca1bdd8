"""Copies and stories: one body hash for copies that differ in white space, one story for near-copies."""

from __future__ import annotations

import hashlib
import subprocess
import sys

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flows.core import stories
from flows.core.stories import StoryIndex, body_sha256, shingles, signature, story_keys
from tests.test_revisions import PARAGRAPHS

BODY = "\n\n".join(PARAGRAPHS["harbour"])


@pytest.mark.parametrize(
    ("copy", "same"),
    [
        (BODY.replace(". ", ".   "), True),
        (BODY.replace("\n\n", "\n \n\n") + "\n", True),
        (BODY.replace(", ", " , "), True),
        (BODY.replace("northern", "southern"), False),
        (BODY.lower(), False),
    ],
)
def test_stories_body_hash_ignores_only_white_space(copy: str, same: bool) -> None:
    assert (body_sha256(copy) == body_sha256(BODY)) is same


def test_stories_unspaced_scripts_are_shingled_by_character() -> None:
    assert shingles("市立図書館は") == {"市 立 図 書 館", "立 図 書 館 は"}


def test_stories_keys_are_the_same_in_every_process() -> None:
    code = "from flows.core.stories import story_keys; print(story_keys('The harbour board voted on Tuesday to dredge.'))"
    runs = {
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
        for _ in range(2)
    }
    assert runs == {f"{story_keys('The harbour board voted on Tuesday to dredge.')}\n"}


def test_stories_near_copies_share_a_key_and_different_stories_none() -> None:
    edited = "\n\n".join(
        [*PARAGRAPHS["harbour"][:2], "The board will vote again in March.", PARAGRAPHS["harbour"][3]]
    )
    assert set(story_keys(edited)) & set(story_keys(BODY))
    for other in ("library", "orchard", "bridge"):
        assert not set(story_keys("\n\n".join(PARAGRAPHS[other]))) & set(story_keys(BODY))


def test_stories_index_points_copies_at_the_first_and_keeps_the_earliest_story() -> None:
    index = StoryIndex()
    assert index.place("a1", "a.txt", "sha-a", [1, 2]) == (None, "a1")
    assert index.place("b1", "b.txt", "sha-b", [3]) == (None, "b1")
    assert index.place("a2", "a.txt", "sha-a", [1]) == (None, "a1")  # a revision keeping its body: no copy
    assert index.place("c1", "c.txt", "sha-a", [1]) == ("a1", "a1")  # a copy of a.txt's body
    assert index.place("d1", "d.txt", "sha-d", [3, 2]) == (None, "a1")  # near both: the earlier story


class DictStoryIndex:
    """What StoryIndex must answer, written the plain way: every key in one dict."""

    def __init__(self) -> None:
        self.first_body: dict[str, tuple[str, str]] = {}
        self.story_of_key: dict[int, str] = {}
        self.story_order: dict[str, int] = {}

    def place(self, article_id: str, path: str, sha: str, keys: list[int]) -> tuple[str | None, str]:
        first = self.first_body.get(sha)
        duplicate_of = first[0] if first is not None and first[1] != path else None
        stories = {self.story_of_key[key] for key in keys if key in self.story_of_key}
        story_id = min(stories, key=self.story_order.__getitem__) if stories else article_id
        self.first_body.setdefault(sha, (article_id, path))
        self.story_order.setdefault(story_id, len(self.story_order))
        for key in keys:
            self.story_of_key.setdefault(key, story_id)
        return duplicate_of, story_id


ARTICLES = st.lists(
    st.tuples(
        st.sampled_from(["a.txt", "b.txt", "c.txt", "d.txt"]),
        st.sampled_from(["sha-1", "sha-2", "sha-3"]),
        st.lists(st.integers(-3, 3) | st.integers(-(2**63), 2**63 - 1), max_size=5),
    ),
    max_size=30,
)


@settings(max_examples=200, deadline=None)
@given(
    articles=ARTICLES,
    recent_limit=st.integers(1, 8),
    recorded=st.integers(0, 30),
    batch=st.integers(0, 6),
)
def test_stories_index_in_arrays_answers_as_one_dict_would(
    articles: list[tuple[str, str, list[int]]], recent_limit: int, recorded: int, batch: int
) -> None:
    expected = DictStoryIndex()
    placed = [
        (f"id{number}", path, sha, keys, *expected.place(f"id{number}", path, sha, keys))
        for number, (path, sha, keys) in enumerate(articles)
    ]
    # The first articles read back from the table as an earlier run recorded them; the rest placed one by
    # one (batch 0) or in batches, as a run places them.
    index = StoryIndex.from_records(records([(*row[:3], row[5], row[3]) for row in placed[:recorded]]))
    index.recent_limit = recent_limit
    rest = placed[recorded:]
    if batch == 0:
        answers = [index.place(article_id, path, sha, keys) for article_id, path, sha, keys, _, _ in rest]
    else:
        answers = []
        for start in range(0, len(rest), batch):
            part = records([(*row[:3], None, row[3]) for row in rest[start : start + batch]])
            answers += index.place_batch(part.drop("story_id"))
    assert answers == [(duplicate_of, story) for *_, duplicate_of, story in rest]
    assert len(index.keys) + len(index.recent) == len(expected.story_of_key)


def records(rows: list[tuple[str, str, str, str | None, list[int]]]) -> pl.DataFrame:
    """Articles as the index reads them: id, path, body hash, story and band keys."""
    return pl.DataFrame(
        rows,
        schema={
            "article_id": pl.Utf8,
            "path": pl.Utf8,
            "body_sha256": pl.Utf8,
            "story_id": pl.Utf8,
            "story_keys": pl.List(pl.Int64),
        },
        orient="row",
    )


def test_stories_index_read_back_keeps_each_key_with_the_story_that_recorded_it_first() -> None:
    earlier = records(
        [
            ("a1", "a.txt", "sha-a", "a1", [1]),
            ("b1", "b.txt", "sha-b", "b1", [2]),
            ("c1", "c.txt", "sha-c", "a1", [2, 1]),  # shared key 1 with a1 and key 2 with b1: a1's story
        ]
    )
    index = StoryIndex.from_records(earlier)
    assert index.place("d1", "d.txt", "sha-d", [2]) == (None, "b1")
    assert index.place("e1", "e.txt", "sha-c", [9]) == ("c1", "e1")


def test_stories_index_keeps_its_keys_in_arrays_not_in_a_dict() -> None:
    index = StoryIndex(recent_limit=64)
    for number in range(100):
        index.place(
            f"id{number}", f"{number}.txt", f"sha-{number}", list(range(number * 32, number * 32 + 32))
        )
    assert len(index.keys) + len(index.recent) == 3_200
    assert len(index.recent) < 64
    assert index.keys.dtype == np.int64
    assert np.all(np.diff(index.keys) > 0)


def test_stories_signature_is_the_minimum_of_each_hash_function_mod_the_prime() -> None:
    parts = shingles(BODY) | {"", "é ü", "a b c d e"}
    hashed = [int.from_bytes(hashlib.blake2b(part.encode(), digest_size=4).digest(), "big") for part in parts]
    expected = [
        min((int(a) * value + int(b)) % int(stories._PRIME) for value in hashed)
        for a, b in zip(stories._A, stories._B, strict=True)
    ]
    assert signature(parts).tolist() == expected
    assert signature([]).tolist() == [int(stories._PRIME)] * stories.NUM_HASHES
    assert signature(parts).dtype == np.uint64


def test_stories_shingles_are_every_run_of_five_words() -> None:
    assert shingles("One two three four five six") == {"one two three four five", "two three four five six"}
    assert shingles("Just three words") == {"just three words"}
    assert shingles("") == set()
