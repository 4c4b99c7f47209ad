"""Time every stage of the pipeline, the whole pipeline and two baselines on synthetic feeds.

    .venv/bin/python -m bench.run --sizes 100k,1m

For each size this generates ``bench/data/actions_<size>.csv`` (once; see ``bench/generate.py``)
and measures, each in a fresh Python process so that its peak RSS is its own:

* ``floor``: DuckDB's own ``read_csv`` of the file into a table (all columns text), no checks;
* the stages of our pipeline, each timed on its own input (read from the Parquet the previous
  stage wrote, which is not timed): read + parse, parse contract, normalize + action contract
  (the three parts of ``transform.run``), ``pipeline.prepare_warehouse`` (migrate a fresh
  warehouse, ECB rates), ``fx.run`` (convert + converted contract, with its Parquet in and
  out), ``load.load_batch`` into that fresh warehouse, ``models.build_marts``;
* ``e2e``: ``etl.running.pipeline.run`` with one feed pointing at the file, a fresh data folder and
  warehouse (``FINES_*`` set to it), with a breakdown of where its time went;
* ``pandas``: pandas + pandera's pandas backend doing the same work (``bench/pandas_baseline.py``);
* with 1m among the sizes, ``incremental``: 1,000 new actions run into the 1m warehouse.

``--profile SIZE`` adds a cProfile run of the whole pipeline. Results go to
``bench/results/results.json`` and ``bench/results/results.md``; BENCHMARKS.md quotes them.
Every child is killed if its RSS passes ``--rss-cap-gib`` (the machine is shared).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from etl.loading import models

REPO = Path(__file__).resolve().parents[1]
FEED = "bench"
AS_OF = dt.date(2026, 1, 15)  # bench.generate.AS_OF, repeated to keep this import light
INCREMENTAL_ROWS = 1_000
STARTED = time.perf_counter()


# ---------------------------------------------------------------- child side: one measurement each


def _status(field: str) -> int:
    """A VmRSS / VmHWM value of this process, in KiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


class Timer:
    def __enter__(self) -> Timer:
        self.rss_before_kib = _status("VmRSS")
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        self.seconds = time.perf_counter() - self.start


def _feed(csv: Path):
    from etl.sources.feeds import Feed

    return Feed(name=FEED, format="csv", location=str(csv))


def _where(csv: Path) -> str:
    return f"feed {FEED}: {csv}"


def _stage_result(timer: Timer, **extra: object) -> dict[str, object]:
    return {"seconds": round(timer.seconds, 3), "rss_before_kib": timer.rss_before_kib, **extra}


def w_generate(spec: dict) -> dict:
    from bench.generate import generate

    return generate(Path(spec["csv"]), spec["rows"], seed=spec["seed"], start=spec["start"])


def w_floor(spec: dict) -> dict:
    import duckdb

    db = Path(spec["db"])
    db.unlink(missing_ok=True)
    con = duckdb.connect(str(db))
    options = "header = true, all_varchar = true" if spec["all_varchar"] else "header = true"
    with Timer() as timer:
        con.execute(f"create table actions_raw as select * from read_csv(?, {options})", [spec["csv"]])
    rows = con.execute("select count(*) from actions_raw").fetchone()[0]
    con.close()
    db.unlink(missing_ok=True)
    return _stage_result(timer, rows=rows, duckdb=duckdb.__version__)


def w_read(spec: dict) -> dict:
    from etl.parsing import transform

    csv, out = Path(spec["csv"]), Path(spec["dir"])
    feed = _feed(csv)
    with Timer() as timer:
        raw = transform.read_feed(csv, feed=feed)
        transform.check_columns(raw, feed=feed, where=_where(csv))
        if hasattr(transform, "split_extraction_issues"):
            raw, _ = transform.split_extraction_issues(raw)
        parsed = transform.parse_rows(raw, feed=feed, as_of=AS_OF)
    parsed.write_parquet(out / "parsed.parquet")
    return _stage_result(timer, rows=raw.height)


def w_validate(spec: dict) -> dict:
    import polars as pl

    from etl.parsing.validate import split_valid
    from schemas.enforcement_actions import ParsedEnforcementAction

    out = Path(spec["dir"])
    parsed = pl.read_parquet(out / "parsed.parquet")
    with Timer() as timer:
        valid, rejected = split_valid(parsed, ParsedEnforcementAction, stage="parse", where=spec["csv"])
    valid.write_parquet(out / "parsed_valid.parquet")
    rejected.write_parquet(out / "rejects_parse.parquet")
    return _stage_result(timer, rows=parsed.height, rejected=rejected.height)


def _normalize_options() -> dict:
    import inspect

    from etl.parsing import transform

    if "aliases" not in inspect.signature(transform.normalize).parameters:
        return {}
    aliases, owners = transform.load_tables()
    return {"aliases": aliases, "owners": owners}


def w_normalize(spec: dict) -> dict:
    import polars as pl

    from etl.parsing import transform
    from etl.parsing.validate import split_valid
    from schemas.enforcement_actions import EnforcementAction

    out = Path(spec["dir"])
    parsed = pl.read_parquet(out / "parsed_valid.parquet")
    with Timer() as timer:
        actions, duplicates = transform.drop_duplicates(transform.normalize(parsed, **_normalize_options()))
        valid, rejected = split_valid(actions, EnforcementAction, stage="normalize", where=spec["csv"])
    valid.write_parquet(out / "actions.parquet")
    rejected.write_parquet(out / "rejects_normalize.parquet")
    return _stage_result(timer, rows=parsed.height, duplicates=duplicates, rejected=rejected.height)


def w_prepare(spec: dict) -> dict:
    from etl.config import load_settings
    from etl.loading import load, stored_rates
    from etl.running import pipeline

    out = Path(spec["dir"])
    (out / "warehouse.duckdb").unlink(missing_ok=True)
    settings = load_settings()
    with Timer() as timer:
        if hasattr(pipeline, "prepare_warehouse"):
            rates_path = pipeline.prepare_warehouse(settings, rates_dir=out)
        else:  # since the writer-session refactor: rates for the run, then migrate + load them
            rates_path = pipeline.rates_for_run(settings, out / "rates.parquet")
            con = load.connect(settings.warehouse)
            load.migrate(con)
            stored_rates.load_rates(con, rates_path)
            con.close()
    return _stage_result(timer, rates_path=str(rates_path))


def w_convert(spec: dict) -> dict:
    import etl.parsing.validate  # noqa: F401 - fx.run imports these lazily; keep import time out of the timing
    import schemas.enforcement_actions  # noqa: F401
    from etl.money import fx

    out = Path(spec["dir"])
    with Timer() as timer:
        result = fx.run(out / "actions.parquet", Path(spec["rates_path"]), out_dir=out, where=spec["csv"])
    return _stage_result(timer, **result)


def w_load(spec: dict) -> dict:
    from etl.loading import load

    out = Path(spec["dir"])
    con = load.connect(out / "warehouse.duckdb")  # migrated, with rates: see w_prepare
    with Timer() as timer:
        result = load.load_batch(
            con,
            feed=FEED,
            run_id="run_bench_stages",
            batch_date=AS_OF,
            source_file=spec["csv"],
            converted_path=out / "converted.parquet",
            reject_paths=[
                out / "rejects_parse.parquet",
                out / "rejects_normalize.parquet",
                out / "convert_rejects.parquet",
            ],
            rows_in=spec["rows"],
            duplicates=spec["duplicates"],
            threshold=0.5,
        )
    con.close()
    return _stage_result(timer, result=result.as_dict())


def w_marts(spec: dict) -> dict:
    import schemas.marts  # noqa: F401 - build_marts imports it lazily; keep import time out of the timing
    from etl.loading import load

    con = load.connect(Path(spec["dir"]) / "warehouse.duckdb")
    with Timer() as timer:
        counts = models.build_marts(con)
    con.close()
    return _stage_result(timer, marts=counts)


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


WORKERS = {name[2:]: fn for name, fn in globals().items() if name.startswith("w_")}


def worker(name: str, spec: dict) -> None:
    imported = time.perf_counter()
    result = WORKERS[name](spec)
    result["process_to_start_s"] = round(imported - STARTED, 3)
    result["peak_rss_kib"] = _status("VmHWM")
    Path(spec["result"]).write_text(json.dumps(result, default=str, indent=1))


# ---------------------------------------------------------------- parent side: orchestration


def _rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def run_child(
    name: str, spec: dict, *, logs: Path, cap_kib: int, timeout_s: float, env: dict | None = None
) -> dict:
    """Run one worker in a fresh interpreter; kill it past the RSS cap or the timeout."""
    logs.mkdir(parents=True, exist_ok=True)
    spec = {**spec, "result": str(logs / f"{spec['tag']}.json")}
    Path(spec["result"]).unlink(missing_ok=True)
    load_before = os.getloadavg()
    began = time.perf_counter()
    with open(logs / f"{spec['tag']}.log", "wb") as log:
        child = subprocess.Popen(
            [sys.executable, "-m", "bench.run", "--worker", name, "--spec", json.dumps(spec)],
            cwd=REPO,
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**os.environ, **(env or {})},
        )
        killed: list[str] = []
        done = threading.Event()

        def watch() -> None:
            while not done.wait(0.1):
                if _rss_kib(child.pid) > cap_kib:
                    killed.append(f"RSS above the cap of {cap_kib // 1024 // 1024} GiB")
                elif time.perf_counter() - began > timeout_s:
                    killed.append(f"timeout after {timeout_s:.0f} s")
                else:
                    continue
                os.kill(child.pid, signal.SIGKILL)
                return

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        done.set()
        watcher.join()
    wall = time.perf_counter() - began
    outcome: dict[str, object] = {
        "wall_s": round(wall, 3),
        "maxrss_kib": usage.ru_maxrss,
        "returncode": child.returncode,
        "loadavg_before": [round(x, 2) for x in load_before],
    }
    if killed:
        outcome["killed"] = killed[0]
    result_path = Path(spec["result"])
    if child.returncode == 0 and result_path.exists():
        outcome.update(json.loads(result_path.read_text()))
    else:
        tail = (logs / f"{spec['tag']}.log").read_text(errors="replace").strip().splitlines()[-6:]
        outcome["error"] = " | ".join(tail)
        outcome["seconds_until_stopped"] = round(wall, 1)
    print(f"  {spec['tag']:<28} {_summary(outcome)}", flush=True)
    return outcome


def best_of(runs: list[dict]) -> dict:
    """The fastest successful run, with every run's seconds and the highest peak RSS of them all."""
    ok = [r for r in runs if "error" not in r and "killed" not in r]
    if not ok:
        return runs[-1]
    best = dict(min(ok, key=lambda r: r.get("seconds", r["wall_s"])))
    best["runs_seconds"] = [r.get("seconds") for r in runs]
    best["maxrss_kib"] = max(r["maxrss_kib"] for r in runs)
    return best


def _summary(outcome: dict) -> str:
    if "error" in outcome or "killed" in outcome:
        return f"FAILED ({outcome.get('killed') or outcome.get('error')})"
    seconds = outcome.get("seconds", outcome.get("wall_s"))
    return (
        f"{seconds:>8.2f} s   peak {outcome['maxrss_kib'] / 1024:>7.0f} MiB   wall {outcome['wall_s']:.1f} s"
    )


def _versions() -> dict[str, str]:
    from importlib import metadata

    names = ["polars", "pandera", "duckdb", "pyarrow", "pandas", "numpy", "currencyconverter", "pycountry"]
    versions = {"python": platform.python_version()}
    for name in names:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def _machine() -> dict[str, object]:
    meminfo = Path("/proc/meminfo").read_text().split()
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )

    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True, check=False)
        return done.stdout.strip()

    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cores": os.cpu_count(),
        "memory_gib": round(int(meminfo[meminfo.index("MemTotal:") + 1]) / 1024 / 1024, 1),
        "cpu": cpu,
        "kernel": platform.release(),
        "git_head": git("rev-parse", "--short", "HEAD"),
        "uncommitted": [
            line[3:]
            for line in git("status", "--porcelain").splitlines()
            if line[3:].startswith(("etl/", "schemas/", "warehouse/"))
        ],
        "versions": _versions(),
    }


def measure_size(size: str, rows: int, args: argparse.Namespace, results: dict) -> None:
    from bench.generate import DEFAULT_SEED

    base = args.work_dir / size
    stages, logs = base / "stages", args.results / "logs" / size
    stages.mkdir(parents=True, exist_ok=True)
    csv = args.work_dir / f"actions_{size}.csv"
    child = {"logs": logs, "cap_kib": int(args.rss_cap_gib * 1024 * 1024), "timeout_s": args.timeout_s}
    out: dict[str, object] = {"rows": rows, "csv": str(csv)}
    results["sizes"][size] = out
    print(f"{size}: {rows:,} rows -> {csv}", flush=True)
    if not csv.exists():
        out["generate"] = run_child(
            "generate",
            {"tag": "generate", "csv": str(csv), "rows": rows, "seed": DEFAULT_SEED, "start": 0},
            **child,
        )
    out["bytes"] = csv.stat().st_size
    common = {"csv": str(csv), "dir": str(stages), "rows": rows}
    what, repeat = args.what, args.repeat

    def measure(name: str, spec: dict, env_for=None) -> dict:
        runs = [run_child(name, spec, env=env_for() if env_for else None, **child) for _ in range(repeat)]
        return best_of(runs)

    # floor, e2e and pandas are interleaved, one round each per repeat, so that a burst of load
    # from other processes hits one round rather than all runs of one measurement.
    e2e_dir = base / "e2e"
    db = str(base / "floor.duckdb")
    rounds: list[dict[str, dict]] = []
    for _ in range(repeat):
        done = {}
        if "floor" in what:
            done["floor"] = run_child(
                "floor", {**common, "tag": "floor", "db": db, "all_varchar": True}, **child
            )
            spec = {**common, "tag": "floor_typed", "db": db, "all_varchar": False}
            done["floor_typed"] = run_child("floor", spec, **child)
        if "e2e" in what:
            done["e2e"] = run_child("e2e", {**common, "tag": "e2e"}, env=_fresh_env(e2e_dir), **child)
        if "pandas" in what:
            spec = {**common, "tag": "pandas", "reference": str(args.work_dir / "reference")}
            if not (args.work_dir / "reference" / "cpi.parquet").exists():
                run_child("reference", {**spec, "tag": "reference"}, **child)
            done["pandas"] = run_child("pandas", spec, **child)
        rounds.append(done)
    for key in ("floor", "floor_typed", "e2e", "pandas"):
        if rounds and key in rounds[0]:
            out[key] = best_of([r[key] for r in rounds])
    out["rounds"] = [
        {key: (item.get("seconds") if _ok(item) else None) for key, item in r.items()} for r in rounds
    ]
    if "stages" in what:
        env = {"FINES_DATA_DIR": str(stages), "FINES_WAREHOUSE": str(stages / "warehouse.duckdb")}
        runs: dict[str, list[dict]] = {}
        for _ in range(repeat):  # the whole chain each time: load needs the fresh warehouse prepare makes
            done: dict[str, dict] = {}
            for name in ("read", "validate", "normalize", "prepare", "convert", "load", "marts"):
                extra = {
                    "duplicates": done.get("normalize", {}).get("duplicates", 0),
                    "rates_path": done.get("prepare", {}).get("rates_path", ""),
                }
                done[name] = run_child(name, {**common, **extra, "tag": f"stage_{name}"}, env=env, **child)
                runs.setdefault(name, []).append(done[name])
                if "error" in done[name]:
                    break
        out["stages"] = {name: best_of(items) for name, items in runs.items()}
    if size == "1m" and "incremental" in what and _ok(out.get("e2e")):
        new = args.work_dir / f"new_{INCREMENTAL_ROWS}.csv"
        if not new.exists():
            spec = {
                "tag": "generate_incremental",
                "csv": str(new),
                "rows": INCREMENTAL_ROWS,
                "seed": DEFAULT_SEED + 1,
                "start": 1_000_000_000,
            }
            run_child("generate", spec, **child)
        warehouse = e2e_dir / "warehouse.duckdb"
        backup = base / "warehouse_1m_backup.duckdb"
        shutil.copyfile(warehouse, backup)

        def restore() -> dict[str, str]:
            shutil.copyfile(backup, warehouse)  # each repeat adds the 1,000 to the same 1m warehouse
            return {"FINES_DATA_DIR": str(e2e_dir), "FINES_WAREHOUSE": str(warehouse)}

        out["incremental"] = measure("incremental", {"csv": str(new), "tag": "incremental"}, restore)
        backup.unlink()
    if args.profile == size:
        out["profile"] = run_child(
            "profile", {**common, "tag": "profile"}, env=_fresh_env(base / "profile"), **child
        )


def _ok(item: dict | None) -> bool:
    return bool(item) and "error" not in item and "killed" not in item


def _fresh_env(folder: Path) -> dict[str, str]:
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return {"FINES_DATA_DIR": str(folder), "FINES_WAREHOUSE": str(folder / "warehouse.duckdb")}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark the pipeline on synthetic feeds.")
    parser.add_argument("--sizes", default="100k,1m", help="comma-separated: 100k, 1m, 10m")
    parser.add_argument("--work-dir", type=Path, default=REPO / "bench" / "data")
    parser.add_argument("--results", type=Path, default=REPO / "bench" / "results")
    parser.add_argument("--rss-cap-gib", type=float, default=14.0, help="kill a child above this RSS")
    parser.add_argument("--timeout-s", type=float, default=1800.0, help="kill a child running longer")
    parser.add_argument("--profile", default="", help="size to profile the whole pipeline at (cProfile)")
    parser.add_argument("--note", default="", help="a line about the code measured, kept in the results")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each measurement; the fastest is kept")
    parser.add_argument(
        "--what", default="floor,stages,e2e,pandas,incremental", help="which measurements (comma-separated)"
    )
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--spec", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        worker(args.worker, json.loads(args.spec))
        return 0
    from bench.generate import SIZES
    from bench.report import write_report

    sizes = [s.strip().lower() for s in args.sizes.split(",") if s.strip()]
    unknown = [s for s in sizes if s not in SIZES]
    if unknown:
        parser.error(f"unknown sizes {unknown}; choose from {list(SIZES)}")
    args.work_dir, args.results = args.work_dir.resolve(), args.results.resolve()
    args.what = {w.strip() for w in args.what.split(",")}
    args.results.mkdir(parents=True, exist_ok=True)
    results = {
        "machine": _machine(),
        "note": args.note,
        "command": " ".join(
            [Path(sys.executable).name, "-m", "bench.run", *(argv if argv is not None else sys.argv[1:])]
        ),
        "repeat": args.repeat,
        "loadavg_start": os.getloadavg(),
        "sizes": {},
    }
    for size in sizes:
        measure_size(size, SIZES[size], args, results)
        (args.results / "results.json").write_text(json.dumps(results, default=str, indent=1))
    results["loadavg_end"] = os.getloadavg()
    (args.results / "results.json").write_text(json.dumps(results, default=str, indent=1))
    markdown = write_report(results, args.results / "results.md")
    print(markdown)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
