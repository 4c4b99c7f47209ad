"""The parent side's child runner: one worker per fresh interpreter, under an RSS cap and a timeout.

``run_child`` starts ``python -m bench.run --worker NAME --spec JSON``, watches its RSS, kills it
past the cap or the timeout and returns what it measured (or why it failed); ``best_of`` keeps
the fastest of several runs.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


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
