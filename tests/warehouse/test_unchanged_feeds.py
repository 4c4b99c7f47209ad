"""A feed whose whole input is unchanged since its load in the warehouse is not processed again.

Real runs into real DuckDB files (etl/running/unchanged.py, etl/loading/applied.py): which runs
leave a feed alone, what the run log says then, and every input change that makes a run process
the feed again.
"""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from pathlib import Path

import duckdb
import pytest

from etl.config import Settings
from etl.loading import publish
from etl.running import pipeline, preparation, unchanged
from etl.running.progress import Progress
from etl.sources.feeds import Feed
from tests.conftest import AS_OF
from tests.warehouse.test_pipeline import content_checksum

HEADER = "source,source_record_id,decision_date,jurisdiction,authority,platform,action_type,amount,currency\n"
# Plainly synthetic rows: a made-up court and platform.
ROW_1 = "synthetic-test,r1,2021-04-06,RU,Synthetic court,ExampleTube,fine,2500000,RUB\n"
ROW_2 = "synthetic-test,r2,2021-05-06,RU,Synthetic court,ExampleTube,fine,1000000,RUB\n"


class Stages(Progress):
    """Records every feed that entered the parse stage, and every finish."""

    def __init__(self) -> None:
        self.parsed: list[str] = []
        self.finished: dict[str, str] = {}

    def stage(self, feed: str | None, stage: str) -> None:  # noqa: D102
        if stage == "parse+validate+convert" and feed:
            self.parsed.append(feed)

    def finish(self, feed: str | None, outcome: str) -> None:  # noqa: D102
        if feed:
            self.finished[feed] = outcome


def _feed(tmp_path: Path, name: str, *rows: str) -> Feed:
    path = tmp_path / f"{name}.csv"
    path.write_text(HEADER + "".join(rows), encoding="utf-8")
    return Feed(name=name, format="csv", location=str(path))


def _run(settings: Settings, feeds: list[Feed], as_of=AS_OF) -> tuple[pipeline.RunReport, Stages]:
    stages = Stages()
    return pipeline.run(settings, feeds, as_of=as_of, progress=stages), stages


def _query(settings: Settings, sql: str) -> list[tuple]:
    with duckdb.connect(str(settings.warehouse), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_the_same_run_again_processes_nothing_and_leaves_the_warehouse_as_it_was(
    settings: Settings, tmp_path: Path
):
    feed = _feed(tmp_path, "synthetic", ROW_1, ROW_2)
    first, stages = _run(settings, [feed])
    assert stages.parsed == ["synthetic"] and first.feeds[0].unchanged_since is None
    before = content_checksum(settings.warehouse)

    again, stages = _run(settings, [feed])
    assert stages.parsed == []
    assert stages.finished["synthetic"] == f"unchanged since {first.run_id}"
    assert again.run_id == first.run_id
    assert dataclasses.replace(again.feeds[0], unchanged_since=None) == first.feeds[0]
    assert again.feeds[0].unchanged_since == first.run_id
    assert content_checksum(settings.warehouse) == before  # the run log row too


def test_an_unchanged_feed_in_a_new_run_repeats_its_load_counts_and_names_that_load(
    settings: Settings, tmp_path: Path
):
    kept = _feed(tmp_path, "kept", ROW_1)
    first, _ = _run(settings, [kept])
    other = _feed(tmp_path, "other", ROW_2)
    second, stages = _run(settings, [kept, other])
    assert second.run_id != first.run_id and stages.parsed == ["other"]
    rows = _query(
        settings,
        "select run_id, feed, status, rows_in, loaded, source_file, unchanged_since from ops.run_log "
        "where feed = 'kept' order by run_id = '" + first.run_id + "' desc",
    )
    assert rows[0][:2] == (first.run_id, "kept") and rows[0][-1] is None
    assert rows[1][:2] == (second.run_id, "kept") and rows[1][-1] == first.run_id
    assert rows[1][2:6] == rows[0][2:6]  # status, counts and landed file of the load that stands
    # The records keep the run that stored them.
    assert _query(settings, "select distinct run_id from core.action_sources where feed = 'kept'") == [
        (first.run_id,)
    ]


@pytest.mark.parametrize(
    "change",
    ["payload", "as_of", "threshold", "code", "replay", "load_without_fingerprint"],
)
def test_any_change_of_the_input_makes_the_next_run_process_the_feed(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change: str
):
    feed = _feed(tmp_path, "synthetic", ROW_1)
    first, _ = _run(settings, [feed])
    as_of = AS_OF
    if change == "payload":
        feed = _feed(tmp_path, "synthetic", ROW_1, ROW_2)
    elif change == "as_of":
        as_of = AS_OF + timedelta(days=1)
    elif change == "threshold":
        settings = dataclasses.replace(settings, quarantine_threshold=0.2)
    elif change == "code":
        monkeypatch.setattr(unchanged, "code_fingerprint", lambda: "another version")
    elif change == "load_without_fingerprint":
        # As an Airflow run loads it: parse, convert, then load in a later task, no fingerprint.
        landed = Path(_query(settings, "select source_file from ops.run_log")[0][0])
        parsed = preparation.parse_batch(feed, landed, settings=settings, as_of=AS_OF, run_id="airflow_run")
        batch = preparation.convert_batch(parsed, pipeline.rates_for_run(settings))
        with publish.writer(settings.warehouse) as con:
            pipeline.load_batches(
                con, [batch], {}, settings=settings, as_of=AS_OF, run_id="airflow_run",
                rates_path=Path(batch.rates_path),
            )  # fmt: skip
    if change == "replay":
        stages = Stages()
        report = pipeline.replay(settings, [feed], run_id=first.run_id, progress=stages)
    else:
        report, stages = _run(settings, [feed], as_of=as_of)
    assert stages.parsed == ["synthetic"], change
    assert report.feeds[0].status == "ok" and report.feeds[0].unchanged_since is None
    # Processed once more, the feed's input is known again: the next identical run leaves it alone.
    if change != "replay":
        _, stages = _run(settings, [feed], as_of=as_of)
        assert stages.parsed == []


def test_a_review_decision_makes_the_next_run_process_the_news_feed(settings: Settings, tmp_path: Path):
    from datetime import datetime

    from etl.loading import review
    from tests.etl.test_review import SYNTHETIC, write_rss

    feed = Feed(name="news", format="rss", location=str(write_rss(tmp_path / "news.xml", [SYNTHETIC])))
    _, stages = _run(settings, [feed])
    ((item_id,),) = _query(settings, "select quarantine_id from ops.quarantine where stage = 'review'")
    _, stages = _run(settings, [feed])
    assert stages.parsed == []
    review.reject(settings, item_id, reason="synthetic test item", decided_at=datetime(2026, 11, 30))
    _, stages = _run(settings, [feed])
    assert stages.parsed == ["news"]


def test_a_feed_that_failed_in_a_rerun_of_its_run_is_processed_again_once_mended(
    settings: Settings, tmp_path: Path
):
    """A broken entry rewrites its run's row as failed; once mended the feed is processed, not skipped.

    A same-day rerun has the same run id: the failure replaces the row of the load that stood.
    """
    feed = _feed(tmp_path, "synthetic", ROW_1)
    first, _ = _run(settings, [feed])
    broken = dataclasses.replace(feed, columns={"platform": "no_such_column"})
    failed, _ = _run(settings, [broken])
    assert failed.run_id == first.run_id and failed.feeds[0].status == "failed"
    mended, stages = _run(settings, [feed])
    assert stages.parsed == ["synthetic"]
    assert mended.feeds[0].status == "ok" and mended.feeds[0].unchanged_since is None


def test_a_feed_another_run_loaded_while_this_one_prepared_is_not_taken_as_unchanged(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """The skip is judged before the write lock; under it, the feed's load is read again."""
    feed = _feed(tmp_path, "synthetic", ROW_1)
    _run(settings, [feed])
    newer = (
        _feed(tmp_path / "elsewhere", "synthetic", ROW_1, ROW_2)
        if (tmp_path / "elsewhere").mkdir() is None
        else None
    )
    prepare = pipeline._prepare_feeds

    def with_another_run_meanwhile(*args, **kwargs):
        prepared = prepare(*args, **kwargs)
        monkeypatch.setattr(pipeline, "_prepare_feeds", prepare)
        pipeline.run(settings, [newer], as_of=AS_OF)  # another run loads a new payload of the feed
        return prepared

    monkeypatch.setattr(pipeline, "_prepare_feeds", with_another_run_meanwhile)
    report, stages = _run(settings, [feed])
    assert stages.parsed == [] and report.feeds[0].status == "failed"
    assert "another run loaded it while this run prepared" in report.feeds[0].error
    # What the other run loaded stands: both rows of its payload.
    assert _query(settings, "select count(*) from core.action_sources where feed = 'synthetic'") == [(2,)]
