"""Tests for etl.sources.fetch, against a real HTTP server on 127.0.0.1 with scripted replies."""

from __future__ import annotations

import gzip
import hashlib
import socket
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from etl.sources.extract import extract_feed
from etl.sources.feeds import Feed
from etl.sources.fetch import (
    STATE_FILE,
    FetchError,
    FetchPolicy,
    fetch_feed,
    land_bytes,
    replay,
    safe_feed_dir,
)
from tests.etl.http_script import Reply, Script, serve

DAY_1 = date(2025, 1, 2)
DAY_2 = date(2025, 1, 3)
FEED = "eu_dsa"
CSV = b"action_id,platform\n1,TikTok\n2,Meta\n"
FAST = FetchPolicy(connect_timeout_s=1.0, read_timeout_s=1.0, retries=2, backoff_s=0.001)


@pytest.fixture
def server() -> Iterator[Script]:
    with serve() as script:
        yield script


def stored_files(landing: Path) -> list[Path]:
    return sorted(p for p in landing.rglob("*") if p.is_file())


def test_fetch_feed_lands_payload_unchanged_and_content_addressed(server, tmp_path):
    """A 200 body is stored byte for byte at <landing>/<feed>/<as_of>/<sha256>.<ext>."""
    url = server.on("/actions.csv", Reply(body=CSV, headers={"ETag": '"v1"'}))
    landed = fetch_feed(FEED, url, landing=tmp_path, as_of=DAY_1, policy=FAST)
    sha = hashlib.sha256(CSV).hexdigest()
    assert landed.path == tmp_path / FEED / "2025-01-02" / f"{sha}.csv"
    assert landed.path.read_bytes() == CSV
    assert (landed.sha256, landed.size, landed.source) == (sha, len(CSV), url)
    assert (landed.etag, landed.not_modified) == ('"v1"', False)
    assert server.hits("/actions.csv")[0]["user-agent"].startswith("platform-fines/")


def test_same_bytes_twice_land_in_the_same_file_without_rewrite(server, tmp_path):
    """Fetching identical bytes again returns the same path and leaves the file untouched."""
    url = server.on("/actions.csv", Reply(body=CSV))
    first = fetch_feed(FEED, url, landing=tmp_path, as_of=DAY_1, policy=FAST)
    before = first.path.stat()
    second = fetch_feed(FEED, url, landing=tmp_path, as_of=DAY_1, policy=FAST)
    again = land_bytes(CSV, landing=tmp_path, feed=FEED, as_of=DAY_1, ext="csv", source="x")
    assert first.path == second.path == again.path
    after = first.path.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert replay(tmp_path, FEED, DAY_1) == [first.path]


@pytest.mark.parametrize("status", [500, 503, 408, 429])
def test_fetch_feed_retries_transient_status_then_succeeds(server, tmp_path, status):
    """A 5xx, 408 or 429 is retried, and a later 200 is landed."""
    url = server.on("/flaky.csv", Reply(status), Reply(body=CSV))
    landed = fetch_feed(FEED, url, landing=tmp_path, as_of=DAY_1, policy=FAST)
    assert landed.path.read_bytes() == CSV
    assert len(server.hits("/flaky.csv")) == 2


def test_fetch_feed_fails_after_retries_when_server_always_answers_500(server, tmp_path):
    """A feed whose URL always answers 500 fails after its retries, naming feed, URL, attempts."""
    url = server.on("/broken.csv", Reply(500))
    with pytest.raises(FetchError, match=r"feed eu_dsa: .*/broken\.csv failed after 3 attempts"):
        fetch_feed(FEED, url, landing=tmp_path, as_of=DAY_1, policy=FAST)
    assert len(server.hits("/broken.csv")) == 3
    assert stored_files(tmp_path) == []


def test_fetch_feed_retries_read_timeout_then_fails_clearly(server, tmp_path):
    """A server slower than the read timeout is retried, then reported with the timeout."""
    url = server.on("/slow.csv", Reply(body=CSV, delay_s=0.5))
    policy = FetchPolicy(read_timeout_s=0.1, retries=1, backoff_s=0.001)
    with pytest.raises(FetchError, match=r"failed after 2 attempts; last error: ReadTimeout"):
        fetch_feed(FEED, url, landing=tmp_path, as_of=DAY_1, policy=policy)
    assert len(server.hits("/slow.csv")) == 2


def test_fetch_feed_recovers_after_one_read_timeout(server, tmp_path):
    """One timed-out attempt followed by a fast answer lands the payload."""
    url = server.on("/slow.csv", Reply(body=b"late", delay_s=0.5), Reply(body=CSV))
    policy = FetchPolicy(read_timeout_s=0.1, retries=1, backoff_s=0.001)
    assert fetch_feed(FEED, url, landing=tmp_path, as_of=DAY_1, policy=policy).size == len(CSV)


def test_fetch_feed_retries_refused_connection_then_fails(tmp_path):
    """Connection errors are retried like timeouts and reported with the attempt count."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(FetchError, match=r"failed after 3 attempts; last error: ConnectError"):
        fetch_feed(FEED, f"http://127.0.0.1:{port}/", landing=tmp_path, as_of=DAY_1, policy=FAST)


def test_fetch_feed_does_not_retry_404(server, tmp_path):
    """A 4xx other than 408/429 fails at once, naming the status."""
    url = server.on("/missing.csv", Reply(404))
    with pytest.raises(FetchError, match=r"feed eu_dsa: .*missing\.csv answered HTTP 404"):
        fetch_feed(FEED, url, landing=tmp_path, as_of=DAY_1, policy=FAST)
    assert len(server.hits("/missing.csv")) == 1


@pytest.mark.parametrize(
    ("validator", "value", "conditional"),
    [
        ("ETag", '"abc123"', "if-none-match"),
        ("Last-Modified", "Wed, 01 Jan 2025 00:00:00 GMT", "if-modified-since"),
    ],
)
def test_not_modified_reuses_previous_payload(server, tmp_path, validator, value, conditional):
    """A 304 to a conditional request reuses the previous bytes, copied under the new date."""
    url = server.on("/actions.csv", Reply(body=CSV, headers={validator: value}), Reply(304))
    first = fetch_feed(FEED, url, landing=tmp_path, as_of=DAY_1, policy=FAST)
    second = fetch_feed(FEED, url, landing=tmp_path, as_of=DAY_2, policy=FAST)
    assert server.hits("/actions.csv")[1][conditional] == value
    assert conditional not in server.hits("/actions.csv")[0]
    assert second.not_modified and not first.not_modified
    assert second.sha256 == first.sha256
    assert second.path == tmp_path / FEED / "2025-01-03" / first.path.name
    assert second.path.read_bytes() == CSV
    assert value in (second.etag, second.last_modified)
    assert replay(tmp_path, FEED, DAY_2) == [second.path]


def test_no_conditional_request_when_previous_payload_is_gone(server, tmp_path):
    """Validators are not sent when the payload they describe is no longer in the landing area."""
    url = server.on("/actions.csv", Reply(body=CSV, headers={"ETag": '"v1"'}))
    first = fetch_feed(FEED, url, landing=tmp_path, as_of=DAY_1, policy=FAST)
    first.path.unlink()
    fetch_feed(FEED, url, landing=tmp_path, as_of=DAY_2, policy=FAST)
    assert "if-none-match" not in server.hits("/actions.csv")[1]


def test_not_modified_to_unconditional_request_is_an_error(server, tmp_path):
    """A 304 with no earlier payload to reuse fails clearly."""
    url = server.on("/actions.csv", Reply(304))
    with pytest.raises(FetchError, match="answered 304 to an unconditional request"):
        fetch_feed(FEED, url, landing=tmp_path, as_of=DAY_1, policy=FAST)


def test_gzip_content_encoding_is_decoded(server, tmp_path):
    """A gzip transfer encoding is undone: the landed bytes are the decoded payload."""
    url = server.on("/actions.csv", Reply(body=gzip.compress(CSV), headers={"Content-Encoding": "gzip"}))
    landed = fetch_feed(FEED, url, landing=tmp_path, as_of=DAY_1, policy=FAST)
    assert landed.path.read_bytes() == CSV
    assert landed.sha256 == hashlib.sha256(CSV).hexdigest()
    assert server.hits("/actions.csv")[0]["accept-encoding"] == "gzip"


def test_gzip_file_without_content_encoding_is_inflated_while_landing(server, tmp_path):
    """A .gz file served as application/gzip lands inflated, without its .gz suffix.

    Before: it landed compressed and the CSV reader inflated it, with no bound.
    """
    packed = gzip.compress(CSV)
    reply = Reply(body=packed, headers={"Content-Type": "application/gzip"})
    url = server.on("/actions.csv.gz", reply)
    landed = fetch_feed(FEED, url, landing=tmp_path, as_of=DAY_1, policy=FAST)
    assert landed.path.read_bytes() == CSV
    assert landed.path.name == f"{hashlib.sha256(CSV).hexdigest()}.csv"
    assert landed.size == len(CSV)


@pytest.mark.parametrize(
    ("body", "headers"),
    [
        (b"x" * 1001, {}),
        (gzip.compress(b"\0" * 5_000_000), {"Content-Encoding": "gzip"}),  # a gzip bomb
    ],
    ids=["plain", "gzip-bomb"],
)
def test_payload_over_size_limit_is_refused_and_nothing_stored(server, tmp_path, body, headers):
    """Bodies over max_bytes (after decoding) are refused with a clear error; nothing lands."""
    url = server.on("/big.csv", Reply(body=body, headers=headers))
    policy = FetchPolicy(max_bytes=1000, retries=0)
    message = r"feed eu_dsa: payload from .*/big\.csv exceeds the size limit of 1000 bytes"
    with pytest.raises(FetchError, match=message):
        fetch_feed(FEED, url, landing=tmp_path, as_of=DAY_1, policy=policy)
    assert stored_files(tmp_path) == []
    assert len(server.hits("/big.csv")) == 1


def test_payload_exactly_at_size_limit_is_accepted(server, tmp_path):
    """The limit is inclusive: max_bytes bytes are fine."""
    url = server.on("/edge.csv", Reply(body=b"x" * 1000))
    policy = FetchPolicy(max_bytes=1000, retries=0)
    assert fetch_feed(FEED, url, landing=tmp_path, as_of=DAY_1, policy=policy).size == 1000


BAD_NAMES = ["../x", "a/b", "", "/etc", "..", "a\\b", "Eu_dsa", "_x", "eu_dsa\n", "a" * 65]


@pytest.mark.parametrize("name", BAD_NAMES)
def test_feed_names_that_could_escape_the_landing_area_are_refused(server, tmp_path, name):
    """Invalid feed names raise ValueError naming the feed, before any request is made."""
    url = server.on("/actions.csv", Reply(body=CSV))
    with pytest.raises(ValueError, match="invalid feed name") as error:
        fetch_feed(name, url, landing=tmp_path, as_of=DAY_1, policy=FAST)
    assert repr(name) in str(error.value)
    with pytest.raises(ValueError, match="invalid feed name"):
        safe_feed_dir(tmp_path, name)
    assert server.hits("/actions.csv") == []


@settings(max_examples=100, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.text(max_size=70))
def test_safe_feed_dir_never_leaves_the_landing_area(tmp_path, name):
    """Any feed name is either refused or maps to a direct child of the landing area."""
    try:
        folder = safe_feed_dir(tmp_path, name)
    except ValueError:
        return
    assert folder.parent == tmp_path and folder.name == name


@pytest.mark.parametrize("as_uri", [False, True], ids=["path", "file-url"])
def test_fetch_feed_reads_local_files(tmp_path, as_uri):
    """A local path or file:// URL is landed unchanged, named after the file's extension."""
    source = tmp_path / "in" / "actions.jsonl"
    source.parent.mkdir()
    source.write_bytes(CSV)
    location = source.as_uri() if as_uri else str(source)
    landed = fetch_feed(FEED, location, landing=tmp_path / "landing", as_of=DAY_1)
    assert landed.path.read_bytes() == CSV
    assert landed.path.suffix == ".jsonl"
    assert landed.source == location


def test_local_file_has_no_size_limit_and_lands_in_chunks(tmp_path):
    """A local file of several read chunks, far over the remote limit, lands byte for byte."""
    source = tmp_path / "big.csv"
    payload = bytes(range(256)) * ((3 << 20) // 256 + 7)  # over three 1 MiB chunks
    source.write_bytes(payload)
    landed = fetch_feed(
        FEED, str(source), landing=tmp_path / "landing", as_of=DAY_1, policy=FetchPolicy(max_bytes=10)
    )
    assert landed.size == len(payload) and landed.path.read_bytes() == payload
    assert landed.sha256 == hashlib.sha256(payload).hexdigest() and landed.path.stem == landed.sha256
    assert [p.name for p in landed.path.parent.iterdir()] == [landed.path.name]  # no temp file left


def test_feed_max_bytes_limits_its_remote_payload(server, tmp_path):
    """A feed's own max_bytes (registry or command line) wins over the default remote limit."""
    url = server.on("/feed.csv", Reply(body=b"x" * 2000))
    small = Feed(name=FEED, format="csv", location=url, max_bytes=1000)
    with pytest.raises(FetchError, match="exceeds the size limit of 1000 bytes"):
        extract_feed(small, landing=tmp_path, as_of=DAY_1, policy=FetchPolicy(retries=0))
    roomy = Feed(name=FEED, format="csv", location=url, max_bytes=5000)
    assert extract_feed(roomy, landing=tmp_path, as_of=DAY_1, policy=FetchPolicy(max_bytes=10)).size == 2000


@pytest.mark.parametrize(
    ("location", "message"),
    [
        ("/nonexistent/actions.csv", r"feed eu_dsa: cannot read /nonexistent/actions\.csv"),
        ("ftp://example.org/actions.csv", r"feed eu_dsa: ftp://.*unsupported scheme 'ftp'"),
    ],
)
def test_unreadable_locations_fail_clearly(tmp_path, location, message):
    """Missing local files and unsupported schemes raise FetchError naming feed and location."""
    with pytest.raises(FetchError, match=message):
        fetch_feed(FEED, location, landing=tmp_path, as_of=DAY_1)


def test_replay_lists_the_payloads_of_a_date_sorted(server, tmp_path):
    """Replay returns every payload landed that date (sorted), and nothing else."""
    url = server.on("/actions.csv", Reply(body=CSV, headers={"ETag": '"v1"'}))
    fetched = fetch_feed(FEED, url, landing=tmp_path, as_of=DAY_1, policy=FAST)
    local = land_bytes(b"other", landing=tmp_path, feed=FEED, as_of=DAY_1, ext="json", source="f")
    land_bytes(b"later", landing=tmp_path, feed=FEED, as_of=DAY_2, ext="csv", source="f")
    (fetched.path.parent / ".tmp-abandoned.part").write_bytes(b"partial")
    assert (tmp_path / FEED / STATE_FILE).is_file()
    paths = replay(tmp_path, FEED, DAY_1)
    assert paths == sorted([fetched.path, local.path])
    assert [p.read_bytes() for p in paths] == [p.read_bytes() for p in sorted([fetched.path, local.path])]
    assert fetched.path.read_bytes() == CSV
    assert replay(tmp_path, FEED, date(2024, 12, 31)) == []
