"""A run that stores new rates files the next run's rate set, so the next run does not build it again.

The next run's set must be the one it would build from its inputs: the test removes the
cached files, lets ``rates_for_run`` build the set again, and compares the two, with and
without an overrides file. Issue 12: building the set cost 0.8 s of a 1,000-row run into a
million-action warehouse (10% of that run), because storing the set changed its key.
"""

from __future__ import annotations

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from etl.config import Settings, load_settings
from etl.money.rates import rates_for_run
from etl.running import pipeline
from etl.sources.feeds import enabled_feeds
from tests.conftest import AS_OF, FIXTURES


@pytest.mark.parametrize("overrides", [False, True], ids=["embedded", "with-overrides"])
def test_next_run_finds_its_rate_set_and_it_equals_a_fresh_build(settings: Settings, monkeypatch, overrides):
    if overrides:
        monkeypatch.setenv("FINES_FX_OVERRIDES", str(FIXTURES / "fx" / "overrides_synthetic.csv"))
        settings = load_settings()
    feeds = [feed for feed in enabled_feeds(settings.feeds_file) if feed.name == "reference_sample"]
    first = rates_for_run(settings)  # what the first run uses: no warehouse yet
    report = pipeline.run(settings, feeds, as_of=AS_OF)
    assert [r.status for r in report.feeds] == ["ok"]
    cache = settings.data_dir / "cache"
    after_run = set(cache.glob("run-rates-*.parquet"))

    kept = rates_for_run(settings)
    assert kept != first, "the stored rates are part of the key: the first run's file is not the next one's"
    assert kept in after_run, "the next run's set was filed by the run that stored the rates"
    assert not list(cache.glob("*.tmp")), "written under a temporary name, then renamed"
    filed = pl.read_parquet(kept)

    for path in after_run:
        path.unlink()
    rebuilt = rates_for_run(settings)  # built again from the embedded, stored and override rates
    assert rebuilt == kept
    assert_frame_equal(pl.read_parquet(rebuilt), filed)
    assert filed.height > 10_000 and (filed["source"] == "override").any() == overrides
