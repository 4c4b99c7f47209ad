"""A loaded record points to its landed file and line; only rejected rows keep their payload (issue 12).

The CSV feed here is plainly synthetic (ExampleTube, a made-up court); the JSON Lines feed is the
bundled reference sample (etl/data/sample_actions.jsonl, real and cited there).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import duckdb
import pytest

from etl import catalog
from etl.config import Settings
from etl.console.cli import main
from etl.loading import load, publish
from etl.running import pipeline
from etl.sources.feeds import Feed, load_registry
from tests.conftest import AS_OF, write_registry
from tests.etl.test_review import TWITTER_TR, write_rss

HEADER = (
    "source,source_record_id,source_url,decision_date,jurisdiction,authority,platform,"
    "parent_company,action_type,violation,amount,currency,status"
)
COURT = "Synthetic District Court"
ROWS = (
    f"synthetic-test,syn-1,https://example.org/synthetic/1,2021-04-06,RU,{COURT},ExampleTube,,fine,"
    "content_removal,1000000,RUB,imposed",
    # No record id: its key is the md5 of its payload.
    f"synthetic-test,,https://example.org/synthetic/2,2021-05-11,RU,{COURT},ExampleTube,,fine,"
    "content_removal,2000000,RUB,imposed",
    # Rejected: a negative amount in an unknown currency, decided in the future.
    f"synthetic-test,bad-1,https://example.org/synthetic/3,2099-01-01,RU,{COURT},ExampleTube,,fine,"
    "content_removal,-5,XYZ,imposed",
    f"synthetic-test,,https://example.org/synthetic/4,2021-06-01,RU,{COURT},ExampleClips,,block,"
    "content_removal,,,imposed",
)
JSONL = Path(load.__file__).parents[1] / "data" / "sample_actions.jsonl"


@pytest.fixture
def feeds(tmp_path: Path) -> list[Feed]:
    """A synthetic canonical CSV (one bad row, two without a record id) and the bundled JSON Lines."""
    csv_file = tmp_path / "synthetic.csv"
    csv_file.write_text("\n".join((HEADER, *ROWS)) + "\n", encoding="utf-8")
    registry = write_registry(
        tmp_path / "feeds.toml",
        {
            "synthetic_csv": {"format": "csv", "location": str(csv_file)},
            "reference_jsonl": {"format": "jsonl", "location": str(JSONL)},
        },
    )
    return load_registry(registry)


def _rows(path: Path, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def _columns(path: Path, table: str) -> list[str]:
    schema, name = table.split(".")
    rows = _rows(
        path,
        "select column_name from information_schema.columns where table_schema = ? and table_name = ? "
        "order by ordinal_position",
        [schema, name],
    )
    return [row[0] for row in rows]


def _records(path: Path) -> list[tuple]:
    return _rows(
        path,
        f"select feed, record_key, action_id, source_file, source_line, source_record_id, decision_date, "
        f"currency from {catalog.ACTION_SOURCES} order by feed, record_key",
    )


def _line_at(source_file: str, source_line: int, *, header: bool) -> str:
    """The text of a record read from its pointer: the landed file's line of that record."""
    lines = Path(source_file).read_text(encoding="utf-8").splitlines()
    return lines[source_line if header else source_line - 1]


def test_loaded_record_has_no_payload_and_points_to_its_landed_line(settings: Settings, feeds: list[Feed]):
    """Each stored record's file is the landed content (its hash) and its line there is the record."""
    report = pipeline.run(settings, feeds, as_of=AS_OF)
    assert [(r.feed, r.status, r.loaded, r.quarantined) for r in report.feeds] == [
        ("synthetic_csv", "ok", 3, 1),
        ("reference_jsonl", "ok", 5, 0),
    ]
    assert "payload" not in _columns(settings.warehouse, catalog.ACTION_SOURCES)
    assert "source_file" in _columns(settings.warehouse, catalog.ACTION_SOURCES)
    records = _records(settings.warehouse)
    assert len(records) == 8
    for feed, key, _, source_file, line, record_id, decided, currency in records:
        landed = Path(source_file)
        assert landed.parent == settings.landing_dir / feed / AS_OF.isoformat()
        assert hashlib.sha256(landed.read_bytes()).hexdigest() == landed.stem
        text = _line_at(source_file, line, header=feed == "synthetic_csv")
        if feed == "synthetic_csv":
            fields = dict(zip(HEADER.split(","), next(csv.reader(io.StringIO(text))), strict=True))
            assert text == ROWS[line - 1]
        else:
            fields = json.loads(text)
            assert text == JSONL.read_text(encoding="utf-8").splitlines()[line - 1]
        assert (fields["source_record_id"] or None) == record_id
        assert (fields["decision_date"], fields["currency"] or None) == (decided.isoformat(), currency)
        # The key of a record without an id comes back from the line: md5 of the record as JSON.
        payload = json.dumps({k: v or None for k, v in fields.items()}, separators=(",", ":"))
        assert key == (record_id or hashlib.md5(payload.encode()).hexdigest())
    assert sum(1 for row in records if row[5] is None) == 2


def test_rejected_row_keeps_its_original_payload(settings: Settings, feeds: list[Feed]):
    """The bad row is in quarantine as written, from the same landed file; it is no source record."""
    pipeline.run(settings, feeds[:1], as_of=AS_OF)
    ((source_file, line, payload),) = _rows(
        settings.warehouse, f"select source_file, source_line, payload from {catalog.QUARANTINE}"
    )
    assert payload == ROWS[2] == _line_at(source_file, line, header=True)
    loaded_from = _rows(settings.warehouse, f"select distinct source_file from {catalog.ACTION_SOURCES}")
    assert loaded_from == [(source_file,)]
    keys = [row[1] for row in _records(settings.warehouse)]
    assert "bad-1" not in keys and line not in [row[4] for row in _records(settings.warehouse)]


def _copy_into_013(con: duckdb.DuckDBPyConnection, modern: Path, converted: list[Path]) -> None:
    """Fill a warehouse at migration 013 with a modern one's rows, as the code before 014 stored them.

    Before 014 a source record kept the payload its batch row carried; that is the payload of
    the batch's converted Parquet file, matched by the record key merge computed from it.
    """
    con.execute(f"attach '{modern}' as modern (read_only)")
    tables = con.execute(
        "select schema_name, table_name from duckdb_tables() where database_name = current_database() "
        "and not (schema_name = 'ops' and table_name = 'schema_version')"
    ).fetchall()
    for schema, table in tables:
        old = con.execute(
            "select column_name from duckdb_columns() where database_name = current_database() "
            "and schema_name = ? and table_name = ?",
            [schema, table],
        ).fetchall()
        sources = f"{schema}.{table}" == catalog.ACTION_SOURCES
        names = [row[0] for row in old if not (sources and row[0] == "payload")]
        select = ", ".join(f"modern_rows.{name}" for name in names)
        if not sources:
            con.execute(
                f"insert into {schema}.{table} ({', '.join(names)}) "
                f"select {select} from modern.{schema}.{table} as modern_rows"
            )
            continue
        files = ", ".join(f"'{path}'" for path in converted)
        con.execute(
            f"insert into {schema}.{table} ({', '.join(names)}, payload) "
            f"select {select}, batch.payload from modern.{schema}.{table} as modern_rows "
            f"inner join read_parquet([{files}]) as batch on modern_rows.feed = batch.feed "
            "and modern_rows.record_key = coalesce(batch.source_record_id, md5(batch.payload))"
        )
    con.execute("detach modern")


def test_warehouse_from_before_014_migrates_and_reloads_to_the_same_actions(
    settings: Settings, feeds: list[Feed], tmp_path: Path
):
    """Pointers are derived from the run log where it names the file; a re-load changes no identity."""
    modern = replace(settings, warehouse=tmp_path / "modern" / "warehouse.duckdb")
    report = pipeline.run(modern, feeds, as_of=AS_OF)
    expected = _records(modern.warehouse)
    converted = sorted((settings.work_dir / report.run_id).glob("*/converted.parquet"))
    assert len(converted) == 2

    with publish.writer(settings.warehouse) as con:
        assert load.migrate(con, up_to=13)[-1] == "013_constant_prices.sql"
        _copy_into_013(con, modern.warehouse.resolve(), converted)
        # A record whose run left no log row for its feed: nothing says which file it came from.
        con.execute(f"delete from {catalog.RUN_LOG} where feed = 'reference_jsonl'")
    columns = _columns(settings.warehouse, catalog.ACTION_SOURCES)
    assert "payload" in columns and "source_file" not in columns
    stored = _rows(settings.warehouse, f"select count(*) from {catalog.ACTION_SOURCES}")
    assert stored == [(len(expected),)]

    with publish.writer(settings.warehouse) as con:
        applied = load.migrate(con)
    assert "014_source_pointer.sql" in applied
    assert "payload" not in _columns(settings.warehouse, catalog.ACTION_SOURCES)
    migrated = _records(settings.warehouse)
    assert [row[:3] + row[4:] for row in migrated] == [row[:3] + row[4:] for row in expected]
    pointers = {(row[0], row[1]): row[3] for row in migrated}
    for feed, key, _, source_file, *_ in expected:
        assert pointers[(feed, key)] == (None if feed == "reference_jsonl" else source_file)

    # The same feeds again, the same day and a week later: the same records and actions.
    for as_of in (AS_OF, AS_OF + timedelta(days=7)):
        again = pipeline.run(settings, feeds, as_of=as_of)
        assert [r.status for r in again.feeds] == ["ok", "ok"]
        reloaded = _records(settings.warehouse)
        assert [row[:3] + row[4:] for row in reloaded] == [row[:3] + row[4:] for row in expected]
        assert all(Path(row[3]).parent.name == as_of.isoformat() for row in reloaded)
    ids = _rows(settings.warehouse, f"select action_id from {catalog.ENFORCEMENT_ACTIONS} order by 1")
    assert ids == _rows(modern.warehouse, f"select action_id from {catalog.ENFORCEMENT_ACTIONS} order by 1")


def test_accepted_review_item_points_to_its_news_item(
    settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    """A news candidate a person accepted keeps the landed file and line it was quarantined with."""
    feed = write_rss(tmp_path / "news_review.rss", [TWITTER_TR])
    warehouse = str(settings.warehouse)
    ingest = ["ingest", str(feed), "--format", "rss", "--as-of", AS_OF.isoformat(), "--warehouse", warehouse]
    assert main(ingest) == 0, capsys.readouterr().err
    ((item, source_file, line),) = _rows(
        settings.warehouse, f"select quarantine_id, source_file, source_line from {catalog.QUARANTINE}"
    )
    assert Path(source_file).read_bytes() == feed.read_bytes()
    code = main([
        "review", "accept", item, "--amount", "10,000,000", "--currency", "try",
        "--authority", "Turkish government", "--warehouse", warehouse,
    ])  # fmt: skip
    assert code == 0, capsys.readouterr().err
    rows = _rows(
        settings.warehouse,
        f"select s.source_file, s.source_line, a.source_kind from {catalog.ACTION_SOURCES} as s "
        f"inner join {catalog.ENFORCEMENT_ACTIONS} as a using (action_id)",
    )
    assert rows == [(source_file, line, "reviewed")]
