"""Apache Superset 6.1, installed from its pinned requirements, reads the warehouse on 127.0.0.1.

One Superset server (its own virtualenv, scripts/superset/) and one warehouse built by the
installed `fines` command serve every test here: the marts and their comments, the analyst
queries in SQL Lab, a chart, and, last, a run published while a Superset connection stays open.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from etl import catalog
from etl.config import BUNDLED_FEEDS
from scripts.superset import setup_superset as setup
from tests.conftest import AS_OF

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
DATA = BUNDLED_FEEDS.parent
FEEDS = {
    "reference_sample": ("csv", DATA / "sample_actions.csv"),
    "reference_jsonl": ("jsonl", DATA / "sample_actions.jsonl"),
}
COUNT = "select count(*) as actions from core.enforcement_actions"
FRESH_WITHIN_S = 60


class Superset:
    """A logged-in client of Superset's REST API (bearer token, JSON in and out)."""

    def __init__(self, port: int) -> None:
        self.base = f"http://127.0.0.1:{port}"
        login = {"username": setup.ADMIN_USER, "password": setup.ADMIN_PASSWORD, "provider": "db"}
        self.token = self.call("POST", "/api/v1/security/login", login)["access_token"]
        self.database_id = 0

    def call(self, method: str, path: str, body: dict | None = None) -> dict:
        """One API call; a non-2xx answer fails the test with Superset's message."""
        request = urllib.request.Request(self.base + path, method=method)
        if body is not None:
            request.data = json.dumps(body).encode()
            request.add_header("Content-Type", "application/json")
        if getattr(self, "token", None):
            request.add_header("Authorization", f"Bearer {self.token}")
        try:
            with urllib.request.urlopen(request, timeout=300) as response:
                return json.loads(response.read())
        except urllib.error.HTTPError as error:
            pytest.fail(f"{method} {path}: {error.code} {error.read().decode()[:2000]}")

    def sql(self, sql: str, *, limit: int = 1000) -> dict:
        """Run one statement synchronously in SQL Lab, in the warehouse's `marts` schema."""
        body = {
            "database_id": self.database_id, "sql": sql, "schema": "marts", "runAsync": False,
            "client_id": uuid.uuid4().hex[:10], "queryLimit": limit,
        }  # fmt: skip
        result = self.call("POST", "/api/v1/sqllab/execute/", body)
        assert result["status"] == "success", result
        return result


@dataclass
class Stack:
    """The running server, the warehouse it reads, and how long a run took here."""

    superset: Superset
    env: dict[str, str]
    warehouse: Path
    run_seconds: float


def _registry(path: Path, feeds: list[str]) -> Path:
    path.write_text(
        "".join(f'[feeds.{n}]\nformat = "{FEEDS[n][0]}"\nlocation = "{FEEDS[n][1]}"\n' for n in feeds)
    )
    return path


def _fines_run(env: dict[str, str], registry: Path) -> subprocess.Popen:
    """`fines run` through the installed entry point, as an operator would start it."""
    fines = Path(sys.executable).with_name("fines")
    return subprocess.Popen(
        [str(fines), "run", "--config", str(registry), "--as-of", AS_OF.isoformat()],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def _finish(run: subprocess.Popen) -> None:
    out, err = run.communicate(timeout=600)
    assert run.returncode == 0, f"fines run failed: {err[-3000:]} {out[-1000:]}"


def _direct(warehouse: Path, sql: str) -> tuple[list[str], list[tuple]]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        result = con.execute(sql)
        return [column[0] for column in result.description], result.fetchall()


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """Superset on a free port, with the warehouse (first run: the CSV feed) registered read-only."""
    tmp = tmp_path_factory.mktemp("superset")
    warehouse = tmp / "data" / "warehouse.duckdb"
    env = {**os.environ, "FINES_DATA_DIR": str(warehouse.parent), "FINES_WAREHOUSE": str(warehouse)}
    venv = setup.ensure_venv()
    started = time.monotonic()
    first = _fines_run(env, _registry(tmp / "first.toml", ["reference_sample"]))  # runs while Superset boots
    home = setup.init_home(tmp / "home", venv)
    port = setup.free_port()
    server = setup.start(home, venv, port, log=home / "superset.log")
    try:
        _finish(first)
        run_seconds = time.monotonic() - started
        superset = Superset(port)
        uri = f"duckdb:///{warehouse}?access_mode=read_only&enable_external_access=false"
        body = {"database_name": "fines", "sqlalchemy_uri": uri, "expose_in_sqllab": True}
        superset.database_id = superset.call("POST", "/api/v1/database/", body)["id"]
        yield Stack(superset=superset, env=env, warehouse=warehouse, run_seconds=run_seconds)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def test_superset_lists_every_mart_with_its_column_comments(stack: Stack):
    """The database browser shows exactly the catalog's marts, each column with its warehouse comment."""
    superset = stack.superset
    tables = superset.call("GET", f"/api/v1/database/{superset.database_id}/tables/?q=(schema_name:marts)")
    assert sorted(t["value"] for t in tables["result"]) == sorted(m.split(".")[1] for m in catalog.ALL_MARTS)
    for mart in catalog.ALL_MARTS:
        schema, table = mart.split(".")
        path = f"/api/v1/database/{superset.database_id}/table_metadata/?name={table}&schema={schema}"
        shown = {column["name"]: column["comment"] for column in superset.call("GET", path)["columns"]}
        _, expected = _direct(
            stack.warehouse,
            f"select column_name, comment from duckdb_columns() where schema_name = '{schema}' "
            f"and table_name = '{table}'",
        )
        assert shown == dict(expected) and all(shown.values()), mart


def _doc_queries() -> list[str]:
    """Every SQL block of docs/analysts.md (tests/warehouse/test_marts.py runs them on fixtures)."""
    text = (ROOT / "docs" / "analysts.md").read_text(encoding="utf-8")
    return re.findall(r"```sql\n(.*?)```", text, flags=re.S)


def test_sql_lab_runs_every_query_of_the_analyst_docs(stack: Stack):
    """Each documented query answers in SQL Lab with the columns and rows DuckDB gives directly.

    Superset 6.1 replaces a query's own LIMIT by SQL Lab's row limit (apache/superset#40070), so
    the row limit is set to the query's, as docs/analysts.md tells SQL Lab users to.
    """
    for sql in _doc_queries():
        own_limit = re.search(r"\blimit\s+(\d+)\s*;?\s*$", sql, flags=re.I)
        result = stack.superset.sql(sql, limit=int(own_limit.group(1)) if own_limit else 1000)
        columns, rows = _direct(stack.warehouse, sql)
        assert [column["column_name"] for column in result["columns"]] == columns, sql
        assert len(result["data"]) == len(rows), sql


def test_chart_built_on_a_mart_answers_through_the_chart_data_api(stack: Stack):
    """A saved pie chart of USD fines by platform returns each platform's total from the mart."""
    superset = stack.superset
    dataset = superset.call(
        "POST",
        "/api/v1/dataset/",
        {"database": superset.database_id, "schema": "marts", "table_name": "fines_by_platform"},
    )["id"]
    metric = {"expressionType": "SQL", "sqlExpression": "SUM(total_fines_usd)", "label": "total_fines_usd"}
    form = {"viz_type": "pie", "groupby": ["platform"], "metric": metric, "datasource": f"{dataset}__table"}
    query_context = {
        "datasource": {"id": dataset, "type": "table"}, "force": True, "form_data": form,
        "queries": [{"columns": ["platform"], "metrics": [metric], "orderby": [[metric, False]], "row_limit": 100}],
        "result_format": "json", "result_type": "full",
    }  # fmt: skip
    chart = {
        "slice_name": "Fines by platform (USD)", "viz_type": "pie", "datasource_id": dataset,
        "datasource_type": "table", "params": json.dumps(form), "query_context": json.dumps(query_context),
    }  # fmt: skip
    chart_id = superset.call("POST", "/api/v1/chart/", chart)["id"]
    (answer,) = superset.call("POST", "/api/v1/chart/data", query_context)["result"]
    saved = superset.call("GET", f"/api/v1/chart/{chart_id}/data/")["result"][0]["data"]
    _, expected = _direct(
        stack.warehouse,
        "select platform, sum(total_fines_usd)::double from marts.fines_by_platform group by platform "
        "order by 2 desc nulls last",
    )
    shown = [(row["platform"], row["total_fines_usd"]) for row in answer["data"]]
    assert [platform for platform, _ in shown] == [platform for platform, _ in expected]
    assert [usd for _, usd in shown] == pytest.approx([usd for _, usd in expected], abs=0.01)
    assert saved == answer["data"]


def test_superset_sees_a_new_run_within_60_s_while_one_of_its_connections_stays_open(stack: Stack):
    """A long SQL Lab query holds the old state open; queries issued after the publish read the new one."""
    superset = stack.superset
    (before,) = superset.sql(COUNT)["data"]
    hold_s = min(120, max(30, 2 * stack.run_seconds + 10))  # outlasts the run below with room
    held: dict = {}
    holder = threading.Thread(
        target=lambda: held.update(
            superset.sql(f"select ({COUNT}) as actions, sleep_ms({int(hold_s * 1000)}) as s")
        )
    )
    holder.start()
    time.sleep(2)  # the long query is running in Superset
    _finish(_fines_run(stack.env, _registry(stack.warehouse.parent.parent / "second.toml", list(FEEDS))))
    published = time.monotonic()
    _, ((expected,),) = _direct(stack.warehouse, COUNT)
    assert expected == before["actions"] + 5  # the JSON Lines feed's five actions
    while (now := superset.sql(COUNT)["data"][0]["actions"]) != expected:
        assert time.monotonic() - published < FRESH_WITHIN_S, f"Superset still reads {now} actions"
        time.sleep(1)
    assert holder.is_alive(), f"the held query ended before the check; raise hold_s ({hold_s:.0f} s)"
    tables = superset.call("GET", f"/api/v1/database/{superset.database_id}/tables/?q=(schema_name:marts)")
    assert len(tables["result"]) == len(catalog.ALL_MARTS)  # the catalog keeps its name across publishes
    holder.join(timeout=hold_s + 60)
    assert held["data"][0]["actions"] == before["actions"]  # the held connection kept its snapshot
