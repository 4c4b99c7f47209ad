"""Every decompression counts against the payload limit while it streams (issue 13).

Compressed payloads are synthetic: a canonical CSV header, then rows; the bomb is the header
followed by 60 MB of one digit, which gzip (level 9) packs into about 58 KB.
"""

from __future__ import annotations

import gzip
import hashlib
import tracemalloc
import zlib
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from etl.parsing import reading
from etl.sources.extract import extract_feed
from etl.sources.feeds import Feed
from etl.sources.fetch import FetchError, FetchPolicy, fetch_feed, land_bytes
from tests.etl.http_script import Reply, Script, serve

DAY = date(2025, 1, 2)
FEED = "eu_dsa"
HEADER = b"action_id,platform,jurisdiction,authority,decision_date,action_type,amount,currency\n"
ROW = b"x1,TikTok,FR,CNIL,2023-01-12,fine,5000000,EUR\n"
CSV = HEADER + ROW
NO_RETRY = FetchPolicy(connect_timeout_s=2.0, read_timeout_s=2.0, retries=0)
DEFAULT_LIMIT = FetchPolicy().max_bytes
BOMB_DIGITS = 60_000_000


@pytest.fixture(scope="module")
def bomb() -> bytes:
    """About 58 KB of gzip that inflates to 60 MB."""
    packed = gzip.compress(HEADER + b"9" * BOMB_DIGITS, compresslevel=9)
    assert len(packed) < 62_000
    return packed


@pytest.fixture
def server() -> Iterator[Script]:
    with serve() as script:
        yield script


def landed_files(landing: Path) -> list[Path]:
    return sorted(p for p in landing.rglob("*") if p.is_file() and not p.name.startswith("_"))


def test_remote_gzip_without_content_encoding_is_refused_past_the_limit(server, tmp_path, bomb):
    """A 58 KB .gz served as application/gzip that inflates to 60 MB is refused: feed and limit named.

    Before: the limit counted the 58 KB stored, and the CSV reader inflated the rest unbounded.
    """
    url = server.on("/actions.csv.gz", Reply(body=bomb, headers={"Content-Type": "application/gzip"}))
    feed = Feed(name=FEED, format="csv", location=url)
    with pytest.raises(FetchError) as caught:
        extract_feed(feed, landing=tmp_path, as_of=DAY, policy=NO_RETRY)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(
        f"feed {FEED}: payload from {url} exceeds the size limit of {DEFAULT_LIMIT} bytes"
    )
    assert "once inflated (gzip)" in message
    assert landed_files(tmp_path) == []


@pytest.mark.parametrize("as_uri", [False, True], ids=["path", "file-url"])
def test_local_gzip_is_refused_past_the_limit(tmp_path, bomb, as_uri):
    """A local .gz inflating past the feed's limit (default 50 MiB) is refused while it streams."""
    source = tmp_path / "actions.csv.gz"
    source.write_bytes(bomb)
    feed = Feed(name=FEED, format="csv", location=source.as_uri() if as_uri else str(source))
    with pytest.raises(
        FetchError, match=rf"^feed {FEED}: payload from .*actions\.csv\.gz exceeds the size limit"
    ):
        extract_feed(feed, landing=tmp_path / "landing", as_of=DAY, policy=NO_RETRY)
    assert landed_files(tmp_path / "landing") == []


def test_local_gzip_within_a_raised_limit_lands_inflated_in_bounded_memory(tmp_path, bomb):
    """With max_bytes raised, the 60 MB lands inflated, streamed: Python memory stays a few MiB."""
    source = tmp_path / "actions.csv.gz"
    source.write_bytes(bomb)
    feed = Feed(name=FEED, format="csv", location=str(source), max_bytes=70_000_000)
    tracemalloc.start()
    try:
        landed = extract_feed(feed, landing=tmp_path / "landing", as_of=DAY, policy=NO_RETRY)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 8 * 2**20, peak
    assert landed.size == len(HEADER) + BOMB_DIGITS
    assert landed.path.stat().st_size == landed.size and landed.path.suffix == ".csv"
    with landed.path.open("rb") as handle:
        assert handle.read(len(HEADER) + 3) == HEADER + b"999"


def test_plain_local_file_still_has_no_limit(tmp_path):
    """The inflated-size rule does not touch plain local files (issue 12 decision)."""
    source = tmp_path / "actions.csv"
    source.write_bytes(HEADER + ROW * 100)
    landed = fetch_feed(
        FEED, str(source), landing=tmp_path / "l", as_of=DAY, policy=FetchPolicy(max_bytes=10)
    )
    assert landed.path.read_bytes() == source.read_bytes()


@pytest.mark.parametrize(
    "packed",
    [
        gzip.compress(CSV),
        gzip.compress(CSV[:40]) + gzip.compress(CSV[40:]),  # two members, as `cat a.gz b.gz` makes
        zlib.compress(CSV),  # Polars' read_csv inflates zlib streams too
    ],
    ids=["gzip", "gzip-two-members", "zlib"],
)
def test_compressed_local_file_lands_inflated_and_reads_as_csv(tmp_path, packed):
    """Whatever its name, compressed content lands inflated; the reader gets plain CSV."""
    source = tmp_path / "actions.dat"
    source.write_bytes(packed)
    feed = Feed(name=FEED, format="csv", location=str(source))
    landed = extract_feed(feed, landing=tmp_path / "landing", as_of=DAY, policy=NO_RETRY)
    assert landed.path.read_bytes() == CSV
    assert landed.sha256 == hashlib.sha256(CSV).hexdigest()
    raw = reading.read_feed(landed.path, feed=feed)
    assert raw["platform"].to_list() == ["TikTok"]


@pytest.mark.parametrize(
    ("packed", "message"),
    [
        (gzip.compress(gzip.compress(CSV)), r"gzip content inside gzip content is not supported"),
        (gzip.compress(CSV)[:-9], r"truncated gzip content"),
        (gzip.compress(CSV) + b"trailing junk", r"invalid gzip content"),
        (zlib.compress(CSV) + b"more", r"data after the end of the zlib stream"),
        (b"\x28\xb5\x2f\xfd" + b"\x00" * 20, r"zstd-compressed content is not supported"),
    ],
    ids=["nested", "truncated", "trailing-junk", "zlib-trailing", "zstd"],
)
def test_compressed_content_we_cannot_bound_is_refused(tmp_path, packed, message):
    """Nested, truncated, trailing-garbage and zstd content fail with one line; nothing lands."""
    source = tmp_path / "actions.csv"
    source.write_bytes(packed)
    with pytest.raises(FetchError, match=rf"^feed {FEED}: .*{message}") as caught:
        fetch_feed(FEED, str(source), landing=tmp_path / "landing", as_of=DAY)
    assert "\n" not in str(caught.value)
    assert landed_files(tmp_path / "landing") == []


def test_content_encoding_over_a_gzip_file_undoes_both_layers_within_the_limit(server, tmp_path):
    """A .gz file sent with Content-Encoding: gzip: both layers inflated, the result counted."""
    inner = gzip.compress(CSV * 10)
    url = server.on("/a.csv.gz", Reply(body=gzip.compress(inner), headers={"Content-Encoding": "gzip"}))
    landed = fetch_feed(FEED, url, landing=tmp_path, as_of=DAY, policy=NO_RETRY)
    assert landed.path.read_bytes() == CSV * 10 and landed.path.name.endswith(".csv")
    with pytest.raises(FetchError, match=r"exceeds the size limit of 100 bytes once inflated"):
        fetch_feed(FEED, url, landing=tmp_path, as_of=DAY, policy=FetchPolicy(max_bytes=100, retries=0))


def test_land_bytes_inflates_within_its_limit(tmp_path):
    """Even bytes held in memory never land compressed, nor inflate past the limit."""
    landed = land_bytes(gzip.compress(CSV), landing=tmp_path, feed=FEED, as_of=DAY, ext="csv.gz", source="x")
    assert landed.path.read_bytes() == CSV and landed.path.name.endswith(".csv")
    with pytest.raises(FetchError, match="exceeds the size limit of 10 bytes"):
        land_bytes(gzip.compress(CSV), landing=tmp_path, feed=FEED, as_of=DAY, ext="csv", source="x",
                   max_inflated=10)  # fmt: skip
