"""The single validation gate: split a frame into rows that pass a contract and rows that fail.

Failing rows are never dropped: they come back with every check they failed, for quarantine.
A failure that is not about rows (a missing column, a wrong type) fails the whole batch.
"""

from __future__ import annotations

import logging

import pandera.polars as pa
import polars as pl
from pandera.errors import SchemaErrors

from etl.errors import UserError

log = logging.getLogger(__name__)

# One rejected row: where it was in the feed, its original payload, the step and every reason.
REJECT_SCHEMA = {
    "source_line": pl.Int64,
    "payload": pl.String,
    "stage": pl.String,
    "reasons": pl.List(pl.String),
}
REJECT_COLUMNS = tuple(REJECT_SCHEMA)


class ContractError(ValueError, UserError):
    """A batch breaks a contract as a whole (columns or types), so no row can be trusted."""


def _reason() -> pl.Expr:
    check = (
        pl.when(pl.col("check").str.starts_with("isin("))
        .then(pl.lit("isin(allowed values)"))
        .otherwise(pl.col("check"))
    )
    value = pl.col("failure_case").str.slice(0, 60)
    return (
        pl.when(pl.col("schema_context") == "DataFrameSchema")
        .then(check)
        .when(pl.col("failure_case").is_null())
        .then(pl.format("{}: {}", pl.col("column"), check))
        .otherwise(pl.format("{}: {} (got '{}')", pl.col("column"), check, value))
    )


def split_valid(
    frame: pl.DataFrame, model: type[pa.DataFrameModel], *, stage: str, where: str
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Validate an eager frame with ``lazy=True`` and split it into passing and failing rows.

    Args:
        frame: rows to check; must carry ``source_line`` and ``payload``.
        model: the Pandera contract of this boundary.
        stage: the boundary's name, recorded on each rejected row (``parse``, ``normalize``...).
        where: the feed and file, for error messages.

    Returns:
        ``(valid, rejected)``; ``rejected`` has :data:`REJECT_COLUMNS`, one row per failing
        input row with the list of every check it failed.

    Raises:
        ContractError: a failure not attached to rows, such as a missing column or wrong type.
    """
    empty = pl.DataFrame(schema=REJECT_SCHEMA)
    try:
        model.validate(frame, lazy=True)
        return frame, empty
    except SchemaErrors as errors:
        cases = errors.failure_cases
    whole = cases.filter(pl.col("index").is_null())
    if whole.height:
        detail = "; ".join(
            f"{r['column']}: {r['check']} ({r['failure_case']})" for r in whole.iter_rows(named=True)
        )
        raise ContractError(f"{where}: batch breaks {model.Config.name}: {detail}")
    for row in cases.group_by("check").len().sort("check").iter_rows(named=True):
        log.warning("%s: %s rows failed %s.%s", where, row["len"], model.Config.name, row["check"])
    reasons = (
        cases.with_columns(reason=_reason())
        .group_by("index")
        .agg(pl.col("reason").unique(maintain_order=True).alias("reasons"))
        .with_columns(pl.col("index").cast(pl.UInt32))
    )
    indexed = frame.with_row_index("index").join(reasons, on="index", how="left")
    valid = indexed.filter(pl.col("reasons").is_null()).drop("index", "reasons")
    rejected = indexed.filter(pl.col("reasons").is_not_null()).select(
        pl.col("source_line").cast(pl.Int64), "payload", pl.lit(stage).alias("stage"), "reasons"
    )
    return valid, rejected
