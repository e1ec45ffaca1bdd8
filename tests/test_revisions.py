"""Revisions and removals: every file's versions numbered, exactly one current article per file still there.

The sequence test runs the flow's steps (without Prefect's engine, with a blank spaCy pipeline whose entity
ruler is its ``ner``) over a raw folder that changes between runs, compacts and vacuums, and checks that the
Delta tables, the export and a plain-Parquet reading of it agree row for row.
"""

from __future__ import annotations

import shutil
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import polars as pl
import pyarrow.dataset as pads
import pytest
import spacy

from flows import storage, tasks
from flows.config import Settings
from flows.core.revisions import LATEST_SCHEMA, Removal, apply_revisions, article_status, removed_files
from flows.core.tables.rows import BatchTables, RunInfo
from schemas.tables import ARTICLE_DETAIL_TABLES, TABLES, VIEW_KEYS

T0 = datetime(2026, 1, 1, tzinfo=UTC)
T1 = datetime(2026, 1, 2, tzinfo=UTC)


def _status_input(*rows: tuple[str, str, int, datetime], raw_source: str | None = "/raw") -> pl.DataFrame:
    return _status_rows(*((article, raw_source, path, version, at) for article, path, version, at in rows))


def _status_rows(*rows: tuple[str, str | None, str, int, datetime]) -> pl.DataFrame:
    """Articles (id, raw folder, path, version, ingested_at) as the status view reads them."""
    return pl.DataFrame(
        rows,
        schema={
            "article_id": pl.Utf8,
            "raw_source": pl.Utf8,
            "source_path": pl.Utf8,
            "version": pl.Int32,
            "ingested_at": pl.Datetime("us", "UTC"),
        },
        orient="row",
    )


def _removals(*rows: tuple[str, datetime]) -> pl.DataFrame:
    return pl.DataFrame(
        rows, schema={"article_id": pl.Utf8, "removed_at": pl.Datetime("us", "UTC")}, orient="row"
    )


def test_revisions_status_marks_the_latest_version_current_and_a_removed_file_none() -> None:
    articles = _status_input(
        ("a1", "a.txt", 1, T0), ("a2", "a.txt", 2, T1), ("b1", "b.txt", 1, T0), ("c1", "c.txt", 1, T0)
    )
    status = article_status(articles, _removals(("b1", T1)))
    assert status.select("article_id", "is_current").rows() == [
        ("a1", False),
        ("a2", True),
        ("b1", False),
        ("c1", True),
    ]
    assert status.filter(pl.col("article_id") == "b1")["removed_at"].to_list() == [T1]


def test_revisions_status_breaks_a_tie_of_concurrent_runs_the_same_way_every_time() -> None:
    tied = _status_input(("x2", "a.txt", 2, T0), ("x1", "a.txt", 1, T0), ("y2", "a.txt", 2, T1))
    status = article_status(tied, _removals())
    assert status.filter("is_current")["article_id"].to_list() == ["y2"]
    assert article_status(tied.reverse(), _removals()).equals(status)


def test_revisions_changed_fields_name_what_differs_from_the_previous_version() -> None:
    columns = {"source_path": pl.Utf8, "article_id": pl.Utf8, "version": pl.Int32, "headline": pl.Utf8}
    new = pl.DataFrame(
        {
            "source_path": ["a.txt", "new.txt"],
            "article_id": ["a2", "n1"],
            "version": [1, 1],
            "headline": ["Changed", "Fresh"],
            "body": ["same body", "x"],
            "authors": [["Ann"], []],
            "previous_article_id": [None, None],
            "changed_fields": [[], []],
        },
        schema_overrides={
            "version": pl.Int32,
            "previous_article_id": pl.Utf8,
            "changed_fields": pl.List(pl.Utf8),
        },
    )
    from flows.core import revisions

    previous = pl.DataFrame(
        {"source_path": ["a.txt"], "article_id": ["a1"], "version": [1], "headline": ["Old"]}, schema=columns
    ).with_columns(
        pl.lit("same body").alias("body"),
        pl.lit(["Ann", "Bo"]).alias("authors"),
        *(
            pl.lit(None).alias(name)
            for name in revisions.REVISED_FIELDS
            if name not in ("headline", "body", "authors")
        ),
    )
    revised = apply_revisions(
        new.with_columns(
            *(pl.lit(None).alias(name) for name in revisions.REVISED_FIELDS if name not in new.columns)
        ),
        previous,
    )
    assert revised.select("article_id", "version", "previous_article_id", "changed_fields").rows() == [
        ("a2", 2, "a1", ["headline", "authors"]),
        ("n1", 1, None, []),
    ]


def test_revisions_removed_files_are_those_gone_and_in_scope_and_not_removed_already() -> None:
    latest = pl.DataFrame(
        [("a.txt", "a1", False), ("b.txt", "b1", True), ("c.json", "c1", False), ("d.txt", "d1", False)],
        schema=LATEST_SCHEMA,
        orient="row",
    )
    gone = removed_files(latest, {"d.txt"}, lambda path: path.endswith(".txt"))
    assert gone == [Removal("a.txt", "a1")]


# --- the sequence: ingest, edit, copy, delete, compact, vacuum, export -------------------------------------

PARAGRAPHS = {
    "harbour": [
        "The harbour board voted on Tuesday to dredge the northern channel before the autumn storms arrive.",
        "Pilots had warned for two winters that loaded ships were touching the bottom at low tide.",
        "The work will take six weeks and close the channel to pleasure boats at weekends.",
        "Fishermen led by Maria Lopez said they welcomed the decision but asked for the spoil to be taken far out to sea.",
    ],
    "library": [
        "The town library will open on Sundays from next month after volunteers offered to staff the desk.",
        "Visitor numbers rose by a third last year, with students filling the reading room every evening.",
        "The council said the extra day would cost almost nothing because the building is heated anyway.",
        "A survey by Tom Reed found that most wanted longer hours rather than new books.",
    ],
    "orchard": [
        "Growers in the valley stretched nets over their trees this spring to keep a late frost off the blossom.",
        "The nets were lent by the cooperative, which bought them with a grant after two poor harvests.",
        "One grower, Ben Hale, said a single cold night had cost him half of last year's fruit.",
        "The cooperative will count the fruit in September and decide whether to buy more nets.",
    ],
    "bridge": [
        "Engineers closed the old stone bridge to lorries after finding cracks in two of its arches.",
        "Drivers face a detour of eleven miles until repairs are finished, probably in the spring.",
        "The county said the bridge was safe for cars, cyclists and people on foot.",
        "Sara Moss, who runs a shop on the high street, fears the detour will keep shoppers away before Christmas.",
    ],
}
HEADLINES = {
    "harbour": "Harbour board votes to dredge northern channel",
    "library": "Town library to open on Sundays",
    "orchard": "Orchard growers try nets against late frost",
    "bridge": "Old stone bridge closed to lorries",
}


def page(
    story: str,
    headline: str | None = None,
    paragraphs: list[str] | None = None,
    tagline: str = "The Valley Courier",
    extra: str = "",
) -> str:
    """A hand-written news page: the site's name, menu, headline, byline, date line, paragraphs, footer."""
    body = "\n\n".join(paragraphs or PARAGRAPHS[story])
    return (
        f"{tagline}\n\nHome\n\nNews\n\n{headline or HEADLINES[story]}\n\nBy Ana Ruiz\n\n"
        f"May 4, 2022\n\n{body}\n\n{extra}Share this article\n\n"
        f"© 2022 {tagline}. All rights reserved.\n"
    )


@pytest.fixture(scope="module")
def ruler_model(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A blank English pipeline saved to disk whose entity ruler, named ner, knows a few names."""
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    ruler = nlp.add_pipe("entity_ruler", name="ner")
    ruler.add_patterns(  # type: ignore[attr-defined]
        [
            {"label": "PERSON", "pattern": name}
            for name in ("Maria Lopez", "Tom Reed", "Ben Hale", "Sara Moss")
        ]
    )
    folder = tmp_path_factory.mktemp("model") / "ruler"
    nlp.to_disk(folder)
    return str(folder)


def run_steps(settings: Settings) -> RunInfo:
    """What the ingest flow does, step by step, without Prefect's engine (each task's function)."""
    run = tasks.prepare_run.fn(settings)
    tasks.recover_abandoned.fn(settings, run)
    known = tasks.load_known.fn(settings, run)
    listing, removed = tasks.find_new_files.fn(settings, known)
    new_files = listing.new
    if removed:
        tasks.record_removals.fn(settings, run, removed)
    articles, rejects = tasks.read_and_parse.fn(settings, new_files, known, 1)
    tagged: BatchTables = tasks.build_tables.fn(settings, articles, rejects, run, 1)
    tasks.validate_and_stage.fn(settings, run, tagged, known, 1)
    tasks.commit.fn(settings, run)
    tasks.publish.fn(settings, run)
    tasks.maintain.fn(settings, run, storage.TABLE_NAMES)
    return run


@pytest.fixture(scope="module")
def sequence(tmp_path_factory: pytest.TempPathFactory, ruler_model: str) -> tuple[Settings, Path]:
    root = tmp_path_factory.mktemp("sequence")
    raw = root / "raw"
    raw.mkdir()
    settings = Settings(
        raw_dir=raw,
        output_dir=root / "output",
        model_name=ruler_model,
        nlp_processes=1,
        compact_min_files=2,  # NEWSMILL_COMPACT_MIN_FILES=2: compaction after nearly every run
        retention_hours=0,  # vacuum deletes the compacted files at once
        publish_parquet=root / "published",
        settle_seconds=0,  # files written a moment ago are read at once
    )
    for story in PARAGRAPHS:
        (raw / f"{story}.txt").write_text(page(story), encoding="utf-8")
    run_steps(settings)
    edited = [
        *PARAGRAPHS["harbour"][:2],
        "The board will vote again on the cost in March.",
        PARAGRAPHS["harbour"][3],
    ]
    (raw / "harbour.txt").write_text(page("harbour", paragraphs=edited), encoding="utf-8")
    (raw / "library.txt").write_text(
        page("library", headline="Town library opens on Sundays"), encoding="utf-8"
    )
    run_steps(settings)
    near = page("orchard", tagline="The Hill Gazette", extra="Read more: valley news\n\n").replace(
        ". ", ".  "
    )
    (raw / "orchard-syndicated.txt").write_text(near, encoding="utf-8")
    shutil.copy(raw / "bridge.txt", raw / "bridge-copy.txt")
    spaced = page("harbour", paragraphs=edited).replace(". ", ".   ").replace("\n\n", "\n \n\n")
    (raw / "harbour-spaced.txt").write_text(spaced, encoding="utf-8")
    run_steps(settings)
    (raw / "library.txt").unlink()
    run_steps(settings)
    for table in storage.TABLE_NAMES:  # vacuum again, now that every compaction is older than the retention
        storage.maintain_table(settings.output_dir, table, {"run_id": "vacuum"}, 2, 0)
    return settings, root


def _export_frame(folder: Path) -> pl.DataFrame:
    return pl.read_parquet(folder / "*.parquet")


@pytest.mark.parametrize("table", [*storage.TABLE_NAMES, "article_status"])
def test_revisions_sequence_delta_export_and_plain_parquet_agree_row_for_row(
    sequence: tuple[Settings, Path], table: str
) -> None:
    settings, root = sequence
    full = storage.export_parquet(settings.output_dir, root / "full", code_version="test")
    key = {**{name: t.key for name, t in TABLES.items()}, **VIEW_KEYS}[table]
    if table == "article_status":
        delta = storage.read_article_status(settings.output_dir)
    else:
        delta = storage.read_table(settings.output_dir, table)
    assert delta[key].n_unique() == delta.height  # no duplicate keys
    published = root / "published" / table  # kept current run by run (rows added only)
    for folder in (published, root / "full" / table):
        exported = _export_frame(folder).select(delta.columns).sort(key)
        assert exported.equals(delta.sort(key)), folder
        plain = pads.dataset(folder, format="parquet").to_table()
        assert sorted(plain[key].to_pylist()) == sorted(delta[key].to_list())
        glob = str(folder / "*.parquet")
        assert duckdb.sql(f"select count(*) from read_parquet('{glob}')").fetchall() == [(delta.height,)]
    assert full.manifest.tables[table].rows == delta.height
    kept = storage.read_export_manifest(root / "published")
    assert kept is not None
    if table in ("articles", "entities"):
        assert len(kept.tables[table].files) == 3  # runs 1-3 each added a file; run 4 only removed a file


def test_revisions_sequence_one_current_version_per_live_file(sequence: tuple[Settings, Path]) -> None:
    settings, _ = sequence
    status = storage.read_article_status(settings.output_dir)
    current = status.filter("is_current")
    live = {path.name for path in settings.raw_dir.iterdir()} - {"bridge-copy.txt"}  # a byte copy: a reject
    assert Counter(current["source_path"].to_list()) == Counter(live)
    versions = dict(status.group_by("source_path").agg(pl.col("version").max()).rows())
    assert versions == {
        "harbour.txt": 2,
        "library.txt": 2,
        "orchard.txt": 1,
        "bridge.txt": 1,
        "orchard-syndicated.txt": 1,
        "harbour-spaced.txt": 1,
    }
    library = status.filter(pl.col("source_path") == "library.txt").sort("version")
    assert library["is_current"].to_list() == [False, False]
    assert library["removed_at"].is_null().to_list() == [True, False]  # on its last version only
    rejects = storage.read_table(settings.output_dir, "rejects")
    assert rejects.filter(pl.col("source_path") == "bridge-copy.txt")["reason"].to_list() == [
        "duplicate_content"
    ]


def test_revisions_sequence_records_what_changed(sequence: tuple[Settings, Path]) -> None:
    settings, _ = sequence
    articles = storage.read_table(settings.output_dir, "articles").sort("source_path", "version")
    rows = articles.select("source_path", "version", "previous_article_id", "changed_fields", "article_id")
    harbour = rows.filter(pl.col("source_path") == "harbour.txt").rows()
    assert harbour[1][1:4] == (2, harbour[0][4], ["body"])
    library = rows.filter(pl.col("source_path") == "library.txt").rows()
    assert library[1][1:4] == (2, library[0][4], ["headline"])


@pytest.mark.parametrize("table", ["articles", *ARTICLE_DETAIL_TABLES])
def test_revisions_sequence_current_view_holds_no_superseded_rows(
    sequence: tuple[Settings, Path], table: str
) -> None:
    settings, _ = sequence
    status = storage.read_article_status(settings.output_dir)
    current = set(status.filter("is_current")["article_id"].to_list())
    superseded = set(status.filter(~pl.col("is_current"))["article_id"].to_list())
    rows = storage.read_current(settings.output_dir, table)
    assert set(rows["article_id"].to_list()) <= current
    everything = storage.read_table(settings.output_dir, table)
    assert rows.height == everything.filter(pl.col("article_id").is_in(list(current))).height
    if table in ("articles", "entities"):
        assert superseded & set(everything["article_id"].to_list())  # there were superseded rows to leave out


def test_revisions_sequence_copies_point_at_the_first_and_near_copies_share_the_story(
    sequence: tuple[Settings, Path],
) -> None:
    settings, _ = sequence
    articles = storage.read_table(settings.output_dir, "articles")
    by_path = {
        (path, version): (article_id, duplicate_of, story_id)
        for path, version, article_id, duplicate_of, story_id in articles.select(
            "source_path", "version", "article_id", "duplicate_of", "story_id"
        ).iter_rows()
    }
    harbour_v2 = by_path[("harbour.txt", 2)]
    spaced = by_path[("harbour-spaced.txt", 1)]
    assert spaced[1] == harbour_v2[0]  # the same body but for white space: an exact copy of the first
    assert harbour_v2[1] is None  # a new version of a file is a revision, not a copy
    assert by_path[("orchard-syndicated.txt", 1)][2] == by_path[("orchard.txt", 1)][2]
    assert spaced[2] == harbour_v2[2] == by_path[("harbour.txt", 1)][2]  # one paragraph changed: same story
    firsts = [by_path[(f"{story}.txt", 1)][2] for story in PARAGRAPHS]
    assert len(set(firsts)) == len(PARAGRAPHS)  # different stories stay apart
    assert firsts == [by_path[(f"{story}.txt", 1)][0] for story in PARAGRAPHS]  # named by their first article
    publishers = dict(articles.filter(pl.col("version") == 1).select("source_path", "publisher").iter_rows())
    assert publishers["orchard.txt"] == "The Valley Courier"
    assert publishers["orchard-syndicated.txt"] == "The Hill Gazette"


RECIPE_PARTS = {
    "entities": ["article_id", "section", "start_char", "end_char", "label"],
    "removals": ["source_path", "article_id"],
    "article_entities": ["article_id", "entity_key"],
    "places": ["article_id", "entity_key"],
    "quotes": ["article_id", "section", "start_char", "end_char"],
    "amounts": ["article_id", "section", "start_char", "end_char"],
    "text_dates": ["article_id", "section", "start_char", "end_char"],
}


def _short_hash(*parts: object) -> str:
    """The dictionary's recipe, written out again here (not imported), to check the code against the docs."""
    import hashlib

    return hashlib.sha256("\x1f".join(map(str, parts)).encode("utf-8")).hexdigest()[:32]


@pytest.mark.parametrize("table", storage.TABLE_NAMES)
def test_revisions_sequence_ids_follow_the_documented_recipes(
    sequence: tuple[Settings, Path], table: str
) -> None:
    settings, _ = sequence
    rows = storage.read_table(settings.output_dir, table).to_dicts()
    key = TABLES[table].key
    for row in rows:
        if table == "articles":
            expected = row["source_sha256"][:32]
        elif table == "entity_identities":  # keyed by the article-level key itself
            assert row[key] in set(storage.read_table(settings.output_dir, "article_entities")["entity_key"])
            continue
        elif table == "rejects":
            content = row["source_sha256"] or f"{row['source_size_bytes']}:{row['source_mtime_ns']}"
            expected = _short_hash(row["raw_source"], row["source_path"], content)
        else:
            expected = _short_hash(*(row[column] for column in RECIPE_PARTS[table]))
            assert ", ".join(RECIPE_PARTS[table]) in TABLES[table].id_recipe
        assert row[key] == expected, (table, row)


# --- several raw folders into one output --------------------------------------------------------------------


def test_revisions_two_raw_folders_into_one_output_keep_their_files_apart(
    tmp_path: Path, ruler_model: str
) -> None:
    """Runs on raw folders A and B, in turns, into one output: a path in both is two files; neither run
    records the other folder's files as removed; a copy across folders is a duplicate of the original; a file
    deleted from A is A's removal."""
    from dataclasses import replace

    folder_a, folder_b = tmp_path / "a", tmp_path / "b"
    folder_a.mkdir()
    folder_b.mkdir()
    (folder_a / "harbour.txt").write_text(page("harbour"), encoding="utf-8")
    (folder_a / "bridge.txt").write_text(page("bridge"), encoding="utf-8")
    (folder_a / "library.txt").write_text(page("library"), encoding="utf-8")
    (folder_b / "harbour.txt").write_text(page("harbour", headline="Dredging starts"), encoding="utf-8")
    (folder_b / "orchard.txt").write_text(page("orchard"), encoding="utf-8")
    settings_a = Settings(
        raw_dir=folder_a,
        output_dir=tmp_path / "output",
        model_name=ruler_model,
        nlp_processes=1,
        settle_seconds=0,
    )
    settings_b = replace(settings_a, raw_dir=folder_b, source_name="feed-b")  # named: may move
    a, b = str(folder_a.resolve()), "feed-b"

    run_steps(settings_a)
    shutil.copy(folder_a / "bridge.txt", folder_b / "bridge-copy.txt")
    run_steps(settings_b)
    run_steps(settings_a)

    output = settings_a.output_dir
    assert storage.read_table(output, "removals").height == 0
    status = storage.read_article_status(output)
    current = status.filter("is_current").select("raw_source", "source_path", "version")
    assert sorted(current.rows()) == [
        (a, "bridge.txt", 1),
        (a, "harbour.txt", 1),
        (a, "library.txt", 1),
        (b, "harbour.txt", 1),  # the same path in B: another file, not a second version of A's
        (b, "orchard.txt", 1),
    ]
    articles = storage.read_table(output, "articles").sort("ingested_at")
    harbours = articles.filter(pl.col("source_path") == "harbour.txt")
    assert harbours["duplicate_of"].to_list() == [None, harbours["article_id"][0]]  # B's body is A's
    rejects = storage.current_rejects(output)
    assert rejects.select("raw_source", "source_path", "reason").rows() == [
        (b, "bridge-copy.txt", "duplicate_content")
    ]
    assert f"same bytes as '{a}/bridge.txt'" in rejects["detail"][0]

    (folder_a / "library.txt").unlink()
    run_steps(settings_a)
    run_steps(settings_b)

    library = status.filter(pl.col("source_path") == "library.txt")["article_id"].to_list()
    removals = storage.read_table(output, "removals")
    assert removals.select("source_path", "article_id", "raw_source").rows() == [("library.txt", *library, a)]
    after = storage.read_article_status(output).filter("is_current")
    assert sorted(after.select("raw_source", "source_path").rows()) == [
        (a, "bridge.txt"),
        (a, "harbour.txt"),
        (b, "harbour.txt"),
        (b, "orchard.txt"),
    ]
    assert storage.read_table(output, "articles").height == 5  # a rerun of either folder added nothing
