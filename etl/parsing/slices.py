"""A landed tabular file read and written in slices of records, so memory does not grow with it.

CSV (and the GDPR tracker export, a CSV) is decoded a bounded piece at a time
(:func:`etl.parsing.decoding.text_chunks`) and split into records at line breaks outside quotes
(:class:`etl.parsing.records.CsvSplitter`); each slice of records goes to the format's adapter
with the record number of its first row, so line numbers stay the file's own. JSON Lines is read
twice: once for the keys of the whole file (a key only a late record has is a column of every
row's payload, as when the file is read whole), then in slices. News feeds are read whole.

:class:`FirstRows` remembers the first row of each ``action_id`` across slices, and
:class:`PartWriter` appends each slice's rows to one Parquet file (a row group per slice).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

import polars as pl
import pyarrow.parquet as pq

from etl.parsing import parsers
from etl.parsing.decoding import FeedFormatError, byte_chunks, text_chunks
from etl.parsing.records import CsvRecords, CsvSplitter, RecordError, split_lines
from etl.sources.feeds import Feed


def adapter_slices(path: Path, *, feed: Feed, rows: int) -> Iterator[pl.DataFrame]:
    """The adapter frames of a CSV, GDPR-tracker or JSON Lines file, ``rows`` records at a time.

    Each frame is what :func:`etl.parsing.reading._read_payload` gives for those records, with
    ``source_line`` numbered from the slice's place in the file. At least one frame comes back.

    Raises:
        FeedFormatError: an empty file, undecodable bytes, or a malformed layout (naming the line).
    """
    if _blank(path):
        raise FeedFormatError(f"feed {feed.name}: {path}: file is empty")
    reader = _jsonl_slices if feed.format == "jsonl" else _csv_slices
    try:
        yield from reader(path, feed=feed, rows=rows)
    except (parsers.ParseFailure, RecordError) as error:
        raise FeedFormatError(f"feed {feed.name}: {path}: cannot parse as {feed.format}: {error}") from None


def _blank(path: Path) -> bool:
    return all(chunk.isspace() for _, chunk in byte_chunks(path))


def _csv_slices(path: Path, *, feed: Feed, rows: int) -> Iterator[pl.DataFrame]:
    splitter = CsvSplitter()
    texts: list[str] = []
    issues: list[str | None] = []
    first, pieces = 1, 0
    for chunk in text_chunks(path, feed=feed):
        found, why = splitter.feed(split_lines(chunk.removeprefix("\ufeff") if not pieces else chunk))
        texts += found
        issues += why
        pieces += 1
        while len(texts) >= rows:
            yield _csv_frame(splitter, texts[:rows], issues[:rows], feed=feed, first=first)
            first, texts, issues = first + rows, texts[rows:], issues[rows:]
    found, why = splitter.close()
    texts += found
    issues += why
    if first == 1 and not texts and not splitter.header_text.strip():  # only Unicode spaces
        raise FeedFormatError(f"feed {feed.name}: {path}: file is empty")
    if texts or first == 1:
        yield _csv_frame(splitter, texts, issues, feed=feed, first=first)


def _csv_frame(
    splitter: CsvSplitter, texts: list[str], issues: list[str | None], *, feed: Feed, first: int
) -> pl.DataFrame:
    if splitter.header is None:  # no record at all: the adapter says what is wrong
        return parsers.read_csv("")
    text = "\n".join([splitter.header_text, *texts, ""])
    records = CsvRecords(splitter.header, texts, issues)
    if feed.format == "gdpr-tracker":
        return parsers.read_gdpr_tracker(text, records=records, first=first)
    return parsers.read_csv(text, records=records, first=first)


def _jsonl_slices(path: Path, *, feed: Feed, rows: int) -> Iterator[pl.DataFrame]:
    columns = _jsonl_keys(path, feed=feed)
    lines: list[str] = []
    first, number = 1, 1
    for chunk in text_chunks(path, feed=feed):
        lines += split_lines(chunk)
        while len(lines) >= rows:
            frame = parsers.read_jsonl(
                "\n".join(lines[:rows]), columns=columns, first=first, first_number=number
            )
            yield frame
            first, number, lines = first + frame.height, number + rows, lines[rows:]
    if lines or first == 1:
        yield parsers.read_jsonl("\n".join(lines), columns=columns, first=first, first_number=number)


def _jsonl_keys(path: Path, *, feed: Feed) -> list[str]:
    """The keys of every object in a JSON Lines file, in order of first appearance."""
    keys: dict[str, None] = {}
    for chunk in text_chunks(path, feed=feed):
        for line in chunk.split("\n"):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except ValueError:
                continue  # the second pass names the line
            if isinstance(record, dict):
                keys.update(dict.fromkeys(record))
    return list(keys)


class FirstRows:
    """The first row of each ``action_id`` seen so far in a file: its payload's hash and line.

    A later row is a duplicate when its payload's 64-bit hash equals the first row's, a
    conflict otherwise; a whole file is one slice and compared the same way. Ids are ``fa_``
    and 16 hex digits, kept as one 64-bit number, so a 10-million-row file costs about 240 MB.
    """

    def __init__(self) -> None:
        self.seen = pl.DataFrame(schema={"_key": pl.UInt64, "_prev_hash": pl.UInt64, "_prev_line": pl.Int64})

    @staticmethod
    def key(action_id: pl.Expr) -> pl.Expr:
        """An ``fa_`` id as a 64-bit number (two 8-digit halves: each fits an Int64)."""
        high, low = (
            action_id.str.slice(start, 8).str.to_integer(base=16).cast(pl.UInt64) for start in (3, 11)
        )
        return (high * (1 << 32) + low).alias("_key")

    def mark(self, actions: pl.DataFrame) -> pl.DataFrame:
        """``actions`` with ``_first``, ``_same`` and ``_first_line`` against every earlier row."""
        hashed = actions.with_columns(self.key(pl.col("action_id")), _hash=pl.col("payload").hash())
        joined = hashed.join(self.seen, on="_key", how="left", maintain_order="left")
        earlier = pl.col("_prev_line").is_not_null()
        marked = joined.with_columns(
            _first=~earlier & pl.col("_key").is_first_distinct(),
            _same=pl.col("_hash") == pl.coalesce("_prev_hash", pl.col("_hash").first().over("_key")),
            _first_line=pl.coalesce("_prev_line", pl.col("source_line").first().over("_key")),
        )
        first = marked.filter("_first").select("_key", _prev_hash="_hash", _prev_line="source_line")
        self.seen = pl.concat([self.seen, first], rechunk=False)
        return marked.drop("_key", "_hash", "_prev_hash", "_prev_line")


class Sink(Protocol):
    """Where a step's slices go, one frame at a time: a :class:`PartWriter`, or the next step itself."""

    rows: int  # rows written so far

    def write(self, frame: pl.DataFrame) -> None:
        """Take one slice."""

    def close(self) -> None:
        """No more slices: finish what was written."""


class PartWriter:
    """Append frames of one schema to a Parquet file, one row group per frame."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.rows = 0
        self._schema: dict[str, pl.DataType] | None = None
        self._writer: pq.ParquetWriter | None = None

    def write(self, frame: pl.DataFrame) -> None:
        """Append ``frame``; its columns must be those of the first frame (types are cast to them)."""
        if self._schema is None:
            self._schema = dict(frame.schema)
        elif frame.columns != list(self._schema):
            raise ValueError(f"{self.path}: slice columns {frame.columns} differ from {list(self._schema)}")
        table = frame.cast(self._schema).to_arrow()  # type: ignore[arg-type]
        if self._writer is None:
            # Snappy: these files live for one run and are read once; zstd made them 1.6x smaller
            # but took a third longer to write (50,000 converted rows: 0.27 s against 0.20 s).
            self._writer = pq.ParquetWriter(self.path, table.schema, compression="snappy")
        self._writer.write_table(table.cast(self._writer.schema))
        self.rows += frame.height

    def close(self) -> None:
        """Finish the file (a writer that got no frame writes nothing)."""
        if self._writer is not None:
            self._writer.close()
