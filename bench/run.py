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

This module holds the command line, the per-size orchestration and the dispatch of a child to
its worker; ``bench/runner.py`` starts and watches the children, ``bench/stage_workers.py`` and
``bench/pipeline_workers.py`` hold the workers (on ``bench/child.py``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

from bench import pipeline_workers, stage_workers
from bench.child import STARTED, _status
from bench.runner import REPO, best_of, run_child

INCREMENTAL_ROWS = 1_000

# ---------------------------------------------------------------- child side: dispatch to a worker

WORKERS = {
    name[2:]: fn
    for module in (stage_workers, pipeline_workers)
    for name, fn in vars(module).items()
    if name.startswith("w_")
}


def worker(name: str, spec: dict) -> None:
    imported = time.perf_counter()
    result = WORKERS[name](spec)
    result["process_to_start_s"] = round(imported - STARTED, 3)
    result["peak_rss_kib"] = _status("VmHWM")
    Path(spec["result"]).write_text(json.dumps(result, default=str, indent=1))


# ---------------------------------------------------------------- parent side: orchestration


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
    from bench.synthetic_pools import DEFAULT_SEED

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
