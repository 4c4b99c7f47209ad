"""Contracts of the marts that total fines: by platform, over time, by authority."""

from __future__ import annotations

import datetime as dt

import pandera.polars as pa
import polars as pl

from etl import catalog
from schemas.types import MONEY


class FinesByPlatform(pa.DataFrameModel):
    """``marts.fines_by_platform``: one row per platform."""

    platform: str = pa.Field(unique=True)
    parent_company: str
    jurisdictions: str
    action_count: int = pa.Field(ge=1)
    fine_count: int = pa.Field(ge=0)
    unconverted_fine_count: int = pa.Field(ge=0)
    outlier_count: int = pa.Field(ge=0)
    appealed_fine_count: int = pa.Field(ge=0)
    annulled_fine_count: int = pa.Field(ge=0)
    disputed_fine_count: int = pa.Field(ge=0)
    jurisdiction_count: int = pa.Field(ge=1)
    total_fines_usd: MONEY = pa.Field(ge=0)
    total_fines_eur: MONEY = pa.Field(ge=0)
    total_fines_usd_real: MONEY = pa.Field(ge=0)  # constant dollars of etl.money.cpi.BASE_YEAR
    largest_fine_usd: MONEY = pa.Field(nullable=True, ge=0)  # platforms with no converted fine
    largest_fine_eur: MONEY = pa.Field(nullable=True, ge=0)  # idem
    first_decision_date: dt.date
    last_decision_date: dt.date

    @pa.dataframe_check
    def fines_within_actions(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """Fines are a subset of actions; unconverted, appealed and annulled fines subsets of fines."""
        return data.lazyframe.select(
            (pl.col("fine_count") <= pl.col("action_count"))
            & (pl.col("unconverted_fine_count") <= pl.col("fine_count"))
            & (pl.col("appealed_fine_count") + pl.col("annulled_fine_count") <= pl.col("fine_count"))
            & (pl.col("disputed_fine_count") <= pl.col("fine_count"))
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
    """``marts.fines_over_time``: one row per period grain, period, jurisdiction and platform."""

    period_grain: str = pa.Field(isin=catalog.PERIOD_GRAINS)
    jurisdiction: str
    platform: str
    action_count: int = pa.Field(ge=1)
    fine_count: int = pa.Field(ge=0)
    unconverted_fine_count: int = pa.Field(ge=0)
    total_fines_usd: MONEY = pa.Field(ge=0)
    total_fines_eur: MONEY = pa.Field(ge=0)
    total_fines_usd_real: MONEY = pa.Field(ge=0)  # constant dollars of etl.money.cpi.BASE_YEAR
    running_total_fines_usd: MONEY = pa.Field(ge=0)
    running_total_fines_eur: MONEY = pa.Field(ge=0)
    running_total_fines_usd_real: MONEY = pa.Field(ge=0)
    decision_year: int = pa.Field(ge=1990)
    period_start_date: dt.date

    @pa.dataframe_check
    def period_starts_its_grain(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """A period is keyed by its first day: day 1 of a month, quarter or year, in its year."""
        start = pl.col("period_start_date")
        grain = pl.col("period_grain")
        return data.lazyframe.select(
            (start.dt.day() == 1)
            & ((grain != "quarter") | ((start.dt.month() - 1) % 3 == 0))
            & ((grain != "year") | (start.dt.month() == 1))
            & (start.dt.year() == pl.col("decision_year"))
        )

    @pa.dataframe_check
    def running_total_includes_period(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """A running total is at least the period's own total."""
        return data.lazyframe.select(
            (pl.col("running_total_fines_usd") >= pl.col("total_fines_usd"))
            & (pl.col("running_total_fines_eur") >= pl.col("total_fines_eur"))
            & (pl.col("running_total_fines_usd_real") >= pl.col("total_fines_usd_real"))
        )

    class Config:
        strict = True
        coerce = False
        name = "FinesOverTime"
        unique = ["period_grain", "period_start_date", "jurisdiction", "platform"]


class FinesByAuthority(pa.DataFrameModel):
    """``marts.fines_by_authority``: one row per jurisdiction and authority."""

    jurisdiction: str
    authority: str
    platforms: str
    platform_count: int = pa.Field(ge=1)
    action_count: int = pa.Field(ge=1)
    fine_count: int = pa.Field(ge=0)
    non_monetary_count: int = pa.Field(ge=0)
    unconverted_fine_count: int = pa.Field(ge=0)
    appealed_fine_count: int = pa.Field(ge=0)
    annulled_fine_count: int = pa.Field(ge=0)
    total_fines_usd: MONEY = pa.Field(ge=0)
    total_fines_eur: MONEY = pa.Field(ge=0)
    total_fines_usd_real: MONEY = pa.Field(ge=0)  # constant dollars of etl.money.cpi.BASE_YEAR
    largest_fine_usd: MONEY = pa.Field(nullable=True, ge=0)  # authorities with no converted fine
    largest_fine_eur: MONEY = pa.Field(nullable=True, ge=0)  # idem
    first_decision_date: dt.date
    last_decision_date: dt.date

    @pa.dataframe_check
    def fines_and_others_make_actions(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """Every action is a fine or a non-monetary action, and unconverted fines are fines."""
        return data.lazyframe.select(
            (pl.col("fine_count") + pl.col("non_monetary_count") == pl.col("action_count"))
            & (pl.col("unconverted_fine_count") <= pl.col("fine_count"))
        )

    class Config:
        strict = True
        coerce = False
        name = "FinesByAuthority"
        unique = ["jurisdiction", "authority"]
