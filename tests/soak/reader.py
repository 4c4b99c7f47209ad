"""A reader that queries the published warehouse continuously, as analysts and BI tools do.

Alternates a raw read-only DuckDB connection and a read-only SQLAlchemy engine (duckdb-engine),
each opened for one query and closed. Every half second it writes its counts and errors to the
status file (atomically); it stops on SIGTERM after writing them a last time.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import time
from pathlib import Path

import duckdb
import sqlalchemy
from sqlalchemy.pool import NullPool

PAUSE_S = 0.02  # between queries: continuous, without taking a whole core from the runs
QUERIES = (
    "select count(*) from core.enforcement_actions",
    "select coalesce(sum(action_count), 0) from marts.fines_by_platform",
    "select count(*) from ops.run_log where rows_in != loaded + duplicates + quarantined + held_back",
)


def main(warehouse: Path, status: Path) -> None:
    """Query until SIGTERM; the status file says how many queries of each kind ran and every error."""
    counts, errors, stopping = {"duckdb": 0, "sqlalchemy": 0}, [], []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    engine = sqlalchemy.create_engine(
        f"duckdb:///{warehouse}", connect_args={"read_only": True}, poolclass=NullPool
    )
    written, turn = 0.0, 0
    while not stopping:
        if warehouse.exists():
            query, kind = QUERIES[turn % len(QUERIES)], ("duckdb", "sqlalchemy")[turn % 2]
            turn += 1
            try:
                if kind == "duckdb":
                    with duckdb.connect(str(warehouse), read_only=True) as con:
                        value = con.execute(query).fetchall()[0][0]
                else:
                    with engine.connect() as con:
                        value = con.execute(sqlalchemy.text(query)).scalar_one()
                if query.startswith("select count(*) from ops.run_log") and value:
                    errors.append(f"{value} run-log rows do not reconcile")
                counts[kind] += 1
            except Exception as error:  # noqa: BLE001 - every reader error is a finding
                errors.append(f"{kind}: {type(error).__name__}: {str(error).splitlines()[0][:300]}")
            time.sleep(PAUSE_S)
        else:
            time.sleep(0.05)
        if time.monotonic() - written > 0.5 or stopping:
            tmp = status.with_suffix(".tmp")
            tmp.write_text(json.dumps({"queries": counts, "errors": errors[:50], "error_count": len(errors)}))
            os.replace(tmp, status)
            written = time.monotonic()
    engine.dispose()


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
