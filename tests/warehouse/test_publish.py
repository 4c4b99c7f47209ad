"""Readers are never blocked and never see a half-built state; crashes and races lose nothing."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
import sqlalchemy

from etl.config import BUNDLED_FEEDS, Settings
from etl.loading import load, models, publish, snapshot_copy
from etl.running import pipeline
from etl.sources.feeds import Feed
from tests.conftest import AS_OF
from tests.warehouse.test_pipeline import content_checksum

DATA = BUNDLED_FEEDS.parent
CSV = Feed(name="reference_sample", format="csv", location=str(DATA / "sample_actions.csv"))
JSONL = Feed(name="reference_jsonl", format="jsonl", location=str(DATA / "sample_actions.jsonl"))


def _registry(tmp_path: Path) -> Path:
    path = tmp_path / "feeds.toml"
    path.write_text(
        f'[feeds.reference_sample]\nformat = "csv"\nlocation = "{CSV.location}"\n'
        f'[feeds.reference_jsonl]\nformat = "jsonl"\nlocation = "{JSONL.location}"\n'
    )
    return path


def _start_run(settings: Settings, tmp_path: Path, *, pause_at: str, seconds: float) -> subprocess.Popen:
    """`fines run` over both feeds in another process, stopping at a fault point."""
    marker = tmp_path / f"paused-{pause_at}"
    env = {
        **os.environ,
        "FINES_DATA_DIR": str(settings.data_dir),
        "FINES_WAREHOUSE": str(settings.warehouse),
        "FINES_FEEDS": str(_registry(tmp_path)),
        "FINES_PAUSE_AT": pause_at,
        "FINES_PAUSE_MARKER": str(marker),
        "FINES_PAUSE_SECONDS": str(seconds),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "etl.console.cli", "run", "--as-of", AS_OF.isoformat()],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    deadline = time.monotonic() + 120
    while not marker.exists():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            out, err = process.communicate()
            pytest.fail(f"run never reached {pause_at}: {out[-2000:]} {err[-2000:]}")
        time.sleep(0.1)
    return process


def _count(con) -> int:
    return con.execute("select count(*) from core.enforcement_actions").fetchall()[0][0]


def test_duckdb_reader_is_not_blocked_and_sees_old_state_until_publish(settings: Settings, tmp_path: Path):
    """A read-only DuckDB connection held across a run queries the old state, a new one the new state."""
    pipeline.run(settings, [CSV], as_of=AS_OF)
    with duckdb.connect(str(settings.warehouse), read_only=True) as reader:
        before = _count(reader)
        run = _start_run(settings, tmp_path, pause_at="marts", seconds=3)
        during = [_count(reader) for _ in range(5)]
        assert run.wait(timeout=120) == 0, run.stderr.read()
        assert during == [before] * 5
        assert _count(reader) == before  # a held connection keeps its snapshot
    with duckdb.connect(str(settings.warehouse), read_only=True) as fresh:
        assert _count(fresh) == before + 5  # the JSON Lines feed's five actions


def test_sqlalchemy_reader_is_not_blocked_and_sees_new_state_after_publish(
    settings: Settings, tmp_path: Path
):
    """A read-only SQLAlchemy engine (duckdb-engine, as BI tools use it) works through a run."""
    pipeline.run(settings, [CSV], as_of=AS_OF)
    engine = sqlalchemy.create_engine(f"duckdb:///{settings.warehouse}", connect_args={"read_only": True})
    query = sqlalchemy.text("select sum(action_count) from marts.fines_by_platform")
    with engine.connect() as bi:
        before = bi.execute(query).scalar_one()
        run = _start_run(settings, tmp_path, pause_at="publish", seconds=3)
        during = [bi.execute(query).scalar_one() for _ in range(5)]
        assert run.wait(timeout=120) == 0, run.stderr.read()
    assert during == [before] * 5
    engine.dispose()
    with engine.connect() as bi_after:
        assert bi_after.execute(query).scalar_one() == before + 5
    engine.dispose()


@pytest.mark.parametrize("point", ["load", "marts", "publish"])
def test_run_killed_at_any_point_leaves_published_warehouse_unchanged(
    settings: Settings, tmp_path: Path, point: str
):
    """SIGKILL during load, mart build or publish: the published file is as it was; the next run completes."""
    pipeline.run(settings, [CSV], as_of=AS_OF)
    before = content_checksum(settings.warehouse)
    run = _start_run(settings, tmp_path, pause_at=point, seconds=60)
    os.kill(run.pid, signal.SIGKILL)
    run.wait(timeout=30)
    assert content_checksum(settings.warehouse) == before
    report = pipeline.run(settings, [CSV, JSONL], as_of=AS_OF)
    assert [r.status for r in report.feeds] == ["ok", "ok"]
    assert not list(settings.warehouse.parent.glob(f".{settings.warehouse.name}.build-*"))
    with duckdb.connect(str(settings.warehouse), read_only=True) as con:
        assert con.execute(
            "select count(*) from core.enforcement_actions where feed = 'reference_jsonl'"
        ).fetchall() == [(5,)]


def test_second_run_refuses_clearly_while_one_is_writing(settings: Settings, tmp_path: Path):
    """Two runs at once: the second refuses with the first one's pid; nothing is corrupted."""
    pipeline.run(settings, [CSV], as_of=AS_OF)
    first = _start_run(settings, tmp_path, pause_at="load", seconds=5)
    try:
        with pytest.raises(publish.WarehouseBusy, match=f"pid {first.pid}"):
            pipeline.run(settings, [CSV], as_of=AS_OF)
    finally:
        assert first.wait(timeout=120) == 0
    with load.connect(settings.warehouse) as con:
        assert all(count == 0 for count in models.run_tests(con).values())


def test_cli_reports_a_busy_warehouse_in_one_line(settings: Settings, tmp_path: Path):
    """The command line says the warehouse is busy and exits 1, no traceback."""
    pipeline.run(settings, [CSV], as_of=AS_OF)
    first = _start_run(settings, tmp_path, pause_at="load", seconds=5)
    env = {**os.environ, "FINES_DATA_DIR": str(settings.data_dir), "FINES_WAREHOUSE": str(settings.warehouse)}
    second = subprocess.run(
        [sys.executable, "-m", "etl.console.cli", "run", "--as-of", AS_OF.isoformat()],
        env=env,
        capture_output=True,
        text=True,
    )
    first.wait(timeout=120)
    assert second.returncode == 1
    # Progress lines may come first (stderr is not a terminal here); the error is one last line.
    assert second.stderr.splitlines()[-1].startswith("fines: error: warehouse")
    assert "Traceback" not in second.stderr


def test_upgrade_keeps_data_of_a_warehouse_from_the_first_schema_version(settings: Settings):
    """A warehouse made by schema version 1 is migrated to the latest without losing its rows."""
    settings.warehouse.parent.mkdir(parents=True)
    with duckdb.connect(str(settings.warehouse)) as con:
        load.migrate(con, up_to=1)
        con.execute(
            "insert into core.enforcement_actions (action_id, feed, source, jurisdiction, authority, platform, "
            "action_type, violation, status, fx_status, amount, currency, decision_date, batch_date, run_id) values "
            "('fa_00000000000000aa', 'legacy', 'legacy export', 'FR', 'CNIL', 'Google', 'fine', 'privacy', "
            "'imposed', 'no_rate', 150000000, 'EUR', '2021-12-31', '2022-01-10', 'run_legacy')"
        )
        con.execute(
            "insert into core.action_sources values ('fa_00000000000000aa', 'legacy', 'legacy export', 'r1', null, "
            "1, '{}', '2022-01-10')"
        )
    pipeline.run(settings, [CSV], as_of=AS_OF)
    with duckdb.connect(str(settings.warehouse), read_only=True) as con:
        ((amount, exact, kind, usd),) = con.execute(
            "select amount, amount_exact, source_kind, amount_usd from core.enforcement_actions "
            "where action_id = 'fa_00000000000000aa'"
        ).fetchall()
        versions = con.execute("select max(version) from ops.schema_version").fetchall()[0][0]
        sources = con.execute("select record_key from core.action_sources where feed = 'legacy'").fetchall()
        history = con.execute(
            "select status from core.action_status_history where action_id = 'fa_00000000000000aa'"
        ).fetchall()
    assert (amount, exact, kind) == (150000000, "150000000.00", "structured")
    assert usd is not None  # re-converted when the rates changed
    assert versions == max(int(p.name[:3]) for p in (Path(load.warehouse.ROOT) / "migrations").glob("*.sql"))
    assert sources == [("r1",)] and history == [("imposed",)]


def _publish_table(warehouse: Path, value: int) -> None:
    with publish.writer(warehouse) as con:
        con.execute(f"create or replace table t as select {value} as v")


def test_warehouse_path_links_to_the_newest_snapshot_and_keeps_the_previous_one(tmp_path: Path):
    """Each publish is a new snapshot behind the warehouse link; older ones are pruned, the previous kept."""
    warehouse = tmp_path / "warehouse.duckdb"
    for value in (1, 2, 3):
        _publish_table(warehouse, value)
    folders = sorted(path.name for path in publish.snapshots_dir(warehouse).iterdir())
    assert [name.split("-")[0] for name in folders] == ["000002", "000003"]
    assert warehouse.is_symlink() and not Path(os.readlink(warehouse)).is_absolute()
    assert publish.published_snapshot(warehouse).parent.name == folders[-1]
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("select v, current_database() from t").fetchall() == [(3, "warehouse")]


def test_new_connection_in_a_process_holding_the_old_snapshot_reads_the_new_one(tmp_path: Path):
    """DuckDB resolves the link before its per-file instance cache, so a held connection pins nothing."""
    warehouse = tmp_path / "warehouse.duckdb"
    _publish_table(warehouse, 1)
    with duckdb.connect(str(warehouse), read_only=True) as held:
        _publish_table(warehouse, 2)
        with duckdb.connect(str(warehouse), read_only=True) as fresh:
            assert fresh.execute("select v from t").fetchall() == [(2,)]
        assert held.execute("select v from t").fetchall() == [(1,)]


def test_a_warehouse_file_from_before_snapshots_becomes_a_link_and_its_reader_keeps_reading(tmp_path: Path):
    """Upgrade: the first publish replaces a plain warehouse file by a link; a reader of the file is unharmed."""
    warehouse = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        con.execute("create table t as select 1 as v")
    with duckdb.connect(str(warehouse), read_only=True) as held:
        with publish.writer(warehouse) as con:
            con.execute("insert into t values (2)")
        assert held.execute("select sum(v) from t").fetchall() == [(1,)]
    assert warehouse.is_symlink()
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("select sum(v) from t").fetchall() == [(3,)]


def test_a_link_to_a_deleted_snapshot_is_refused_in_one_line(tmp_path: Path):
    """A run never starts over from an empty warehouse because its snapshot was deleted by hand."""
    warehouse = tmp_path / "warehouse.duckdb"
    _publish_table(warehouse, 1)
    shutil.rmtree(publish.snapshots_dir(warehouse))
    with pytest.raises(publish.SnapshotMissing, match="which is missing"):
        _publish_table(warehouse, 2)
    assert warehouse.is_symlink()


def _copies(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Every file publish copies from now on (the real copy runs; its sources are recorded)."""
    sources: list[Path] = []
    copy = shutil.copyfile

    def recording(source, target):
        sources.append(Path(source))
        return copy(source, target)

    monkeypatch.setattr(publish.shutil, "copyfile", recording)
    return sources


def _stray(warehouse: Path) -> list[str]:
    return sorted(path.name for path in warehouse.parent.glob(f".{warehouse.name}.build-*"))


def test_a_copy_made_ahead_of_the_lock_is_the_build_when_nothing_was_published_meanwhile(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """A run copies the published snapshot while it prepares its batches: the writer copies nothing more."""
    warehouse = tmp_path / "warehouse.duckdb"
    _publish_table(warehouse, 1)
    copied = _copies(monkeypatch)
    with snapshot_copy.copy_ahead(warehouse) as ahead:
        assert ahead is not None
        with publish.writer(warehouse, ahead=ahead) as con:
            assert copied == [publish.published_snapshot(warehouse)]  # the copy ahead, and only it
            con.execute("insert into t values (2)")
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("select sum(v) from t").fetchall() == [(3,)]
    assert _stray(warehouse) == []


def test_a_copy_made_ahead_of_a_snapshot_published_over_since_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """Another run published while this one prepared: the writer builds on the newer snapshot, nothing is lost."""
    warehouse = tmp_path / "warehouse.duckdb"
    _publish_table(warehouse, 1)
    with snapshot_copy.copy_ahead(warehouse) as ahead:
        _publish_table(warehouse, 2)  # another run
        newer = publish.published_snapshot(warehouse)
        copied = _copies(monkeypatch)
        with publish.writer(warehouse, ahead=ahead) as con:
            assert copied == [newer]
            con.execute("insert into t values (10)")
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("select sum(v) from t").fetchall() == [(12,)]
    assert _stray(warehouse) == []


def test_a_copy_ahead_left_by_a_killed_run_is_removed_and_a_live_runs_copy_is_kept(tmp_path: Path):
    """Under the lock, a build-ahead file nobody holds is stale; one its run still holds (flock) is kept."""
    warehouse = tmp_path / "warehouse.duckdb"
    _publish_table(warehouse, 1)
    dead = warehouse.with_name(f".{warehouse.name}.build-ahead-1-deadbeef")
    live = warehouse.with_name(f".{warehouse.name}.build-ahead-1-cafecafe")  # same pid: another container
    dead.write_bytes(b"left by a killed run")
    live.write_bytes(b"being copied")
    holder = subprocess.Popen(
        [sys.executable, "-c", "import fcntl, sys, time; f = open(sys.argv[1]); fcntl.flock(f, fcntl.LOCK_EX); "
         "print('locked', flush=True); time.sleep(60)", str(live)],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout.readline().strip() == "locked"
        _publish_table(warehouse, 2)
        assert _stray(warehouse) == [live.name]
    finally:
        holder.kill()
        holder.wait()
    _publish_table(warehouse, 3)
    assert _stray(warehouse) == []
