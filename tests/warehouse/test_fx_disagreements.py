"""marts.fx_disagreements end to end: real fines, printed USD figures close to and far from ours."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import duckdb
import pytest

from etl import catalog
from etl.config import load_settings
from etl.loading import models
from etl.running import pipeline
from etl.sources.feeds import enabled_feeds
from tests.conftest import AS_OF, FIXTURES, write_registry

CLOSE = FIXTURES / "fx" / "printed_usd_rub_2022.csv"  # 11 real RUB fines of 2022, all within 5%
FAR = FIXTURES / "fx" / "printed_usd_headline_error.csv"  # a real headline ten times too large


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    """Both fixture feeds run through the pipeline into a fresh warehouse, opened read-only."""
    root = tmp_path_factory.mktemp("fx_disagreements")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("FINES_DATA_DIR", str(root / "data"))
        patch.setenv("FINES_WAREHOUSE", str(root / "data" / "warehouse.duckdb"))
        for name in ("FINES_FEEDS", "FINES_FX_OVERRIDES", "FINES_QUARANTINE_THRESHOLD"):
            patch.delenv(name, raising=False)
        settings = load_settings()
        registry = write_registry(
            root / "feeds.toml",
            {
                "fx_close": {"format": "csv", "location": str(CLOSE)},
                "fx_far": {"format": "csv", "location": str(FAR)},
            },
        )
        pipeline.run(settings, enabled_feeds(registry), as_of=AS_OF)
    with duckdb.connect(str(settings.warehouse), read_only=True) as con:
        yield con


def test_only_the_fine_far_from_its_printed_figure_is_listed(warehouse: duckdb.DuckDBPyConnection):
    """TikTok's 2.6 m roubles printed as $340,000 is listed with both figures, the rate, its date and source."""
    rows = warehouse.execute(
        "select platform, amount, amount_usd, reported_usd, usd_relative_difference, fx_rate_usd, "
        "fx_source, fx_quality, fx_rate_date, fx_next_rate_date, is_usd_beyond_threshold, "
        f"is_eur_beyond_threshold from {catalog.FX_DISAGREEMENTS}"
    ).fetchall()
    assert len(rows) == 1
    platform, amount, usd, printed, difference, rate, source, quality, day, after, usd_off, eur_off = rows[0]
    assert (platform, amount, printed) == ("TikTok", Decimal("2600000.00"), Decimal("340000.00"))
    assert (source, quality, day, after) == ("ecb", "exact_day", date(2021, 4, 6), None)
    assert Decimal(33000) < usd < Decimal(35000) and usd == (amount * rate).quantize(Decimal("0.01"))
    assert difference == pytest.approx(float(usd / printed) - 1) and difference < -0.85
    assert (usd_off, eur_off) == (True, False)


def test_fines_close_to_their_printed_figure_are_not_listed(warehouse: duckdb.DuckDBPyConnection):
    """The 11 RUB fines of 2022, converted between NBP's weekly fixes, are all within 5% of the press."""
    rows = warehouse.execute(
        "select action_id, amount_usd / reported_usd - 1, fx_quality from "
        "staging.stg_core__enforcement_actions where source = 'platform-fines fx check' "
        "and decision_date >= date '2022-01-01'"
    ).fetchall()
    assert len(rows) == 11
    assert all(abs(difference) <= 0.05 for _, difference, _ in rows)
    assert {quality for *_, quality in rows} == {"interpolated_weekly"}
    listed = {
        row[0] for row in warehouse.execute(f"select action_id from {catalog.FX_DISAGREEMENTS}").fetchall()
    }
    assert listed.isdisjoint(action_id for action_id, *_ in rows)


def test_warehouse_checks_pass_with_the_disagreement_mart(warehouse: duckdb.DuckDBPyConnection):
    """Every warehouse/tests/*.sql returns no rows, including the mart's own completeness check."""
    failing = models.run_tests(warehouse)
    assert "assert_fx_disagreements__lists_every_disagreement" in failing
    assert {name: count for name, count in failing.items() if count} == {}


def test_interpolated_fact_names_both_weekly_fixes(warehouse: duckdb.DuckDBPyConnection):
    """Apple's fine of 2022-07-12 sits between NBP's fixes of 07-06 and 07-13: the fact says so."""
    ((quality, day, note),) = warehouse.execute(
        "select fx_quality, fx_rate_date, fx_note from core.enforcement_actions where platform = 'Apple'"
    ).fetchall()
    assert (quality, day) == ("interpolated_weekly", date(2022, 7, 6))
    assert note == "rate interpolated between nbp_b fixes of 2022-07-06 and 2022-07-13"


def test_interpolated_fact_stores_the_later_fix_date(warehouse: duckdb.DuckDBPyConnection):
    """core.enforcement_actions.fx_next_rate_date holds the later weekly fix (migration 012)."""
    ((after,),) = warehouse.execute(
        "select fx_next_rate_date from core.enforcement_actions where platform = 'Apple'"
    ).fetchall()
    assert after == date(2022, 7, 13)
