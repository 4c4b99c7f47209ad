"""What changed: each run's added, corrected and annulled actions in ops.action_changes.

Feeds here are synthetic one-row CSVs (source "synthetic-test") run through the real pipeline
into a real DuckDB file; the command is the installed ``fines`` entry point.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import duckdb
import pytest

from etl import catalog
from etl.config import Settings, load_settings
from etl.loading import publish
from etl.money.rates import rates_for_run
from etl.running import pipeline, preparation
from etl.sources.feeds import Feed

HEADER = "source,source_record_id,decision_date,jurisdiction,authority,platform,action_type,amount,currency,status\n"
FINES = Path(sys.executable).parent / "fines"


def _run(
    settings: Settings,
    path: Path,
    *,
    amount: str,
    status: str,
    as_of: date,
    authority: str = "Synthetic court",
):
    path.write_text(
        HEADER + f"synthetic-test,r1,2021-04-06,RU,{authority},ExampleTube,fine,{amount},RUB,{status}\n",
        encoding="utf-8",
    )
    report = pipeline.run(settings, [Feed(name="changes", format="csv", location=str(path))], as_of=as_of)
    assert not report.failed, report.feeds
    return report


def _changes(settings: Settings) -> list[tuple]:
    with duckdb.connect(str(settings.warehouse), read_only=True) as con:
        return con.execute(
            f"select run_id, feed, change_type, field, old_value, new_value, batch_date "
            f"from {catalog.ACTION_CHANGES} order by change_seq"
        ).fetchall()


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    """Settings of one warehouse shared by the tests that only read (or re-run without change)."""
    root = tmp_path_factory.mktemp("changes")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("FINES_DATA_DIR", str(root / "data"))
        patch.setenv("FINES_WAREHOUSE", str(root / "data" / "warehouse.duckdb"))
        yield load_settings()


@pytest.fixture(scope="module")
def history(shared: Settings) -> dict[str, str]:
    """Three runs: the fine is added, its amount corrected, then annulled. Run ids by step."""
    feed = shared.data_dir.parent / "changes.csv"
    added = _run(shared, feed, amount="1000000", status="imposed", as_of=date(2021, 5, 1))
    corrected = _run(shared, feed, amount="1200000", status="imposed", as_of=date(2021, 6, 1))
    annulled = _run(shared, feed, amount="1200000", status="annulled", as_of=date(2021, 7, 1))
    return {
        "added": added.run_id,
        "corrected": corrected.run_id,
        "annulled": annulled.run_id,
        "feed": str(feed),
    }


def test_corrected_amount_keeps_its_old_value(shared: Settings, history: dict[str, str]):
    """Added, then amount 1,000,000 -> 1,200,000 (and what follows from it), then annulled."""
    rows = _changes(shared)
    assert rows[0] == (history["added"], "changes", "added", None, None, None, date(2021, 5, 1))
    corrected = {
        field: (old, new) for run, _, kind, field, old, new, _ in rows if run == history["corrected"]
    }
    assert corrected["amount"] == ("1000000.00", "1200000.00")
    assert corrected["amount_exact"] == ("1000000", "1200000")
    old_usd, new_usd = (float(value) for value in corrected["amount_usd"])
    assert new_usd == pytest.approx(old_usd * 1.2, abs=0.02)
    assert {"amount_eur", "amount_usd_real"} <= set(corrected)
    assert "batch_date" not in corrected and "run_id" not in corrected  # bookkeeping, not facts
    assert rows[-1] == (
        history["annulled"],
        "changes",
        "annulled",
        "status",
        "imposed",
        "annulled",
        date(2021, 7, 1),
    )
    assert [kind for run, _, kind, *_ in rows if run == history["annulled"]] == ["annulled"]


def test_rerun_replay_and_retry_record_nothing_twice(shared: Settings, history: dict[str, str]):
    """The same run again, a replay of it and a retried load of a batch add no change rows."""
    before = _changes(shared)
    _run(shared, Path(history["feed"]), amount="1200000", status="annulled", as_of=date(2021, 7, 1))
    pipeline.replay(
        shared, [Feed(name="changes", format="csv", location=history["feed"])], run_id=history["annulled"]
    )
    # An Airflow retry of the load task: the same prepared batch loaded again under the same run.
    feed = Feed(name="changes", format="csv", location=history["feed"])
    rates = rates_for_run(shared)
    batch = preparation.prepare_batch(
        feed, Path(history["feed"]), settings=shared, as_of=date(2021, 7, 1), run_id=history["annulled"],
        rates_path=rates,
    )  # fmt: skip
    for _ in range(2):
        with publish.writer(shared.warehouse) as con:
            pipeline.load_batches(
                con, [batch], {}, settings=shared, as_of=date(2021, 7, 1), run_id=history["annulled"],
                rates_path=rates,
            )  # fmt: skip
    assert _changes(shared) == before


def test_recent_changes_mart_ranks_runs_and_describes_actions(shared: Settings, history: dict[str, str]):
    """marts.recent_changes: newest first, run_rank 1 = the last run, with the action's context."""
    with duckdb.connect(str(shared.warehouse), read_only=True) as con:
        rows = con.execute(
            f"select run_id, run_rank, change_type, platform, jurisdiction, decision_date "
            f"from {catalog.RECENT_CHANGES} order by change_seq desc"
        ).fetchall()
    assert rows[0] == (history["annulled"], 1, "annulled", "ExampleTube", "RU", date(2021, 4, 6))
    assert {rank for run, rank, *_ in rows if run == history["corrected"]} == {2}
    assert rows[-1][:3] == (history["added"], 3, "added")


def _fines(*args: str, settings: Settings) -> subprocess.CompletedProcess:
    env = {**os.environ, "FINES_WAREHOUSE": str(settings.warehouse), "FINES_DATA_DIR": str(settings.data_dir)}
    return subprocess.run(
        [str(FINES), *args], capture_output=True, text=True, env=env, timeout=120, check=False
    )


def test_fines_changes_prints_latest_run_since_a_date_and_one_run(shared: Settings, history: dict[str, str]):
    """`fines changes` (installed entry point): the last run by default, --since DATE, --run RUN_ID."""
    latest = _fines("changes", settings=shared)
    assert latest.returncode == 0, latest.stderr
    assert "1 annulled" in latest.stdout and "status: imposed -> annulled" in latest.stdout
    assert history["corrected"] not in latest.stdout
    since = _fines("changes", "--since", "2021-06-01", settings=shared)
    assert "amount: 1000000.00 -> 1200000.00" in since.stdout and history["added"] not in since.stdout
    one = _fines("changes", "--run", history["added"], settings=shared)
    assert (
        "1 added" in one.stdout
        and "ExampleTube RU 2021-04-06" in one.stdout
        and "now 1,200,000.00 RUB" in one.stdout  # the action as it is now
    )
    both = _fines("changes", "--run", history["added"], "--since", "2021-01-01", settings=shared)
    assert both.returncode == 2 and "not allowed with" in both.stderr


def test_fines_changes_escapes_control_characters_from_data(settings: Settings, tmp_path: Path):
    """A renamed authority with characters the contracts let through (bidi override, C1 CSI) prints escaped."""
    feed = tmp_path / "changes.csv"
    _run(settings, feed, amount="1000000", status="imposed", as_of=date(2021, 5, 1))
    _run(
        settings,
        feed,
        amount="1000000",
        status="imposed",
        as_of=date(2021, 6, 1),
        authority="Court\u202eevil\x9b2J",
    )
    result = _fines("changes", settings=settings)
    assert result.returncode == 0, result.stderr
    assert "authority: Synthetic court -> Court\\u202eevil\\x9b2J" in result.stdout
    assert "\u202e" not in result.stdout and "\x9b" not in result.stdout


def test_fines_changes_without_warehouse_fails_with_one_line(tmp_path: Path):
    """No warehouse yet: exit 1 and one line saying so."""
    env = {**os.environ, "FINES_WAREHOUSE": str(tmp_path / "missing.duckdb")}
    result = subprocess.run(
        [str(FINES), "changes"], capture_output=True, text=True, env=env, timeout=120, check=False
    )
    assert result.returncode == 1 and len(result.stderr.strip().splitlines()) == 1
    assert "does not exist yet" in result.stderr
