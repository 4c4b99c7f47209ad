"""The whole pipeline into a real DuckDB file: facts, quarantine, run log, marts."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import duckdb
import pytest

from etl.config import Settings
from etl.loading import load, models
from etl.running import pipeline
from etl.sources.feeds import Feed, enabled_feeds, load_registry
from tests.conftest import AS_OF, FIXTURES, write_registry

BAD_ROWS = FIXTURES / "feeds" / "synthetic_bad_rows.csv"


def _query(settings: Settings, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(settings.warehouse), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def content_checksum(path: Path) -> str:
    """SHA-256 over every row of every user table, in a fixed order."""
    digest = hashlib.sha256()
    with duckdb.connect(str(path), read_only=True) as con:
        tables = con.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_type = 'BASE TABLE' order by all"
        ).fetchall()
        for schema, table in tables:
            digest.update(f"{schema}.{table}".encode())
            for row in con.execute(f'select * from "{schema}"."{table}" order by all').fetchall():
                digest.update(repr(row).encode())
    return digest.hexdigest()


@pytest.fixture
def sample_feeds(settings: Settings) -> list[Feed]:
    """The bundled canonical CSV sample (21 real actions) of the default registry."""
    return [feed for feed in enabled_feeds(settings.feeds_file) if feed.name == "reference_sample"]


def test_sample_run_loads_tiktok_seed_case_within_a_dollar_range(
    settings: Settings, sample_feeds: list[Feed]
):
    """TikTok's 2.5 million RUB fine of 2021-04-06 is converted to $32,000-33,000 with provenance."""
    report = pipeline.run(settings, sample_feeds, as_of=AS_OF)
    assert [r.status for r in report.feeds] == ["ok"]
    ((usd, eur, rate_date, source),) = _query(
        settings,
        "select amount_usd, amount_eur, fx_rate_date, fx_source from core.enforcement_actions "
        "where platform = 'TikTok' and decision_date = '2021-04-06' and currency = 'RUB' and amount = 2500000",
    )
    assert 32000 <= usd <= 33000 and eur < usd
    assert str(rate_date) == "2021-04-06" and source == "ecb"
    platforms = {row[0] for row in _query(settings, "select platform from marts.fines_by_platform")}
    assert {"TikTok", "Google", "Facebook"} <= platforms


def test_marts_reconcile_with_core_facts(settings: Settings, sample_feeds: list[Feed]):
    """Every warehouse/tests/*.sql returns zero rows, and totals match the facts."""
    pipeline.run(settings, sample_feeds, as_of=AS_OF)
    with load.connect(settings.warehouse) as con:
        failures = models.run_tests(con)
    assert failures and all(count == 0 for count in failures.values()), failures
    ((facts,),) = _query(
        settings,
        "select sum(amount_usd) from core.enforcement_actions "
        "where action_type in ('fine', 'turnover_fine', 'periodic_penalty')",
    )
    ((by_platform,),) = _query(settings, "select sum(total_fines_usd) from marts.fines_by_platform")
    ((by_month,),) = _query(
        settings, "select sum(total_fines_usd) from marts.fines_over_time where period_grain = 'month'"
    )
    assert facts == by_platform == by_month and facts > 0


def test_sql_reconciliation_test_catches_a_drifted_mart(settings: Settings, sample_feeds: list[Feed]):
    """The reconciliation test really fails when a mart disagrees with the facts."""
    pipeline.run(settings, sample_feeds, as_of=AS_OF)
    with load.connect(settings.warehouse) as con:
        con.execute(
            "update marts.fines_by_platform set total_fines_usd = total_fines_usd + 1 "
            "where platform = 'TikTok'"
        )
        assert models.run_tests(con)["assert_marts__totals_reconcile"] == 1


def test_rerun_of_same_input_leaves_identical_warehouse(settings: Settings, sample_feeds: list[Feed]):
    """Running the same feeds for the same date twice gives the same content, table by table."""
    pipeline.run(settings, sample_feeds, as_of=AS_OF)
    first = content_checksum(settings.warehouse)
    pipeline.run(settings, sample_feeds, as_of=AS_OF)
    assert content_checksum(settings.warehouse) == first
    rows_in_sample = (
        len(sample_feeds[0].location and Path(sample_feeds[0].location).read_text().splitlines()) - 1
    )
    assert _query(settings, "select count(*) from core.enforcement_actions") == [(rows_in_sample,)]


def test_bad_rows_reach_quarantine_with_reasons_and_run_log_reconciles(settings: Settings, tmp_path: Path):
    """Rejected rows land in ops.quarantine; rows in = loaded + duplicates + quarantined."""
    registry = write_registry(
        tmp_path / "feeds.toml", {"synthetic": {"format": "csv", "location": str(BAD_ROWS)}}
    )
    report = pipeline.run(settings, load_registry(registry), as_of=AS_OF)
    assert report.feeds[0].status == "ok"
    rows = _query(
        settings, "select source_line, stage, reasons, payload from ops.quarantine order by source_line"
    )
    assert [r[0] for r in rows] == [1, 3, 4]
    assert len(rows[0][2]) == 3 and ",bad-1," in rows[0][3]
    ((rows_in, loaded, dups, quarantined, no_rate),) = _query(
        settings, "select rows_in, loaded, duplicates, quarantined, no_rate from ops.run_log"
    )
    assert (rows_in, loaded, dups, quarantined, no_rate) == (6, 2, 1, 3, 1)
    assert rows_in == loaded + dups + quarantined


def test_fixed_row_is_released_from_quarantine(settings: Settings, tmp_path: Path):
    """A row rejected in one run and fixed at the source is released by the next run."""
    feed_file = tmp_path / "feed.csv"
    header = (
        "source,source_record_id,decision_date,jurisdiction,authority,platform,action_type,amount,currency\n"
    )
    feed_file.write_text(header + "synthetic-test,r1,2021-04-06,RU,Synthetic court,ExampleTube,fine,-1,RUB\n")
    feeds = [Feed(name="fixable", format="csv", location=str(feed_file))]
    pipeline.run(settings, feeds, as_of=AS_OF)
    assert _query(settings, "select count(*) from ops.quarantine") == [(1,)]
    feed_file.write_text(header + "synthetic-test,r1,2021-04-06,RU,Synthetic court,ExampleTube,fine,1,RUB\n")
    pipeline.run(settings, feeds, as_of=AS_OF)
    assert _query(settings, "select count(*) from core.enforcement_actions") == [(1,)]


def test_failing_feed_does_not_stop_others_and_keeps_its_earlier_actions(settings: Settings, tmp_path: Path):
    """A feed whose file vanished fails alone; its previously loaded actions stay."""
    copy = tmp_path / "sample.csv"
    shutil.copy(BAD_ROWS, copy)
    sample = [feed for feed in enabled_feeds(settings.feeds_file) if feed.name == "reference_sample"]
    feeds = [Feed(name="flaky", format="csv", location=str(copy)), *sample]
    pipeline.run(settings, feeds, as_of=AS_OF)
    copy.unlink()
    report = pipeline.run(settings, feeds, as_of=AS_OF)
    assert {r.feed: r.status for r in report.feeds} == {"flaky": "failed", "reference_sample": "ok"}
    assert _query(settings, "select count(*) from core.enforcement_actions where feed = 'flaky'") == [(2,)]
    errors = _query(settings, "select error from ops.run_log where feed = 'flaky' and status = 'failed'")
    assert errors and "flaky" in errors[0][0]


def test_circuit_breaker_holds_back_a_mostly_broken_batch(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """Above the rejection threshold the batch is not applied, and the run log says why."""
    monkeypatch.setenv("FINES_QUARANTINE_THRESHOLD", "0.2")
    from etl.config import load_settings

    strict = load_settings()
    report = pipeline.run(strict, [Feed(name="synthetic", format="csv", location=str(BAD_ROWS))], as_of=AS_OF)
    assert report.feeds[0].status == "circuit_open" and report.feeds[0].held_back == 2
    assert _query(strict, "select count(*) from core.enforcement_actions") == [(0,)]
    ((status, error),) = _query(strict, "select status, error from ops.run_log")
    assert status == "circuit_open" and "above the threshold of 20%" in error


def test_second_writer_gets_a_clear_error(settings: Settings, sample_feeds: list[Feed]):
    """While one process writes, another cannot open the warehouse and is told why."""
    pipeline.run(settings, sample_feeds, as_of=AS_OF)
    import subprocess
    import sys

    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import duckdb,time; c=duckdb.connect({str(settings.warehouse)!r}); "
            "print('ready', flush=True); time.sleep(30)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ready"
        with pytest.raises(load.WarehouseError, match="in use by another process"):
            load.connect(settings.warehouse)
    finally:
        holder.kill()
        holder.wait()


def test_fixing_the_column_mapping_releases_quarantined_rows(settings: Settings, tmp_path: Path):
    """Rows rejected under a wrong mapping leave quarantine once the mapping is fixed and re-run."""
    feed_file = tmp_path / "other_shape.csv"
    feed_file.write_text(
        "Date,Country,Court,Company,Kind,Sum,Ccy\n2021-04-06,RU,Synthetic court,ExampleTube,fine,1000,RUB\n"
    )
    base = {"decision_date": "Date", "jurisdiction": "Country", "authority": "Court", "platform": "Company",
            "action_type": "Kind", "currency": "Ccy"}  # fmt: skip
    wrong = Feed(name="mapped", format="csv", location=str(feed_file), columns={**base, "amount": "Court"})
    pipeline.run(settings, [wrong], as_of=AS_OF)
    assert _query(settings, "select count(*) from ops.quarantine") == [(1,)]
    fixed = Feed(name="mapped", format="csv", location=str(feed_file), columns={**base, "amount": "Sum"})
    pipeline.run(settings, [fixed], as_of=AS_OF)
    assert _query(settings, "select count(*) from ops.quarantine") == [(0,)]
    assert _query(settings, "select amount_exact from core.enforcement_actions") == [("1000",)]


def test_counts_that_do_not_reconcile_fail_the_load(
    settings: Settings, sample_feeds: list[Feed], tmp_path: Path
):
    """A batch whose counts do not add up is refused and nothing of it is applied."""
    import polars as pl

    pipeline.run(settings, sample_feeds, as_of=AS_OF)
    converted = next(settings.work_dir.glob("*/reference_sample/converted.parquet"))
    rows = pl.read_parquet(converted).height
    with load.connect(settings.warehouse) as con:
        before = con.execute("select count(*) from ops.run_log").fetchall()
        with pytest.raises(load.ReconciliationError, match="do not reconcile"):
            load.load_batch(
                con, feed="reference_sample", run_id="run_broken", batch_date=AS_OF, source_file="x",
                converted_path=converted, reject_paths=[], rows_in=rows + 1, duplicates=0, threshold=0.5,
            )  # fmt: skip
        assert con.execute("select count(*) from ops.run_log").fetchall() == before
