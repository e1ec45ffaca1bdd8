"""The pure core's busiest modules compiled to C with mypyc, used only while they match their sources.

``make compile`` (which ``make run``, ``make test`` and ``make bench`` run first) compiles
:data:`COMPILED_MODULES` with mypyc (``scripts/compile.py``): each module's extension sits beside its
source (``parse.cpython-311-x86_64-linux-gnu.so`` beside ``parse.py``, not in git), and Python imports an
extension before a source of the same name. The build also writes :data:`MANIFEST`: one SHA-256 over every
source it read (:func:`inputs_digest`: ``flows/core`` and ``schemas``, whose types it compiled against).

mypyc compiles the modules as one group whose functions call one another directly, so a build is used whole
or not at all: importing :mod:`flows` (:func:`use_matching_build`, about 1.5 ms) checks the sources against the
manifest and, when one was edited since (or ``NEWSMILL_PURE_PYTHON`` is set), puts a finder first that imports all of
them from their sources. So an edit always takes effect, compiled or not; the compiled code returns the same
values as the source (the test suite runs against it), only sooner (docs/performance.md, session 22).
Without a build (no C compiler, or an install from a wheel) everything runs as Python.
"""

from __future__ import annotations

import hashlib
import importlib.machinery
import importlib.util
import json
import os
import sys
from collections.abc import Sequence
from importlib.machinery import ModuleSpec
from pathlib import Path
from types import ModuleType

PACKAGE_ROOT = Path(__file__).resolve().parent.parent  # holds flows/ and schemas/
MANIFEST = PACKAGE_ROOT / "flows" / ".compiled.json"
PURE_PYTHON_VARIABLE = "NEWSMILL_PURE_PYTHON"
INPUT_FOLDERS = ("flows/core", "schemas")  # what a build reads: the compiled modules and what they import

# Parsing, entity intelligence and the rows: the Python work beside spaCy that profiles show most of
# (docs/performance.md). Not ``flows.core.page.language``: its tests replace one of its functions, which a
# compiled module would go on calling directly. Not ``flows.core.tables.rows``: its frozen dataclasses
# (``RunInfo``, ``BatchTables``) travel to the spaCy workers and back, and mypyc's classes cannot be unpickled
# when frozen. A compiled module's classes must never be pickled.
COMPILED_MODULES = (
    "flows.core.ids",
    "flows.core.scan",
    "flows.core.stories",
    "flows.core.intel.amounts",
    "flows.core.intel.analysis",
    "flows.core.intel.canonical",
    "flows.core.intel.date_mentions",
    "flows.core.intel.places",
    "flows.core.intel.quotes",
    "flows.core.intel.speakers",
    "flows.core.page.article",
    "flows.core.page.authormodel",
    "flows.core.page.blockmodel",
    "flows.core.page.blocks",
    "flows.core.page.byline",
    "flows.core.page.datelines",
    "flows.core.page.decode",
    "flows.core.page.headmodel",
    "flows.core.page.linear",
    "flows.core.page.parse",
    "flows.core.page.wire",
    "flows.core.tables.intel_rows",
)


def source_path(module: str, root: Path = PACKAGE_ROOT) -> Path:
    """The source file of one of newsmill's modules, under ``root`` (a copy of the repository, or ``Path()``
    for the path relative to it); its extension is the same path with the extension suffix."""
    return root.joinpath(*module.split(".")).with_suffix(".py")


def inputs_digest(root: Path = PACKAGE_ROOT) -> str:
    """SHA-256 (hex) over every source a build reads under ``root`` (:data:`INPUT_FOLDERS`): their paths and
    bytes. The compiled modules were built against the types of all of them."""
    digest = hashlib.sha256()
    for path in sorted(
        source.relative_to(root) for folder in INPUT_FOLDERS for source in (root / folder).rglob("*.py")
    ):
        digest.update(path.as_posix().encode() + b"\0" + (root / path).read_bytes() + b"\0")
    return digest.hexdigest()


def build_matches_sources(manifest: Path = MANIFEST, root: Path = PACKAGE_ROOT) -> bool:
    """True when the manifest of a build exists, was made by this Python for the modules of
    :data:`COMPILED_MODULES`, and no source it read has changed since."""
    try:
        recorded = json.loads(manifest.read_text(encoding="utf-8"))
        return bool(
            recorded["python"] == sys.implementation.cache_tag
            and recorded["modules"] == list(COMPILED_MODULES)
            and recorded["inputs"] == inputs_digest(root)
        )
    except (OSError, ValueError, KeyError, TypeError):
        return False


def compiled_in_use() -> list[str]:
    """The modules of :data:`COMPILED_MODULES` already imported from their compiled extension."""
    return [
        name
        for name in COMPILED_MODULES
        if isinstance(
            getattr(sys.modules.get(name), "__loader__", None), importlib.machinery.ExtensionFileLoader
        )
    ]


class SourcesFirst:
    """A finder that imports the listed modules from their ``.py`` source even where an extension sits
    beside it."""

    def __init__(self, modules: Sequence[str]) -> None:
        self.modules = frozenset(modules)

    def find_spec(
        self, fullname: str, path: Sequence[str] | None = None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        if fullname not in self.modules:
            return None
        return importlib.util.spec_from_file_location(fullname, source_path(fullname))


def use_matching_build() -> None:
    """Leave Python to import the compiled modules when their build matches every source; otherwise (or with
    ``NEWSMILL_PURE_PYTHON`` set to anything but empty or 0) make it import all of them from source."""
    if any(isinstance(finder, SourcesFirst) for finder in sys.meta_path):
        return
    pure = os.environ.get(PURE_PYTHON_VARIABLE, "") not in ("", "0")
    if pure or not build_matches_sources():
        sys.meta_path.insert(0, SourcesFirst(COMPILED_MODULES))
