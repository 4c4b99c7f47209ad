"""The one runner of warehouse/: model discovery, builds, contracts, comments and SQL tests.

Staging and core models become views and marts become tables (:data:`etl.loading.sql.LAYER_KINDS`),
built in layer order from one ``select`` per file; each mart is checked against its Pandera
contract, every model gets its comments, and ``warehouse/tests/*.sql`` must return no rows.

A build pays only for what changed (:mod:`etl.loading.increments`): the first build, and any
build after the models, their contracts or their column types changed, builds everything from
scratch; later builds rebuild only the marts, or the mart rows, whose inputs changed, check
those rows (and every row they could clash with) against the mart's contract, and apply the
comments again only when they changed.
"""

from __future__ import annotations

import logging

import duckdb

from etl.loading import increments
from etl.loading.comments import apply_comments, model_files
from etl.loading.connection import transaction
from etl.loading.sql import LAYER_KINDS, literal
from etl.running.faults import pause_point

log = logging.getLogger(__name__)
FROM_SCRATCH, KEYS, WHOLE, UNCHANGED = "from scratch", "changed keys", "whole", "unchanged"
CHECK_ROWS = 500_000  # a mart is checked against its contract in parts of about this many rows


def build_marts(con: duckdb.DuckDBPyConnection, *, full: bool = False) -> dict[str, int]:
    """Bring staging and core views and mart tables up to date with the facts, in one transaction.

    Each mart (or each rebuilt part of one) is checked against its Pandera contract before the
    transaction commits, so a mart that breaks its contract is never published.

    Args:
        con: a write connection to a migrated warehouse.
        full: rebuild every model from scratch even when the saved state would allow less.

    Returns:
        Row count per mart table.
    """
    models = increments.model_sql()
    # Read before the transaction: a model that no longer binds makes this None, not an aborted transaction.
    state = increments.stored(con)
    code = increments.code_fingerprint(con, models)
    comments = increments.comments_fingerprint()
    marts = [name for name in models if name.startswith("marts.")]
    missing = _missing_tables(con, marts)
    with transaction(con):
        if full or not state or code is None or state.get(increments.CODE) != code or missing:
            counts = _build_everything(con, models)
            log.info("marts built %s: %s", FROM_SCRATCH, ", ".join(counts))
            apply_comments(con)
            if state is not None:
                increments.save_everything(con)
                increments.set_fingerprints(
                    con, code=increments.code_fingerprint(con, models), comments=comments
                )
            return counts
        changed = increments.diff(con)
        done = {name: _refresh(con, name, models, changed) for name in marts}
        log.info(
            "marts brought up to date: %s", "; ".join(f"{name} {how}" for name, (_, how) in done.items())
        )
        counts = {name: count for name, (count, _) in done.items()}
        if state.get(increments.COMMENTS) != comments:
            apply_comments(con)
        increments.save(con)
        increments.set_fingerprints(con, code=code, comments=comments)
    return counts


def _missing_tables(con: duckdb.DuckDBPyConnection, names: list[str]) -> list[str]:
    built = {
        f"{schema}.{table}"
        for schema, table in con.execute(
            "select schema_name, table_name from duckdb_tables() where database_name = current_database()"
        ).fetchall()
    }
    return [name for name in names if name not in built]


def _build_everything(con: duckdb.DuckDBPyConnection, models: dict[str, str]) -> dict[str, int]:
    """Every view and mart table from scratch, every row of each mart checked against its contract."""
    counts: dict[str, int] = {}
    for name, sql in models.items():
        layer = name.split(".")[0]
        con.execute(f"create or replace {LAYER_KINDS[layer]} {name} as\n{sql}")
        if layer == "marts":
            pause_point("marts")
            purpose = sql.splitlines()[0].removeprefix("--").strip()
            con.execute(f"comment on table {name} is {literal(purpose)}")
            counts[name] = check_mart(con, name)
    return counts


def check_mart(con: duckdb.DuckDBPyConnection, name: str) -> int:
    """Check every row of a mart against its contract, about :data:`CHECK_ROWS` rows at a time.

    A large mart is split by :func:`schemas.marts.partition_columns`, so each part holds every
    row a check compares with another (duplicates of a unique key, the rows of one group): the
    answer is the one a check of the whole mart gives, in memory that does not grow with it.

    Returns:
        The mart's row count.

    Raises:
        pandera.errors.SchemaErrors: the mart (one part of it) breaks its contract.
    """
    from schemas import marts as mart_schemas

    rows = con.execute(f"select count(*) from {name}").fetchall()[0][0]
    columns = mart_schemas.partition_columns(name)
    parts = -(-rows // CHECK_ROWS) if columns is not None else 1
    if parts <= 1:
        mart_schemas.validate_mart(name, con.sql(f"select * from {name}").pl())
        return rows
    key = f"hash({', '.join(columns)})" if columns else "rowid"
    for part in range(parts):
        mart_schemas.validate_mart(name, con.sql(f"select * from {name} where {key} % {parts} = {part}").pl())
    return rows


def _refresh(
    con: duckdb.DuckDBPyConnection, name: str, models: dict[str, str], changed: set[str]
) -> tuple[int, str]:
    """Bring one mart up to date: left alone, rebuilt for its changed keys, or rebuilt whole.

    Returns:
        Its row count, and how it was brought up to date (:data:`KEYS`, :data:`WHOLE`, :data:`UNCHANGED`).
    """
    how = UNCHANGED
    if increments.inputs_of(name, models) & changed:
        pause_point("marts")
        keyed = increments.KEYED.get(name)
        if keyed is None:
            how = WHOLE
            con.execute(f"delete from {name}")
            con.execute(f"insert into {name} by name\n{models[name]}")
            check_mart(con, name)
        else:
            how = KEYS
            _refresh_keys(con, name, models, keyed)
    return con.execute(f"select count(*) from {name}").fetchall()[0][0], how


def _refresh_keys(
    con: duckdb.DuckDBPyConnection, name: str, models: dict[str, str], keyed: increments.Keyed
) -> None:
    """Rebuild the rows of a keyed mart whose keys changed, then check them against the contract.

    The rows checked are the rebuilt ones plus any other row sharing a value the contract
    says is unique with them; the columns a rule rewrote over the whole mart are checked whole.
    """
    from schemas import marts as mart_schemas

    rebuilt = f"{keyed.key} in ({increments.affected(keyed.kind)})"
    sql, views = increments.restricted_views(name, models, keyed.kind)
    for view, body in views:
        con.execute(f"create or replace temp view {view} as\n{body}")
    con.execute(f"delete from {name} where {rebuilt}")
    con.execute(f"insert into {name} by name\n{sql}")
    for view, _ in reversed(views):
        con.execute(f"drop view {view}")
    if keyed.rule:
        con.execute(increments.rule_sql(keyed.rule))
    checked = [rebuilt] + [
        f"({', '.join(columns)}) in (select {', '.join(columns)} from {name} where {rebuilt})"
        for columns in mart_schemas.unique_columns(name)
    ]
    mart_schemas.validate_mart(name, con.sql(f"select * from {name} where {' or '.join(checked)}").pl())
    if keyed.rewritten:
        mart_schemas.validate_columns(name, con.sql(f"select {', '.join(keyed.rewritten)} from {name}").pl())


def run_tests(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Run every ``warehouse/tests/*.sql``; each must return zero rows.

    Returns:
        Failing row count per test file (zero everywhere when the warehouse is sound).
    """
    return {
        path.stem: len(con.execute(path.read_text(encoding="utf-8")).fetchall())
        for path in model_files("tests")
    }
