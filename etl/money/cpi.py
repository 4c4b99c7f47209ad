"""Constant prices: US CPI-U into ``core.cpi_u``, and every converted fine in base-year dollars.

The Bureau of Labor Statistics' CPI-U (series CUUR0000SA0: all items, U.S. city average, all
urban consumers, not seasonally adjusted; public domain) ships inside the ``cpi`` package's
wheel. It is read once per package version into ``core.cpi_u``, and ``amount_usd_real`` is
computed in SQL from that table, so every figure can be traced to the two index values behind
it (docs/constant_prices.md). The package is never asked to update itself: no network.
"""

from __future__ import annotations

import importlib.util
import logging
import warnings
from decimal import Decimal
from importlib.metadata import version
from pathlib import Path

import duckdb
import polars as pl

from etl import catalog
from etl.errors import UserError
from etl.loading.connection import transaction
from etl.loading.sql import literal

SERIES_ID = "CUUR0000SA0"
# The latest complete year of the series shipped in cpi 2.1.0 (its annual average exists);
# amount_usd_real is in average dollars of this year. tests/warehouse/test_constant_prices.py
# fails when an upgraded package ships a later complete year, so it is moved on purpose.
BASE_YEAR = 2025
CPI_U = "core.cpi_u"
STATE = "ops.cpi_state"
_ANNUAL = "M13"  # BLS period code of an annual average
_SCHEMA = {
    "series_id": pl.String,
    "period_kind": pl.String,
    "period_start": pl.Date,
    "index_value": pl.Decimal(9, 3),
    "base_year": pl.Int32,
    "base_index_value": pl.Decimal(9, 3),
    "source": pl.String,
}


class CpiError(RuntimeError, UserError):
    """The CPI series cannot be read, or lacks the base year."""


def source_label() -> str:
    """Series, package and version: what ``core.cpi_u`` holds (cheap: no import of the package)."""
    return f"BLS CPI-U {SERIES_ID} (cpi {version('cpi')} package, base year {BASE_YEAR})"


def _import_cpi():  # noqa: ANN202 - the third-party module
    spec = importlib.util.find_spec("cpi")
    locations = list(spec.submodule_search_locations or []) if spec else []
    if not any((Path(folder) / "cpi.db").exists() for folder in locations):
        # Without its data file the package would download it at import: never from here.
        raise CpiError("the cpi package or its data file cpi.db is missing: reinstall cpi (no download)")
    # The package warns (and logs) at import that its series is not the latest. We state the
    # base year ourselves and never call cpi.update(): the shipped series is the point.
    cpi_log = logging.getLogger("cpi")
    level = cpi_log.level
    cpi_log.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="CPI data is out of date")
            import cpi
    finally:
        cpi_log.setLevel(level)
    return cpi


def series() -> pl.DataFrame:
    """The CPI-U monthly indexes and annual averages, as ``core.cpi_u`` rows.

    Raises:
        CpiError: the package or its data is missing, or the base year has no annual average.
    """
    indexes = _import_cpi().series.get_by_id(SERIES_ID).indexes
    rows = []
    for index in indexes:
        code = index.period.id
        if code != _ANNUAL and not (code.startswith("M") and 1 <= int(code[1:]) <= 12):
            continue  # semiannual averages are not used
        kind = "year" if code == _ANNUAL else "month"
        value = Decimal(str(index.value)).quantize(Decimal("0.001"))
        rows.append((SERIES_ID, kind, index.date, value))
    frame = pl.DataFrame(rows, schema=list(_SCHEMA)[:4], orient="row")
    base = frame.filter((pl.col("period_kind") == "year") & (pl.col("period_start").dt.year() == BASE_YEAR))
    if base.is_empty():
        raise CpiError(f"the CPI-U series shipped with cpi {version('cpi')} has no {BASE_YEAR} average")
    return frame.with_columns(
        base_year=pl.lit(BASE_YEAR),
        base_index_value=pl.lit(base["index_value"][0]),
        source=pl.lit(source_label()),
    ).cast(_SCHEMA)


def load_cpi(con: duckdb.DuckDBPyConnection) -> bool:
    """Load the series into ``core.cpi_u`` unless this package version and base year are there.

    When it is (re)loaded, every fact is deflated again. Runs in its own transaction.

    Returns:
        Whether the table was (re)loaded.
    """
    label = source_label()
    if con.execute(f"select loaded from {STATE}").fetchall() == [(label,)]:
        return False
    frame = series()
    con.register("cpi_series", frame)
    try:
        with transaction(con):
            con.execute(f"delete from {CPI_U}")
            con.execute(f"insert into {CPI_U} by name select * from cpi_series")
            con.execute(f"delete from {STATE}")
            con.execute(f"insert into {STATE} values (?)", [label])
            comment = (
                f"amount_usd in constant {BASE_YEAR} US dollars (US CPI-U, BLS {SERIES_ID}): amount_usd x "
                f"the {BASE_YEAR} average index / cpi_u_index. Empty without amount_usd or CPI for the "
                "decision date."
            )
            con.execute(
                f"comment on column {catalog.ENFORCEMENT_ACTIONS}.amount_usd_real is {literal(comment)}"
            )
            deflate(con)
    finally:
        con.unregister("cpi_series")
    return True


# amount_usd x base / index, rounded half up to the cent, in exact integer arithmetic:
# cents x base (in thousandths) x 2 + index, integer-divided by 2 x index (in thousandths).
_REAL = """
    (
        (
            (amount_usd * 100)::hugeint * (base_index_value * 1000)::hugeint * 2
            + (index_value * 1000)::hugeint
        ) // (2 * (index_value * 1000)::hugeint)
    )::decimal(38, 0) * 0.01
"""


def deflate(con: duckdb.DuckDBPyConnection, *, actions: str | None = None) -> None:
    """Set ``amount_usd_real`` (and the index behind it) of the facts of ``actions`` (default: all).

    The decision month's index is used, else the annual average of the decision year (BLS
    published no index for October 2025); a decision outside the series gets none.
    """
    where = f"where action_id in ({actions})" if actions else ""
    con.execute(
        f"""
        update {catalog.ENFORCEMENT_ACTIONS} as facts
        set amount_usd_real = computed.amount_usd_real,
            cpi_u_index = computed.cpi_u_index,
            cpi_u_period = computed.cpi_u_period
        from (
            select action_id,
                case when amount_usd is not null and amount_usd < 1e30 and index_value is not null
                    then ({_REAL})::decimal(38, 2) end as amount_usd_real,
                case when amount_usd is not null then index_value end as cpi_u_index,
                case when amount_usd is not null then cpi_u_period end as cpi_u_period
            from (
                select facts.action_id, facts.amount_usd,
                    coalesce(month.index_value, year.index_value) as index_value,
                    coalesce(month.base_index_value, year.base_index_value) as base_index_value,
                    case when month.index_value is not null then strftime(facts.decision_date, '%Y-%m')
                        when year.index_value is not null then strftime(facts.decision_date, '%Y')
                    end as cpi_u_period
                from (select * from {catalog.ENFORCEMENT_ACTIONS} {where}) as facts
                left join {CPI_U} as month on month.series_id = '{SERIES_ID}'
                    and month.period_kind = 'month'
                    and month.period_start = date_trunc('month', facts.decision_date)::date
                left join {CPI_U} as year on year.series_id = '{SERIES_ID}'
                    and year.period_kind = 'year'
                    and year.period_start = date_trunc('year', facts.decision_date)::date
            )
        ) as computed
        where facts.action_id = computed.action_id
            and (facts.amount_usd_real is distinct from computed.amount_usd_real
                or facts.cpi_u_index is distinct from computed.cpi_u_index
                or facts.cpi_u_period is distinct from computed.cpi_u_period)
        """
    )
