"""Contracts of the marts, checked after each build and before it is published.

Each mart's contract lives with its family (:mod:`schemas.mart_totals`, :mod:`schemas.mart_listings`,
:mod:`schemas.mart_operations`); this module maps marts to contracts and checks them.
"""

from __future__ import annotations

import pandera.polars as pa
import polars as pl

from etl import catalog
from schemas.mart_listings import (
    DisputedAmounts,
    FxDisagreements,
    LargestFines,
    NonMonetaryActions,
    OutlierActions,
)
from schemas.mart_operations import FeedFreshness, RecentChanges, UnresolvedPlatforms
from schemas.mart_totals import FinesByAuthority, FinesByPlatform, FinesOverTime

CONTRACTS: dict[str, type[pa.DataFrameModel]] = {
    catalog.FINES_BY_PLATFORM: FinesByPlatform,
    catalog.FINES_OVER_TIME: FinesOverTime,
    catalog.FINES_BY_AUTHORITY: FinesByAuthority,
    catalog.LARGEST_FINES: LargestFines,
    catalog.NON_MONETARY_ACTIONS: NonMonetaryActions,
    catalog.OUTLIER_ACTIONS: OutlierActions,
    catalog.FEED_FRESHNESS: FeedFreshness,
    catalog.UNRESOLVED_PLATFORMS: UnresolvedPlatforms,
    catalog.DISPUTED_AMOUNTS: DisputedAmounts,
    catalog.RECENT_CHANGES: RecentChanges,
    catalog.FX_DISAGREEMENTS: FxDisagreements,
}


def validate_mart(name: str, frame: pl.DataFrame) -> None:
    """Check a built mart against its contract (every failure at once).

    Raises:
        KeyError: the mart has no contract (every mart must have one).
        pandera.errors.SchemaErrors: the mart breaks its contract.
    """
    CONTRACTS[name].validate(frame, lazy=True)


# Marts with a dataframe check that compares rows of one group (``over(...)``), and its group key.
_GROUPED_BY = {catalog.DISPUTED_AMOUNTS: ("action_id",)}


def partition_columns(name: str) -> tuple[str, ...] | None:
    """Columns that split a mart into parts its contract can check one at a time, with the same answer.

    Rows that agree on them fall in one part, so duplicates of a unique key meet, and so do the
    rows a check compares (:data:`_GROUPED_BY`). An empty tuple: every check reads one row, any
    split will do. None: no split is exact (two unique keys with no column in common).
    """
    sets = unique_columns(name) + ([_GROUPED_BY[name]] if name in _GROUPED_BY else [])
    if not sets:
        return ()
    shared = tuple(column for column in sets[0] if all(column in other for other in sets[1:]))
    return shared or None


def unique_columns(name: str) -> list[tuple[str, ...]]:
    """The columns, or sets of columns, whose values a mart's contract says are unique."""
    schema = CONTRACTS[name].to_schema()
    found = [(column,) for column, spec in schema.columns.items() if spec.unique]
    if schema.unique:
        found.append(tuple([schema.unique] if isinstance(schema.unique, str) else schema.unique))
    return found


def validate_columns(name: str, frame: pl.DataFrame) -> None:
    """Check some columns of a mart, every row of them, against their own checks in its contract.

    For columns rewritten over the whole mart (ranks) after an incremental build; the contract's
    dataframe-wide checks need every column, so they run on the rebuilt rows instead.

    Raises:
        pandera.errors.SchemaErrors: a column breaks its contract.
    """
    schema = CONTRACTS[name].to_schema()
    columns = {column: schema.columns[column] for column in frame.columns}
    pa.DataFrameSchema(columns, strict=True, name=f"{schema.name} ({', '.join(columns)})").validate(
        frame, lazy=True
    )
