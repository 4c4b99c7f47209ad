"""What every platform-fines DAG shares: defaults, params, assets, the run date, the failure callback.

Not a DAG file (``.airflowignore`` keeps the DAG processor from parsing it on its own); the DAG
files import it from the bundle folder, which Airflow puts on ``sys.path``. It follows the DAG
files' import rule: the standard library, pendulum, ``airflow.sdk`` and ``etl.catalog`` at the
top; ``etl.running.steps`` only inside the callback. The one exception, :func:`registry_feeds`, is
explained there.
"""

from __future__ import annotations

import functools
import logging
import os
from collections.abc import Callable
from datetime import date
from typing import Any

import pendulum
from airflow.sdk import Asset, Param
from airflow.sdk.exceptions import AirflowFailException

from etl import catalog

log = logging.getLogger("platform_fines.dags")

START_DATE = pendulum.datetime(2026, 1, 1, tz="UTC")
RETRIES = 2
# Airflow 3.3 reads retry_exponential_backoff as a multiplier: True would be 1, i.e. no backoff.
BACKOFF = 2.0
MAX_RETRY_DELAY = pendulum.duration(minutes=30)
TASK_TIMEOUT = pendulum.duration(minutes=30)
RETRY_DELAY_VARIABLE = "FINES_AIRFLOW_RETRY_DELAY_S"  # first retry delay in seconds; default 120

CORE_ACTIONS = Asset(name=catalog.CORE_ACTIONS_ASSET, uri=catalog.CORE_ACTIONS_URI)
FX_RATES = Asset(name=catalog.FX_RATES_ASSET, uri=catalog.FX_RATES_URI)
MARTS = Asset(name=catalog.MARTS_ASSET, uri=catalog.MARTS_URI)

FeedsOf = Callable[[Any], list[str]]


def feed_asset(feed: str) -> Asset:
    """The asset a feed's ingest DAG updates when it has published a fresh batch."""
    return Asset(name=catalog.feed_asset_name(feed), uri=catalog.feed_uri(feed))


def registry_feeds() -> list[Any]:
    """The enabled feeds of the registry (``FINES_FEEDS``, else the bundled one), at parse time.

    This is the one deliberate exception to "no I/O when a DAG file is parsed": the registry
    *is* the shape of the DAGs (one ingest DAG per feed),
    so it has to be read when the file is parsed. It is one small local TOML file, read by
    ``etl.sources.feeds`` with the stdlib ``tomllib`` (no polars, duckdb or network); tests/dags keep
    every DAG file's parse under a second and check that no heavy module is imported.
    An invalid registry is a parse error that the Airflow UI shows with the file and entry.
    """
    from etl.config import load_settings
    from etl.sources.feeds import enabled_feeds

    return enabled_feeds(load_settings().feeds_file)


def schedule_of(feed: Any) -> str | None:
    """A feed's Airflow schedule: its registry ``schedule`` (a preset or cron), ``"none"`` for manual only."""
    return None if feed.schedule.strip().lower() in ("none", "manual") else feed.schedule


def as_of_param() -> Param:
    """The ``as_of`` param: a date that overrides the run date (re-runs, ad hoc backfills)."""
    return Param(
        None,
        type=["null", "string"],
        format="date",
        description="Batch date (YYYY-MM-DD) instead of the run's own date (dag_run.run_after).",
    )


class FutureRunDate(AirflowFailException):
    """An ``as_of`` param after the run's own date: a batch would be dated in the future.

    A fail exception: retrying cannot help, so the task fails at once.
    """


def run_date(context: Any) -> date:
    """The run's ``as_of``: the ``as_of`` param when set, else the UTC day of ``dag_run.run_after``.

    Never the wall clock: a re-run or a backfill of a date gets that date.

    Raises:
        FutureRunDate: the ``as_of`` param is after the day of ``run_after`` (the run's "today").
    """
    override, own = context["params"].get("as_of"), context["dag_run"].run_after.date()
    if not override:
        return own
    as_of = date.fromisoformat(override)
    if as_of > own:
        raise FutureRunDate(
            f"as_of {as_of} is after this run's date {own} (dag_run.run_after): "
            "a batch cannot be dated in the future"
        )
    return as_of


def run_ids(context: Any) -> dict[str, str]:
    """``run_id`` and ``dag_id`` as ``etl.running.steps`` takes them: its run key is made of both.

    Airflow's run id alone is not unique across DAGs (``scheduled__<date>`` is shared).
    """
    return {"run_id": context["run_id"], "dag_id": context["ti"].dag_id}


def default_args(*, feeds_of: FeedsOf | None = None) -> dict[str, Any]:
    """``default_args`` of every DAG: retries with exponential backoff, a timeout, the failure callback.

    Args:
        feeds_of: given a failed task's context, the feeds whose batch that failure lost; the
            callback records each of them as failed in ``ops.run_log``.
    """
    return {
        "retries": RETRIES,
        "retry_delay": pendulum.duration(seconds=float(os.environ.get(RETRY_DELAY_VARIABLE, "120"))),
        "retry_exponential_backoff": BACKOFF,
        "max_retry_delay": MAX_RETRY_DELAY,
        "execution_timeout": TASK_TIMEOUT,
        "on_failure_callback": functools.partial(record_failure, feeds_of=feeds_of or _no_feeds),
    }


def _no_feeds(context: Any) -> list[str]:
    return []


def lost_batch(context: Any, feed: str) -> list[str]:
    """``feeds_of`` of a one-feed DAG: a failed task loses the feed's batch, except ``check``.

    ``check`` only reports a batch that ``load`` already recorded (held back, not reconciled):
    recording it again as ``failed`` would overwrite the reason in the run log.
    """
    return [] if context["ti"].task_id == "check" else [feed]


def describe_failure(context: Any) -> str:
    """One line for the run log: which task failed, after how many tries, and why."""
    ti, error = context["ti"], context.get("exception")
    reason = (
        f"{type(error).__name__}: {error}" if isinstance(error, BaseException) else str(error or "no error")
    )
    return f"task {ti.task_id} failed after {ti.try_number} tries: {reason}"[:2000]


def record_failure(context: Any, *, feeds_of: FeedsOf) -> None:
    """``on_failure_callback`` (final failure, retries spent): log it, record it per feed. Never raises."""
    try:
        ti, run_id = context["ti"], context["run_id"]
        error, feeds = describe_failure(context), feeds_of(context)
        log.error(
            "platform-fines: %s.%s failed in run %s; feeds %s: %s",
            ti.dag_id,
            ti.task_id,
            run_id,
            feeds,
            error,
        )
        if feeds:
            from etl.running import steps

            steps.record_task_failure(feeds, as_of=run_date(context), error=error, **run_ids(context))
            log.error("platform-fines: recorded the failure of %s in %s", ", ".join(feeds), catalog.RUN_LOG)
    except Exception:  # a callback that raises only hides the task's own error
        log.exception("platform-fines: could not record the failure in %s", catalog.RUN_LOG)
