"""The conversion engine: per row, the best source's rate as of the decision date, then the values.

One as-of join per source present, one equi-join for each source's USD leg, the choice of source
by :data:`etl.money.fx_rules.PRECEDENCE` and staleness bound, the weekly interpolation
(:mod:`etl.money.fx_interpolate`), then column expressions; notes are formatted only for the rows that
need one. Public entry points are in :mod:`etl.money.fx`.
"""

from __future__ import annotations

from decimal import Decimal

import polars as pl

from etl import catalog
from etl.money.fx_interpolate import interpolate_weekly
from etl.money.fx_rules import (
    CARRIED_FORWARD,
    ECB,
    EURO_START,
    EXACT_DAY,
    INTERPOLATED_WEEKLY,
    MONEY,
    NBP_A,
    NBP_B,
    OUTPUT_COLUMNS,
    OVERRIDE,
    PRECEDENCE,
    RATE,
    RATES_SCHEMA,
    STALENESS_DAYS,
    VALID_DAYS,
    WEEKLY_SOURCE,
    WEEKLY_SOURCES,
)
from etl.money.redenominations import redenominate


def _rank(source: str, position: int) -> pl.Expr:
    """Rank of ``source`` for the row's lookup currency; unknown sources come after all known ones."""
    rank = pl.lit(len(PRECEDENCE) + position)
    for index, (name, only) in reversed(list(enumerate(PRECEDENCE))):
        if name == source:
            applies = pl.lit(True) if only is None else pl.col("_ccy").is_in(sorted(only))
            rank = pl.when(applies).then(pl.lit(index)).otherwise(rank)
    return rank


def _candidate(frame: pl.DataFrame, rates: pl.DataFrame, source: str, i: int) -> pl.DataFrame:
    """Add source ``i``'s last rate on or before the decision date, and its USD rate of that day."""
    subset = rates.filter(pl.col("source") == source)
    if source == OVERRIDE:  # an override's USD row is the USD leg of that day's overrides only
        subset = subset.filter(pl.col("currency") != "USD")
    default = pl.lit(STALENESS_DAYS.get(source, 0), pl.Int64)
    bound = (
        pl.coalesce(pl.col(VALID_DAYS).cast(pl.Int64), default) if VALID_DAYS in rates.columns else default
    )
    right = subset.select(
        _ccy=pl.col("currency"),
        _on_r=pl.col("rate_date"),
        **{f"_date{i}": pl.col("rate_date"), f"_upe{i}": pl.col("units_per_eur"), f"_bound{i}": bound},
    ).sort("_on_r")
    usd = (
        rates.filter((pl.col("source") == source) & (pl.col("currency") == "USD"))
        .select(**{f"_date{i}": pl.col("rate_date"), f"_usd{i}": pl.col("units_per_eur")})
        .unique(f"_date{i}", keep="first", maintain_order=True)
    )
    return (
        frame.join_asof(
            right, left_on="_on", right_on="_on_r", by="_ccy", strategy="backward", check_sortedness=False
        )
        .drop("_on_r")
        .join(usd, on=f"_date{i}", how="left", maintain_order="left")
    )


_CANDIDATE_PARTS = ("date", "upe", "usd", "bound", "fresh", "rank", "ok", "best", "last")


def _choose(frame: pl.DataFrame, sources: list[str]) -> pl.DataFrame:
    """Pick, per row, the best-ranked source whose rate is within its bound and has a USD leg."""
    idx = range(len(sources))
    frame = frame.with_columns(
        **{
            f"_fresh{i}": pl.col(f"_upe{i}").is_not_null() & (_age(f"_date{i}") <= pl.col(f"_bound{i}"))
            for i in idx
        },
        **{f"_rank{i}": _rank(source, i) for i, source in enumerate(sources)},
    ).with_columns(
        **{
            f"_ok{i}": pl.col(f"_fresh{i}") & (pl.col(f"_upe{i}") > 0) & pl.col(f"_usd{i}").is_not_null()
            for i in idx
        }
    )
    frame = frame.with_columns(
        _best=pl.min_horizontal([pl.when(pl.col(f"_ok{i}")).then(pl.col(f"_rank{i}")) for i in idx]),
        _latest=pl.max_horizontal([pl.col(f"_date{i}") for i in idx]),
    )

    def pick(chosen: str, value: str | None) -> pl.Expr:
        return pl.coalesce(
            pl.when(pl.col(f"{chosen}{i}")).then(pl.col(f"{value}{i}") if value else pl.lit(source))
            for i, source in enumerate(sources)
        )

    frame = frame.with_columns(
        **{f"_best{i}": pl.col(f"_ok{i}") & (pl.col(f"_rank{i}") == pl.col("_best")) for i in idx},
        **{f"_last{i}": pl.col(f"_date{i}") == pl.col("_latest") for i in idx},
    )
    return frame.with_columns(
        _upe=pick("_best", "_upe"),
        _usd=pick("_best", "_usd"),
        _date=pick("_best", "_date"),
        _src=pick("_best", None),
        _last_src=pick("_last", None),
        _last_bound=pick("_last", "_bound"),
        _last_fresh=pick("_last", "_fresh"),
    ).drop(*[f"_{part}{i}" for i in idx for part in _CANDIDATE_PARTS], "_best")


def _age(column: str) -> pl.Expr:
    return (pl.col("decision_date") - pl.col(column)).dt.total_days()


def _notes(frame: pl.DataFrame) -> pl.DataFrame:
    """Why a row has no rate, or how a converted row was reached (fixed ratio, ECU pivot)."""
    ecu = (pl.col("_date") < EURO_START) & pl.col("_src").is_in([NBP_A, NBP_B])
    interpolated = pl.col("_next_date").is_not_null()
    converted = pl.concat_str(
        [
            pl.col("_ratio_note"),
            pl.when(ecu).then(pl.lit("EUR figures are ECU (XEU), which became the euro 1:1")),
            pl.when(interpolated).then(
                pl.format(
                    "rate interpolated between {} fixes of {} and {}",
                    pl.col("_src"),
                    pl.col("_date"),
                    pl.col("_next_date"),
                )
            ),
        ],
        separator="; ",
        ignore_nulls=True,
    )
    reason = (
        pl.when(pl.col("_latest").is_null())
        .then(pl.format("no rate for {} on or before {}", pl.col("_ccy"), pl.col("decision_date")))
        .when(~pl.col("_fits"))
        .then(pl.lit("amount too large to convert exactly"))
        .when(pl.col("_last_fresh"))
        .then(
            pl.format(
                "no USD rate from {} on {} to triangulate through EUR", pl.col("_last_src"), pl.col("_latest")
            )
        )
        .otherwise(
            pl.format(
                "last {} rate ({}, {}) is older than the staleness bound ({} days)",
                pl.col("_ccy"),
                pl.col("_latest"),
                pl.col("_last_src"),
                pl.col("_last_bound"),
            )
        )
    )
    failed = pl.concat_str([reason, pl.col("_ratio_note")], separator="; ", ignore_nulls=True)
    # Only the few rows that need a note are formatted.
    notes = frame.filter(
        pl.col("_monetary") & (~pl.col("_usable") | pl.col("_ratio_note").is_not_null() | ecu | interpolated)
    )
    return notes.select(
        "_row",
        fx_note=pl.when(pl.col("_usable")).then(pl.when(converted != "").then(converted)).otherwise(failed),
    )


def _values(frame: pl.DataFrame) -> pl.DataFrame:
    """Amounts, rates, provenance and notes from the chosen rate (legacy codes through their ratio)."""
    as_float = {f"{c}_f": pl.col(c).cast(pl.Float64) for c in ("amount", "_upe", "_usd", "_ratio")}
    # An outlier beyond DECIMAL(38,2) has no typed amount but is still monetary (amount_exact).
    exact = pl.col("amount_exact").is_not_null() if "amount_exact" in frame.columns else pl.lit(False)
    frame = frame.with_columns(
        _monetary=(pl.col("amount").is_not_null() | exact) & pl.col("currency").is_not_null(),
        _amount=pl.col("amount").cast(RATE, strict=False),  # null from 10^20 on
        **as_float,
    ).with_columns(_eff_f=pl.col("_upe_f") * pl.col("_ratio_f").fill_null(1.0))
    # Amounts of 10^20 and more, or results beyond DECIMAL(38, 18), are flagged, never rounded away.
    fits = (
        (pl.col("_eff_f") < 1e19)
        & (pl.col("amount_f") / pl.col("_eff_f") * pl.max_horizontal("_usd_f", 1.0) < 1e19)
        & (pl.min_horizontal("_usd_f", 1.0) / pl.col("_eff_f") > 1e-16)
    )
    frame = frame.with_columns(
        _fits=pl.col("_amount").is_not_null() & (fits | pl.col("_upe").is_null()).fill_null(True),
        _eff=pl.when(pl.col("_ratio").is_null())
        .then(pl.col("_upe"))
        .otherwise(pl.when(pl.col("_eff_f") < 1e19).then(pl.col("_upe")) * pl.col("_ratio")),
    ).with_columns(_usable=pl.col("_monetary") & pl.col("_upe").is_not_null() & pl.col("_fits"))
    usable = pl.col("_usable")
    frame = frame.with_columns(_in_eur=pl.when(usable).then(pl.col("_amount")) / pl.col("_eff"))
    quality = (
        pl.when(pl.col("_date") == pl.col("decision_date"))
        .then(pl.lit(EXACT_DAY))
        .when(pl.col("_next_date").is_not_null())
        .then(pl.lit(INTERPOLATED_WEEKLY))
        .when(pl.col("_src").is_in(sorted(WEEKLY_SOURCES)))
        .then(pl.lit(WEEKLY_SOURCE))
        .otherwise(pl.lit(CARRIED_FORWARD))
    )
    values = frame.select(
        "_row",
        amount_usd=(pl.col("_in_eur") * pl.col("_usd")).round(2).cast(MONEY),
        amount_eur=pl.col("_in_eur").round(2).cast(MONEY),
        fx_rate_usd=pl.when(usable).then(pl.col("_usd") / pl.col("_eff")),
        fx_rate_eur=pl.when(usable).then(pl.lit(Decimal(1)).cast(RATE) / pl.col("_eff")),
        fx_rate_date=pl.when(usable).then(pl.col("_date")),
        fx_next_rate_date=pl.when(usable).then(pl.col("_next_date")),
        fx_source=pl.when(usable).then(pl.col("_src")),
        fx_status=pl.when(~pl.col("_monetary"))
        .then(pl.lit(catalog.FX_NOT_MONETARY))
        .when(usable)
        .then(pl.lit(catalog.FX_CONVERTED))
        .otherwise(pl.lit(catalog.FX_NO_RATE)),
        fx_quality=pl.when(usable).then(quality),
    )
    return values.join(_notes(frame), on="_row", how="left").select(*OUTPUT_COLUMNS, "_row")


def convert_amounts(actions: pl.DataFrame, rates: pl.DataFrame, *, interpolate: bool = True) -> pl.DataFrame:
    """Add USD and EUR values at the last rate on or before each ``decision_date``.

    Per row, the sources of :data:`PRECEDENCE` are tried best first; a source counts when its last
    rate on or before the decision date is at most its staleness bound old (:data:`STALENESS_DAYS`,
    or the row's ``valid_days``) and the same source has a USD rate of that same day. When that
    source is weekly and published its next fix within its bound after the decision date, the
    rate is interpolated between the two fixes (:mod:`etl.money.fx_interpolate`). A code
    replaced at a fixed ratio (DEM, HRK, TRL...) is converted through its successor after the
    changeover. Rows with no usable rate keep their amount, get empty converted columns, ``fx_status``
    ``no_rate`` and the reason in ``fx_note``: never a rate of 1, never a later rate.

    Args:
        actions: frame with ``amount`` (Decimal), ``currency`` and ``decision_date`` columns.
        rates: long rates frame (:data:`RATES_SCHEMA`, optionally ``valid_days``), one or many sources.
        interpolate: interpolate between weekly fixes (the rule); False keeps the last weekly fix
            on or before the decision date, for measuring what interpolation changes.

    Returns:
        ``actions`` in its original row order plus ``amount_usd``, ``amount_eur``,
        ``fx_rate_usd``, ``fx_rate_eur`` (target units per 1 unit of currency),
        ``fx_rate_date`` (the fix used, or the one before the decision date when interpolated),
        ``fx_next_rate_date`` (the fix after it when interpolated, else empty), ``fx_source``,
        ``fx_status``, ``fx_note`` (the reason when not converted; a fixed ratio, ECU pivot or
        interpolation when converted) and ``fx_quality`` (:data:`etl.money.fx_rules.FX_QUALITIES`).
    """
    extra = ["amount_exact"] if "amount_exact" in actions.columns else []
    narrow = actions.select("amount", "currency", "decision_date", *extra).with_row_index("_row")
    frame = redenominate(narrow, currency="currency", on="decision_date")
    frame = frame.with_columns(_on=pl.col("decision_date")).sort("_on")
    # Only the batch's currencies and the USD leg are ever joined: a small batch need not sort
    # and search the rates of every currency there is.
    needed = pl.col("currency").is_in(frame["_ccy"].unique().implode()) | (pl.col("currency") == "USD")
    rates = rates.filter(needed)
    order = {name: index for index, (name, _) in reversed(list(enumerate(PRECEDENCE)))}
    sources = sorted(rates["source"].unique().to_list(), key=lambda s: (order.get(s, len(PRECEDENCE)), s))
    if not sources:
        rates, sources = pl.DataFrame(schema=RATES_SCHEMA), [ECB]
    for i, source in enumerate(sources):
        frame = _candidate(frame, rates, source, i)
    chosen = _choose(frame, sources)
    chosen = (
        interpolate_weekly(chosen, rates)
        if interpolate
        else chosen.with_columns(_next_date=pl.lit(None, pl.Date))
    )
    values = _values(chosen).sort("_row")
    return actions.drop(OUTPUT_COLUMNS, strict=False).hstack(values.drop("_row"))
