"""All bundled feeds together: dedup across feeds, replay without network, HTTP feeds."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import duckdb
import pytest

from etl.config import BUNDLED_FEEDS, Settings
from etl.running import pipeline
from etl.sources.feeds import Feed, enabled_feeds
from tests.conftest import AS_OF
from tests.warehouse.test_pipeline import content_checksum

DATA = BUNDLED_FEEDS.parent


def _query(settings: Settings, sql: str) -> list[tuple]:
    with duckdb.connect(str(settings.warehouse), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_all_bundled_feeds_load_and_reconcile(settings: Settings):
    """Every bundled feed runs; each feed's counts reconcile in the run log."""
    report = pipeline.run(settings, enabled_feeds(settings.feeds_file), as_of=AS_OF)
    assert {r.feed for r in report.feeds} == {f.name for f in enabled_feeds(settings.feeds_file)}
    assert all(r.status == "ok" for r in report.feeds), report.feeds
    for rows_in, loaded, dups, quarantined, held in _query(
        settings, "select rows_in, loaded, duplicates, quarantined, held_back from ops.run_log"
    ):
        assert rows_in == loaded + dups + quarantined + held


def test_same_decision_from_structured_feed_and_news_is_one_action(settings: Settings):
    """Meta's EUR 1.2 billion fine (CSV, GDPR tracker and RSS) is one action with three sources."""
    pipeline.run(settings, enabled_feeds(settings.feeds_file), as_of=AS_OF)
    rows = _query(
        settings,
        "select action_id, feed, source_kind from core.enforcement_actions "
        "where platform = 'Facebook' and jurisdiction = 'IE' and amount = 1200000000",
    )
    assert len(rows) == 1 and rows[0][2] == "structured"
    feeds = {
        r[0]
        for r in _query(settings, f"select feed from core.action_sources where action_id = '{rows[0][0]}'")
    }
    assert {"reference_sample", "gdpr_tracker_sample", "news_rss_sample"} <= feeds


def test_structured_source_replaces_an_earlier_news_fact(settings: Settings):
    """News first, structured feed later: one fact, from the structured source; both sources kept."""
    news = Feed(name="news_first", format="atom", location=str(DATA / "sample_news.atom"))
    tracker = Feed(
        name="tracker_later", format="gdpr-tracker", location=str(DATA / "sample_gdpr_tracker.csv")
    )
    pipeline.run(settings, [news], as_of=AS_OF)
    before = _query(settings, "select count(*) from core.enforcement_actions where platform = 'TikTok'")
    assert before == [(1,)]
    report = pipeline.run(settings, [tracker], as_of=AS_OF)
    assert report.feeds[0].status == "ok"
    (fact,) = _query(
        settings,
        "select action_id, feed from core.enforcement_actions where platform = 'TikTok' and amount = 345000000",
    )
    assert fact[1] == "tracker_later"
    sources = _query(
        settings, f"select feed from core.action_sources where action_id = '{fact[0]}' order by feed"
    )
    assert sources == [("news_first",), ("tracker_later",)]


class _Handler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def http_feeds() -> Iterator[str]:
    """The bundled sample files served over HTTP on 127.0.0.1."""
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), lambda *a, **k: _Handler(*a, directory=str(DATA), **k)
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_replay_from_landing_reproduces_a_run_without_network(settings: Settings, http_feeds: str):
    """Feeds fetched over HTTP land unchanged; with the server gone, a replay gives the same warehouse."""
    feeds = [
        Feed(name="http_csv", format="csv", location=f"{http_feeds}/sample_actions.csv"),
        Feed(name="http_rss", format="rss", location=f"{http_feeds}/sample_news.rss"),
    ]
    report = pipeline.run(settings, feeds, as_of=AS_OF)
    assert [r.status for r in report.feeds] == ["ok", "ok"]
    landed = sorted(p.name for p in (settings.landing_dir / "http_csv" / AS_OF.isoformat()).iterdir())
    assert any(name.endswith(".csv") for name in landed)
    first = content_checksum(settings.warehouse)
    replayed = pipeline.replay(settings, feeds, run_id=report.run_id)
    assert [r.status for r in replayed.feeds] == ["ok", "ok"]
    assert content_checksum(settings.warehouse) == first


def test_feed_down_fails_alone_with_reason(settings: Settings, tmp_path: Path):
    """A feed whose server refuses connections fails; the other feed loads."""
    from etl.sources.fetch import FetchPolicy

    feeds = [
        Feed(name="down", format="csv", location="http://127.0.0.1:9/feed.csv"),
        Feed(name="local", format="csv", location=str(DATA / "sample_actions.csv")),
    ]
    policy = FetchPolicy(retries=1, backoff_s=0.01, connect_timeout_s=0.5, read_timeout_s=0.5)
    report = pipeline.run(settings, feeds, as_of=AS_OF, policy=policy)
    assert {r.feed: r.status for r in report.feeds} == {"down": "failed", "local": "ok"}
    ((error,),) = _query(settings, "select error from ops.run_log where feed = 'down'")
    assert "down" in error and "attempts" in error


def test_rerun_of_all_bundled_feeds_gives_identical_warehouse(settings: Settings):
    """Cross-feed merges count the same on every run: a second run and a replay change nothing.

    The second run leaves every feed alone (its input is unchanged, etl/running/unchanged.py);
    the replay processes every feed again, merges included.
    """
    feeds = enabled_feeds(settings.feeds_file)
    first = pipeline.run(settings, feeds, as_of=AS_OF)
    before = content_checksum(settings.warehouse)
    second = pipeline.run(settings, feeds, as_of=AS_OF)
    assert content_checksum(settings.warehouse) == before
    assert {r.unchanged_since for r in second.feeds} == {first.run_id}
    assert [replace(r, unchanged_since=None) for r in second.feeds] == first.feeds
    replayed = pipeline.replay(settings, feeds, run_id=first.run_id)
    assert content_checksum(settings.warehouse) == before
    assert sorted(replayed.feeds, key=lambda r: r.feed) == sorted(first.feeds, key=lambda r: r.feed)
