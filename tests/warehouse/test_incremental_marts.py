"""Builds that pay only for what changed (etl/loading/increments.py) give the marts a full build gives.

Each test starts from the fixture warehouse of test_marts.py (built from scratch, its state
saved), changes the facts the way a run or a person could, builds again, and compares every
mart with a from-scratch build of the same facts. The log line of the build says how each mart
was brought up to date, so the tests also show that the incremental path was the one taken.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator

import duckdb
import polars as pl
import pytest
from pandera.errors import SchemaErrors

from etl import catalog
from etl.loading import increments, models
from schemas import marts as mart_schemas
from tests.warehouse.test_marts import build_fixture_warehouse


@pytest.fixture
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    """The fixture warehouse, built from scratch with its state saved."""
    with duckdb.connect() as con:
        build_fixture_warehouse(con)
        yield con


def marts(con: duckdb.DuckDBPyConnection) -> dict[str, pl.DataFrame]:
    """Every mart, its rows in a fixed order (an incremental build appends rebuilt rows)."""
    return {
        name: (frame := con.sql(f"select * from {name}").pl()).sort(frame.columns, nulls_last=True)
        for name in catalog.ALL_MARTS
    }


def build(con: duckdb.DuckDBPyConnection, caplog: pytest.LogCaptureFixture) -> dict[str, str]:
    """Build the marts; how each one was brought up to date, from the build's log line."""
    caplog.clear()
    with caplog.at_level(logging.INFO, logger=models.log.name):
        models.build_marts(con)
    (message,) = [r.getMessage() for r in caplog.records if r.name == models.log.name]
    if message.startswith(f"marts built {models.FROM_SCRATCH}"):
        return dict.fromkeys(catalog.ALL_MARTS, models.FROM_SCRATCH)
    return dict(re.findall(r"(marts\.\w+) ([a-z ]+)", message))


def assert_equal_to_full_build(con: duckdb.DuckDBPyConnection) -> None:
    """The marts as built equal the marts a from-scratch build of the same facts gives."""
    built = marts(con)
    models.build_marts(con, full=True)
    rebuilt = marts(con)
    for name, frame in built.items():
        assert frame.equals(rebuilt[name]), f"{name} differs from a full build:\n{frame}\n{rebuilt[name]}"


ADD_ACTION = [
    # A new fine for X in Brazil (an existing series and authority), from a new run.
    "insert into core.enforcement_actions by name select * replace ('a18' as action_id, "
    "date '2024-11-05' as decision_date, 'run_c' as run_id) from core.enforcement_actions where action_id = 'a16'",
    "insert into core.action_sources by name select * replace ('a18' as action_id, 'a18' as record_action_id, "
    "'a18' as record_key) from core.action_sources where action_id = 'a16'",
    "insert into ops.action_changes values (5, 'run_c', 'news_rss', 'a18', 'added', null, null, null, "
    "date '2026-11-30')",
    "insert into ops.run_log by name select * replace ('run_c' as run_id, date '2026-11-30' as batch_date) "
    "from ops.run_log where run_id = 'run_a' and feed = 'news_rss'",
]


def test_a_run_that_adds_an_action_rebuilds_only_its_keys_and_equals_a_full_build(
    con: duckdb.DuckDBPyConnection, caplog: pytest.LogCaptureFixture
):
    """A new action, its source, its change and its run: keyed marts rebuild their changed keys only."""
    for statement in ADD_ACTION:
        con.execute(statement)
    how = build(con, caplog)
    assert how[catalog.FINES_OVER_TIME] == how[catalog.LARGEST_FINES] == models.KEYS
    assert how[catalog.RECENT_CHANGES] == models.KEYS
    assert how[catalog.FEED_FRESHNESS] == models.WHOLE
    # Ranks moved for rows the run did not touch: the latest run is now run_c.
    assert con.execute(
        f"select distinct run_id from {catalog.RECENT_CHANGES} where run_rank = 1"
    ).fetchall() == [("run_c",)]
    assert_equal_to_full_build(con)


@pytest.mark.parametrize(
    "statements",
    [
        # An action moves to another platform: its old and its new series both change.
        ["update core.enforcement_actions set platform = 'Twitter', parent_company = 'Twitter Inc.' "
         "where action_id = 'a02'"],
        # A fine is annulled: out of totals, out of largest_fines; ranks below it move up.
        ["update core.enforcement_actions set status = 'annulled' where action_id = 'a07'"],
        # An action disappears (its records joined another) and a change records the merge.
        ["delete from core.enforcement_actions where action_id = 'a10'",
         "insert into ops.action_changes values (5, 'run_c', 'reference_sample', 'a10', 'merged', 'action_id', "
         "'a10', 'a09', date '2026-11-30')"],
        # Re-conversion: a USD amount changes, and the largest fines are ranked again.
        ["update core.enforcement_actions set amount_usd = 9999999999.00 where action_id = 'a16'"],
        # Only a source changes (its URL): the sources listed for a fine change, no fact does.
        ["update core.action_sources set source_url = 'https://example.org/moved' where record_key = 'a06' "
         "and feed = 'gdpr_tracker_mirror'"],
        # Only the run log changes: only feed_freshness reads it.
        ["insert into ops.run_log by name select * replace ('run_c' as run_id, 'ok' as status, null as error, "
         "date '2026-11-30' as batch_date) from ops.run_log where run_id = 'run_b' and feed = 'gdpr_tracker'"],
        # An unknown platform is resolved: unresolved_platforms loses a row.
        ["update core.enforcement_actions set platform = 'Telegram', is_known_platform = true, "
         "platform_candidates = null where action_id = 'a17'"],
    ],
    ids=["moved", "annulled", "merged", "reconverted", "source_only", "run_log_only", "resolved"],
)  # fmt: skip
def test_any_change_of_the_facts_gives_the_marts_of_a_full_build(
    con: duckdb.DuckDBPyConnection, caplog: pytest.LogCaptureFixture, statements: list[str]
):
    """Whatever changed, however it was written (no change log needed), the marts equal a full build."""
    for statement in statements:
        con.execute(statement)
    how = build(con, caplog)
    assert models.FROM_SCRATCH not in how.values()
    assert_equal_to_full_build(con)


def test_marts_whose_inputs_did_not_change_are_left_alone_and_rebuilt_once_they_change(
    con: duckdb.DuckDBPyConnection, caplog: pytest.LogCaptureFixture
):
    """No change: nothing is rebuilt. A change of sources only: marts that read no source stay."""
    assert set(build(con, caplog).values()) == {models.UNCHANGED}
    con.execute(
        "update core.action_sources set source = 'AFP (corrected)' where record_key = 'a01' and feed = 'news_rss'"
    )
    how = build(con, caplog)
    readers = {
        name for name in catalog.ALL_MARTS if "sources" in increments.inputs_of(name, increments.model_sql())
    }
    assert readers == {catalog.DISPUTED_AMOUNTS, catalog.FEED_FRESHNESS, catalog.LARGEST_FINES}
    assert {name for name, h in how.items() if h != models.UNCHANGED} == readers
    assert con.execute(
        f"select source from {catalog.DISPUTED_AMOUNTS} where feed = 'news_rss'"
    ).fetchall() == [("AFP (corrected)",)]
    assert_equal_to_full_build(con)


def test_a_change_of_code_or_lost_state_rebuilds_everything_from_scratch(
    con: duckdb.DuckDBPyConnection, caplog: pytest.LogCaptureFixture
):
    """A stale code fingerprint (models, contracts or types changed) or no state: a from-scratch build."""
    con.execute(f"update {increments.STATE} set value = 'stale' where name = '{increments.CODE}'")
    assert set(build(con, caplog).values()) == {models.FROM_SCRATCH}
    assert set(build(con, caplog).values()) == {models.UNCHANGED}
    con.execute(f"delete from {increments.STATE}")
    assert set(build(con, caplog).values()) == {models.FROM_SCRATCH}
    con.execute(f"drop table {catalog.FX_DISAGREEMENTS}")
    assert set(build(con, caplog).values()) == {models.FROM_SCRATCH}


def test_comments_outlive_an_incremental_build(
    con: duckdb.DuckDBPyConnection, caplog: pytest.LogCaptureFixture
):
    """Rebuilt rows keep their table: its comment and column comments stay, without being set again."""
    for statement in ADD_ACTION:
        con.execute(statement)
    build(con, caplog)
    ((table, column),) = con.execute(
        "select t.comment, c.comment from duckdb_tables() as t "
        "join duckdb_columns() as c using (schema_name, table_name) where t.schema_name = 'marts' "
        "and t.table_name = 'fines_over_time' and c.column_name = 'running_total_fines_usd'"
    ).fetchall()
    assert "Grain:" in table and column


@pytest.mark.parametrize(
    ("statement", "undo", "contract", "check"),
    [
        # A keyed mart (largest_fines): a rebuilt row breaks a column check.
        ("update core.enforcement_actions set status = 'reversed' where action_id = 'a16'",
         "update core.enforcement_actions set status = 'imposed' where action_id = 'a16'", "LargestFines", "isin"),
        # A keyed mart (fines_over_time): a rebuilt period breaks a column check.
        ("update core.enforcement_actions set decision_date = date '1985-03-01' where action_id = 'a16'",
         "update core.enforcement_actions set decision_date = date '2024-09-27' where action_id = 'a16'",
         "FinesOverTime", "decision_year"),
        # A keyed mart (recent_changes): a rebuilt row breaks a dataframe check.
        ("insert into ops.action_changes values (5, 'run_c', 'news_rss', 'a16', 'added', 'amount', null, null, "
         "date '2026-11-30')", "delete from ops.action_changes where change_seq = 5",
         "RecentChanges", "added_rows_name_no_field"),
        # A mart rebuilt whole (unresolved_platforms).
        ("update core.enforcement_actions set platform_candidates = 'Telegram' where action_id = 'a17'",
         "update core.enforcement_actions set platform_candidates = 'Telegram (0.94)' where action_id = 'a17'",
         "UnresolvedPlatforms", "candidates_are_scored"),
    ],
    ids=["keyed-column", "keyed-period", "keyed-dataframe", "whole"],
)  # fmt: skip
def test_an_incremental_build_refuses_a_mart_that_breaks_its_contract(
    con: duckdb.DuckDBPyConnection, statement: str, undo: str, contract: str, check: str
):
    """The rebuilt rows are checked: the build fails, marts and state stay; fixing the facts heals it."""
    before, state = marts(con), con.sql(f"select * from {increments.ROW_STATE} order by all").pl()
    con.execute(statement)
    with pytest.raises(SchemaErrors, match=contract) as failure:
        models.build_marts(con)
    assert check in str(failure.value)
    after = marts(con)
    assert all(frame.equals(after[name]) for name, frame in before.items())
    assert con.sql(f"select * from {increments.ROW_STATE} order by all").pl().equals(state)
    con.execute(undo)
    models.build_marts(con)
    assert_equal_to_full_build(con)


def test_a_left_over_row_that_clashes_with_a_rebuilt_one_is_caught(con: duckdb.DuckDBPyConnection):
    """Uniqueness is checked between the rebuilt rows and the rows kept, not only among the rebuilt."""
    for statement in ADD_ACTION:
        con.execute(statement)
    # A stray row in the mart, of an action the run does not touch, holding the new change's number.
    con.execute(
        f"insert into {catalog.RECENT_CHANGES} by name select * replace (5 as change_seq) "
        f"from {catalog.RECENT_CHANGES} where action_id = 'a09'"
    )
    with pytest.raises(SchemaErrors, match="RecentChanges") as failure:
        models.build_marts(con)
    assert "change_seq" in str(failure.value)


def test_columns_rewritten_over_the_whole_mart_are_checked_whole():
    """Ranks rewritten after an incremental build are checked against their own column checks."""
    mart_schemas.validate_columns(
        catalog.LARGEST_FINES, pl.DataFrame({"overall_rank": [1, 2], "platform_rank": [1, 1]})
    )
    with pytest.raises(SchemaErrors, match="overall_rank"):
        mart_schemas.validate_columns(
            catalog.LARGEST_FINES, pl.DataFrame({"overall_rank": [0, 2], "platform_rank": [1, 1]})
        )


def test_every_mart_reads_only_inputs_whose_changes_are_seen():
    """Marts and core models read staging and core models only; a keyed mart's inputs carry its key.

    The change detection hashes the staging views: a mart reading a table directly, or a keyed
    mart reading an input without its kind of key, would miss changes.
    """
    sql = increments.model_sql()
    relations = {spec.relation for spec in increments.INPUTS.values()}
    staging = {name for name in sql if name.startswith("staging.")}
    assert staging == relations
    for name, text in sql.items():
        if name.startswith(("core.", "marts.")):
            read = set(re.findall(r"\b(?:from|join)\s+(\w+\.\w+)", text))
            assert read <= set(sql), f"{name} reads {read - set(sql)}, which is not a model"
    for name, keyed in increments.KEYED.items():
        assert keyed.kind in increments.KINDS
        for ref in increments.references(name, sql) & relations:
            spec = next(s for s in increments.INPUTS.values() if s.relation == ref)
            assert keyed.kind in spec.keys, f"{name} is keyed by {keyed.kind}, which {ref} does not carry"
