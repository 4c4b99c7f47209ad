"""Currency conversion with provenance: the public entry points.

Every rate is stored as ``units_per_eur``: how many units of ``currency`` one euro bought on
``rate_date`` according to ``source``. A conversion from X to USD is then
``amount / units_per_eur[X] * units_per_eur[USD]`` with both rates from the same source and day
(or, between two fixes of a weekly source, both interpolated to the decision date). The names
(sources, precedence, staleness bounds, qualities) are defined in :mod:`etl.money.fx_rules`, the engine
in :mod:`etl.money.fx_engine`; both are re-exported here, so callers import ``etl.money.fx`` only.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import polars as pl

from etl import catalog
from etl.money.fx_engine import convert_amounts
from etl.money.fx_rules import (
    CARRIED_FORWARD,
    CBR,
    ECB,
    ECB_SOURCE_LABEL,
    EURO_START,
    EXACT_DAY,
    FX_QUALITIES,
    INTERPOLATED_WEEKLY,
    MONEY,
    NBP_A,
    NBP_B,
    OUTPUT_COLUMNS,
    OVERRIDE,
    PRECEDENCE,
    RATE,
    RATES_SCHEMA,
    SOURCE_LABELS,
    STALENESS_DAYS,
    VALID_DAYS,
    WEEKLY_SOURCE,
    WEEKLY_SOURCES,
    FxError,
)

__all__ = [
    "CARRIED_FORWARD",
    "CBR",
    "ECB",
    "ECB_SOURCE_LABEL",
    "EURO_START",
    "EXACT_DAY",
    "FX_QUALITIES",
    "INTERPOLATED_WEEKLY",
    "MONEY",
    "NBP_A",
    "NBP_B",
    "OUTPUT_COLUMNS",
    "OVERRIDE",
    "PRECEDENCE",
    "RATE",
    "RATES_SCHEMA",
    "SOURCE_LABELS",
    "STALENESS_DAYS",
    "VALID_DAYS",
    "WEEKLY_SOURCE",
    "WEEKLY_SOURCES",
    "FxError",
    "combine_rates",
    "convert_amounts",
    "convert_one",
    "coverage",
    "flag_implausible",
    "precedence",
    "run",
]


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


def _row_groups(path: Path) -> Iterator[pl.DataFrame]:
    """A Parquet file a row group (a slice, as etl.parsing.slices wrote it) at a time; at least one frame."""
    import pyarrow.parquet as pq

    source = pq.ParquetFile(path)
    if not source.num_row_groups:
        yield pl.read_parquet(path)
    for index in range(source.num_row_groups):
        yield pl.from_arrow(source.read_row_group(index))  # type: ignore[misc]


class Converter:
    """Convert validated slices with one rate table and check the converted contract, writing as it goes.

    What :func:`run` does a row group at a time from a Parquet file, and what ``fines run`` does
    to each slice as it leaves the parse contract (etl.running.preparation.prepare_batch), so a batch
    is not written and read back between the two steps inside one process. Has the
    ``write``/``close`` shape of :class:`etl.parsing.slices.PartWriter`.

    Args:
        rates_path: Parquet of rates (:data:`RATES_SCHEMA`).
        out_dir: folder for ``converted.parquet`` and ``convert_rejects.parquet``.
        where: feed and file, for messages.
    """

    def __init__(self, rates_path: Path, *, out_dir: Path, where: str) -> None:
        from etl.parsing.slices import PartWriter

        self.rates = pl.read_parquet(rates_path)
        self.where = where
        out_dir.mkdir(parents=True, exist_ok=True)
        self.valid_out = PartWriter(out_dir / "converted.parquet")
        self.rejects_out = PartWriter(out_dir / "convert_rejects.parquet")
        self.status = {catalog.FX_CONVERTED: 0, catalog.FX_NO_RATE: 0}
        self.rows = 0  # actions taken in

    def write(self, actions: pl.DataFrame) -> None:
        """Convert one slice of valid actions; write the rows that pass the converted contract and the rest."""
        from etl.parsing.validate import split_valid
        from schemas.enforcement_actions import ConvertedEnforcementAction

        converted = flag_implausible(convert_amounts(actions, self.rates))
        valid, rejected = split_valid(
            converted, ConvertedEnforcementAction, stage="convert", where=self.where
        )
        for key in self.status:
            self.status[key] += valid.filter(pl.col("fx_status") == key).height
        self.valid_out.write(valid)
        self.rejects_out.write(rejected)
        self.rows += actions.height

    def close(self) -> None:
        """Finish both files."""
        self.valid_out.close()
        self.rejects_out.close()

    def result(self) -> dict[str, object]:
        """Paths and counts: ``converted_path``, ``rejects_path``, ``converted``, ``no_rate``, ``rejected``."""
        return {
            "converted_path": str(self.valid_out.path),
            "rejects_path": str(self.rejects_out.path),
            "converted": self.status[catalog.FX_CONVERTED],
            "no_rate": self.status[catalog.FX_NO_RATE],
            "rejected": self.rejects_out.rows,
        }


def run(actions_path: Path, rates_path: Path, *, out_dir: Path, where: str) -> dict[str, object]:
    """Convert a batch of validated actions and check the converted contract, a slice at a time.

    Args:
        actions_path: Parquet written by :func:`etl.parsing.transform.run` (a row group per slice).
        rates_path: Parquet of rates (:data:`RATES_SCHEMA`).
        out_dir: folder for ``converted.parquet`` and ``convert_rejects.parquet``.
        where: feed and file, for messages.

    Returns:
        :meth:`Converter.result`.
    """
    converter = Converter(rates_path, out_dir=out_dir, where=where)
    try:
        for actions in _row_groups(actions_path):
            converter.write(actions)
    finally:
        converter.close()
    return converter.result()
