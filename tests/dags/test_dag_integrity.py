"""DAG files import cleanly and fast, follow the house rules, and wire the expected tasks."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pendulum
import pytest

from etl import catalog
from etl.config import load_settings
from etl.sources.feeds import enabled_feeds
from tests.dags.conftest import DAGS

DAG_FILES = sorted(path for path in DAGS.glob("*.py") if path.name != "fines_defaults.py")
# Top-level imports a DAG file (or the fines_defaults module they share) may make, besides the stdlib.
ALLOWED_TOP_LEVEL = {
    "pendulum",
    "airflow.sdk",
    "airflow.sdk.exceptions",
    "etl",
    "etl.catalog",
    "fines_defaults",
}
# etl modules a DAG file may load while it is parsed: catalog, and config + feeds (stdlib-only)
# to read the registry. Anything else (etl.running.steps, polars, duckdb, ...) is a task's business.
ETL_AT_PARSE_TIME = {
    "etl",
    "etl.catalog",
    "etl.config",
    "etl.errors",
    "etl.sources",
    "etl.sources.feeds",
    "etl.console",
    "etl.console.terminal",
}
HEAVY = ("polars", "duckdb", "pandera", "pyarrow", "numpy", "pandas", "httpx", "currency_converter")
PARSE_BUDGET_S = 1.0


def _feeds() -> list[str]:
    return [feed.name for feed in enabled_feeds(load_settings().feeds_file)]


def _edges(dag) -> set[tuple[str, str]]:
    return {(up, task.task_id) for task in dag.tasks for up in task.upstream_task_ids}


def test_no_import_errors(dagbag):
    """Every DAG file parses; there is one ingest DAG per enabled feed, plus the three others."""
    assert dagbag.import_errors == {}
    expected = {catalog.ingest_dag_id(feed) for feed in _feeds()} | {
        "fines_pipeline",
        "fx_rates",
        "build_marts",
    }
    assert set(dagbag.dag_ids) == expected


def test_every_dag_has_required_defaults(dagbag):
    """Schedule, tags from the approved set, retries >= 2 with backoff, timeout, callback, docs, UTC start."""
    for dag_id, dag in dagbag.dags.items():
        args = dag.default_args
        # build_marts is manual on purpose: the writer that changes the facts builds the marts.
        assert dag.schedule is not None or dag_id == "build_marts", dag_id
        assert dag.tags and set(dag.tags) <= catalog.TAGS, dag_id
        assert args["retries"] >= 2 and args["retry_delay"].total_seconds() > 0, dag_id
        assert args["retry_exponential_backoff"] > 1, dag_id  # a multiplier in Airflow 3.3; 1 = no backoff
        assert args["execution_timeout"] is not None and callable(args["on_failure_callback"]), dag_id
        assert dag.doc_md and dag_id in dag.doc_md, dag_id
        assert dag.catchup is False and dag.max_active_runs == 1, dag_id
        assert dag.start_date.tzinfo is not None, dag_id
        assert dag.start_date.utcoffset() == pendulum.duration(0), dag_id


def test_every_task_that_writes_duckdb_uses_the_one_slot_pool(dagbag):
    """`load`, `build` and `refresh` write the warehouse: they share the `duckdb` pool."""
    writers = [
        task
        for dag in dagbag.dags.values()
        for task in dag.tasks
        if task.task_id in {"load", "build", "refresh"}
    ]
    assert len(writers) == len(dagbag.dags)
    assert {task.pool for task in writers} == {catalog.DUCKDB_POOL}


@pytest.mark.parametrize("path", sorted(DAGS.glob("*.py")), ids=lambda p: p.name)
def test_dag_files_import_only_light_modules_at_top_level(path: Path):
    """The scheduler re-parses DAG files: no polars, duckdb or etl logic at module level."""
    tree = ast.parse(path.read_text())
    for node in tree.body:
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module or ""] if node.module != "etl" else [f"etl.{a.name}" for a in node.names]
        else:
            continue
        for name in names:
            allowed = name in ALLOWED_TOP_LEVEL or name.split(".")[0] in sys.stdlib_module_names
            assert allowed, f"{path.name}: top-level import of {name}"


PROBE = """
import json, sys, time
from airflow.dag_processing.dagbag import BundleDagBag
import airflow.sdk  # the DAG processor has Airflow loaded before it parses a file
before = set(sys.modules)
start = time.perf_counter()
bag = BundleDagBag(dag_folder=sys.argv[1], bundle_path=sys.argv[2])
seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "errors": {k: str(v) for k, v in bag.import_errors.items()},
                  "dags": sorted(bag.dag_ids), "modules": sorted(set(sys.modules) - before)}))
"""


@pytest.mark.parametrize("path", DAG_FILES, ids=lambda p: p.name)
def test_dag_file_parses_in_under_a_second_without_heavy_imports(path: Path, airflow_home: Path):
    """Parsed alone in a fresh interpreter, as the DAG processor does: < 1 s, no polars/duckdb/etl.running.steps."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(path), str(DAGS)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-3000:]
    probe = json.loads(done.stdout.strip().splitlines()[-1])
    assert probe["errors"] == {} and probe["dags"], probe
    assert probe["seconds"] < PARSE_BUDGET_S, f"{path.name} took {probe['seconds']:.3f} s to parse"
    loaded = set(probe["modules"])
    assert {m for m in loaded if m.split(".")[0] in HEAVY} == set(), path.name
    assert {m for m in loaded if m.split(".")[0] == "etl"} <= ETL_AT_PARSE_TIME, path.name


def test_fines_pipeline_tasks_and_edges(dagbag):
    """Each feed is extracted, transformed and converted in its own mapped group, then loaded and checked."""
    dag = dagbag.dags["fines_pipeline"]
    assert set(dag.task_ids) == {
        "prepare", "feeds", "feed.extract", "feed.transform", "feed.convert", "load", "check",
    }  # fmt: skip
    assert _edges(dag) == {
        ("feeds", "feed.extract"),
        ("feed.extract", "feed.transform"),
        ("feed.transform", "feed.convert"),
        ("prepare", "feed.convert"),
        ("prepare", "load"),
        ("feed.convert", "load"),
        ("feeds", "check"),
        ("load", "check"),
    }
    load = dag.get_task("load")
    assert load.pool == catalog.DUCKDB_POOL and load.trigger_rule == "all_done_min_one_success"
    assert {outlet.uri for outlet in load.outlets} == {catalog.CORE_ACTIONS_URI, catalog.MARTS_URI}
    assert dag.get_task("check").retries == 0
    assert set(dag.params) == {"feeds", "as_of"}


@pytest.mark.parametrize("feed", _feeds())
def test_ingest_dag_tasks_edges_and_asset(dagbag, feed: str):
    """ingest_<feed>: extract -> transform -> convert -> load -> check; load updates feed and marts assets."""
    dag = dagbag.dags[catalog.ingest_dag_id(feed)]
    assert set(dag.task_ids) == {"extract", "transform", "convert", "load", "check"}
    assert _edges(dag) == {
        ("extract", "transform"), ("transform", "convert"), ("convert", "load"), ("load", "check"),
    }  # fmt: skip
    load = dag.get_task("load")
    assert load.pool == catalog.DUCKDB_POOL
    assert [(a.name, a.uri) for a in load.outlets] == [
        (catalog.feed_asset_name(feed), catalog.feed_uri(feed)),
        (catalog.MARTS_ASSET, catalog.MARTS_URI),
    ]
    assert dag.get_task("check").retries == 0
    assert set(dag.params) == {"as_of"}


def test_fx_rates_tasks_edges_and_asset(dagbag):
    """fx_rates: fetch (network, outside the pool) -> refresh (pool, rates asset) -> check."""
    dag = dagbag.dags["fx_rates"]
    assert set(dag.task_ids) == {"fetch", "refresh", "check"}
    assert _edges(dag) == {("fetch", "refresh"), ("fetch", "check"), ("refresh", "check")}
    assert dag.get_task("fetch").pool != catalog.DUCKDB_POOL
    assert [a.uri for a in dag.get_task("refresh").outlets] == [catalog.FX_RATES_URI]
    assert dag.get_task("check").retries == 0


def test_marts_are_built_by_the_writer_that_changes_the_facts(dagbag):
    """Each feed's load updates the marts asset; build_marts is manual, so no run builds them twice."""
    dag = dagbag.dags["build_marts"]
    assert set(dag.task_ids) == {"build"} and dag.schedule is None
    assert [a.uri for a in dag.get_task("build").outlets] == [catalog.MARTS_URI]
    for feed in _feeds():
        load = dagbag.dags[catalog.ingest_dag_id(feed)].get_task("load")
        assert [a.uri for a in load.outlets] == [catalog.feed_uri(feed), catalog.MARTS_URI]


def test_run_date_is_the_as_of_param_else_the_day_of_run_after(dagbag):
    """The run date never comes from the clock: the `as_of` param, else dag_run.run_after."""
    import fines_defaults

    class Run:
        run_after = pendulum.datetime(2024, 3, 5, 23, 30, tz="UTC")

    assert fines_defaults.run_date({"params": {"as_of": None}, "dag_run": Run()}) == date(2024, 3, 5)
    assert fines_defaults.run_date({"params": {"as_of": "2023-01-02"}, "dag_run": Run()}) == date(2023, 1, 2)
    assert fines_defaults.run_date({"params": {}, "dag_run": Run()}) == date(2024, 3, 5)
