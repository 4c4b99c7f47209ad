"""Publishing without blocking readers: build a private copy, then swap it in atomically.

DuckDB allows one writer process, and a writer cannot open a file that another process reads.
So a run never writes the published file: under an exclusive lock it copies the published
warehouse to a private build file, makes every change there (migrations, loads, marts), checks
it, and replaces the published file with ``os.replace`` (atomic on one filesystem). Readers that
hold the old file keep reading the previous state, unblocked; connections opened after the
swap see the new state. A run killed at any point leaves the published file as it was.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import duckdb

from etl.errors import UserError
from etl.faults import pause_point

log = logging.getLogger(__name__)


class WarehouseBusy(RuntimeError, UserError):
    """Another run holds the warehouse's write lock."""


def lock_path(warehouse: Path) -> Path:
    """The lock file next to a warehouse."""
    return warehouse.with_name(f".{warehouse.name}.lock")


def _build_path(warehouse: Path) -> Path:
    return warehouse.with_name(f".{warehouse.name}.build-{os.getpid()}")


@contextlib.contextmanager
def exclusive_lock(warehouse: Path) -> Iterator[None]:
    """Hold the warehouse's write lock, or fail at once naming the process that holds it.

    Raises:
        WarehouseBusy: another run is writing.
    """
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    path = lock_path(warehouse)
    with open(path, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            raise WarehouseBusy(
                f"warehouse {warehouse} is being written by another run (pid {holder}); try again when it ends"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        try:
            yield
        finally:
            handle.seek(0)
            handle.truncate()
            fcntl.flock(handle, fcntl.LOCK_UN)


def _remove_stale_builds(warehouse: Path) -> None:
    # Under the lock no other run is building: any build file left is from a killed run.
    for stale in warehouse.parent.glob(f".{warehouse.name}.build-*"):
        log.warning("removing %s left by an interrupted run", stale)
        stale.unlink(missing_ok=True)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def writer(warehouse: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A write connection to a private copy of the warehouse, published when the block succeeds.

    Args:
        warehouse: the published DuckDB file that readers and BI tools open.

    Yields:
        A connection to the build copy. Nothing is visible to readers until the block ends
        without an exception; on an exception the copy is discarded.

    Raises:
        WarehouseBusy: another run is writing.
    """
    with exclusive_lock(warehouse):
        _remove_stale_builds(warehouse)
        build = _build_path(warehouse)
        if warehouse.exists():
            shutil.copyfile(warehouse, build)
        con = duckdb.connect(str(build))
        try:
            yield con
            con.execute("checkpoint")
            con.close()
            _fsync(build)
            pause_point("publish")
            os.replace(build, warehouse)
            _fsync(warehouse.parent)
        except BaseException:
            con.close()
            build.unlink(missing_ok=True)
            Path(f"{build}.wal").unlink(missing_ok=True)
            raise
