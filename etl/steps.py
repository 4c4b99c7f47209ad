"""One function per Airflow task: plain arguments in, file paths and small counts out.

Each step reads settings at run time and calls the same code as ``fines run``; none of
them imports Airflow, so they can be tested and run without a scheduler. Only
:func:`load_and_publish` and :func:`build` write the warehouse, each in one writer session.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from etl import fx, load, pipeline, publish, transform
from etl.config import load_settings
from etl.extract import extract_feed
from etl.feeds import Feed, enabled_feeds


def safe_run_id(run_id: str) -> str:
    """A scheduler's run id (``manual__2026-01-01T00:00:00+00:00``) as a folder name."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", run_id).strip("._") or "run"


def _feed(name: str) -> Feed:
    by_name = {feed.name: feed for feed in enabled_feeds(load_settings().feeds_file)}
    if name not in by_name:
        raise KeyError(f"feed {name!r} is not an enabled feed of the registry")
    return by_name[name]


def feed_names() -> list[str]:
    """Names of the enabled feeds in the registry."""
    return [feed.name for feed in enabled_feeds(load_settings().feeds_file)]


def prepare(*, run_id: str) -> str:
    """Write the rates this run may use (embedded, refreshed, overrides); returns the Parquet path."""
    settings = load_settings()
    return str(pipeline.rates_for_run(settings, settings.work_dir / safe_run_id(run_id) / "rates.parquet"))


def extract(feed: str, *, as_of: date) -> dict[str, object]:
    """Land one feed; returns ``{"feed", "path"}``."""
    landed = extract_feed(_feed(feed), landing=load_settings().landing_dir, as_of=as_of)
    return {"feed": feed, "path": str(landed.path)}


def transform_batch(batch: dict, *, as_of: date, run_id: str) -> dict[str, object]:
    """Parse and validate a landed file; adds the Parquet paths and counts to ``batch``."""
    out_dir = load_settings().work_dir / safe_run_id(run_id) / batch["feed"]
    result = transform.run(_feed(batch["feed"]), Path(batch["path"]), as_of=as_of, out_dir=out_dir)
    return {**batch, **result.as_dict()}


def convert_batch(batch: dict, *, rates_path: str, run_id: str) -> dict[str, object]:
    """Convert a validated batch to USD and EUR; adds the converted path and counts."""
    out_dir = load_settings().work_dir / safe_run_id(run_id) / batch["feed"]
    converted = fx.run(
        Path(batch["actions_path"]), Path(rates_path), out_dir=out_dir, where=f"feed {batch['feed']}"
    )
    return {
        **batch,
        "converted_path": converted["converted_path"],
        "convert_rejects_path": converted["rejects_path"],
    }


def load_and_publish(
    batches: list[dict], *, rates_path: str, as_of: date, run_id: str, failed: dict[str, str] | None = None
) -> dict[str, object]:
    """Load converted batches, rebuild the marts and publish, as one transaction.

    Args:
        batches: outputs of :func:`convert_batch`, one per feed that got this far.
        rates_path: the run's rates (from :func:`prepare`).
        as_of: the run's date.
        run_id: the scheduler's run id.
        failed: feeds that failed before loading, with the reason, for the run log.

    Returns:
        Per-feed counts and mart row counts.
    """
    settings = load_settings()
    ready = [
        pipeline.Batch(
            feed=b["feed"], source_file=b["path"], converted_path=Path(b["converted_path"]),
            reject_paths=[Path(b["rejects_path"]), Path(b["convert_rejects_path"])],
            rows_in=int(b["rows_in"]), duplicates=int(b["duplicates"]),
        )
        for b in batches
    ]  # fmt: skip
    with publish.writer(settings.warehouse) as con:
        report = pipeline.load_batches(
            con, ready, dict(failed or {}), settings=settings, as_of=as_of, run_id=safe_run_id(run_id),
            rates_path=Path(rates_path),
        )  # fmt: skip
    return {"feeds": [r.as_dict() for r in report.feeds], "marts": report.marts}


def build() -> dict[str, int]:
    """Rebuild the marts and publish; returns their row counts."""
    with publish.writer(load_settings().warehouse) as con:
        load.migrate(con)
        return load.build_marts(con)
