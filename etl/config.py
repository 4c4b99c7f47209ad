"""Run-time settings, read from ``FINES_*`` environment variables.

Call :func:`load_settings` at run time (never at import) and pass the values down.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from etl.errors import UserError

DEFAULT_DATA_DIR = Path("data")
BUNDLED_FEEDS = Path(__file__).parent / "data" / "feeds.toml"
_MEMORY = re.compile(r"^\d+(\.\d+)?\s*([KMGT]i?B)$", re.IGNORECASE)  # what DuckDB's memory_limit takes
DEFAULT_DUCKDB_MEMORY = "700MB"  # FINES_DUCKDB_MEMORY; bench/ measured the choice
DEFAULT_SLICE_ROWS = 100_000  # records of a tabular file parsed at a time; BENCHMARKS.md, session 8
MAX_PARSE_WORKERS = 64
MIN_DEADLINE_S, MAX_DEADLINE_S = 0.001, 7 * 24 * 3600.0  # deadlines: seconds, up to a week


@dataclass(frozen=True)
class Settings:
    """Where the pipeline reads and writes, and its tolerances."""

    warehouse: Path
    data_dir: Path
    feeds_file: Path
    quarantine_threshold: float = 0.5
    fx_overrides: Path | None = None
    fetch_deadline_s: float = 600.0  # one feed's whole fetch, retries included (FINES_FETCH_DEADLINE)
    process_deadline_s: float = 600.0  # one feed's parsing and validation (FINES_PROCESS_DEADLINE)
    work_retention_days: float = 3.0  # other runs' work folders older than this are removed
    slice_rows: int = DEFAULT_SLICE_ROWS  # FINES_SLICE_ROWS
    duckdb_memory: str = DEFAULT_DUCKDB_MEMORY  # a writer session's DuckDB spills to disk past this
    parse_workers: int = 1  # processes that read a large news feed (FINES_PARSE_WORKERS)

    @property
    def landing_dir(self) -> Path:
        """Immutable raw payloads, content-addressed per feed and batch date."""
        return self.data_dir / "landing"

    @property
    def work_dir(self) -> Path:
        """Intermediate Parquet files passed between steps."""
        return self.data_dir / "work"


class SettingsError(ValueError, UserError):
    """A ``FINES_*`` variable has a value the pipeline cannot use; the message names it."""


def _shown(bound: float) -> str:
    """A bound as people write it: 100,000,000 rather than 1e+08, 0.5 as 0.5."""
    return f"{int(bound):,}" if bound == int(bound) else f"{bound:g}"


def env_number(name: str, default: float, *, low: float, high: float) -> float:
    """A number from the environment variable ``name``, checked to lie within ``[low, high]``.

    Raises:
        SettingsError: the value is not a number (or is NaN or infinite) or is out of range.
    """
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = float("nan")
    if not low <= value <= high:  # NaN fails every comparison
        raise SettingsError(f"{name} must be a number from {_shown(low)} to {_shown(high)}, got {raw!r}")
    return value


def env_count(name: str, default: int, *, high: int, unit: str) -> int:
    """A whole number of ``unit`` from 1 to ``high`` in the environment variable ``name``.

    Raises:
        SettingsError: the value is not a number in range, or not a whole one.
    """
    value = env_number(name, default, low=1, high=high)
    if value != int(value):
        raise SettingsError(f"{name} must be a whole number of {unit}, got {value:g}")
    return int(value)


def load_settings(*, warehouse: str | Path | None = None, feeds_file: str | Path | None = None) -> Settings:
    """Build settings from arguments, then ``FINES_*`` variables, then local defaults.

    Args:
        warehouse: explicit warehouse path (the CLI's ``--warehouse``), wins over the environment.
        feeds_file: explicit feed registry (the CLI's ``--config``).

    Returns:
        The frozen settings.

    Raises:
        SettingsError: when ``FINES_QUARANTINE_THRESHOLD`` is not a share between 0 and 1, or
            ``FINES_FETCH_DEADLINE``, ``FINES_PROCESS_DEADLINE`` (seconds) or
            ``FINES_WORK_RETENTION_DAYS`` is not a number in its range, or ``FINES_SLICE_ROWS``
            is not a whole number from 1 to 100,000,000, or ``FINES_DUCKDB_MEMORY`` is not a size
            such as ``1GB`` or ``512MiB``, or ``FINES_PARSE_WORKERS`` is not a whole number from 1
            to 64 (default: the CPUs this process may use, at most 4).
    """
    data_dir = Path(os.environ.get("FINES_DATA_DIR", DEFAULT_DATA_DIR))
    wh = warehouse or os.environ.get("FINES_WAREHOUSE") or data_dir / "warehouse.duckdb"
    feeds = feeds_file or os.environ.get("FINES_FEEDS") or BUNDLED_FEEDS
    threshold = env_number("FINES_QUARANTINE_THRESHOLD", 0.5, low=0.0, high=1.0)
    fetch_deadline = env_number("FINES_FETCH_DEADLINE", 600.0, low=MIN_DEADLINE_S, high=MAX_DEADLINE_S)
    process_deadline = env_number("FINES_PROCESS_DEADLINE", 600.0, low=MIN_DEADLINE_S, high=MAX_DEADLINE_S)
    retention = env_number("FINES_WORK_RETENTION_DAYS", 3.0, low=0.0, high=3650.0)
    slice_rows = env_count("FINES_SLICE_ROWS", DEFAULT_SLICE_ROWS, high=100_000_000, unit="records")
    memory = os.environ.get("FINES_DUCKDB_MEMORY", "").strip() or DEFAULT_DUCKDB_MEMORY
    if not _MEMORY.match(memory):
        raise SettingsError(f"FINES_DUCKDB_MEMORY must be a size such as 1GB or 512MiB, got {memory!r}")
    workers = env_count("FINES_PARSE_WORKERS", default_workers(), high=MAX_PARSE_WORKERS, unit="processes")
    overrides = os.environ.get("FINES_FX_OVERRIDES")
    return Settings(
        warehouse=Path(wh),
        data_dir=data_dir,
        feeds_file=Path(feeds),
        quarantine_threshold=threshold,
        fx_overrides=Path(overrides) if overrides else None,
        fetch_deadline_s=fetch_deadline,
        process_deadline_s=process_deadline,
        work_retention_days=retention,
        slice_rows=slice_rows,
        duckdb_memory=memory,
        parse_workers=workers,
    )


def default_workers() -> int:
    """The CPUs this process may run on, at most 4: ``FINES_PARSE_WORKERS``' default."""
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(1, min(usable, 4))
