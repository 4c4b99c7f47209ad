"""One function per Airflow task: plain arguments in, file paths and small counts out.

Each step reads settings at run time and calls the same code as ``fines run``; none of
them imports Airflow, so they can be tested and run without a scheduler. Only
:func:`load_and_publish`, :func:`build`, :func:`refresh_rates` and :func:`record_task_failure`
write the warehouse, each in one writer session.
"""

from __future__ import annotations

import hashlib
import logging
import re
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from etl import catalog
from etl.config import load_settings
from etl.loading import load, models, publish
from etl.loading.decisions import decisions_for_run
from etl.money.rates import rates_for_run
from etl.running import memory, pipeline, preparation, rates_refresh
from etl.sources.extract import extract_feed
from etl.sources.feeds import Feed, enabled_feeds

log = logging.getLogger(__name__)


def safe_run_id(run_id: str) -> str:
    """A scheduler's run id (``manual__2026-01-01T00:00:00+00:00``) as a folder name."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", run_id).strip("._") or "run"


def run_key(run_id: str, *, dag_id: str | None = None) -> str:
    """The key of one DAG run's work folder and run-log rows, unique across DAGs and runs.

    Airflow's run id is unique only within a DAG: scheduled runs of different DAGs share
    ``scheduled__2026-12-01T00:00:00+00:00``. The key is the DAG id and the run id made
    folder-safe, plus a hash of the exact pair, so that run ids differing only in replaced
    characters (``a:b``, ``a_b``) stay apart. Every try of every task of a run gets the same key,
    so a retry replaces its own records. Without ``dag_id`` (a run outside Airflow) it is
    :func:`safe_run_id`.
    """
    if dag_id is None:
        return safe_run_id(run_id)
    digest = hashlib.sha256(f"{dag_id}\x1f{run_id}".encode()).hexdigest()[:8]
    return f"{safe_run_id(dag_id)}__{safe_run_id(run_id)}__{digest}"


def _tag_run_log(con: object, key: str, *, dag_id: str | None, run_id: str) -> None:
    """Record the DAG and Airflow's own run id on the run-log rows of ``key`` (migration 011)."""
    if dag_id is not None:
        con.execute(  # type: ignore[attr-defined]
            f"update {catalog.RUN_LOG} set dag_id = ?, dag_run_id = ? where run_id = ?", [dag_id, run_id, key]
        )


def _feed(name: str) -> Feed:
    by_name = {feed.name: feed for feed in enabled_feeds(load_settings().feeds_file)}
    if name not in by_name:
        raise KeyError(f"feed {name!r} is not an enabled feed of the registry")
    return by_name[name]


def feed_names(only: Sequence[str] = ()) -> list[str]:
    """Names of the enabled feeds in the registry, or of the subset ``only`` (registry order).

    Raises:
        KeyError: ``only`` names a feed that is not an enabled feed of the registry.
    """
    registry = load_settings().feeds_file
    names = [feed.name for feed in enabled_feeds(registry)]
    unknown = sorted(set(only) - set(names))
    if unknown:
        raise KeyError(f"{unknown} are not enabled feeds of the registry {registry}; enabled: {names}")
    return [name for name in names if not only or name in only]


def prepare(*, run_id: str) -> str:
    """Write the rates this run may use (embedded, refreshed, overrides); returns the Parquet path."""
    settings = load_settings()
    return str(rates_for_run(settings))


def extract(feed: str, *, as_of: date) -> dict[str, object]:
    """Land one feed; returns ``{"feed", "path"}``."""
    landed = extract_feed(_feed(feed), landing=load_settings().landing_dir, as_of=as_of)
    return {"feed": feed, "path": str(landed.path)}


def transform_batch(
    landed: dict, *, as_of: date, run_id: str, dag_id: str | None = None
) -> dict[str, object]:
    """Parse and validate a landed file: :func:`etl.running.preparation.parse_batch`, as a dict for XCom.

    Work files go under ``<work>/<run key>/<feed>/`` (:func:`run_key`). Stored review
    decisions are re-applied to the feed's news items held for review.
    """
    settings = load_settings()
    # Review decisions come from the published warehouse (read-only), as in `fines run`.
    batch = preparation.parse_batch(
        _feed(landed["feed"]), Path(landed["path"]), settings=settings, as_of=as_of,
        run_id=run_key(run_id, dag_id=dag_id), decisions=decisions_for_run(settings),
    )  # fmt: skip
    return batch.to_dict()


def convert_batch(batch: dict, *, rates_path: str, run_id: str) -> dict[str, object]:
    """Convert a validated batch to USD and EUR: :func:`etl.running.preparation.convert_batch`."""
    return preparation.convert_batch(pipeline.Batch.from_dict(batch), Path(rates_path)).to_dict()


def convert_feed_batch(batch: dict, *, run_id: str) -> dict[str, object]:
    """Take the run's rates (as :func:`prepare`), then convert one batch, which records them."""
    return convert_batch(batch, rates_path=prepare(run_id=run_id), run_id=run_id)


def load_and_publish(
    batches: list[dict], *, as_of: date, run_id: str, dag_id: str | None = None,
    rates_path: str | None = None, failed: dict[str, str] | None = None,
) -> dict[str, object]:  # fmt: skip
    """Load converted batches, rebuild the marts and publish, as one transaction.

    Args:
        batches: outputs of :func:`convert_batch`, one per feed that got this far.
        as_of: the run's date.
        run_id: the scheduler's run id.
        dag_id: the DAG's id: with ``run_id``, the run's key in ``ops.run_log`` (:func:`run_key`).
        rates_path: the run's rates (from :func:`prepare`); by default the ones the batches
            were converted with.
        failed: feeds that failed before loading, with the reason, for the run log.

    Returns:
        Per-feed counts and mart row counts.
    """
    settings = load_settings()
    ready = [pipeline.Batch.from_dict(b) for b in batches]
    rates = (
        rates_path
        or next((b.rates_path for b in ready if b.rates_path), None)
        or str(rates_for_run(settings))
    )
    key = run_key(run_id, dag_id=dag_id)
    with publish.writer(settings.warehouse) as con:
        report = pipeline.load_batches(
            con, ready, dict(failed or {}), settings=settings, as_of=as_of, run_id=key,
            rates_path=Path(rates),
        )  # fmt: skip
        _tag_run_log(con, key, dag_id=dag_id, run_id=run_id)
    return {"feeds": [r.as_dict() for r in report.feeds], "marts": report.marts}


def build() -> dict[str, int]:
    """Rebuild the marts and publish; returns their row counts."""
    settings = load_settings()
    with publish.writer(settings.warehouse) as con:
        memory.limit_memory(con, settings)
        load.migrate(con)
        return models.build_marts(con, full=True)  # the manual DAG repairs: every model from scratch


class FeedsNotApplied(RuntimeError):
    """Some feeds of a run were not applied; ``ops.run_log`` says why."""


def check_feeds(names: Sequence[str], result: dict) -> None:
    """Fail when a feed of the run is not applied (failed earlier, held back, not reconciled).

    Args:
        names: the feeds the run was meant to apply.
        result: the :func:`load_and_publish` result.

    Raises:
        FeedsNotApplied: naming the feeds; their reasons are in ``ops.run_log``.
    """
    applied = {row["feed"] for row in result["feeds"] if row["status"] == "ok"}
    missing = [name for name in names if name not in applied]
    if missing:
        raise FeedsNotApplied(
            f"{len(missing)} feed(s) not applied: {', '.join(missing)} (see {catalog.RUN_LOG})"
        )


def feed_counts(result: dict, feed: str) -> dict[str, object]:
    """One feed's run-log counts out of a :func:`load_and_publish` result (for an asset event)."""
    return next((row for row in result["feeds"] if row["feed"] == feed), {"feed": feed, "status": "missing"})


def fetch_rates(*, as_of: date) -> dict[str, object]:
    """Fetch, land and parse every live rate source (``etl.money.fx_refresh``; addresses from ``FINES_FX_*_URL``).

    One source failing does not stop the others; the parsed rates are kept under
    ``<data>/fx/live`` for every later run.

    Returns:
        ``{"rates": rows, "sources": {source: rows}, "errors": {source: reason}}``.
    """
    from etl.money.fx_refresh import refresh

    settings = load_settings()
    return refresh(landing=settings.landing_dir, data_dir=settings.data_dir, as_of=as_of)


def refresh_rates(*, run_id: str, dag_id: str | None = None) -> dict[str, object]:
    """Publish the warehouse with the current rates: stored actions re-converted, marts rebuilt.

    Returns:
        Whether the rates changed, how many actions were re-converted, and the mart row counts.
    """
    return rates_refresh.refresh_rates(load_settings(), run_id=run_key(run_id, dag_id=dag_id))


class RatesNotRefreshed(RuntimeError):
    """Some live rate sources could not be fetched or parsed."""


def check_rate_sources(fetched: dict) -> None:
    """Fail when a live rate source failed (the others were still applied).

    Raises:
        RatesNotRefreshed: naming each failed source and why.
    """
    if fetched["errors"]:
        reasons = "; ".join(f"{source}: {error}" for source, error in sorted(fetched["errors"].items()))
        raise RatesNotRefreshed(f"{len(fetched['errors'])} rate source(s) not refreshed: {reasons}")


def record_task_failure(
    feeds: Sequence[str], *, run_id: str, as_of: date, error: str, dag_id: str | None = None,
    wait_s: float = 300.0,
) -> None:  # fmt: skip
    """Record feeds whose task failed for good in ``ops.run_log`` (status ``failed``, the reason).

    Called from the DAGs' failure callback, outside the ``duckdb`` pool: when another run holds
    the write lock it waits for it, up to ``wait_s`` seconds.

    Raises:
        etl.loading.publish.WarehouseBusy: the warehouse stayed locked for ``wait_s`` seconds.
    """
    warehouse, deadline = load_settings().warehouse, time.monotonic() + wait_s
    while True:
        try:
            with publish.writer(warehouse) as con:
                load.migrate(con)
                key = run_key(run_id, dag_id=dag_id)
                for feed in feeds:
                    pipeline.record_failure(con, feed=feed, run_id=key, as_of=as_of, error=error)
                _tag_run_log(con, key, dag_id=dag_id, run_id=run_id)
            return
        except publish.WarehouseBusy:
            if time.monotonic() > deadline:
                raise
            log.info("warehouse busy; waiting to record the failure of %s", ", ".join(feeds))
            time.sleep(1.0)
