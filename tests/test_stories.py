"""Copies and stories: one body hash for copies that differ in white space, one story for near-copies."""

from __future__ import annotations

import hashlib
import subprocess
import sys

import numpy as np
import pytest

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
