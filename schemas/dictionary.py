"""The data dictionary, generated from the table models (the docs are never written twice).

``python -m schemas.dictionary > docs/data-dictionary.md`` rewrites it; a test checks it is current.
"""

from __future__ import annotations

import inspect

import pandera.polars as pa

from schemas.tables import SHORT_HASH, TABLES, VIEW_KEYS, VIEW_MODELS, Provenance
from schemas.vocabulary import SCHEMA_VERSION


def column_rows(model: type[pa.DataFrameModel]) -> list[str]:
    """One Markdown table row per column: name, type, nullable, checks, description."""
    rows = []
    for name, column in model.to_schema().columns.items():
        checks = ", ".join(_check_text(check) for check in column.checks) or "-"
        flags = "unique; " if column.unique else ""
        rows.append(
            f"| `{name}` | {column.dtype} | {'yes' if column.nullable else 'no'} | {flags}{checks} | {column.description} |"
        )
    return rows


def render() -> str:
    """The whole data dictionary as Markdown."""
    provenance = set(Provenance.to_schema().columns)
    lines = [
        "# Data dictionary",
        "",
        f"Generated from `schemas/tables.py` (schema version {SCHEMA_VERSION}); do not edit by hand:",
        "`python -m schemas.dictionary > docs/data-dictionary.md`.",
        "",
        "Ids are made from content, so a rerun gives the same ids: " + SHORT_HASH,
        "",
        "## Provenance columns (on every row of every table)",
        "",
        "| column | type | nullable | checks | description |",
        "| --- | --- | --- | --- | --- |",
        *column_rows(Provenance),
        "",
    ]
    for table in TABLES.values():
        model = table.model
        schema = model.to_schema()
        lines += [
            f"## `{table.name}`",
            "",
            inspect.cleandoc(model.__doc__ or ""),
            "",
            f"Key: `{table.key}`; {table.id_recipe}.",
            "",
        ]
        table_checks = [check.error for check in schema.checks if check.error]
        if table_checks:
            lines += ["Row checks: " + "; ".join(table_checks) + ".", ""]
        lines += ["| column | type | nullable | checks | description |", "| --- | --- | --- | --- | --- |"]
        lines += [row for row in column_rows(model) if row.split("`")[1] not in provenance]
        lines += [
            "",
            "Provenance columns (on every table): " + ", ".join(f"`{c}`" for c in provenance_order()),
            "",
        ]
    for view, model in VIEW_MODELS.items():
        lines += [
            f"## `{view}` (view)",
            "",
            inspect.cleandoc(model.__doc__ or ""),
            "",
            f"Key: `{VIEW_KEYS[view]}`.",
            "",
        ]
        lines += ["| column | type | nullable | checks | description |", "| --- | --- | --- | --- | --- |"]
        lines += [*column_rows(model), ""]
    return "\n".join(lines)


def provenance_order() -> list[str]:
    """The provenance columns in table order."""
    return list(Provenance.to_schema().columns)


def _check_text(check: object) -> str:
    name = getattr(check, "name", str(check))
    statistics = getattr(check, "statistics", None) or {}
    if not statistics:
        return str(name)
    values = ", ".join(f"{key}={_short(value)}" for key, value in statistics.items() if value is not None)
    return f"{name}({values})"


def _short(value: object) -> str:
    if isinstance(value, (list, tuple, set, frozenset)) and len(value) > 8:
        return "[" + ", ".join(sorted(str(v) for v in value)) + "]"  # every value of a value set
    return str(value)


if __name__ == "__main__":
    print(render())
