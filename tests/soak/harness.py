"""The soak's moving parts: a worker process it can kill, a reader process, and its checks."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import queue
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import duckdb

ROOT = Path(__file__).parents[2]
RUN_TIMEOUT_S = 180


class Worker:
    """``python -m tests.soak.worker``: one DAG run per request, killed with SIGKILL when asked."""

    def __init__(self, env: dict[str, str]) -> None:
        self.log = tempfile.NamedTemporaryFile(prefix="soak-worker-", suffix=".log", delete=False)  # noqa: SIM115
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.soak.worker"], cwd=ROOT, env=env, text=True,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.log,
        )  # fmt: skip
        self.answers: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.proc.stdout:  # type: ignore[union-attr]
            if line.startswith("SOAK "):
                self.answers.put(line[5:])

    def _send(self, request: dict) -> None:
        self.proc.stdin.write(json.dumps(request) + "\n")  # type: ignore[union-attr]
        self.proc.stdin.flush()  # type: ignore[union-attr]

    def _tail(self) -> str:
        return Path(self.log.name).read_text(errors="replace")[-3000:]

    def run(self, request: dict) -> dict:
        """Run one DAG run to its end; its answer."""
        self._send(request)
        try:
            return json.loads(self.answers.get(timeout=RUN_TIMEOUT_S))
        except queue.Empty:
            raise AssertionError(f"run {request} did not end in {RUN_TIMEOUT_S} s: {self._tail()}") from None

    def run_until(self, request: dict, *, pause_at: str, marker: Path) -> bool:
        """Start a run that stops at ``pause_at``; SIGKILL the worker there. False if the run ended first."""
        self._send({**request, "pause_at": pause_at, "marker": str(marker)})
        deadline = time.monotonic() + RUN_TIMEOUT_S
        while time.monotonic() < deadline:
            if marker.exists():
                self.proc.kill()
                self.proc.wait(timeout=30)
                return True
            with contextlib.suppress(queue.Empty):
                answer = json.loads(self.answers.get(timeout=0.05))
                assert "crash" not in answer, answer
                return False
        raise AssertionError(f"run {request} never reached {pause_at}: {self._tail()}")

    def close(self) -> None:
        """End the worker (stdin closed), or kill it."""
        if self.proc.poll() is None:
            with contextlib.suppress(OSError):
                self.proc.stdin.close()  # type: ignore[union-attr]
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=30)
        os.unlink(self.log.name)


class Reader:
    """The reader process (tests/soak/reader.py) and its status file."""

    def __init__(self, warehouse: Path, status: Path) -> None:
        self.status = status
        self.proc = subprocess.Popen(
            [sys.executable, str(ROOT / "tests" / "soak" / "reader.py"), str(warehouse), str(status)],
            cwd=ROOT,
        )

    def stop(self) -> dict:
        """SIGTERM, wait, and return the final counts and errors."""
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=30)
        return json.loads(self.status.read_text())


def start_reader(warehouse: Path, status: Path) -> Reader:
    """Start querying ``warehouse`` continuously in another process."""
    return Reader(warehouse, status)


STRAY = (".partial-", ".tmp-", ".build-")  # temporary names of work files, landed payloads, builds


def stray_files(data: Path) -> list[str]:
    """Temporary files or folders left under ``data`` (none may outlive a run that ended)."""
    return sorted(
        str(path.relative_to(data))
        for path in data.rglob("*")
        if any(mark in path.name for mark in STRAY) or path.name.endswith((".part", ".tmp"))
    )


def _digest(path: Path, tables: list[tuple[str, str]]) -> str:
    digest = hashlib.sha256()
    with duckdb.connect(str(path), read_only=True) as con:
        for schema, table in tables:
            digest.update(f"{schema}.{table}".encode())
            for row in con.execute(f'select * from "{schema}"."{table}" order by all').fetchall():
                digest.update(repr(row).encode())
    return digest.hexdigest()


def content_checksum(path: Path) -> str | None:
    """SHA-256 over every row of every table (None while there is no warehouse)."""
    if not path.exists():
        return None
    with duckdb.connect(str(path), read_only=True) as con:
        tables = con.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_type = 'BASE TABLE' order by all"
        ).fetchall()
    return _digest(path, tables)


def facts_and_marts_checksum(path: Path, models: Path) -> str:
    """SHA-256 over the core facts and every mart that does not report on runs (ops.run_log)."""
    run_marts = {f.stem for f in (models / "marts").glob("*.sql") if "run_log" in f.read_text()}
    with duckdb.connect(str(path), read_only=True) as con:
        tables = con.execute(
            "select table_schema, table_name from information_schema.tables where table_type = 'BASE TABLE' "
            "and (table_schema = 'marts' or table_name in ('enforcement_actions', 'action_sources', "
            "'action_status_history')) order by all"
        ).fetchall()
    return _digest(path, [(s, t) for s, t in tables if not (s == "marts" and t in run_marts)])
