"""What every benchmark worker shares, in the child process ``bench.run`` starts for it.

The clock since the child started (``STARTED``), this process's RSS readings, the ``Timer``
around the measured call and the result it becomes, and the one synthetic feed (``FEED``,
read at ``AS_OF``) the workers in ``bench/stage_workers.py`` and ``bench/pipeline_workers.py`` run.
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

# Imported before STARTED is set: the child's clock (process_to_start_s, the e2e log lines) leaves it out.
from etl.loading import models  # noqa: F401

FEED = "bench"
AS_OF = dt.date(2026, 1, 15)  # bench.generate.AS_OF, repeated to keep this import light
STARTED = time.perf_counter()


def _status(field: str) -> int:
    """A VmRSS / VmHWM value of this process, in KiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


class Timer:
    def __enter__(self) -> Timer:
        self.rss_before_kib = _status("VmRSS")
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        self.seconds = time.perf_counter() - self.start


def _feed(csv: Path):
    from etl.sources.feeds import Feed

    return Feed(name=FEED, format="csv", location=str(csv))


def _where(csv: Path) -> str:
    return f"feed {FEED}: {csv}"


def _stage_result(timer: Timer, **extra: object) -> dict[str, object]:
    return {"seconds": round(timer.seconds, 3), "rss_before_kib": timer.rss_before_kib, **extra}
