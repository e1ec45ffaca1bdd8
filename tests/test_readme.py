"""The README is current: its reader snippets run against real tables, and the data dictionary is generated."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from flows import storage
from flows.core.models import Article, EntityMention, Section
from flows.core.page.article import to_article
from flows.core.tables.rows import RunInfo, articles_frame, run_metadata
from schemas.dictionary import render
from tests.conftest import REPO, cp1252_page, entity_rows, raw_document

README = REPO / "README.md"


def _snippets() -> list[str]:
    return re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.DOTALL)


@pytest.fixture(scope="module")
def two_versions(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An output folder whose articles and entities tables have versions 0 and 1."""
    root = tmp_path_factory.mktemp("reader")
    output = root / "output"
    for number, data in enumerate([(REPO / "raw" / "000_a3bff82c688751b7.txt").read_bytes(), cp1252_page()]):
        article = to_article(raw_document(data, f"page-{number}.txt"))
        assert isinstance(article, Article)
        run = RunInfo(
            f"run-{number}", datetime(2026, 1, 1 + number, tzinfo=UTC), "0.1.0", "m", "1", "1.0.0", "/raw"
        )
        mention = EntityMention(
            article.article_id, Section.BODY, 0, 3, (article.page.body or "")[:3], "PERSON", 0
        )
        staging = storage.staging_dir(output, run.run_id)
        frames = {
            "articles": articles_frame([article], run, {}),
            "entities": entity_rows(article, [mention], run),
        }
        storage.stage_batch(staging, 1, frames)
        for table, key in (("entities", "mention_id"), ("articles", "article_id")):
            storage.commit_staged(output, staging, table, key, run_metadata(run))
    return root


def test_readme_has_reader_snippets_for_pandas_polars_duckdb() -> None:
    firsts = [snippet.splitlines()[0] for snippet in _snippets()]
    assert firsts[:3] == ["# pandas", "# Polars", firsts[2]]
    assert firsts[2].startswith("# DuckDB")


@pytest.mark.parametrize("index", range(3))
def test_readme_reader_snippet_runs(two_versions: Path, index: int) -> None:
    result = subprocess.run(
        [sys.executable, "-c", _snippets()[index]],
        cwd=two_versions,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[:2] == ["2", "1"]


def test_readme_plain_parquet_snippet_reads_the_export(two_versions: Path) -> None:
    storage.export_parquet(two_versions / "output", two_versions / "export", code_version="test")
    snippet = next(s for s in _snippets() if s.startswith("# plain Parquet"))
    result = subprocess.run(
        [sys.executable, "-c", snippet], cwd=two_versions, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["2", "2", "2"]


def test_readme_current_articles_snippet_runs(two_versions: Path) -> None:
    snippet = next(s for s in _snippets() if s.startswith("# current articles"))
    result = subprocess.run(
        [sys.executable, "-c", snippet], cwd=two_versions, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["2", "2", "2"]


def test_readme_identity_snippet_joins_one_entity_across_articles(tmp_path: Path) -> None:
    from tests.test_identities import refresh_output, write_articles

    write_articles(
        tmp_path / "output", {"a": [("IBM", "ORG")], "b": [("International Business Machines", "ORG")]}
    )
    refresh_output(tmp_path / "output")
    snippet = next(s for s in _snippets() if s.startswith("# one entity across articles"))
    result = subprocess.run(
        [sys.executable, "-c", snippet], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("True")
    assert "shape: (1, 3)" in result.stdout  # one identity ...
    assert "┆ 2 " in result.stdout  # ... named in both articles


def test_readme_data_dictionary_is_generated_from_schemas() -> None:
    assert (REPO / "docs" / "data-dictionary.md").read_text(encoding="utf-8") == render() + "\n"


def test_readme_names_the_two_commands_and_ci_runs_the_test_one() -> None:
    readme = README.read_text(encoding="utf-8")
    assert "make run" in readme
    assert "make test" in readme
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert [line for line in ci.splitlines() if line and not line.startswith("#")][-1] == "make test"
