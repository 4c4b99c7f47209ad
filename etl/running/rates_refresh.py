"""New rates in a published warehouse: stored actions re-converted, what changed logged, marts rebuilt.

``fines fx refresh`` and the ``fx_rates`` DAG call :func:`refresh_rates`; a run that brings new
rates calls :func:`reconvert` inside its own writer session (etl.running.pipeline).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb

from etl.config import Settings
from etl.loading import changes, load, models, publish, stored_rates
from etl.money import cpi
from etl.money.rates import keep_for_next_run, rates_for_run
from etl.running.memory import limit_memory


def refresh_rates(settings: Settings, *, run_id: str) -> dict[str, object]:
    """Publish the warehouse with the current rates: stored actions re-converted, marts rebuilt.

    Returns:
        Whether the rates changed, how many actions were re-converted, and the marts built.
    """
    rates_path = rates_for_run(settings)
    with publish.writer(settings.warehouse) as con:
        limit_memory(con, settings)
        load.migrate(con)
        cpi.load_cpi(con)
        changed = stored_rates.load_rates(con, rates_path)
        if changed:
            keep_for_next_run(settings, con, rates_path)
        reconverted = reconvert(con, rates_path, run_id=run_id, batch_date=None) if changed else 0
        marts = models.build_marts(con)
    return {"rates_changed": changed, "reconverted": reconverted, "marts": marts}


def reconvert(
    con: duckdb.DuckDBPyConnection, rates_path: Path, *, run_id: str, batch_date: date | None
) -> int:
    """Re-convert the stored actions with changed rates; what changed goes to ``ops.action_changes``.

    Returns:
        How many actions' converted values changed.
    """
    changes.snapshot(con)
    reconverted = stored_rates.reconvert(con, rates_path)
    with load.transaction(con):
        cpi.deflate(con)
        changes.record(con, run_id=run_id, feed=None, batch_date=batch_date)
    return reconverted
