"""A copy of the published warehouse snapshot made before the write lock, while a run prepares.

Published snapshots never change (etl/loading/publish.py makes a new one per publish), so a run
may copy the current one without the lock, in a thread, while it parses its feeds; the writer
takes the copy as its build only if that snapshot is still the published one once it holds the
lock. Each copy is a file of its own, locked (``flock``) while its run lives: the writer's
clean-up of files left by killed runs passes over it.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import secrets
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

AHEAD_MARK = ".build-ahead-"  # in the name of every copy, next to the warehouse


def _ahead_path(warehouse: Path) -> Path:
    return warehouse.with_name(f".{warehouse.name}{AHEAD_MARK}{os.getpid()}-{secrets.token_hex(4)}")


def in_use(path: Path) -> bool:
    """Whether a run still holds the copy ``path`` (its ``flock``); False for a killed run's."""
    try:
        handle = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return False
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(handle)
    return False


class CopyAhead:
    """A copy of the published snapshot, made in a thread while the run still prepares its batches.

    The writer (:func:`etl.loading.publish.writer`) uses the copy only when its snapshot is still
    the published one once it holds the lock; otherwise it copies the newer one as usual. The
    copy's file gets a name of its own and stays locked (``flock``) while this run lives, so
    another run's clean-up removes it only once the run that made it is gone.
    """

    def __init__(self, source: Path, path: Path) -> None:
        self.source, self.path = source, path
        self.error: BaseException | None = None
        self._lock: int | None = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        fcntl.flock(self._lock, fcntl.LOCK_EX)
        self._thread = threading.Thread(target=self._copy, name="warehouse-copy-ahead", daemon=True)
        self._thread.start()

    def _copy(self) -> None:
        try:
            shutil.copyfile(self.source, self.path)
        except BaseException as error:  # noqa: BLE001 - told by take(): the writer copies as usual
            self.error = error

    def take(self, published: Path, build: Path) -> bool:
        """Move the finished copy to ``build`` when it is a copy of ``published``; False otherwise.

        A copy not taken is removed at once: the writer needs the room for its own.
        """
        self._thread.join()
        try:
            if self.error is None and self.source == published:
                os.replace(self.path, build)
                return True
        except OSError:  # the writer copies as usual
            pass
        finally:
            self._unlock()
        self.path.unlink(missing_ok=True)
        return False

    def discard(self) -> None:
        """Wait for the copy and remove it if it was not taken."""
        self._thread.join()
        if self._lock is not None:
            self.path.unlink(missing_ok=True)
            self._unlock()

    def _unlock(self) -> None:
        if self._lock is not None:
            os.close(self._lock)
            self._lock = None


@contextlib.contextmanager
def copy_ahead(warehouse: Path) -> Iterator[CopyAhead | None]:
    """Start copying the published snapshot now, for a :func:`etl.loading.publish.writer` opened later in the block.

    Yields None for a warehouse not yet published as a snapshot (nothing to copy ahead).
    """
    # A link to a deleted snapshot gets nothing here: the writer refuses it under the lock.
    source = warehouse.resolve() if warehouse.is_symlink() and warehouse.exists() else None
    ahead = CopyAhead(source, _ahead_path(warehouse)) if source is not None else None
    try:
        yield ahead
    finally:
        if ahead is not None:
            ahead.discard()
