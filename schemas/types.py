"""Polars types of the warehouse's decimals, for the contracts and the code that fills their columns."""

from __future__ import annotations

import polars as pl

from etl import catalog

MONEY = pl.Decimal(catalog.DECIMAL_PRECISION, catalog.MONEY_SCALE)  # amounts: DECIMAL(38, 2)
RATE = pl.Decimal(catalog.DECIMAL_PRECISION, catalog.RATE_SCALE)  # rates and fixed ratios: DECIMAL(38, 18)
