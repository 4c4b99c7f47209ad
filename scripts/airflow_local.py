#!/usr/bin/env python3
"""Run Airflow locally with this project's DAGs, on 127.0.0.1, in one command.

    python3 scripts/airflow_local.py              # http://127.0.0.1:8080
    python3 scripts/airflow_local.py --port 8090

Uses the virtualenv this script runs in when it has Airflow, else sets up ``.venv`` with
Airflow (as ``scripts/dev.py`` does, through ``constraints.txt``; ``FINES_VENV`` moves it).
Then runs ``airflow standalone`` (scheduler, DAG processor, triggerer, API server;
LocalExecutor and SQLite) with AIRFLOW_HOME ``data/airflow``, the DAGs of ``dags/``, the
warehouse and landing area under ``data/`` (``FINES_*`` variables already set win) and the
one-slot ``duckdb`` pool. Stop it with Ctrl-C. See docs/airflow.md.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

import dev  # noqa: E402 - the sibling script that owns the virtualenv

POOL = ("duckdb", "1", "DuckDB single writer: every task that writes the warehouse")


def build_env(*, port: int, home: Path, venv: Path, base: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of every Airflow process: our DAGs, 127.0.0.1, data under ``data/``."""
    env = dict(os.environ if base is None else base)
    data = Path(env.get("FINES_DATA_DIR", ROOT / "data"))
    env.update(
        PATH=f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}",  # standalone starts `airflow` from PATH
        AIRFLOW_HOME=str(home),
        AIRFLOW__CORE__DAGS_FOLDER=str(ROOT / "dags"),
        AIRFLOW__CORE__LOAD_EXAMPLES="False",
        AIRFLOW__CORE__EXECUTOR="LocalExecutor",
        AIRFLOW__API__HOST="127.0.0.1",
        AIRFLOW__API__PORT=str(port),
        # Tasks reach the API server here; on a non-default port they fail with "Connection refused" without it.
        AIRFLOW__CORE__EXECUTION_API_SERVER_URL=f"http://127.0.0.1:{port}/execution/",
        FINES_DATA_DIR=str(data),
        FINES_WAREHOUSE=env.get("FINES_WAREHOUSE", str(data / "warehouse.duckdb")),
    )
    return env


def find_venv() -> Path:
    """The virtualenv running this script if it has Airflow, else ``.venv`` (set up if needed)."""
    here = Path(sys.prefix)
    if here != Path(sys.base_prefix) and (here / "bin" / "airflow").exists():
        return here
    dev.ensure_venv("airflow")
    return dev.VENV


def main(argv: list[str] | None = None) -> int:
    """Set up, migrate, create the pool, print where to log in, then run ``airflow standalone``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8080, help="API server / UI port (default 8080)")
    parser.add_argument("--home", type=Path, default=ROOT / "data" / "airflow", help="AIRFLOW_HOME")
    args = parser.parse_args(argv)

    venv = find_venv()
    args.home.mkdir(parents=True, exist_ok=True)
    env = build_env(port=args.port, home=args.home.resolve(), venv=venv)
    airflow = str(venv / "bin" / "airflow")
    for step in (["db", "migrate"], ["pools", "set", *POOL]):
        subprocess.run([airflow, *step], env=env, check=True, stdout=subprocess.DEVNULL)
    passwords = args.home.resolve() / "simple_auth_manager_passwords.json.generated"
    print(
        f"\nAirflow UI and REST API: http://127.0.0.1:{args.port}  (user: admin)\n"
        f"admin password: in {passwords} (written when the API server starts)\n"
        f"DAGs: {ROOT / 'dags'}   warehouse: {env['FINES_WAREHOUSE']}\n"
        "New DAGs start paused: unpause them in the UI. Ctrl-C stops everything.\n",
        flush=True,
    )
    os.execve(airflow, [airflow, "standalone"], env)
    return 0  # not reached


if __name__ == "__main__":
    try:
        sys.exit(main())
    except subprocess.CalledProcessError as error:
        print(
            f"airflow_local.py: {' '.join(error.cmd)} failed with exit code {error.returncode}",
            file=sys.stderr,
        )
        sys.exit(error.returncode or 1)
