"""DAG files import cleanly, follow the house rules, and wire the expected tasks."""

from __future__ import annotations

import ast
from pathlib import Path

import pendulum
import pytest

from etl import catalog
from tests.dags.conftest import DAGS

ALLOWED_TOP_LEVEL = {"pendulum", "airflow.sdk", "etl", "etl.catalog", "__future__"}


def test_no_import_errors(dagbag):
    """Every DAG file parses without errors."""
    assert dagbag.import_errors == {}
    assert "fines_pipeline" in dagbag.dags


def test_every_dag_has_required_defaults(dagbag):
    """Tags from the approved set, retries >= 2, a timeout, docs, no catchup, aware start."""
    for dag_id, dag in dagbag.dags.items():
        assert dag.tags and set(dag.tags) <= catalog.TAGS, dag_id
        assert dag.default_args["retries"] >= 2, dag_id
        assert dag.default_args["execution_timeout"] is not None, dag_id
        assert dag.doc_md and dag_id in dag.doc_md, dag_id
        assert dag.catchup is False and dag.max_active_runs == 1, dag_id
        assert dag.start_date.tzinfo is not None and dag.start_date.utcoffset() == pendulum.duration(0), (
            dag_id
        )


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
        assert all(name in ALLOWED_TOP_LEVEL for name in names), f"{path.name}: top-level import of {names}"


def test_fines_pipeline_tasks_and_edges(dagbag):
    """Each feed is extracted, transformed, converted and loaded before the marts are built."""
    dag = dagbag.dags["fines_pipeline"]
    edges = {(up, task.task_id) for task in dag.tasks for up in task.upstream_task_ids}
    assert set(dag.task_ids) == {"prepare", "feeds", "extract", "transform", "convert", "load"}
    assert edges == {
        ("feeds", "extract"),
        ("extract", "transform"),
        ("transform", "convert"),
        ("prepare", "convert"),
        ("prepare", "load"),
        ("convert", "load"),
    }
    assert dag.get_task("load").pool == catalog.DUCKDB_POOL
