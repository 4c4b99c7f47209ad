"""A soak worker: runs scheduled-style DAG runs on request, through the functions the tasks call.

Like an Airflow worker it lives across runs (imports paid once) and may be killed at any time.
One JSON request per stdin line: ``{"dag_id", "run_id", "as_of", "feeds", "pause_at", "marker"}``
(``"landed": {feed: {"feed", "path"}}`` instead of fetching: the clean re-run of accepted payloads).
Per feed it calls what the task bodies call: extract (``etl.sources.extract.extract_feed``, the body of
``steps.extract``, with short HTTP backoff), ``steps.transform_batch``, ``steps.convert_feed_batch``;
then ``steps.load_and_publish`` with what got that far, and ``steps.record_task_failure`` for the
rest (the DAGs' failure callback). One JSON answer per run on stdout, prefixed ``SOAK ``:
statuses, errors and the peak resident memory so far.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from collections import Counter
from datetime import date

from etl.config import load_settings
from etl.running import steps
from etl.sources.extract import extract_feed
from etl.sources.feeds import enabled_feeds
from etl.sources.fetch import FetchPolicy

# Retries as in production, but without waiting seconds between them: hundreds of runs.
POLICY = FetchPolicy(connect_timeout_s=2.0, read_timeout_s=5.0, retries=3, backoff_s=0.02)


def _extract(feed: str, as_of: date) -> dict:
    settings = load_settings()
    entry = {f.name: f for f in enabled_feeds(settings.feeds_file)}[feed]
    landed = extract_feed(entry, landing=settings.landing_dir, as_of=as_of, policy=POLICY)
    return {"feed": feed, "path": str(landed.path)}


def run(request: dict) -> dict:
    """One DAG run: each feed through its tasks, then load (what succeeded) and record failures."""
    for name in ("FINES_PAUSE_AT", "FINES_PAUSE_MARKER"):
        os.environ.pop(name, None)
    if request.get("pause_at"):
        os.environ.update(FINES_PAUSE_AT=request["pause_at"], FINES_PAUSE_MARKER=request["marker"])
    as_of, ids = (
        date.fromisoformat(request["as_of"]),
        {"run_id": request["run_id"], "dag_id": request["dag_id"]},
    )
    batches, failed, seconds, rates = [], {}, Counter(), None
    clock = time.monotonic()

    def lap(task: str) -> None:
        nonlocal clock
        seconds[task] += time.monotonic() - clock
        clock = time.monotonic()

    for feed in request["feeds"]:
        task = "extract"
        try:
            landed = request["landed"][feed] if "landed" in request else _extract(feed, as_of)
            lap(task)
            task = "transform"
            parsed = steps.transform_batch(landed, as_of=as_of, **ids)
            lap(task)
            task = "convert"
            if request["dag_id"] == "fines_pipeline":  # its `prepare` task takes the rates once per run
                rates = rates or steps.prepare(run_id=request["run_id"])
                batches.append(steps.convert_batch(parsed, rates_path=rates, run_id=request["run_id"]))
            else:
                batches.append(steps.convert_feed_batch(parsed, run_id=request["run_id"]))
            lap(task)
        except Exception as error:  # noqa: BLE001 - a task failing is what is being measured
            lap(task)
            failed[feed] = f"task {task} failed: {type(error).__name__}: {error}"
    result: dict = {"feeds": []}
    if batches:
        result = steps.load_and_publish(batches, as_of=as_of, **ids)
        lap("load")
    for feed, error in failed.items():  # one failure callback per failed task, as in Airflow
        steps.record_task_failure([feed], as_of=as_of, error=error, **ids)
        lap("record_failure")
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"loaded": result["feeds"], "failed": failed, "peak_rss_mib": peak_kib / 1024, "seconds": seconds}


def main() -> None:
    """Serve run requests until stdin closes."""
    for line in sys.stdin:
        try:
            answer = run(json.loads(line))
        except Exception as error:  # noqa: BLE001 - reported to the soak, which fails the test
            answer = {"crash": f"{type(error).__name__}: {error}"}
        print("SOAK " + json.dumps(answer, default=str), flush=True)


if __name__ == "__main__":
    main()
