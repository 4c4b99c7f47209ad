"""The DAG runs to success against a throwaway Airflow metadata database."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from tests.dags.conftest import DAGS

pytestmark = pytest.mark.integration


def _airflow(*args: str, env: dict[str, str], timeout: int = 300) -> subprocess.CompletedProcess:
    airflow = shutil.which("airflow", path=str(Path(sys.executable).parent)) or "airflow"
    return subprocess.run([airflow, *args], env=env, capture_output=True, text=True, timeout=timeout)


def test_fines_pipeline_dag_test_loads_the_warehouse(tmp_path: Path):
    """`airflow dags test` runs every task to success and the marts hold the sample's actions."""
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "AIRFLOW_HOME": str(tmp_path / "airflow"),
        "AIRFLOW__CORE__DAGS_FOLDER": str(DAGS),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{tmp_path / 'airflow' / 'airflow.db'}",
        "FINES_DATA_DIR": str(tmp_path / "data"),
        "FINES_WAREHOUSE": str(tmp_path / "data" / "warehouse.duckdb"),
    }
    (tmp_path / "airflow").mkdir()
    for step in (("db", "migrate"), ("pools", "set", "duckdb", "1", "DuckDB single writer")):
        done = _airflow(*step, env=env)
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    run = _airflow("dags", "test", "fines_pipeline", "2026-11-29", env=env)
    log = run.stdout + run.stderr
    assert run.returncode == 0, log[-5000:]
    assert "state=success" in log, log[-5000:]
    with duckdb.connect(env["FINES_WAREHOUSE"], read_only=True) as con:
        ((tiktok,),) = con.execute(
            "select amount_usd from core.enforcement_actions where platform = 'TikTok' and currency = 'RUB'"
        ).fetchall()
        ((batch_date,),) = con.execute("select distinct batch_date from core.enforcement_actions").fetchall()
        ((platforms,),) = con.execute("select count(*) from marts.fines_by_platform").fetchall()
    assert 32000 <= tiktok <= 33000
    assert str(batch_date) == "2026-11-29"
    assert platforms >= 5
