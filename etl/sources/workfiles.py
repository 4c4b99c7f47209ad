"""Work files (the Parquet files passed between steps) written whole or not at all.

A run's work files live under ``<work>/<run key>/<feed>/``. Steps write them through
:func:`staged_files`: into a private folder first, then renamed into place, so a reader (the
next task, another try of the same task) never opens half a file.
"""

from __future__ import annotations

import os
import shutil
import socket
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PARTIAL = ".partial-"  # prefix of the private folders; anything left with it is from a killed process


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _remove_abandoned(out_dir: Path, host: str) -> None:
    # Only this host's folders, and only those whose process is gone: on a shared disk another
    # host's pids mean nothing here.
    for stale in out_dir.glob(f"{PARTIAL}{host}-*-*"):
        pid = stale.name.removeprefix(f"{PARTIAL}{host}-").split("-")[0]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(stale, ignore_errors=True)


@contextmanager
def staged_files(out_dir: Path) -> Iterator[Path]:
    """A private folder in ``out_dir``; the files written there are renamed into ``out_dir`` at the end.

    Each file appears under its final name complete or not at all (``os.replace``). The private
    folder is removed either way; one left by a killed process of this host is removed the next
    time a step writes to ``out_dir``.

    Yields:
        The folder to write into. On an exception nothing is renamed into ``out_dir``.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    host = socket.gethostname()
    _remove_abandoned(out_dir, host)
    staging = Path(tempfile.mkdtemp(prefix=f"{PARTIAL}{host}-{os.getpid()}-", dir=out_dir))
    try:
        yield staging
        for path in sorted(staging.iterdir()):
            os.replace(path, out_dir / path.name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
