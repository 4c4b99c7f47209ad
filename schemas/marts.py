"""Contracts of the marts, checked after each build and before it is published."""

from __future__ import annotations

import datetime as dt

import pandera.polars as pa
import polars as pl

from etl import catalog

MONEY = pl.Decimal(38, 2)
RATE = pl.Decimal(38, 18)
NON_MONETARY_TYPES = [t for t in catalog.ACTION_TYPES if t not in catalog.MONETARY_ACTION_TYPES]


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
