"""The compiled build of the core's busiest modules is used only while it matches the sources it was built from."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from flows import compiled
from flows.compiled import (
    COMPILED_MODULES,
    SourcesFirst,
    build_matches_sources,
    inputs_digest,
    use_matching_build,
)

REPO = Path(__file__).resolve().parent.parent


def _sources(root: Path) -> None:
    (root / "flows" / "core").mkdir(parents=True)
    (root / "schemas").mkdir()
    (root / "flows" / "core" / "rules.py").write_text("LIMIT = 3\n")
    (root / "schemas" / "table.py").write_text("COLUMNS = ()\n")


def _manifest(root: Path, **changes: object) -> Path:
    recorded = {
        "python": sys.implementation.cache_tag,
        "modules": list(COMPILED_MODULES),
        "inputs": inputs_digest(root),
    }
    path = root / "manifest.json"
    path.write_text(json.dumps({**recorded, **changes}))
    return path


def test_compiled_build_matches_until_a_source_it_read_changes(tmp_path: Path) -> None:
    _sources(tmp_path)
    manifest = _manifest(tmp_path)
    assert build_matches_sources(manifest, tmp_path)
    (tmp_path / "schemas" / "table.py").write_text("COLUMNS = ('a',)\n")  # not compiled, but compiled against
    assert not build_matches_sources(manifest, tmp_path)


def test_compiled_build_does_not_match_a_new_source_or_a_renamed_one(tmp_path: Path) -> None:
    _sources(tmp_path)
    manifest = _manifest(tmp_path)
    (tmp_path / "flows" / "core" / "more.py").write_text("")
    assert not build_matches_sources(manifest, tmp_path)
    (tmp_path / "flows" / "core" / "more.py").unlink()
    (tmp_path / "flows" / "core" / "rules.py").rename(tmp_path / "flows" / "core" / "limits.py")
    assert not build_matches_sources(manifest, tmp_path)


def test_compiled_build_of_another_python_or_module_list_or_no_build_is_not_used(tmp_path: Path) -> None:
    _sources(tmp_path)
    assert not build_matches_sources(_manifest(tmp_path, python="cpython-312"), tmp_path)
    assert not build_matches_sources(_manifest(tmp_path, modules=list(COMPILED_MODULES[1:])), tmp_path)
    (tmp_path / "manifest.json").write_text("{not json")
    assert not build_matches_sources(tmp_path / "manifest.json", tmp_path)
    assert not build_matches_sources(tmp_path / "missing.json", tmp_path)


def test_compiled_sources_first_finds_the_listed_modules_in_their_python_source() -> None:
    finder = SourcesFirst(["flows.core.scan"])
    spec = finder.find_spec("flows.core.scan")
    assert spec is not None
    assert spec.origin == str(REPO / "flows" / "core" / "scan.py")
    assert finder.find_spec("flows.core.models") is None  # the others: Python's own finders


@pytest.mark.parametrize(
    ("pure", "matches", "sources_first"),
    [("", True, False), ("1", True, True), ("", False, True), ("0", True, False)],
)
def test_compiled_modules_come_from_source_when_asked_or_out_of_date(
    monkeypatch: pytest.MonkeyPatch, pure: str, matches: bool, sources_first: bool
) -> None:
    monkeypatch.setattr(sys, "meta_path", [f for f in sys.meta_path if not isinstance(f, SourcesFirst)])
    monkeypatch.setenv(compiled.PURE_PYTHON_VARIABLE, pure)
    monkeypatch.setattr(compiled, "build_matches_sources", lambda: matches)
    use_matching_build()
    use_matching_build()  # once is enough
    inserted = [f for f in sys.meta_path if isinstance(f, SourcesFirst)]
    assert len(inserted) == int(sources_first)
    assert not inserted or sys.meta_path[0] is inserted[0]


def _imported_from(environment: dict[str, str]) -> list[str]:
    """The ``__file__`` of each compiled module, imported in a fresh interpreter."""
    program = (
        "import importlib, json, flows.compiled as c; "
        "print(json.dumps([importlib.import_module(m).__file__ for m in c.COMPILED_MODULES]))"
    )
    done = subprocess.run(
        [sys.executable, "-c", program], cwd=REPO, env=environment, capture_output=True, text=True, check=True
    )
    return list(json.loads(done.stdout))


def test_compiled_pure_python_imports_every_module_from_its_source() -> None:
    files = _imported_from({"NEWSMILL_PURE_PYTHON": "1", "PATH": ""})
    assert files == [str(compiled.source_path(module)) for module in COMPILED_MODULES]


def test_compiled_a_build_that_matches_is_used_for_every_module() -> None:
    if os.environ.get(compiled.PURE_PYTHON_VARIABLE) or not build_matches_sources():
        pytest.skip("no compiled build matching the sources (make compile), or pure Python asked for")
    files = _imported_from({"PATH": ""})
    assert all(file.endswith(sysconfig.get_config_var("EXT_SUFFIX")) for file in files), files
