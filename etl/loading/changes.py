"""What each run changed in the facts: ``ops.action_changes`` and ``fines changes`` (docs/changes.md).

Whoever rewrites facts takes a :func:`snapshot` of the actions it is about to touch and, in the
same transaction, calls :func:`record` afterwards: every action added, every field whose value
differs (old and new value as text), every annulment, and every action whose records now report
another action. Only real differences are written, so a replayed run or a retried task that
leaves the facts as they were records nothing, and a corrected amount keeps its old value here.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TextIO

import duckdb

from etl import catalog
from etl.loading.connection import connect

ACTION_CHANGES = catalog.ACTION_CHANGES
# Bookkeeping that changes whenever a record is delivered again, without any change of fact.
UNTRACKED = frozenset({"action_id", "run_id", "batch_date"})
_BEFORE = "facts_before_change"


def tracked_fields(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The columns of ``core.enforcement_actions`` whose changes are recorded, in table order."""
    schema, table = catalog.ENFORCEMENT_ACTIONS.split(".")
    rows = con.execute(
        "select column_name from duckdb_columns() where schema_name = ? and table_name = ? "
        "order by column_index",
        [schema, table],
    ).fetchall()
    return [name for (name,) in rows if name not in UNTRACKED]


def snapshot(con: duckdb.DuckDBPyConnection, *, actions: str | None = None) -> None:
    """Keep the current facts of ``actions`` (a query of action ids; all facts when None)."""
    where = f"where action_id in ({actions})" if actions else ""
    con.execute(
        f"create or replace temp table {_BEFORE} as select * from {catalog.ENFORCEMENT_ACTIONS} {where}"
    )


def record(
    con: duckdb.DuckDBPyConnection,
    *,
    run_id: str,
    feed: str | None,
    batch_date: date | None,
    actions: str | None = None,
    successors: str | None = None,
) -> int:
    """Write what changed since :func:`snapshot` into ``ops.action_changes``; drop the snapshot.

    Args:
        con: the connection (and transaction) that changed the facts.
        run_id: the run that made the changes.
        feed: the feed whose batch made them; None for a re-conversion with changed rates.
        batch_date: the run's as-of date.
        actions: a query of the action ids that may have appeared (the snapshot's ids are
            always compared); None compares every fact.
        successors: a query of ``(old_id, new_id)``: the action that now holds the records
            of an action that no longer exists.

    Returns:
        How many change rows were written.
    """
    fields = tracked_fields(con)
    scope = f"where action_id in (select action_id from {_BEFORE} union {actions})" if actions else ""
    facts = catalog.ENFORCEMENT_ACTIONS
    successor_join = (
        f"left join ({successors}) as successor on successor.old_id = gone.action_id" if successors else ""
    )
    successor_id = "successor.new_id" if successors else "null"
    compared = ", ".join(
        f"{{'position': {i}, 'field': '{f}', 'old_value': cast(before.{f} as varchar), "
        f"'new_value': cast(after.{f} as varchar), 'differs': before.{f} is distinct from after.{f}}}"
        for i, f in enumerate(fields, start=1)
    )
    # The order of change_seq is fixed by the content: the same changes get the same numbers.
    rows = con.execute(
        f"""
        insert into {ACTION_CHANGES}
        with after_ids as (select action_id from {facts} {scope}),
        added as (
            select action_id, 'added' as change_type, null as field, null as old_value,
                null as new_value, 0 as position
            from after_ids anti join {_BEFORE} using (action_id)
        ),
        merged as (
            select gone.action_id, 'merged', 'action_id', gone.action_id, {successor_id}, 0
            from {_BEFORE} as gone anti join after_ids using (action_id)
            {successor_join}
        ),
        -- Whole rows are read only for the actions of the snapshot: a first load adds a million
        -- actions and compares none.
        compared as (
            select action_id, unnest([{compared}]) as item
            from {_BEFORE} as before
            inner join (select * from {facts} where action_id in (select action_id from {_BEFORE})) as after
                using (action_id)
        ),
        changed as (
            select action_id,
                case when item.field = 'status' and item.new_value = 'annulled' then 'annulled'
                    else 'changed' end,
                item.field, item.old_value, item.new_value, item.position
            from compared where item.differs
        ),
        every_change as (
            select * from added union all select * from merged union all select * from changed
        ),
        first_seq as (select coalesce(max(change_seq), 0) as seq from {ACTION_CHANGES})
        select first_seq.seq + row_number() over (order by action_id, position),
            ?, ?, action_id, change_type, field, old_value, new_value, ?::date
        from every_change cross join first_seq
        """,
        [run_id, feed, batch_date],
    ).fetchall()
    con.execute(f"drop table if exists {_BEFORE}")
    return rows[0][0] if rows else 0


def print_changes(
    warehouse_path: Path, *, since: date | None = None, run_id: str | None = None, out: TextIO | None = None
) -> int:
    """Print what runs changed, from ``marts.recent_changes``: the latest run's changes by default.

    Args:
        warehouse_path: the published warehouse (opened read-only).
        since: every change made by runs as of this date or later.
        run_id: the changes of this run.
        out: where to print (default: standard output); data is escaped (:mod:`etl.console.terminal`).

    Returns:
        How many changes were printed.
    """
    from etl.console.terminal import echo, escape

    if since is not None:
        where, params, title = "batch_date >= ?", [since], f"changes by runs as of {since} or later"
    elif run_id is not None:
        where, params, title = "run_id = ?", [run_id], f"changes by run {escape(run_id)}"
    else:
        where, params, title = "run_rank = 1", [], "changes by the latest run that changed something"
    with connect(warehouse_path, read_only=True) as con:
        cursor = con.execute(
            f"select * from {catalog.RECENT_CHANGES} where {where} order by change_seq", params
        )
        names = [column[0] for column in cursor.description]
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    counts = {kind: sum(1 for row in rows if row["change_type"] == kind) for kind in catalog.CHANGE_TYPES}
    summary = ", ".join(f"{n} {kind}" for kind, n in counts.items() if n) or "nothing"
    echo(f"{title} ({catalog.RECENT_CHANGES}): {summary}", file=out)
    current_run = None
    for row in rows:
        if row["run_id"] != current_run:
            current_run = row["run_id"]
            echo(f"run {escape(current_run)} (as of {row['batch_date'] or '-'})", file=out)
        echo(f"  {row['change_type']:<8} {escape(row['action_id'])}  {_describe(row)}", file=out)
    return len(rows)


def _describe(row: dict[str, object]) -> str:
    """One change on one line: what was added, or the field's old and new value."""
    from etl.console.terminal import escape

    about = " ".join(
        escape(row[k]) for k in ("platform", "jurisdiction", "decision_date") if row[k] is not None
    )
    feed = f"[feed {escape(row['feed'])}]" if row["feed"] else "[rates]"
    if row["change_type"] == "added":
        amount = row["amount"]
        money = f"{amount:,.2f} {escape(row['currency'])}" if amount is not None else "no amount"
        return f"{about}, {escape(row['authority'] or '-')}; now {money}  {feed}"
    if row["change_type"] == "merged":
        return f"now part of {escape(row['new_value'] or '-')}  {feed}"
    old, new = (escape(v) if v is not None else "(empty)" for v in (row["old_value"], row["new_value"]))
    return f"{escape(row['field'])}: {old} -> {new}  ({about})  {feed}"
