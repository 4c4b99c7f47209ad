"""Live rate refresh over HTTP (a local server): landed, parsed, and stored actions re-converted."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import duckdb
import pytest

from etl.config import Settings
from etl.money.fx_refresh import refresh, stored_live_rates
from etl.running import pipeline
from etl.running.rates_refresh import refresh_rates
from etl.sources.feeds import Feed
from etl.sources.fetch import FetchPolicy
from tests.conftest import AS_OF, FIXTURES


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def fx_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The real-format rate fixtures served on 127.0.0.1, wired into FINES_FX_*_URL."""
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), lambda *a, **k: _Quiet(*a, directory=str(FIXTURES / "fx"), **k)
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    monkeypatch.setenv("FINES_FX_ECB_URL", f"{base}/ecb_eurofxref-daily_2026-10-30.xml")
    monkeypatch.setenv("FINES_FX_NBP_A_URL", f"{base}/nbp_api_tables_A_2024-01-03_2024-01-12.json")
    monkeypatch.setenv("FINES_FX_NBP_B_URL", f"{base}/nbp_api_tables_B_2024-01-03_2024-01-10_cut.json")
    monkeypatch.setenv("FINES_FX_CBR_URL", f"{base}/cbr_XML_daily_2023-06-01_synthetic.xml?date_req={{date}}")
    try:
        yield base
    finally:
        server.shutdown()
        server.server_close()


def test_refresh_lands_and_parses_every_source(settings: Settings, fx_server: str):
    """Each source's payload lands unchanged and its rates are kept for later runs."""
    result = refresh(landing=settings.landing_dir, data_dir=settings.data_dir, as_of=date(2023, 6, 1))
    assert result["errors"] == {}
    assert set(result["sources"]) == {"ecb", "nbp_a", "nbp_b", "cbr"}
    assert all(rows > 0 for rows in result["sources"].values())
    landed = settings.landing_dir / "fx_cbr" / "2023-06-01"
    assert [p.read_bytes() for p in landed.glob("*.xml")] == [
        (FIXTURES / "fx" / "cbr_XML_daily_2023-06-01_synthetic.xml").read_bytes()
    ]
    stored = stored_live_rates(settings.data_dir)
    assert stored is not None and set(stored["source"].unique()) == {"ecb", "nbp_a", "nbp_b", "cbr"}


def test_a_source_down_does_not_stop_the_others(settings: Settings, fx_server: str, monkeypatch):
    """The Bank of Russia answering 404 fails alone, with the reason."""
    monkeypatch.setenv("FINES_FX_CBR_URL", f"{fx_server}/missing.xml")
    result = refresh(
        landing=settings.landing_dir, data_dir=settings.data_dir, as_of=date(2023, 6, 1),
        policy=FetchPolicy(retries=0, backoff_s=0.01),
    )  # fmt: skip
    assert set(result["errors"]) == {"cbr"} and "404" in result["errors"]["cbr"]
    assert set(result["sources"]) == {"ecb", "nbp_a", "nbp_b"}


def test_refreshed_rate_reconverts_stored_actions(settings: Settings, fx_server: str, tmp_path: Path):
    """A RUB fine first converted from NBP's weekly table is re-converted from the Bank of Russia."""
    feed_file = tmp_path / "rub.csv"
    feed_file.write_text(
        "source,source_record_id,decision_date,jurisdiction,authority,platform,action_type,amount,currency\n"
        "synthetic-test,r1,2023-06-01,RU,Synthetic court,ExampleTube,fine,1000000,RUB\n"
    )
    pipeline.run(settings, [Feed(name="rub", format="csv", location=str(feed_file))], as_of=AS_OF)
    query = "select fx_source, amount_usd from core.enforcement_actions"
    with duckdb.connect(str(settings.warehouse), read_only=True) as con:
        ((source_before, usd_before),) = con.execute(query).fetchall()
    assert source_before == "nbp_b"
    refresh(landing=settings.landing_dir, data_dir=settings.data_dir, as_of=date(2023, 6, 1))
    published = refresh_rates(settings, run_id="fx_test")
    assert published["rates_changed"] and published["reconverted"] == 1
    with duckdb.connect(str(settings.warehouse), read_only=True) as con:
        ((source_after, usd_after),) = con.execute(query).fetchall()
        (total,) = con.execute("select total_fines_usd from marts.fines_by_platform").fetchall()[0]
    assert source_after == "cbr" and usd_after != usd_before
    assert total == usd_after
