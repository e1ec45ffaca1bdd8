"""The functional core stays pure: no orchestration, storage or I/O imports under flows/core."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

CORE = Path(__file__).resolve().parent.parent / "flows" / "core"
SCHEMAS = CORE.parent.parent / "schemas"
FORBIDDEN_IN_CORE = (
    "prefect",
    "deltalake",
    "flows.storage",
    "flows.tasks",
    "flows.ingest",
    "flows.cli",
    "requests",
    "httpx",
)


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", sorted(CORE.rglob("*.py")), ids=lambda p: str(p.relative_to(CORE)))
def test_architecture_core_imports_no_shell(path: Path) -> None:
    bad = {name for name in _imports(path) if name.startswith(FORBIDDEN_IN_CORE)}
    assert not bad, f"{path.name} imports {bad}"


@pytest.mark.parametrize("path", sorted(SCHEMAS.glob("*.py")), ids=lambda p: p.name)
def test_architecture_schemas_import_nothing_from_flows(path: Path) -> None:
    assert not {name for name in _imports(path) if name.startswith("flows")}
