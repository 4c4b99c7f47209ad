"""The facts' keys stay unique without an index (migration 016, etl/loading/merge.check_keys).

``core.action_sources`` (feed, record_key), ``core.enforcement_actions`` (action_id), the status
history and the change log have no primary key since migration 016: every load checks the keys
it wrote before it commits. These
tests double a key the way a faulty load would and expect the check to refuse it, and show that
loading one file twice still leaves one row per key.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest

from etl import catalog
from etl.config import Settings
from etl.loading import load, merge
from etl.running import pipeline
from etl.sources.feeds import Feed

SAMPLE = Path(__file__).resolve().parents[2] / "etl" / "data" / "sample_actions.csv"


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    load.migrate(con)
    return con


def _source(con: duckdb.DuckDBPyConnection, record_key: str) -> None:
    con.execute(
        f"insert into {catalog.ACTION_SOURCES} (action_id, feed, record_key, source, source_line, batch_date) "
        "values ('a1', 'f', ?, 'src', 1, date '2026-12-01')",
        [record_key],
    )


def test_no_primary_key_is_left_on_the_facts_but_columns_keep_their_rules(con: duckdb.DuckDBPyConnection):
    keyed = {
        table
        for (table,) in con.execute(
            "select table_name from duckdb_constraints() where schema_name in ('core', 'ops') "
            "and constraint_type = 'PRIMARY KEY'"
        ).fetchall()
    }
    assert {"enforcement_actions", "action_sources", "action_status_history", "action_changes"}.isdisjoint(
        keyed
    )
    with pytest.raises(duckdb.ConstraintException):  # NOT NULL survived the copy
        con.execute(f"insert into {catalog.ACTION_SOURCES} (action_id, feed) values ('a1', 'f')")


def test_a_doubled_record_key_written_by_the_load_is_refused(con: duckdb.DuckDBPyConnection):
    _source(con, "r1")
    _source(con, "r2")
    con.execute("create temp table batch_keys as select 'f' as feed, 'r1' as record_key")
    con.execute("create temp table touched_actions as select 'a1' as action_id")
    merge.check_keys(con)  # unique: nothing to say
    _source(con, "r1")
    with pytest.raises(merge.DuplicateKey, match=r"core\.action_sources: feed, record_key = f, r1 .* 2 rows"):
        merge.check_keys(con)


def test_a_doubled_action_id_is_refused(con: duckdb.DuckDBPyConnection):
    con.execute("create temp table batch_keys as select 'f' as feed, 'r1' as record_key")
    con.execute("create temp table touched_actions as select 'a1' as action_id")
    row = (
        f"insert into {catalog.ENFORCEMENT_ACTIONS} (action_id, feed, source, jurisdiction, authority, platform, "
        "action_type, violation, status, fx_status, decision_date, batch_date, run_id) values "
        "('a1', 'f', 's', 'RU', 'court', 'TikTok', 'fine', 'other', 'final', 'converted', "
        "date '2021-04-06', date '2026-12-01', 'run')"
    )
    con.execute(row)
    merge.check_keys(con)
    con.execute(row)
    with pytest.raises(merge.DuplicateKey, match=r"core\.enforcement_actions: action_id = a1"):
        merge.check_keys(con)


def test_loading_the_same_file_twice_keeps_one_row_per_key(settings: Settings):
    feed = Feed(name="reference_sample", format="csv", location=str(SAMPLE))
    for day in (date(2026, 12, 1), date(2026, 12, 2)):
        report = pipeline.run(settings, [feed], as_of=day)
        assert [r.status for r in report.feeds] == ["ok"]
    with load.connect(settings.warehouse, read_only=True) as con:
        for table, key in (
            (catalog.ACTION_SOURCES, "feed, record_key"),
            (catalog.ENFORCEMENT_ACTIONS, "action_id"),
        ):
            rows, keys = con.execute(f"select count(*), count(distinct ({key})) from {table}").fetchone()
            assert rows == keys > 0, table


def test_a_doubled_status_version_is_refused(con: duckdb.DuckDBPyConnection):
    con.execute("create temp table batch_keys as select 'f' as feed, 'r1' as record_key")
    con.execute("create temp table touched_actions as select 'a1' as action_id")
    version = (
        f"insert into {catalog.STATUS_HISTORY} (action_id, status, run_id, valid_from) "
        "values ('a1', 'final', 'run', date '2021-04-06')"
    )
    con.execute(version)
    merge.check_keys(con)
    con.execute(version)
    with pytest.raises(
        merge.DuplicateKey, match=r"core\.action_status_history: action_id, valid_from = a1, 2021-04-06"
    ):
        merge.check_keys(con)
