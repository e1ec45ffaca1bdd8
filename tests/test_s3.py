"""Delta tables on object storage: a local S3 emulator (moto's server, on 127.0.0.1) started by the test."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from flows import storage
from flows.config import Settings
from flows.core.models import EntityMention, Section
from flows.core.tables.rows import RunInfo, entities_frame, run_metadata
from tests.conftest import SAMPLE_NAME

BUCKET = "newsmill-test"


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    """A moto S3 server on a free loopback port, with an empty bucket."""
    import boto3
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id="test",
        aws_secret_access_key="test",
        region_name="us-east-1",
    ).create_bucket(Bucket=BUCKET)
    yield endpoint
    server.stop()


@pytest.fixture
def aws_env(s3_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """The standard AWS variables pointing at the emulator, as a user would set them."""
    env = {
        "AWS_ENDPOINT_URL": s3_endpoint,
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_REGION": "us-east-1",
        "AWS_ALLOW_HTTP": "true",
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return env


def test_s3_settings_take_the_object_store_options_from_the_aws_variables(aws_env: dict[str, str]) -> None:
    settings = Settings.from_env().with_overrides(output_dir="s3://bucket/prefix")
    assert settings.output_dir == "s3://bucket/prefix"  # a URI stays a string: a Path would fold the //
    assert settings.object_store_options == aws_env
    assert storage.table_uri(settings.output_dir, "articles") == "s3://bucket/prefix/articles"
    assert storage.staging_dir(settings.output_dir, "r").is_absolute()


def test_s3_commit_read_and_maintain(aws_env: dict[str, str], run_info: RunInfo, tmp_path: Path) -> None:
    output, options = f"s3://{BUCKET}/storage", Settings.from_env().object_store_options
    for number in range(3):
        staging = tmp_path / f"run-{number}"
        mentions = [
            EntityMention("a" * 32, Section.BODY, i, i + 3, "abc", "ORG", 0)
            for i in range(number, number + 5)
        ]
        storage.stage_batch(staging, 1, {"entities": entities_frame(mentions, run_info, {})})
        storage.commit_staged(output, staging, "entities", "mention_id", run_metadata(run_info), options)
    assert storage.table_version(output, "entities", options) == 2
    assert storage.read_table(output, "entities", options=options).height == 7
    result = storage.maintain_table(output, "entities", run_metadata(run_info), 3, 168, options)
    assert result is not None
    assert (result.compacted, result.files_after) == (True, 1)
    assert storage.read_table(output, "entities", version=0, options=options).height == 5
    assert storage.output_exists(output, options)
    assert not storage.output_exists(f"s3://{BUCKET}/nothing-here", options)


@pytest.mark.e2e
def test_s3_flow_writes_its_tables_to_the_bucket(
    aws_env: dict[str, str], prefect_api: str, raw_folder: Path
) -> None:
    from flows.ingest import ingest

    output = f"s3://{BUCKET}/flow"
    summary = ingest(raw_dir=str(raw_folder), output_dir=output, max_file_mb=1.0)
    options = Settings.from_env().object_store_options
    articles = storage.read_table(output, "articles", options=options)
    assert SAMPLE_NAME in articles["source_path"].to_list()
    assert articles.height == summary.articles_written == 3
    assert storage.read_table(output, "entities", options=options).height > 20
    again = ingest(raw_dir=str(raw_folder), output_dir=output, max_file_mb=1.0)
    assert again.files_unchanged == again.files_seen
