"""Deadlines end slow sources and slow feeds with one line naming the feed (issue 13).

The fetch deadline is tried against a real server on 127.0.0.1 that trickles one byte at a
time; the processing deadline against the real parser. Elapsed times are asserted only as
"ended long before the trickle would have", never as speed.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from etl.config import BUNDLED_FEEDS, SettingsError, load_settings
from etl.running import preparation
from etl.sources.deadlines import DeadlineExceeded, check_deadline, processing_deadline
from etl.sources.extract import extract_feed, feed_policy
from etl.sources.feeds import Feed, load_registry
from etl.sources.fetch import FetchError, FetchPolicy, fetch_feed
from tests.etl.http_script import Reply, Script, serve

DAY = date(2025, 1, 2)
FEED = "eu_dsa"
CSV = b"action_id,platform\n" + b"1,TikTok\n" * 20  # about 200 bytes: 40 s at one byte per 0.2 s


@pytest.fixture
def server() -> Iterator[Script]:
    with serve() as script:
        yield script


def _fails_within(seconds: float, call, *, match: str) -> str:  # noqa: ANN001 - a callable
    started = time.monotonic()
    with pytest.raises((FetchError, DeadlineExceeded), match=match) as caught:
        call()
    assert time.monotonic() - started < seconds
    assert "\n" not in str(caught.value)
    return str(caught.value)


def test_server_trickling_its_body_is_cut_off_at_the_fetch_deadline(server, tmp_path):
    """One byte every 0.2 s never trips the read timeout; the overall deadline ends the fetch.

    Before: the read timeout applied per read, and such a server kept the fetch alive for ever.
    """
    url = server.on("/slow.csv", Reply(body=CSV, trickle_s=0.2))
    policy = FetchPolicy(read_timeout_s=5.0, retries=3, backoff_s=0.01, deadline_s=1.0)
    message = _fails_within(
        5.0,
        lambda: fetch_feed(FEED, url, landing=tmp_path, as_of=DAY, policy=policy),
        match=rf"^feed {FEED}: fetching .*/slow\.csv exceeded the fetch deadline of 1 s",
    )
    assert "FINES_FETCH_DEADLINE" in message
    assert len(server.hits("/slow.csv")) == 1  # the deadline is not retried
    assert not [p for p in tmp_path.rglob("*") if p.is_file()]


def test_server_trickling_its_headers_is_cut_off_at_the_fetch_deadline(server, tmp_path):
    """Headers trickled a byte at a time (no body chunk to check between) are cut off too."""
    url = server.on("/slow.csv", Reply(body=CSV, header_trickle_s=0.2))
    policy = FetchPolicy(read_timeout_s=5.0, retries=0, deadline_s=1.0)
    _fails_within(
        5.0,
        lambda: fetch_feed(FEED, url, landing=tmp_path, as_of=DAY, policy=policy),
        match=rf"^feed {FEED}: fetching .* exceeded the fetch deadline of 1 s",
    )


def test_retries_and_backoff_stop_at_the_fetch_deadline(server, tmp_path):
    """A server failing with 503 is not retried past the deadline; the last error is named."""
    url = server.on("/down.csv", Reply(503))
    policy = FetchPolicy(retries=10, backoff_s=0.4, deadline_s=1.0)
    _fails_within(
        4.0,
        lambda: fetch_feed(FEED, url, landing=tmp_path, as_of=DAY, policy=policy),
        match=r"exceeded the fetch deadline of 1 s.*; last error: HTTP 503",
    )
    assert len(server.hits("/down.csv")) < 4


def test_fetch_deadline_comes_from_the_environment_and_the_registry(server, tmp_path, monkeypatch):
    """FINES_FETCH_DEADLINE sets the default; a feed's fetch_deadline wins over it."""
    url = server.on("/slow.csv", Reply(body=CSV, trickle_s=0.2))
    monkeypatch.setenv("FINES_FETCH_DEADLINE", "0.8")
    feed = Feed(name=FEED, format="csv", location=url)
    assert feed_policy(feed).deadline_s == 0.8
    _fails_within(
        5.0,
        lambda: extract_feed(feed, landing=tmp_path, as_of=DAY),
        match=r"exceeded the fetch deadline of 0\.8 s",
    )
    own = Feed(name=FEED, format="csv", location=url, fetch_deadline=0.5)
    assert feed_policy(own).deadline_s == 0.5
    assert feed_policy(own, FetchPolicy(deadline_s=30)).deadline_s == 0.5


@pytest.mark.parametrize(
    "name", ["FINES_FETCH_DEADLINE", "FINES_PROCESS_DEADLINE", "FINES_WORK_RETENTION_DAYS"]
)
@pytest.mark.parametrize("value", ["soon", "-1", "nan", "inf"])
def test_bad_deadline_settings_give_one_line_naming_the_variable(monkeypatch, name, value):
    """A setting that is not a number in range is refused by name, not with a traceback."""
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError, match=rf"^{name} must be a number from .*got '{value}'$"):
        load_settings()


def test_processing_deadline_interrupts_pure_python_work():
    """A runaway loop (like a quadratic parser) is interrupted at the deadline, naming the feed."""

    def spin() -> None:
        with processing_deadline("news_rss", 0.3):
            while True:
                pass

    message = _fails_within(3.0, spin, match=r"^feed news_rss: processing exceeded the deadline of 0\.3 s")
    assert "FINES_PROCESS_DEADLINE" in message


def test_processing_deadline_alarm_repeats_when_code_swallows_it():
    """Code that catches the first alarm (a broad except) is interrupted again until it ends."""
    swallowed = []

    def stubborn() -> None:
        with processing_deadline("news_rss", 0.2):
            while True:
                try:
                    while True:
                        pass
                except Exception as error:  # noqa: BLE001 - the point of the test
                    swallowed.append(error)
                    if len(swallowed) > 1:
                        raise ValueError("a parser's own error") from None

    _fails_within(3.0, stubborn, match=r"^feed news_rss: processing exceeded the deadline")
    assert len(swallowed) == 2


def test_processing_deadline_outside_the_main_thread_is_cooperative():
    """Off the main thread no alarm is set: check_deadline ends the loop, and a late end still fails."""
    errors: list[BaseException] = []

    def work(loop: bool) -> None:
        try:
            with processing_deadline("news_rss", 0.2):
                deadline = time.monotonic() + 1
                while time.monotonic() < deadline:
                    if loop:
                        check_deadline()
                    time.sleep(0.01)
        except DeadlineExceeded as error:
            errors.append(error)

    for loop in (True, False):
        thread = threading.Thread(target=work, args=(loop,))
        thread.start()
        thread.join()
    assert [str(e).split(":")[0] for e in errors] == ["feed news_rss", "feed news_rss"]


def test_processing_deadline_restores_the_previous_alarm_handler():
    """After the block, SIGALRM and the interval timer are as they were; fast work passes."""
    before = signal.getsignal(signal.SIGALRM)
    with processing_deadline("x", 5.0):
        assert signal.getitimer(signal.ITIMER_REAL)[0] > 0
    assert signal.getsignal(signal.SIGALRM) is before
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    check_deadline()  # outside any deadline: nothing to check


def _sample(tmp_path: Path, name: str) -> tuple[Feed, Path]:
    feed = next(f for f in load_registry(BUNDLED_FEEDS) if f.format == name)
    return feed, Path(feed.location)


def test_parse_batch_fails_a_feed_past_its_processing_deadline(tmp_path, monkeypatch):
    """FINES_PROCESS_DEADLINE bounds parse_batch; the registry's process_deadline wins over it."""
    monkeypatch.setenv("FINES_DATA_DIR", str(tmp_path))
    feed, path = _sample(tmp_path, "rss")
    monkeypatch.setenv("FINES_PROCESS_DEADLINE", "0.001")
    settings = load_settings()
    with pytest.raises(
        DeadlineExceeded, match=rf"^feed {feed.name}: processing exceeded the deadline of 0\.001 s"
    ):
        preparation.parse_batch(feed, path, settings=settings, as_of=DAY, run_id="run_a")
    assert not list((tmp_path / "work").rglob("*.parquet"))  # nothing half-written is left in place
    roomy = Feed(**{**feed.__dict__, "process_deadline": 300.0})
    batch = preparation.parse_batch(roomy, path, settings=settings, as_of=DAY, run_id="run_a")
    assert Path(batch.actions_path).is_file()


def test_processing_deadline_borrows_a_longer_outer_timer_and_gives_it_back():
    """Under a task timeout (execution_timeout) the deadline still interrupts; the outer timer is restored."""
    outer_fired = []

    def outer(signum: int, frame: object) -> None:
        outer_fired.append(True)

    before = signal.signal(signal.SIGALRM, outer)
    signal.setitimer(signal.ITIMER_REAL, 30.0)
    try:

        def spin() -> None:
            with processing_deadline("news_rss", 0.2):
                while True:
                    pass

        _fails_within(3.0, spin, match=r"^feed news_rss: processing exceeded")
        assert signal.getsignal(signal.SIGALRM) is outer
        assert 25.0 < signal.getitimer(signal.ITIMER_REAL)[0] < 30.0
        with processing_deadline("x", 60.0):  # longer than the outer timer: left alone
            assert 25.0 < signal.getitimer(signal.ITIMER_REAL)[0] < 30.0
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, before)
    assert outer_fired == []
