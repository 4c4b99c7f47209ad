"""Row contracts of enforcement actions, one model per pipeline boundary.

``ParsedEnforcementAction`` guards the text read from a feed (syntax only), ``EnforcementAction``
the typed, normalised action (domain rules), and ``ConvertedEnforcementAction`` the action with
its USD/EUR values and their provenance (the contract for the warehouse).
"""

from __future__ import annotations

import datetime as dt

import pandera.polars as pa
import polars as pl
import pycountry

from etl import catalog
from schemas.types import MONEY, RATE

# ISO 4217 codes withdrawn since 1990 that real decisions were still denominated in.
HISTORIC_CURRENCIES = frozenset(
    "ATS AZM BEF BGL BGN BYB BYR CSD CYP DEM EEK ESP FIM FRF GHC GRD HRK IEP ITL LTL LUF LVL "
    "MGF MRO MTL MZM NLG PTE ROL RUR SDD SIT SKK SLL SRG STD TMM TRL VEB VEF XEU YUM ZMK ZWD "
    "ZWL".split()
)
CURRENCIES = frozenset(c.alpha_3 for c in pycountry.currencies) | HISTORIC_CURRENCIES
JURISDICTIONS = frozenset(c.alpha_2 for c in pycountry.countries) | {"EU"}
EARLIEST_DECISION = dt.date(1990, 1, 1)

_DATE = r"^\d{4}-\d{2}-\d{2}$"
_NUMBER = r"^-?\d+(\.\d+)?$"
_CONTROL = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"
_MARKUP = r"(?i)<\s*/?\s*(?:script|iframe|object|embed|style|img|svg|a|div|span|p|br|b|i)\b[^>]*>|javascript:"
MAX_TEXT = 10_000


class ParsedEnforcementAction(pa.DataFrameModel):
    """A feed row after reading and trimming: text that has the right shape to be typed."""

    feed: str
    source_kind: str = pa.Field(isin=catalog.SOURCE_KINDS)
    source_line: int = pa.Field(ge=1)
    payload: str
    batch_date: dt.date
    source: str = pa.Field(str_length={"min_value": 1})
    source_record_id: str = pa.Field(nullable=True)  # news items and spreadsheets may have none
    source_url: str = pa.Field(nullable=True, str_matches=r"^https?://\S+$")  # offline sources
    decision_date: str = pa.Field(str_matches=_DATE)
    reported_date: str = pa.Field(nullable=True, str_matches=_DATE)  # only when it differs
    jurisdiction: str = pa.Field(str_matches=r"^[A-Z]{2}$")
    authority: str = pa.Field(str_length={"min_value": 1})
    platform: str = pa.Field(str_length={"min_value": 1})
    parent_company: str = pa.Field(nullable=True)  # resolved later when the feed omits it
    action_type: str = pa.Field(str_length={"min_value": 1})
    violation: str = pa.Field(nullable=True)  # defaults to "other"
    legal_basis: str = pa.Field(nullable=True)  # not always known
    amount: str = pa.Field(nullable=True, str_matches=_NUMBER)  # empty for non-monetary actions
    amount_qualifier: str = pa.Field(nullable=True)  # "about", "more than", ...: only when stated
    currency: str = pa.Field(nullable=True, str_matches=r"^[A-Z]{3}$")  # idem
    reported_usd: str = pa.Field(nullable=True, str_matches=_NUMBER)  # only when the source states it
    reported_eur: str = pa.Field(nullable=True, str_matches=_NUMBER)  # idem
    status: str = pa.Field(nullable=True)  # defaults to "imposed"

    @pa.check("amount")
    def amount_has_at_most_2_decimals(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """An amount has at most 2 decimals (cents, kopecks), so storing it loses nothing."""
        return data.lazyframe.select(
            pl.col(data.key).is_null() | pl.col(data.key).str.contains(r"^-?\d+(\.\d{1,2})?$")
        )

    @pa.check("reported_usd", "reported_eur")
    def amount_fits_decimal_38_2(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """A stated conversion has at most 36 integer digits and 2 decimals."""
        return data.lazyframe.select(
            pl.col(data.key).is_null() | pl.col(data.key).str.contains(r"^-?\d{1,36}(\.\d{1,2})?$")
        )

    @pa.check("decision_date", "reported_date")
    def date_exists_in_calendar(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """A date is a real calendar day (no 2021-02-30)."""
        column = pl.col(data.key)
        return data.lazyframe.select(
            column.is_null() | column.str.to_date("%Y-%m-%d", strict=False).is_not_null()
        )

    @pa.dataframe_check
    def text_free_of_control_characters(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """No field holds control characters (a broken export or an injection attempt)."""
        text = [c for c, t in data.lazyframe.collect_schema().items() if t == pl.String and c != "payload"]
        return data.lazyframe.select(
            pl.all_horizontal([~pl.col(c).fill_null("").str.contains(_CONTROL) for c in text])
        )

    @pa.dataframe_check
    def text_free_of_markup(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """No field holds HTML or script markup (a scraped page pasted into a cell)."""
        text = [c for c, t in data.lazyframe.collect_schema().items() if t == pl.String and c != "payload"]
        return data.lazyframe.select(
            pl.all_horizontal([~pl.col(c).fill_null("").str.contains(_MARKUP) for c in text])
        )

    @pa.dataframe_check
    def text_fields_of_plausible_length(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """No field is longer than 10,000 characters (a broken quote swallowing the file)."""
        text = [c for c, t in data.lazyframe.collect_schema().items() if t == pl.String and c != "payload"]
        return data.lazyframe.select(
            pl.all_horizontal([pl.col(c).fill_null("").str.len_chars() <= MAX_TEXT for c in text])
        )

    class Config:
        strict = True
        coerce = False
        name = "ParsedEnforcementAction"


class EnforcementAction(pa.DataFrameModel):
    """A typed, normalised action: one decision by one authority against one platform."""

    action_id: str = pa.Field(unique=True, str_matches=r"^fa_[0-9a-f]{16}$")
    feed: str
    source_kind: str = pa.Field(isin=catalog.SOURCE_KINDS)
    source_line: int = pa.Field(ge=1)
    payload: str
    batch_date: dt.date
    source: str
    source_record_id: str = pa.Field(nullable=True)  # see ParsedEnforcementAction
    source_url: str = pa.Field(nullable=True)  # see ParsedEnforcementAction
    decision_date: dt.date = pa.Field(ge=EARLIEST_DECISION)
    reported_date: dt.date = pa.Field(nullable=True)  # only when it differs
    jurisdiction: str
    authority: str
    platform: str
    platform_reported: str
    is_known_platform: bool
    platform_candidates: str = pa.Field(nullable=True)  # nearest known platforms, unknown ones only
    parent_company: str = pa.Field(nullable=True)  # unknown platforms keep the feed's, if any
    action_type: str = pa.Field(isin=catalog.ACTION_TYPES)
    violation: str = pa.Field(isin=catalog.VIOLATIONS)
    legal_basis: str = pa.Field(nullable=True)  # not always known
    amount: MONEY = pa.Field(nullable=True)  # empty for non-monetary actions and outliers
    amount_exact: str = pa.Field(nullable=True, str_matches=r"^-?\d+(\.\d{1,2})?$")  # non-monetary: none
    is_outlier: bool
    amount_qualifier: str = pa.Field(nullable=True)  # only when the source states one
    currency: str = pa.Field(nullable=True)  # idem
    reported_usd: MONEY = pa.Field(nullable=True, ge=0)  # only when the source states it
    reported_eur: MONEY = pa.Field(nullable=True, ge=0)  # idem
    status: str = pa.Field(isin=catalog.STATUSES)

    @pa.check("currency")
    def currency_is_iso_4217(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """The currency is an ISO 4217 code, current or historic."""
        return data.lazyframe.select(pl.col(data.key).is_in(sorted(CURRENCIES)))

    @pa.check("jurisdiction")
    def jurisdiction_is_iso_3166_or_eu(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """The jurisdiction is an ISO 3166-1 alpha-2 code, or EU for EU institutions."""
        return data.lazyframe.select(pl.col(data.key).is_in(sorted(JURISDICTIONS)))

    @pa.check("amount_exact")
    def amount_is_positive(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """An amount, however large, is above zero."""
        exact = pl.col(data.key)
        return data.lazyframe.select(
            exact.is_null() | (~exact.str.starts_with("-") & exact.str.contains("[1-9]"))
        )

    @pa.dataframe_check
    def amount_is_exact_or_outlier(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """The typed amount equals the exact one; only an outlier may lack a typed amount."""
        typed = pl.col("amount_exact").cast(MONEY, strict=False)
        return data.lazyframe.select(
            pl.col("amount_exact").is_null()
            | (pl.col("amount").is_not_null() & (typed == pl.col("amount")))
            | (pl.col("amount").is_null() & pl.col("is_outlier"))
        )

    @pa.dataframe_check
    def decision_not_after_batch_date(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """A decision cannot be dated after the run that reports it."""
        return data.lazyframe.select(pl.col("decision_date") <= pl.col("batch_date"))

    @pa.dataframe_check
    def amount_matches_action_type(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """Monetary actions carry an amount and currency; other actions carry neither."""
        monetary = pl.col("action_type").is_in(catalog.MONETARY_ACTION_TYPES)
        has_amount = pl.col("amount_exact").is_not_null() & pl.col("currency").is_not_null()
        neither = pl.col("amount_exact").is_null() & pl.col("currency").is_null()
        other = pl.col("action_type") == "other"
        return data.lazyframe.select((monetary & has_amount) | (~monetary & neither) | (other & has_amount))

    class Config:
        strict = True
        coerce = False
        name = "EnforcementAction"


class ConvertedEnforcementAction(EnforcementAction):
    """An action with its USD and EUR values and the rate, rate date and source used."""

    amount_usd: MONEY = pa.Field(nullable=True, ge=0)  # empty when no rate or not monetary
    amount_eur: MONEY = pa.Field(nullable=True, ge=0)  # idem
    fx_rate_usd: RATE = pa.Field(nullable=True, gt=0)  # idem
    fx_rate_eur: RATE = pa.Field(nullable=True, gt=0)  # idem
    fx_rate_date: dt.date = pa.Field(nullable=True)  # idem
    # The later weekly fix when the rate is interpolated (else empty); optional column: frames
    # converted before interpolation existed lack it.
    fx_next_rate_date: dt.date | None = pa.Field(nullable=True)
    fx_source: str = pa.Field(nullable=True)  # idem
    fx_status: str = pa.Field(isin=[catalog.FX_CONVERTED, catalog.FX_NO_RATE, catalog.FX_NOT_MONETARY])
    fx_quality: str = pa.Field(nullable=True, isin=list(catalog.FX_QUALITIES))  # empty when not converted
    fx_note: str = pa.Field(nullable=True)  # the reason when there is no rate, or how it was derived

    @pa.dataframe_check
    def converted_rows_carry_provenance(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """A converted row has both values, both rates, a rate date and a source."""
        cols = [
            "amount_usd",
            "amount_eur",
            "fx_rate_usd",
            "fx_rate_eur",
            "fx_rate_date",
            "fx_source",
            "fx_quality",
        ]
        converted = pl.col("fx_status") == catalog.FX_CONVERTED
        return data.lazyframe.select(
            pl.when(converted)
            .then(pl.all_horizontal([pl.col(c).is_not_null() for c in cols]))
            .otherwise(pl.all_horizontal([pl.col(c).is_null() for c in cols]))
        )

    @pa.dataframe_check
    def rate_not_after_decision_date(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """The rate used was published on or before the decision date, never later."""
        return data.lazyframe.select(
            pl.col("fx_rate_date").is_null() | (pl.col("fx_rate_date") <= pl.col("decision_date"))
        )

    @pa.dataframe_check
    def next_rate_date_only_when_interpolated(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """An interpolated row has a later fix after its decision date; no other row has one."""
        if "fx_next_rate_date" not in data.lazyframe.collect_schema().names():
            return data.lazyframe.select(pl.lit(True))
        interpolated = pl.col("fx_quality") == catalog.FX_INTERPOLATED_WEEKLY
        after = pl.col("fx_next_rate_date") > pl.col("decision_date")
        return data.lazyframe.select(
            pl.when(interpolated.fill_null(False))
            .then(after.fill_null(False))
            .otherwise(pl.col("fx_next_rate_date").is_null())
        )

    @pa.dataframe_check
    def unconverted_rows_say_why(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """A monetary row without a rate records the reason."""
        return data.lazyframe.select(
            (pl.col("fx_status") != catalog.FX_NO_RATE) | pl.col("fx_note").is_not_null()
        )

    class Config:
        strict = True
        coerce = False
        name = "ConvertedEnforcementAction"
