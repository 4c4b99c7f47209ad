"""Work folders are pruned after the retention period, never the current run's (issue 13)."""

from __future__ import annotations

import os
import time
from datetime import date
from pathlib import Path

from etl.config import BUNDLED_FEEDS, load_settings
from etl.running import preparation
from etl.sources.feeds import load_registry
from etl.sources.workdir import PRUNING, prune_work

DAY_S = 24 * 3600


def make_run(work: Path, name: str, *, age_days: float, files: int = 2) -> Path:
    """A run folder with files whose last change was ``age_days`` ago."""
    folder = work / name / "feed"
    folder.mkdir(parents=True)
    stamp = time.time() - age_days * DAY_S
    for index in range(files):
        (folder / f"part{index}.parquet").write_bytes(b"x" * 1000)
        os.utime(folder / f"part{index}.parquet", (stamp, stamp))
    for path in (folder, folder.parent):
        os.utime(path, (stamp, stamp))
    return folder.parent


def test_prune_removes_old_run_folders_and_keeps_recent_ones(tmp_path):
    """Folders unchanged for longer than the retention go; younger ones stay."""
    make_run(tmp_path, "run_old", age_days=5)
    make_run(tmp_path, "run_new", age_days=1)
    assert prune_work(tmp_path, keep="run_now", retention_days=3) == ["run_old"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run_new"]


def test_prune_never_removes_the_current_run(tmp_path):
    """The current run's folder stays whatever its age (a long replay, a clock jump)."""
    make_run(tmp_path, "run_now", age_days=30)
    assert prune_work(tmp_path, keep="run_now", retention_days=0) == []
    assert (tmp_path / "run_now" / "feed" / "part0.parquet").is_file()


def test_a_recent_file_inside_keeps_an_old_folder(tmp_path):
    """Age is the newest change anywhere inside: a run still writing is never removed."""
    run = make_run(tmp_path, "run_long", age_days=10)
    (run / "feed" / "fresh.parquet").write_bytes(b"y")
    assert prune_work(tmp_path, keep="other", retention_days=3) == []


def test_half_pruned_folder_of_a_killed_process_is_removed(tmp_path):
    """A folder claimed for pruning by a process that was killed is finished off next time."""
    make_run(tmp_path, f"{PRUNING}999-run_x", age_days=0)
    assert prune_work(tmp_path, keep="run_now", retention_days=3) == [f"{PRUNING}999-run_x"]
    assert list(tmp_path.iterdir()) == []


def test_prune_ignores_files_and_a_missing_work_area(tmp_path):
    """Stray files at the top are not touched; no work area is nothing to do."""
    (tmp_path / "notes.txt").write_text("keep me")
    os.utime(tmp_path / "notes.txt", (0, 0))
    assert prune_work(tmp_path, keep="x", retention_days=0) == []
    assert prune_work(tmp_path / "absent", keep="x", retention_days=0) == []
    assert (tmp_path / "notes.txt").is_file()


def test_parse_batch_prunes_with_the_retention_setting(tmp_path, monkeypatch):
    """Every run's parsing step prunes: FINES_WORK_RETENTION_DAYS decides, the current run stays.

    Before: work/<run>/ folders were kept for ever.
    """
    monkeypatch.setenv("FINES_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("FINES_WORK_RETENTION_DAYS", "2")
    settings = load_settings()
    make_run(settings.work_dir, "run_last_week", age_days=7)
    make_run(settings.work_dir, "run_yesterday", age_days=1)
    feed = next(f for f in load_registry(BUNDLED_FEEDS) if f.format == "csv")
    batch = preparation.parse_batch(
        feed, Path(feed.location), settings=settings, as_of=date(2025, 1, 2), run_id="run_now"
    )
    assert Path(batch.actions_path).is_file()
    assert sorted(p.name for p in settings.work_dir.iterdir()) == ["run_now", "run_yesterday"]
