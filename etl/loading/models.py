"""The one runner of warehouse/: model discovery, builds, contracts, comments and SQL tests.

Staging and core models become views and marts become tables (:data:`etl.loading.sql.LAYER_KINDS`),
built in layer order from one ``select`` per file; each mart is checked against its Pandera
contract, every model gets its comments, and ``warehouse/tests/*.sql`` must return no rows.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

import warehouse
from etl.loading.load import transaction
from etl.loading.sql import LAYER_KINDS, LAYERS, literal
from etl.running.faults import pause_point


def model_files(layer: str) -> list[Path]:
    """The SQL files of one folder of ``warehouse/`` (a layer, or ``tests``), in name order."""
    return sorted((warehouse.ROOT / layer).glob("*.sql"))


def build_marts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Rebuild staging and core views and mart tables from ``warehouse/``, in one transaction.

    Each mart is checked against its Pandera contract before the transaction commits, so a
    mart that breaks its contract is never published.

    Returns:
        Row count per mart table.
    """
    from etl.loading.comments import apply_comments
    from schemas import marts as mart_schemas

    counts: dict[str, int] = {}
    with transaction(con):
        for layer in LAYERS:
            for path in model_files(layer):
                name = f"{layer}.{path.stem}"
                sql = path.read_text(encoding="utf-8")
                kind = LAYER_KINDS[layer]
                con.execute(f"create or replace {kind} {name} as\n{sql}")
                if layer == "marts":
                    pause_point("marts")
                    purpose = sql.splitlines()[0].removeprefix("--").strip()
                    con.execute(f"comment on table {name} is {literal(purpose)}")
                    frame = con.sql(f"select * from {name}").pl()
                    mart_schemas.validate_mart(name, frame)
                    counts[name] = frame.height
        apply_comments(con)
    return counts


def run_tests(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Run every ``warehouse/tests/*.sql``; each must return zero rows.

    Returns:
        Failing row count per test file (zero everywhere when the warehouse is sound).
    """
    return {
        path.stem: len(con.execute(path.read_text(encoding="utf-8")).fetchall())
        for path in model_files("tests")
    }
