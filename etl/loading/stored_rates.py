"""Stored rates and what depends on them.

The run's rates go into ``core.fx_rates``; when they change, every stored record is converted
again.

Both write in one transaction (``load.transaction``); the connection comes from ``load.connect``.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

import duckdb
import polars as pl

from etl import catalog
from etl.loading.load import transaction

log = logging.getLogger(__name__)


# The content of core.fx_rates in one row: how many rates, and a hash over all of them.
RATES_DIGEST = (
    f"select count(*), bit_xor(hash(source, currency, rate_date, units_per_eur)) from {catalog.FX_RATES}"
)


def load_rates(con: duckdb.DuckDBPyConnection, rates_path: Path) -> bool:
    """Upsert the run's rates (overrides replaced as a whole), in one transaction.

    A rates file identical to the last one loaded (same SHA-256) is skipped.

    Returns:
        Whether the stored rates changed, so that stored conversions must be redone.
    """
    digest = hashlib.sha256(rates_path.read_bytes()).hexdigest()
    if con.execute("select digest from ops.fx_rates_state").fetchall() == [(digest,)]:
        return False
    rates = pl.read_parquet(rates_path)
    before = con.execute(RATES_DIGEST).fetchall()[0]
    valid_days = "valid_days" if "valid_days" in rates.columns else "null"
    con.register("rates_batch", rates)
    try:
        with transaction(con):
            con.execute(f"delete from {catalog.FX_RATES} where source = 'override'")
            con.execute(
                f"insert or replace into {catalog.FX_RATES} (source, currency, published_rate, units_per_eur, "
                f"rate_date, valid_days) select source, currency, published_rate, units_per_eur, rate_date, "
                f"{valid_days} from rates_batch"
            )
            con.execute("delete from ops.fx_rates_state")
            con.execute("insert into ops.fx_rates_state values (?)", [digest])
    finally:
        con.unregister("rates_batch")
    return con.execute(RATES_DIGEST).fetchall()[0] != before


_FX_COLUMNS = ("amount_usd", "amount_eur", "fx_rate_usd", "fx_rate_eur", "fx_rate_date", "fx_next_rate_date",
               "fx_source", "fx_status", "fx_quality", "fx_note", "is_outlier")  # fmt: skip


def reconvert(con: duckdb.DuckDBPyConnection, rates_path: Path) -> int:
    """Convert every stored record again with the current rates (a late source, an override).

    Each source record keeps its own conversion; an action takes its anchor record's.

    Returns:
        How many actions' converted values changed.
    """
    from etl.money import fx

    columns = "feed, record_key, amount, amount_exact, currency, decision_date, is_outlier"
    records = con.sql(f"select {columns} from {catalog.ACTION_SOURCES} where decision_date is not null").pl()
    if records.is_empty():
        return 0
    converted = fx.flag_implausible(
        fx.convert_amounts(records.with_columns(is_outlier=pl.col("is_outlier").fill_null(False)),
                           pl.read_parquet(rates_path))
    ).select("feed", "record_key", *_FX_COLUMNS)  # fmt: skip
    assignments = ", ".join(f"{c} = c.{c}" for c in _FX_COLUMNS)
    differs = " or ".join(f"a.{c} is distinct from c.{c}" for c in _FX_COLUMNS)
    con.register("reconverted", converted)
    try:
        with transaction(con):
            con.execute(
                f"update {catalog.ACTION_SOURCES} as a set {assignments} from reconverted as c "
                f"where a.feed = c.feed and a.record_key = c.record_key and ({differs})"
            )
            anchors = (
                f"(select s.action_id, {', '.join(f's.{c}' for c in _FX_COLUMNS)} from {catalog.ACTION_SOURCES} "
                f"as s inner join {catalog.ENFORCEMENT_ACTIONS} as f on s.action_id = f.action_id "
                "and s.record_action_id = f.action_id and s.feed = f.feed "
                "qualify row_number() over (partition by s.action_id order by s.record_key) = 1) as c"
            )
            changed = con.execute(
                f"select count(*) from {catalog.ENFORCEMENT_ACTIONS} as a join {anchors} "
                f"using (action_id) where {differs}"
            ).fetchall()[0][0]
            con.execute(
                f"update {catalog.ENFORCEMENT_ACTIONS} as a set {assignments} from {anchors} "
                f"where a.action_id = c.action_id and ({differs})"
            )
    finally:
        con.unregister("reconverted")
    log.info("re-converted %s actions after a change of rates", changed)
    return changed
