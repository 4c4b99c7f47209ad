"""Publishing without blocking readers: build a private copy, then point the warehouse at it.

DuckDB allows one writer process, and a writer cannot open a file that another process reads.
So a run never writes a file readers use: under an exclusive lock it copies the published
warehouse to a private build file, makes every change there (migrations, loads, marts), checks
it, and publishes it as a new immutable snapshot, ``.<name>.snapshots/<id>/<name>``. The
warehouse path itself is a symbolic link to the current snapshot, replaced with ``os.replace``
(atomic on one filesystem). A run killed at any point leaves the link, and so the published
state, as it was.

Why snapshots behind a link: DuckDB keeps one database instance per file in a process and
hands it to every new connection to that file while any connection to it is open, so after a
plain file swap a process holding one connection kept reading the old file. DuckDB 2.0 keys
that cache on the canonical path, with symbolic links resolved: after a publish the link
resolves to a new path, so a new connection gets a new instance on the new snapshot while held
connections keep theirs. A pooled connection keeps its snapshot until the pool replaces it:
:func:`refresh_on_checkout` makes a SQLAlchemy pool do that at the first checkout after a
publish. docs/analysts.md says how each kind of client connects.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from etl.errors import UserError
from etl.loading.snapshot_copy import AHEAD_MARK, CopyAhead, in_use
from etl.running.faults import pause_point

if TYPE_CHECKING:
    import sqlalchemy

log = logging.getLogger(__name__)

# A WAL size no writer session reaches: the build copy is checkpointed once, when it is done.
_NO_AUTOMATIC_CHECKPOINT = "1TB"
SNAPSHOT_KEY = "fines_snapshot"  # where a pooled connection records the snapshot it reads


class WarehouseBusy(RuntimeError, UserError):
    """Another run holds the warehouse's write lock."""


class SnapshotMissing(RuntimeError, UserError):
    """The warehouse link points at a snapshot that is gone."""


def lock_path(warehouse: Path) -> Path:
    """The lock file next to a warehouse."""
    return warehouse.with_name(f".{warehouse.name}.lock")


def snapshots_dir(warehouse: Path) -> Path:
    """The folder that holds a warehouse's published snapshots."""
    return warehouse.with_name(f".{warehouse.name}.snapshots")


def _build_path(warehouse: Path) -> Path:
    return warehouse.with_name(f".{warehouse.name}.build-{os.getpid()}")


def _link_path(warehouse: Path) -> Path:
    return warehouse.with_name(f".{warehouse.name}.link-{os.getpid()}")


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
    # Under the lock no other run is building: any build or link file left is from a killed run.
    # A copy made ahead of the lock is locked by its run while that run lives (CopyAhead).
    for pattern in (f".{warehouse.name}.build-*", f".{warehouse.name}.link-*"):
        for stale in warehouse.parent.glob(pattern):
            if AHEAD_MARK in stale.name and in_use(stale):
                continue
            log.warning("removing %s left by an interrupted run", stale)
            stale.unlink(missing_ok=True)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def published_snapshot(warehouse: Path) -> Path | None:
    """The file the warehouse path resolves to now (itself for a warehouse never published as a link).

    Raises:
        SnapshotMissing: the link points at a snapshot that was deleted.
    """
    if warehouse.is_symlink() and not warehouse.exists():
        raise SnapshotMissing(
            f"warehouse {warehouse} points at {os.readlink(warehouse)}, which is missing; "
            f"restore it or point the link at a snapshot in {snapshots_dir(warehouse)}"
        )
    return warehouse.resolve() if warehouse.exists() else None


def _new_snapshot(warehouse: Path) -> Path:
    """A new, never reused snapshot folder: a sequence number for order, random bytes for uniqueness."""
    folder = snapshots_dir(warehouse)
    folder.mkdir(exist_ok=True)
    numbers = [int(path.name.split("-")[0]) for path in folder.iterdir() if path.name.split("-")[0].isdigit()]
    snapshot = folder / f"{max(numbers, default=0) + 1:06d}-{secrets.token_hex(4)}"
    snapshot.mkdir()
    return snapshot / warehouse.name


def _swap_in(warehouse: Path, build: Path) -> Path:
    """Move the finished build into a new snapshot and point the warehouse link at it."""
    previous = Path(os.readlink(warehouse)).parent.name if warehouse.is_symlink() else None
    snapshot = _new_snapshot(warehouse)
    os.replace(build, snapshot)
    _fsync(snapshot.parent)
    _fsync(snapshot.parent.parent)
    link = _link_path(warehouse)
    link.unlink(missing_ok=True)
    os.symlink(os.path.relpath(snapshot, warehouse.parent), link)
    os.replace(link, warehouse)
    _fsync(warehouse.parent)
    _prune(warehouse, keep={snapshot.parent.name, previous})
    return snapshot


def _prune(warehouse: Path, *, keep: set[str | None]) -> None:
    # The previous snapshot stays: a reader that resolved the link just before the swap opens it.
    # Deleting the others is safe for readers holding them: an open file outlives its name.
    for folder in snapshots_dir(warehouse).iterdir():
        if folder.name not in keep:
            shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def writer(warehouse: Path, *, ahead: CopyAhead | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A write connection to a private copy of the warehouse, published when the block succeeds.

    Args:
        warehouse: the path readers and BI tools open (a link to the current snapshot).
        ahead: a copy started before the lock (:func:`etl.loading.snapshot_copy.copy_ahead`),
            used when its snapshot is still the published one.

    Yields:
        A connection to the build copy. Nothing is visible to readers until the block ends
        without an exception; on an exception the copy is discarded.

    Raises:
        WarehouseBusy: another run is writing.
        SnapshotMissing: the warehouse link points at a deleted snapshot.
    """
    with exclusive_lock(warehouse):
        _remove_stale_builds(warehouse)
        previous = published_snapshot(warehouse)
        build = _build_path(warehouse)
        if previous is not None and (ahead is None or not ahead.take(previous, build)):
            shutil.copyfile(previous, build)
        con = duckdb.connect(str(build))
        # No one else opens the build copy, and it is checkpointed once before it is published:
        # automatic checkpoints after each large statement would write the same tables again.
        con.execute(f"set checkpoint_threshold = '{_NO_AUTOMATIC_CHECKPOINT}'")
        try:
            yield con
            con.execute("checkpoint")
            con.close()
            _fsync(build)
            pause_point("publish")
            _swap_in(warehouse, build)
        except BaseException:
            con.close()
            build.unlink(missing_ok=True)
            Path(f"{build}.wal").unlink(missing_ok=True)
            raise


def refresh_on_checkout(engine: sqlalchemy.Engine) -> sqlalchemy.Engine:
    """Make a pooled SQLAlchemy engine on the warehouse hand out the latest publish at checkout.

    Each new DBAPI connection records the snapshot it opened; a checkout whose snapshot is no
    longer the published one is discarded and replaced by a new connection (SQLAlchemy's
    disconnect handling), so the next checkout after a publish reads the new state. A connection
    checked out before the publish keeps its snapshot until it is returned.

    Args:
        engine: an engine on the warehouse file (``duckdb:///PATH``, read-only).

    Returns:
        The same engine.
    """
    from sqlalchemy import event, exc

    warehouse = Path(engine.url.database or "")

    @event.listens_for(engine, "connect")
    def _record(dbapi_connection, record) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("select path from duckdb_databases() where database_name = current_database()")
        record.info[SNAPSHOT_KEY] = cursor.fetchone()[0]
        cursor.close()

    @event.listens_for(engine, "checkout")
    def _check(dbapi_connection, record, proxy) -> None:
        if os.path.realpath(record.info.get(SNAPSHOT_KEY, "")) != os.path.realpath(warehouse):
            raise exc.DisconnectionError("the warehouse was published since this connection opened")

    return engine
