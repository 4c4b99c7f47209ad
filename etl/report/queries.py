"""Every figure of the HTML report, read from the marts and ops tables with SQL.

The queries are the ``sql/*.sql`` files next to this module, one ``select`` each, named after
the table of the report they fill. Nothing here adds, averages or converts a figure: the
report shows what SQL returns. The checks (mart contracts and ``warehouse/tests``) are run
again on the published warehouse, read-only, so the page states what holds now.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import polars as pl

from etl import catalog

SQL_DIR = Path(__file__).parent / "sql"
# Marts other issues add; the report shows them when the warehouse has them. Catalog
# constant name -> what the page calls them.
OPTIONAL_MARTS = {
    "FX_DISAGREEMENTS": "FX disagreements between rate sources",
    "RECENT_CHANGES": "Changes made by the last run",
}
OPTIONAL_ROW_LIMIT = 200


@dataclass(frozen=True)
class OptionalMart:
    """A mart the report shows when the warehouse has it (``frame`` is None otherwise)."""

    constant: str
    title: str
    name: str | None  # None: the catalog does not name it yet
    frame: pl.DataFrame | None = None
    row_count: int | None = None


@dataclass(frozen=True)
class ReportData:
    """What the report shows: one frame per query, plus the optional marts and checks."""

    frames: dict[str, pl.DataFrame]
    optional: dict[str, OptionalMart] = field(default_factory=dict)
    checks: pl.DataFrame = field(default_factory=pl.DataFrame)


def query_names() -> list[str]:
    """The report's queries: the stems of ``sql/*.sql``, in name order."""
    return sorted(path.stem for path in SQL_DIR.glob("*.sql"))


def _relations(con: duckdb.DuckDBPyConnection) -> set[str]:
    rows = con.execute("select table_schema || '.' || table_name from information_schema.tables").fetchall()
    return {row[0] for row in rows}


def _optional(con: duckdb.DuckDBPyConnection, relations: set[str]) -> dict[str, OptionalMart]:
    found: dict[str, OptionalMart] = {}
    for constant, title in OPTIONAL_MARTS.items():
        name = getattr(catalog, constant, None)
        if name is None or name not in relations:
            found[constant] = OptionalMart(constant, title, name)
            continue
        frame = con.sql(f"select * from {name} limit {OPTIONAL_ROW_LIMIT}").pl()
        count = con.execute(f"select count(*) from {name}").fetchall()[0][0]
        found[constant] = OptionalMart(constant, title, name, frame, count)
    return found


def _contract_results(con: duckdb.DuckDBPyConnection, relations: set[str]) -> list[dict[str, object]]:
    from pandera.errors import SchemaErrors

    from schemas import marts as mart_schemas

    results: list[dict[str, object]] = []
    for name in catalog.ALL_MARTS:
        if name not in relations:
            results.append({"kind": "contract", "name": name, "failures": None, "detail": "not built"})
            continue
        frame = con.sql(f"select * from {name}").pl()
        try:
            mart_schemas.validate_mart(name, frame)
        except SchemaErrors as error:
            cases = error.failure_cases
            checks = sorted({str(check) for check in cases["check"].to_list()})
            results.append(
                {"kind": "contract", "name": name, "failures": cases.height, "detail": "; ".join(checks)}
            )
            continue
        except KeyError:
            results.append({"kind": "contract", "name": name, "failures": None, "detail": "no contract"})
            continue
        results.append({"kind": "contract", "name": name, "failures": 0, "detail": ""})
    return results


def _sql_test_results(con: duckdb.DuckDBPyConnection) -> list[dict[str, object]]:
    from etl.loading.models import model_files

    results: list[dict[str, object]] = []
    for path in model_files("tests"):
        try:
            failing = len(con.execute(path.read_text(encoding="utf-8")).fetchall())
        except duckdb.Error as error:
            message = str(error).splitlines()[0]
            results.append({"kind": "sql test", "name": path.stem, "failures": None, "detail": message})
            continue
        results.append({"kind": "sql test", "name": path.stem, "failures": failing, "detail": ""})
    return results


def check_results(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Each mart's contract and each ``warehouse/tests/*.sql`` against the warehouse as it is.

    Returns:
        One row per check: ``kind`` (contract or sql test), ``name``, ``failures`` (failing
        cases or rows; null when the check could not run), ``detail`` and ``outcome`` (pass,
        fail or not run).
    """
    relations = _relations(con)
    rows = _contract_results(con, relations) + _sql_test_results(con)
    frame = pl.DataFrame(
        rows, schema={"kind": pl.String, "name": pl.String, "failures": pl.Int64, "detail": pl.String}
    )
    outcome = (
        pl.when(pl.col("failures") == 0)
        .then(pl.lit("pass"))
        .when(pl.col("failures") > 0)
        .then(pl.lit("fail"))
        .otherwise(pl.lit("not run"))
    )
    return frame.with_columns(outcome=outcome)


def read_report_data(con: duckdb.DuckDBPyConnection) -> ReportData:
    """Run every report query on ``con`` (a read-only connection to the warehouse).

    Returns:
        The frames by query name, the optional marts and the check results.
    """
    frames = {
        name: con.sql((SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")).pl() for name in query_names()
    }
    relations = _relations(con)
    return ReportData(frames=frames, optional=_optional(con, relations), checks=check_results(con))
