"""What each feed's last load went through: ``ops.applied_inputs``, written by every load.

A load stores the fingerprint of its whole input (:mod:`etl.running.unchanged` computes it); a
later run whose input has the same fingerprint would store exactly what is there already, so it
does not process the feed again (:mod:`etl.running.unchanged`).
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from etl import catalog
from etl.loading.connection import has_table


@dataclass(frozen=True)
class Applied:
    """One feed's load that the warehouse holds now: its run, its input's fingerprint, its counts."""

    run_id: str
    fingerprint: str
    source_file: str | None
    counts: dict[str, object]  # the run log's columns of etl.loading.load.LoadResult


def record(con: duckdb.DuckDBPyConnection, *, feed: str, run_id: str, fingerprint: str | None) -> None:
    """Say that ``feed``'s load of ``run_id`` is the one in the warehouse (inside the load's transaction).

    ``fingerprint`` None (a load that cannot state its whole input) matches no later run.
    """
    con.execute(f"delete from {catalog.APPLIED_INPUTS} where feed = ?", [feed])
    con.execute(
        f"insert into {catalog.APPLIED_INPUTS} (feed, run_id, input_fingerprint) values (?, ?, ?)",
        [feed, run_id, fingerprint],
    )


def forget(con: duckdb.DuckDBPyConnection, *, feed: str, run_id: str) -> None:
    """``feed``'s row of ``run_id`` in the run log is being rewritten as a failure: its load no longer stands for it."""
    con.execute(f"delete from {catalog.APPLIED_INPUTS} where feed = ? and run_id = ?", [feed, run_id])


_RESULT_COLUMNS = ("feed", "status", "rows_in", "loaded", "duplicates", "quarantined", "no_rate", "held_back",
                   "error", "awaiting_review")  # fmt: skip


def applied_loads(con: duckdb.DuckDBPyConnection) -> dict[str, Applied]:
    """Per feed, the load the warehouse holds, when its fingerprint is known (none before migration 017)."""
    if not has_table(con, catalog.APPLIED_INPUTS):
        return {}
    rows = con.execute(
        f"select a.run_id, a.input_fingerprint, r.source_file, {', '.join(f'r.{c}' for c in _RESULT_COLUMNS)} "
        f"from {catalog.APPLIED_INPUTS} as a inner join {catalog.RUN_LOG} as r using (run_id, feed) "
        "where a.input_fingerprint is not null"
    ).fetchall()
    return {
        row[3]: Applied(
            run_id=row[0],
            fingerprint=row[1],
            source_file=row[2],
            counts=dict(zip(_RESULT_COLUMNS, row[3:], strict=True)),
        )  # fmt: skip
        for row in rows
    }
