"""Fault injection for crash tests: stop a run at a named point so a test can kill it there.

With ``FINES_PAUSE_AT=<point>`` a run that reaches that point writes the point's name to the
file ``FINES_PAUSE_MARKER`` and sleeps ``FINES_PAUSE_SECONDS`` (default 120). Points: ``load``
(a batch is loaded, marts not built), ``marts`` (inside the mart build transaction) and
``publish`` (the build copy is complete, not yet swapped in). Unset, it does nothing.
"""

from __future__ import annotations

import os
import time
from pathlib import Path


def pause_point(point: str) -> None:
    """Wait here to be killed when ``FINES_PAUSE_AT`` names this point."""
    if os.environ.get("FINES_PAUSE_AT") != point:
        return
    marker = os.environ.get("FINES_PAUSE_MARKER")
    if marker:
        Path(marker).write_text(point)
    time.sleep(float(os.environ.get("FINES_PAUSE_SECONDS", "120")))
