"""Our conversion against the converted figure a source printed, with and without interpolation.

Measures what the weekly interpolation changes on real cases (``scripts/fx_printed_check.py``,
docs/fx.md section 7). The warehouse does the same check on every stored fact in SQL
(``marts.fx_disagreements``).
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from etl.money.fx_engine import convert_amounts
from etl.money.fx_rules import MONEY

DISAGREEMENT = 0.05  # the threshold of marts.fx_disagreements


def read_printed(path: Path) -> pl.DataFrame:
    """The rows of a canonical CSV feed that state a USD figure, typed for conversion.

    Raises:
        ValueError: the file lacks a column this check needs (named in the message).
    """
    frame = pl.read_csv(path, infer_schema=False)
    needed = {"decision_date", "platform", "amount", "currency", "reported_usd", "source_url"}
    if missing := needed - set(frame.columns):
        raise ValueError(f"{path}: no column {sorted(missing)}")
    return frame.filter(pl.col("reported_usd").is_not_null()).select(
        pl.col("decision_date").str.to_date(),
        "platform",
        pl.col("amount").cast(MONEY),
        "currency",
        pl.col("reported_usd").cast(MONEY),
        "source_url",
    )


def compare_with_printed(printed: pl.DataFrame, rates: pl.DataFrame) -> pl.DataFrame:
    """Convert each row with the strict weekly rule ("before") and with interpolation ("after").

    Args:
        printed: rows with ``decision_date``, ``amount``, ``currency`` and ``reported_usd``.
        rates: the long rates frame (e.g. the embedded ECB and NBP rates).

    Returns:
        ``printed`` plus, for each rule, the USD value, its relative difference from
        ``reported_usd`` (``usd / reported - 1``), the rate date(s), source and quality.
    """
    parts = []
    for suffix, interpolate in (("before", False), ("after", True)):
        converted = convert_amounts(printed, rates, interpolate=interpolate)
        parts.append(
            converted.select(
                **{
                    f"usd_{suffix}": "amount_usd",
                    f"difference_{suffix}": pl.col("amount_usd").cast(pl.Float64)
                    / pl.col("reported_usd").cast(pl.Float64)
                    - 1,
                    f"rate_date_{suffix}": "fx_rate_date",
                    f"next_rate_date_{suffix}": "fx_next_rate_date",
                    f"source_{suffix}": "fx_source",
                    f"quality_{suffix}": "fx_quality",
                }
            )
        )
    return pl.concat([printed, *parts], how="horizontal")


def summarize(compared: pl.DataFrame) -> dict[str, dict[str, float]]:
    """Per rule: rows within 2% of the printed figure, rows beyond 5%, median absolute difference."""
    summary = {}
    for suffix in ("before", "after"):
        difference = compared[f"difference_{suffix}"].abs()
        summary[suffix] = {
            "rows": float(compared.height),
            "within_2_percent": float((difference <= 0.02).sum()),
            "beyond_5_percent": float((difference > DISAGREEMENT).sum()),
            "median_abs_difference": float(difference.median() or 0.0),
        }
    return summary
