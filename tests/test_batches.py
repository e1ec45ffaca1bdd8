"""How the flow cuts the new files into batches: every file in exactly one batch, a short start, then growth,
and a short end; and the order in which it hands them on."""

from __future__ import annotations

import gc
import itertools
import pickle
from types import SimpleNamespace

import pytest
from prefect.utilities.annotations import opaque

from flows import ingest
from flows.config import Settings
from flows.core.models import SourceFile
from flows.ingest import BATCH_GROWTH, batch_sizes, chunked, whole


def test_every_item_lands_in_exactly_one_batch_in_order() -> None:
    items = list(range(5_000))

    batches = list(chunked(items, 1_000, first=96))

    assert [item for batch in batches for item in batch] == items


def test_batches_start_short_and_grow_but_never_beyond_the_batch_size() -> None:
    sizes = [len(batch) for batch in chunked(range(5_000), 1_000, first=96)]

    assert sizes[:3] == [96, 96 * BATCH_GROWTH, 96 * BATCH_GROWTH**2]
    assert max(sizes) <= 1_000
    assert all(later <= earlier * BATCH_GROWTH for earlier, later in itertools.pairwise(sizes))


def test_batches_shrink_again_towards_the_end_down_to_the_first_size() -> None:
    sizes = batch_sizes(5_000, 1_000, first=96)

    assert sizes[-3:] == [96 * BATCH_GROWTH**2, 96 * BATCH_GROWTH, 96]
    assert all(earlier <= later * BATCH_GROWTH for earlier, later in itertools.pairwise(sizes))
    assert sum(sizes) == 5_000


def test_what_is_left_over_shares_the_last_full_batch_so_no_short_batch_comes_before_a_larger_one() -> None:
    # The 32 files left over as a batch of their own left both workers idle while the flow parsed the 288 after it.
    sizes = batch_sizes(5_000, 300, first=96)

    assert sizes == [96, 288, *[300] * 13, 166, 166, 288, 96]


def test_a_few_files_make_short_batches_that_cover_them_all() -> None:
    assert batch_sizes(100, 1_000, first=96) == [96, 4]
    assert batch_sizes(300, 1_000, first=96) == [96, 108, 96]
    assert batch_sizes(1, 1_000, first=96) == [1]


def test_without_a_first_size_every_batch_is_full_but_the_last_two_which_share_what_is_left() -> None:
    assert [len(batch) for batch in chunked(range(2_500), 1_000)] == [1_000, 750, 750]
    assert [len(batch) for batch in chunked(range(2_000), 1_000)] == [1_000, 1_000]


def test_a_first_size_above_the_batch_size_is_capped() -> None:
    assert [len(batch) for batch in chunked(range(30), 10, first=50)] == [10, 10, 10]


@pytest.mark.parametrize("workers", [1, 2, 4])
def test_a_run_of_a_thousand_files_reaches_full_size_batches_so_larger_runs_hold_no_larger_batch(
    workers: int,
) -> None:
    # The batches' memory is set by the largest batch held (docs/performance.md, "Batches of 300 files"):
    # a 10,000-file run must not hold larger batches than a 1,000-file run does.
    settings = Settings()
    first = ingest.first_batch_size(settings, workers)

    small, large = (batch_sizes(files, settings.files_per_batch, first) for files in (1_000, 10_000))

    assert max(large) == settings.files_per_batch
    assert max(small) >= 0.9 * settings.files_per_batch


def test_no_items_no_batches() -> None:
    assert list(chunked([], 1_000, first=96)) == []


def test_a_batch_handed_to_prefect_whole_arrives_whole_after_pickling() -> None:
    batch = [{"path": "a.txt"}, {"path": "b.txt"}]

    travelled = pickle.loads(pickle.dumps(whole(batch)))

    assert isinstance(travelled, opaque)
    assert travelled.unwrap() == batch


def test_the_first_batch_goes_to_the_workers_before_the_collection_that_freezes_long_lived_objects(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Whatever the freeze costs, the workers should not wait for it (its full collection once took 0.2-0.3 s).
    events: list[str] = []

    class Tagged:
        def __init__(self, number: int) -> None:
            self.number = number

        def result(self) -> object:
            return self.number

    def submit(
        settings: object, articles: object, rejects: object, run: object, number: int, processes: int
    ) -> Tagged:
        events.append(f"submit {number}")
        return Tagged(number)

    def read_and_parse(
        settings: object, sources: object, known: object, number: int
    ) -> tuple[list[object], list[object]]:
        events.append(f"parse {number}")
        return [], []

    def validate_and_stage(
        settings: object, run: object, tagged: object, known: object, number: int
    ) -> object:
        events.append(f"stage {number}")
        return SimpleNamespace(frames=lambda: {}, articles=SimpleNamespace(height=0))

    fake_tasks = SimpleNamespace(
        read_and_parse=read_and_parse,
        build_tables=SimpleNamespace(submit=submit),
        validate_and_stage=validate_and_stage,
    )
    monkeypatch.setattr(ingest, "tasks", fake_tasks)
    monkeypatch.setattr(
        ingest,
        "reports",
        SimpleNamespace(start_progress=lambda total: None, advance_progress=lambda *a: None),
    )
    monkeypatch.setattr(ingest, "progress", lambda message: None)
    monkeypatch.setattr(ingest, "release_finished_batch", lambda: None)
    monkeypatch.setattr(ingest, "freeze_long_lived_objects", lambda: events.append("freeze"))
    tally = SimpleNamespace(add_batch=lambda frames: None)

    batches = [[SourceFile(name, 1, 1)] for name in ("a.txt", "b.txt", "c.txt")]
    ingest.stage_batches(Settings(), None, None, batches, 2, tally)  # type: ignore[arg-type]

    assert events[:3] == ["parse 1", "submit 1", "freeze"]
    assert events.count("freeze") == 1
    assert [event for event in events if event != "freeze"] == [
        "parse 1",
        "submit 1",
        "parse 2",
        "submit 2",
        "stage 1",
        "parse 3",
        "submit 3",
        "stage 2",
        "stage 3",
    ]


def test_the_freeze_runs_no_full_collection_so_the_workers_get_the_first_batch_at_once() -> None:
    # A full collection walks every object of the flow's process (about 0.3 s with the pipeline loaded) holding
    # the interpreter's lock: the thread handing the first batch to the workers could not run meanwhile.
    generations: list[int] = []

    def record(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            generations.append(info["generation"])

    gc.callbacks.append(record)
    try:
        ingest.freeze_long_lived_objects()
        assert gc.get_freeze_count() > 0
    finally:
        gc.callbacks.remove(record)
        gc.unfreeze()

    assert 2 not in generations
