"""Reading a landed feed file with its format's adapter, and refusing one that lacks a required column.

Nothing is typed here: :mod:`etl.parsing.transform` parses, validates and normalises what is read.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from etl.parsing import news_feed, parsers
from etl.parsing.decoding import FeedFormatError, decode
from etl.parsing.validate import ContractError
from etl.sources.feeds import NEWS_FORMATS, Feed

REQUIRED = ("decision_date", "jurisdiction", "authority", "platform", "action_type")
# What adapters add to a feed's own columns (etl.parsing.parsers).
_ADAPTER_COLUMNS = ("source_line", "payload", "record_text", "parse_issue")


def read_feed(path: Path, *, feed: Feed, workers: int = 1) -> pl.DataFrame:
    """Read a landed feed file with the adapter of its format; nothing typed yet.

    Args:
        path: the landed file.
        feed: its registry entry (format, encoding, column mapping).
        workers: processes that may read a large news feed (``FINES_PARSE_WORKERS``).

    Returns:
        Text columns (the file's own, or canonical ones for tracker and news formats), plus
        ``source_line`` (1-based record number) and ``payload`` (the record as JSON).

    Raises:
        FeedFormatError: undecodable bytes, an empty file, or a malformed layout.
    """
    data = path.read_bytes()
    if not data or data.isspace():
        raise FeedFormatError(f"feed {feed.name}: {path}: file is empty")
    # UTF-8 tables go to Polars as bytes (no decoded copy of a large file); Polars refuses
    # invalid UTF-8, and the decode below then names the byte offset.
    utf8 = feed.encoding.lower().replace("_", "-") in ("utf-8", "utf8")
    direct = utf8 and feed.format in ("csv", "gdpr-tracker")
    text = None if feed.format in NEWS_FORMATS or direct else decode(data, feed=feed, path=path)
    if text is not None and not text.strip():
        raise FeedFormatError(f"feed {feed.name}: {path}: file is empty")
    try:
        return _read_payload(data, text, fmt=feed.format, workers=workers)
    except parsers.ParseFailure as error:
        if direct and "utf-8" in str(error):
            decode(data, feed=feed, path=path)
        raise FeedFormatError(f"feed {feed.name}: {path}: cannot parse as {feed.format}: {error}") from None


def check_columns(raw: pl.DataFrame, *, feed: Feed, where: str) -> None:
    """Refuse a file that lacks a required column: a changed format must not shrink the marts.

    Raises:
        ContractError: naming the missing canonical columns and the feed columns expected.
    """
    missing = [c for c in REQUIRED if feed.columns.get(c, c) not in raw.columns]
    if missing:
        own = [c for c in raw.columns if c not in _ADAPTER_COLUMNS]
        expected = ", ".join(f"{c} (column {feed.columns.get(c, c)!r})" for c in missing)
        raise ContractError(f"{where}: missing required columns: {expected}; found {own}")


def _read_payload(data: bytes, text: str | None, *, fmt: str, workers: int = 1) -> pl.DataFrame:
    """Dispatch on the feed's format. ``text``: the decoded payload of a text format; ``workers``: ``read_news``'s."""
    if fmt in NEWS_FORMATS:
        return news_feed.read_news(data, workers=workers)
    if fmt == "jsonl":
        return parsers.read_jsonl(text or "")
    if fmt == "gdpr-tracker":
        return parsers.read_gdpr_tracker(data if text is None else text)
    return parsers.read_csv(data if text is None else text)
