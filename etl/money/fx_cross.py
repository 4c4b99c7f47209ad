"""The rates frame every loader returns, and the crossing of home-currency quotes to EUR.

Every loader returns the long rates frame of :data:`etl.money.fx_rules.RATES_SCHEMA`: units of a
currency per 1 EUR, per source and day. Central banks that quote in their own currency (NBP in
PLN, the Bank of Russia in RUB) first build a frame of :data:`LOCAL_SCHEMA` (``value`` home units
per ``nominal`` units of ``currency``) and cross it to EUR here, with their own EUR rate of the
same table date, so both legs of every conversion come from one publication.
"""

from __future__ import annotations

import polars as pl

from etl.money.fx_rules import EURO_START, RATE, RATES_SCHEMA

# A central bank's quotes in its home currency, before crossing: ``value`` per ``nominal`` units.
LOCAL_SCHEMA = {
    "source": pl.String,
    "rate_date": pl.Date,
    "currency": pl.String,
    "value": RATE,
    "nominal": RATE,
    "published_rate": pl.String,
}


def finish_rates(frame: pl.DataFrame) -> pl.DataFrame:
    """Keep the columns of :data:`RATES_SCHEMA`, cast to its types, sorted by source, currency, day.

    Args:
        frame: rates with at least the columns of :data:`RATES_SCHEMA`.

    Returns:
        The long rates frame.
    """
    return frame.select(list(RATES_SCHEMA)).cast(RATES_SCHEMA).sort("source", "currency", "rate_date")


def cross_through_eur(local: pl.DataFrame, *, home: str) -> pl.DataFrame:
    """Cross ``home``-currency quotes to units per EUR with the same source's EUR of the same day.

    Before 1999 the pivot is the ECU (XEU), which became the euro 1:1; its rows are labelled XEU.
    Rows of a day with no pivot quote are left out. The home currency itself is added on each day
    (units per EUR = the pivot's quote).

    Args:
        local: quotes with the columns of :data:`LOCAL_SCHEMA`, EUR (or XEU) among them.
        home: the currency the source quotes in (``PLN``, ``RUB``).

    Returns:
        The long rates frame.
    """
    pivots = (
        local.filter(pl.col("currency").is_in(["EUR", "XEU"]))
        .filter((pl.col("currency") == "EUR") == (pl.col("rate_date") >= EURO_START))
        .select(
            "source",
            "rate_date",
            pivot=pl.col("currency"),
            pivot_value=pl.col("value"),
            pivot_nominal=pl.col("nominal"),
            pivot_published=pl.col("published_rate"),
        )
    )
    quoted = local.join(pivots, on=["source", "rate_date"], how="inner").filter(
        ~pl.col("currency").is_in(["EUR", "XEU"]) | (pl.col("currency") == pl.col("pivot"))
    )
    home_rows = pivots.select(
        "source",
        "rate_date",
        currency=pl.lit(home),
        units_per_eur=pl.col("pivot_value") / pl.col("pivot_nominal"),
        published_rate=pl.col("pivot_published"),
    )
    real = {c: pl.col(c).cast(pl.Float64) for c in ("pivot_value", "nominal", "pivot_nominal", "value")}
    # A quote printed as 0 (ZWR in 2009), or one worth under 10^-19 EUR, cannot be crossed exactly.
    fits = real["pivot_value"] * real["nominal"] / (real["pivot_nominal"] * real["value"]) < 1e19
    crossed = quoted.filter((pl.col("value") > 0) & fits).with_columns(
        units_per_eur=(pl.col("pivot_value") * pl.col("nominal"))
        / (pl.col("pivot_nominal") * pl.col("value"))
    )
    return finish_rates(pl.concat([crossed.select(home_rows.columns), home_rows]))
