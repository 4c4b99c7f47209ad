"""Each DAG runs to success with `airflow dags test` against a throwaway metadata database.

`dags test` runs every task in one process, without scheduler or executor; the real scheduler
is exercised in test_airflow_e2e.py. Every run passes `as_of`: `dags test` sets a run's
`run_after` to the wall clock, whatever logical date it is given.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import duckdb
import pytest

from etl.config import load_settings
from etl.sources.feeds import enabled_feeds
from tests.conftest import write_registry
from tests.dags.conftest import FeedServer, airflow_env, new_airflow_home, run_airflow

pytestmark = pytest.mark.integration

AS_OF = "2026-11-20"
SAMPLE = Path(__file__).parents[2] / "etl" / "data" / "sample_actions.csv"
FX_FIXTURES = Path(__file__).parents[1] / "fixtures" / "fx"


def _dags_test(dag_id: str, env: dict[str, str], **conf: object) -> str:
    run = run_airflow("dags", "test", dag_id, "-c", json.dumps({"as_of": AS_OF, **conf}), env=env)
    return run.stdout + run.stderr + f"\n[exit code {run.returncode}]"


def _succeeded(log: str) -> bool:
    return log.endswith("[exit code 0]") and "state=success" in log


def _asset_events(home: Path) -> dict[str, list[dict]]:
    with sqlite3.connect(home / "airflow.db") as db:
        rows = db.execute(
            "select asset.name, asset_event.extra from asset_event join asset on asset.id = asset_event.asset_id"
        ).fetchall()
    events: dict[str, list[dict]] = {}
    for name, extra in rows:
        events.setdefault(name, []).append(json.loads(extra))
    return events


def test_fines_pipeline_dag_test_loads_the_warehouse(tmp_path: Path, migrated_db: Path):
    """`airflow dags test` runs every task to success and the marts hold the sample's actions."""
    env = airflow_env(new_airflow_home(tmp_path, migrated_db), tmp_path / "data")
    log = _dags_test("fines_pipeline", env)
    assert _succeeded(log), log[-5000:]
    with duckdb.connect(env["FINES_WAREHOUSE"], read_only=True) as con:
        ((tiktok,),) = con.execute(
            "select amount_usd from core.enforcement_actions where platform = 'TikTok' and currency = 'RUB'"
        ).fetchall()
        ((batch_date,),) = con.execute("select distinct batch_date from core.enforcement_actions").fetchall()
        ((platforms,),) = con.execute("select count(*) from marts.fines_by_platform").fetchall()
    assert 32000 <= tiktok <= 33000
    assert str(batch_date) == AS_OF
    assert platforms >= 5


def test_fines_pipeline_applies_the_other_feeds_when_one_fails(tmp_path: Path, migrated_db: Path):
    """A feed that fails after its retries stops only itself; the run log says why and the run fails."""
    registry = write_registry(
        tmp_path / "feeds.toml",
        {
            "good": {"format": "csv", "location": str(SAMPLE)},
            "broken": {"format": "csv", "location": str(tmp_path / "gone.csv")},
            "unselected": {"format": "csv", "location": str(SAMPLE)},
        },
    )
    env = airflow_env(new_airflow_home(tmp_path, migrated_db), tmp_path / "data", FINES_FEEDS=str(registry))
    log = _dags_test("fines_pipeline", env, feeds=["good", "broken"])
    assert "state=failed" in log and "FeedsNotApplied: 1 feed(s) not applied: broken" in log, log[-5000:]
    with duckdb.connect(env["FINES_WAREHOUSE"], read_only=True) as con:
        runs = {
            row[0]: row[1:] for row in con.execute("select feed, status, error from ops.run_log").fetchall()
        }
        ((loaded,),) = con.execute("select count(*) from core.action_sources where feed = 'good'").fetchall()
    assert set(runs) == {"good", "broken"}
    assert runs["good"] == ("ok", None)
    status, error = runs["broken"]
    assert status == "failed"
    assert error.startswith("task feed.extract failed after 3 tries: FetchError: feed broken: cannot read")
    assert loaded > 0


def test_ingest_dag_publishes_the_feed_and_build_marts_rebuilds(tmp_path: Path, migrated_db: Path):
    """ingest_reference_sample loads its batch with the marts; build_marts, by hand, rebuilds the same."""
    home = new_airflow_home(tmp_path, migrated_db)
    env = airflow_env(home, tmp_path / "data")
    log = _dags_test("ingest_reference_sample", env)
    assert _succeeded(log), log[-5000:]
    with duckdb.connect(env["FINES_WAREHOUSE"], read_only=True) as con:
        ((feed, status, loaded, batch_date),) = con.execute(
            "select feed, status, loaded, batch_date from ops.run_log"
        ).fetchall()
    assert (feed, status, str(batch_date)) == ("reference_sample", "ok", AS_OF) and loaded > 0
    (event,) = _asset_events(home)["feed_reference_sample"]
    assert event["status"] == "ok" and event["loaded"] == loaded
    (built,) = _asset_events(home)["marts"]  # the load rebuilt the marts

    log = _dags_test("build_marts", env)
    assert _succeeded(log), log[-5000:]
    rebuilt = _asset_events(home)["marts"][-1]
    assert rebuilt == built and built["marts.fines_by_platform"] >= 5


@pytest.mark.parametrize(
    "feed", [f.name for f in enabled_feeds(load_settings().feeds_file) if f.name != "reference_sample"]
)
def test_every_bundled_ingest_dag_runs_to_success(tmp_path: Path, migrated_db: Path, feed: str):
    """Each bundled feed's ingest DAG (JSON Lines, tracker, RSS, Atom) loads its sample under `dags test`."""
    env = airflow_env(new_airflow_home(tmp_path, migrated_db), tmp_path / "data")
    log = _dags_test(f"ingest_{feed}", env)
    assert _succeeded(log), log[-5000:]
    with duckdb.connect(env["FINES_WAREHOUSE"], read_only=True) as con:
        ((status, rows_in, sources),) = con.execute(
            "select status, rows_in, (select count(*) from core.action_sources where feed = ?) "
            "from ops.run_log where feed = ?",
            [feed, feed],
        ).fetchall()
    assert status == "ok" and rows_in > 0 and sources > 0


def test_fx_rates_dag_refreshes_live_rates_from_configured_urls(tmp_path: Path, migrated_db: Path):
    """fx_rates lands the ECB, NBP and Bank of Russia files of FINES_FX_*_URL and loads their rates."""
    files = {
        "ecb": "ecb_eurofxref-daily_2026-10-30.xml",
        "nbp_a": "nbp_api_tables_A_2024-01-03_2024-01-12.json",
        "nbp_b": "nbp_api_tables_B_2024-01-03_2024-01-10_cut.json",
        "cbr": "cbr_XML_daily_2023-06-01_synthetic.xml",
    }
    server = FeedServer({f"/{name}": (200, (FX_FIXTURES / name).read_bytes()) for name in files.values()})
    try:
        home = new_airflow_home(tmp_path, migrated_db)
        urls = {f"FINES_FX_{source.upper()}_URL": server.url(f"/{name}") for source, name in files.items()}
        env = airflow_env(home, tmp_path / "data", **urls)
        log = _dags_test("fx_rates", env)
    finally:
        server.close()
    assert _succeeded(log), log[-5000:]
    assert all(hits == 1 for hits in server.hits.values()), server.hits
    with duckdb.connect(env["FINES_WAREHOUSE"], read_only=True) as con:
        ((cbr_rates,),) = con.execute("select count(*) from core.fx_rates where source = 'cbr'").fetchall()
    assert cbr_rates > 0  # the Bank of Russia has no embedded copy: these came over HTTP
    assert list((tmp_path / "data" / "landing" / "fx_cbr" / AS_OF).glob("*.xml"))
    (event,) = _asset_events(home)["fx_rates"]
    assert set(event["live_rates"]) == set(files) and event["failed_sources"] == []
    assert event["rates_changed"] is True
