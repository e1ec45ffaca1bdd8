"""What a run did, in figures: counted batch by batch, reported at the end."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
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

    def add_batch(self, frames: Mapping[str, pl.DataFrame]) -> None:
        """Count one batch's validated rows, by table name."""
        self.batches += 1
        self.articles += frames["articles"].height
        self.rejects_by_reason.update(frames["rejects"]["reason"].to_list())
        if "entities" in frames:
            self.entities_by_label.update(frames["entities"]["label"].to_list())


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
            f"rejects written   {self.rows_written.get('rejects', 0)}" + (f" ({rejects})" if rejects else ""),
            f"entities written  {self.rows_written.get('entities', 0)}" + (f" ({labels})" if labels else ""),
            *(
                f"{table + ' written':<17} {count}"
                for table, count in self.rows_written.items()
                if table not in ("articles", "rejects", "entities")
            ),
            f"table versions    {versions}",
        ]

    @property
    def articles_written(self) -> int:
        """Articles this run added."""
        return self.rows_written.get("articles", 0)


def _by_count(item: tuple[str, int]) -> tuple[int, str]:
    return -item[1], item[0]
