"""The review decisions stored in the published warehouse, read once per run."""

from __future__ import annotations

import polars as pl

from etl import catalog
from etl.config import Settings
from etl.loading.connection import connect, has_table


def decisions_for_run(settings: Settings) -> pl.DataFrame:
    """The review decisions stored in the published warehouse, as :func:`etl.parsing.transform.run` takes them.

    Read once per run, like the rates, so every feed of a run applies the same decisions. The
    time a decision was taken is left out: it is never compared for idempotency.
    """
    from etl.parsing.held import DECISION_SCHEMA  # with the row contracts: only when a feed is parsed

    empty = pl.DataFrame(schema=DECISION_SCHEMA)
    if not settings.warehouse.exists():
        return empty
    columns = ", ".join(f"cast({c} as varchar) as {c}" for c in DECISION_SCHEMA)
    with connect(settings.warehouse, read_only=True) as con:
        if not has_table(con, catalog.REVIEW_DECISIONS):
            return empty
        decisions = con.sql(f"select {columns} from {catalog.REVIEW_DECISIONS} order by review_key").pl()
    return decisions.cast(DECISION_SCHEMA)
