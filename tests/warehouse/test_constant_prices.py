"""Constant prices: every converted fine also in constant US dollars of cpi.BASE_YEAR (US CPI-U).

Index values quoted here are BLS's published CPI-U (CUUR0000SA0, 1982-84 = 100): April 2021
267.054, the 2025 annual average 321.943 (BLS published no October 2025 index).
"""

from __future__ import annotations

import subprocess
import sys
import tomllib
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import duckdb
import pytest

import warehouse
from etl import catalog
from etl.config import Settings
from etl.money import cpi
from etl.running import pipeline
from etl.sources.feeds import Feed

HEADER = "source,source_record_id,decision_date,jurisdiction,authority,platform,action_type,amount,currency,status\n"
AS_OF = date(2026, 11, 29)
# Synthetic fines, except r1: the seed case (Tagansky District Court v. TikTok, 2021-04-06).
ROWS = [
    "synthetic-test,r1,2021-04-06,RU,Tagansky District Court,TikTok,fine,2500000,RUB,imposed",
    "synthetic-test,r2,2025-10-15,US,Synthetic regulator,ExampleTube,fine,1000000,USD,imposed",
    "synthetic-test,r3,2026-10-15,US,Synthetic regulator,ExampleTube,fine,500000,USD,imposed",
    "synthetic-test,r4,2018-07-18,US,Synthetic regulator,ExampleTube,fine,2000000,USD,annulled",
]


def _real(amount_usd: str, base: str, index: str) -> Decimal:
    """amount_usd x base / index, rounded half up to the cent (the documented rule)."""
    value = Decimal(amount_usd) * Decimal(base) / Decimal(index)
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A warehouse after one real run over ROWS."""
    root = tmp_path_factory.mktemp("constant_prices")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("FINES_DATA_DIR", str(root / "data"))
        patch.setenv("FINES_WAREHOUSE", str(root / "data" / "warehouse.duckdb"))
        from etl.config import load_settings

        settings = load_settings()
        feed = root / "prices.csv"
        feed.write_text(HEADER + "\n".join(ROWS) + "\n", encoding="utf-8")
        report = pipeline.run(settings, [Feed(name="prices", format="csv", location=str(feed))], as_of=AS_OF)
    assert not report.failed
    return settings.warehouse


def _facts(path: Path) -> dict[str, tuple]:
    with duckdb.connect(str(path), read_only=True) as con:
        rows = con.execute(
            "select source_record_id, amount_usd, amount_usd_real, cpi_u_index, cpi_u_period "
            f"from {catalog.ENFORCEMENT_ACTIONS}"
        ).fetchall()
    return {row[0]: row[1:] for row in rows}


def test_base_year_is_the_latest_complete_year_of_the_shipped_series():
    """BASE_YEAR is the last year with an annual average in the series the package ships."""
    series = cpi.series()
    years = series.filter(series["period_kind"] == "year")["period_start"].dt.year()
    assert years.max() == cpi.BASE_YEAR
    assert series["base_index_value"].unique().to_list() == [Decimal("321.943")]


def test_seed_fine_is_deflated_by_its_decision_month(loaded: Path):
    """2,500,000 RUB of 2021-04-06 = $32,627.17, x 321.943 / 267.054 (April 2021) in 2025 dollars."""
    amount_usd, real, index, period = _facts(loaded)["r1"]
    assert amount_usd == Decimal("32627.17")
    assert (index, period) == (Decimal("267.054"), "2021-04")
    assert real == _real("32627.17", "321.943", "267.054") == Decimal("39333.20")


def test_month_without_an_index_falls_back_to_the_annual_average(loaded: Path):
    """October 2025 has no BLS index: its year's average is used, which is the base itself."""
    amount_usd, real, index, period = _facts(loaded)["r2"]
    assert (index, period) == (Decimal("321.943"), "2025")
    assert real == amount_usd == Decimal("1000000.00")


def test_decision_after_the_shipped_series_has_no_real_amount(loaded: Path):
    """October 2026 is past the series and 2026 has no average yet: empty, never a guess."""
    amount_usd, real, index, period = _facts(loaded)["r3"]
    assert amount_usd == Decimal("500000.00")
    assert (real, index, period) == (None, None, None)


def test_marts_carry_real_totals_next_to_nominal_ones(loaded: Path):
    """Each mart's real-dollar total is the sum of the counted fines' amount_usd_real."""
    facts = _facts(loaded)
    counted = facts["r1"][1] + facts["r2"][1]  # r3 has no CPI yet, r4 is annulled
    with duckdb.connect(str(loaded), read_only=True) as con:
        by_platform = dict(
            con.execute(f"select platform, total_fines_usd_real from {catalog.FINES_BY_PLATFORM}").fetchall()
        )
        by_authority = con.execute(
            f"select sum(total_fines_usd_real) from {catalog.FINES_BY_AUTHORITY}"
        ).fetchall()
        by_year = con.execute(
            f"select sum(total_fines_usd_real), max(running_total_fines_usd_real) filter (where platform = 'TikTok') "
            f"from {catalog.FINES_OVER_TIME} where period_grain = 'year'"
        ).fetchall()
        largest = dict(
            con.execute(f"select action_id, amount_usd_real from {catalog.LARGEST_FINES}").fetchall()
        )
        ids = dict(
            con.execute(f"select source_record_id, action_id from {catalog.ENFORCEMENT_ACTIONS}").fetchall()
        )
    assert by_platform == {"TikTok": facts["r1"][1], "ExampleTube": facts["r2"][1]}
    assert by_authority == [(counted,)]
    assert by_year == [(counted, facts["r1"][1])]
    assert largest[ids["r1"]] == facts["r1"][1] and largest[ids["r3"]] is None


def test_comments_state_the_base_year(loaded: Path):
    """The facts' column comment and every real-dollar column comment name BASE_YEAR."""
    year = str(cpi.BASE_YEAR)
    with duckdb.connect(str(loaded), read_only=True) as con:
        comments = dict(
            con.execute(
                "select schema_name || '.' || table_name || '.' || column_name, comment from duckdb_columns() "
                "where column_name like '%usd_real'"
            ).fetchall()
        )
    assert f"constant {year} US dollars" in comments[f"{catalog.ENFORCEMENT_ACTIONS}.amount_usd_real"]
    assert {name for name in comments if name.startswith("marts.")} >= {
        f"{catalog.FINES_BY_PLATFORM}.total_fines_usd_real",
        f"{catalog.FINES_OVER_TIME}.running_total_fines_usd_real",
        f"{catalog.LARGEST_FINES}.amount_usd_real",
        f"{catalog.FINES_BY_AUTHORITY}.total_fines_usd_real",
    }
    assert all(f"{year} US dollars" in text for text in comments.values()), comments
    toml = tomllib.loads((warehouse.ROOT / "comments.toml").read_text(encoding="utf-8"))
    texts = [v for section in toml.values() for k, v in _flatten(section) if "usd_real" in k]
    assert texts and all(f"{year} US dollars" in text for text in texts)


def _flatten(section: dict) -> list[tuple[str, str]]:
    pairs = []
    for key, value in section.items():
        pairs += _flatten(value) if isinstance(value, dict) else [(key, value)]
    return pairs


def test_cpi_table_traces_every_figure(loaded: Path):
    """core.cpi_u holds the series with its source, once per package version; the state says which."""
    with duckdb.connect(str(loaded), read_only=True) as con:
        (months, years, sources) = con.execute(
            f"select count(*) filter (where period_kind = 'month'), count(*) filter (where period_kind = 'year'), "
            f"list(distinct source) from {cpi.CPI_U}"
        ).fetchall()[0]
        april = con.execute(
            f"select index_value from {cpi.CPI_U} where period_kind = 'month' and period_start = '2021-04-01'"
        ).fetchall()
        state = con.execute(f"select loaded from {cpi.STATE}").fetchall()
    assert months > 12 * 100 and years > 100
    assert sources == [cpi.source_label()] and state == [(cpi.source_label(),)]
    assert april == [(Decimal("267.054"),)]


def test_unchanged_series_is_not_reloaded(settings: Settings):
    """A second session finds the same package version and base year and leaves the table alone."""
    from etl.loading import load

    with load.connect(settings.warehouse) as con:
        load.migrate(con)
        assert cpi.load_cpi(con) is True
        assert cpi.load_cpi(con) is False


def test_reading_the_series_raises_no_stale_data_warning():
    """The package's stale-data warning is silenced on purpose: even -W error passes, nothing logged."""
    code = "from etl.money import cpi; print(cpi.series().height)"
    done = subprocess.run(
        [sys.executable, "-W", "error", "-c", code], capture_output=True, text=True, check=False, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert int(done.stdout) > 1000 and "out of date" not in done.stderr
