"""What a run reports: counts added batch by batch, the terminal lines, its outcome and tags, the UI's figures
and report."""

from __future__ import annotations

from datetime import datetime

import polars as pl
import pytest

from flows.core.summary import (
    MAX_REJECTS_LISTED,
    RunSummary,
    Tally,
    failure_markdown,
    figures_table,
    report_markdown,
    summarize,
)


def _articles(*headlines: str | None) -> pl.DataFrame:
    count = len(headlines)
    return pl.DataFrame(
        {
            "headline": list(headlines),
            "published_at": [datetime(2026, 1, 1) if i == 0 else None for i in range(count)],
            "authors": [["Ana Ruiz"] if i == 0 else [] for i in range(count)],
            "image_caption": [None] * count,
            "related_headlines": [[] for _ in headlines],
            "word_count": [100 * (i + 1) for i in range(count)],
            "language": ["en" if i == 0 else "fr" for i in range(count)],
        },
        schema_overrides={
            "headline": pl.Utf8,
            "published_at": pl.Datetime("us"),
            "authors": pl.List(pl.Utf8),
            "image_caption": pl.Utf8,
            "related_headlines": pl.List(pl.Utf8),
            "word_count": pl.Int32,
            "language": pl.Utf8,
        },
    )


def _rejects(*reasons: str) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "source_path": [f"bad-{i}.txt" for i in range(len(reasons))],
            "reason": list(reasons),
            "detail": ["what to do | next" for _ in reasons],
        },
        schema={"source_path": pl.Utf8, "reason": pl.Utf8, "detail": pl.Utf8},
    )


def _entities(*mentions: tuple[str, str]) -> pl.DataFrame:
    return pl.DataFrame(
        {"label": [label for label, _ in mentions], "text": [text for _, text in mentions]},
        schema={"label": pl.Utf8, "text": pl.Utf8},
    )


def _tally() -> Tally:
    tally = Tally(files_seen=5, files_unchanged=1)
    tally.add_batch(
        {
            "articles": _articles("One", None),
            "rejects": _rejects("empty_file"),
            "entities": _entities(("GPE", "Baghdad"), ("DATE", "Friday"), ("GPE", "Baghdad")),
        }
    )
    tally.add_batch({"articles": _articles("Two"), "rejects": _rejects("binary_content")})
    return tally


def _summary(tally: Tally) -> RunSummary:
    return summarize(
        tally,
        run_id="r1",
        raw_dir="raw",
        output_dir="output",
        model="m 1.0",
        rows_written={"articles": 3, "rejects": 2, "entities": 3, "quotes": 0},
        versions={"articles": 0, "rejects": 0, "entities": 0, "quotes": None},
    )


def test_summary_tally_counts_every_batch() -> None:
    tally = _tally()
    assert (tally.batches, tally.articles, tally.words) == (2, 3, 400)
    assert tally.rejects_by_reason == {"empty_file": 1, "binary_content": 1}
    assert tally.entities_by_label == {"GPE": 2, "DATE": 1}
    assert tally.top_entities == {("GPE", "Baghdad"): 2}  # names only, not dates
    assert tally.languages == {"en": 2, "fr": 1}
    assert tally.with_field == {
        "headline": 2,
        "published date": 2,
        "authors": 2,
        "image caption": 0,
        "related headlines": 0,
    }


def test_summary_lists_at_most_max_rejects() -> None:
    tally = Tally()
    for _ in range(3):
        tally.add_batch(
            {"articles": _articles(), "rejects": _rejects(*["empty_file"] * (MAX_REJECTS_LISTED // 2))}
        )
    assert len(tally.rejected_files) == MAX_REJECTS_LISTED
    assert tally.rejects_by_reason["empty_file"] == 3 * (MAX_REJECTS_LISTED // 2)


def test_summary_lines_for_the_terminal() -> None:
    assert _summary(_tally()).lines() == [
        "run r1: raw -> output (model m 1.0)",
        "files seen        5 (1 already ingested, skipped)",
        "articles written  3",
        "rejects written   2 (binary_content 1, empty_file 1)",
        "entities written  3 (GPE 2, DATE 1)",
        "quotes written    0",
        "table versions    articles v0, rejects v0, entities v0, quotes unchanged",
    ]


def test_summary_figures_table() -> None:
    rows = {row["figure"]: row["value"] for row in figures_table(_summary(_tally()))}
    assert rows["files seen"] == "5"
    assert rows["new articles"] == "3"
    assert rows["rejects: empty_file"] == "1"
    assert rows["entities: GPE"] == "2"
    assert rows["quotes version written"] == "unchanged"


def test_summary_report_says_what_to_do_and_where_the_tables_are() -> None:
    report = report_markdown(_summary(_tally()))
    assert "Each table is the folder of its name in `output`." in report
    assert "| articles | v0 | 3 |" in report
    assert "- `bad-0.txt`: **empty_file**. what to do | next" in report  # a list, which wraps in the UI
    assert "3 articles, 133 words on average; languages: en 2, fr 1." in report
    assert "| Baghdad | GPE | 2 |" in report


def test_summary_report_of_an_empty_run() -> None:
    report = report_markdown(_summary(Tally()))
    assert "## Rejects\n\nNone." in report
    assert "## Data quality" not in report
    assert "## Top entities" not in report


def test_summary_failure_report_says_why_and_that_nothing_changed() -> None:
    text = failure_markdown("r1", "disk full")
    assert text.startswith("# newsmill run `r1` failed")
    assert "**Why:** disk full" in text
    assert "the tables are as they were" in text


def _outcome_summary(seen: int, unchanged: int, articles: int, rejects: dict[str, int]) -> RunSummary:
    return RunSummary(
        run_id="r1",
        raw_dir="raw",
        output_dir="output",
        model="en_test 1.0",
        files_seen=seen,
        files_unchanged=unchanged,
        rows_written={"articles": articles, "rejects": sum(rejects.values())},
        rejects_by_reason=rejects,
        entities_by_label={},
        versions={"articles": 1 if articles else None, "rejects": 1 if rejects else None},
        articles_in_run=articles,
        rejected_files=tuple(
            (f"{reason}-{n}.txt", reason, "Split the file or raise --max-file-mb.")
            for reason, count in rejects.items()
            for n in range(count)
        ),
    )


@pytest.mark.parametrize(
    ("summary", "outcome", "tags"),
    [
        (
            _outcome_summary(127, 0, 124, {"empty_file": 1, "too_large": 2}),
            "124 articles, 3 rejects: too_large 2, empty_file 1",
            ["124 articles", "3 rejects"],
        ),
        (_outcome_summary(5, 3, 2, {}), "2 articles, 0 rejects", ["2 articles", "0 rejects"]),
        (_outcome_summary(40, 40, 0, {}), "nothing new (40 files already ingested)", ["nothing new"]),
    ],
)
def test_summary_outcome_line_and_tags(summary: RunSummary, outcome: str, tags: list[str]) -> None:
    assert summary.outcome() == outcome
    assert summary.outcome_tags() == tags


def test_summary_report_lists_each_reject_with_what_to_do_in_full() -> None:
    report = report_markdown(_outcome_summary(3, 0, 1, {"too_large": 2}))

    assert "- `too_large-0.txt`: **too_large**. Split the file or raise --max-file-mb." in report
    assert "| file | reason |" not in report  # a list, which wraps, not a table the UI clips
