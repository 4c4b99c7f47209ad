"""A long-lived reader in its own process: holds connections across a publish, reports what each saw.

Usage: ``python -m tests.bi.long_lived_reader duckdb|sqlalchemy WAREHOUSE GO_FILE``. It opens its
connections, prints one JSON line (``{"ready": ..., "before": N}``), waits until GO_FILE exists
(the test has published a new state), then prints one JSON line: per client, the count it read
and, for clients expected to catch up, how many seconds that took. A plain DuckDB process and a
SQLAlchemy process are separate because DuckDB refuses two configurations for one open file.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

QUERY = "select count(*) from core.enforcement_actions"
CATCH_UP_S = 15.0


def _catch_up(read: Callable[[], int], before: int) -> dict[str, float | int]:
    """Read until the count differs from ``before`` (or time runs out): the count, reads and seconds taken."""
    start, reads = time.monotonic(), 1
    while (count := read()) == before and time.monotonic() - start < CATCH_UP_S:
        time.sleep(0.2)
        reads += 1
    return {"count": count, "reads": reads, "seconds": round(time.monotonic() - start, 2)}


def _wait(go: Path) -> None:
    deadline = time.monotonic() + 300
    while not go.exists():
        if time.monotonic() > deadline:
            sys.exit("the publish never came")
        time.sleep(0.05)


def plain_duckdb(warehouse: Path, go: Path) -> dict:
    """A connection held open across the publish, then a new one opened while it is still open."""
    import duckdb

    held = duckdb.connect(str(warehouse), read_only=True)
    before = held.execute(QUERY).fetchall()[0][0]
    print(json.dumps({"ready": "duckdb", "before": before}), flush=True)
    _wait(go)
    fresh = duckdb.connect(str(warehouse), read_only=True)  # `held` stays open meanwhile
    return {
        "before": before,
        "held": held.execute(QUERY).fetchall()[0][0],
        "new_connection": _catch_up(lambda: fresh.execute(QUERY).fetchall()[0][0], before),
        "held_after": held.execute(QUERY).fetchall()[0][0],
    }


def pooled_sqlalchemy(warehouse: Path, go: Path) -> dict:
    """Pooled engines with an idle connection and one checked out across the publish."""
    from sqlalchemy import create_engine, text

    from etl.loading import publish

    def engine(**options):
        return create_engine(f"duckdb:///{warehouse}", connect_args={"read_only": True}, **options)

    refreshed = publish.refresh_on_checkout(engine(pool_size=2))
    recycled = engine(pool_size=2, pool_recycle=2)
    plain = engine(pool_size=2)

    def read(pool) -> int:
        with pool.connect() as connection:
            return connection.execute(text(QUERY)).scalar_one()

    before = [read(pool) for pool in (refreshed, recycled, plain)][0]  # each pool keeps one idle
    checked_out = refreshed.connect()
    print(json.dumps({"ready": "sqlalchemy", "before": before}), flush=True)
    _wait(go)
    result = {
        "before": before,
        "checked_out": checked_out.execute(text(QUERY)).scalar_one(),
        "refresh_on_checkout": _catch_up(lambda: read(refreshed), before),
        "pool_recycle": _catch_up(lambda: read(recycled), before),
        "plain_pool": read(plain),
    }
    checked_out.close()
    result["checked_out_returned"] = read(refreshed)
    return result


if __name__ == "__main__":
    mode, warehouse, go = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    reader = {"duckdb": plain_duckdb, "sqlalchemy": pooled_sqlalchemy}[mode]
    print(json.dumps(reader(warehouse, go)), flush=True)
