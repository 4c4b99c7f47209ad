"""Conversion at the rate of the decision date: as-of rule, staleness, triangulation."""

from __future__ import annotations

import csv
from datetime import date, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path

import polars as pl
import pytest

from etl import catalog
from etl.config import BUNDLED_FEEDS
from etl.money import fx, fx_sources
from etl.money.rates import embedded_rates
from etl.money.redenominations import CHANGEOVERS, Changeover

ECB_SAMPLE = Path(__file__).parents[1] / "fixtures" / "fx" / "ecb_eurofxref-hist_sample.csv"


@pytest.fixture(scope="module")
def rates() -> pl.DataFrame:
    """Real ECB rates from the fixture (windows around 2022-03-01, 2005, 2023...)."""
    return fx_sources.parse_ecb_history(ECB_SAMPLE.read_bytes())


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
    row = fx.convert_one(Decimal(2500000), "RUB", on=date(2021, 4, 6), rates=fx_sources.embedded_ecb_rates())
    assert Decimal(32000) <= row["amount_usd"] <= Decimal(33000)
    assert row["fx_rate_date"] == date(2021, 4, 6) and row["fx_source"] == "ecb"


def test_convert_one_raises_with_reason():
    """The command-line conversion refuses a missing rate with the reason."""
    with pytest.raises(fx.FxError, match="RUB"):
        fx.convert_one(Decimal(1), "RUB", on=date(2023, 4, 6), rates=fx_sources.embedded_ecb_rates())


# --- Several sources: precedence, staleness per source, quality, redenominations (issue 4) ---

SAMPLE_FEED = BUNDLED_FEEDS.parent / "sample_actions.csv"


def _rates(*rows: tuple[str, str, str, str], valid_days: list[int | None] | None = None) -> pl.DataFrame:
    """Inline rates: (source, currency, ISO day, units per EUR)."""
    frame = pl.DataFrame(
        {
            "source": [r[0] for r in rows],
            "currency": [r[1] for r in rows],
            "rate_date": [date.fromisoformat(r[2]) for r in rows],
            "units_per_eur": [Decimal(r[3]) for r in rows],
            "published_rate": [r[3] for r in rows],
        },
        schema=fx.RATES_SCHEMA,
    )
    if valid_days is not None:
        frame = frame.with_columns(valid_days=pl.Series(valid_days, dtype=pl.Int32))
    return fx.combine_rates([frame])


def _legs(source: str, *days: str, usd: str = "1.25") -> list[tuple[str, str, str, str]]:
    return [(source, "USD", day, usd) for day in days] + [(source, "EUR", day, "1") for day in days]


def test_precedence_puts_cbr_before_nbp_for_rub_only():
    """Override > ECB > CBR (RUB) > NBP A > NBP B; for other currencies CBR comes last."""
    assert fx.precedence("RUB") == ("override", "ecb", "cbr", "nbp_a", "nbp_b")
    assert fx.precedence("KZT") == ("override", "ecb", "nbp_a", "nbp_b", "cbr")


@pytest.mark.parametrize(
    ("decided", "source", "rate_day"),
    [
        (date(2022, 2, 28), "ecb", date(2022, 2, 28)),  # every source has a rate: ECB wins
        (date(2022, 3, 9), "cbr", date(2022, 3, 9)),  # ECB's last RUB (03-01) is 8 days old
        (date(2022, 3, 20), "nbp_a", date(2022, 3, 18)),  # CBR's last (03-10) is 10 days old
        (date(2022, 4, 1), "nbp_b", date(2022, 3, 30)),  # NBP A stale too: the weekly table
    ],
)
def test_first_source_in_precedence_with_a_fresh_rate_wins(decided: date, source: str, rate_day: date):
    """Each source counts only within its staleness bound; the best-ranked fresh one is used."""
    rates = _rates(
        ("ecb", "RUB", "2022-02-28", "98.7"),
        ("ecb", "RUB", "2022-03-01", "117.3"),
        *_legs("ecb", "2022-02-28", "2022-03-01"),
        ("cbr", "RUB", "2022-02-28", "93.5"),
        ("cbr", "RUB", "2022-03-09", "130.0"),
        ("cbr", "RUB", "2022-03-10", "128.0"),
        *_legs("cbr", "2022-02-28", "2022-03-09", "2022-03-10"),
        ("nbp_a", "RUB", "2022-02-28", "99.0"),
        ("nbp_a", "RUB", "2022-03-18", "120.0"),
        *_legs("nbp_a", "2022-02-28", "2022-03-18"),
        ("nbp_b", "RUB", "2022-03-30", "95.0"),
        *_legs("nbp_b", "2022-03-30"),
    )
    row = fx.convert_amounts(_actions(("1000", "RUB", decided)), rates).row(0, named=True)
    assert (row["fx_source"], row["fx_rate_date"]) == (source, rate_day)


def test_weekly_table_carries_forward_16_days_daily_table_only_7():
    """A 9-day-old NBP B rate is used (weekly_source), a 10-day-old NBP A rate is not; 17 days is too old."""
    rates = _rates(
        ("nbp_a", "KZT", "2024-01-02", "500"),
        *_legs("nbp_a", "2024-01-02"),
        ("nbp_b", "KZT", "2024-01-03", "490"),
        *_legs("nbp_b", "2024-01-03", usd="1.1"),
    )
    frame = fx.convert_amounts(
        _actions(("4900", "KZT", date(2024, 1, 12)), ("4900", "KZT", date(2024, 1, 20))), rates
    )
    first, second = frame.rows(named=True)
    assert (first["fx_source"], first["fx_quality"], first["amount_eur"]) == (
        "nbp_b",
        "weekly_source",
        Decimal("10.00"),
    )
    assert first["amount_usd"] == Decimal("11.00")
    assert second["fx_status"] == catalog.FX_NO_RATE and second["fx_quality"] is None
    assert (
        second["fx_note"] == "last KZT rate (2024-01-03, nbp_b) is older than the staleness bound (16 days)"
    )


@pytest.mark.parametrize(
    ("decided", "quality"),
    [
        (date(2024, 1, 3), "exact_day"),
        (date(2024, 1, 6), "carried_forward"),
        (date(2024, 1, 13), "weekly_source"),
    ],
)
def test_fx_quality_says_how_the_rate_relates_to_the_decision_date(decided: date, quality: str):
    """exact_day on a rate day, carried_forward from an earlier daily rate, weekly_source from table B."""
    rates = _rates(
        ("nbp_a", "GBP", "2024-01-03", "0.86"),
        ("nbp_a", "GBP", "2024-01-05", "0.87"),
        *_legs("nbp_a", "2024-01-03", "2024-01-05"),
        ("nbp_b", "GBP", "2024-01-09", "0.88"),
        *_legs("nbp_b", "2024-01-09"),
    )
    row = fx.convert_amounts(_actions(("100", "GBP", decided)), rates).row(0, named=True)
    assert row["fx_quality"] == quality


def test_usd_leg_comes_from_the_same_source_and_day_or_the_source_is_skipped():
    """NBP A has KZT on 01-05 but no USD that day: not mixed with ECB's USD; NBP B's own legs are used."""
    rates = _rates(
        ("nbp_a", "KZT", "2024-01-05", "500"),
        ("ecb", "USD", "2024-01-05", "1.09"),
        ("ecb", "EUR", "2024-01-05", "1"),
        ("nbp_b", "KZT", "2024-01-03", "480"),
        *_legs("nbp_b", "2024-01-03", usd="1.2"),
    )
    row = fx.convert_amounts(_actions(("960", "KZT", date(2024, 1, 5))), rates).row(0, named=True)
    assert (row["fx_source"], row["fx_rate_date"]) == ("nbp_b", date(2024, 1, 3))
    assert row["fx_rate_usd"] == Decimal("1.2") / Decimal(480)
    assert row["amount_usd"] == Decimal("2.40")


@pytest.mark.parametrize("step", CHANGEOVERS, ids=lambda step: step.legacy)
def test_legacy_code_after_changeover_goes_through_the_fixed_ratio(step: Changeover):
    """After the changeover the amount is divided by the legislated ratio and converted as the successor."""
    day = step.on.isoformat()
    rows = [*_legs("ecb", day)]
    if step.successor != "EUR":
        rows.append(("ecb", step.successor, day, "4"))
    rates = _rates(*rows)
    amount = Decimal(100_000) * step.ratio  # at most 6 decimals in a ratio: an exact amount in cents
    row = fx.convert_amounts(_actions((str(amount), step.legacy, step.on)), rates).row(0, named=True)
    per_eur = Decimal(1) if step.successor == "EUR" else Decimal(4)
    assert row["amount_eur"] == (Decimal(100_000) / per_eur).quantize(Decimal("0.01"))
    assert row["amount_usd"] == (Decimal(125_000) / per_eur).quantize(Decimal("0.01"))
    assert row["fx_note"] == f"{step.legacy} via fixed ratio {step.ratio:f} {step.legacy}/{step.successor}"
    assert row["fx_source"] == "ecb"


@pytest.mark.parametrize("step", CHANGEOVERS, ids=lambda step: step.legacy)
def test_legacy_code_before_changeover_uses_its_own_rates_or_none(step: Changeover):
    """The day before the changeover the old code's own rate is used; without one there is no rate."""
    before = step.on - timedelta(days=1)
    rates = _rates(("nbp_a", step.legacy, before.isoformat(), "8"), *_legs("nbp_a", before.isoformat()))
    none = fx.convert_amounts(_actions(("80", step.legacy, before)), rates.head(0)).row(0, named=True)
    assert none["fx_note"] == f"no rate for {step.legacy} on or before {before}"
    row = fx.convert_amounts(_actions(("80", step.legacy, before)), rates).row(0, named=True)
    ecu = "EUR figures are ECU (XEU), which became the euro 1:1" if before.year < 1999 else None
    assert (row["amount_eur"], row["fx_source"], row["fx_note"]) == (Decimal("10.00"), "nbp_a", ecu)


def test_chained_redenomination_and_missing_successor_rate_say_why():
    """VEB decided in 2019 goes to VES at 1000 x 100000; with no VES rate the note names both codes."""
    rates = _rates(("nbp_b", "VES", "2019-01-02", "1000"), *_legs("nbp_b", "2019-01-02"))
    frame = fx.convert_amounts(
        _actions(("100000000000", "VEB", date(2019, 1, 2)), ("100000", "VEF", date(2018, 8, 20))), rates
    )
    veb, vef = frame.rows(named=True)
    assert veb["amount_eur"] == Decimal("1.00") and "VEB via fixed ratio 100000000 VEB/VES" == veb["fx_note"]
    assert vef["fx_status"] == catalog.FX_NO_RATE
    assert vef["fx_note"] == "no rate for VES on or before 2018-08-20; VEF via fixed ratio 100000 VEF/VES"


def test_override_wins_over_a_source_within_its_validity():
    """An override beats the ECB on its day and for valid_days after; USD amounts ignore override USD rows."""
    rates = fx.combine_rates(
        [
            _rates(
                ("ecb", "GBP", "2026-10-27", "0.85"),
                ("ecb", "GBP", "2026-10-29", "0.86"),
                *_legs("ecb", "2026-10-27", "2026-10-29", usd="1.1"),
            ),
            _rates(
                ("override", "GBP", "2026-10-27", "0.80"),
                ("override", "USD", "2026-10-27", "1.1"),
                valid_days=[1, 0],
            ),
        ]
    )
    frame = fx.convert_amounts(
        _actions(
            ("80", "GBP", date(2026, 10, 27)),
            ("80", "GBP", date(2026, 10, 28)),
            ("86", "GBP", date(2026, 10, 29)),
            ("11", "USD", date(2026, 10, 27)),
        ),
        rates,
    )
    assert frame["fx_source"].to_list() == ["override", "override", "ecb", "ecb"]
    assert frame["amount_eur"].to_list() == [
        Decimal("100.00"),
        Decimal("100.00"),
        Decimal("100.00"),
        Decimal("10.00"),
    ]


def test_unknown_source_ranks_last_and_counts_on_its_own_day_only():
    """A source outside the precedence table is used after all others, without carrying forward."""
    rates = _rates(("imf", "XYZ", "2024-01-03", "10"), *_legs("imf", "2024-01-03"))
    frame = fx.convert_amounts(
        _actions(("10", "XYZ", date(2024, 1, 3)), ("10", "XYZ", date(2024, 1, 4))), rates
    )
    assert frame["fx_status"].to_list() == [catalog.FX_CONVERTED, catalog.FX_NO_RATE]
    assert "(0 days)" in frame["fx_note"].to_list()[1]


def test_results_beyond_decimal_38_18_are_flagged_not_raised():
    """A large amount in a strong currency (EUR value over 10^19) is flagged instead of overflowing."""
    rates = _rates(("ecb", "KWD", "2024-01-03", "0.33"), *_legs("ecb", "2024-01-03"))
    frame = fx.convert_amounts(
        _actions(("9000000000000000000", "KWD", date(2024, 1, 3)), ("33", "KWD", date(2024, 1, 3))), rates
    )
    assert frame["fx_note"].to_list()[0] == "amount too large to convert exactly"
    assert frame["amount_eur"].to_list()[1] == Decimal("100.00")


@pytest.fixture(scope="module")
def embedded() -> pl.DataFrame:
    """The embedded ECB and NBP rates (built once per module: about 1.5 s)."""
    return embedded_rates()


def test_embedded_rates_convert_rub_after_the_ecb_stopped(embedded: pl.DataFrame):
    """With the embedded NBP tables, a RUB fine of 2023 is converted from the weekly table B."""
    row = fx.convert_one(Decimal(500000), "RUB", on=date(2023, 6, 1), rates=embedded)
    assert (row["fx_source"], row["fx_rate_date"], row["fx_next_rate_date"], row["fx_quality"]) == (
        "nbp_b",
        date(2023, 5, 31),
        date(2023, 6, 7),
        "interpolated_weekly",
    )
    assert Decimal(6000) < row["amount_usd"] < Decimal(6500)


def test_sample_feed_converted_usd_is_within_1_percent_of_the_reported_figure_for_most_rows(
    embedded: pl.DataFrame,
):
    """On the bundled real cases that state a USD figure, at least 70% are within 1% of it."""
    stated = pl.read_csv(SAMPLE_FEED, infer_schema=False).filter(pl.col("reported_usd").is_not_null())
    feed = stated.select(
        pl.col("decision_date").str.to_date(),
        pl.col("amount").cast(fx.MONEY),
        "currency",
        pl.col("reported_usd").cast(fx.MONEY),
    )
    out = fx.convert_amounts(feed, embedded)
    ratio = out["amount_usd"].cast(pl.Float64) / out["reported_usd"].cast(pl.Float64)
    within = ((ratio - 1).abs() <= 0.01).sum()
    assert out.height >= 15 and (out["fx_status"] == catalog.FX_CONVERTED).all()
    assert within / out.height >= 0.7, out.select("currency", "decision_date", "amount_usd", "reported_usd")


# --- Between two weekly fixes: linear interpolation (issue 15) ---

FX_FIXTURES = Path(__file__).parents[1] / "fixtures" / "fx"
NBP_A_JSON = FX_FIXTURES / "nbp_api_tables_A_2024-01-03_2024-01-12.json"
NBP_B_JSON = FX_FIXTURES / "nbp_api_tables_B_2024-01-03_2024-01-10_cut.json"


@pytest.fixture(scope="module")
def weekly() -> pl.DataFrame:
    """Real NBP tables: A daily 2024-01-03..12, B (weekly) fixed on 2024-01-03 and 2024-01-10."""
    return fx.combine_rates([fx_sources.parse_nbp_tables(NBP_A_JSON.read_bytes(), NBP_B_JSON.read_bytes())])


def _upe(rates: pl.DataFrame, source: str, currency: str, day: date) -> Decimal:
    (value,) = rates.filter(
        (pl.col("source") == source) & (pl.col("currency") == currency) & (pl.col("rate_date") == day)
    )["units_per_eur"].to_list()
    return value


def test_decision_between_two_weekly_fixes_gets_the_interpolated_rate_and_flag(weekly: pl.DataFrame):
    """KZT on Friday 2024-01-05 (table B on 01-03 and 01-10): both legs 2/7 of the way to the next fix."""
    before, after = date(2024, 1, 3), date(2024, 1, 10)
    weight = Decimal(2) / Decimal(7)
    kzt = [_upe(weekly, "nbp_b", "KZT", d) for d in (before, after)]
    usd = [_upe(weekly, "nbp_b", "USD", d) for d in (before, after)]
    kzt_then = kzt[0] + (kzt[1] - kzt[0]) * weight
    usd_then = usd[0] + (usd[1] - usd[0]) * weight
    row = fx.convert_one(Decimal(1_000_000), "KZT", on=date(2024, 1, 5), rates=weekly)
    assert (row["fx_source"], row["fx_quality"], row["fx_rate_date"], row["fx_next_rate_date"]) == (
        "nbp_b",
        "interpolated_weekly",
        before,
        after,
    )
    assert abs(row["fx_rate_usd"] - usd_then / kzt_then) < Decimal("1e-15")
    cents = Decimal("0.01")
    assert row["amount_usd"] == (Decimal(1_000_000) / kzt_then * usd_then).quantize(cents, ROUND_HALF_EVEN)
    assert row["amount_eur"] == (Decimal(1_000_000) / kzt_then).quantize(cents, ROUND_HALF_EVEN)
    carried = usd[0] / kzt[0]
    assert row["fx_rate_usd"] != carried  # the week's move is taken into account
    assert min(carried, usd[1] / kzt[1]) < row["fx_rate_usd"] < max(carried, usd[1] / kzt[1])
    assert row["fx_note"] == "rate interpolated between nbp_b fixes of 2024-01-03 and 2024-01-10"


def test_decision_after_the_last_weekly_fix_keeps_the_carried_forward_rate(weekly: pl.DataFrame):
    """KZT on 2024-01-12: no table B after 01-10 yet, so 01-10's rate is carried forward, as before."""
    row = fx.convert_one(Decimal(1_000_000), "KZT", on=date(2024, 1, 12), rates=weekly)
    day = date(2024, 1, 10)
    assert (row["fx_quality"], row["fx_rate_date"], row["fx_next_rate_date"], row["fx_note"]) == (
        "weekly_source",
        day,
        None,
        None,
    )
    carried = _upe(weekly, "nbp_b", "USD", day) / _upe(weekly, "nbp_b", "KZT", day)
    assert abs(row["fx_rate_usd"] - carried) < Decimal("1e-15")


def test_a_weekly_fix_of_the_decision_date_is_used_as_is(weekly: pl.DataFrame):
    """On a table-B day itself nothing is interpolated."""
    row = fx.convert_one(Decimal(100), "RUB", on=date(2024, 1, 10), rates=weekly)
    assert (row["fx_source"], row["fx_quality"], row["fx_next_rate_date"]) == ("nbp_b", "exact_day", None)


@pytest.mark.parametrize(
    ("later", "with_usd", "quality"),
    [
        ("2024-01-10", True, "interpolated_weekly"),
        ("2024-01-22", True, "weekly_source"),  # 17 days after the decision: beyond NBP B's 16
        ("2024-01-10", False, "weekly_source"),  # no USD leg of that day: the later fix is unusable
    ],
)
def test_later_weekly_fix_counts_within_the_bound_and_with_its_usd_leg(
    later: str, with_usd: bool, quality: str
):
    """Interpolation needs the later fix within the source's staleness bound and with a USD rate."""
    legs = _legs("nbp_b", later) if with_usd else [("nbp_b", "EUR", later, "1")]
    rates = _rates(
        ("nbp_b", "NGN", "2024-01-03", "1000"),
        *_legs("nbp_b", "2024-01-03"),
        ("nbp_b", "NGN", later, "1200"),
        *legs,
    )
    row = fx.convert_amounts(_actions(("5000", "NGN", date(2024, 1, 5))), rates).row(0, named=True)
    assert (row["fx_quality"], row["fx_rate_date"]) == (quality, date(2024, 1, 3))
    if quality == "interpolated_weekly":  # 2 of 7 days from 1000 to 1200 NGN per EUR
        assert row["amount_eur"] == (Decimal(5000) / (Decimal(1000) + Decimal(200) * 2 / 7)).quantize(
            Decimal("0.01")
        )
    else:
        assert row["amount_eur"] == Decimal("5.00") and row["fx_next_rate_date"] is None


def test_daily_sources_are_never_interpolated(weekly: pl.DataFrame):
    """NBP A (daily) keeps the strict last-rate-on-or-before rule even with a later fix at hand."""
    rates = _rates(
        ("nbp_a", "GBP", "2024-01-05", "0.86"),
        ("nbp_a", "GBP", "2024-01-09", "0.90"),
        *_legs("nbp_a", "2024-01-05", "2024-01-09"),
    )
    row = fx.convert_amounts(_actions(("86", "GBP", date(2024, 1, 7))), rates).row(0, named=True)
    assert (row["fx_quality"], row["fx_rate_date"], row["fx_next_rate_date"]) == (
        "carried_forward",
        date(2024, 1, 5),
        None,
    )
    assert row["amount_eur"] == Decimal("100.00")


def test_interpolation_brings_real_2022_rub_fines_closer_to_the_printed_usd(embedded: pl.DataFrame):
    """On 11 cited RUB fines of 2022 (weekly NBP B only), no row stays beyond 5% of the press's USD."""
    from etl.money.fx_check import compare_with_printed, read_printed, summarize

    compared = compare_with_printed(read_printed(FX_FIXTURES / "printed_usd_rub_2022.csv"), embedded)
    assert set(compared["quality_before"]) == {"weekly_source"}
    assert set(compared["quality_after"]) == {"interpolated_weekly"}
    summary = summarize(compared)
    assert summary["before"]["beyond_5_percent"] >= 3 and summary["after"]["beyond_5_percent"] == 0
    assert summary["after"]["within_2_percent"] > summary["before"]["within_2_percent"]
    assert summary["after"]["median_abs_difference"] < summary["before"]["median_abs_difference"]
