"""Conversion at the rate of the decision date: as-of rule, staleness, triangulation."""

from __future__ import annotations

import csv
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path

import polars as pl
import pytest

from etl import catalog, fx

ECB_SAMPLE = Path(__file__).parents[1] / "fixtures" / "fx" / "ecb_eurofxref-hist_sample.csv"


@pytest.fixture(scope="module")
def rates() -> pl.DataFrame:
    """Real ECB rates from the fixture (windows around 2022-03-01, 2005, 2023...)."""
    return fx.parse_ecb_history(ECB_SAMPLE.read_bytes())


def _published(day: str, currency: str) -> Decimal:
    with ECB_SAMPLE.open(newline="") as handle:
        for row in csv.DictReader(handle):
            if row["Date"] == day:
                return Decimal(row[currency])
    raise KeyError(day)


def _actions(*rows: tuple[str, str, date]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "amount": [Decimal(a) for a, _, _ in rows],
            "currency": [c for _, c, _ in rows],
            "decision_date": [d for _, _, d in rows],
        },
        schema={"amount": fx.MONEY, "currency": pl.String, "decision_date": pl.Date},
    )


def test_parse_ecb_history_reads_trailing_comma_and_na(rates: pl.DataFrame):
    """N/A cells give no row; the trailing empty column is ignored; EUR is 1 on each fixing day."""
    assert rates.filter(pl.col("currency") == "").height == 0
    rub = rates.filter((pl.col("currency") == "RUB") & (pl.col("rate_date") > date(2022, 3, 1)))
    assert rub.height == 0
    eur = rates.filter(pl.col("currency") == "EUR")
    assert eur["units_per_eur"].unique().to_list() == [Decimal(1)]
    assert eur.height == rates.filter(pl.col("currency") == "USD").height


def test_convert_to_usd_uses_last_rate_before_decision_date_across_weekend(rates: pl.DataFrame):
    """A Sunday decision (2022-02-27) takes Friday's rates (2022-02-25), never Monday's."""
    row = fx.convert_amounts(_actions(("2500000", "RUB", date(2022, 2, 27))), rates).row(0, named=True)
    assert row["fx_rate_date"] == date(2022, 2, 25)
    expected = Decimal(2500000) / _published("2022-02-25", "RUB") * _published("2022-02-25", "USD")
    assert row["amount_usd"] == expected.quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN)
    assert row["amount_eur"] == (Decimal(2500000) / _published("2022-02-25", "RUB")).quantize(Decimal("0.01"))
    assert row["fx_source"] == "ecb" and row["fx_status"] == catalog.FX_CONVERTED


def test_exact_day_rate_is_used_on_a_fixing_day(rates: pl.DataFrame):
    """On a fixing day the same day's rate is taken."""
    row = fx.convert_amounts(_actions(("100", "USD", date(2022, 3, 1))), rates).row(0, named=True)
    assert row["fx_rate_date"] == date(2022, 3, 1)
    assert row["amount_usd"] == Decimal("100.00")
    assert row["amount_eur"] == (Decimal(100) / _published("2022-03-01", "USD")).quantize(Decimal("0.01"))


def test_rate_older_than_staleness_bound_gives_no_rate(rates: pl.DataFrame):
    """RUB after the ECB stopped (2022-03-01): amount kept, no conversion, reason recorded."""
    row = fx.convert_amounts(_actions(("2500000", "RUB", date(2022, 3, 15))), rates).row(0, named=True)
    assert row["amount"] == Decimal("2500000")
    assert row["amount_usd"] is None and row["amount_eur"] is None and row["fx_rate_usd"] is None
    assert row["fx_status"] == catalog.FX_NO_RATE
    assert "2022-03-01" in row["fx_note"] and "staleness" in row["fx_note"]


def test_unknown_currency_and_dates_before_any_rate_are_not_converted(rates: pl.DataFrame):
    """No rate at all: never a rate of 1, never a later rate."""
    frame = fx.convert_amounts(
        _actions(("10", "NGN", date(2022, 3, 2)), ("10", "USD", date(1998, 12, 31))), rates
    )
    assert frame["fx_status"].to_list() == [catalog.FX_NO_RATE, catalog.FX_NO_RATE]
    assert frame["amount_usd"].null_count() == 2
    assert frame["fx_note"].to_list()[0] == "no rate for NGN on or before 2022-03-02"


def test_conversion_keeps_row_order_and_non_monetary_rows(rates: pl.DataFrame):
    """Rows come back in input order; rows without amount are marked not monetary."""
    frame = _actions(("1", "GBP", date(2026, 10, 30)), ("1", "USD", date(2022, 2, 23)))
    frame = pl.concat(
        [
            frame,
            pl.DataFrame(
                {"amount": [None], "currency": [None], "decision_date": [date(2022, 3, 2)]},
                schema=frame.schema,
            ),
        ]
    )
    out = fx.convert_amounts(frame, rates)
    assert out["currency"].to_list() == ["GBP", "USD", None]
    assert out["fx_status"].to_list() == [catalog.FX_CONVERTED, catalog.FX_CONVERTED, catalog.FX_NOT_MONETARY]


def test_triangulation_through_eur_uses_one_fixing(rates: pl.DataFrame):
    """GBP to USD = (1 / GBP per EUR) * USD per EUR, both from the same day."""
    row = fx.convert_amounts(_actions(("12700000", "GBP", date(2026, 10, 25))), rates).row(0, named=True)
    day = "2026-10-23"
    assert row["fx_rate_date"] == date(2026, 10, 23)
    rate = _published(day, "USD") / _published(day, "GBP")
    assert abs(row["fx_rate_usd"] - rate) < Decimal("1e-15")


def test_huge_amount_is_flagged_not_rounded_away(rates: pl.DataFrame):
    """An amount too large to convert exactly keeps its value and says why."""
    row = fx.convert_amounts(_actions(("9" * 30, "USD", date(2022, 3, 1))), rates).row(0, named=True)
    assert row["amount"] == Decimal("9" * 30)
    assert row["fx_status"] == catalog.FX_NO_RATE and "too large" in row["fx_note"]


def test_seed_case_tiktok_2021_04_06_with_embedded_ecb_rates():
    """The seed's fine (2.5 million RUB on 2021-04-06) is about the $32,700 reported."""
    row = fx.convert_one(Decimal(2500000), "RUB", on=date(2021, 4, 6), rates=fx.embedded_ecb_rates())
    assert Decimal(32000) <= row["amount_usd"] <= Decimal(33000)
    assert row["fx_rate_date"] == date(2021, 4, 6) and row["fx_source"] == "ecb"


def test_convert_one_raises_with_reason():
    """The command-line conversion refuses a missing rate with the reason."""
    with pytest.raises(fx.FxError, match="RUB"):
        fx.convert_one(Decimal(1), "RUB", on=date(2023, 4, 6), rates=fx.embedded_ecb_rates())
