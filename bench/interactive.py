"""Time the interactive commands as a user meets them (issue 12 item 4).

    python -m bench.interactive                 # 5 runs of each command, in a fresh data folder
    python -m bench.interactive --repeat 9 --python /tmp/basevenv/bin/python

Each command runs as its own process, as a user types it, with ``FINES_DATA_DIR`` and
``FINES_WAREHOUSE`` pointing at a temporary folder: ``fines run`` over the bundled feeds
(once to install: migrations, rates, first load; then timed: its feeds are unchanged, so it
leaves them alone, etl/running/unchanged.py), ``fines run --as-of`` a new past date each time
(every feed processed again), ``fines fx convert`` of the seed fine and ``fines report``.
Reported per command: the median and the fastest wall time, the median CPU time of the
process, against the targets of issue 12 (``fines fx convert`` and
``fines report`` under 1 s, ``fines run`` on the bundled feeds under 3 s once installed).
``--python`` times another installation (a virtualenv with only the package installed imports
less than the development one). Results: BENCHMARKS.md, "Interactive commands".
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

COMMANDS = {
    "fines run": (["run"], 3.0),
    "fines run --as-of DATE (a new date each time: every feed processed)": (["run", "--as-of", "DATE"], 3.0),
    "fines fx convert 2500000 RUB --on 2021-04-06": (
        ["fx", "convert", "2500000", "RUB", "--on", "2021-04-06"],
        1.0,
    ),
    "fines report": (["report"], 1.0),
}


def _dated(argv: list[str], run: int) -> list[str]:
    """``argv`` with its DATE placeholder made a past date that differs from run to run."""
    day = date(2026, 1, 1) + timedelta(days=run)
    return [day.isoformat() if arg == "DATE" else arg for arg in argv]


def _time(python: str, args: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float]:
    """Wall and CPU seconds of one command, run as a user runs it; fails loudly on a non-zero exit."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall = time.perf_counter()
    done = subprocess.run(
        [python, "-c", "from etl.console.cli import main; main()", *args],
        env=env, cwd=cwd, capture_output=True, text=True, check=False,
    )  # fmt: skip
    wall = time.perf_counter() - wall
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"fines {' '.join(args)} exited {done.returncode}: {done.stderr.strip()[-500:]}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    """Print one Markdown row per command."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="timed runs of each command")
    parser.add_argument(
        "--python", default=sys.executable, help="the interpreter of the installation to time"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        cwd = Path(folder)
        env = {
            **os.environ,
            "FINES_DATA_DIR": str(cwd / "data"),
            "FINES_WAREHOUSE": str(cwd / "data" / "w.duckdb"),
        }
        install = _time(args.python, ["run"], env, cwd)
        print(f"Installing run (first `fines run`): {install[0]:.2f} s wall, {install[1]:.2f} s CPU\n")
        print("| command | median wall s | fastest wall s | median CPU s | target | met? |")
        print("|---|---|---|---|---|---|")
        for label, (argv, target) in COMMANDS.items():
            runs = [_time(args.python, _dated(argv, i), env, cwd) for i in range(args.repeat)]
            wall = statistics.median(w for w, _ in runs)
            cpu = statistics.median(c for _, c in runs)
            fastest = min(w for w, _ in runs)
            met = "yes" if wall < target else "no"
            print(
                f"| `{label}` | {wall:.2f} | {fastest:.2f} | {cpu:.2f} | under {target:g} s | {met} |",
                flush=True,
            )
    print(f"\nload average at the end: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
