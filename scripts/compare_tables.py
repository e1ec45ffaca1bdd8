"""Tables before and after a change: the same raw files through ``newsmill run``, frame for frame.

Usage (from the checkout, with its ``.venv``)::

    python scripts/compare_tables.py prepare DIR [--articles N]     # DIR/raw: bench articles, corpus pages, raw/
    python scripts/compare_tables.py snapshot DIR NAME [--processes P]   # newsmill run, then DIR/snap-NAME/*.parquet
    python scripts/compare_tables.py compare DIR NAME_A NAME_B       # "N files, K differ"

``prepare`` writes N bench articles (as ``scripts/bench.py`` builds them), every page of
``../shared/corpus/pages`` (text files) and the repository's ``raw/`` into one raw folder, once: both snapshots
then read the very same files (same paths, sizes and modification times). ``snapshot`` runs ``newsmill run``
in a fresh process (temporary Prefect server, source name ``compare``, so a copy of DIR made with ``cp -a``
compares too) into a fresh output folder and writes every table's current rows,
sorted by the table's key, without the columns that name the run (run id, time, code version). ``compare``
matches the two snapshots table by table and counts the raw files any of whose rows differ.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

import polars as pl

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from schemas.tables import TABLES  # noqa: E402

CORPUS_PAGES = REPO.parent / "shared" / "corpus" / "pages"
RUN_COLUMNS = ("run_id", "ingested_at", "pipeline_version")


def prepare(folder: Path, articles: int) -> None:
    """The raw folder both snapshots read: bench articles, the corpus pages and the repository's raw files."""
    sys.path.insert(0, str(REPO / "scripts"))
    from bench import build_corpus

    raw = folder / "raw"
    if raw.exists():
        raise SystemExit(f"{raw} exists: prepare a new folder (both snapshots must read the same files)")
    for part in ("bench", "pages", "sample"):
        (raw / part).mkdir(parents=True)
    build_corpus(
        (REPO / "raw" / "000_a3bff82c688751b7.txt").read_text(encoding="utf-8"), articles, raw / "bench"
    )
    pages = sorted(CORPUS_PAGES.glob("*.txt"))
    for page in pages:
        shutil.copy2(page, raw / "pages" / page.name)
    for path in sorted((REPO / "raw").iterdir()):
        if path.is_file():
            shutil.copy2(path, raw / "sample" / path.name)
    print(f"{raw}: {articles} bench articles, {len(pages)} corpus pages, raw/")


def snapshot(folder: Path, name: str, processes: int | None) -> None:
    """``newsmill run`` over ``folder/raw`` into a fresh output, then every table sorted by key, as Parquet."""
    output, snap = folder / f"out-{name}", folder / f"snap-{name}"
    for old in (output, snap):
        shutil.rmtree(old, ignore_errors=True)
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PREFECT_", "NEWSMILL_"))}
    env["PREFECT_HOME"] = str(folder / "prefect")
    command = [str(Path(sys.executable).with_name("newsmill")), "run", "--raw", str(folder / "raw")]
    # One source name whatever the folder, so snapshots of copies of the same raw folder compare.
    command += ["--output", str(output), "--settle-seconds", "0", "--source-name", "compare"]
    if processes is not None:
        command += ["--processes", str(processes)]
    subprocess.run(command, env=env, check=True, timeout=3600)
    snap.mkdir()
    for table, spec in TABLES.items():
        frame = pl.read_delta(str(output / table))
        frame.drop(RUN_COLUMNS).sort(spec.key).write_parquet(snap / f"{table}.parquet")
    counts = {table: pl.read_parquet(snap / f"{table}.parquet").height for table in TABLES}
    print(f"{snap}: " + ", ".join(f"{table} {rows}" for table, rows in counts.items()))


def source_of(snap: Path) -> pl.DataFrame:
    """article_id -> source_path, for the rows of detail tables."""
    return pl.read_parquet(snap / "articles.parquet", columns=["article_id", "source_path"])


def differing_files(a: Path, b: Path) -> tuple[int, set[str], list[str]]:
    """How many raw files the snapshots hold, the files any of whose rows differ, and the tables that differ."""
    files: set[str] = set()
    differ: set[str] = set()
    tables: list[str] = []
    owners = pl.concat([source_of(a), source_of(b)]).unique()
    for table in TABLES:
        left, right = pl.read_parquet(a / f"{table}.parquet"), pl.read_parquet(b / f"{table}.parquet")
        for frame in (left, right):
            if "source_path" in frame.columns:
                files.update(frame["source_path"].to_list())
        if left.equals(right):
            continue
        tables.append(table)
        if left.schema != right.schema:
            differ.add(f"<{table}: columns differ>")
            continue
        changed = pl.concat(
            [
                left.join(right, on=left.columns, how="anti", nulls_equal=True),
                right.join(left, on=left.columns, how="anti", nulls_equal=True),
            ]
        )
        if "source_path" not in changed.columns:
            changed = changed.join(owners, on="article_id", how="left")
        differ.update(str(path) for path in changed["source_path"].to_list())
    return len(files), differ, tables


def compare(folder: Path, first: str, second: str) -> int:
    count, differ, tables = differing_files(folder / f"snap-{first}", folder / f"snap-{second}")
    print(f"{count} files, {len(differ)} differ" + (f" (tables: {', '.join(tables)})" if tables else ""))
    for path in sorted(differ)[:20]:
        print(f"  {path}")
    return 1 if differ or tables else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    made = commands.add_parser("prepare")
    made.add_argument("folder", type=Path)
    made.add_argument("--articles", type=int, default=1000)
    snap = commands.add_parser("snapshot")
    snap.add_argument("folder", type=Path)
    snap.add_argument("name")
    snap.add_argument("--processes", type=int)
    both = commands.add_parser("compare")
    both.add_argument("folder", type=Path)
    both.add_argument("first")
    both.add_argument("second")
    args = parser.parse_args()
    if args.command == "prepare":
        prepare(args.folder, args.articles)
    elif args.command == "snapshot":
        snapshot(args.folder, args.name, args.processes)
    else:
        sys.exit(compare(args.folder, args.first, args.second))


if __name__ == "__main__":
    main()
