"""Specification of storage: raw files in; staged batches merged into Delta tables once, stamped, never twice."""

from __future__ import annotations

import json
import multiprocessing
import os
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from deltalake import DeltaTable
from deltalake.exceptions import CommitFailedError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flows import storage
from flows.core.models import (
    Article,
    EntityMention,
    RawDocument,
    Reject,
    RejectReason,
    Section,
    Skipped,
    SkipReason,
    SourceFile,
)
from flows.core.page.article import to_article
from flows.core.tables.rows import RunInfo, articles_frame, entities_frame, run_metadata
from schemas.tables import ARTICLE_DETAIL_TABLES, TABLES, Entities
from tests.conftest import SAMPLE, entity_rows, raw_document

METADATA = {
    "run_id": "run-1",
    "pipeline_version": "0.1.0",
    "model_name": "m",
    "model_version": "1",
    "schema_version": "1.0.0",
}


def _mentions(n: int, article_id: str = "a" * 32) -> list[EntityMention]:
    return [EntityMention(article_id, Section.BODY, i, i + 3, "abc", "ORG", 0) for i in range(n)]


def _stage(output: Path, run_id: str, frames: dict[str, pl.DataFrame], batch: int = 1) -> Path:
    staging = storage.staging_dir(output, run_id)
    storage.stage_batch(staging, batch, frames)
    return staging


def test_storage_lists_raw_files_stably_skipping_hidden(tmp_path: Path) -> None:
    for name in ["b.txt", "a.txt", "sub/c.txt", ".hidden.txt", ".git/x.txt", "d.json"]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    assert [f.path for f in storage.iter_raw_files(tmp_path, ())] == ["a.txt", "b.txt", "d.json", "sub/c.txt"]
    assert [f.path for f in storage.iter_raw_files(tmp_path, ("*.txt",))] == ["a.txt", "b.txt", "sub/c.txt"]


def test_storage_large_file_is_neither_read_nor_hashed(tmp_path: Path) -> None:
    with (tmp_path / "big.txt").open("wb") as handle:
        handle.truncate(5 * 1024**3)  # a sparse 5 GiB file: reading it whole would take about a minute
    source = next(storage.iter_raw_files(tmp_path, ()))
    outcome = storage.read_raw(tmp_path, source, max_bytes=1000)
    assert isinstance(outcome, Reject)
    assert outcome.reason is RejectReason.TOO_LARGE
    assert outcome.source_sha256 is None
    assert outcome.source_size_bytes == 5 * 1024**3
    assert "--max-file-mb" in outcome.detail


def test_storage_file_rewritten_after_listing_is_recorded_as_read(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("first version")
    source = next(storage.iter_raw_files(tmp_path, ()))
    (tmp_path / "a.txt").write_text("the second version, longer")
    os.utime(tmp_path / "a.txt", ns=(source.mtime_ns + 5_000_000_000, source.mtime_ns + 5_000_000_000))
    outcome = storage.read_raw(tmp_path, source, max_bytes=1000)
    assert isinstance(outcome, RawDocument)
    assert outcome.data == b"the second version, longer"
    assert outcome.source.size_bytes == len(outcome.data)
    assert outcome.source.mtime_ns == source.mtime_ns + 5_000_000_000


def _odd_raw_folder(tmp_path: Path) -> Path:
    raw = tmp_path / "raw"
    (raw / "sub").mkdir(parents=True)
    (raw / "a.txt").write_text("a")
    (raw / "sub" / "b.txt").write_text("b")
    (raw / ".swap").write_text("hidden")
    (raw / "loop").symlink_to(raw / "loop")  # a link to itself
    (raw / "gone").symlink_to(raw / "nothing-here")
    outside = tmp_path / "secret.txt"
    outside.write_text("not in the raw folder")
    (raw / "outside.txt").symlink_to(outside)
    (raw / "outside-folder").symlink_to(tmp_path)  # a folder outside (holding the raw folder itself)
    (raw / "inside.txt").symlink_to(raw / "a.txt")  # a link inside the raw folder is followed
    (raw / "back").symlink_to(raw)  # a folder link back into the walk
    os.mkfifo(raw / "pipe")
    (raw / os.fsdecode(b"caf\xe9.txt")).write_text("latin-1 name")
    deep = raw / "deep"
    for _ in range(storage.MAX_DEPTH + 5):
        deep = deep / "d"
    deep.mkdir(parents=True)
    (deep / "x.txt").write_text("too deep")
    return raw


def test_storage_walk_skips_odd_entries_with_a_reason_and_never_raises(tmp_path: Path) -> None:
    raw = _odd_raw_folder(tmp_path)
    entries = list(storage.walk_raw(raw, ()))
    files = [entry.path for entry in entries if isinstance(entry, SourceFile)]
    skipped = {entry.path: entry.reason for entry in entries if isinstance(entry, Skipped)}
    assert files == ["a.txt", "inside.txt", "sub/b.txt"]
    assert skipped == {
        ".swap": SkipReason.HIDDEN,
        "back": SkipReason.SYMLINK_LOOP,
        "caf\\xe9.txt": SkipReason.UNDECODABLE_NAME,
        "deep/" + "d/" * (storage.MAX_DEPTH - 1) + "d": SkipReason.TOO_DEEP,
        "gone": SkipReason.DANGLING_LINK,
        "loop": SkipReason.SYMLINK_LOOP,
        "outside-folder": SkipReason.LINK_OUTSIDE,
        "outside.txt": SkipReason.LINK_OUTSIDE,
        "pipe": SkipReason.SPECIAL_FILE,
    }


def test_storage_walk_follows_links_out_only_when_asked(tmp_path: Path) -> None:
    raw = _odd_raw_folder(tmp_path)
    files = [
        entry.path for entry in storage.walk_raw(raw, (), follow_links=True) if isinstance(entry, SourceFile)
    ]
    assert "outside.txt" in files
    assert "outside-folder/secret.txt" in files
    assert not any(path.startswith("outside-folder/raw/") for path in files)  # the raw folder is walked once


def test_storage_walk_of_a_folder_nested_1000_deep_does_not_raise(tmp_path: Path) -> None:
    (tmp_path / "raw").mkdir()
    folder = os.open(tmp_path / "raw", os.O_RDONLY)
    for _ in range(1000):  # one level at a time, relative to the last: the whole path is too long for mkdir
        os.mkdir("d", dir_fd=folder)
        inner = os.open("d", os.O_RDONLY, dir_fd=folder)
        os.close(folder)
        folder = inner
    os.close(folder)
    try:
        reasons = [
            entry.reason for entry in storage.walk_raw(tmp_path / "raw", ()) if isinstance(entry, Skipped)
        ]
        assert reasons == [SkipReason.TOO_DEEP]
    finally:
        _remove_chain(tmp_path / "raw")


def _remove_chain(root: Path) -> None:
    """Remove a chain of nested "d" folders from the top, one level at a time (pytest's own clean-up of its
    temporary folders recurses, and 1,000 levels are past Python's recursion limit)."""
    top = os.open(root, os.O_RDONLY)
    try:
        while True:
            try:
                os.rename("d/d", "t", src_dir_fd=top, dst_dir_fd=top)
            except FileNotFoundError:
                os.rmdir("d", dir_fd=top)
                return
            os.rmdir("d", dir_fd=top)
            os.rename("t", "d", src_dir_fd=top, dst_dir_fd=top)
    finally:
        os.close(top)


def test_storage_unreadable_file_is_a_reject(tmp_path: Path) -> None:
    (tmp_path / "gone.txt").write_text("x")
    source = next(storage.iter_raw_files(tmp_path, ()))
    (tmp_path / "gone.txt").unlink()
    outcome = storage.read_raw(tmp_path, source, max_bytes=1000)
    assert isinstance(outcome, Reject)
    assert outcome.reason is RejectReason.UNREADABLE


def test_storage_output_folder_must_be_ours(tmp_path: Path) -> None:
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("someone else's")
    with pytest.raises(storage.OutputNotOursError, match="did not write"):
        storage.prepare_output_dir(tmp_path / "mine")
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    (fresh / ".gitignore").write_text("*\n")
    storage.prepare_output_dir(fresh)
    storage.prepare_output_dir(fresh)  # ours now: accepted again
    assert (fresh / storage.OUTPUT_MARKER).exists()


def test_storage_commit_round_trip_with_metadata(
    tmp_path: Path, run_info: RunInfo, sample_bytes: bytes
) -> None:
    article = to_article(raw_document(sample_bytes, "sample.txt"))
    assert isinstance(article, Article)
    frame = articles_frame([article], run_info, {})
    staging = _stage(tmp_path, run_info.run_id, {"articles": frame})
    result = storage.commit_staged(tmp_path, staging, "articles", "article_id", run_metadata(run_info))
    assert (result.rows_staged, result.rows_inserted, result.version) == (1, 1, 0)
    back = storage.read_table(tmp_path, "articles")
    assert back.select(frame.columns).equals(frame)
    latest = storage.table_history(tmp_path, "articles")[0]
    assert latest["run_id"] == run_info.run_id
    assert (latest["model_name"], latest["schema_version"], latest["rows_in_run"]) == (
        "en_test",
        "1.0.0",
        "1",
    )


def test_storage_recommit_of_same_rows_adds_no_version(tmp_path: Path, run_info: RunInfo) -> None:
    frames = {"entities": entities_frame(_mentions(5), run_info, {})}
    first = storage.commit_staged(
        tmp_path, _stage(tmp_path, "r1", frames), "entities", "mention_id", METADATA
    )
    again = storage.commit_staged(
        tmp_path, _stage(tmp_path, "r2", frames), "entities", "mention_id", METADATA
    )
    more = {"entities": entities_frame(_mentions(8), run_info, {})}
    grown = storage.commit_staged(tmp_path, _stage(tmp_path, "r3", more), "entities", "mention_id", METADATA)
    assert (first.version, again.version, grown.version) == (0, None, 1)
    assert (again.rows_inserted, grown.rows_inserted) == (0, 3)
    assert storage.read_table(tmp_path, "entities").height == 8


def test_storage_keys_that_share_a_hash_are_still_told_apart_by_the_commit(
    tmp_path: Path, run_info: RunInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The commit looks for the staged keys in the table by their hashes; a hash two keys share only makes a
    candidate, so with every key's hash the same the right rows are still inserted."""
    first = {"entities": entities_frame(_mentions(6), run_info, {})}
    storage.commit_staged(tmp_path, _stage(tmp_path, "r1", first), "entities", "mention_id", METADATA)

    def same_hash(expression: pl.Expr, *args: object, **kwargs: object) -> pl.Expr:
        return pl.lit(7, dtype=pl.UInt64).alias(expression.meta.output_name())

    monkeypatch.setattr(pl.Expr, "hash", same_hash)
    more = {"entities": entities_frame(_mentions(10), run_info, {})}
    grown = storage.commit_staged(tmp_path, _stage(tmp_path, "r2", more), "entities", "mention_id", METADATA)
    assert (grown.rows_staged, grown.rows_inserted) == (10, 4)
    table = storage.read_table(tmp_path, "entities")
    assert (table.height, table["mention_id"].n_unique()) == (10, 10)


def _commit_in_child(output: str, staging: str, ready: Any) -> None:
    ready.wait()  # every child has started and imported deltalake: they commit at the same moment
    storage.commit_staged(Path(output), Path(staging), "entities", "mention_id", METADATA)


def test_storage_concurrent_commits_never_duplicate(tmp_path: Path, run_info: RunInfo) -> None:
    """Three runs commit overlapping rows at once into a table none of them finds: each row lands once.

    Regression: two runs that both created the table used to append all their rows (deltalake retried the
    losing create as an append); 17 of 20 such races duplicated rows before the fix.
    """
    context = multiprocessing.get_context("spawn")
    ready = context.Barrier(3)
    children = []
    for run in range(3):  # overlapping key ranges: each run shares rows with the others
        frame = entities_frame(_mentions(20 + 10 * run), run_info, {})
        staging = str(_stage(tmp_path, f"run-{run}", {"entities": frame}))
        children.append(context.Process(target=_commit_in_child, args=(str(tmp_path), staging, ready)))
    for child in children:
        child.start()
    for child in children:
        child.join(timeout=120)
    assert [child.exitcode for child in children] == [0, 0, 0]
    table = storage.read_table(tmp_path, "entities")
    assert table.height == 40
    assert table["mention_id"].n_unique() == 40


def test_storage_a_commit_on_a_table_another_writer_moved_fails_and_is_done_again_without_duplicates(
    tmp_path: Path, run_info: RunInfo
) -> None:
    """The keys a commit checks are those of the version it read: a commit landing on a newer one would not
    have checked the other writer's rows, so it fails, and commit_staged does it again against the new state."""
    from deltalake import CommitProperties
    from deltalake.exceptions import CommitFailedError

    storage.ensure_tables(tmp_path, METADATA)
    read_before = DeltaTable(storage.table_uri(tmp_path, "entities"))
    other = _stage(tmp_path, "other", {"entities": entities_frame(_mentions(6), run_info, {})})
    storage.commit_staged(tmp_path, other, "entities", "mention_id", METADATA)
    mine = _stage(tmp_path, "mine", {"entities": entities_frame(_mentions(10), run_info, {})})
    files = sorted(str(path) for path in (mine / "entities").glob("batch-*.parquet"))
    with pytest.raises(CommitFailedError):
        storage.insert_missing(
            read_before, files, "entities", "mention_id", 10, CommitProperties(max_commit_retries=0)
        )
    folder = Path(storage.table_uri(tmp_path, "entities"))
    assert _data_files(folder) == _files_in_log(folder)  # the failed commit's file is not left in the table
    result = storage.commit_staged(tmp_path, mine, "entities", "mention_id", METADATA)
    assert (result.rows_staged, result.rows_inserted) == (10, 4)
    assert result.version == DeltaTable(str(folder)).version() == 2
    table = storage.read_table(tmp_path, "entities")
    assert (table.height, table["mention_id"].n_unique()) == (10, 10)
    assert _data_files(folder) == _files_in_log(folder)


def _data_files(folder: Path) -> set[str]:
    return {path.name for path in folder.glob("*.parquet")}


def _files_in_log(folder: Path) -> set[str]:
    return {Path(uri).name for uri in DeltaTable(str(folder)).file_uris()}


def _added_stats(folder: Path) -> list[dict[str, Any]]:
    """The statistics of every file added to a table, in commit order."""
    return [
        json.loads(action["add"]["stats"])
        for log in sorted((folder / "_delta_log").glob("*.json"))
        for action in map(json.loads, log.read_text().splitlines())
        if "add" in action
    ]


def test_storage_a_commit_records_the_file_statistics_deltalake_s_writer_records(
    tmp_path: Path, run_info: RunInfo, sample_bytes: bytes
) -> None:
    """The commits write their own Parquet file (deltalake's writer held the whole run's rows); readers skip
    files by the statistics in its add action, which must be those deltalake records for the same rows:
    counts, nulls, minima and maxima, long strings cut to 64 bytes on a character boundary (the maximum's last
    character raised)."""
    from deltalake import write_deltalake

    article = to_article(raw_document(sample_bytes, "sample.txt"))
    assert isinstance(article, Article)
    one = articles_frame([article], run_info, {})
    headlines = ["é" * 40, "a" * 63 + "\u2019 and more", "short"]  # cut between, inside, and no cut
    frame = pl.concat(
        [one]
        + [
            one.with_columns(pl.lit(f"{i:032x}").alias("article_id"), pl.lit(text).alias("headline"))
            for i, text in enumerate(headlines)
        ]
    )
    staging = _stage(
        tmp_path / "mine", "r1", {"articles": frame, "entities": entities_frame(_mentions(5), run_info, {})}
    )
    for output in (tmp_path / "mine", tmp_path / "deltalake"):
        storage.ensure_tables(output, METADATA)
    for table, key in (("articles", "article_id"), ("entities", "mention_id")):
        storage.commit_staged(tmp_path / "mine", staging, table, key, METADATA)
        rows = pl.read_parquet(staging / table / "batch-000001.parquet").to_arrow()
        write_deltalake(
            storage.table_uri(tmp_path / "deltalake", table),
            rows.cast(storage.delta_schema(table)),
            mode="append",
        )
        mine, theirs = (
            _added_stats(Path(storage.table_uri(out, table)))
            for out in (tmp_path / "mine", tmp_path / "deltalake")
        )
        assert mine == theirs
        assert len(mine) == 1
        assert storage.read_table(tmp_path / "mine", table).equals(
            storage.read_table(tmp_path / "deltalake", table)
        )
    assert mine[0]["numRecords"] == 5


def test_storage_a_commit_larger_than_a_row_group_writes_one_file_of_several_with_deltalake_s_statistics(
    tmp_path: Path, run_info: RunInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run's rows of a table larger than ROW_GROUP_BYTES go into one file of several row groups (a commit
    holds one row group at a time); the add action's statistics still cover the whole file, as deltalake's
    writer records them for the same rows in one row group."""
    import pyarrow.parquet as pq
    from deltalake import write_deltalake

    batches = [
        entities_frame(_mentions(40, article_id=f"{n:032x}"), run_info, {}).with_columns(
            pl.col("text") + f" {n}" * (n + 1)
        )
        for n in range(3)
    ]
    staging = storage.staging_dir(tmp_path / "mine", "r1")
    for number, frame in enumerate(batches, start=1):
        storage.stage_batch(staging, number, {"entities": frame})
    monkeypatch.setattr(storage, "ROW_GROUP_BYTES", batches[0].to_arrow().nbytes // 2)
    for output in (tmp_path / "mine", tmp_path / "deltalake"):
        storage.ensure_tables(output, METADATA)
    storage.commit_staged(tmp_path / "mine", staging, "entities", "mention_id", METADATA)
    write_deltalake(
        storage.table_uri(tmp_path / "deltalake", "entities"),
        pl.concat(batches).to_arrow().cast(storage.delta_schema("entities")),
        mode="append",
    )
    folder = Path(storage.table_uri(tmp_path / "mine", "entities"))
    (written,) = folder.glob("*.parquet")
    assert pq.ParquetFile(written).metadata.num_row_groups == 3
    assert _added_stats(folder) == _added_stats(Path(storage.table_uri(tmp_path / "deltalake", "entities")))
    assert (
        storage.read_table(tmp_path / "mine", "entities")
        .sort("mention_id")
        .equals(storage.read_table(tmp_path / "deltalake", "entities").sort("mention_id"))
    )


def test_storage_row_groups_gather_small_parts_and_keep_every_row_in_order() -> None:
    import pyarrow as pa

    def part(start: int, rows: int) -> pa.Table:
        return pa.table({"n": pa.array(range(start, start + rows), type=pa.int64())})  # 8 bytes a row

    parts = [part(0, 10), part(10, 0), part(10, 10), part(20, 30), part(50, 5)]
    groups = list(storage._row_groups(parts, size=160))
    assert [group.num_rows for group in groups] == [20, 30, 5]  # 80 + 80 bytes; 240 alone; what is left
    assert pa.concat_tables(groups)["n"].to_pylist() == list(range(55))
    assert list(storage._row_groups([part(0, 0)], size=160)) == []


def test_storage_pyarrow_gives_freed_memory_back_unless_the_user_chose_its_allocator(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import pyarrow as pa

    before = pa.default_memory_pool()
    try:
        pa.set_memory_pool(pa.mimalloc_memory_pool())
        monkeypatch.setenv("ARROW_DEFAULT_MEMORY_POOL", "mimalloc")
        storage.free_arrow_memory_at_once()
        assert pa.default_memory_pool().backend_name == "mimalloc"
        monkeypatch.delenv("ARROW_DEFAULT_MEMORY_POOL")
        storage.free_arrow_memory_at_once()
        assert pa.default_memory_pool().backend_name == "system"
    finally:
        pa.set_memory_pool(before)


@pytest.mark.parametrize(("chosen", "expected"), [(None, "system"), ("mimalloc", "mimalloc")])
def test_importing_newsmill_before_pyarrow_gives_arrows_own_code_the_c_librarys_malloc_unless_the_user_chose(
    chosen: str | None, expected: str
) -> None:
    # Arrow's C++ default pool (the Parquet reader's and writer's buffers) is fixed when pyarrow is first
    # imported, so only a fresh interpreter shows it.
    import subprocess
    import sys

    environment = {name: value for name, value in os.environ.items() if name != "ARROW_DEFAULT_MEMORY_POOL"}
    if chosen is not None:
        environment["ARROW_DEFAULT_MEMORY_POOL"] = chosen
    backend = subprocess.run(
        [sys.executable, "-c", "import flows, pyarrow; print(pyarrow.default_memory_pool().backend_name)"],
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert backend == expected


def test_storage_a_string_maximum_cut_short_is_raised_to_stay_an_upper_bound() -> None:
    assert storage._raised_last("abc") == "abd"
    assert storage._raised_last("caf\u00e9") == "caf\u00ea"
    assert storage._raised_last("\U0010ffff") is None  # nothing above the last code point
    assert storage._raised_last("\u007f") is None  # the next one is two bytes long in UTF-8
    assert storage._raised_last("\ud7ff") is None  # the next is a surrogate, not a character
    assert storage._raised_last("") is None


def test_storage_a_table_of_an_older_schema_gains_the_new_columns_at_its_next_commit(
    tmp_path: Path, run_info: RunInfo
) -> None:
    """A table written before a column was added takes the rows with deltalake's writer, merging the schema."""
    from deltalake import write_deltalake

    declared = storage.delta_schema("entities")
    older = declared.remove(declared.get_field_index("link_method"))
    write_deltalake(storage.table_uri(tmp_path, "entities"), older.empty_table(), mode="error")
    staging = _stage(tmp_path, "r1", {"entities": entities_frame(_mentions(4), run_info, {})})
    result = storage.commit_staged(tmp_path, staging, "entities", "mention_id", METADATA)
    assert result.rows_inserted == 4
    table = storage.read_table(tmp_path, "entities")
    assert "link_method" in table.columns
    assert table.height == 4


def test_storage_commits_keep_the_columns_the_schemas_declare_non_null_not_null(
    tmp_path: Path, run_info: RunInfo, sample_bytes: bytes
) -> None:
    """Regression: deltalake's MERGE, which the commits used, made integer, boolean and time columns of the
    articles and entities tables nullable in the Delta schema at the first commit."""
    import pyarrow as pa

    article = to_article(raw_document(sample_bytes, "sample.txt"))
    assert isinstance(article, Article)
    storage.ensure_tables(tmp_path, METADATA)
    frames = {
        "articles": articles_frame([article], run_info, {}),
        "entities": entities_frame(_mentions(3, article.article_id), run_info, {}),
    }
    staging = _stage(tmp_path, "r1", frames)
    for table, key in (("articles", "article_id"), ("entities", "mention_id")):
        assert storage.commit_staged(tmp_path, staging, table, key, METADATA).rows_inserted > 0
        schema = pa.schema(DeltaTable(storage.table_uri(tmp_path, table)).schema().to_arrow())
        declared = storage.delta_schema(table)
        assert {field.name for field in schema if not field.nullable} == {
            field.name for field in declared if not field.nullable
        }


def test_storage_run_killed_between_commits_is_completed_without_duplicates(
    tmp_path: Path, run_info: RunInfo
) -> None:
    frames = {"entities": entities_frame(_mentions(6), run_info, {}), "articles": pl.DataFrame()}
    staging = _stage(tmp_path, "killed", {"entities": frames["entities"]})
    storage.commit_staged(tmp_path, staging, "entities", "mention_id", METADATA)  # then the process died
    rerun = _stage(tmp_path, "rerun", {"entities": frames["entities"]})
    result = storage.commit_staged(tmp_path, rerun, "entities", "mention_id", METADATA)
    assert (result.rows_inserted, result.version) == (0, None)
    assert storage.read_table(tmp_path, "entities").height == 6


def test_storage_known_sources_come_from_articles_and_rejects(
    tmp_path: Path, run_info: RunInfo, sample_bytes: bytes
) -> None:
    article = to_article(raw_document(sample_bytes, "sample.txt"))
    assert isinstance(article, Article)
    staging = _stage(tmp_path, "r", {"articles": articles_frame([article], run_info, {})})
    storage.commit_staged(tmp_path, staging, "articles", "article_id", METADATA)
    known = storage.load_known_sources(tmp_path)
    assert known.has_version("sample.txt", article.source_sha256)
    assert known.path_by_sha[article.source_sha256] == "sample.txt"
    assert len(known) == 1


mention_rows = st.lists(
    st.tuples(
        st.text(min_size=1, max_size=40).filter(str.strip),
        st.integers(0, 10_000),
        st.sampled_from(["ORG", "GPE", "PERSON"]),
    ),
    min_size=1,
    max_size=30,
    unique_by=lambda row: (row[1], row[2]),
)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=mention_rows)
def test_storage_any_schema_valid_frame_survives_write_and_read(
    tmp_path_factory: pytest.TempPathFactory, rows: list[tuple[str, int, str]]
) -> None:
    output = tmp_path_factory.mktemp("delta")
    run = RunInfo("run-h", datetime(2026, 1, 1, tzinfo=UTC), "0.1.0", "m", "1", "1.0.0", "/raw")
    article = to_article(raw_document(SAMPLE.read_bytes()))
    assert isinstance(article, Article)
    mentions = [
        EntityMention(article.article_id, Section.BODY, start, start + len(text), text, label, 0)
        for text, start, label in rows
    ]
    frame = Entities.validate(entity_rows(article, mentions, run))
    storage.commit_staged(
        output, _stage(output, "h", {"entities": frame}), "entities", "mention_id", METADATA
    )
    back = storage.read_table(output, "entities").sort("mention_id")
    assert back.select(frame.columns).equals(frame.sort("mention_id"))
    assert DeltaTable(str(output / "entities")).version() == 0


TABLE_KEYS = {name: table.key for name, table in TABLES.items()}


def _dead_owner(staging: Path, output: Path) -> None:
    """Make a staging folder look like that of a process that is gone."""
    storage.claim_staging(staging, output)
    owner = json.loads((staging / storage.OWNER_FILE).read_text())
    (staging / storage.OWNER_FILE).write_text(json.dumps(owner | {"pid": 2**22 + 12345}))


def test_storage_articles_are_committed_before_their_details() -> None:
    order = list(storage.COMMIT_ORDER)
    assert all(order.index("articles") < order.index(table) for table in ARTICLE_DETAIL_TABLES)


class _CommitLog:
    """Stands in for :func:`storage.commit_staged`: records when each table's commit starts and ends, and holds
    the commits of ``together`` until as many run at once (a timeout if they never do)."""

    def __init__(self, together: tuple[str, ...] = (), failing: str | None = None) -> None:
        self.events: list[tuple[str, str]] = []
        self.together = together
        self.meeting = threading.Barrier(len(together), timeout=10) if together else None
        self.failing = failing

    def __call__(self, output: Path, staging: Path, table: str, *_: Any) -> storage.CommitResult:
        self.events.append(("start", table))
        if self.meeting is not None and table in self.together:
            self.meeting.wait()
        if table == self.failing:
            raise OSError(f"[Errno 28] No space left on device: {table}")
        self.events.append(("end", table))
        return storage.CommitResult(table, 1, 1, 0)

    def position(self, step: str, table: str) -> int:
        return self.events.index((step, table))


def test_storage_run_commits_its_detail_tables_at_once_and_only_after_its_articles(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first_two = ARTICLE_DETAIL_TABLES[: storage.DETAIL_COMMITS_AT_ONCE]
    # one detail commit at a time would time out at the barrier, waiting for the other
    commits = _CommitLog(together=first_two)
    monkeypatch.setattr(storage, "commit_staged", commits)

    results = storage.commit_run(tmp_path, storage.staging_dir(tmp_path, "run"), TABLE_KEYS, METADATA)

    assert list(results) == list(storage.COMMIT_ORDER)
    assert commits.position("end", "rejects") < commits.position("start", "removals")
    assert commits.position("end", "removals") < commits.position("start", "articles")
    articles_done = commits.position("end", "articles")
    assert all(commits.position("start", table) > articles_done for table in ARTICLE_DETAIL_TABLES)


def test_storage_run_whose_detail_commit_fails_finishes_the_others_before_it_raises(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    commits = _CommitLog(failing="places")
    monkeypatch.setattr(storage, "commit_staged", commits)

    with pytest.raises(OSError, match="No space left"):
        storage.commit_run(tmp_path, storage.staging_dir(tmp_path, "run"), TABLE_KEYS, METADATA)

    others = [table for table in ARTICLE_DETAIL_TABLES if table != "places"]
    assert all(("end", table) in commits.events for table in others)


def test_storage_run_killed_while_committing_is_finished_by_the_next_run(
    tmp_path: Path, run_info: RunInfo, sample_bytes: bytes
) -> None:
    article = to_article(raw_document(sample_bytes))
    assert isinstance(article, Article)
    mentions = _mentions(4)
    frames = {
        "articles": articles_frame([article], run_info, {}),
        "entities": entities_frame(mentions, run_info, {}),
    }
    staging = _stage(tmp_path, "killed", frames)
    _dead_owner(staging, tmp_path)
    storage.mark_committing(staging, METADATA)
    storage.commit_staged(tmp_path, staging, "articles", "article_id", METADATA)  # then killed: no entities
    live = storage.staging_dir(tmp_path, "running")
    storage.claim_staging(live, tmp_path)  # a run of this very process: alive, left alone

    abandoned = storage.abandoned_stagings(tmp_path)
    assert abandoned == [staging]
    storage.recover_staging(tmp_path, staging, TABLE_KEYS)

    assert storage.read_table(tmp_path, "entities").height == 4
    assert storage.read_table(tmp_path, "articles").height == 1
    assert not staging.exists()
    assert live.exists()
    history = storage.table_history(tmp_path, "entities")
    assert history[0]["newsmill_operation"] == "recovery"


def test_storage_run_killed_before_committing_leaves_nothing_behind(
    tmp_path: Path, run_info: RunInfo
) -> None:
    staging = _stage(tmp_path, "killed", {"entities": entities_frame(_mentions(3), run_info, {})})
    _dead_owner(staging, tmp_path)

    for abandoned in storage.abandoned_stagings(tmp_path):
        storage.recover_staging(tmp_path, abandoned, TABLE_KEYS)

    assert storage.table_version(tmp_path, "entities") is None
    assert not (tmp_path / storage.STAGING_DIR).exists()


def test_storage_a_table_from_an_older_newsmill_gains_the_new_columns(
    tmp_path: Path, run_info: RunInfo, sample_bytes: bytes
) -> None:
    from deltalake import write_deltalake

    from flows.core.revisions import article_status

    old = to_article(raw_document(sample_bytes, "old.txt"))
    new = to_article(raw_document(sample_bytes + b"\nOne more line.\n", "new.txt"))
    assert isinstance(old, Article)
    assert isinstance(new, Article)
    added = ["version", "previous_article_id", "changed_fields", "body_sha256", "duplicate_of", "story_id"]
    older = articles_frame([old], run_info, {}).drop([*added, "story_keys", "publisher", "raw_source"])
    write_deltalake(storage.table_uri(tmp_path, "articles"), older.to_arrow())
    staging = _stage(tmp_path, "r2", {"articles": articles_frame([new], run_info, {})})
    result = storage.commit_staged(tmp_path, staging, "articles", "article_id", METADATA)
    assert result.rows_inserted == 1
    table = storage.read_table(tmp_path, "articles").sort("source_path")
    assert table["version"].to_list() == [1, None]  # new.txt, old.txt: the old row has no stored version
    known = storage.load_known_sources(tmp_path)
    assert set(known.latest["source_path"]) == {"old.txt", "new.txt"}
    status = article_status(
        table.select("article_id", "raw_source", "source_path", "version", "ingested_at"),
        pl.DataFrame(schema={"article_id": pl.Utf8, "removed_at": pl.Datetime("us", "UTC")}),
    )
    assert status["is_current"].to_list() == [True, True]
    assert table["raw_source"].to_list() == ["/raw", None]  # the old row records no raw folder


def test_storage_rows_from_before_raw_folders_belong_to_the_folder_that_records_their_path_next(
    tmp_path: Path, run_info: RunInfo, sample_bytes: bytes
) -> None:
    """An output written before raw_source existed: its rows are any folder's until a folder records the path
    again; from then on they are that folder's versions, and another folder neither knows nor removes them."""
    from dataclasses import replace

    from deltalake import write_deltalake

    old = to_article(raw_document(sample_bytes, "old.txt"))
    assert isinstance(old, Article)
    write_deltalake(
        storage.table_uri(tmp_path, "articles"),
        articles_frame([old], run_info, {}).drop("raw_source").to_arrow(),
    )
    recorded = SourceFile("old.txt", old.source_size_bytes, old.source_mtime_ns)
    for folder in ("/raw", "/elsewhere"):  # nobody has claimed the old rows yet: any folder's, as before
        known = storage.load_known_sources(tmp_path, raw_source=folder)
        assert known.unchanged(recorded)
        assert known.latest.rows() == [("old.txt", old.article_id, False)]

    edited = to_article(raw_document(sample_bytes + b"\nOne more line.\n", "old.txt"))
    assert isinstance(edited, Article)
    later = replace(run_info, run_id="run-2", ingested_at=datetime(2026, 12, 1, tzinfo=UTC))
    staging = _stage(tmp_path, "run-2", {"articles": articles_frame([edited], later, {})})
    storage.commit_staged(tmp_path, staging, "articles", "article_id", METADATA)

    mine = storage.load_known_sources(tmp_path, raw_source=later.raw_source)
    assert mine.latest.rows() == [("old.txt", edited.article_id, False)]
    assert mine.unchanged(recorded)  # the old version is this folder's too
    other = storage.load_known_sources(tmp_path, raw_source="/elsewhere")
    assert other.latest.is_empty()  # so a run on another folder records no removal of it
    assert not other.unchanged(recorded)
    status = storage.read_article_status(tmp_path)
    assert status.select("article_id", "raw_source", "is_current").sort("is_current").rows() == [
        (old.article_id, later.raw_source, False),
        (edited.article_id, later.raw_source, True),
    ]


def test_storage_a_copy_committed_first_by_another_run_makes_this_runs_file_a_duplicate_reject(
    tmp_path: Path, run_info: RunInfo, sample_bytes: bytes
) -> None:
    """Two runs on different raw folders find the same bytes in a.txt and b.txt: one article, one reject."""
    first = to_article(raw_document(sample_bytes, "a.txt"))
    second = to_article(raw_document(sample_bytes, "b.txt"))
    assert isinstance(first, Article)
    assert isinstance(second, Article)
    storage.commit_run(
        tmp_path,
        _stage(tmp_path, "run-a", {"articles": articles_frame([first], run_info, {})}),
        TABLE_KEYS,
        METADATA,
    )
    staging = _stage(tmp_path, "run-b", {"articles": articles_frame([second], run_info, {})})

    results = storage.commit_run(tmp_path, staging, TABLE_KEYS, METADATA)

    assert storage.read_table(tmp_path, "articles")["source_path"].to_list() == ["a.txt"]
    rejects = storage.current_rejects(tmp_path)
    assert rejects.select("source_path", "reason", "article_id").rows() == [
        ("b.txt", "duplicate_content", first.article_id)
    ]
    assert "same bytes as 'a.txt'" in rejects["detail"][0]
    assert (results["articles"].rows_inserted, results["rejects"].rows_inserted) == (0, 1)
    again = storage.commit_run(tmp_path, staging, TABLE_KEYS, METADATA)  # a recovery commits it again
    assert again["rejects"].rows_inserted == 0
    assert storage.read_table(tmp_path, "rejects").height == 1


def test_storage_a_run_that_staged_nothing_writes_nothing_to_the_output(
    tmp_path: Path, run_info: RunInfo
) -> None:
    from flows import tasks
    from flows.config import Settings

    storage.prepare_output_dir(tmp_path)
    storage.ensure_tables(tmp_path, METADATA)
    settings = Settings(raw_dir=tmp_path / "raw", output_dir=str(tmp_path))

    def listing() -> list[tuple[str, int]]:  # a folder's time changes when anything is made or removed in it
        return sorted((str(path), path.stat().st_mtime_ns) for path in [tmp_path, *tmp_path.rglob("*")])

    before = listing()
    results = tasks.commit.fn(settings, run_info)

    assert all(result.version is None for result in results.values())
    assert listing() == before


def _commit_failing(times: int) -> tuple[list[int], Any]:
    calls: list[int] = []

    def commit() -> str:
        calls.append(len(calls))
        if len(calls) <= times:
            raise CommitFailedError("another writer committed first")
        return "committed"

    return calls, commit


def test_a_commit_that_lost_a_race_is_done_again_until_it_lands(monkeypatch: pytest.MonkeyPatch) -> None:
    pauses: list[float] = []
    monkeypatch.setattr(storage.time, "sleep", pauses.append)
    calls, commit = _commit_failing(2)

    assert storage.retried_on_conflict(commit) == "committed"
    assert len(calls) == 3
    assert len(pauses) == 2
    assert 0.05 <= pauses[0] <= 0.1  # each pause doubles, jittered by up to twice itself
    assert 0.1 <= pauses[1] <= 0.2


def test_a_commit_that_keeps_losing_fails_after_the_last_attempt(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(storage.time, "sleep", lambda _seconds: None)
    calls, commit = _commit_failing(storage.MAX_COMMIT_ATTEMPTS)

    with pytest.raises(CommitFailedError):
        storage.retried_on_conflict(commit)
    assert len(calls) == storage.MAX_COMMIT_ATTEMPTS
