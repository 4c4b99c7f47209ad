"""A file many slices long gives what the whole file gives, in memory that does not grow with it.

Every feed row here is plainly synthetic (``synthetic-test``, example.org, ExampleTube).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from etl.config import Settings, SettingsError, load_settings
from etl.money import fx
from etl.parsing import decoding, transform
from etl.parsing.decoding import FeedFormatError
from etl.running import memory, pipeline, preparation
from etl.sources.feeds import Feed
from tests.conftest import AS_OF

HEADER = "source,source_record_id,source_url,decision_date,jurisdiction,authority,platform,action_type,amount,currency"
SLICE = 7  # records per slice in the equivalence tests
PLATFORMS = ("ExampleTube", "ExampleGram", "ExampleChat")


def _row(number: int, *, amount: str | None = None, date: str = "2021-04-06") -> str:
    platform = PLATFORMS[number % len(PLATFORMS)]
    return (
        f"synthetic-test,r{number},https://example.org/{number},{date},RU,Synthetic court,"
        f"{platform},fine,{amount or 1000 + number},RUB"
    )


def _straddling_csv(path: Path) -> Path:
    """Rows across several slices of :data:`SLICE`, with what must be found across slices.

    Record 7 (the last of slice 1) repeats as record 8 (first of slice 2): a duplicate. Record
    11 comes back changed as record 16 (slice 3): a conflicting duplicate naming line 11.
    Record 19 (slice 3) has an impossible date; record 24 (slice 4) runs over two lines.
    """
    rows = [_row(n) for n in range(1, 31)]
    rows[7] = rows[6]
    rows[15] = _row(11, amount="999")
    rows[18] = _row(19, date="2021-02-30")
    rows[23] = rows[23].replace("Synthetic court", '"Synthetic\ncourt"')
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def _transform(path: Path, out: Path, *, fmt: str = "csv", rows: int) -> transform.TransformResult:
    feed = Feed(name="streaming", format=fmt, location=str(path))
    return transform.run(feed, path, as_of=AS_OF, out_dir=out, slice_rows=rows)


def test_slices_give_the_rows_counts_and_rejects_of_the_whole_file(tmp_path: Path, monkeypatch):
    """Duplicates, conflicts and rejects straddling slices are found, with the file's own lines."""
    monkeypatch.setattr(decoding, "CHUNK_BYTES", 256)  # text pieces end mid-slice and mid-record
    path = _straddling_csv(tmp_path / "feed.csv")
    whole = _transform(path, tmp_path / "whole", rows=1_000_000)
    sliced = _transform(path, tmp_path / "sliced", rows=SLICE)
    assert (sliced.rows_in, sliced.valid, sliced.duplicates, sliced.rejected) == (30, 27, 1, 2)
    assert (whole.rows_in, whole.valid, whole.duplicates, whole.rejected) == (30, 27, 1, 2)
    assert_frame_equal(pl.read_parquet(sliced.actions_path), pl.read_parquet(whole.actions_path))
    rejects = pl.read_parquet(sliced.rejects_path)
    assert_frame_equal(rejects, pl.read_parquet(whole.rejects_path))
    assert rejects.select("source_line", "reasons").rows() == [
        (16, ["action_id: conflicting duplicate of line 11"]),
        (19, ["decision_date: date_exists_in_calendar (got '2021-02-30')"]),
    ]
    assert rejects["payload"].to_list()[0] == _row(11, amount="999")  # the record as written
    actions = pl.read_parquet(sliced.actions_path)
    assert actions.filter(pl.col("source_line") == 24)["authority"].to_list() == ["Synthetic\ncourt"]
    assert pq_row_groups(Path(sliced.actions_path)) == 5  # one per slice: 30 records in slices of 7


def pq_row_groups(path: Path) -> int:
    """Row groups of a Parquet file."""
    import pyarrow.parquet as pq

    return pq.ParquetFile(path).num_row_groups


def test_a_record_that_swallowed_a_line_is_named_by_its_file_line_in_a_late_slice(tmp_path: Path):
    """A stray quote in slice 3 names the physical lines of the file, not of the slice."""
    rows = [_row(n) for n in range(1, 21)]
    rows[16] = rows[16].replace("Synthetic court", '"Synthetic court')  # record 17 = line 18
    rows[17] = rows[17].replace("Synthetic court", 'Synthetic court"')  # closes the stray quote
    path = tmp_path / "feed.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    rejects = pl.read_parquet(_transform(path, tmp_path / "o", rows=SLICE).rejects_path)
    reasons = [reason for listed in rejects["reasons"] for reason in listed]
    assert reasons[0].startswith("line 18: a quoted field runs over line 19, which reads as a whole record")


def test_json_lines_slices_keep_the_keys_of_the_whole_file(tmp_path: Path):
    """A key only a late record has is a column of every row's payload, as when read whole."""
    lines = [
        json.dumps({"source": "synthetic-test", "source_record_id": f"j{n}", "decision_date": "2021-04-06",
                    "jurisdiction": "RU", "authority": "Synthetic court", "platform": "ExampleTube",
                    "action_type": "fine", "amount": 100 + n, "currency": "RUB"}) for n in range(20)
    ]  # fmt: skip
    lines[18] = lines[18][:-1] + ', "late_key": "x"}'
    lines.insert(5, "")  # a blank line: counted as a line, not as a record
    path = tmp_path / "feed.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    whole = _transform(path, tmp_path / "whole", fmt="jsonl", rows=1_000)
    sliced = _transform(path, tmp_path / "sliced", fmt="jsonl", rows=SLICE)
    actions = pl.read_parquet(sliced.actions_path)
    assert_frame_equal(actions, pl.read_parquet(whole.actions_path))
    assert '"late_key":null' in actions["payload"][0]


def test_encoding_errors_in_a_late_piece_name_the_file_line_and_byte_offset(tmp_path: Path, monkeypatch):
    """Decoded a piece at a time, a bad byte or a UTF-8 line is still named by its place in the file."""
    monkeypatch.setattr(decoding, "CHUNK_BYTES", 200)
    rows = [_row(n) for n in range(1, 21)]
    body = "\n".join([HEADER, *rows]).encode("utf-8") + b"\n"
    broken = tmp_path / "broken.csv"
    broken.write_bytes(body + b"synthetic-test,x\xff\n")
    with pytest.raises(FeedFormatError, match=f"byte offset {len(body) + 16}$"):
        _transform(broken, tmp_path / "a", rows=SLICE)
    mixed = tmp_path / "mixed.csv"
    late = _row(30).replace("Synthetic court", "Суд")
    mixed.write_bytes(body + late.encode("cp1251") + b"\n" + late.encode("utf-8") + b"\n")
    feed = Feed(name="streaming", format="csv", location=str(mixed), encoding="windows-1251")
    with pytest.raises(FeedFormatError, match=r"line\(s\) 23 are UTF-8, line\(s\) 22 are not"):
        transform.run(feed, mixed, as_of=AS_OF, out_dir=tmp_path / "b", slice_rows=SLICE)


def test_slice_rows_setting_is_a_whole_positive_number(settings: Settings, monkeypatch):
    """FINES_SLICE_ROWS sets the slice; a fraction or zero is refused naming the variable."""
    monkeypatch.setenv("FINES_SLICE_ROWS", "5000")
    assert load_settings().slice_rows == 5000
    for bad in ("0", "2.5", "many"):
        monkeypatch.setenv("FINES_SLICE_ROWS", bad)
        with pytest.raises(SettingsError, match="FINES_SLICE_ROWS"):
            load_settings()


def test_duckdb_memory_setting_bounds_a_writer_session(settings: Settings, monkeypatch):
    """FINES_DUCKDB_MEMORY becomes the writer connection's memory_limit; a non-size is refused."""
    monkeypatch.setenv("FINES_DUCKDB_MEMORY", "300MiB")
    with duckdb.connect() as con:
        memory.limit_memory(con, load_settings())
        assert con.execute("select current_setting('memory_limit')").fetchone()[0] == "300.0 MiB"
    monkeypatch.setenv("FINES_DUCKDB_MEMORY", "1GB; drop table x")
    with pytest.raises(SettingsError, match="FINES_DUCKDB_MEMORY"):
        load_settings()


def _tables(path: Path) -> dict[str, pl.DataFrame]:
    """Every fact, source record, quarantined row, run-log count and mart of a warehouse."""
    with duckdb.connect(str(path), read_only=True) as con:
        names = [
            f"{schema}.{table}"
            for schema, table in con.execute(
                "select schema_name, table_name from duckdb_tables() where schema_name in ('core', 'marts') "
                "or table_name in ('quarantine', 'run_log') order by all"
            ).fetchall()
        ]
        # Work and landing paths differ between the two data folders; nothing else may.
        return {
            name: con.sql(f"select * exclude (source_file) from {name} order by all").pl()
            if "source_file" in con.sql(f"select * from {name} limit 0").columns
            else con.sql(f"select * from {name} order by all").pl()
            for name in names
        }


def test_warehouse_and_marts_are_the_same_whatever_the_slice(tmp_path: Path, monkeypatch):
    """A run in slices of 7 loads exactly what a run of the whole file loads."""
    path = _straddling_csv(tmp_path / "feed.csv")
    feed = Feed(name="streaming", format="csv", location=str(path))
    results = {}
    for name, rows in (("sliced", SLICE), ("whole", 1_000_000)):
        monkeypatch.setenv("FINES_DATA_DIR", str(tmp_path / name))
        monkeypatch.setenv("FINES_WAREHOUSE", str(tmp_path / name / "warehouse.duckdb"))
        settings = replace(load_settings(), slice_rows=rows)
        report = pipeline.run(settings, [feed], as_of=AS_OF)
        assert [(r.rows_in, r.loaded, r.duplicates, r.quarantined) for r in report.feeds] == [(30, 27, 1, 2)]
        results[name] = _tables(settings.warehouse)
    assert results["sliced"].keys() == results["whole"].keys()
    assert results["sliced"]["core.enforcement_actions"].height == 27
    for name, frame in results["whole"].items():
        assert_frame_equal(results["sliced"][name], frame, check_exact=True)


CHILD = """
import json, sys
from datetime import date
from pathlib import Path
from etl.money import fx
from etl.parsing import transform
from etl.sources.feeds import Feed
path, rates, rows = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
feed = Feed(name="streaming", format="csv", location=str(path))
parsed = transform.run(feed, path, as_of=date.fromisoformat(sys.argv[4]), out_dir=path.parent / "out", slice_rows=rows)
converted = fx.run(Path(parsed.actions_path), rates, out_dir=path.parent / "out", where="streaming")
# VmHWM, not ru_maxrss: ru_maxrss keeps the forking parent's peak across exec.
peak = next(line for line in Path("/proc/self/status").read_text().splitlines() if line.startswith("VmHWM:"))
print(json.dumps({"converted": converted["converted"], "peak_mib": int(peak.split()[1]) / 1024}))
"""


def _peak(tmp_path: Path, rows: int, *, slice_rows: int) -> tuple[int, float]:
    """Parse and convert ``rows`` synthetic records in a fresh process: (converted, peak RSS in MiB).

    The warehouse side is DuckDB's, bounded by ``FINES_DUCKDB_MEMORY``; this is the side that
    slices bound.
    """
    folder = tmp_path / f"{rows}-{slice_rows}"
    folder.mkdir()
    rates = folder / "rates.parquet"
    pl.DataFrame(
        {"source": ["ecb", "ecb"], "currency": ["RUB", "USD"], "rate_date": [date(2021, 4, 6)] * 2,
         "units_per_eur": [Decimal("90.6"), Decimal("1.1812")], "published_rate": ["90.6", "1.1812"]},
        schema=fx.RATES_SCHEMA,
    ).write_parquet(rates)  # fmt: skip
    path = folder / "feed.csv"
    with path.open("w", encoding="utf-8") as out:
        out.write(HEADER + "\n")
        for start in range(1, rows + 1, 10_000):
            out.write("\n".join(_row(n) for n in range(start, min(start + 10_000, rows + 1))) + "\n")
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(path), str(rates), str(slice_rows), AS_OF.isoformat()],
        capture_output=True, text=True, check=True, cwd=Path(__file__).parents[2], timeout=300,
    )  # fmt: skip
    result = json.loads(done.stdout.strip().splitlines()[-1])
    return result["converted"], result["peak_mib"]


def test_memory_stays_bounded_while_a_file_of_many_slices_is_parsed_and_converted(tmp_path: Path):
    """Four times the rows (40 slices of 1,500) cost little more memory than 10 slices do.

    The same four-times file read whole is the control: it shows the measurement sees growth.
    """
    small_rows, small = _peak(tmp_path, 15_000, slice_rows=1_500)
    large_rows, large = _peak(tmp_path, 60_000, slice_rows=1_500)
    _, whole = _peak(tmp_path, 60_000, slice_rows=1_000_000)
    assert (small_rows, large_rows) == (15_000, 60_000)
    growth, whole_growth = large - small, whole - small
    assert whole_growth > 80, f"control: the whole file cost only {whole_growth:.0f} MiB more"
    assert growth < whole_growth / 2, f"sliced: +{growth:.0f} MiB, whole file: +{whole_growth:.0f} MiB"


def test_a_batch_too_large_for_the_memory_bound_is_loaded_under_duckdbs_own_limit(
    tmp_path: Path, monkeypatch, caplog
):
    """Past FINES_DUCKDB_MEMORY the load rolls back and runs again under DuckDB's limit; the bound comes back."""
    monkeypatch.setenv("FINES_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("FINES_WAREHOUSE", str(tmp_path / "data" / "warehouse.duckdb"))
    path = tmp_path / "feed.csv"
    path.write_text("\n".join([HEADER, *(_row(n) for n in range(1, 20_001))]) + "\n", encoding="utf-8")
    feed = Feed(name="streaming", format="csv", location=str(path))
    settings = load_settings()
    rates = pipeline.rates_for_run(settings)
    batch = preparation.prepare_batch(
        feed, path, settings=settings, as_of=AS_OF, run_id="run_oom", rates_path=rates
    )
    tight = replace(settings, duckdb_memory="24MB")
    with duckdb.connect(str(settings.warehouse)) as con:
        pipeline.load.migrate(con)
        pipeline.stored_rates.load_rates(con, rates)
        con.execute("set memory_limit = '24MB'")
        with pytest.raises(duckdb.OutOfMemoryException):  # the bound is real: the load alone does not fit
            pipeline.load.load_batch(
                con, feed=batch.feed, run_id="run_oom", batch_date=AS_OF, source_file=batch.source_file,
                converted_path=Path(batch.converted_path), reject_paths=[Path(p) for p in batch.reject_paths],
                rows_in=batch.rows_in, duplicates=batch.duplicates, threshold=settings.quarantine_threshold,
            )  # fmt: skip
        result = memory.load_bounded(con, batch, settings=tight, as_of=AS_OF, run_id="run_oom")
        assert (result.status, result.loaded) == ("ok", 20_000)
        assert con.execute("select count(*) from core.enforcement_actions").fetchone()[0] == 20_000
        with duckdb.connect() as fresh:
            fresh.execute("set memory_limit = '24MB'")
            bound = fresh.execute("select current_setting('memory_limit')").fetchone()[0]
        assert con.execute("select current_setting('memory_limit')").fetchone()[0] == bound
    assert "loading it again under DuckDB's own limit" in caplog.text
    # The warning says what DuckDB could not fit, in its own words.
    assert re.search(r"FINES_DUCKDB_MEMORY=24MB \([^)]*(memory|allocate)[^)]*", caplog.text, re.I), (
        caplog.text
    )
