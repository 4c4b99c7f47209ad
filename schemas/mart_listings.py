"""Contracts of the marts that list actions one per row: largest, disputed, non-monetary, outliers, FX."""

from __future__ import annotations

import datetime as dt

import pandera.polars as pa
import polars as pl

from etl import catalog
from schemas.types import MONEY, RATE

NON_MONETARY_TYPES = [t for t in catalog.ACTION_TYPES if t not in catalog.MONETARY_ACTION_TYPES]


class LargestFines(pa.DataFrameModel):
    """``marts.largest_fines``: one row per converted fine, ranked by USD value, with its sources."""

    action_id: str = pa.Field(unique=True)
    platform: str
    parent_company: str
    jurisdiction: str
    authority: str
    action_type: str = pa.Field(isin=catalog.MONETARY_ACTION_TYPES)
    violation: str
    status: str = pa.Field(isin=[s for s in catalog.STATUSES if s != "annulled"])
    currency: str
    fx_source: str
    source_url: str = pa.Field(nullable=True)  # offline sources have no URL
    sources: str
    source_urls: str = pa.Field(nullable=True)  # idem
    amount: MONEY = pa.Field(gt=0)
    amount_low: MONEY = pa.Field(gt=0)
    amount_high: MONEY = pa.Field(gt=0)
    amount_usd: MONEY = pa.Field(ge=0)
    amount_eur: MONEY = pa.Field(ge=0)
    amount_usd_real: MONEY = pa.Field(nullable=True, ge=0)  # decided after the shipped CPI series
    fx_rate_usd: RATE = pa.Field(gt=0)
    fx_rate_eur: RATE = pa.Field(gt=0)
    source_count: int = pa.Field(ge=1)
    overall_rank: int = pa.Field(ge=1)
    platform_rank: int = pa.Field(ge=1)
    amount_disputed: bool
    decision_date: dt.date
    fx_rate_date: dt.date

    @pa.dataframe_check
    def rate_not_after_decision(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """Each fine was converted at a rate published on or before its decision date."""
        return data.lazyframe.select(pl.col("fx_rate_date") <= pl.col("decision_date"))

    @pa.dataframe_check
    def counted_amount_within_reported_range(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """The counted amount lies between the lowest and highest figure the sources gave."""
        return data.lazyframe.select(
            (pl.col("amount_low") <= pl.col("amount")) & (pl.col("amount") <= pl.col("amount_high"))
        )

    class Config:
        strict = True
        coerce = False
        name = "LargestFines"


class DisputedAmounts(pa.DataFrameModel):
    """``marts.disputed_amounts``: one row per disputed action and source record."""

    action_id: str
    feed: str
    record_key: str
    platform: str
    jurisdiction: str
    authority: str
    currency: str
    source: str
    source_kind: str = pa.Field(isin=catalog.SOURCE_KINDS)
    source_url: str = pa.Field(nullable=True)  # offline sources have no URL
    reported_currency: str
    reported_qualifier: str = pa.Field(nullable=True)  # only when the source qualified its figure
    counted_amount: MONEY = pa.Field(gt=0)
    amount_low: MONEY = pa.Field(gt=0)
    amount_high: MONEY = pa.Field(gt=0)
    reported_amount: MONEY = pa.Field(gt=0)
    reported_amount_usd: MONEY = pa.Field(nullable=True, ge=0)  # no rate for that figure
    counted_amount_usd: MONEY = pa.Field(nullable=True, ge=0)  # no rate for the counted figure
    is_counted_figure: bool
    decision_date: dt.date
    reported_decision_date: dt.date

    @pa.dataframe_check
    def one_counted_figure_per_action(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """Exactly one source record per action gives the counted figure (its anchor)."""
        return data.lazyframe.select(pl.col("is_counted_figure").cast(pl.Int32).sum().over("action_id") == 1)

    @pa.dataframe_check
    def sources_really_disagree(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """A disputed action lists a range: its lowest figure is below its highest."""
        return data.lazyframe.select(pl.col("amount_low") <= pl.col("amount_high"))

    class Config:
        strict = True
        coerce = False
        name = "DisputedAmounts"


class NonMonetaryActions(pa.DataFrameModel):
    """``marts.non_monetary_actions``: one row per block, throttle, warning, order or other action."""

    action_id: str = pa.Field(unique=True)
    platform: str
    parent_company: str
    jurisdiction: str
    authority: str
    action_type: str = pa.Field(isin=NON_MONETARY_TYPES)
    violation: str
    legal_basis: str = pa.Field(nullable=True)  # sources do not always cite the law
    status: str = pa.Field(isin=catalog.STATUSES)
    source_url: str = pa.Field(nullable=True)  # offline sources have no URL
    decision_year: int = pa.Field(ge=1990)
    decision_date: dt.date
    decision_month_start_date: dt.date

    @pa.dataframe_check
    def month_contains_decision(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """The decision month is the first day of the decision's month."""
        return data.lazyframe.select(
            pl.col("decision_month_start_date") == pl.col("decision_date").dt.truncate("1mo")
        )

    class Config:
        strict = True
        coerce = False
        name = "NonMonetaryActions"


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


class FxDisagreements(pa.DataFrameModel):
    """``marts.fx_disagreements``: one row per converted action more than 5% off its printed figure."""

    action_id: str = pa.Field(unique=True)
    platform: str
    jurisdiction: str
    authority: str
    currency: str
    fx_source: str
    fx_quality: str = pa.Field(isin=list(catalog.FX_QUALITIES))
    source_url: str = pa.Field(nullable=True)  # offline sources have no URL
    amount: MONEY = pa.Field(nullable=True, gt=0)  # an outlier beyond DECIMAL(38,2) has none
    amount_usd: MONEY = pa.Field(ge=0)
    reported_usd: MONEY = pa.Field(nullable=True, ge=0)  # a source may print EUR only
    usd_relative_difference: float = pa.Field(nullable=True)  # idem
    amount_eur: MONEY = pa.Field(ge=0)
    reported_eur: MONEY = pa.Field(nullable=True, ge=0)  # a source may print USD only
    eur_relative_difference: float = pa.Field(nullable=True)  # idem
    fx_rate_usd: RATE = pa.Field(gt=0)
    fx_rate_eur: RATE = pa.Field(gt=0)
    is_usd_beyond_threshold: bool
    is_eur_beyond_threshold: bool
    decision_date: dt.date
    fx_rate_date: dt.date
    fx_next_rate_date: dt.date = pa.Field(nullable=True)  # only when interpolated_weekly

    @pa.dataframe_check
    def beyond_threshold(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """Every listed row differs by more than 5% in USD or in EUR, and says which."""
        usd = pl.col("usd_relative_difference").abs().fill_null(0) > 0.05
        eur = pl.col("eur_relative_difference").abs().fill_null(0) > 0.05
        return data.lazyframe.select(
            (usd | eur)
            & (pl.col("is_usd_beyond_threshold") == usd)
            & (pl.col("is_eur_beyond_threshold") == eur)
        )

    class Config:
        strict = True
        coerce = False
        name = "FxDisagreements"
