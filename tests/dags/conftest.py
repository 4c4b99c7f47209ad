"""Airflow fixtures: a DagBag over dags/ (no metadata database) and throwaway Airflow homes.

Subprocess tests get an environment built from scratch by :func:`airflow_env` (no AIRFLOW_* or
FINES_* variable leaks in from the caller) and a copy of one migrated SQLite metadata database
with the ``duckdb`` pool, made once per session: ``airflow db migrate`` alone takes ~10 s.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

DAGS = Path(__file__).parents[2] / "dags"
BIN = Path(sys.executable).parent


@pytest.fixture(scope="session")
def airflow_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh AIRFLOW_HOME for the session, set before Airflow is imported."""
    home = tmp_path_factory.mktemp("airflow_home")
    os.environ["AIRFLOW_HOME"] = str(home)
    os.environ["AIRFLOW__CORE__DAGS_FOLDER"] = str(DAGS)
    os.environ["AIRFLOW__CORE__LOAD_EXAMPLES"] = "False"
    os.environ["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"] = f"sqlite:///{home / 'airflow.db'}"
    return home


@pytest.fixture(scope="session")
def dagbag(airflow_home: Path):
    """Every DAG of dags/, parsed the way the DAG processor parses it (bundle folder on sys.path)."""
    from airflow.dag_processing.dagbag import BundleDagBag

    return BundleDagBag(dag_folder=str(DAGS), bundle_path=DAGS)


def airflow_env(home: Path, data: Path, **extra: str) -> dict[str, str]:
    """Environment of an Airflow subprocess: its home, SQLite, our DAGs, our data folder."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW", "FINES_"))}
    env.update(
        PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",  # Airflow starts `airflow` from PATH
        AIRFLOW_HOME=str(home),
        AIRFLOW__CORE__DAGS_FOLDER=str(DAGS),
        AIRFLOW__CORE__LOAD_EXAMPLES="False",
        AIRFLOW__DATABASE__SQL_ALCHEMY_CONN=f"sqlite:///{home / 'airflow.db'}",
        FINES_DATA_DIR=str(data),
        FINES_WAREHOUSE=str(data / "warehouse.duckdb"),
        FINES_AIRFLOW_RETRY_DELAY_S="1",
    )
    env.update(extra)
    return env


def run_airflow(*args: str, env: dict[str, str], timeout: int = 300) -> subprocess.CompletedProcess:
    """Run the `airflow` command of this virtualenv; output captured as text."""
    airflow = shutil.which("airflow", path=str(BIN)) or "airflow"
    return subprocess.run([airflow, *args], env=env, capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="session")
def migrated_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated Airflow metadata database (SQLite) holding the one-slot `duckdb` pool."""
    home = tmp_path_factory.mktemp("airflow_template")
    env = airflow_env(home, home / "data")
    for step in (("db", "migrate"), ("pools", "set", "duckdb", "1", "DuckDB single writer")):
        done = run_airflow(*step, env=env)
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return home / "airflow.db"


def new_airflow_home(tmp_path: Path, migrated_db: Path) -> Path:
    """An AIRFLOW_HOME under tmp_path starting from a copy of the migrated database."""
    home = tmp_path / "airflow"
    home.mkdir()
    shutil.copyfile(migrated_db, home / "airflow.db")
    return home


class FeedServer:
    """A small HTTP server on 127.0.0.1 serving fixed responses per path, counting requests."""

    def __init__(self, routes: dict[str, tuple[int, bytes]]) -> None:
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        self.routes, self.hits = routes, dict.fromkeys(routes, 0)
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - the http.server API
                status, body = server.routes.get(self.path, (404, b"not found"))
                server.hits[self.path] = server.hits.get(self.path, 0) + 1
                self.send_response(status)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        """The URL of one route."""
        return f"http://127.0.0.1:{self.httpd.server_address[1]}{path}"

    def close(self) -> None:
        """Stop serving."""
        self.httpd.shutdown()
        self.httpd.server_close()
