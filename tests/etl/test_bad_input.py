"""Bad input of every kind ends in a clear error or in quarantine with reasons; nothing is lost."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import duckdb
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from etl.config import Settings
from etl.parsing import transform
from etl.parsing.decoding import FeedFormatError
from etl.parsing.validate import ContractError
from etl.running import pipeline
from etl.sources.feeds import Feed
from tests.conftest import AS_OF

HEADER = ["source", "source_record_id", "source_url", "decision_date", "jurisdiction", "authority", "platform",
          "action_type", "violation", "amount", "currency", "status"]  # fmt: skip
GOOD = ["synthetic-test", "r1", "https://example.org/x", "2021-04-06", "RU", "Synthetic court", "ExampleTube",
        "fine", "content_removal", "1000", "RUB", "imposed"]  # fmt: skip
WHOLE_FILE_ERRORS = (FeedFormatError, ContractError)


def _write(tmp_path: Path, rows: list[list[str]], name: str = "feed.csv") -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows([HEADER, *rows])
    path = tmp_path / name
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def _run(path: Path, out: Path) -> transform.TransformResult:
    return transform.run(
        Feed(name="bad_input", format="csv", location=str(path)), path, as_of=AS_OF, out_dir=out
    )


def _accounted_lines(result: transform.TransformResult) -> set[int]:
    valid = set(pl.read_parquet(result.actions_path)["source_line"].to_list())
    rejected = set(pl.read_parquet(result.rejects_path)["source_line"].to_list())
    return valid | rejected


cell = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "",
            "-5",
            "0",
            "1e9",
            "2021-13-01",
            "06/04/2021",
            "XYZ",
            "RUB",
            "ru",
            "'; drop table x; --",
            "<script>alert(1)</script>",
            "NULL",
            "\u202e",
            "\x00",
            "1" * 40,
            "Ñandú",
            "🙂",
        ]
    ),  # fmt: skip
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(cell, min_size=len(HEADER), max_size=len(HEADER)), min_size=1, max_size=8))
def test_any_rows_reconcile_and_every_line_is_accounted_for(tmp_path_factory, rows: list[list[str]]):
    """Arbitrary cell values: rows in = valid + duplicates + rejected, and no line disappears."""
    tmp = tmp_path_factory.mktemp("rows")
    result = _run(_write(tmp, rows), tmp / "out")
    assert result.rows_in == len(rows)
    assert result.rows_in == result.valid + result.duplicates + result.rejected
    assert len(_accounted_lines(result)) == result.valid + result.rejected
    for reasons in pl.read_parquet(result.rejects_path)["reasons"].to_list():
        assert reasons and all(isinstance(r, str) and r for r in reasons)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(payload=st.binary(max_size=400))
def test_any_bytes_give_a_clear_error_or_a_reconciled_batch(tmp_path_factory, payload: bytes):
    """Arbitrary file contents never crash the parser with an unexplained exception."""
    tmp = tmp_path_factory.mktemp("bytes")
    path = tmp / "feed.csv"
    path.write_bytes(payload)
    message, result = None, None
    try:
        result = _run(path, tmp / "out")
    except WHOLE_FILE_ERRORS as error:
        message = str(error)
    if result is None:
        assert "bad_input" in message and str(path) in message
    else:
        assert result.rows_in == result.valid + result.duplicates + result.rejected


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"decision_date": "06.04.2021"}, "decision_date: str_matches"),
        ({"decision_date": "April 6, 2021"}, "decision_date: str_matches"),
        ({"amount": "-5"}, "amount_exact: amount_is_positive"),
        ({"amount": "0"}, "amount_exact: amount_is_positive"),
        ({"currency": "ZZZ"}, "currency: currency_is_iso_4217"),
        ({"decision_date": "2099-01-01"}, "decision_not_after_batch_date"),
        ({"authority": "<script>alert('x')</script>"}, "text_free_of_markup"),
        ({"authority": "x" * (10 * 1024 * 1024)}, "text_fields_of_plausible_length"),
        ({"platform": "Tik\x07Tok"}, "text_free_of_control_characters"),
    ],
)
def test_named_bad_values_are_quarantined_with_reason(tmp_path: Path, change: dict[str, str], reason: str):
    """Mixed date formats, bad amounts, unknown currency, future date, markup, a 10 MB field."""
    row = [change.get(column, value) for column, value in zip(HEADER, GOOD, strict=True)]
    row[HEADER.index("source_record_id")] = "r2"
    result = _run(_write(tmp_path, [GOOD, row]), tmp_path / "out")
    rejects = pl.read_parquet(result.rejects_path)
    assert rejects["source_line"].to_list() == [2]
    assert any(r.startswith(reason) for r in rejects["reasons"][0])
    # Quarantine keeps the record as the source wrote it, not re-serialised.
    csv.field_size_limit(16 * 1024 * 1024)  # the 10 MB field case
    payload = dict(zip(HEADER, next(csv.reader(io.StringIO(rejects["payload"][0]))), strict=True))
    assert payload[next(iter(change))] == next(iter(change.values()))
    assert result.valid == 1


def test_quotes_inside_fields_and_injection_like_text_are_kept_verbatim(settings: Settings, tmp_path: Path):
    """Quoted commas, doubled quotes and SQL-looking text load as data, exactly as written."""
    authority = 'Court "No. 1", Moscow; \'); drop table core.enforcement_actions; --'
    row = [authority if column == "authority" else value for column, value in zip(HEADER, GOOD, strict=True)]
    path = _write(tmp_path, [row])
    pipeline.run(settings, [Feed(name="quotes", format="csv", location=str(path))], as_of=AS_OF)
    with duckdb.connect(str(settings.warehouse), read_only=True) as con:
        assert con.execute("select authority from core.enforcement_actions").fetchall() == [(authority,)]
        assert con.execute("select count(*) from marts.fines_by_platform").fetchall() == [(1,)]


def test_header_only_file_is_an_empty_batch(settings: Settings, tmp_path: Path):
    """A header without rows loads nothing and says so in the run log."""
    path = _write(tmp_path, [])
    report = pipeline.run(settings, [Feed(name="header_only", format="csv", location=str(path))], as_of=AS_OF)
    assert [(r.status, r.rows_in, r.loaded) for r in report.feeds] == [("ok", 0, 0)]


def test_duplicated_rows_merge_and_reconcile(settings: Settings, tmp_path: Path):
    """The same row three times is one action and two duplicates."""
    path = _write(tmp_path, [GOOD, GOOD, GOOD])
    report = pipeline.run(settings, [Feed(name="dups", format="csv", location=str(path))], as_of=AS_OF)
    ((rows_in, loaded, dups, quarantined),) = [
        (r.rows_in, r.loaded, r.duplicates, r.quarantined) for r in report.feeds
    ]
    assert (rows_in, loaded, dups, quarantined) == (3, 1, 2, 0)


def test_same_id_with_other_content_is_rejected_not_dropped(tmp_path: Path):
    """A second row with the first one's record id but another amount is quarantined, not lost."""
    changed = [("5000" if column == "amount" else value) for column, value in zip(HEADER, GOOD, strict=True)]
    result = _run(_write(tmp_path, [GOOD, changed]), tmp_path / "out")
    rejects = pl.read_parquet(result.rejects_path)
    assert (result.valid, result.duplicates, result.rejected) == (1, 0, 1)
    assert rejects["reasons"].to_list() == [["action_id: conflicting duplicate of line 1"]]
