"""How the flow cuts the new files into batches: every file in exactly one batch, a short start, then growth,
and a short end."""

from __future__ import annotations

import itertools
import pickle
from pathlib import Path

from prefect.utilities.annotations import opaque

from flows.config import Settings
from flows.ingest import BATCH_GROWTH, batch_sizes, chunked, first_batch_size, whole
from flows.parallel import ARTICLES_PER_CHUNK, chunk_size


def test_every_item_lands_in_exactly_one_batch_in_order() -> None:
    items = list(range(5_000))

    batches = list(chunked(items, 1_000, first=96))

    assert [item for batch in batches for item in batch] == items


def test_batches_start_short_and_grow_up_to_the_batch_size() -> None:
    sizes = [len(batch) for batch in chunked(range(5_000), 1_000, first=96)]

    assert sizes[:3] == [96, 96 * BATCH_GROWTH, 96 * BATCH_GROWTH**2]
    assert max(sizes) == 1_000
    assert all(later <= earlier * BATCH_GROWTH for earlier, later in itertools.pairwise(sizes))


def test_batches_shrink_again_towards_the_end_down_to_the_first_size() -> None:
    sizes = batch_sizes(5_000, 1_000, first=96)

    assert sizes[-3:] == [96 * BATCH_GROWTH**2, 96 * BATCH_GROWTH, 96]
    assert all(earlier <= later * BATCH_GROWTH for earlier, later in itertools.pairwise(sizes))
    assert sum(sizes) == 5_000


def test_a_few_files_make_short_batches_that_cover_them_all() -> None:
    assert batch_sizes(100, 1_000, first=96) == [96, 4]
    assert batch_sizes(300, 1_000, first=96) == [96, 108, 96]
    assert batch_sizes(1, 1_000, first=96) == [1]


def test_without_a_first_size_every_batch_is_full_but_the_last() -> None:
    assert [len(batch) for batch in chunked(range(2_500), 1_000)] == [1_000, 1_000, 500]


def test_a_first_size_above_the_batch_size_is_capped() -> None:
    assert [len(batch) for batch in chunked(range(30), 10, first=50)] == [10, 10, 10]


def test_no_items_no_batches() -> None:
    assert list(chunked([], 1_000, first=96)) == []


def test_the_first_batch_gives_each_worker_one_full_chunk(tmp_path: Path) -> None:
    settings = Settings(raw_dir=tmp_path, output_dir=tmp_path / "out")

    assert first_batch_size(settings, processes=2) == 2 * ARTICLES_PER_CHUNK


def test_a_short_batch_is_cut_into_at_least_two_chunks_per_worker() -> None:
    assert chunk_size(48, processes=2) == 12
    assert chunk_size(5, processes=2) == 2
    assert chunk_size(1, processes=2) == 1


def test_a_long_batch_is_cut_into_full_chunks() -> None:
    assert chunk_size(1_000, processes=2) == ARTICLES_PER_CHUNK
    assert chunk_size(4 * ARTICLES_PER_CHUNK, processes=2) == ARTICLES_PER_CHUNK


def test_a_batch_handed_to_prefect_whole_arrives_whole_after_pickling() -> None:
    batch = [{"path": "a.txt"}, {"path": "b.txt"}]

    travelled = pickle.loads(pickle.dumps(whole(batch)))

    assert isinstance(travelled, opaque)
    assert travelled.unwrap() == batch
