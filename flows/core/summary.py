"""What a run did, in figures: counted batch by batch, reported at the end."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field

import polars as pl

MAX_REJECTS_LISTED = 200
NAMED_LABELS = ["PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "PER", "MISC"]
QUALITY_FIELDS = {
    "headline": "headline",
    "published date": "published_at",
    "authors": "authors",
    "image caption": "image_caption",
    "related headlines": "related_headlines",
}


@dataclass(slots=True)
class Tally:
    """Running counts over a run's batches."""

    files_seen: int = 0
    files_unchanged: int = 0
    articles: int = 0
    rejects_by_reason: Counter[str] = field(default_factory=Counter)
    entities_by_label: Counter[str] = field(default_factory=Counter)
    top_entities: Counter[tuple[str, str]] = field(default_factory=Counter)
    rejected_files: list[tuple[str, str, str]] = field(default_factory=list)  # path, reason, detail
    with_field: Counter[str] = field(default_factory=Counter)  # articles that have headline, date, ...
    languages: Counter[str] = field(default_factory=Counter)
    words: int = 0
    batches: int = 0
    skipped_by_reason: Counter[str] = field(default_factory=Counter)  # raw-folder entries not read, by reason

    def add_batch(self, frames: Mapping[str, pl.DataFrame]) -> None:
        """Count one batch's validated rows, by table name."""
        self.batches += 1
        articles, rejects = frames["articles"], frames["rejects"]
        self.articles += articles.height
        self.words += int(articles["word_count"].sum() or 0)
        self.languages.update(language or "unknown" for language in articles["language"].to_list())
        for name, column in QUALITY_FIELDS.items():
            present = (
                articles[column].list.len() > 0
                if articles[column].dtype == pl.List
                else articles[column].is_not_null()
            )
            self.with_field[name] += int(present.sum())
        self.rejects_by_reason.update(rejects["reason"].to_list())
        room = MAX_REJECTS_LISTED - len(self.rejected_files)
        self.rejected_files.extend(rejects.select("source_path", "reason", "detail").rows()[: max(0, room)])
        if "entities" in frames:
            entities = frames["entities"]
            self.entities_by_label.update(entities["label"].to_list())
            named = entities.filter(pl.col("label").is_in(NAMED_LABELS))
            self.top_entities.update(zip(named["label"].to_list(), named["text"].to_list(), strict=True))


@dataclass(frozen=True, slots=True)
class RunSummary:
    """The figures a run reports at its end (and publishes to the Prefect UI)."""

    run_id: str
    raw_dir: str
    output_dir: str
    model: str
    files_seen: int
    files_unchanged: int
    rows_written: dict[str, int]  # table -> rows this run added
    rejects_by_reason: dict[str, int]
    entities_by_label: dict[str, int]
    versions: dict[str, int | None]  # table -> new version, None when the run added nothing to it
    articles_in_run: int = 0
    words_in_run: int = 0
    with_field: dict[str, int] = field(default_factory=dict)
    languages: dict[str, int] = field(default_factory=dict)
    top_entities: tuple[tuple[str, str, int], ...] = ()  # label, text, mentions
    rejected_files: tuple[tuple[str, str, str], ...] = ()  # path, reason, detail
    skipped: dict[str, int] = field(default_factory=dict)  # raw-folder entries not read, by reason
    maintenance: dict[str, str] = field(default_factory=dict)  # table -> what maintenance committed

    def lines(self) -> list[str]:
        """The summary as short lines of text for a terminal."""
        rejects = ", ".join(f"{reason} {count}" for reason, count in sorted(self.rejects_by_reason.items()))
        labels = ", ".join(
            f"{label} {count}" for label, count in sorted(self.entities_by_label.items(), key=_by_count)
        )
        versions = ", ".join(
            f"{table} v{version}" if version is not None else f"{table} unchanged"
            for table, version in self.versions.items()
        )
        return [
            f"run {self.run_id}: {self.raw_dir} -> {self.output_dir} (model {self.model})",
            f"files seen        {self.files_seen} ({self.files_unchanged} already ingested, skipped)",
            *([f"not read          {describe_counts(self.skipped)}"] if self.skipped else []),
            f"articles written  {self.articles_written}",
            f"rejects written   {self.rows_written.get('rejects', 0)}" + (f" ({rejects})" if rejects else ""),
            f"entities written  {self.rows_written.get('entities', 0)}" + (f" ({labels})" if labels else ""),
            *(
                f"{table + ' written':<17} {count}"
                for table, count in self.rows_written.items()
                if table not in ("articles", "rejects", "entities")
            ),
            f"table versions    {versions}",
            *(
                [f"maintenance       {', '.join(f'{t} {d}' for t, d in self.maintenance.items())}"]
                if self.maintenance
                else []
            ),
        ]

    @property
    def articles_written(self) -> int:
        """Articles this run added."""
        return self.rows_written.get("articles", 0)

    def outcome(self) -> str:
        """The run's outcome in one line, e.g. ``124 articles, 3 rejects: too_large 2, empty_file 1``."""
        rejected = sum(self.rejects_by_reason.values())
        if self.files_seen == self.files_unchanged:
            return f"nothing new ({self.files_unchanged} files already ingested)"
        reasons = ", ".join(
            f"{reason} {count}" for reason, count in sorted(self.rejects_by_reason.items(), key=_by_count)
        )
        line = f"{self.articles_written} articles, {rejected} rejects"
        return f"{line}: {reasons}" if reasons else line

    def outcome_tags(self) -> list[str]:
        """Tags for the run in the Prefect UI's lists: articles and rejects written, or nothing new."""
        if self.files_seen == self.files_unchanged:
            return ["nothing new"]
        rejected = sum(self.rejects_by_reason.values())
        return [f"{self.articles_written} articles", f"{rejected} rejects"]


def describe_counts(counts: Mapping[str, int]) -> str:
    """``reason count`` pairs by reason: ``hidden 2, symlink_loop 1``."""
    return ", ".join(f"{reason} {count}" for reason, count in sorted(counts.items()))


def _by_count(item: tuple[str, int]) -> tuple[int, str]:
    return -item[1], item[0]


def figures_table(summary: RunSummary) -> list[dict[str, str]]:
    """The run's figures as rows of a two-column table (a Prefect table artifact)."""
    rows = [
        ("files seen", summary.files_seen),
        ("unchanged files skipped", summary.files_unchanged),
        *((f"not read: {reason}", count) for reason, count in sorted(summary.skipped.items())),
        ("new articles", summary.articles_written),
        *((f"rejects: {reason}", count) for reason, count in sorted(summary.rejects_by_reason.items())),
        *(
            (f"entities: {label}", count)
            for label, count in sorted(summary.entities_by_label.items(), key=_by_count)
        ),
        *(
            (f"{table} version written", version if version is not None else "unchanged")
            for table, version in summary.versions.items()
        ),
    ]
    return [{"figure": name, "value": str(value)} for name, value in rows]


def report_markdown(summary: RunSummary) -> str:
    """A run report for people: what came in, what was turned away and why, what was found, where it is."""
    lines = [
        f"# newsmill run `{summary.run_id}`",
        "",
        f"`{summary.raw_dir}` -> `{summary.output_dir}` with {summary.model}: {summary.files_seen} files seen, "
        f"{summary.files_unchanged} unchanged and skipped, {summary.articles_written} new articles, "
        f"{sum(summary.rejects_by_reason.values())} rejects."
        + (f" Not read: {describe_counts(summary.skipped)} (see below)." if summary.skipped else ""),
        "",
        "## New table versions",
        "",
        f"Each table is the folder of its name in `{summary.output_dir}`.",
        "",
        "| table | version | rows added |",
        "| --- | --- | --- |",
        *(
            f"| {table} | {'v' + str(version) if version is not None else 'unchanged'} | "
            f"{summary.rows_written.get(table, 0)} |"
            for table, version in summary.versions.items()
        ),
    ]
    lines += _rejects_section(summary) + _skipped_section(summary)
    lines += _quality_section(summary) + _entities_section(summary)
    return "\n".join(lines) + "\n"


def _rejects_section(summary: RunSummary) -> list[str]:
    if not summary.rejected_files:
        return ["", "## Rejects", "", "None."]
    # A list, not a table: the UI clips a wide table, and "what to do" is the part a reader needs whole.
    shown = [f"- `{path}`: **{reason}**. {detail}" for path, reason, detail in summary.rejected_files]
    more = sum(summary.rejects_by_reason.values()) - len(shown)
    return ["", "## Rejects", "", "Each file, why it was turned away and what to do:", "", *shown] + (
        ["", f"... and {more} more (see the `rejects` table)."] if more > 0 else []
    )


SKIP_ADVICE = {
    "hidden": "names starting with a dot are never read (editor and system files)",
    "not_included": "names matching none of the --include globs",
    "symlink_loop": "links that lead back to themselves: remove them",
    "dangling_link": "links to nothing: remove them or restore their target",
    "link_outside": "links leaving the raw folder: copy the file in, or run with --follow-links",
    "special_file": "FIFOs, sockets or devices: not files to read",
    "undecodable_name": "names that are not UTF-8: rename the files",
    "too_deep": "folders nested too deep: move the files up",
    "unreadable_folder": "folders that could not be listed: check their permissions",
    "not_settled": "modified in the last --settle-seconds: read by the next run",
}


def _skipped_section(summary: RunSummary) -> list[str]:
    if not summary.skipped:
        return []
    rows = [
        f"| {reason} | {count} | {SKIP_ADVICE.get(reason, '')} |"
        for reason, count in sorted(summary.skipped.items())
    ]
    return ["", "## Not read", "", "| reason | entries | what it means |", "| --- | --- | --- |", *rows]


def _quality_section(summary: RunSummary) -> list[str]:
    total = summary.articles_in_run
    if not total:
        return []
    shares = [f"| {name} | {count} | {count / total:.0%} |" for name, count in summary.with_field.items()]
    languages = ", ".join(
        f"{language} {count}" for language, count in sorted(summary.languages.items(), key=_by_count)
    )
    return [
        "",
        "## Data quality",
        "",
        f"{total} articles, {summary.words_in_run / total:.0f} words on average; languages: {languages}.",
        "",
        "| articles with | count | share |",
        "| --- | --- | --- |",
        *shares,
    ]


def _entities_section(summary: RunSummary) -> list[str]:
    if not summary.top_entities:
        return []
    rows = [f"| {text} | {label} | {count} |" for label, text, count in summary.top_entities]
    return ["", "## Top entities", "", "| entity | label | mentions |", "| --- | --- | --- |", *rows]


def summarize(
    tally: Tally,
    *,
    run_id: str,
    raw_dir: str,
    output_dir: str,
    model: str,
    rows_written: dict[str, int],
    versions: dict[str, int | None],
    maintenance: dict[str, str] | None = None,
) -> RunSummary:
    """The end-of-run summary from the batch tallies and the commits (and the maintenance commits after
    them, described by :func:`describe_maintenance`)."""
    return RunSummary(
        run_id=run_id,
        raw_dir=raw_dir,
        output_dir=output_dir,
        model=model,
        files_seen=tally.files_seen,
        files_unchanged=tally.files_unchanged,
        rows_written=rows_written,
        rejects_by_reason=dict(tally.rejects_by_reason),
        entities_by_label=dict(tally.entities_by_label),
        versions=versions,
        articles_in_run=tally.articles,
        words_in_run=tally.words,
        with_field=dict(tally.with_field),
        languages=dict(tally.languages),
        top_entities=tuple(
            (label, text, count) for (label, text), count in tally.top_entities.most_common(15)
        ),
        rejected_files=tuple(tally.rejected_files),
        skipped=dict(tally.skipped_by_reason),
        maintenance=maintenance or {},
    )


def describe_maintenance(
    versions: tuple[int, ...], compacted: bool, files_before: int, files_after: int
) -> str:
    """What maintenance committed to one table: ``v2-v4 (compacted 12 files into 1, vacuum)``."""
    span = f"v{versions[0]}" if len(versions) == 1 else f"v{versions[0]}-v{versions[-1]}"
    done = [f"compacted {files_before} files into {files_after}"] if compacted else []
    if len(versions) > int(compacted):
        done.append("vacuum")
    return f"{span} ({', '.join(done)})"


def failure_markdown(run_id: str, message: str) -> str:
    """The report of a run that failed: one line saying why, and that the tables are as they were."""
    return (
        f"# newsmill run `{run_id}` failed\n\n**Why:** {message}\n\n"
        "Nothing this run found was committed; the tables are as they were before it. "
        "Fix the cause and run again: files are picked up where they stand.\n"
    )
