"""Build the marts over synthetic facts and time the queries BI dashboards run on them.

    .venv/bin/python -m bench.bench_marts --rows 1000000

Synthetic actions (vectorised with Polars, fixed seed) go straight into
``core.enforcement_actions`` of a fresh warehouse file after ``load.migrate``, with their
``core.action_sources`` (10% of actions have a second source), ``core.fx_rates`` and a run log.
Then it times ``models.build_marts`` (every view and mart, each mart's Pandera contract), the
same again with nothing changed and after 1,000 actions changed (only what changed is rebuilt),
``comments.apply_comments``, ``models.run_tests``, the typical BI queries on a read-only
connection (median of a few runs), SQLAlchemy reflection of the marts, and
``export.export_marts``. Peak RSS is the process's own high-water mark after each step.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import duckdb
import numpy as np
import polars as pl

from etl import catalog
from etl.loading import comments, export, load, models

PLATFORMS = ["Google", "Facebook", "TikTok", "X", "Amazon", "Apple", "Telegram", "Instagram",
             "WhatsApp", "YouTube", "LinkedIn", "Microsoft", "Wikipedia", "Spotify", "Uber"]  # fmt: skip
PLATFORMS += [f"Platform {n:02d}" for n in range(45)]
JURISDICTIONS = ["RU", "TR", "EU", "FR", "DE", "IE", "IT", "ES", "NL", "LU", "GB", "US", "KR", "IN",
                 "BR", "AU", "JP", "CN", "CA", "PL", "HU", "AT", "BE", "SE", "NO", "DK", "FI",
                 "PT", "GR", "CZ", "RO", "BG", "HR", "SI", "SK", "LT", "LV", "EE", "ID", "VN"]  # fmt: skip
TYPES = {"fine": 55, "turnover_fine": 5, "periodic_penalty": 3, "block": 12, "throttle": 5,
         "warning": 10, "order": 8, "other": 2}  # fmt: skip
STATUSES = {"imposed": 60, "appealed": 15, "upheld": 10, "reduced": 5, "annulled": 5, "paid": 5}
CURRENCIES = ["EUR", "USD", "RUB", "TRY", "GBP", "KRW", "INR", "BRL"]
FIRST_DAY = dt.date(2000, 1, 1)
DAYS = (dt.date(2026, 10, 31) - FIRST_DAY).days
FEEDS = [f"feed_{n:02d}" for n in range(20)]
BATCH_DATE = dt.date(2026, 11, 29)


def _choice(rng: np.random.Generator, weights: dict[str, int], size: int) -> pl.Series:
    p = np.array(list(weights.values()), dtype=float)
    return pl.Series(rng.choice(list(weights), size=size, p=p / p.sum()))


def synthetic_actions(rows: int, *, seed: int = 6) -> pl.DataFrame:
    """``rows`` canonical actions with plausible distributions, all as core stores them."""
    rng = np.random.default_rng(seed)
    jurisdiction = rng.integers(0, len(JURISDICTIONS), rows)
    frame = pl.DataFrame(
        {
            "action_id": pl.int_range(rows, eager=True).cast(pl.String).str.zfill(8).str.replace("^", "b"),
            "feed": pl.Series(FEEDS)[rng.integers(0, len(FEEDS), rows)],
            "platform": pl.Series(PLATFORMS)[np.minimum(rng.zipf(1.6, rows) - 1, len(PLATFORMS) - 1)],
            "jurisdiction": pl.Series(JURISDICTIONS)[jurisdiction],
            "authority_no": rng.integers(0, 3, rows),
            "action_type": _choice(rng, TYPES, rows),
            "status": _choice(rng, STATUSES, rows),
            "day": rng.integers(0, DAYS, rows),
            "amount": np.round(rng.lognormal(13, 2.5, rows), 2),
            "currency": pl.Series(CURRENCIES)[rng.integers(0, len(CURRENCIES), rows)],
            "usd_per_unit": rng.uniform(0.001, 1.5, rows),
            "has_rate": rng.random(rows) > 0.05,
            "is_outlier": rng.random(rows) < 0.0001,
        }
    ).with_columns(decision_date=pl.lit(FIRST_DAY) + pl.duration(days=pl.col("day")))
    monetary = pl.col("action_type").is_in(catalog.MONETARY_ACTION_TYPES)
    converted = monetary & pl.col("has_rate") & ~pl.col("is_outlier")
    usd = (pl.col("amount") * pl.col("usd_per_unit")).round(2)
    return frame.select(
        "action_id",
        "feed",
        source=pl.format("synthetic {}", pl.col("feed")),
        source_record_id=pl.col("action_id"),
        source_url=pl.format("https://example.org/{}", pl.col("action_id")),
        jurisdiction="jurisdiction",
        authority=pl.format("Authority {} of {}", pl.col("authority_no"), pl.col("jurisdiction")),
        platform="platform",
        parent_company=pl.format("{} Group", pl.col("platform")),
        action_type="action_type",
        violation=pl.lit("other"),
        currency=pl.when(monetary).then(pl.col("currency")),
        status="status",
        fx_source=pl.when(converted).then(pl.lit("ecb")),
        fx_status=pl.when(converted)
        .then(pl.lit(catalog.FX_CONVERTED))
        .when(monetary)
        .then(pl.lit(catalog.FX_NO_RATE))
        .otherwise(pl.lit(catalog.FX_NOT_MONETARY)),
        fx_note=pl.when(monetary & ~converted).then(pl.lit("no rate")),
        amount=pl.when(monetary).then(pl.col("amount")).cast(pl.Decimal(38, 2)),
        amount_usd=pl.when(converted).then(usd).cast(pl.Decimal(38, 2)),
        amount_eur=pl.when(converted).then((usd * 0.9).round(2)).cast(pl.Decimal(38, 2)),
        fx_rate_usd=pl.when(converted).then(pl.col("usd_per_unit")).cast(pl.Decimal(38, 18)),
        fx_rate_eur=pl.when(converted).then(pl.col("usd_per_unit") * 0.9).cast(pl.Decimal(38, 18)),
        amount_exact=pl.when(monetary).then(pl.col("amount").cast(pl.Decimal(38, 2)).cast(pl.String)),
        is_outlier=monetary & pl.col("is_outlier"),
        decision_date="decision_date",
        fx_rate_date=pl.when(converted).then(pl.col("decision_date")),
        batch_date=pl.lit(BATCH_DATE),
        run_id=pl.lit("run_bench"),
        source_kind=pl.lit("structured"),
    )


def synthetic_sources(actions: pl.DataFrame, *, seed: int = 7) -> pl.DataFrame:
    """One source per action, plus a second feed for 10% of them."""
    rng = np.random.default_rng(seed)
    own = actions.select("action_id", "feed", "source", "source_url")
    extra = own.filter(pl.Series(rng.random(actions.height) < 0.1)).with_columns(
        feed=pl.lit("news_bench"), source=pl.lit("synthetic news")
    )
    return pl.concat([own, extra]).with_columns(
        record_key=pl.col("action_id"),
        source_record_id=pl.col("action_id"),
        source_line=pl.int_range(1, pl.len() + 1, dtype=pl.Int64),
        source_file=pl.lit("landing/bench/2026-01-15/synthetic.csv"),
        batch_date=pl.lit(BATCH_DATE),
    )


def synthetic_rates(actions: pl.DataFrame) -> pl.DataFrame:
    """A stored rate behind every converted action (so the provenance tests hold)."""
    return (
        actions.filter(pl.col("fx_status") == catalog.FX_CONVERTED)
        .select(source="fx_source", currency="currency", rate_date="fx_rate_date")
        .unique()
        .with_columns(units_per_eur=pl.lit(1, pl.Decimal(38, 18)), published_rate=pl.lit("1"))
    )


def synthetic_runs() -> pl.DataFrame:
    """100 daily runs per feed; every 10th run of a feed failed."""
    feeds = pl.DataFrame({"feed": [*FEEDS, "news_bench"]})
    days = pl.DataFrame({"day": range(100)})
    return feeds.join(days, how="cross").select(
        run_id=pl.format("run_{}", pl.col("day")),
        feed="feed",
        status=pl.when(pl.col("day") % 10 == 9).then(pl.lit("failed")).otherwise(pl.lit("ok")),
        error=pl.when(pl.col("day") % 10 == 9).then(pl.lit("synthetic failure")),
        rows_in=pl.lit(1, pl.Int64),
        loaded=pl.lit(1, pl.Int64),
        duplicates=pl.lit(0, pl.Int64),
        quarantined=pl.lit(0, pl.Int64),
        no_rate=pl.lit(0, pl.Int64),
        held_back=pl.lit(0, pl.Int64),
        batch_date=pl.lit(BATCH_DATE) - pl.duration(days=99 - pl.col("day")),
    )


def peak_rss_mib() -> float:
    """This process's peak resident set size so far, in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(label: str, step: Callable[[], object], results: list[tuple[str, float, float]]) -> object:
    """Run one step, record its wall time and the peak RSS after it."""
    start = time.perf_counter()
    value = step()
    results.append((label, time.perf_counter() - start, peak_rss_mib()))
    print(f"{label:<56} {results[-1][1]:8.3f} s   peak RSS {results[-1][2]:7.0f} MiB", flush=True)
    return value


def _insert(con: duckdb.DuckDBPyConnection, table: str, frame: pl.DataFrame) -> None:
    con.register("bench_rows", frame)
    try:
        con.execute(f"insert into {table} by name select * from bench_rows")
    finally:
        con.unregister("bench_rows")


QUERIES = {
    "top platforms (fines_by_platform, top 20)": (
        "select platform, parent_company, action_count, total_fines_usd, total_fines_eur "
        "from marts.fines_by_platform order by total_fines_usd desc limit 20"
    ),
    "monthly series, one jurisdiction (FR, all platforms)": (
        "select period_start_date, sum(total_fines_eur) as total_fines_eur from marts.fines_over_time "
        "where period_grain = 'month' and jurisdiction = 'FR' group by all order by 1"
    ),
    "largest fines, page 3 of 50 rows": (
        "select * from marts.largest_fines order by overall_rank, action_id limit 50 offset 100"
    ),
    "feed freshness": "select * from marts.feed_freshness order by feed",
    "fines by authority, one jurisdiction (RU)": (
        "select * from marts.fines_by_authority where jurisdiction = 'RU' order by total_fines_usd desc"
    ),
}


def insert_all(con: duckdb.DuckDBPyConnection, actions: pl.DataFrame, sources: pl.DataFrame) -> None:
    """Insert the synthetic facts, their sources and rates, and the run log."""
    _insert(con, catalog.ENFORCEMENT_ACTIONS, actions)
    _insert(con, catalog.ACTION_SOURCES, sources)
    _insert(con, catalog.FX_RATES, synthetic_rates(actions))
    _insert(con, catalog.RUN_LOG, synthetic_runs())


def _median_time(con: duckdb.DuckDBPyConnection, sql: str, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        con.execute(sql).fetchall()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _reflect(path: Path) -> int:
    from sqlalchemy import create_engine, inspect

    engine = create_engine(f"duckdb:///{path}", connect_args={"read_only": True})
    try:
        inspector = inspect(engine)
        return sum(
            len(inspector.get_columns(t, schema="marts")) for t in inspector.get_table_names(schema="marts")
        )
    finally:
        engine.dispose()


def run(rows: int, workdir: Path, *, repeat: int) -> None:
    """Generate, load, build, query and export; print one line per step."""
    results: list[tuple[str, float, float]] = []
    path = workdir / "warehouse.duckdb"
    print(
        f"{rows:,} synthetic actions, {os.cpu_count()} CPUs, DuckDB {duckdb.__version__}, Polars {pl.__version__}"
    )
    frames = {"actions": timed("generate actions (Polars)", lambda: synthetic_actions(rows), results)}
    frames["sources"] = synthetic_sources(frames["actions"])
    with duckdb.connect(str(path)) as con:
        load.migrate(con)
        timed("insert facts, sources, rates, run log", lambda: insert_all(con, **frames), results)
        frames.clear()  # free the frames before the build, so its peak RSS is the warehouse's
        counts = timed(
            "models.build_marts (views, marts, contracts)", lambda: models.build_marts(con), results
        )
        timed("models.build_marts again, nothing changed", lambda: models.build_marts(con), results)
        con.execute(
            f"update {catalog.ENFORCEMENT_ACTIONS} set amount_usd = amount_usd + 1 "
            f"where action_id in (select action_id from {catalog.ENFORCEMENT_ACTIONS} limit 1000)"
        )
        timed("models.build_marts after 1,000 actions changed", lambda: models.build_marts(con), results)
        timed("comments.apply_comments", lambda: comments.apply_comments(con), results)
        failures = timed("models.run_tests (warehouse/tests/*.sql)", lambda: models.run_tests(con), results)
        timed("checkpoint", lambda: con.execute("checkpoint"), results)
    print("mart rows:", ", ".join(f"{name} {count:,}" for name, count in counts.items()))
    failing = {name: count for name, count in failures.items() if count}
    print("warehouse tests:", "all pass" if not failing else f"FAILING {failing}")
    with load.connect(path, read_only=True) as con:
        timed("open read-only + first query", lambda: con.execute("select 1").fetchall(), results)
        for label, sql in QUERIES.items():
            elapsed = _median_time(con, sql, repeat)
            results.append((f"query: {label}", elapsed, peak_rss_mib()))
            print(f"{'query: ' + label:<56} {elapsed * 1000:8.1f} ms (median of {repeat})", flush=True)
    timed("SQLAlchemy: reflect every mart's columns", lambda: _reflect(path), results)
    exported = timed(
        "export.export_marts (Parquet)", lambda: export.export_marts(path, workdir / "parquet"), results
    )
    size = sum(p.stat().st_size for p in (workdir / "parquet").rglob("*.parquet"))
    print(f"exported {sum(exported.values()):,} rows, {size / 2**20:.1f} MiB of Parquet")
    print(f"warehouse file {path.stat().st_size / 2**20:.0f} MiB; peak RSS {peak_rss_mib():.0f} MiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5, help="runs per BI query (median reported)")
    parser.add_argument("--keep", type=Path, help="build in this folder and keep it (default: a temp folder)")
    args = parser.parse_args()
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        run(args.rows, args.keep, repeat=args.repeat)
    else:
        with tempfile.TemporaryDirectory(prefix="bench_marts_") as tmp:
            run(args.rows, Path(tmp), repeat=args.repeat)


if __name__ == "__main__":
    main()
