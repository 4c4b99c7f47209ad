"""One function per Airflow task: plain arguments in, file paths and small counts out.

Each step reads settings at run time and calls the same code as ``fines run``; none of
them imports Airflow, so they can be tested and run without a scheduler.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from etl import fx, load, pipeline, transform
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
    """Migrate the warehouse and load the embedded rates; returns the rates Parquet path."""
    settings = load_settings()
    return str(pipeline.prepare_warehouse(settings, rates_dir=settings.work_dir / safe_run_id(run_id)))


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


def load_batch(batch: dict, *, as_of: date, run_id: str) -> dict[str, object]:
    """Merge a converted batch into the warehouse; returns the run-log counts."""
    settings = load_settings()
    with load.connect(settings.warehouse) as con:
        result = load.load_batch(
            con,
            feed=batch["feed"],
            run_id=safe_run_id(run_id),
            batch_date=as_of,
            source_file=batch["path"],
            converted_path=Path(batch["converted_path"]),
            reject_paths=[Path(batch["rejects_path"]), Path(batch["convert_rejects_path"])],
            rows_in=int(batch["rows_in"]),
            duplicates=int(batch["duplicates"]),
            threshold=settings.quarantine_threshold,
        )
    return result.as_dict()


def build() -> dict[str, int]:
    """Rebuild the marts; returns their row counts."""
    with load.connect(load_settings().warehouse) as con:
        return load.build_marts(con)
