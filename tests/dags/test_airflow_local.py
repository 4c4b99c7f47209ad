"""scripts/airflow_local.py: the environment it gives Airflow (the command itself is run by hand)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

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
