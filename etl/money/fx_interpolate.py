"""Between two fixes of a weekly source, the rate interpolated linearly to the decision date.

A weekly table (NBP table B) leaves up to a week between fixes; in weeks when a currency moves
fast (the rouble in spring and summer 2022) the last fix before a decision can be several per
cent off the rate of the day. When the same source published a later fix within its staleness
bound after the decision date, both legs of the cross (units of the currency per EUR, and USD
per EUR) are interpolated linearly by calendar day between the fix before and the fix after.
This uses a rate published after the decision date: right for reporting what a fine was worth
then, and recorded as such (``fx_quality = interpolated_weekly``, both fix dates kept).
Daily sources are never interpolated.
"""

from __future__ import annotations

import polars as pl

from etl.money.fx_rules import RATE, STALENESS_DAYS, WEEKLY_SOURCES

_DAY = pl.duration(days=1)


def _next_fixes(rows: pl.DataFrame, rates: pl.DataFrame, source: str) -> pl.DataFrame:
    """Per row, ``source``'s first fix after the decision date, with its USD leg of that day."""
    later = (
        rates.filter((pl.col("source") == source) & (pl.col("currency") != "USD"))
        .select(
            _ccy=pl.col("currency"),
            _after_r=pl.col("rate_date"),
            _next_date=pl.col("rate_date"),
            _next_upe=pl.col("units_per_eur"),
        )
        .sort("_after_r")
    )
    usd = (
        rates.filter((pl.col("source") == source) & (pl.col("currency") == "USD"))
        .select(_next_date=pl.col("rate_date"), _next_usd=pl.col("units_per_eur"))
        .unique("_next_date", keep="first", maintain_order=True)
    )
    bound = STALENESS_DAYS.get(source, 0)
    return (
        rows.with_columns(_after=pl.col("decision_date") + _DAY)
        .sort("_after")
        .join_asof(
            later,
            left_on="_after",
            right_on="_after_r",
            by="_ccy",
            strategy="forward",
            check_sortedness=False,
        )
        .join(usd, on="_next_date", how="left")
        .filter(
            pl.col("_next_usd").is_not_null()
            & ((pl.col("_next_date") - pl.col("decision_date")).dt.total_days() <= bound)
        )
        .select("_row", "_next_date", "_next_upe", "_next_usd")
    )


def interpolate_weekly(frame: pl.DataFrame, rates: pl.DataFrame) -> pl.DataFrame:
    """Replace a weekly source's carried-forward rate by the one interpolated to the decision date.

    Args:
        frame: the engine's rows after the choice of source: ``_row``, ``_ccy`` (the currency
            looked up), ``decision_date``, ``_src``, ``_date``, ``_upe`` and ``_usd`` (the chosen
            fix and its USD leg, both units per EUR).
        rates: the long rates frame the fixes come from.

    Returns:
        ``frame`` with ``_next_date`` (the later fix, null when not interpolated) and, on the rows
        that have one, ``_upe`` and ``_usd`` interpolated by calendar day between the two fixes.
    """
    frame = frame.with_columns(_next_date=pl.lit(None, pl.Date))
    weekly = pl.col("_src").is_in(sorted(WEEKLY_SOURCES)) & (pl.col("_date") < pl.col("decision_date"))
    candidates = frame.filter(weekly).select("_row", "_ccy", "decision_date", "_src")
    if candidates.is_empty():
        return frame
    nexts = pl.concat(
        [
            _next_fixes(candidates.filter(pl.col("_src") == source), rates, source)
            for source in sorted(candidates["_src"].unique().to_list())
        ]
    )
    elapsed = (pl.col("decision_date") - pl.col("_date")).dt.total_days().cast(RATE)
    span = (pl.col("_next_date_n") - pl.col("_date")).dt.total_days().cast(RATE)
    weight = elapsed / span  # in (0, 1): no overflow, even for rates near 10^19
    found = pl.col("_next_date_n").is_not_null()
    return (
        frame.join(nexts.rename({"_next_date": "_next_date_n"}), on="_row", how="left")
        .with_columns(
            _upe=pl.when(found)
            .then(pl.col("_upe") + (pl.col("_next_upe") - pl.col("_upe")) * weight)
            .otherwise(pl.col("_upe")),
            _usd=pl.when(found)
            .then(pl.col("_usd") + (pl.col("_next_usd") - pl.col("_usd")) * weight)
            .otherwise(pl.col("_usd")),
            _next_date=pl.col("_next_date_n"),
        )
        .drop("_next_date_n", "_next_upe", "_next_usd")
    )
