"""End to end with a real Airflow: scheduler, DAG processor and API server, LocalExecutor, SQLite.

A registry with two feeds served over HTTP on 127.0.0.1: `e2e_ok` serves the bundled sample CSV,
`e2e_broken` answers 500. Both ingest DAGs are triggered through the REST API. The good feed's
load must publish its actions with the marts rebuilt once (no `build_marts` run); the broken
feed's run must fail only after its retries, with the reason in `ops.run_log`, leaving the
other feed alone. Then both ingest DAGs and `fines_pipeline` are triggered at the same moment
(one run id for all three): each DAG run must keep its own run-log rows and work files.
Everything runs under pytest's tmp dir, on free ports, and is killed (by
process group) on teardown; on failure the assertion carries the Airflow logs.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import httpx
import pytest

from etl import catalog
from tests.conftest import write_registry
from tests.dags.conftest import BIN, FeedServer, airflow_env, new_airflow_home

pytestmark = pytest.mark.integration

SAMPLE = Path(__file__).parents[2] / "etl" / "data" / "sample_actions.csv"
COMPONENTS = {
    "scheduler": ["scheduler", "--skip-serve-logs"],  # task logs are read from local files
    "dag-processor": ["dag-processor"],
    "api-server": ["api-server", "--host", "127.0.0.1", "--workers", "1"],
}
OK, BROKEN = "ingest_e2e_ok", "ingest_e2e_broken"
STARTUP_S, RUN_S = 180, 300


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Airflow:
    """A running Airflow: its processes, environment, REST client and logs."""

    def __init__(self, root: Path, env: dict[str, str], port: int) -> None:
        self.root, self.env, self.port = root, env, port
        self.home, self.logs = Path(env["AIRFLOW_HOME"]), root / "component_logs"
        self.logs.mkdir()
        self.procs: dict[str, subprocess.Popen] = {}
        self.client = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30)

    def start(self) -> None:
        """Start every component in its own process group, output to a file."""
        for name, args in COMPONENTS.items():
            out = open(self.logs / f"{name}.log", "wb")  # noqa: SIM115 - closed with the process
            self.procs[name] = subprocess.Popen(
                [str(BIN / "airflow"), *args], env=self.env, stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip

    def stop(self) -> None:
        """SIGTERM each process group, then SIGKILL what is left after 20 s."""
        self.client.close()
        for proc in self.procs.values():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
        deadline = time.monotonic() + 20
        for proc in self.procs.values():
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                pass
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)

    def diagnostics(self) -> str:
        """The tail of every component's output, then of every task and DAG-processor log."""
        parts = [f"component exit codes (None = running): { {n: p.poll() for n, p in self.procs.items()} }"]
        for path in sorted(self.logs.glob("*.log")) + sorted((self.home / "logs").rglob("*.log")):
            tail = path.read_text(errors="replace")[-(8000 if path.parent == self.logs else 3000) :]
            parts.append(f"===== {path.relative_to(self.root)} (tail)\n{tail}")
        return "\n".join(parts)[:100_000]

    def wait(self, what: str, probe: Callable[[], object], timeout: float) -> object:
        """Poll ``probe`` until it returns something truthy; fail with the logs after ``timeout``."""
        deadline, last = time.monotonic() + timeout, None
        while time.monotonic() < deadline:
            try:
                result = probe()
                if result:
                    return result
            except httpx.HTTPError as error:
                last = error
            if any(proc.poll() is not None for proc in self.procs.values()):
                break
            time.sleep(1)
        pytest.fail(f"timed out waiting for {what} (last error: {last})\n{self.diagnostics()}", pytrace=False)

    def login(self) -> None:
        """Bearer token for the admin user, with the password the simple auth manager generated."""
        passwords = self.home / "simple_auth_manager_passwords.json.generated"
        self.wait(
            "the API server", lambda: passwords.exists() and self.client.get("/api/v2/version"), STARTUP_S
        )
        password = json.loads(passwords.read_text())["admin"]
        token = self.client.post("/auth/token", json={"username": "admin", "password": password})
        token.raise_for_status()
        self.client.headers["Authorization"] = f"Bearer {token.json()['access_token']}"

    def api(self, method: str, path: str, **kwargs) -> dict:
        """One REST call; the JSON answer."""
        response = self.client.request(method, f"/api/v2{path}", **kwargs)
        assert response.is_success, (
            f"{method} {path}: {response.status_code} {response.text}\n{self.diagnostics()}"
        )
        return response.json()

    def trigger(self, dag_id: str, run_after: datetime) -> str:
        """Trigger a manual run (no logical date) that starts at ``run_after``; its run id."""
        body = {"logical_date": None, "run_after": run_after.isoformat(), "conf": {}}
        return self.api("POST", f"/dags/{dag_id}/dagRuns", json=body)["dag_run_id"]

    def finished(self, dag_id: str, run_id: str) -> str:
        """Wait for a run to end; its final state."""

        def state() -> str | None:
            value = self.api("GET", f"/dags/{dag_id}/dagRuns/{run_id}")["state"]
            return value if value in ("success", "failed") else None

        return str(self.wait(f"{dag_id} run {run_id}", state, RUN_S))


@pytest.fixture(scope="module")
def feed_server() -> Iterator[FeedServer]:
    """The two feeds: the real sample CSV, and an upstream that answers 500."""
    server = FeedServer(
        {"/actions.csv": (200, SAMPLE.read_bytes()), "/broken.csv": (500, b"upstream is down")}
    )
    yield server
    server.close()


@pytest.fixture(scope="module")
def airflow(
    tmp_path_factory: pytest.TempPathFactory, migrated_db: Path, feed_server: FeedServer
) -> Iterator[Airflow]:
    """Scheduler, DAG processor and API server on a free port; stopped and killed on teardown."""
    root = tmp_path_factory.mktemp("e2e")
    registry = write_registry(
        root / "feeds.toml",
        {
            "e2e_ok": {"format": "csv", "location": feed_server.url("/actions.csv"), "schedule": "none"},
            "e2e_broken": {"format": "csv", "location": feed_server.url("/broken.csv"), "schedule": "none"},
        },
    )
    port = _free_port()
    env = airflow_env(
        new_airflow_home(root, migrated_db),
        root / "data",
        FINES_FEEDS=str(registry),
        AIRFLOW__CORE__EXECUTOR="LocalExecutor",
        AIRFLOW__CORE__AUTH_MANAGER="airflow.api_fastapi.auth.managers.simple.simple_auth_manager.SimpleAuthManager",
        AIRFLOW__CORE__PARALLELISM="4",
        AIRFLOW__API__HOST="127.0.0.1",
        AIRFLOW__API__PORT=str(port),
        AIRFLOW__CORE__EXECUTION_API_SERVER_URL=f"http://127.0.0.1:{port}/execution/",
        AIRFLOW__API_AUTH__JWT_SECRET=secrets.token_hex(32),
    )
    stack = Airflow(root, env, port)
    stack.start()
    try:
        stack.login()
        yield stack
    finally:
        stack.stop()


def test_real_airflow_ingests_a_feed_builds_the_marts_and_records_a_failing_feed(
    airflow: Airflow, feed_server: FeedServer
):
    """REST-triggered ingest runs: the good feed lands with its marts built once; the 500 feed fails alone."""
    dags = (OK, BROKEN, "build_marts")
    airflow.wait(
        "the DAG processor to serialize the DAGs",
        lambda: all(airflow.client.get(f"/api/v2/dags/{dag_id}").is_success for dag_id in dags),
        STARTUP_S,
    )
    for dag_id in dags:
        airflow.api("PATCH", f"/dags/{dag_id}", json={"is_paused": False})
    # A past run date: the batch date must come from run_after, not from the clock.
    run_after = (datetime.now(UTC) - timedelta(days=2)).replace(hour=6, minute=0, second=0, microsecond=0)
    ok_run, broken_run = airflow.trigger(OK, run_after), airflow.trigger(BROKEN, run_after)

    assert airflow.finished(OK, ok_run) == "success", airflow.diagnostics()
    assert airflow.finished(BROKEN, broken_run) == "failed", airflow.diagnostics()

    # The load rebuilt the marts with the facts: no other run rebuilds them.
    assert not airflow.api("GET", "/dags/build_marts/dagRuns")["dag_runs"]

    events = airflow.api("GET", "/assets/events", params={"source_dag_id": OK})["asset_events"]
    (event,) = [e for e in events if e["uri"] == catalog.feed_uri("e2e_ok")]
    assert event["extra"]["status"] == "ok" and event["extra"]["loaded"] > 0, event
    (marts,) = [e for e in events if e["uri"] == catalog.MARTS_URI]
    assert marts["extra"]["marts.fines_by_platform"] > 0, marts
    tries = {
        ti["task_id"]: (ti["state"], ti["try_number"])
        for ti in airflow.api("GET", f"/dags/{BROKEN}/dagRuns/{broken_run}/taskInstances")["task_instances"]
    }
    assert tries["extract"] == ("failed", 3), tries  # retries=2: three tries
    assert tries["load"][0] == tries["check"][0] == "upstream_failed", tries
    assert feed_server.hits["/broken.csv"] == 3 * 4, feed_server.hits  # each try: 1 request + 3 HTTP retries
    assert not airflow.api("GET", "/assets/events", params={"source_dag_id": BROKEN})["asset_events"]

    with duckdb.connect(airflow.env["FINES_WAREHOUSE"], read_only=True) as con:
        runs = {
            row[0]: row[1:]
            for row in con.execute(
                "select feed, status, error, loaded, batch_date from ops.run_log"
            ).fetchall()
        }
        ((tiktok_usd,),) = con.execute(
            "select a.amount_usd from core.enforcement_actions as a join core.action_sources as s using (action_id) "
            "where s.feed = 'e2e_ok' and a.platform = 'TikTok' and a.currency = 'RUB'"
        ).fetchall()
        ((actions, in_marts),) = con.execute(
            "select (select count(*) from core.enforcement_actions), "
            "(select sum(action_count) from marts.fines_by_platform)"
        ).fetchall()
    diagnostics = f"run log: {runs}"
    assert runs["e2e_ok"][0] == "ok" and runs["e2e_ok"][2] == event["extra"]["loaded"], diagnostics
    assert str(runs["e2e_ok"][3]) == run_after.date().isoformat(), diagnostics
    status, error, _, batch_date = runs["e2e_broken"]
    assert status == "failed" and str(batch_date) == run_after.date().isoformat(), diagnostics
    assert error.startswith("task extract failed after 3 tries: FetchError") and "500" in error, diagnostics
    assert 32000 <= tiktok_usd <= 33000
    assert actions == in_marts == event["extra"]["loaded"], (actions, in_marts, event)


def test_real_airflow_keeps_every_record_of_dags_triggered_at_the_same_moment(airflow: Airflow):
    """Every ingest DAG and fines_pipeline triggered at once share one run id: each keeps its own records."""
    dags = (OK, BROKEN, "fines_pipeline")
    airflow.wait(
        "the DAG processor to serialize fines_pipeline",
        lambda: airflow.client.get("/api/v2/dags/fines_pipeline").is_success,
        STARTUP_S,
    )
    airflow.api("PATCH", "/dags/fines_pipeline", json={"is_paused": False})
    run_after = (datetime.now(UTC) - timedelta(days=1)).replace(hour=6, minute=0, second=0, microsecond=0)
    runs = {dag_id: airflow.trigger(dag_id, run_after) for dag_id in dags}
    (run_id,) = set(runs.values())  # Airflow's run id is not unique across DAGs
    states = {dag_id: airflow.finished(dag_id, run_id) for dag_id in dags}
    assert states == {OK: "success", BROKEN: "failed", "fines_pipeline": "failed"}, airflow.diagnostics()

    tries = {
        ti["task_id"]: ti["try_number"]
        for ti in airflow.api("GET", f"/dags/{OK}/dagRuns/{run_id}/taskInstances")["task_instances"]
    }
    assert set(tries.values()) == {1}, tries  # no task of the good feed needed a retry
    with duckdb.connect(airflow.env["FINES_WAREHOUSE"], read_only=True) as con:
        rows = con.execute(
            "select dag_id, feed, status, run_id from ops.run_log where dag_run_id = ? order by all", [run_id]
        ).fetchall()
    assert [row[:3] for row in rows] == [
        ("fines_pipeline", "e2e_broken", "failed"),
        ("fines_pipeline", "e2e_ok", "ok"),
        (BROKEN, "e2e_broken", "failed"),
        (OK, "e2e_ok", "ok"),
    ], rows
    assert len({row[3] for row in rows}) == 3  # one run key per DAG run
