"""The whole pipeline over the configured feeds, as ``fines run`` runs it without a scheduler.

The Airflow DAG calls the same step functions one by one; this module only chains them.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from etl import catalog, fx, load, transform
from etl.config import Settings
from etl.extract import extract_feed
from etl.feeds import Feed
from etl.fetch import FetchError, FetchPolicy
from etl.transform import FeedFormatError
from etl.validate import ContractError

log = logging.getLogger(__name__)
FEED_ERRORS = (FetchError, FeedFormatError, ContractError, load.ReconciliationError, OSError)


@dataclass
class RunReport:
    """What a run did, per feed, and the marts it built."""

    run_id: str
    as_of: date
    feeds: list[load.LoadResult] = field(default_factory=list)
    marts: dict[str, int] = field(default_factory=dict)

    @property
    def failed(self) -> list[load.LoadResult]:
        """Feeds whose batch was not applied."""
        return [result for result in self.feeds if result.status != "ok"]


def make_run_id(as_of: date, digests: list[str]) -> str:
    """A run id that is the same whenever the same payloads are run for the same date."""
    digest = hashlib.sha256("|".join(sorted(digests)).encode()).hexdigest()[:12]
    return f"run_{as_of.isoformat()}_{digest}"


def process_feed(
    feed: Feed, landed_path: Path, *, settings: Settings, as_of: date, run_id: str, rates_path: Path
) -> load.LoadResult:
    """Transform, convert and load one landed feed file.

    Raises:
        FeedFormatError, ContractError: the file cannot be read or breaks a contract as a whole.
    """
    work = settings.work_dir / run_id / feed.name
    parsed = transform.run(feed, landed_path, as_of=as_of, out_dir=work)
    converted = fx.run(Path(parsed.actions_path), rates_path, out_dir=work, where=f"feed {feed.name}")
    with load.connect(settings.warehouse) as con:
        return load.load_batch(
            con,
            feed=feed.name,
            run_id=run_id,
            batch_date=as_of,
            source_file=str(landed_path),
            converted_path=Path(converted["converted_path"]),
            reject_paths=[Path(parsed.rejects_path), Path(converted["rejects_path"])],
            rows_in=parsed.rows_in,
            duplicates=parsed.duplicates,
            threshold=settings.quarantine_threshold,
        )


def prepare_warehouse(settings: Settings, *, rates_dir: Path) -> Path:
    """Migrate the warehouse and load the embedded rates; returns the rates Parquet path."""
    rates_path = rates_dir / "rates.parquet"
    fx.write_embedded_rates(rates_path, nbp=True)
    with load.connect(settings.warehouse) as con:
        load.migrate(con)
        load.load_rates(con, rates_path)
    return rates_path


def run(
    settings: Settings, feeds: list[Feed], *, as_of: date, policy: FetchPolicy | None = None
) -> RunReport:
    """Land every feed, process each one (each failing on its own), then rebuild the marts.

    Args:
        settings: where to read and write.
        feeds: the enabled feeds to run.
        as_of: the run's date: batch date of every row, upper bound of decision dates.
        policy: fetch timeouts and retries.

    Returns:
        The per-feed results and mart row counts.
    """
    landed: dict[str, Path] = {}
    errors: dict[str, str] = {}
    for feed in feeds:
        try:
            landed[feed.name] = extract_feed(
                feed, landing=settings.landing_dir, as_of=as_of, policy=policy
            ).path
        except FetchError as error:
            errors[feed.name] = str(error)
    run_id = make_run_id(as_of, [f"{name}:{path.stem}" for name, path in landed.items()])
    return process(settings, feeds, landed, as_of=as_of, run_id=run_id, errors=errors)


def replay(settings: Settings, feeds: list[Feed], *, run_id: str) -> RunReport:
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
    return process(settings, chosen, landed, as_of=rows[0][2], run_id=run_id, errors=errors)


def process(
    settings: Settings,
    feeds: list[Feed],
    landed: dict[str, Path],
    *,
    as_of: date,
    run_id: str,
    errors: dict[str, str],
) -> RunReport:
    """Transform, convert and load each landed feed, record failures, and rebuild the marts."""
    report = RunReport(run_id=run_id, as_of=as_of)
    rates_path = prepare_warehouse(settings, rates_dir=settings.work_dir / run_id)
    for feed in feeds:
        if feed.name in landed:
            try:
                result = process_feed(
                    feed,
                    landed[feed.name],
                    settings=settings,
                    as_of=as_of,
                    run_id=run_id,
                    rates_path=rates_path,
                )
                report.feeds.append(result)
                continue
            except Exception as error:  # noqa: BLE001 - one feed's failure must not stop the others
                if not isinstance(error, FEED_ERRORS):
                    log.exception("feed %s: unexpected error", feed.name)
                errors[feed.name] = (
                    str(error) if isinstance(error, FEED_ERRORS) else f"{type(error).__name__}: {error}"
                )
        source = str(landed.get(feed.name, ""))
        failure = record_failure(
            settings, feed=feed.name, run_id=run_id, as_of=as_of, error=errors[feed.name], source=source
        )
        report.feeds.append(failure)
    with load.connect(settings.warehouse) as con:
        report.marts = load.build_marts(con)
    return report


def record_failure(
    settings: Settings, *, feed: str, run_id: str, as_of: date, error: str, source: str
) -> load.LoadResult:
    """Record a feed that failed before loading; its earlier actions stay in the warehouse."""
    log.error("feed %s failed: %s", feed, error)
    result = load.LoadResult(
        feed=feed,
        status="failed",
        rows_in=0,
        loaded=0,
        duplicates=0,
        quarantined=0,
        no_rate=0,
        held_back=0,
        error=error,
    )
    with load.connect(settings.warehouse) as con:
        load.migrate(con)
        load.record_run(con, run_id=run_id, batch_date=as_of, source_file=source or None, result=result)
    return result
