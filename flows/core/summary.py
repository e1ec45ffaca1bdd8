"""What a run did, in figures: counted batch by batch, reported at the end."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import polars as pl


@dataclass(slots=True)
class Tally:
    """Running counts over a run's batches."""

    files_seen: int = 0
    files_unchanged: int = 0
    files_read: int = 0
    articles: int = 0
    rejects_by_reason: Counter[str] = field(default_factory=Counter)
    entities_by_label: Counter[str] = field(default_factory=Counter)
    batches: int = 0

    def add_batch(self, articles: pl.DataFrame, entities: pl.DataFrame, rejects: pl.DataFrame) -> None:
        """Count one batch's validated rows."""
        self.batches += 1
        self.articles += articles.height
        self.rejects_by_reason.update(rejects["reason"].to_list())
        self.entities_by_label.update(entities["label"].to_list())


@dataclass(frozen=True, slots=True)
class RunSummary:
    """The figures a run reports at its end (and publishes to the Prefect UI)."""

    run_id: str
    raw_dir: str
    output_dir: str
    model: str
    files_seen: int
    files_unchanged: int
    articles_written: int
    rejects_written: int
    entities_written: int
    rejects_by_reason: dict[str, int]
    entities_by_label: dict[str, int]
    versions: dict[str, int | None]  # table -> new version, None when the run added nothing to it

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
            f"articles written  {self.articles_written}",
            f"rejects written   {self.rejects_written}" + (f" ({rejects})" if rejects else ""),
            f"entities written  {self.entities_written}" + (f" ({labels})" if labels else ""),
            f"table versions    {versions}",
        ]


def _by_count(item: tuple[str, int]) -> tuple[int, str]:
    return -item[1], item[0]
