"""One feed's batch, prepared: parsed, validated and converted, before the writer session loads it.

:func:`parse_batch` and :func:`convert_batch` are the two Airflow tasks' steps (Parquet between
them); :func:`prepare_batch` is both in one pass, as ``fines run`` does it (etl/running/pipeline.py).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import polars as pl

from etl.config import Settings
from etl.money import fx
from etl.running.background import BackgroundSink
from etl.running.batch import Batch
from etl.running.progress import SILENT, Progress
from etl.sources.deadlines import processing_deadline
from etl.sources.feeds import Feed
from etl.sources.workdir import prune_work
from etl.sources.workfiles import staged_files


def parse_batch(
    feed: Feed, landed_path: Path, *, settings: Settings, as_of: date, run_id: str,
    decisions: pl.DataFrame | None = None, rates_path: Path | None = None,
) -> Batch:  # fmt: skip
    """Parse and validate one landed feed file (no warehouse access); convert it too when given rates.

    Without ``rates_path`` (an Airflow transform task) the valid actions go to ``actions.parquet``
    for :func:`convert_batch`, the next task. With it (``fines run``, one process) each slice is
    converted as it leaves the contracts (:class:`etl.money.fx.Converter`, on a thread of its own
    one slice behind: :mod:`etl.running.background`), so nothing is written and read back between
    the two steps.

    ``decisions`` (:func:`etl.loading.decisions.decisions_for_run`) are re-applied to the news items held for review.

    Raises:
        FeedFormatError, ContractError: the file cannot be read or breaks a contract as a whole.
        etl.sources.deadlines.DeadlineExceeded: processing ran past the feed's processing deadline.
    """
    from etl.parsing import transform

    prune_work(settings.work_dir, keep=run_id, retention_days=settings.work_retention_days)
    work = settings.work_dir / run_id / feed.name
    deadline = feed.process_deadline or settings.process_deadline_s
    with staged_files(work) as staging, processing_deadline(feed.name, deadline):
        converter = None if rates_path is None else fx.Converter(
            rates_path, out_dir=staging, where=f"feed {feed.name}"
        )  # fmt: skip
        parsed = transform.run(
            feed,
            landed_path,
            as_of=as_of,
            out_dir=staging,
            decisions=decisions,
            slice_rows=settings.slice_rows,
            workers=settings.parse_workers,
            then=converter and BackgroundSink(converter, name=f"convert {feed.name}"),
        )
    batch = Batch(
        feed=feed.name, source_file=str(landed_path), rows_in=parsed.rows_in, duplicates=parsed.duplicates,
        actions_path=parsed.actions_path and str(work / Path(parsed.actions_path).name),
        reject_paths=(str(work / Path(parsed.rejects_path).name),),
    )  # fmt: skip
    if converter is None:
        return batch
    return _converted(batch, converter.result(), rates_path, out_dir=work)  # type: ignore[arg-type]


def _converted(batch: Batch, converted: dict[str, object], rates_path: Path, *, out_dir: Path) -> Batch:
    """``batch`` with what :func:`etl.money.fx.run` or a :class:`etl.money.fx.Converter` wrote in ``out_dir``."""
    return replace(
        batch, converted_path=str(out_dir / Path(str(converted["converted_path"])).name),
        rates_path=str(rates_path),
        reject_paths=(*batch.reject_paths, str(out_dir / Path(str(converted["rejects_path"])).name)),
    )  # fmt: skip


def convert_batch(batch: Batch, rates_path: Path) -> Batch:
    """Convert a parsed batch to USD and EUR with the run's rates, next to its parsed file."""
    if batch.actions_path is None:
        raise ValueError(f"feed {batch.feed}: converted as it was parsed, there is nothing left to convert")
    out_dir = Path(batch.actions_path).parent
    with staged_files(out_dir) as staging:
        converted = fx.run(Path(batch.actions_path), rates_path, out_dir=staging, where=f"feed {batch.feed}")
    return _converted(batch, converted, rates_path, out_dir=out_dir)


def prepare_batch(
    feed: Feed, landed_path: Path, *, settings: Settings, as_of: date, run_id: str, rates_path: Path,
    decisions: pl.DataFrame | None = None, progress: Progress = SILENT,
) -> Batch:  # fmt: skip
    """Parse, validate and convert one landed feed file in one pass (:func:`parse_batch` with rates)."""
    progress.stage(feed.name, "parse+validate+convert")
    return parse_batch(
        feed, landed_path, settings=settings, as_of=as_of, run_id=run_id, decisions=decisions,
        rates_path=rates_path,
    )  # fmt: skip
