"""The platform tables shipped with the package, and the one look-up that needs no Polars.

``etl/data/platform_aliases.csv`` maps the names feeds use to one canonical platform and
``etl/data/platforms.csv`` gives each platform's parent company over time; the resolution of
feed rows reads them in :mod:`etl.parsing.platforms`. The news extractor, which runs in worker
processes that should not load Polars, asks only which platform one of its own names is
counted under (:func:`same_platform`).
"""

from __future__ import annotations

import csv
import functools
from pathlib import Path

DATA = Path(__file__).parents[1] / "data"
ALIASES = DATA / "platform_aliases.csv"
OWNERSHIP = DATA / "platforms.csv"


@functools.lru_cache(maxsize=1)
def _counted_under() -> dict[str, str]:
    with ALIASES.open(encoding="utf-8", newline="") as handle:
        return {row["alias"].strip().lower(): row["platform"] for row in csv.DictReader(handle)}


def same_platform(name: str) -> str:
    """The platform a name is counted under downstream ("Meta" -> Facebook, "X" -> Twitter), else the name.

    For the news extractor's own platform names, which are spelled as the alias table lists
    them; feed rows go through :func:`etl.parsing.platforms.resolve_names`, which also
    normalises spacing and strips corporate suffixes.
    """
    return _counted_under().get(name.strip().lower(), name)
