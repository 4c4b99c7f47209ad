"""The DAGs' failure callback and the steps behind it, without an Airflow database."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from datetime import date

import duckdb
import pendulum
import pytest

from etl.config import Settings
from etl.loading import publish
from etl.running import steps
from tests.conftest import write_registry


@dataclass
class FakeTI:
    dag_id: str = "ingest_demo"
    task_id: str = "extract"
    try_number: int = 3
    map_index: int = -1


@dataclass
class FakeRun:
    run_after: pendulum.DateTime = pendulum.datetime(2026, 3, 4, 5, 6, tz="UTC")


def _context(error: BaseException | None = None, as_of: str | None = None) -> dict:
    return {
        "ti": FakeTI(),
        "run_id": "manual__2026-03-04T05:06:00+00:00",
        "params": {"as_of": as_of},
        "dag_run": FakeRun(),
        "exception": error,
    }


def _run_log(settings: Settings) -> list[tuple]:
    with duckdb.connect(str(settings.warehouse), read_only=True) as con:
        return con.execute("select run_id, feed, status, error, batch_date from ops.run_log").fetchall()


@pytest.fixture
def defaults(dagbag):
    """The module every DAG file imports (importable once the DagBag put dags/ on sys.path)."""
    import fines_defaults

    return fines_defaults


def test_failure_callback_records_the_feed_and_reason_in_the_run_log(defaults, settings: Settings, caplog):
    """A final task failure becomes a `failed` run-log row: task, tries, exception, run date."""
    caplog.set_level(logging.ERROR)
    defaults.record_failure(_context(RuntimeError("upstream said 500")), feeds_of=lambda context: ["demo"])
    assert _run_log(settings) == [
        (
            steps.run_key("manual__2026-03-04T05:06:00+00:00", dag_id="ingest_demo"),
            "demo",
            "failed",
            "task extract failed after 3 tries: RuntimeError: upstream said 500",
            date(2026, 3, 4),
        )
    ]
    assert "recorded the failure of demo in ops.run_log" in caplog.text


def test_failure_callback_uses_the_as_of_param_for_the_batch_date(defaults, settings: Settings):
    """The run log row carries the run's date: the `as_of` param when the run had one."""
    defaults.record_failure(_context(ValueError("x"), as_of="2025-12-31"), feeds_of=lambda context: ["demo"])
    assert _run_log(settings)[0][4] == date(2025, 12, 31)


def test_failure_callback_never_raises(defaults, settings: Settings, caplog, monkeypatch: pytest.MonkeyPatch):
    """A callback that raises would hide the task's own error: it logs its own failure instead."""

    def broken(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(steps, "record_task_failure", broken)
    defaults.record_failure(_context(RuntimeError("boom")), feeds_of=lambda context: ["demo"])
    defaults.record_failure(_context(RuntimeError("boom")), feeds_of=lambda context: 1 / 0)
    assert caplog.text.count("could not record the failure in ops.run_log") == 2


def test_ingest_dag_callback_leaves_the_run_log_of_a_checked_batch_alone(dagbag, settings: Settings):
    """ingest_<feed>'s callback records its feed for a lost batch, but not when `check` fails.

    `check` fails for a batch `load` recorded as held back or not reconciled: that row keeps its reason.
    """
    callback = dagbag.dags["ingest_reference_sample"].default_args["on_failure_callback"]
    check_failed = {**_context(RuntimeError("1 feed(s) not applied")), "ti": FakeTI(task_id="check")}
    callback(check_failed)
    assert not settings.warehouse.exists()
    callback(_context(RuntimeError("HTTP 500")))
    assert [row[1:3] for row in _run_log(settings)] == [("reference_sample", "failed")]


def test_failure_callback_without_feeds_only_logs(defaults, settings: Settings, caplog):
    """A task that loses no feed's batch (fx_rates, build_marts) is logged, not written to the run log."""
    caplog.set_level(logging.ERROR)
    defaults.record_failure(_context(RuntimeError("marts contract")), feeds_of=lambda context: [])
    assert not settings.warehouse.exists()
    assert "ingest_demo.extract failed in run manual__2026-03-04T05:06:00+00:00" in caplog.text


def test_record_task_failure_waits_for_a_busy_warehouse(settings: Settings):
    """The callback runs outside the duckdb pool: it waits for the writer that holds the lock."""
    holding = threading.Event()

    def writer() -> None:
        with publish.exclusive_lock(settings.warehouse):
            holding.set()
            time.sleep(1.5)

    thread = threading.Thread(target=writer)
    thread.start()
    holding.wait(5)
    started = time.monotonic()
    steps.record_task_failure(["demo"], run_id="r1", as_of=date(2026, 1, 2), error="e", wait_s=30)
    thread.join()
    assert time.monotonic() - started >= 1.0
    assert [row[1:3] for row in _run_log(settings)] == [("demo", "failed")]


def test_record_task_failure_gives_up_after_its_wait(settings: Settings):
    """A lock held for longer than the wait raises WarehouseBusy (the callback then logs it)."""
    with publish.exclusive_lock(settings.warehouse), pytest.raises(publish.WarehouseBusy):
        steps.record_task_failure(["demo"], run_id="r1", as_of=date(2026, 1, 2), error="e", wait_s=0.5)


def test_feed_names_selects_a_subset_and_rejects_unknown_feeds(settings: Settings, tmp_path, monkeypatch):
    """The `feeds` param of fines_pipeline: a subset in registry order; an unknown name fails clearly."""
    registry = write_registry(
        tmp_path / "feeds.toml", {name: {"format": "csv", "location": "a.csv"} for name in ("b", "a", "c")}
    )
    monkeypatch.setenv("FINES_FEEDS", str(registry))
    assert steps.feed_names() == ["b", "a", "c"]
    assert steps.feed_names(only=["c", "b"]) == ["b", "c"]
    with pytest.raises(KeyError, match=r"\['x'\] are not enabled feeds"):
        steps.feed_names(only=["a", "x"])


def test_check_feeds_fails_when_a_feed_was_not_applied():
    """fines_pipeline's `check`: every feed of the run must be loaded with status ok."""
    result = {"feeds": [{"feed": "a", "status": "ok"}, {"feed": "b", "status": "held_back"}]}
    steps.check_feeds(["a"], result)
    with pytest.raises(steps.FeedsNotApplied, match=r"2 feed\(s\) not applied: b, c"):
        steps.check_feeds(["a", "b", "c"], result)


def test_check_rate_sources_fails_naming_the_sources_that_failed():
    """fx_rates' `check`: the sources that were fetched are applied, the run still fails for the others."""
    steps.check_rate_sources({"sources": {"ecb": 30}, "errors": {}})
    with pytest.raises(steps.RatesNotRefreshed, match=r"1 rate source\(s\) not refreshed: cbr: HTTP 500"):
        steps.check_rate_sources({"sources": {"ecb": 30}, "errors": {"cbr": "HTTP 500"}})
