"""Checks of what a ``fines`` command is about to read, so that a wrong path gets one clear line.

Without them a data folder that is a file, a warehouse that is not a DuckDB file or a registry
in another encoding surface as an ``OSError`` from deep inside the pipeline, or as a misleading
"in use by another process" from DuckDB.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from etl import catalog
from etl.errors import UserError

if TYPE_CHECKING:
    import duckdb

    from etl.config import Settings

_DUCKDB_MAGIC = b"DUCK"  # bytes 8 to 12 of every DuckDB database file
_MAGIC_AT = 8


class InputError(ValueError, UserError):
    """A path, file or name given to a command cannot be used; the message names it and why."""


def check_folder(path: Path, *, what: str) -> None:
    """Refuse a folder path that is a file, or lies under a file (it could never be created).

    Raises:
        InputError: naming ``what`` (e.g. "data folder"), the path and the file in the way.
    """
    if path.exists() and not path.is_dir():
        raise InputError(f"{what} {path} is a file, not a folder")
    _check_parents(path, what=what)


def _check_parents(path: Path, *, what: str) -> None:
    for parent in path.parents:
        if parent.exists():
            if not parent.is_dir():
                raise InputError(f"{what} {path}: {parent} is a file, not a folder")
            return


def check_paths(settings: Settings) -> None:
    """Refuse a data folder that is not a folder and a warehouse that is not a DuckDB file.

    Raises:
        InputError: naming the path and what is wrong with it.
    """
    check_folder(settings.data_dir, what="data folder (FINES_DATA_DIR)")
    warehouse = settings.warehouse
    if warehouse.is_dir():
        raise InputError(f"warehouse {warehouse} is a folder, not a DuckDB file")
    _check_parents(warehouse, what="warehouse")
    if warehouse.is_file():
        with warehouse.open("rb") as handle:
            head = handle.read(_MAGIC_AT + len(_DUCKDB_MAGIC))
        if head[_MAGIC_AT:] != _DUCKDB_MAGIC:
            raise InputError(f"warehouse {warehouse} is not a DuckDB database file")


def check_feed_filter(con: duckdb.DuckDBPyConnection, feed: str) -> None:
    """Refuse a ``--feed`` filter that names no feed the warehouse has seen (a typo lists nothing).

    Raises:
        InputError: naming the feed and the feeds the warehouse knows.
    """
    known = [
        name
        for (name,) in con.execute(
            f"select feed from {catalog.RUN_LOG} union select feed from {catalog.QUARANTINE} order by 1"
        ).fetchall()
    ]
    if feed not in known:
        listed = ", ".join(known[:20]) + (", ..." if len(known) > 20 else "") if known else "none yet"
        raise InputError(f"no feed {feed!r} in the warehouse (feeds it has seen: {listed})")
