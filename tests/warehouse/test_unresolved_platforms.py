"""marts.unresolved_platforms from fixture facts, and platform identity through the real CLI path."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import duckdb
import polars as pl
import pytest
from polars.testing import assert_frame_equal

import warehouse
from etl import catalog
from etl.loading import load
from schemas.marts import validate_mart

STAGING = "staging.stg_core__enforcement_actions"
SQL_TEST = "assert_unresolved_platforms__unique_platform_reported"
# (action, feed, platform as stored, as reported, known, candidates, decision date, batch date).
ACTIONS = [
    ("u1", "feed_a", "TikTok", "TIK TOK", True, None, date(2021, 4, 6), date(2026, 11, 1)),
    ("u2", "feed_a", "Telegramm", "Telegramm", False, "Telegram (0.90)", date(2021, 5, 1),
     date(2026, 11, 1)),
    ("u3", "feed_b", "Telegramm", "Telegramm", False, "Telegram (0.94)", date(2022, 3, 9),
     date(2026, 11, 2)),
    ("u4", "feed_b", "Telegramm", "Telegramm", False, "Telegram (0.94)", date(2020, 1, 2),
     date(2026, 11, 2)),
    ("u5", "feed_a", "ExampleTube", "ExampleTube", False, None, date(2023, 7, 1), date(2026, 11, 1)),
    ("u6", "feed_a", "Google", "Google LLC", True, None, date(2023, 7, 1), date(2026, 11, 1)),
]  # fmt: skip
FIELDS = ["action_id", "feed", "platform", "platform_reported", "is_known_platform", "platform_candidates",
          "decision_date", "batch_date"]  # fmt: skip


def _build(con: duckdb.DuckDBPyConnection, layer: str, model: str) -> None:
    """Build one model from its file as the warehouse runner does (views below marts, mart tables)."""
    kind = "table" if layer == "marts" else "view"
    sql = (warehouse.ROOT / layer / f"{model}.sql").read_text(encoding="utf-8")
    con.execute(f"create or replace {kind} {layer}.{model} as\n{sql}")


@pytest.fixture
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    """A migrated in-memory warehouse holding the fixture facts, with the staging model and the mart."""
    facts = pl.DataFrame(ACTIONS, schema=FIELDS, orient="row").with_columns(
        source=pl.lit("synthetic fixture"),
        jurisdiction=pl.lit("RU"),
        authority=pl.lit("Synthetic Court"),
        action_type=pl.lit("warning"),
        violation=pl.lit("other"),
        status=pl.lit("imposed"),
        fx_status=pl.lit(catalog.FX_NOT_MONETARY),
        run_id=pl.lit("run_fixture"),
    )
    with duckdb.connect() as connection:
        load.migrate(connection)
        connection.register("facts", facts)
        connection.execute(f"insert into {catalog.ENFORCEMENT_ACTIONS} by name select * from facts")
        connection.unregister("facts")
        _build(connection, "staging", STAGING.split(".")[1])
        _build(connection, "marts", catalog.UNRESOLVED_PLATFORMS.split(".")[1])
        yield connection


def test_mart_lists_each_unresolved_name_once_with_feeds_dates_and_latest_candidates(con):
    """One row per unknown name: its feeds, action count, first and last decision, latest candidates."""
    actual = con.sql(f"select * from {catalog.UNRESOLVED_PLATFORMS}").pl()
    expected = pl.DataFrame(
        {
            "platform_reported": ["Telegramm", "ExampleTube"],
            "platform": ["Telegramm", "ExampleTube"],
            "feeds": ["feed_a, feed_b", "feed_a"],
            "platform_candidates": ["Telegram (0.94)", None],
            "action_count": [3, 1],
            "first_decision_date": [date(2020, 1, 2), date(2023, 7, 1)],
            "last_decision_date": [date(2022, 3, 9), date(2023, 7, 1)],
        },
        schema=actual.schema,
    )
    assert_frame_equal(actual, expected)


def test_mart_passes_its_contract_and_a_malformed_candidate_list_fails_it(con):
    """The built mart meets UnresolvedPlatforms; candidates without a score break candidates_are_scored."""
    from pandera.errors import SchemaErrors

    frame = con.sql(f"select * from {catalog.UNRESOLVED_PLATFORMS}").pl()
    validate_mart(catalog.UNRESOLVED_PLATFORMS, frame)
    broken = frame.with_columns(platform_candidates=pl.lit("Telegram"))
    with pytest.raises(SchemaErrors, match="candidates_are_scored"):
        validate_mart(catalog.UNRESOLVED_PLATFORMS, broken)


def test_sql_test_passes_the_mart_and_catches_a_repeated_name(con):
    """assert_unresolved_platforms__unique_platform_reported returns rows once a name repeats."""
    sql = (warehouse.ROOT / "tests" / f"{SQL_TEST}.sql").read_text(encoding="utf-8")
    assert con.execute(sql).fetchall() == []
    con.execute(
        f"insert into {catalog.UNRESOLVED_PLATFORMS} "
        f"select * from {catalog.UNRESOLVED_PLATFORMS} where platform_reported = 'ExampleTube'"
    )
    assert con.execute(sql).fetchall() == [("ExampleTube", 2)]


def _variants_csv(path: Path) -> Path:
    """Four plainly synthetic fines: three spellings of TikTok and a misspelt Telegram."""
    header = (
        "source,source_record_id,source_url,decision_date,reported_date,jurisdiction,authority,"
        "platform,parent_company,action_type,violation,legal_basis,amount,currency,reported_usd,"
        "reported_eur,status,notes"
    )
    rows = [
        ("syn-1", "2021-04-06", "TikTok", "1000000"),
        ("syn-2", "2021-05-06", "TIK TOK", "2000000"),
        ("syn-3", "2021-06-07", "TikTok Pte. Ltd.", "3000000"),
        ("syn-4", "2021-07-07", "Telegramm Messenger", "4000000"),
    ]
    lines = [
        f"synthetic test,{rid},https://example.org/{rid},{day},,RU,Synthetic Court,{name},,fine,"
        f"content_removal,,{amount},RUB,,,imposed,Synthetic figure for tests"
        for rid, day, name, amount in rows
    ]
    path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    return path


def test_cli_ingest_stores_spelling_variants_as_one_platform_and_lists_the_unknown_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """TikTok, TIK TOK and TikTok Pte. Ltd. are one row in fines_by_platform; Telegramm is for review."""
    from etl.console.cli import main

    monkeypatch.setenv("FINES_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("FINES_WAREHOUSE", raising=False)
    feed = _variants_csv(tmp_path / "platform_variants.csv")
    path = tmp_path / "w.duckdb"
    code = main(["ingest", str(feed), "--format", "csv", "--as-of", "2026-11-29", "--warehouse", str(path)])
    assert code in (0, None)
    with duckdb.connect(str(path), read_only=True) as con:
        by_platform = con.execute(
            f"select platform, action_count from {catalog.FINES_BY_PLATFORM} order by platform"
        ).fetchall()
        reported = con.execute(
            f"select platform_reported from {catalog.ENFORCEMENT_ACTIONS} "
            "where platform = 'TikTok' order by platform_reported"
        ).fetchall()
        unresolved = con.execute(
            f"select platform_reported, feeds, action_count, platform_candidates "
            f"from {catalog.UNRESOLVED_PLATFORMS}"
        ).fetchall()
    assert by_platform == [("Telegramm Messenger", 1), ("TikTok", 3)]
    assert reported == [("TIK TOK",), ("TikTok",), ("TikTok Pte. Ltd.",)]
    assert unresolved == [("Telegramm Messenger", "platform_variants", 1, "Telegram (0.97)")]
