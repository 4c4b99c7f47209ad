"""Parquet export of every mart: the files hold the marts' rows and totals, partitioned by year."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import duckdb
import polars as pl
import pytest

from etl import catalog
from etl.loading import export, load
from tests.warehouse.test_marts import build_fixture_warehouse


@pytest.fixture(scope="module")
def warehouse_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A warehouse file with every model built from the fixture facts, closed."""
    path = tmp_path_factory.mktemp("export") / "warehouse.duckdb"
    with duckdb.connect(str(path)) as con:
        build_fixture_warehouse(con)
    return path


def _read(out_dir: Path, mart: str) -> pl.DataFrame:
    target = export.target_path(out_dir, mart)
    if target.is_dir():
        return pl.read_parquet(target / "**" / "*.parquet", hive_partitioning=True)
    return pl.read_parquet(target)


def _money_totals(frame: pl.DataFrame) -> dict[str, Decimal]:
    return {c: frame[c].sum() for c, dtype in frame.schema.items() if isinstance(dtype, pl.Decimal)}


def test_export_writes_every_mart_with_its_rows_and_totals(warehouse_file: Path, tmp_path: Path):
    """Re-read Parquet has each mart's row count and the same sum of every money column."""
    counts = export.export_marts(warehouse_file, tmp_path / "out")
    assert set(counts) == set(catalog.ALL_MARTS)
    with load.connect(warehouse_file, read_only=True) as con:
        for mart, rows in counts.items():
            expected = con.sql(f"select * from {mart}").pl()
            exported = _read(tmp_path / "out", mart)
            assert rows == exported.height == expected.height > 0, mart
            assert _money_totals(exported) == _money_totals(expected), mart
            assert set(exported.columns) == set(expected.columns), mart


def test_fines_over_time_is_partitioned_by_decision_year(warehouse_file: Path, tmp_path: Path):
    """One folder per decision year; monthly totals per year match the mart."""
    export.export_marts(warehouse_file, tmp_path)
    folders = sorted(p.name for p in (tmp_path / "fines_over_time").iterdir())
    with load.connect(warehouse_file, read_only=True) as con:
        years = con.execute(
            "select decision_year, sum(total_fines_usd) from marts.fines_over_time "
            "where period_grain = 'month' group by all order by 1"
        ).fetchall()
    assert folders == [f"decision_year={year}" for year, _ in years]
    exported = (
        _read(tmp_path, catalog.FINES_OVER_TIME)
        .filter(pl.col("period_grain") == "month")
        .group_by("decision_year")
        .agg(pl.col("total_fines_usd").sum())
        .sort("decision_year")
    )
    assert exported.rows() == years


def test_export_again_replaces_the_previous_files(warehouse_file: Path, tmp_path: Path):
    """A second export leaves one copy of each mart and no temporary files."""
    first = export.export_marts(warehouse_file, tmp_path)
    second = export.export_marts(warehouse_file, tmp_path)
    assert first == second
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        export.target_path(tmp_path, mart).name for mart in catalog.ALL_MARTS
    )
    assert _read(tmp_path, catalog.FINES_BY_PLATFORM).height == first[catalog.FINES_BY_PLATFORM]


def test_export_reads_while_another_reader_holds_the_warehouse(warehouse_file: Path, tmp_path: Path):
    """The export opens the warehouse read-only, so an open BI connection does not block it."""
    with duckdb.connect(str(warehouse_file), read_only=True):
        assert export.export_marts(warehouse_file, tmp_path)[catalog.LARGEST_FINES] > 0


def test_export_of_a_missing_warehouse_says_so(tmp_path: Path):
    """No warehouse yet: a WarehouseError telling to run the pipeline first."""
    with pytest.raises(load.WarehouseError, match="run `fines run` first"):
        export.export_marts(tmp_path / "missing.duckdb", tmp_path / "out")
