"""Workers that time a whole pipeline: ours (``e2e``, ``incremental``, ``profile``) and pandas.

Our pipeline runs as ``etl.running.pipeline.run`` with its step functions wrapped to record a
breakdown of where the time went (``_instrument``); the pandas baseline reads the reference rate
and CPI files ``w_reference`` writes. Each runs in its own child process (``bench/run.py``
dispatches on the name after ``w_``).
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

from bench.child import AS_OF, STARTED, Timer, _feed, _stage_result, _status


def _instrument() -> dict[str, list[float]]:
    """Wrap the pipeline's step functions to record where ``pipeline.run`` spends its time.

    Functions a version of the code does not have are skipped, so this follows the refactors.
    """
    import types

    from etl.loading import load, models, stored_rates
    from etl.money import fx
    from etl.parsing import transform, validate
    from etl.running import pipeline

    try:
        from etl.loading import publish
    except ImportError:
        publish = types.SimpleNamespace()
    if hasattr(publish, "shutil"):
        # A copy of the module's namespace keeps the copyfile wrapper off the global shutil module.
        publish.shutil = types.SimpleNamespace(**vars(publish.shutil))
    spent: dict[str, list[float]] = {}
    targets = [
        (pipeline, "extract_feed", "extract (land the file)"),
        (pipeline, "prepare_warehouse", "prepare_warehouse (migrate, ECB rates)"),
        (pipeline, "rates_for_run", "rates_for_run (embedded + stored rates to Parquet)"),
        (transform, "run", "transform.run"),
        (transform, "read_feed", "  transform.read_feed (decode, read_csv, payload)"),
        (transform, "parse_rows", "  transform.parse_rows"),
        (transform, "split_valid", "  parse + action contracts (split_valid)"),
        (transform, "load_tables", "  platform tables"),
        (transform, "normalize", "  transform.normalize (incl. action_id)"),
        (transform, "_stable_ids", "    transform._stable_ids (SHA-256 per row)"),
        (transform, "drop_duplicates", "  transform.drop_duplicates"),
        (fx, "run", "fx.run"),
        (fx, "convert_amounts", "  fx.convert_amounts"),
        (validate, "split_valid", "  converted contract (split_valid)"),
        (pipeline, "load_batches", "load_batches (writer session: migrate, rates, load, marts)"),
        (load, "migrate", "  load.migrate"),
        (stored_rates, "load_rates", "  stored_rates.load_rates"),
        (stored_rates, "reconvert", "  stored_rates.reconvert"),
        (load, "load_batch", "  load.load_batch"),
        (models, "build_marts", "  models.build_marts"),
        (getattr(publish, "shutil", None), "copyfile", "publish: copy the warehouse to a build file"),
        (publish, "_fsync", "publish: fsync"),
    ]
    for module, name, label in targets:
        original = getattr(module, name, None) if module is not None else None
        if original is None:
            continue

        def wrapper(*args, _original=original, _label=label, **kwargs):
            began = time.perf_counter()
            print(
                f"{began - STARTED:8.1f} s  rss {_status('VmRSS') // 1024:>6} MiB  start {_label.strip()}",
                flush=True,
            )
            try:
                return _original(*args, **kwargs)
            finally:
                spent.setdefault(_label, []).append(time.perf_counter() - began)
                # The peak so far: the step after which it rose is the one that raised it.
                print(
                    f"{time.perf_counter() - STARTED:8.1f} s  peak {_status('VmHWM') // 1024:>6} MiB  "
                    f"end {_label.strip()}",
                    flush=True,
                )

        setattr(module, name, wrapper)
    return spent


def _pipeline(spec: dict, *, as_of: dt.date) -> dict:
    from etl.config import load_settings
    from etl.parsing import transform  # noqa: F401 - imported outside the timer, as in earlier sessions
    from etl.running import pipeline
    from etl.sources.fetch import FetchPolicy

    csv = Path(spec["csv"])
    spent = _instrument()
    settings = load_settings()
    # The default FetchPolicy refuses payloads over 50 MB, local files included; read() also
    # allocates max_bytes up front, so the limit is set to the file's own size.
    policy = FetchPolicy(max_bytes=csv.stat().st_size)
    with Timer() as timer:
        report = pipeline.run(settings, [_feed(csv)], as_of=as_of, policy=policy)
    return _stage_result(
        timer,
        feeds=[r.as_dict() for r in report.feeds],
        marts=report.marts,
        breakdown={k: round(sum(v), 3) for k, v in spent.items()},
        calls={k: len(v) for k, v in spent.items()},
    )


def w_e2e(spec: dict) -> dict:
    return _pipeline(spec, as_of=AS_OF)


def w_incremental(spec: dict) -> dict:
    return _pipeline(spec, as_of=AS_OF + dt.timedelta(days=1))


def w_profile(spec: dict) -> dict:
    import cProfile
    import io
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    result = _pipeline(spec, as_of=AS_OF)
    profiler.disable()
    for key in ("tottime", "cumulative"):
        text = io.StringIO()
        pstats.Stats(profiler, stream=text).strip_dirs().sort_stats(key).print_stats(30)
        result[f"top_{key}"] = text.getvalue()
    return result


def w_reference(spec: dict) -> dict:
    """The rates and CPI-U files the pandas baseline reads: our embedded rate set, as floats."""
    import polars as pl

    from etl.money import cpi
    from etl.money.rates import embedded_rates

    folder = Path(spec["reference"])
    folder.mkdir(parents=True, exist_ok=True)
    rates = embedded_rates().select(
        "source", "currency", "rate_date", pl.col("units_per_eur").cast(pl.Float64)
    )
    rates.write_parquet(folder / "rates.parquet")
    index = cpi.series().select(
        "period_kind", "period_start", pl.col("index_value", "base_index_value").cast(pl.Float64)
    )
    index.write_parquet(folder / "cpi.parquet")
    return {"rates": rates.height, "cpi": index.height}


def w_pandas(spec: dict) -> dict:
    from bench import pandas_baseline

    warehouse = Path(spec["dir"]) / "pandas.duckdb"
    warehouse.unlink(missing_ok=True)
    reference = Path(spec["reference"])
    with Timer() as timer:
        result = pandas_baseline.run(
            Path(spec["csv"]),
            warehouse,
            rates_path=reference / "rates.parquet",
            cpi_path=reference / "cpi.parquet",
            as_of=AS_OF,
        )
    warehouse.unlink(missing_ok=True)
    return _stage_result(timer, **result)
