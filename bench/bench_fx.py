"""Benchmark and cross-check of the FX conversion (issue 4).

python bench/bench_fx.py [--rows 1000000] [--seed 4]
    converts seeded synthetic actions with the embedded ECB + NBP rates; prints the time of
    each step and the peak RSS of the process.
python bench/bench_fx.py --compare PATH
    converts a CSV with decision_date, amount, currency and reported_usd columns (the sample
    feed or reference_fines.csv) and prints ours, theirs and the difference per row.
"""

from __future__ import annotations

import argparse
import resource
import time
from datetime import date
from pathlib import Path

import polars as pl

from etl import catalog
from etl.money import fx
from etl.money.rates import embedded_rates

# Weighted like real feeds: mostly EUR/USD/RUB, a tail of NBP-only and legacy codes.
CURRENCIES = {
    "EUR": 30,
    "USD": 15,
    "RUB": 12,
    "GBP": 6,
    "TRY": 4,
    "KRW": 3,
    "INR": 3,
    "BRL": 3,
    "JPY": 3,
    "CNY": 3,
    "PLN": 2,
    "KZT": 2,
    "NGN": 2,
    "UAH": 2,
    "VND": 1,
    "HRK": 1,
    "BGN": 1,
    "DEM": 1,
    "TRL": 1,
    "XYZ": 1,
}
FIRST, LAST = date(1999, 1, 1), date(2026, 10, 26)


def synthetic_actions(rows: int, *, seed: int) -> pl.DataFrame:
    """Seeded pseudo-random monetary actions (Polars hashing, no Python loop over rows)."""
    weights = list(CURRENCIES.values())
    bounds = [sum(weights[: i + 1]) for i in range(len(weights))]
    draw = pl.int_range(rows, dtype=pl.UInt64)
    pick = (draw.hash(seed) % bounds[-1]).cast(pl.Int64)
    currency = pl.lit(None, pl.String)
    for code, upper in reversed(list(zip(CURRENCIES, bounds, strict=True))):
        currency = pl.when(pick < upper).then(pl.lit(code)).otherwise(currency)
    return pl.select(
        action_id=pl.format("fa_{}", draw),
        amount=((draw.hash(seed + 1) % 10**13 + 100).cast(pl.Decimal(38, 0)) / 100).cast(fx.MONEY),
        currency=currency,
        decision_date=pl.lit(FIRST)
        + pl.duration(days=(draw.hash(seed + 2) % (LAST - FIRST).days).cast(pl.Int64)),
    )


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench(rows: int, seed: int) -> None:
    started = time.perf_counter()
    rates = embedded_rates()
    loaded = time.perf_counter()
    actions = synthetic_actions(rows, seed=seed)
    generated = time.perf_counter()
    before = _rss_mib()
    converted = fx.convert_amounts(actions, rates)
    done = time.perf_counter()
    counts = converted.group_by("fx_status", "fx_quality").len().sort("fx_status", "fx_quality")
    print(f"embedded rates: {rates.height:,} rows in {loaded - started:.2f} s")
    print(f"synthetic actions: {rows:,} rows in {generated - loaded:.2f} s (seed {seed})")
    print(f"convert_amounts: {rows:,} rows in {done - generated:.2f} s")
    print(f"peak RSS: {before:,.0f} MiB before converting, {_rss_mib():,.0f} MiB at the end")
    print(counts)


def compare(path: Path) -> None:
    feed = pl.read_csv(path, infer_schema=False).filter(pl.col("reported_usd").is_not_null())
    actions = feed.select(
        pl.col("decision_date").str.to_date(),
        pl.col("amount").cast(fx.MONEY),
        "currency",
        pl.col("reported_usd").cast(fx.MONEY),
        *[c for c in ("source_record_id", "platform") if c in feed.columns],
    )
    out = fx.convert_amounts(actions, embedded_rates())
    out = out.with_columns(
        difference_pct=((pl.col("amount_usd").cast(pl.Float64) / pl.col("reported_usd").cast(pl.Float64)) - 1)
        * 100
    )
    print(
        "| decision | platform | amount | ours (USD) | theirs (USD) | difference | rate date, source, quality |"
    )
    print("|---|---|---|---:|---:|---:|---|")
    for row in out.iter_rows(named=True):
        ours = f"{row['amount_usd']:,.0f}" if row["fx_status"] == catalog.FX_CONVERTED else row["fx_note"]
        print(
            f"| {row['decision_date']} | {row.get('platform', '')} | {row['amount']:,.0f} {row['currency']} "
            f"| {ours} | {row['reported_usd']:,.0f} | {row['difference_pct']:+.2f}% "
            f"| {row['fx_rate_date']}, {row['fx_source']}, {row['fx_quality']} |"
        )
    within = out.filter(pl.col("difference_pct").abs() <= 1).height
    print(f"\nwithin 1%: {within} of {out.height}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=4)
    parser.add_argument("--compare", type=Path)
    args = parser.parse_args()
    if args.compare:
        compare(args.compare)
    else:
        bench(args.rows, args.seed)


if __name__ == "__main__":
    main()
