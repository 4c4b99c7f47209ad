"""Soak: hundreds of scheduled-style runs against a hostile source, with kills and readers.

Three "DAGs" take turns on the same schedule (so they share Airflow run ids): two ingest DAGs
and a pipeline over both feeds. A worker process runs each DAG run through the functions the
Airflow tasks call (tests/soak/worker.py) against a server on 127.0.0.1 that injects faults per
feed and run (5xx, transient 5xx, connection resets, truncated and slow payloads, a gzip bomb,
malformed rows); some runs are killed (SIGKILL) at a fault point of etl/running/faults.py and retried,
as Airflow retries a task; a reader process queries the published warehouse the whole time
(raw DuckDB and SQLAlchemy, read-only). After every run: its run-log rows are there and
reconcile, each feed ended as its fault says it must, no reader saw an error, no stray file is
left, peak memory stayed under a bound. At the end the facts and marts equal (checksum) a clean
re-run of the accepted payloads in a fresh warehouse.

``FINES_SOAK_RUNS`` (default 120) sets the number of runs, ``FINES_SOAK_SEED`` the faults, and
``FINES_SOAK_REPORT`` a file for the figures (docs/reliability.md reports the last ones).
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import random
import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest

import warehouse as warehouse_sql
from tests.soak.fault_server import FaultServer
from tests.soak.harness import Worker, content_checksum, facts_and_marts_checksum, start_reader, stray_files

pytestmark = pytest.mark.soak

DATA = Path(__file__).parents[2] / "etl" / "data"
RUNS = int(os.environ.get("FINES_SOAK_RUNS", "120"))
SEED = int(os.environ.get("FINES_SOAK_SEED", "13"))
# A worker's peak over the whole soak. Session 3 measured 667 MiB; with slices, the DuckDB bound and
# incremental marts (session 4) one CI run reached about 1.07 GiB, cause not yet found (a plain
# 21-row run peaks at 707 MiB against 679 before, and does not grow over 14 runs). The bound still
# catches a payload read or inflated whole (the bomb alone is 64 MiB of CSV, far more once parsed).
MEMORY_BOUND_MIB = 1536
MAX_BYTES = 1 << 20  # the soak feeds' payload limit; the bomb inflates to 64 times that
FETCH_DEADLINE_S = 2  # a slow payload (one byte every 0.3 s) must end here
FIRST_DAY = date(2026, 1, 1)
DAGS = (
    ("ingest_soak_csv", ("soak_csv",)),
    ("ingest_soak_jsonl", ("soak_jsonl",)),
    ("fines_pipeline", ("soak_csv", "soak_jsonl")),
)
# Fault kind per feed and run, with its weight, and how the feed must end.
KINDS = {
    "ok": (40, "ok"),
    "malformed": (14, "ok"),
    "transient_503": (10, "ok"),
    "500": (8, "failed"),
    "reset": (7, "failed"),
    "truncated": (7, "failed"),
    "slow": (4, "failed"),
    "bomb": (10, "failed"),
}
# What the one-line error of a failed feed must say, per fault.
ERROR_SAYS = {
    "500": "500",
    "reset": "task extract failed",
    "truncated": "task extract failed",
    "slow": "fetch deadline",
    "bomb": "size limit",
}
KILL_SHARE = 0.08
KILL_POINTS = ("load", "marts", "publish")
BAD_ROWS = 3


def _malformed_csv(payload: bytes) -> bytes:
    """The real sample plus plainly synthetic rows that break one rule each."""
    rows = list(csv.DictReader(io.StringIO(payload.decode())))
    breaks = ({"amount": "-5"}, {"currency": "XYZ"}, {"decision_date": "2021-02-30"})
    extra = [{**rows[0], "source_record_id": f"soak-synthetic-bad-{i}", **b} for i, b in enumerate(breaks)]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows + extra)
    return out.getvalue().encode()


def _malformed_jsonl(payload: bytes) -> bytes:
    first = json.loads(payload.splitlines()[0])
    breaks = ({"amount": -5}, {"currency": "XYZ"}, {"decision_date": "2021-02-30"})
    extra = [{**first, "source_record_id": f"soak-synthetic-bad-{i}", **b} for i, b in enumerate(breaks)]
    return payload.rstrip(b"\n") + b"\n" + b"\n".join(json.dumps(row).encode() for row in extra) + b"\n"


def _bomb(payload: bytes) -> bytes:
    """A gzip of the sample's header and first row repeated to 64 MiB, served as a plain payload."""
    header, row = payload.splitlines()[:2]
    body = header + b"\n" + (row + b"\n") * (64 * MAX_BYTES // (len(row) + 1))
    return gzip.compress(body, compresslevel=9)


def _plan(kind: str, payload: bytes, feed: str) -> tuple[list[str], bytes | None]:
    """Server behaviours (one per request) and the body for one feed's fault kind."""
    if kind == "malformed":
        return ["ok"], (_malformed_csv if feed == "soak_csv" else _malformed_jsonl)(payload)
    if kind == "bomb":
        return ["ok"], _bomb(payload)
    return {"transient_503": ["503", "ok"]}.get(kind, [kind]), None


def _check_run(con: duckdb.DuckDBPyConnection, dag_id: str, run_id: str, kinds: dict[str, str]) -> None:
    """The run's run-log rows: one per feed, each reconciled and ended as its fault says."""
    rows = con.execute(
        "select feed, status, error, rows_in, loaded, duplicates, quarantined, held_back from ops.run_log "
        "where dag_id = ? and dag_run_id = ? order by feed",
        [dag_id, run_id],
    ).fetchall()
    where = f"{dag_id} {run_id} {kinds}: {rows}"
    assert [row[0] for row in rows] == sorted(kinds), where
    for feed, status, error, rows_in, loaded, duplicates, quarantined, held_back in rows:
        assert rows_in == loaded + duplicates + quarantined + held_back, where
        kind = kinds[feed]
        assert status == KINDS[kind][1], where
        if status == "failed":
            assert error and "\n" not in error and ERROR_SAYS[kind] in error, where
        else:
            assert quarantined == (BAD_ROWS if kind == "malformed" else 0), where


def test_soak_runs_survive_faults_kills_and_readers(tmp_path: Path):  # noqa: PLR0915 - one long scenario
    """Hundreds of runs: every run reconciles, readers never fail, nothing stray, same facts as a clean run."""
    rng = random.Random(SEED)
    payloads = {
        "/csv": (DATA / "sample_actions.csv").read_bytes(),
        "/jsonl": (DATA / "sample_actions.jsonl").read_bytes(),
    }
    server = FaultServer(payloads)
    registry = tmp_path / "feeds.toml"
    registry.write_text("".join(
        f'[feeds.{name}]\nformat = "{fmt}"\nlocation = "{server.url(path)}"\nschedule = "@daily"\n'
        f"max_bytes = {MAX_BYTES}\nfetch_deadline = {FETCH_DEADLINE_S}\n\n"
        for name, fmt, path in (("soak_csv", "csv", "/csv"), ("soak_jsonl", "jsonl", "/jsonl"))
    ))  # fmt: skip
    data = tmp_path / "data"
    env = {**os.environ, "FINES_DATA_DIR": str(data), "FINES_WAREHOUSE": str(data / "warehouse.duckdb"),
           "FINES_FEEDS": str(registry), "FINES_PAUSE_SECONDS": "60"}  # fmt: skip
    worker, reader = Worker(env), start_reader(data / "warehouse.duckdb", tmp_path / "reader.json")
    figures: dict = {"runs": 0, "dag_runs": Counter(), "feed_faults": Counter(), "kills": Counter(),
                     "kill_points_not_reached": 0, "accepted_payloads": 0, "peak_rss_mib": 0.0}  # fmt: skip
    accepted: list[dict] = []
    started = time.monotonic()
    try:
        for index in range(RUNS):
            dag_id, feeds = DAGS[index % len(DAGS)]
            as_of = FIRST_DAY + timedelta(days=index // len(DAGS))
            run_id = f"scheduled__{as_of.isoformat()}T00:00:00+00:00"  # shared by the three DAGs
            kinds = {
                feed: rng.choices(list(KINDS), weights=[w for w, _ in KINDS.values()])[0] for feed in feeds
            }
            request = {"dag_id": dag_id, "run_id": run_id, "as_of": as_of.isoformat(), "feeds": list(feeds)}

            def plan(kinds: dict[str, str] = kinds) -> None:
                for feed, kind in kinds.items():
                    path = "/csv" if feed == "soak_csv" else "/jsonl"
                    server.set_plan(path, *_plan(kind, payloads[path], feed))

            plan()
            if rng.random() < KILL_SHARE:
                point = rng.choice(KILL_POINTS)
                before = content_checksum(data / "warehouse.duckdb")
                killed = worker.run_until(request, pause_at=point, marker=tmp_path / f"paused-{index}")
                if killed:
                    figures["kills"][point] += 1
                    assert content_checksum(data / "warehouse.duckdb") == before, (
                        f"kill at {point} changed it"
                    )
                    worker = Worker(env)
                else:  # the run ended before the point (no feed got to a load): it runs again below
                    figures["kill_points_not_reached"] += 1
                plan()  # Airflow's retry of the run's tasks meets the same source
            answer = worker.run(request)
            assert "crash" not in answer, answer
            with duckdb.connect(str(data / "warehouse.duckdb"), read_only=True) as con:
                _check_run(con, dag_id, run_id, kinds)
                ok = {row[0]: row[1] for row in con.execute(
                    "select feed, source_file from ops.run_log where dag_id = ? and dag_run_id = ? "
                    "and status = 'ok'", [dag_id, run_id]).fetchall()}  # fmt: skip
            if ok:
                accepted.append({**request, "feeds": sorted(ok), "landed": {
                    feed: {"feed": feed, "path": path} for feed, path in ok.items()}})  # fmt: skip
            status = (
                json.loads((tmp_path / "reader.json").read_text())
                if (tmp_path / "reader.json").exists()
                else {}
            )
            assert not status.get("error_count"), status
            assert not stray_files(data), stray_files(data)
            assert answer["peak_rss_mib"] < MEMORY_BOUND_MIB, answer
            figures["runs"] += 1
            figures["dag_runs"][dag_id] += 1
            figures["feed_faults"].update(kinds.values())
            figures["accepted_payloads"] += len(ok)
            figures["peak_rss_mib"] = max(figures["peak_rss_mib"], answer["peak_rss_mib"])
    finally:
        worker.close()
        reader_status = reader.stop()
        server.close()
    figures["soak_s"] = round(time.monotonic() - started, 1)
    figures["http_faults_injected"] = dict(server.injected)
    figures["http_requests"] = server.requests
    figures["reader"] = reader_status
    assert reader_status["error_count"] == 0, reader_status
    assert min(reader_status["queries"].values()) > 0, reader_status

    clean = tmp_path / "clean"
    clean_env = {**env, "FINES_DATA_DIR": str(clean), "FINES_WAREHOUSE": str(clean / "warehouse.duckdb")}
    replay = Worker(clean_env)
    try:
        for request in accepted:
            answer = replay.run(request)
            assert not answer.get("failed") and "crash" not in answer, answer
    finally:
        replay.close()
    soaked = facts_and_marts_checksum(data / "warehouse.duckdb", warehouse_sql.ROOT)
    figures["facts_and_marts_equal_clean_run"] = soaked == facts_and_marts_checksum(
        clean / "warehouse.duckdb", warehouse_sql.ROOT
    )
    figures["seed"] = SEED
    report = json.dumps(figures, indent=2, sort_keys=True, default=dict)
    print(report)
    if os.environ.get("FINES_SOAK_REPORT"):
        Path(os.environ["FINES_SOAK_REPORT"]).write_text(report + "\n")
    assert figures["facts_and_marts_equal_clean_run"], report
