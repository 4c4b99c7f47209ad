"""The records of a text payload as the source wrote them, and what is suspect about each.

A CSV record is the physical lines up to a line break outside quotes (RFC 4180), so each
record's original text is kept for quarantine. Such a record that runs over a line break and
swallows a line that reads as a whole record of its own (a stray quote) is flagged, and so is
a header that names a column twice. A JSON Lines record is its line; a duplicate key or a
non-standard constant (``NaN``, ``Infinity``) flags it. Pure functions, linear in the input.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from dataclasses import dataclass


class RecordError(ValueError):
    """The payload as a whole cannot be split into records; the message names the line."""


@dataclass(frozen=True)
class CsvRecords:
    """The records of a CSV text after its header, in file order."""

    header: list[str]
    texts: list[str]  # each record's original text, without its final line break
    issues: list[str | None]  # why a record is suspect, naming its line; None when it is not


def _fields(text: str) -> list[str]:
    """The fields of the first record of a text (a bare carriage return ends a record)."""
    try:
        return next(csv.reader(io.StringIO(text, newline="")), [])
    except csv.Error:  # a NUL byte, say: not a record that can be compared
        return []


def csv_records(text: str) -> CsvRecords:
    """Split CSV text into records at line breaks outside quotes, checking header and records.

    Args:
        text: the decoded payload.

    Returns:
        The header fields and one text and issue per record (blank lines are records, as the
        CSV reader counts them).

    Raises:
        RecordError: the header names a column twice.
    """
    splitter = CsvSplitter()
    texts, issues = splitter.feed(split_lines(text.removeprefix("\ufeff")))
    more_texts, more_issues = splitter.close()
    return CsvRecords(splitter.header or [], texts + more_texts, issues + more_issues)


def split_lines(text: str) -> list[str]:
    """The lines of a text that ends at a line break (or at the end of the file)."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()  # the final line break ends the last record; it starts none
    return lines


class CsvSplitter:
    """Split CSV lines, given a piece at a time, into records; the first record is the header.

    A record ends at a line break outside quotes; one with an unclosed quote runs to the end of
    the file (:meth:`close`). Line numbers in messages are the file's own, whatever the pieces.
    """

    def __init__(self) -> None:
        self.header: list[str] | None = None
        self.header_text = ""
        self._pending: list[str] = []  # the lines of a record still open at a quote
        self._quotes = 0
        self._index = 0  # 0-based index of the next line

    def feed(self, lines: list[str]) -> tuple[list[str], list[str | None]]:
        """The records that the next ``lines`` complete: their texts and issues, in file order.

        Raises:
            RecordError: the header names a column twice.
        """
        texts: list[str] = []
        issues: list[str | None] = []
        for line in lines:
            self._index += 1
            if not self._pending:
                quotes = line.count('"')
                if quotes % 2 == 0:  # the common case: a record of one line
                    self._record([line], texts, issues)
                    continue
                self._pending, self._quotes = [line], quotes
                continue
            self._pending.append(line)
            self._quotes += line.count('"')
            if self._quotes % 2 == 0:
                self._record(self._pending, texts, issues)
                self._pending = []
        return texts, issues

    def close(self) -> tuple[list[str], list[str | None]]:
        """The record left open by an unclosed quote, which runs to the end of the file."""
        texts: list[str] = []
        issues: list[str | None] = []
        if self._pending:
            self._record(self._pending, texts, issues)
            self._pending = []
        return texts, issues

    def _record(self, lines: list[str], texts: list[str], issues: list[str | None]) -> None:
        first = self._index - len(lines)
        if self.header is None:
            self.header = _fields("\n".join(line.removesuffix("\r") for line in lines))
            self.header_text = "\n".join(lines).removesuffix("\r")
            seen: set[str] = set()
            doubled = [name for name in self.header if name in seen or seen.add(name)]
            if doubled:
                raise RecordError(f"line 1: the header names columns more than once: {sorted(set(doubled))}")
            return
        texts.append("\n".join(lines).removesuffix("\r") if len(lines) > 1 else lines[0].removesuffix("\r"))
        issues.append(_swallowed(lines, first, width=len(self.header)) if len(lines) > 1 else None)


def _swallowed(lines: list[str], first: int, *, width: int) -> str | None:
    """Why a record over several lines looks like it swallowed a record of its own, or None.

    ``first`` is the 0-based index of the record's first line in the file.
    """
    for offset in range(1, len(lines)):
        line = lines[offset].removesuffix("\r")
        if width > 1 and line.count(",") >= width - 1 and len(_fields(line)) == width:
            return (
                f"line {first + 1}: a quoted field runs over line {first + offset + 1}, which reads as a "
                f"whole record of its own ({width} fields): a stray quote may have swallowed it"
            )
    return None


class _Pairs(list):
    """An object's key/value pairs as read, before duplicates are resolved."""


def _constant(name: str) -> float:
    raise _Constant(name)


class _Constant(ValueError):
    """A non-standard JSON constant (NaN, Infinity, -Infinity)."""


def jsonl_record(line: str, number: int) -> tuple[dict, str | None]:
    """Read one JSON Lines record and say what is suspect about it.

    Args:
        line: the line's text.
        number: its 1-based line number, for messages.

    Returns:
        The object (the last value of a duplicated key) and an issue naming the line, or None.

    Raises:
        RecordError: the line is not JSON, or not an object.
    """
    try:
        record = json.loads(line, object_pairs_hook=_Pairs, parse_constant=_constant)
    except _Constant as constant:
        return _loose(line), f"line {number}: non-standard JSON constant {constant}: not a number"
    except json.JSONDecodeError as error:
        raise RecordError(f"line {number}: not JSON: {error.msg} at column {error.colno}") from None
    if not isinstance(record, _Pairs):
        raise RecordError(f"line {number}: expected a JSON object, got {type(record).__name__}")
    doubled = _duplicate_keys(record)
    issue = f"line {number}: duplicate keys {doubled}: which value is meant is unknown" if doubled else None
    return _plain(record), issue


def _loose(line: str) -> dict:
    record = json.loads(line)  # the constants allowed, only to keep the other fields for review
    return record if isinstance(record, dict) else {}


def _duplicate_keys(value: object) -> list[str]:
    """Keys named twice in one object, at any depth."""
    found: list[str] = []
    if isinstance(value, _Pairs):
        counts = Counter(key for key, _ in value)
        found += sorted(key for key, count in counts.items() if count > 1)
        for _, item in value:
            found += _duplicate_keys(item)
    elif isinstance(value, list):
        for item in value:
            found += _duplicate_keys(item)
    return found


def _plain(value: object) -> object:
    """Plain dicts and lists again (the last value of a duplicated key wins, as json.loads does)."""
    if isinstance(value, _Pairs):
        return {key: _plain(item) for key, item in value}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value
