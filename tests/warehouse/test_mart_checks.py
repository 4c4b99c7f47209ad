"""A mart is checked against its contract in parts (etl/loading/models.check_mart) with the whole mart's answer.

The fixture warehouse of test_marts.py is checked in parts of one row each, so every mart of
more than one row splits into as many parts as it has rows. A break that only shows across rows
(a unique key repeated, two counted figures for one disputed action) must still be found; a
sound mart must still pass.
"""

from __future__ import annotations

from collections.abc import Iterator

import duckdb
import pytest
from pandera.errors import SchemaErrors

from etl import catalog
from etl.loading import models
from schemas import marts as mart_schemas
from tests.warehouse.test_marts import build_fixture_warehouse


@pytest.fixture
def con(monkeypatch: pytest.MonkeyPatch) -> Iterator[duckdb.DuckDBPyConnection]:
    """The fixture warehouse, its marts built and then checked one row at a time."""
    with duckdb.connect() as con:
        build_fixture_warehouse(con)
        monkeypatch.setattr(models, "CHECK_ROWS", 1)
        yield con


def test_every_partition_key_keeps_what_a_check_compares_in_one_part():
    """The split columns lie within every unique key and every group key of the contract."""
    for name in catalog.ALL_MARTS:
        columns = mart_schemas.partition_columns(name)
        assert columns is not None, name  # every mart today has one unique key at most
        for key in mart_schemas.unique_columns(name):
            assert set(columns) <= set(key), (name, columns, key)
    assert mart_schemas.partition_columns(catalog.DISPUTED_AMOUNTS) == ("action_id",)


def test_sound_marts_pass_when_checked_in_parts(con: duckdb.DuckDBPyConnection):
    counts = {name: models.check_mart(con, name) for name in catalog.ALL_MARTS}
    assert counts == {
        name: con.execute(f"select count(*) from {name}").fetchall()[0][0] for name in catalog.ALL_MARTS
    }
    assert max(counts.values()) > 2  # the largest mart really was split


@pytest.mark.parametrize(
    ("mart", "key"),
    [
        (catalog.LARGEST_FINES, "action_id"),
        (catalog.FINES_OVER_TIME, "period_grain, period_start_date, jurisdiction, platform"),
        (catalog.FINES_BY_PLATFORM, "platform"),
    ],
)
def test_a_repeated_unique_key_is_found_whichever_part_holds_it(
    con: duckdb.DuckDBPyConnection, mart: str, key: str
):
    """One row repeated at the end of the mart: the copy meets its original in one part, and the check fails."""
    rows = con.execute(f"select count(*) from {mart}").fetchall()[0][0]
    assert rows > 2
    for position in (0, rows // 2, rows - 1):  # whichever row it is, wherever its copy lands
        con.execute(f"insert into {mart} select * from {mart} order by {key} limit 1 offset {position}")
        with pytest.raises(SchemaErrors, match="duplicate|unique"):
            models.check_mart(con, mart)
        con.execute(f"create or replace temp table once as select distinct * from {mart}")
        con.execute(f"delete from {mart}")
        con.execute(f"insert into {mart} select * from once")
        assert models.check_mart(con, mart) == rows


def test_a_disputed_action_with_two_counted_figures_is_found_in_parts(con: duckdb.DuckDBPyConnection):
    """The one-counted-figure check compares the rows of one action: they stay in one part."""
    mart = catalog.DISPUTED_AMOUNTS
    rows, actions = con.execute(f"select count(*), count(distinct action_id) from {mart}").fetchall()[0]
    assert rows > actions >= 1  # an action with two figures or more: its rows would fall in two parts
    models.check_mart(con, mart)
    con.execute(f"update {mart} set is_counted_figure = true")
    with pytest.raises(SchemaErrors, match="one_counted_figure_per_action"):
        models.check_mart(con, mart)
