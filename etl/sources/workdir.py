"""Retention of work folders: ``<data>/work/<run>/`` is removed once the run is long over.

Work folders hold the Parquet files passed between one run's steps; nothing reads them after
the run has loaded (the landing area, not the work area, is what ``--replay`` needs). A folder
is removed when nothing in it changed for ``FINES_WORK_RETENTION_DAYS`` days (default 3), which
leaves a scheduler's retries and a person's investigation plenty of time. The current run's
folder is never removed, whatever its age.

Concurrent runs may prune at the same time: a folder is first renamed to a private
``.pruning-`` name (only one process wins the rename), then deleted; one left half-deleted by a
killed process is removed by the next prune.
"""

from __future__ import annotations

import logging
import os
import shutil
import time
from pathlib import Path

log = logging.getLogger(__name__)
PRUNING = ".pruning-"
_DAY_S = 24 * 3600.0


def _newest_change(folder: Path) -> float:
    """The latest modification time of the folder or anything in it."""
    newest = folder.stat().st_mtime
    for root, dirs, files in os.walk(folder):
        for name in dirs + files:
            try:
                newest = max(newest, os.stat(os.path.join(root, name), follow_symlinks=False).st_mtime)
            except FileNotFoundError:
                continue  # removed meanwhile
    return newest


def prune_work(work_dir: Path, *, keep: str, retention_days: float, now: float | None = None) -> list[str]:
    """Remove the run folders of ``work_dir`` unchanged for ``retention_days``, except ``keep``.

    Args:
        work_dir: the work area (``Settings.work_dir``).
        keep: the current run's folder name; never removed.
        retention_days: age, in days since the last change, after which a folder goes.
        now: the current time (seconds since the epoch); the clock by default.

    Returns:
        The names of the folders removed, sorted.
    """
    if not work_dir.is_dir():
        return []
    cutoff = (time.time() if now is None else now) - retention_days * _DAY_S
    removed = []
    for folder in sorted(work_dir.iterdir()):
        if folder.name == keep or folder.is_symlink() or not folder.is_dir():
            continue
        abandoned = folder.name.startswith(PRUNING)
        try:
            if not abandoned and _newest_change(folder) > cutoff:
                continue
            claimed = folder
            if not abandoned:
                claimed = work_dir / f"{PRUNING}{os.getpid()}-{folder.name}"
                folder.rename(claimed)  # only one concurrent pruner wins
        except FileNotFoundError:
            continue  # another process pruned it first
        shutil.rmtree(claimed, ignore_errors=True)
        removed.append(folder.name)
    if removed:
        log.info("removed %d work folder(s) older than %g days: %s", len(removed), retention_days, removed)
    return removed
