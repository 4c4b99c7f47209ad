"""Redenominations and euro changeovers: currencies replaced by another at a fixed ratio.

A decision dated on or after a changeover but still stated in the old code is converted
through the fixed ratio into the successor, then at the successor's rate. Before the
changeover the old currency's own rates are used, when a source has them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import polars as pl

from schemas.types import RATE


@dataclass(frozen=True)
class Changeover:
    """``ratio`` units of ``legacy`` became one unit of ``successor`` on ``on``."""

    legacy: str
    successor: str
    on: date
    ratio: Decimal


def _euro(legacy: str, on: date, ratio: str) -> Changeover:
    return Changeover(legacy, "EUR", on, Decimal(ratio))


# Irrevocable euro conversion rates (Council Regulations 2866/98 and later) and ISO 4217
# redenominations. The ratio is exact, as legislated.
CHANGEOVERS: tuple[Changeover, ...] = (
    Changeover("RUR", "RUB", date(1998, 1, 1), Decimal(1000)),
    Changeover("BYB", "BYR", date(2000, 1, 1), Decimal(1000)),
    Changeover("TRL", "TRY", date(2005, 1, 1), Decimal(1_000_000)),
    Changeover("ROL", "RON", date(2005, 7, 1), Decimal(10_000)),
    Changeover("AZM", "AZN", date(2006, 1, 1), Decimal(5000)),
    Changeover("MZM", "MZN", date(2006, 7, 1), Decimal(1000)),
    Changeover("GHC", "GHS", date(2007, 7, 1), Decimal(10_000)),
    Changeover("VEB", "VEF", date(2008, 1, 1), Decimal(1000)),
    Changeover("ZMK", "ZMW", date(2013, 1, 1), Decimal(1000)),
    Changeover("BYR", "BYN", date(2016, 7, 1), Decimal(10_000)),
    Changeover("MRO", "MRU", date(2018, 1, 1), Decimal(10)),
    Changeover("STD", "STN", date(2018, 1, 1), Decimal(1000)),
    Changeover("VEF", "VES", date(2018, 8, 20), Decimal(100_000)),
    Changeover("SLL", "SLE", date(2022, 7, 1), Decimal(1000)),
    _euro("DEM", date(1999, 1, 1), "1.95583"),
    _euro("FRF", date(1999, 1, 1), "6.55957"),
    _euro("ITL", date(1999, 1, 1), "1936.27"),
    _euro("ESP", date(1999, 1, 1), "166.386"),
    _euro("NLG", date(1999, 1, 1), "2.20371"),
    _euro("BEF", date(1999, 1, 1), "40.3399"),
    _euro("LUF", date(1999, 1, 1), "40.3399"),
    _euro("ATS", date(1999, 1, 1), "13.7603"),
    _euro("PTE", date(1999, 1, 1), "200.482"),
    _euro("FIM", date(1999, 1, 1), "5.94573"),
    _euro("IEP", date(1999, 1, 1), "0.787564"),
    _euro("GRD", date(2001, 1, 1), "340.750"),
    _euro("SIT", date(2007, 1, 1), "239.640"),
    _euro("CYP", date(2008, 1, 1), "0.585274"),
    _euro("MTL", date(2008, 1, 1), "0.429300"),
    _euro("SKK", date(2009, 1, 1), "30.1260"),
    _euro("EEK", date(2011, 1, 1), "15.6466"),
    _euro("LVL", date(2014, 1, 1), "0.702804"),
    _euro("LTL", date(2015, 1, 1), "3.45280"),
    _euro("HRK", date(2023, 1, 1), "7.53450"),
    _euro("BGN", date(2026, 1, 1), "1.95583"),
)


def _ratio_text(ratio: Decimal) -> str:
    """The ratio as legislated: ``1.95583``, ``7.53450``, ``1000000``."""
    return f"{ratio:f}"


def resolved_changeovers() -> pl.DataFrame:
    """Every step a legacy code takes, with the ratio to its final successor at that date.

    Chains are followed (VEB became VEF in 2008, VEF became VES in 2018), so a VEB amount
    decided in 2019 maps straight to VES at 1000 x 100000.

    Returns:
        One row per (legacy, on): ``legacy``, ``on``, ``successor``, ``ratio`` (legacy units
        per successor unit), ``ratio_text``.
    """
    by_legacy: dict[str, list[Changeover]] = {}
    for step in CHANGEOVERS:
        by_legacy.setdefault(step.legacy, []).append(step)
    rows = []
    for first in CHANGEOVERS:
        successor, ratio, on = first.successor, first.ratio, first.on
        rows.append((first.legacy, on, successor, ratio))
        while successor in by_legacy:
            step = by_legacy[successor][0]
            successor, ratio, on = step.successor, ratio * step.ratio, max(on, step.on)
            rows.append((first.legacy, on, successor, ratio))
    return pl.DataFrame(
        {
            "legacy": [r[0] for r in rows],
            "on": [r[1] for r in rows],
            "successor": [r[2] for r in rows],
            "ratio": [r[3] for r in rows],
            "ratio_text": [_ratio_text(r[3]) for r in rows],
        },
        schema={
            "legacy": pl.String,
            "on": pl.Date,
            "successor": pl.String,
            "ratio": RATE,
            "ratio_text": pl.String,
        },
    ).sort("on")


def redenominate(frame: pl.DataFrame, *, currency: str, on: str) -> pl.DataFrame:
    """Add the currency to look rates up in, and the fixed ratio when a changeover applies.

    Args:
        frame: any frame with a currency column and a date column.
        currency: name of the currency column (ISO 4217, historic codes allowed).
        on: name of the date column (the decision date).

    Returns:
        ``frame`` with ``_ccy`` (the successor after a changeover, else the currency),
        ``_ratio`` (legacy units per successor unit; null when no changeover applies) and
        ``_ratio_note`` (e.g. ``DEM via fixed ratio 1.95583 DEM/EUR``), in the same row order.
    """
    steps = resolved_changeovers()
    frame = frame.with_row_index("_redenom_row")
    legacy = frame.filter(pl.col(currency).is_in(steps["legacy"].unique().to_list())).select(
        "_redenom_row", _legacy=pl.col(currency), _redenom_on=pl.col(on)
    )
    matched = (
        legacy.sort("_redenom_on")
        .join_asof(
            steps.rename({"legacy": "_legacy"}),
            left_on="_redenom_on",
            right_on="on",
            by="_legacy",
            strategy="backward",
            check_sortedness=False,
        )
        .filter(pl.col("successor").is_not_null())
        .select(
            "_redenom_row",
            _successor=pl.col("successor"),
            _ratio=pl.col("ratio"),
            _ratio_note=pl.format(
                "{} via fixed ratio {} {}/{}", "_legacy", "ratio_text", "_legacy", "successor"
            ),
        )
    )
    return (
        frame.join(matched, on="_redenom_row", how="left", maintain_order="left")
        .with_columns(_ccy=pl.coalesce("_successor", currency))
        .drop("_redenom_row", "_successor")
    )
