"""The memory a writer session's DuckDB may take (``FINES_DUCKDB_MEMORY``), and loading a batch within it."""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path

import duckdb

from etl.config import Settings
from etl.errors import first_line, out_of_memory
from etl.loading import load
from etl.running.batch import Batch

log = logging.getLogger(__name__)


def limit_memory(con: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    """Bound the memory of a writer session's DuckDB (``FINES_DUCKDB_MEMORY``): past it, DuckDB spills to disk.

    By default DuckDB takes up to 80% of the machine's memory for a large load and its marts.
    """
    con.execute(f"set memory_limit = '{settings.duckdb_memory}'")  # checked by etl.config


def load_bounded(
    con: duckdb.DuckDBPyConnection, batch: Batch, *, settings: Settings, as_of: date, run_id: str
) -> load.LoadResult:
    """Load one batch within ``FINES_DUCKDB_MEMORY``, or else under DuckDB's own limit.

    A batch too large for the bound is loaded again under DuckDB's own limit (80% of the machine's
    memory) rather than failed: the bound keeps ordinary runs lean, it must not refuse a large file
    the machine can take. The first attempt rolled back.
    """

    def attempt() -> load.LoadResult:
        return load.load_batch(
            con, feed=batch.feed, run_id=run_id, batch_date=as_of, source_file=batch.source_file,
            converted_path=Path(batch.converted_path), reject_paths=[Path(p) for p in batch.reject_paths],
            rows_in=batch.rows_in, duplicates=batch.duplicates, threshold=settings.quarantine_threshold,
            fingerprint=batch.fingerprint,
        )  # fmt: skip

    try:
        return attempt()
    except duckdb.Error as error:
        cause = out_of_memory(error)
        if cause is None:
            raise
        reason = first_line(cause)
    log.warning(
        "feed %s: loading needs more than FINES_DUCKDB_MEMORY=%s (%s); loading it again under DuckDB's own limit",
        batch.feed, settings.duckdb_memory, reason,
    )  # fmt: skip
    con.execute("reset memory_limit")
    try:
        return attempt()
    finally:
        limit_memory(con, settings)
