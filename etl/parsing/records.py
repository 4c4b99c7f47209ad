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
    lines = text.removeprefix("\ufeff").split("\n")
    if lines and lines[-1] == "":
        lines.pop()  # the final line break ends the last record; it starts none
    records: list[tuple[int, int]] = []  # (first line index, end line index) of each record
    start, quotes = 0, 0
    for index, line in enumerate(lines):
        quotes += line.count('"')
        if quotes % 2 == 0:
            records.append((start, index + 1))
            start, quotes = index + 1, 0
    if start < len(lines):
        records.append((start, len(lines)))  # an unclosed quote runs to the end of the file
    if not records:
        return CsvRecords([], [], [])
    first, end = records[0]
    header = _fields("\n".join(line.removesuffix("\r") for line in lines[first:end]))
    seen: set[str] = set()
    doubled = [name for name in header if name in seen or seen.add(name)]
    if doubled:
        raise RecordError(f"line 1: the header names columns more than once: {sorted(set(doubled))}")
    texts, issues = [], []
    for first, end in records[1:]:
        texts.append("\n".join(lines[first:end]).removesuffix("\r"))
        issues.append(_swallowed(lines, first, end, width=len(header)))
    return CsvRecords(header, texts, issues)


def _swallowed(lines: list[str], first: int, end: int, *, width: int) -> str | None:
    """Why a record over several lines looks like it swallowed a record of its own, or None."""
    for index in range(first + 1, end):
        line = lines[index].removesuffix("\r")
        if width > 1 and line.count(",") >= width - 1 and len(_fields(line)) == width:
            return (
                f"line {first + 1}: a quoted field runs over line {index + 1}, which reads as a whole "
                f"record of its own ({width} fields): a stray quote may have swallowed it"
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
