"""Specification of the settings: one validated model for the environment and the command line."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from flows.cli import main
from flows.config import Settings, SettingsError, prefect_server_configured


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        (
            {"NEWSMILL_FILES_PER_BATCH": "0"},
            "NEWSMILL_FILES_PER_BATCH='0': input should be greater than or equal to 1",
        ),
        (
            {"NEWSMILL_FILES_PER_BATCH": "abc"},
            "NEWSMILL_FILES_PER_BATCH='abc': input should be a valid integer",
        ),
        ({"NEWSMILL_MAX_FILE_MB": "-1"}, "NEWSMILL_MAX_FILE_MB='-1': input should be greater than 0"),
        ({"NEWSMILL_MAX_FILE_MB": "nan"}, "NEWSMILL_MAX_FILE_MB='nan': input should be a finite number"),
        ({"NEWSMILL_PROCESSES": "0"}, "NEWSMILL_PROCESSES='0': input should be greater than or equal to 1"),
        ({"NEWSMILL_RETENTION_HOURS": "-5"}, "NEWSMILL_RETENTION_HOURS='-5'"),
    ],
)
def test_config_bad_environment_value_is_named_with_what_is_wrong(
    environ: dict[str, str], message: str
) -> None:
    with pytest.raises(SettingsError) as caught:
        Settings.from_env(environ)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_config_environment_values_are_read_and_converted() -> None:
    settings = Settings.from_env(
        {"NEWSMILL_FILES_PER_BATCH": "7", "NEWSMILL_MAX_FILE_MB": "2", "NEWSMILL_INCLUDE": "*.txt, *.html"}
    )
    assert (settings.files_per_batch, settings.max_file_bytes) == (7, 2 * 1_048_576)
    assert settings.include == ("*.txt", "*.html")


def test_config_options_win_over_the_environment_and_are_validated_alike() -> None:
    settings = Settings.from_env({"NEWSMILL_FILES_PER_BATCH": "7"}).with_options(
        files_per_batch=9, model=None
    )
    assert settings.files_per_batch == 9
    with pytest.raises(SettingsError, match=r"--max-file-mb=0\.0: input should be greater than 0"):
        settings.with_options(max_file_mb=0.0)


@pytest.mark.parametrize(
    ("variable", "value"),
    [("NEWSMILL_FILES_PER_BATCH", "0"), ("NEWSMILL_FILES_PER_BATCH", "abc"), ("NEWSMILL_MAX_FILE_MB", "-1")],
)
def test_config_cli_bad_environment_value_is_one_line_and_exit_2(
    tmp_path: Path, variable: str, value: str
) -> None:
    result = CliRunner().invoke(main, ["run", "--raw", str(tmp_path)], env={variable: value})
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert lines == [f"newsmill: error: invalid setting {variable}={value!r}: " + lines[0].split(": ", 3)[3]]
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--files-per-batch", "0"], "Invalid value for '--files-per-batch': 0 is not in the range x>=1."),
        (["--max-file-mb", "abc"], "Invalid value for '--max-file-mb': 'abc' is not a valid float range."),
        (["--no-such-option"], "No such option '--no-such-option'."),
    ],
)
def test_config_cli_bad_option_is_one_line_and_exit_2(tmp_path: Path, args: list[str], message: str) -> None:
    result = CliRunner().invoke(main, ["run", "--raw", str(tmp_path), *args])
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [f"newsmill: error: {message}"]


@pytest.mark.parametrize(
    ("environ", "profiles", "configured"),
    [
        ({"PREFECT_API_URL": "http://127.0.0.1:4200/api"}, None, True),
        ({}, None, False),
        ({}, 'active = "team"\n[profiles.team]\nPREFECT_API_URL = "http://prefect:4200/api"\n', True),
        ({"PREFECT_PROFILE": "local"}, '[profiles.local]\nPREFECT_API_URL = "http://h:4200/api"\n', True),
        (
            {},
            'active = "ephemeral"\n[profiles.ephemeral]\nPREFECT_SERVER_ALLOW_EPHEMERAL_MODE = "true"\n',
            False,
        ),
        ({}, "not = [toml", False),
    ],
)
def test_config_knows_a_configured_prefect_server_without_importing_prefect(
    tmp_path: Path, environ: dict[str, str], profiles: str | None, configured: bool
) -> None:
    if profiles is not None:
        (tmp_path / "profiles.toml").write_text(profiles)
    assert prefect_server_configured({"PREFECT_HOME": str(tmp_path), **environ}) is configured


def test_config_the_raw_folder_is_named_by_its_resolved_path_unless_a_source_name_is_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "raw").mkdir()
    monkeypatch.chdir(tmp_path)
    assert Settings(raw_dir=Path("raw")).raw_source == str(tmp_path.resolve() / "raw")
    named = Settings.from_env({"NEWSMILL_SOURCE_NAME": "feed-a"})
    assert named.raw_source == "feed-a"
    assert named.with_options(source_name="feed-b").raw_source == "feed-b"
    with pytest.raises(SettingsError, match="NEWSMILL_SOURCE_NAME"):
        Settings.from_env({"NEWSMILL_SOURCE_NAME": ""})
