#!/usr/bin/env python3
"""Run Airflow locally with this project's DAGs, on 127.0.0.1, in one command.

    python3 scripts/airflow_local.py              # http://127.0.0.1:8080
    python3 scripts/airflow_local.py --port 8090

Uses the virtualenv this script runs in when it has Airflow, else sets up ``.venv`` with
Airflow (as ``scripts/dev.py`` does, through ``constraints.txt``; ``FINES_VENV`` moves it).
Then runs ``airflow standalone`` (scheduler, DAG processor, triggerer, API server;
LocalExecutor and SQLite) with AIRFLOW_HOME ``data/airflow``, the DAGs of ``dags/``, the
warehouse and landing area under ``data/`` (``FINES_*`` variables already set win) and the
one-slot ``duckdb`` pool. Stop it with Ctrl-C or SIGTERM: every process it started (the
whole process group of ``airflow standalone`` and anything that left it) is stopped, then
killed after a grace period. See docs/airflow.md.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

import dev  # noqa: E402 - the sibling script that owns the virtualenv

POOL = ("duckdb", "1", "DuckDB single writer: every task that writes the warehouse")
GRACE_S = 20.0  # after SIGTERM, how long the components get to stop before SIGKILL


def build_env(*, port: int, home: Path, venv: Path, base: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of every Airflow process: our DAGs, 127.0.0.1, data under ``data/``."""
    env = dict(os.environ if base is None else base)
    data = Path(env.get("FINES_DATA_DIR", ROOT / "data"))
    env.update(
        PATH=f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}",  # standalone starts `airflow` from PATH
        AIRFLOW_HOME=str(home),
        AIRFLOW__CORE__DAGS_FOLDER=str(ROOT / "dags"),
        AIRFLOW__CORE__LOAD_EXAMPLES="False",
        AIRFLOW__CORE__EXECUTOR="LocalExecutor",
        AIRFLOW__API__HOST="127.0.0.1",
        AIRFLOW__API__PORT=str(port),
        # Tasks reach the API server here; on a non-default port they fail with "Connection refused" without it.
        AIRFLOW__CORE__EXECUTION_API_SERVER_URL=f"http://127.0.0.1:{port}/execution/",
        FINES_DATA_DIR=str(data),
        FINES_WAREHOUSE=env.get("FINES_WAREHOUSE", str(data / "warehouse.duckdb")),
    )
    return env


def find_venv() -> Path:
    """The virtualenv running this script if it has Airflow, else ``.venv`` (set up if needed)."""
    here = Path(sys.prefix)
    if here != Path(sys.base_prefix) and (here / "bin" / "airflow").exists():
        return here
    dev.ensure_venv("airflow")
    return dev.VENV


def descendants(pid: int) -> set[int]:
    """Every process below ``pid`` (children, their children, ...), read from ``/proc``.

    Empty where there is no ``/proc`` (the process group then is all we can reach).
    """
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").glob("[0-9]*"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie, finished but not yet reaped, does not count)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    with contextlib.suppress(OSError, IndexError):
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    return True


def _signal_all(proc: subprocess.Popen, pids: set[int], sig: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, sig)  # the session's group: standalone and what it started
    for pid in pids:  # and whatever left the group (a component that started its own session)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, sig)


def stop_all(proc: subprocess.Popen, *, grace_s: float = GRACE_S) -> None:
    """SIGTERM ``proc``'s process group and every descendant; SIGKILL what is left after ``grace_s``."""
    pids = descendants(proc.pid)
    _signal_all(proc, pids, signal.SIGTERM)
    deadline = time.monotonic() + grace_s
    while time.monotonic() < deadline:
        pids |= descendants(proc.pid)
        if proc.poll() is not None and not any(alive(pid) for pid in pids):
            return
        time.sleep(0.2)
    _signal_all(proc, pids | descendants(proc.pid), signal.SIGKILL)
    proc.wait()


class _Stop(Exception):
    """SIGTERM (or SIGHUP) arrived: stop everything, like Ctrl-C."""


def _raise_stop(signum: int, frame: object) -> None:
    raise _Stop(signal.Signals(signum).name)


def run_standalone(airflow: str, env: dict[str, str]) -> int:
    """Run ``airflow standalone`` in its own session until it ends or we are told to stop.

    ``standalone`` does not stop its components when it gets SIGTERM, so this script stays the
    parent and stops the whole group itself on Ctrl-C, SIGTERM or SIGHUP.

    Returns:
        ``standalone``'s exit code, or 0 after a requested stop.
    """
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, _raise_stop)
    proc = subprocess.Popen([airflow, "standalone"], env=env, start_new_session=True)
    try:
        return proc.wait()
    except (KeyboardInterrupt, _Stop) as stop:
        print(f"\nstopping Airflow ({stop or 'Ctrl-C'}) ...", file=sys.stderr, flush=True)
        return 0
    finally:
        for sig in (
            signal.SIGINT,
            signal.SIGTERM,
            signal.SIGHUP,
        ):  # a second one must not cut the cleanup short
            signal.signal(sig, signal.SIG_IGN)
        stop_all(proc)


def main(argv: list[str] | None = None) -> int:
    """Set up, migrate, create the pool, print where to log in, then run ``airflow standalone``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8080, help="API server / UI port (default 8080)")
    parser.add_argument("--home", type=Path, default=ROOT / "data" / "airflow", help="AIRFLOW_HOME")
    args = parser.parse_args(argv)

    venv = find_venv()
    args.home.mkdir(parents=True, exist_ok=True)
    env = build_env(port=args.port, home=args.home.resolve(), venv=venv)
    airflow = str(venv / "bin" / "airflow")
    for step in (["db", "migrate"], ["pools", "set", *POOL]):
        subprocess.run([airflow, *step], env=env, check=True, stdout=subprocess.DEVNULL)
    passwords = args.home.resolve() / "simple_auth_manager_passwords.json.generated"
    print(
        f"\nAirflow UI and REST API: http://127.0.0.1:{args.port}  (user: admin)\n"
        f"admin password: in {passwords} (written when the API server starts)\n"
        f"DAGs: {ROOT / 'dags'}   warehouse: {env['FINES_WAREHOUSE']}\n"
        "New DAGs start paused: unpause them in the UI. Ctrl-C (or SIGTERM) stops everything.\n",
        flush=True,
    )
    return run_standalone(airflow, env)


if __name__ == "__main__":
    try:
        sys.exit(main())
    except subprocess.CalledProcessError as error:
        print(
            f"airflow_local.py: {' '.join(error.cmd)} failed with exit code {error.returncode}",
            file=sys.stderr,
        )
        sys.exit(error.returncode or 1)
