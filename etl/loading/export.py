"""Parquet copies of every mart, for BI tools and notebooks without a DuckDB driver.

Marts are read from a read-only connection, so an export never blocks or waits for a run:
it sees the published state it opened. Each mart becomes ``<out>/<mart>.parquet``, or a
Hive-partitioned folder ``<out>/<mart>/<column>=<value>/data_0.parquet`` for the marts in
:data:`PARTITIONS`. A mart's new copy is written beside the old one and then swapped in.
"""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

import duckdb

from etl import catalog
from etl.loading import load
from etl.loading.sql import literal

log = logging.getLogger(__name__)

# Marts that readers usually filter by year, partitioned on it (one folder per year).
PARTITIONS = {
    catalog.FINES_OVER_TIME: "decision_year",
    catalog.NON_MONETARY_ACTIONS: "decision_year",
}


def target_path(out_dir: Path, mart: str) -> Path:
    """Where a mart's Parquet copy goes: a file, or a folder when the mart is partitioned."""
    table = mart.split(".", 1)[1]
    return out_dir / table if mart in PARTITIONS else out_dir / f"{table}.parquet"


def _swap_in(tmp: Path, target: Path) -> None:
    old = target.with_name(f".{target.name}.old-{os.getpid()}")
    if target.exists():
        os.replace(target, old)
    os.replace(tmp, target)
    if old.is_dir():
        shutil.rmtree(old)
    else:
        old.unlink(missing_ok=True)


def export_mart(con: duckdb.DuckDBPyConnection, mart: str, out_dir: Path) -> int:
    """Write one mart as Parquet under ``out_dir``; returns its row count."""
    target = target_path(out_dir, mart)
    tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    if tmp.is_dir():
        shutil.rmtree(tmp)
    options = "format parquet, compression zstd"
    if mart in PARTITIONS:
        options += f", partition_by ({PARTITIONS[mart]})"
    ((rows,),) = con.execute(f"copy (select * from {mart}) to {literal(str(tmp))} ({options})").fetchall()
    _swap_in(tmp, target)
    return rows


def export_marts(warehouse: Path, out_dir: Path) -> dict[str, int]:
    """Export every table of the ``marts`` schema to Parquet, from a read-only connection.

    Args:
        warehouse: the published DuckDB file.
        out_dir: folder for the Parquet files (created when missing).

    Returns:
        Rows written per mart (``marts.<name>``).

    Raises:
        etl.loading.load.WarehouseError: the warehouse does not exist or cannot be opened.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    with load.connect(warehouse, read_only=True) as con:
        marts = con.execute(
            "select schema_name || '.' || table_name from duckdb_tables() "
            "where database_name = current_database() and schema_name = 'marts' order by table_name"
        ).fetchall()
        for (mart,) in marts:
            counts[mart] = export_mart(con, mart, out_dir)
            log.info("exported %s: %s rows to %s", mart, counts[mart], target_path(out_dir, mart))
    return counts
