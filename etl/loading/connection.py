"""The warehouse connection: opening it, and running a block of writes in one transaction.

Below every other module of :mod:`etl.loading` (and :mod:`etl.money.cpi`), so each imports it at
its top level; ``load`` re-exports it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from etl.errors import UserError


class WarehouseError(RuntimeError, UserError):
    """The warehouse cannot be opened or changed; the message says which file and why."""


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """Run a block in one transaction: commit on success, roll back on any error."""
    con.execute("begin transaction")
    try:
        yield con
    except BaseException:
        con.execute("rollback")
        raise
    con.execute("commit")


def connect(path: Path, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the warehouse; a clear error when it is missing or locked by another writer."""
    if read_only and not path.exists():
        raise WarehouseError(f"warehouse {path} does not exist yet: run `fines run` first")
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        return duckdb.connect(str(path), read_only=read_only)
    except duckdb.IOException as error:
        reason = str(error).splitlines()[0]
        raise WarehouseError(f"warehouse {path} is in use by another process: {reason}") from None


def has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    """Whether the table ``schema.table`` exists (a warehouse from before its migration has not)."""
    schema, table = name.split(".")
    # fetchall, not fetchone: a result left unfinished blocks the connection's next relation.
    found = con.execute(
        "select count(*) from duckdb_tables() where database_name = current_database() "
        "and schema_name = ? and table_name = ?",
        [schema, table],
    ).fetchall()
    return bool(found[0][0])
