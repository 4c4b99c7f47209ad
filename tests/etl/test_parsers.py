"""Each feed adapter on real-shaped input, and the bad payloads each must refuse clearly."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from etl.config import BUNDLED_FEEDS
from etl.parsing import news_feed, reading, transform
from etl.parsing.decoding import FeedFormatError
from etl.sources.feeds import Feed
from tests.conftest import AS_OF

DATA = BUNDLED_FEEDS.parent


def _feed(fmt: str, path: Path, **options: object) -> Feed:
    return Feed(name="adapter_test", format=fmt, location=str(path), **options)


def test_gdpr_tracker_export_maps_onto_canonical_columns():
    """Country names become ISO codes, the fine is EUR, the service named in the summary wins."""
    frame = reading.read_feed(DATA / "sample_gdpr_tracker.csv", feed=_feed("gdpr-tracker", DATA))
    first = frame.row(0, named=True)
    assert first["jurisdiction"] == "IE" and first["authority"] == "Data Protection Commission (Ireland)"
    assert first["amount"] == "1200000000" and first["currency"] == "EUR"
    assert first["platform"] == "Facebook"
    assert first["legal_basis"] == "Art. 46 (1) GDPR"
    assert json.loads(first["payload"])["ETid"] == "ETid-sample-01"
    assert frame.filter(pl.col("source_record_id") == "ETid-sample-04")["platform"].to_list() == ["Instagram"]
    assert frame.filter(pl.col("source_record_id") == "ETid-sample-02")["jurisdiction"].to_list() == ["LU"]


def test_gdpr_tracker_with_other_columns_is_refused(tmp_path: Path):
    """A file that is not the tracker's shape names the columns it lacks."""
    path = tmp_path / "other.csv"
    path.write_text("ETid,Country\n1,SPAIN\n")
    with pytest.raises(FeedFormatError, match="missing columns"):
        reading.read_feed(path, feed=_feed("gdpr-tracker", path))


def test_jsonl_keeps_nested_values_in_payload(tmp_path: Path):
    """JSON Lines values become text; nested lists survive as JSON in the payload."""
    frame = reading.read_feed(DATA / "sample_actions.jsonl", feed=_feed("jsonl", DATA))
    assert frame.height == 5 and frame["amount"].to_list()[0] == "10000000"
    assert json.loads(json.loads(frame["payload"][0])["tags"]) == ["local-representative", "same-day-fines"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"a": 1}\n{"a": 2\n', "line 2: not JSON"),
        ("[1, 2]\n", "line 1: expected a JSON object"),
    ],
)
def test_broken_jsonl_names_the_line(tmp_path: Path, content: str, message: str):
    """A broken JSON Lines file names the line that breaks."""
    path = tmp_path / "broken.jsonl"
    path.write_text(content)
    with pytest.raises(FeedFormatError, match=message):
        reading.read_feed(path, feed=_feed("jsonl", path))


@pytest.mark.parametrize("fmt", ["rss", "atom"])
def test_news_feeds_yield_candidates_with_sentence_and_confidence(fmt: str):
    """RSS 2.0 and Atom items become candidate actions that keep their sentence and confidence."""
    path = DATA / f"sample_news.{fmt}"
    frame = reading.read_feed(path, feed=_feed(fmt, path))
    assert frame.height >= 3
    payload = json.loads(frame["payload"][0])
    assert payload["source_text"] and float(payload["extraction_confidence"]) > 0
    assert frame["source_url"].str.starts_with("https://").all()
    assert frame["decision_date"].str.contains(r"^\d{4}-\d{2}-\d{2}$").all()


def test_rss_reads_the_seed_phrasing():
    """The seed article's phrasing gives 2.5 million RUB with the $32,700 the report states."""
    frame = reading.read_feed(DATA / "sample_news.rss", feed=_feed("rss", DATA))
    tiktok = frame.filter(pl.col("platform") == "TikTok").row(0, named=True)
    assert (tiktok["amount"], tiktok["currency"], tiktok["reported_usd"]) == ("2500000", "RUB", "32700")
    assert tiktok["jurisdiction"] == "RU" and tiktok["decision_date"] == "2021-04-06"


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<rss version="2.0"><channel><item><title>&lol3;</title></item></channel></rss>"""


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (BILLION_LAUGHS, "refused unsafe XML"),
        (
            b"<html><body><h1>502 Bad Gateway</h1></body></html>",
            "not an RSS 2.0 or Atom feed: root element <html>",
        ),
        (b"<rss version='2.0'><channel><item><title>cut off", "not well-formed XML at line 1"),
    ],
)
def test_unsafe_or_wrong_xml_is_refused_clearly(tmp_path: Path, payload: bytes, message: str):
    """Entity bombs, HTML error pages and truncated XML give a clear error naming the feed."""
    path = tmp_path / "feed.xml"
    path.write_bytes(payload)
    with pytest.raises(FeedFormatError, match=f"adapter_test: .*feed.xml: .*{message}"):
        reading.read_feed(path, feed=_feed("rss", path))


def test_low_confidence_extraction_goes_to_quarantine_with_reason(tmp_path: Path):
    """A bare '$' amount with nothing to resolve it is quarantined for review, not loaded."""
    path = tmp_path / "ambiguous.rss"
    path.write_text(
        "<rss version='2.0'><channel><item><title>Synthetic: regulator fines ExampleTube</title>"
        "<description>A regulator fined ExampleTube $5 million on Monday.</description>"
        "<guid>synthetic-1</guid><pubDate>Mon, 04 Jan 2021 10:00:00 +0000</pubDate></item></channel></rss>"
    )
    result = transform.run(_feed("rss", path), path, as_of=AS_OF, out_dir=tmp_path / "o")
    rejects = pl.read_parquet(result.rejects_path)
    assert result.rows_in == result.valid + result.duplicates + result.rejected
    assert rejects.height >= 1
    reasons = [reason for row in rejects["reasons"].to_list() for reason in row]
    assert any("low-confidence extraction" in r or "currency" in r for r in reasons)


@pytest.mark.parametrize(
    ("content", "fmt"),
    [
        ("source,decision_date,platform\nx,2021-01-01\nx,2021-01-01,TikTok,extra\n", "csv"),
        ('source,decision_date\n"unterminated,2021-01-01\n', "csv"),
    ],
)
def test_ragged_or_broken_csv_is_a_clear_error(tmp_path: Path, content: str, fmt: str):
    """Ragged rows and broken quoting stop the feed with its name and file, losing nothing."""
    path = tmp_path / "bad.csv"
    path.write_text(content)
    with pytest.raises(FeedFormatError, match="adapter_test: .*bad.csv: cannot parse as csv"):
        reading.read_feed(path, feed=_feed(fmt, path))


def test_semicolon_delimited_file_fails_the_batch_not_each_row(tmp_path: Path):
    """A wrong delimiter makes one column; the batch fails naming the missing columns."""
    path = tmp_path / "semi.csv"
    path.write_text(
        "decision_date;jurisdiction;authority;platform;action_type\n2021-04-06;RU;Court;TikTok;fine\n"
    )
    with pytest.raises(transform.ContractError, match="missing required columns"):
        transform.run(_feed("csv", path), path, as_of=AS_OF, out_dir=tmp_path / "o")


def test_utf8_bom_and_auto_detected_windows_1251(tmp_path: Path):
    """A BOM is not part of the first column name; encoding=auto reads windows-1251."""
    header = "source,decision_date,jurisdiction,authority,platform,action_type,amount,currency\n"
    row = "synthetic-test,2021-04-06,RU,Таганский районный суд города Москвы,TikTok,fine,2500000,RUB\n"
    bom = tmp_path / "bom.csv"
    bom.write_bytes(b"\xef\xbb\xbf" + (header + row).encode())
    assert reading.read_feed(bom, feed=_feed("csv", bom)).columns[0] == "source"
    cp1251 = tmp_path / "cp1251.csv"
    cp1251.write_bytes((header + row * 3).encode("windows-1251"))
    frame = reading.read_feed(cp1251, feed=_feed("csv", cp1251, encoding="auto"))
    assert frame["authority"][0] == "Таганский районный суд города Москвы"


def test_parsers_has_one_reader_per_registry_format():
    """Every registry format dispatches to an adapter."""
    from etl.sources.feeds import FORMATS

    assert set(FORMATS) == {"csv", "jsonl", "gdpr-tracker", "rss", "atom"}
    assert news_feed.MIN_CONFIDENCE > 0
