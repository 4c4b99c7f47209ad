"""Contracts of the marts, checked after each build and before it is published."""

from __future__ import annotations

import datetime as dt

import pandera.polars as pa
import polars as pl

MONEY = pl.Decimal(38, 2)


class FinesByPlatform(pa.DataFrameModel):
    """``marts.fines_by_platform``: one row per platform."""

    platform: str = pa.Field(unique=True)
    parent_company: str
    jurisdictions: str
    action_count: int = pa.Field(ge=1)
    fine_count: int = pa.Field(ge=0)
    unconverted_fine_count: int = pa.Field(ge=0)
    outlier_count: int = pa.Field(ge=0)
    jurisdiction_count: int = pa.Field(ge=1)
    total_fines_usd: MONEY = pa.Field(ge=0)
    total_fines_eur: MONEY = pa.Field(ge=0)
    largest_fine_usd: MONEY = pa.Field(nullable=True, ge=0)  # platforms with no converted fine
    largest_fine_eur: MONEY = pa.Field(nullable=True, ge=0)  # idem
    first_decision_date: dt.date
    last_decision_date: dt.date

    @pa.dataframe_check
    def fines_within_actions(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """Fines are a subset of actions, and unconverted fines a subset of fines."""
        return data.lazyframe.select(
            (pl.col("fine_count") <= pl.col("action_count"))
            & (pl.col("unconverted_fine_count") <= pl.col("fine_count"))
        )

    @pa.dataframe_check
    def first_not_after_last(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """The first decision is not after the last."""
        return data.lazyframe.select(pl.col("first_decision_date") <= pl.col("last_decision_date"))

    class Config:
        strict = True
        coerce = False
        name = "FinesByPlatform"


class FinesOverTime(pa.DataFrameModel):
    """``marts.fines_over_time``: one row per month, jurisdiction and platform."""

    jurisdiction: str
    platform: str
    action_count: int = pa.Field(ge=1)
    fine_count: int = pa.Field(ge=0)
    unconverted_fine_count: int = pa.Field(ge=0)
    total_fines_usd: MONEY = pa.Field(ge=0)
    total_fines_eur: MONEY = pa.Field(ge=0)
    month_start_date: dt.date
    quarter_start_date: dt.date
    decision_year: int = pa.Field(ge=1990)

    @pa.dataframe_check
    def month_is_first_day(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """Months are keyed by their first day, inside their quarter."""
        return data.lazyframe.select(
            (pl.col("month_start_date").dt.day() == 1)
            & (pl.col("quarter_start_date") <= pl.col("month_start_date"))
        )

    class Config:
        strict = True
        coerce = False
        name = "FinesOverTime"
        unique = ["month_start_date", "jurisdiction", "platform"]


class LargestFines(pa.DataFrameModel):
    """``marts.largest_fines``: one row per converted fine, ranked by USD value."""

    action_id: str = pa.Field(unique=True)
    platform: str
    parent_company: str
    jurisdiction: str
    authority: str
    action_type: str = pa.Field(isin=["fine", "turnover_fine", "periodic_penalty"])
    currency: str
    fx_source: str
    source_url: str = pa.Field(nullable=True)  # offline sources have no URL
    amount: MONEY = pa.Field(gt=0)
    amount_usd: MONEY = pa.Field(ge=0)
    amount_eur: MONEY = pa.Field(ge=0)
    overall_rank: int = pa.Field(ge=1)
    platform_rank: int = pa.Field(ge=1)
    decision_date: dt.date
    fx_rate_date: dt.date

    @pa.dataframe_check
    def rate_not_after_decision(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """Each fine was converted at a rate published on or before its decision date."""
        return data.lazyframe.select(pl.col("fx_rate_date") <= pl.col("decision_date"))

    class Config:
        strict = True
        coerce = False
        name = "LargestFines"


class OutlierActions(pa.DataFrameModel):
    """``marts.outlier_actions``: one row per action whose amount is beyond any plausible fine."""

    action_id: str = pa.Field(unique=True)
    platform: str
    jurisdiction: str
    authority: str
    action_type: str
    currency: str
    amount_exact: str = pa.Field(str_matches=r"^\d+(\.\d{1,2})?$")
    source_url: str = pa.Field(nullable=True)  # offline sources have no URL
    fx_note: str = pa.Field(nullable=True)  # why no conversion, when there is none
    amount_usd: MONEY = pa.Field(nullable=True)  # outliers too large to convert have none
    decision_date: dt.date

    class Config:
        strict = True
        coerce = False
        name = "OutlierActions"


CONTRACTS: dict[str, type[pa.DataFrameModel]] = {
    "marts.fines_by_platform": FinesByPlatform,
    "marts.fines_over_time": FinesOverTime,
    "marts.largest_fines": LargestFines,
    "marts.outlier_actions": OutlierActions,
}


def validate_mart(name: str, frame: pl.DataFrame) -> None:
    """Check a built mart against its contract (every failure at once).

    Raises:
        KeyError: the mart has no contract (every mart must have one).
        pandera.errors.SchemaErrors: the mart breaks its contract.
    """
    CONTRACTS[name].validate(frame, lazy=True)
