"""The warehouse migrations and the batch load (quarantine, run log).

The connection and transactions are in ``connection`` (re-exported here), stored rates and
re-conversion in ``stored_rates``, marts in ``models``.

Every write happens in one transaction, so a failed step leaves the warehouse as it was.
"""

from __future__ import annotations

import logging
import re
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

import duckdb

import warehouse
from etl import catalog
from etl.loading import applied, merge
from etl.loading.connection import (  # noqa: F401 - connect re-exported: callers use load.connect
    WarehouseError,
    connect,
    transaction,
)
from etl.loading.sql import literal

log = logging.getLogger(__name__)

_MIGRATION = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")


class ReconciliationError(WarehouseError):
    """A feed's counts do not add up: rows in != loaded + duplicates + quarantined + held back."""


@dataclass(frozen=True)
class LoadResult:
    """Counts of one feed's load, as written to ``ops.run_log``."""

    feed: str
    status: str
    rows_in: int
    loaded: int
    duplicates: int
    quarantined: int
    no_rate: int
    held_back: int
    error: str | None = None
    awaiting_review: int = 0  # of ``quarantined``: news candidates held for a person's decision
    unchanged_since: str | None = None  # not processed again: the run whose load of the same input stands

    def as_dict(self) -> dict[str, object]:
        """Plain values for XCom and JSON."""
        return asdict(self)


def migrate(con: duckdb.DuckDBPyConnection, *, up_to: int | None = None) -> list[str]:
    """Apply the numbered migrations not yet recorded in ``ops.schema_version``.

    Args:
        con: a write connection.
        up_to: stop after this version (to build an older warehouse, for upgrade tests).

    Returns:
        The file names applied now, in order.
    """
    con.execute("create schema if not exists ops")
    con.execute(
        f"create table if not exists {catalog.SCHEMA_VERSION} (version integer primary key, name varchar not null)"
    )
    done = {row[0] for row in con.execute(f"select version from {catalog.SCHEMA_VERSION}").fetchall()}
    applied = []
    for path in sorted((warehouse.ROOT / "migrations").glob("*.sql")):
        match = _MIGRATION.match(path.name)
        if not match or int(match.group(1)) in done or (up_to is not None and int(match.group(1)) > up_to):
            continue
        with transaction(con):
            con.execute(path.read_text(encoding="utf-8"))
            con.execute(
                f"insert into {catalog.SCHEMA_VERSION} values (?, ?)", [int(match.group(1)), path.name]
            )
        applied.append(path.name)
    return applied


def _parquet_views(con: duckdb.DuckDBPyConnection, *, converted_path: Path, reject_paths: list[Path]) -> None:
    """Temp views ``batch`` and ``rejects`` over the batch's Parquet files: DuckDB reads them as it goes.

    ``key_payload`` of a reject: the record as loaded rows carry it (the quarantine key), where
    ``payload`` may be the record's original text. Batches written before the two differed have
    only ``payload``.
    """
    import pyarrow.parquet as pq

    con.execute(
        f"create or replace temp view batch as select * from read_parquet({literal(str(converted_path))})"
    )
    parts = [
        "select cast(source_line as bigint) as source_line, cast(payload as varchar) as payload, "
        "cast(stage as varchar) as stage, cast(reasons as varchar[]) as reasons, "
        f"cast({'coalesce(key_payload, payload)' if 'key_payload' in pq.read_schema(path).names else 'payload'} "
        f"as varchar) as key_payload from read_parquet({literal(str(path))})"
        for path in reject_paths
    ]
    empty = (
        "select null::bigint as source_line, null::varchar as payload, null::varchar as stage, "
        "null::varchar[] as reasons, null::varchar as key_payload where false"
    )
    con.execute(f"create or replace temp view rejects as {' union all '.join(parts or [empty])}")


def _apply_quarantine(
    con: duckdb.DuckDBPyConnection, *, feed: str, run_id: str, source_file: str, batch_date: date
) -> None:
    # A row keyed by its feed and payload (as loaded rows carry it): the same bad row seen again
    # updates last_run_id; a payload that now loads is released.
    key = "'q_' || left(sha256(? || chr(31) || {}), 16)"
    # Hashing every loaded row is the cost here (seconds for a million rows): skip it when the
    # feed has nothing quarantined, as on a first load.
    if con.execute(f"select count(*) from {catalog.QUARANTINE} where feed = ?", [feed]).fetchone()[0]:
        con.execute(
            f"delete from {catalog.QUARANTINE} where feed = ? and quarantine_id in "
            f"(select {key.format('payload')} from batch)",
            [feed, feed],
        )
    con.execute(
        f"""insert into {catalog.QUARANTINE} by name
        select {key.format("key_payload")} as quarantine_id, ? as feed, stage, ? as source_file, payload, reasons,
            source_line, ? as first_run_id, ? as last_run_id, ?::date as batch_date
        from rejects
        on conflict (quarantine_id) do update set
            stage = excluded.stage, source_file = excluded.source_file, reasons = excluded.reasons,
            source_line = excluded.source_line, last_run_id = excluded.last_run_id,
            batch_date = excluded.batch_date""",
        [feed, feed, source_file, run_id, run_id, batch_date],
    )


def load_batch(
    con: duckdb.DuckDBPyConnection,
    *,
    feed: str,
    run_id: str,
    batch_date: date,
    source_file: str,
    converted_path: Path,
    reject_paths: list[Path],
    rows_in: int,
    duplicates: int,
    threshold: float,
    fingerprint: str | None = None,
) -> LoadResult:
    """Merge one feed's converted batch into the core facts, quarantine and run log.

    Idempotent: actions are replaced by ``action_id``, quarantined rows by feed and payload,
    and the run log row by ``(run_id, feed)``. When more than ``threshold`` of the batch was
    rejected, the batch is held back (circuit breaker) and previously loaded actions stay.
    ``fingerprint`` (:mod:`etl.running.unchanged`) is stored as the feed's applied input; a later
    run with the same one leaves the feed alone. None (the input is not stated) matches nothing.

    Raises:
        ReconciliationError: rows in != loaded + duplicates + quarantined + held back.
    """
    _parquet_views(con, converted_path=converted_path, reject_paths=reject_paths)
    try:
        loaded, no_rate = con.execute(
            "select count(*), count(*) filter (where fx_status = ?) from batch", [catalog.FX_NO_RATE]
        ).fetchone()  # type: ignore[misc]
        quarantined, review, awaiting = con.execute(
            "select count(*), count(*) filter (where list_contains(?, stage)), "
            "count(*) filter (where stage = 'review') from rejects",
            [list(catalog.REVIEW_STAGES)],
        ).fetchone()  # type: ignore[misc]
        # Items held for review are uncertain, not broken: they never open the circuit.
        open_circuit = rows_in > review and (quarantined - review) / (rows_in - review) > threshold
        result = LoadResult(
            feed=feed, status="circuit_open" if open_circuit else "ok", rows_in=rows_in,
            loaded=0 if open_circuit else loaded, duplicates=duplicates, quarantined=quarantined,
            no_rate=no_rate, held_back=loaded if open_circuit else 0, awaiting_review=awaiting,
            error=f"{quarantined - review} of {rows_in - review} rows rejected, above the threshold of "
            f"{threshold:.0%}: batch not applied" if open_circuit else None,
        )  # fmt: skip
        if result.rows_in != result.loaded + result.duplicates + result.quarantined + result.held_back:
            raise ReconciliationError(f"feed {feed}: counts do not reconcile: {result}")
        # No statement of the load reads rows back in the order they were written (each states its
        # order), so DuckDB may write in parallel: about a third less time for a million records.
        con.execute("set preserve_insertion_order = false")
        with transaction(con):
            if not open_circuit:
                # Every valid record is loaded as a source record, whichever action it reports:
                # counting "merged" rows here would depend on which feed happened to load first.
                merge.merge_batch(con, run_id=run_id, batch_date=batch_date, source_file=source_file)
            _apply_quarantine(con, feed=feed, run_id=run_id, source_file=source_file, batch_date=batch_date)
            record_run(con, run_id=run_id, batch_date=batch_date, source_file=source_file, result=result)
            applied.record(con, feed=feed, run_id=run_id, fingerprint=fingerprint)
    finally:
        con.execute("reset preserve_insertion_order")
        con.execute("drop view if exists batch")
        con.execute("drop view if exists rejects")
    return result


def record_run(
    con: duckdb.DuckDBPyConnection,
    *,
    run_id: str,
    batch_date: date,
    source_file: str | None,
    result: LoadResult,
) -> None:
    """Write (or rewrite) the run log row of one run and feed.

    ``run_id`` is unique per run (a DAG run's key includes its DAG id, see
    ``etl.running.steps.run_key``): only another try or a replay of the same run rewrites the row, and
    then only these columns (the DAG columns of migration 011 stay).
    """
    columns = ("status", "error", "source_file", "rows_in", "loaded", "duplicates", "quarantined",
               "no_rate", "held_back", "batch_date", "awaiting_review", "unchanged_since")  # fmt: skip
    con.execute(
        f"insert into {catalog.RUN_LOG} by name select ? as run_id, ? as feed, ? as status, "
        "? as error, ? as source_file, ? as rows_in, ? as loaded, ? as duplicates, ? as quarantined, "
        "? as no_rate, ? as held_back, ?::date as batch_date, ? as awaiting_review, ? as unchanged_since "
        f"on conflict (run_id, feed) do update set {', '.join(f'{c} = excluded.{c}' for c in columns)}",
        [
            run_id,
            result.feed,
            result.status,
            result.error,
            source_file,
            result.rows_in,
            result.loaded,
            result.duplicates,
            result.quarantined,
            result.no_rate,
            result.held_back,
            batch_date,
            result.awaiting_review,
            result.unchanged_since,
        ],
    )
