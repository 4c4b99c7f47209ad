"""scripts/airflow_local.py: the environment it gives Airflow, and that it stops everything it started."""

from __future__ import annotations

import contextlib
import importlib.util
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.dags.conftest import airflow_env, new_airflow_home

SCRIPT = Path(__file__).parents[2] / "scripts" / "airflow_local.py"


def _script():
    spec = importlib.util.spec_from_file_location("airflow_local", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_airflow_local_serves_our_dags_on_localhost(tmp_path: Path):
    """API on 127.0.0.1 at the chosen port, tasks told where it is, DAGs of dags/, data under data/."""
    script = _script()
    env = script.build_env(
        port=8123, home=tmp_path / "home", venv=tmp_path / "venv", base={"PATH": "/usr/bin"}
    )
    assert env["AIRFLOW__API__HOST"] == "127.0.0.1" and env["AIRFLOW__API__PORT"] == "8123"
    assert env["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"] == "http://127.0.0.1:8123/execution/"
    assert env["AIRFLOW__CORE__DAGS_FOLDER"] == str(script.ROOT / "dags")
    assert env["AIRFLOW_HOME"] == str(tmp_path / "home")
    assert env["PATH"].split(":")[0] == str(tmp_path / "venv" / "bin")
    assert env["FINES_WAREHOUSE"] == str(script.ROOT / "data" / "warehouse.duckdb")


def test_airflow_local_keeps_fines_variables_already_set(tmp_path: Path):
    """A user's FINES_DATA_DIR / FINES_WAREHOUSE win over the data/ defaults."""
    base = {
        "PATH": "/usr/bin",
        "FINES_DATA_DIR": str(tmp_path / "d"),
        "FINES_WAREHOUSE": str(tmp_path / "w.duckdb"),
    }
    env = _script().build_env(port=8080, home=tmp_path, venv=tmp_path, base=base)
    assert env["FINES_DATA_DIR"] == str(tmp_path / "d") and env["FINES_WAREHOUSE"] == str(
        tmp_path / "w.duckdb"
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _command_lines(pids: set[int]) -> dict[int, str]:
    lines = {}
    for pid in pids:
        with contextlib.suppress(OSError):
            lines[pid] = (
                Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            )
    return lines


@pytest.mark.integration
@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads the process tree from /proc")
def test_airflow_local_stops_every_process_it_started_on_sigterm(tmp_path: Path, migrated_db: Path):
    """SIGTERM to the script stops scheduler, DAG processor, triggerer and API server: no child survives."""
    script = _script()
    home, port = new_airflow_home(tmp_path, migrated_db), _free_port()
    env = airflow_env(home, tmp_path / "data", AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT=str(_free_port()))
    env.pop("AIRFLOW__DATABASE__SQL_ALCHEMY_CONN")  # the script's own setting: SQLite in its home
    log = (tmp_path / "airflow_local.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, str(SCRIPT), "--port", str(port), "--home", str(home)],
        env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    components = ("scheduler", "dag-processor", "triggerer", "api-server")
    seen: dict[int, str] = {}
    try:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline and proc.poll() is None:
            seen |= _command_lines(script.descendants(proc.pid))
            if all(any(f"airflow {name}" in line for line in seen.values()) for name in components):
                break
            time.sleep(1)
        assert proc.poll() is None, (tmp_path / "airflow_local.log").read_text()[-4000:]
        assert all(any(f"airflow {name}" in line for line in seen.values()) for name in components), seen
        time.sleep(5)  # let the components start their own children (gunicorn/uvicorn, executors)
        seen |= _command_lines(script.descendants(proc.pid))
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=script.GRACE_S + 30)
        settle = time.monotonic() + 10  # a killed process leaves a moment after its signal, later on a loaded machine
        while time.monotonic() < settle and any(script.alive(pid) for pid in seen):
            time.sleep(0.5)
        survivors = {pid: line for pid, line in seen.items() if script.alive(pid)}
        assert not survivors, f"still running after SIGTERM: {survivors}"
    finally:
        # What is still running of what this test started: nothing, when it passed.
        for pid in set(seen) | (script.descendants(proc.pid) if proc.poll() is None else set()):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        with contextlib.suppress(ProcessLookupError):
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        log.close()
