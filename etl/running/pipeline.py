"""The whole pipeline over the configured feeds, as ``fines run`` runs it without a scheduler.

Feeds are landed, parsed, validated and converted to Parquet one by one (each may fail alone);
then one writer session (:func:`etl.loading.publish.writer`) loads every batch, rebuilds the marts and
publishes the warehouse atomically. The Airflow DAGs call the same functions through etl.running.steps.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import replace
from datetime import date
from pathlib import Path

import duckdb

from etl import catalog
from etl.config import Settings
from etl.errors import out_of_memory
from etl.loading import applied, load, models, publish, stored_rates
from etl.loading.decisions import decisions_for_run
from etl.loading.snapshot_copy import copy_ahead
from etl.money import cpi
from etl.money.rates import keep_for_next_run, rates_for_run
from etl.parsing.decoding import FeedFormatError
from etl.running import unchanged
from etl.running.batch import Batch, RunReport
from etl.running.faults import pause_point
from etl.running.memory import limit_memory, load_bounded
from etl.running.preparation import prepare_batch
from etl.running.progress import SILENT, Progress
from etl.running.rates_refresh import reconvert
from etl.sources.extract import extract_feed
from etl.sources.feeds import Feed
from etl.sources.fetch import FetchError, FetchPolicy

log = logging.getLogger(__name__)
# Parsing (pandera, the news rules) is imported only when a feed is processed: a run whose feeds
# are all unchanged (etl.running.unchanged) never needs it.


def _feed_error(error: Exception) -> bool:
    """Whether ``error`` is one a feed's input or source causes (told in its own words)."""
    from etl.parsing.validate import ContractError

    return isinstance(error, (FetchError, FeedFormatError, ContractError, load.ReconciliationError, OSError))


def make_run_id(as_of: date, digests: list[str]) -> str:
    """A run id that is the same whenever the same payloads are run for the same date."""
    digest = hashlib.sha256("|".join(sorted(digests)).encode()).hexdigest()[:12]
    return f"run_{as_of.isoformat()}_{digest}"


def load_batches(
    con: duckdb.DuckDBPyConnection,
    batches: list[Batch],
    errors: dict[str, str],
    *,
    settings: Settings,
    as_of: date,
    run_id: str,
    rates_path: Path,
    progress: Progress = SILENT,
    unchanged_loads: list[applied.Applied] | tuple[applied.Applied, ...] = (),
) -> RunReport:
    """Inside one writer session: migrate, refresh rates, load every batch, record failures, build marts.

    ``unchanged_loads`` are the loads the warehouse holds of feeds this run did not process again
    (:mod:`etl.running.unchanged`): their counts are recorded as this run's.
    """
    report = RunReport(run_id=run_id, as_of=as_of)
    limit_memory(con, settings)
    load.migrate(con)
    cpi.load_cpi(con)
    if stored_rates.load_rates(con, rates_path):
        keep_for_next_run(settings, con, rates_path)
        reconvert(con, rates_path, run_id=run_id, batch_date=as_of)
    # Read again under the lock: another run may have loaded one of these feeds since they were judged.
    now = applied.applied_loads(con) if unchanged_loads else {}
    for held in unchanged_loads:
        feed = str(held.counts["feed"])
        if now.get(feed) != held:
            errors[feed] = f"feed {feed}: another run loaded it while this run prepared; run again"
            continue
        report.feeds.append(unchanged.record(con, held, run_id=run_id, batch_date=as_of))
        progress.finish(feed, f"unchanged since {held.run_id}")
    for batch in batches:
        progress.stage(batch.feed, "load")
        try:
            report.feeds.append(load_bounded(con, batch, settings=settings, as_of=as_of, run_id=run_id))
            progress.finish(batch.feed, report.feeds[-1].status)
        except load.ReconciliationError as error:
            errors[batch.feed] = str(error)
        except duckdb.Error as error:
            if not out_of_memory(error):
                raise
            errors[batch.feed] = (
                f"feed {batch.feed}: loading needs more memory than DuckDB may take on this machine "
                f"(FINES_DUCKDB_MEMORY={settings.duckdb_memory}, then DuckDB's own limit): the batch was not applied"
            )
        pause_point("load")
    for feed, error in sorted(errors.items()):
        report.feeds.append(record_failure(con, feed=feed, run_id=run_id, as_of=as_of, error=error))
        progress.finish(feed, "failed")
    progress.stage(None, "marts")
    report.marts = models.build_marts(con)
    return report


def run(
    settings: Settings, feeds: list[Feed], *, as_of: date, policy: FetchPolicy | None = None,
    progress: Progress = SILENT,
) -> RunReport:  # fmt: skip
    """Land every feed, process each one (each failing on its own), then load and publish.

    Args:
        settings: where to read and write.
        feeds: the enabled feeds to run.
        as_of: the run's date: batch date of every row, upper bound of decision dates.
        policy: fetch timeouts and retries.
        progress: where to show each feed's stage (:mod:`etl.running.progress`); nothing by default.

    Returns:
        The per-feed results and mart row counts.

    Raises:
        etl.loading.publish.WarehouseBusy: another run is writing the warehouse.
    """
    landed: dict[str, Path] = {}
    errors: dict[str, str] = {}
    progress.begin([feed.name for feed in feeds])
    for feed in feeds:
        progress.stage(feed.name, "fetch")
        try:
            landed[feed.name] = extract_feed(
                feed, landing=settings.landing_dir, as_of=as_of, policy=policy
            ).path
        except FetchError as error:
            errors[feed.name] = str(error)
    run_id = make_run_id(as_of, [f"{name}:{path.stem}" for name, path in landed.items()])
    return process(settings, feeds, landed, as_of=as_of, run_id=run_id, errors=errors, progress=progress)


def replay(settings: Settings, feeds: list[Feed], *, run_id: str, progress: Progress = SILENT) -> RunReport:
    """Re-run a recorded run from the payloads it landed, without any network.

    Raises:
        load.WarehouseError: the run is not in ``ops.run_log`` or used feeds no longer registered.
    """
    with load.connect(settings.warehouse, read_only=True) as con:
        rows = con.execute(
            f"select feed, source_file, batch_date from {catalog.RUN_LOG} where run_id = ? order by feed",
            [run_id],
        ).fetchall()
    if not rows:
        raise load.WarehouseError(f"run {run_id!r} is not in {catalog.RUN_LOG}: nothing to replay")
    by_name = {feed.name: feed for feed in feeds}
    missing = sorted(feed for feed, _, _ in rows if feed not in by_name)
    if missing:
        raise load.WarehouseError(f"run {run_id!r} used feeds that are not in the registry: {missing}")
    landed = {feed: Path(source) for feed, source, _ in rows if source}
    errors = {
        feed: "the original run landed no payload for this feed" for feed, source, _ in rows if not source
    }
    chosen = [by_name[feed] for feed, _, _ in rows]
    progress.begin([feed.name for feed in chosen])
    return process(
        settings, chosen, landed, as_of=rows[0][2], run_id=run_id, errors=errors, progress=progress,
        reuse=False,
    )  # fmt: skip


def process(
    settings: Settings,
    feeds: list[Feed],
    landed: dict[str, Path],
    *,
    as_of: date,
    run_id: str,
    errors: dict[str, str],
    progress: Progress = SILENT,
    reuse: bool = True,
) -> RunReport:
    """Prepare each landed feed, then load everything and publish in one writer session.

    A feed whose whole input is that of the load the warehouse holds is not processed again
    (:mod:`etl.running.unchanged`) unless ``reuse`` is False (a replay).
    """
    # The published snapshot is copied while the feeds are prepared (etl/loading/snapshot_copy.py).
    with copy_ahead(settings.warehouse) as ahead:
        rates_path = rates_for_run(settings)
        batches, kept = _prepare_feeds(
            settings, feeds, landed, as_of=as_of, run_id=run_id, rates_path=rates_path, errors=errors,
            progress=progress, reuse=reuse,
        )  # fmt: skip
        with publish.writer(settings.warehouse, ahead=ahead) as con:
            report = load_batches(con, batches, errors, settings=settings, as_of=as_of, run_id=run_id,
                                  rates_path=rates_path, progress=progress, unchanged_loads=kept)  # fmt: skip
    progress.finish(None, "published")
    return report


def _prepare_feeds(
    settings: Settings, feeds: list[Feed], landed: dict[str, Path], *, as_of: date, run_id: str,
    rates_path: Path, errors: dict[str, str], progress: Progress, reuse: bool,
) -> tuple[list[Batch], list[applied.Applied]]:  # fmt: skip
    """The batches of the feeds to process, and the loads of those left alone (unchanged input)."""
    held = unchanged.state(settings.warehouse)
    decisions = None  # read when a feed is processed
    batches, kept = [], []
    for feed in feeds:
        if feed.name not in landed:
            continue
        fingerprint = held.fingerprint(
            feed,
            landed[feed.name],
            as_of=as_of,
            rates_path=rates_path,
            threshold=settings.quarantine_threshold,
        )
        same = held.unchanged(feed.name, fingerprint) if reuse else None
        if same is not None:
            kept.append(same)
            continue
        if decisions is None:
            decisions = decisions_for_run(settings)
        try:
            batch = prepare_batch(feed, landed[feed.name], settings=settings, as_of=as_of, run_id=run_id,
                                  rates_path=rates_path, decisions=decisions, progress=progress)  # fmt: skip
            batches.append(replace(batch, fingerprint=fingerprint))
        except Exception as error:  # noqa: BLE001 - one feed's failure must not stop the others
            told = _feed_error(error)
            if not told:
                log.exception("feed %s: unexpected error", feed.name)
            errors[feed.name] = str(error) if told else f"{type(error).__name__}: {error}"
    return batches, kept


def record_failure(
    con: duckdb.DuckDBPyConnection, *, feed: str, run_id: str, as_of: date, error: str
) -> load.LoadResult:
    """Record a feed that failed before loading; its earlier actions stay in the warehouse."""
    log.error("feed %s failed: %s", feed, error)
    # A same-day rerun has the run id of the load that stood: its row becomes this failure.
    applied.forget(con, feed=feed, run_id=run_id)
    result = load.LoadResult(
        feed=feed, status="failed", rows_in=0, loaded=0, duplicates=0, quarantined=0, no_rate=0, held_back=0,
        error=error,
    )  # fmt: skip
    load.record_run(con, run_id=run_id, batch_date=as_of, source_file=None, result=result)
    return result
