"""Contracts of the marts about the pipeline itself: feed freshness, unresolved platforms, changes."""

from __future__ import annotations

import datetime as dt

import pandera.polars as pa
import polars as pl

from etl import catalog
from schemas.types import MONEY


class FeedFreshness(pa.DataFrameModel):
    """``marts.feed_freshness``: one row per feed."""

    feed: str = pa.Field(unique=True)
    last_run_id: str = pa.Field(nullable=True)  # a feed known only from sources has no run
    last_run_status: str = pa.Field(nullable=True)  # idem
    last_run_error: str = pa.Field(nullable=True)  # successful runs have no error
    last_successful_run_id: str = pa.Field(nullable=True)  # a feed may never have succeeded
    run_count: int = pa.Field(ge=0)
    successful_run_count: int = pa.Field(ge=0)
    action_count: int = pa.Field(ge=0)
    days_from_last_decision_to_last_success: int = pa.Field(nullable=True)  # no success or no action
    is_last_run_successful: bool
    first_decision_date: dt.date = pa.Field(nullable=True)  # a feed may have no action yet
    last_decision_date: dt.date = pa.Field(nullable=True)  # idem
    last_run_batch_date: dt.date = pa.Field(nullable=True)  # a feed known only from sources
    last_successful_batch_date: dt.date = pa.Field(nullable=True)  # a feed may never have succeeded

    @pa.dataframe_check
    def successes_within_runs(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """Successful runs are a subset of runs, and the last success is not after the last run."""
        return data.lazyframe.select(
            (pl.col("successful_run_count") <= pl.col("run_count"))
            & (
                pl.col("last_successful_batch_date").is_null()
                | (pl.col("last_successful_batch_date") <= pl.col("last_run_batch_date"))
            )
        )

    class Config:
        strict = True
        coerce = False
        name = "FeedFreshness"


class UnresolvedPlatforms(pa.DataFrameModel):
    """``marts.unresolved_platforms``: one row per reported platform name that matched no platform."""

    platform_reported: str = pa.Field(unique=True, str_length={"min_value": 1})
    platform: str = pa.Field(str_length={"min_value": 1})  # the spelling its variants are counted under
    feeds: str
    platform_candidates: str = pa.Field(nullable=True)  # no known platform is near the name
    action_count: int = pa.Field(ge=1)
    first_decision_date: dt.date
    last_decision_date: dt.date

    @pa.check("platform_candidates")
    def candidates_are_scored(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """Candidates read "Platform (0.94); Other (0.71)": at most three, each with its score."""
        return data.lazyframe.select(
            pl.col(data.key).is_null()
            | pl.col(data.key).str.contains(r"^[^;]+ \([01]\.\d{2}\)(; [^;]+ \([01]\.\d{2}\)){0,2}$")
        )

    @pa.dataframe_check
    def first_not_after_last(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """The first decision is not after the last."""
        return data.lazyframe.select(pl.col("first_decision_date") <= pl.col("last_decision_date"))

    class Config:
        strict = True
        coerce = False
        name = "UnresolvedPlatforms"


class RecentChanges(pa.DataFrameModel):
    """``marts.recent_changes``: one row per change a run made to the facts."""

    change_seq: int = pa.Field(unique=True, ge=1)
    run_id: str
    feed: str = pa.Field(nullable=True)  # a re-conversion with changed rates has no feed
    action_id: str
    change_type: str = pa.Field(isin=catalog.CHANGE_TYPES)
    field: str = pa.Field(nullable=True)  # added actions change no single field
    old_value: str = pa.Field(nullable=True)  # a field that was empty, or an added action
    new_value: str = pa.Field(nullable=True)  # a field emptied, or an added action
    platform: str = pa.Field(nullable=True)  # an action merged away, or a total of parts
    jurisdiction: str = pa.Field(nullable=True)  # idem
    authority: str = pa.Field(nullable=True)  # idem
    action_type: str = pa.Field(nullable=True)  # idem
    currency: str = pa.Field(nullable=True)  # idem, and non-monetary actions
    amount: MONEY = pa.Field(nullable=True)  # idem
    run_rank: int = pa.Field(ge=1)
    batch_date: dt.date = pa.Field(nullable=True)  # a refresh of rates has no as-of date
    decision_date: dt.date = pa.Field(nullable=True)  # an action merged away

    @pa.dataframe_check
    def added_rows_name_no_field(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """An added action has no field; every other change names the field it changed."""
        return data.lazyframe.select((pl.col("change_type") == "added") == pl.col("field").is_null())

    class Config:
        strict = True
        coerce = False
        name = "RecentChanges"
