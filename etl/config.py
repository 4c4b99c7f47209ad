"""Run-time settings, read from ``FINES_*`` environment variables.

Call :func:`load_settings` at run time (never at import) and pass the values down.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_DATA_DIR = Path("data")
BUNDLED_FEEDS = Path(__file__).parent / "data" / "feeds.toml"


@dataclass(frozen=True)
class Settings:
    """Where the pipeline reads and writes, and its tolerances."""

    warehouse: Path
    data_dir: Path
    feeds_file: Path
    quarantine_threshold: float = 0.5
    fx_overrides: Path | None = None

    @property
    def landing_dir(self) -> Path:
        """Immutable raw payloads, content-addressed per feed and batch date."""
        return self.data_dir / "landing"

    @property
    def work_dir(self) -> Path:
        """Intermediate Parquet files passed between steps."""
        return self.data_dir / "work"


def load_settings(*, warehouse: str | Path | None = None, feeds_file: str | Path | None = None) -> Settings:
    """Build settings from arguments, then ``FINES_*`` variables, then local defaults.

    Args:
        warehouse: explicit warehouse path (the CLI's ``--warehouse``), wins over the environment.
        feeds_file: explicit feed registry (the CLI's ``--config``).

    Returns:
        The frozen settings.

    Raises:
        ValueError: when ``FINES_QUARANTINE_THRESHOLD`` is not a share between 0 and 1.
    """
    data_dir = Path(os.environ.get("FINES_DATA_DIR", DEFAULT_DATA_DIR))
    wh = warehouse or os.environ.get("FINES_WAREHOUSE") or data_dir / "warehouse.duckdb"
    feeds = feeds_file or os.environ.get("FINES_FEEDS") or BUNDLED_FEEDS
    raw_threshold = os.environ.get("FINES_QUARANTINE_THRESHOLD", "0.5")
    try:
        threshold = float(raw_threshold)
    except ValueError:
        threshold = -1.0
    if not 0.0 <= threshold <= 1.0:
        raise ValueError(f"FINES_QUARANTINE_THRESHOLD must be a share between 0 and 1, got {raw_threshold!r}")
    overrides = os.environ.get("FINES_FX_OVERRIDES")
    return Settings(
        warehouse=Path(wh),
        data_dir=data_dir,
        feeds_file=Path(feeds),
        quarantine_threshold=threshold,
        fx_overrides=Path(overrides) if overrides else None,
    )
