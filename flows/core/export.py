"""The plain-Parquet export's manifest and how one table's export is brought up to date (pure).

An export is a folder with one sub-folder of Parquet files per table and a ``_manifest.json`` naming, for each
table, the Delta version it holds, its row count and its files. The tables are insert-only (a run only adds
rows; compaction rewrites files but not rows), so an export at version ``p`` becomes the export at version
``c`` by adding the rows the commits in ``(p, c]`` inserted: :func:`plan_table` says whether that is possible.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from enum import StrEnum

MANIFEST_NAME = "_manifest.json"
MANIFEST_FORMAT = "newsmill-parquet-export/1"
# Delta operations that rewrite or delete files without changing any row (no ``dataChange``).
NO_DATA_CHANGE = frozenset({"OPTIMIZE", "VACUUM START", "VACUUM END"})


@dataclass(frozen=True, slots=True)
class TableExport:
    """One table in an export: the Delta version it holds (None: the table did not exist), rows and files."""

    delta_version: int | None
    rows: int
    files: tuple[str, ...] = ()  # relative to the export folder, e.g. "articles/part-v000000-v000003.parquet"
    partition_by: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Manifest:
    """What an export holds, and where it came from."""

    output: str
    exported_at: str  # ISO 8601, UTC
    schema_version: str
    code_version: str
    tables: dict[str, TableExport] = field(default_factory=dict)
    as_of: str | None = None  # the time asked for (ISO 8601), or None for the latest versions
    format: str = MANIFEST_FORMAT

    def to_json(self) -> str:
        """The manifest as indented JSON (lists for the file tuples)."""
        return json.dumps(asdict(self), indent=2, sort_keys=True) + "\n"

    @classmethod
    def from_json(cls, text: str) -> Manifest:
        """Read a manifest written by :meth:`to_json`; raises ValueError when it is not one."""
        data = json.loads(text)
        if not isinstance(data, dict) or data.get("format") != MANIFEST_FORMAT:
            raise ValueError("not a newsmill export manifest")
        tables = {
            name: TableExport(
                delta_version=entry["delta_version"],
                rows=int(entry["rows"]),
                files=tuple(entry["files"]),
                partition_by=tuple(entry.get("partition_by", ())),
            )
            for name, entry in data["tables"].items()
        }
        return cls(**{**data, "tables": tables})


class Plan(StrEnum):
    """How one table's export is brought to a new Delta version."""

    KEEP = "keep"  # same version: keep the files as they are
    APPEND = "append"  # keep the files and add the rows inserted since
    REBUILD = "rebuild"  # write the whole table again


def plan_table(
    previous: TableExport | None, version: int | None, partition_by: tuple[str, ...], same_source: bool
) -> Plan:
    """How to bring ``previous`` (an earlier export of the table, or None) to Delta ``version``."""
    if previous is None or not same_source or previous.partition_by != partition_by:
        return Plan.REBUILD
    if previous.delta_version == version:
        return Plan.KEEP
    if previous.delta_version is None or version is None or version < previous.delta_version:
        return Plan.REBUILD
    return Plan.APPEND


def rows_only_added(operation: str, files_removed: int) -> bool | None:
    """What one commit did to the rows: True added rows only, None changed no row, False removed rows."""
    if operation in NO_DATA_CHANGE:
        return None
    return files_removed == 0


def part_name(first_version: int, last_version: int) -> str:
    """Base name of the Parquet file holding the rows Delta versions ``first..last`` inserted."""
    return f"part-v{first_version:06d}-v{last_version:06d}"
