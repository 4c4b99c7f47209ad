"""BI access through SQLAlchemy (duckdb-engine), read-only: marts, comments, and fresh state."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
from sqlalchemy import Engine, create_engine, exc, inspect, text
from sqlalchemy.pool import NullPool

from etl import catalog
from etl.loading import comments, models, publish
from tests.warehouse.test_marts import build_fixture_warehouse

TOP_PLATFORMS = "select platform, total_fines_usd from marts.fines_by_platform order by total_fines_usd desc"


@dataclass(frozen=True)
class Built:
    """A closed warehouse file, and what its builder saw (read before any engine opens it)."""

    path: Path
    comments: dict[str, comments.ModelComments]
    top_platforms: list[tuple]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """A warehouse file with every model built and commented, closed.

    DuckDB refuses a second connection to a file in the same process with another configuration,
    so the expectations are read by the builder, before the SQLAlchemy engine connects.
    """
    path = tmp_path_factory.mktemp("bi") / "warehouse.duckdb"
    with duckdb.connect(str(path)) as con:
        build_fixture_warehouse(con)
        expected = {model.name: model for model in comments.resolve(con)}
        top = con.execute(TOP_PLATFORMS).fetchall()
    return Built(path=path, comments=expected, top_platforms=top)


def read_only_engine(path: Path, **options: object) -> Engine:
    """The engine a BI tool uses: the documented URL, opened read-only.

    The path is made absolute but not resolved: resolving would pin the engine to one snapshot.
    """
    return create_engine(f"duckdb:///{path.absolute()}", connect_args={"read_only": True}, **options)


@pytest.fixture(scope="module")
def engine(built: Built) -> Iterator[Engine]:
    """A read-only SQLAlchemy engine on the warehouse file."""
    engine = read_only_engine(built.path)
    yield engine
    engine.dispose()


def test_inspector_lists_every_mart(engine: Engine):
    """The marts schema holds exactly the marts of the catalog, as tables."""
    names = inspect(engine).get_table_names(schema="marts")
    assert sorted(names) == sorted(mart.split(".")[1] for mart in catalog.ALL_MARTS)


@pytest.mark.parametrize("mart", catalog.ALL_MARTS)
def test_inspector_shows_mart_and_column_comments(engine: Engine, built: Built, mart: str):
    """Every mart column is reflected with its comment, and the table with its purpose and grain."""
    schema, table = mart.split(".")
    inspector = inspect(engine)
    columns = {column["name"]: column["comment"] for column in inspector.get_columns(table, schema=schema)}
    assert columns == built.comments[mart].columns
    assert all(columns.values())
    assert "Grain:" in inspector.get_table_comment(table, schema=schema)["text"]


@pytest.mark.parametrize("schema", ["staging", "core"])
def test_views_are_listed_with_comments(engine: Engine, built: Built, schema: str):
    """Staging and intermediate views are reflected with their column comments too."""
    inspector = inspect(engine)
    views = inspector.get_view_names(schema=schema)
    assert views
    for view in views:
        columns = {c["name"]: c["comment"] for c in inspector.get_columns(view, schema=schema)}
        assert columns == built.comments[f"{schema}.{view}"].columns


def test_read_only_engine_answers_queries_and_refuses_writes(engine: Engine, built: Built):
    """A BI query returns the mart's rows; any write is refused by the read-only connection."""
    with engine.connect() as connection:
        assert connection.execute(text(TOP_PLATFORMS)).fetchall() == built.top_platforms
        with pytest.raises(exc.DBAPIError, match="read-only"):
            connection.execute(text("delete from marts.fines_by_platform"))


def test_new_connection_sees_a_newly_published_state(tmp_path: Path):
    """An open reader keeps its state when a run publishes; a new connection sees the new one."""
    path = tmp_path / "warehouse.duckdb"
    with publish.writer(path) as con:
        build_fixture_warehouse(con)
    engine = read_only_engine(path, poolclass=NullPool)
    count = "select count(*) from marts.fines_by_platform"
    with engine.connect() as before:
        (old,) = before.execute(text(count)).one()
        with publish.writer(path) as con:
            con.execute("delete from core.enforcement_actions where platform = 'X'")
            models.build_marts(con)
            comments.apply_comments(con)
        assert before.execute(text(count)).one() == (old,)
    with engine.connect() as after:
        assert after.execute(text(count)).one() == (old - 1,)
