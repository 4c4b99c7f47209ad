"""Outliers and exact amounts, end to end from the bundled feed to the marts."""

from __future__ import annotations

from decimal import Decimal

import duckdb
import pytest

from etl.config import Settings
from etl.running import pipeline
from etl.sources.feeds import enabled_feeds
from tests.conftest import AS_OF

UNDECILLION_CLAIM = "2" + "0" * 36  # Russia's accumulated 2024 claim against Google, in rubles
KOPECKS = Decimal("21077392317.80")  # Google's 2022 turnover fine in Russia, to the kopeck


@pytest.fixture
def warehouse(settings: Settings) -> duckdb.DuckDBPyConnection:
    """The reference sample loaded into a fresh warehouse, opened read-only."""
    feeds = [feed for feed in enabled_feeds(settings.feeds_file) if feed.name == "reference_sample"]
    pipeline.run(settings, feeds, as_of=AS_OF)
    with duckdb.connect(str(settings.warehouse), read_only=True) as con:
        yield con


def test_undecillion_claim_is_stored_exactly_and_flagged(warehouse: duckdb.DuckDBPyConnection):
    """2 x 10^36 RUB overflows DECIMAL(38,2): kept digit for digit as text, flagged, not converted."""
    ((exact, amount, outlier, status, note),) = warehouse.execute(
        "select amount_exact, amount, is_outlier, fx_status, fx_note from core.enforcement_actions "
        "where amount_exact like '2000000000000%'"
    ).fetchall()
    assert exact == UNDECILLION_CLAIM and amount is None and outlier is True
    assert status == "no_rate" and "too large" in note


def test_outliers_are_visible_in_their_view_and_out_of_totals(warehouse: duckdb.DuckDBPyConnection):
    """marts.outlier_actions lists the claim; fines_by_platform totals leave it out but count it."""
    assert warehouse.execute("select amount_exact from marts.outlier_actions").fetchall() == [
        (UNDECILLION_CLAIM,)
    ]
    ((total, outliers, fines),) = warehouse.execute(
        "select total_fines_usd, outlier_count, fine_count from marts.fines_by_platform where platform = 'Google'"
    ).fetchall()
    (facts,) = warehouse.execute(
        "select sum(amount_usd) from core.enforcement_actions where platform = 'Google' and not is_outlier "
        "and action_type in ('fine', 'turnover_fine', 'periodic_penalty')"
    ).fetchone()
    assert outliers == 1 and total == facts and total < Decimal("10000000000")
    assert fines >= 2


def test_kopecks_survive_from_feed_to_marts(warehouse: duckdb.DuckDBPyConnection):
    """21,077,392,317.80 RUB keeps its kopecks in the facts and in the ranked mart."""
    ((amount, exact, usd, source, quality),) = warehouse.execute(
        "select amount, amount_exact, amount_usd, fx_source, fx_quality from core.enforcement_actions "
        "where amount = 21077392317.80"
    ).fetchall()
    assert amount == KOPECKS and exact == "21077392317.80"
    assert source == "nbp_b" and quality == "interpolated_weekly" and usd is not None
    (ranked,) = warehouse.execute(
        "select amount from marts.largest_fines where amount = 21077392317.80"
    ).fetchone()
    assert ranked == KOPECKS


def test_implausible_usd_value_is_an_outlier(settings: Settings, tmp_path):
    """A fitting amount worth over USD 1 trillion is flagged too, not summed."""
    from etl.sources.feeds import Feed

    path = tmp_path / "synthetic.csv"
    path.write_text(
        "source,source_record_id,decision_date,jurisdiction,authority,platform,action_type,amount,currency\n"
        "synthetic-test,big,2021-04-06,US,Synthetic court,ExampleTube,fine,5000000000000,USD\n"
        "synthetic-test,normal,2021-04-06,US,Synthetic court,ExampleTube,fine,5000000,USD\n"
    )
    pipeline.run(settings, [Feed(name="synthetic", format="csv", location=str(path))], as_of=AS_OF)
    with duckdb.connect(str(settings.warehouse), read_only=True) as con:
        flags = con.execute(
            "select source_record_id, is_outlier from core.enforcement_actions order by 1"
        ).fetchall()
        (total,) = con.execute("select total_fines_usd from marts.fines_by_platform").fetchone()
    assert flags == [("big", True), ("normal", False)]
    assert total == Decimal("5000000.00")
