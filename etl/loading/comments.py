"""Table, view and column comments of every warehouse model, for BI tools and analysts.

A model's own comment is the comment block that opens its SQL file (purpose and grain);
column comments come from ``warehouse/comments.toml``. Comments live in the DuckDB catalog,
so they are applied again after each build (``create or replace`` drops them).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

import duckdb

import warehouse
from etl.loading.sql import LAYER_KINDS, literal

COMMENTS_FILE = warehouse.ROOT / "comments.toml"


class CommentsError(ValueError):
    """A model column has no comment, or comments.toml names a model or column that does not exist."""


@dataclass(frozen=True)
class ModelComments:
    """The comments of one model: what it is, and what each of its columns means."""

    name: str
    kind: str
    comment: str
    columns: dict[str, str]


def header_comment(sql: str) -> str:
    """The comment block that opens a model file, as one line."""
    lines = []
    for line in sql.splitlines():
        if not line.startswith("--"):
            break
        lines.append(line.removeprefix("--").strip())
    return " ".join(lines)


def model_files(layer: str) -> list[Path]:
    """The SQL files of one folder of ``warehouse/`` (a layer, or ``tests``), in name order."""
    return sorted((warehouse.ROOT / layer).glob("*.sql"))


def warehouse_models() -> dict[str, tuple[str, Path]]:
    """Every model built from ``warehouse/``: name -> (kind, file)."""
    return {
        f"{layer}.{path.stem}": (kind, path)
        for layer, kind in LAYER_KINDS.items()
        for path in model_files(layer)
    }


def _columns(con: duckdb.DuckDBPyConnection, name: str) -> list[str]:
    schema, table = name.split(".")
    rows = con.execute(
        "select column_name from duckdb_columns() where schema_name = ? and table_name = ? "
        "order by column_index",
        [schema, table],
    ).fetchall()
    return [column for (column,) in rows]


def resolve(con: duckdb.DuckDBPyConnection, *, comments_file: Path = COMMENTS_FILE) -> list[ModelComments]:
    """Every built model with its comment and one comment per column.

    Raises:
        CommentsError: a column has no comment, a model has no header comment, or the file
            names a model or a column that was not built; every problem is listed.
    """
    config = tomllib.loads(comments_file.read_text(encoding="utf-8"))
    shared: dict[str, str] = config.get("columns", {})
    sections = {
        f"{schema}.{model}": columns
        for schema in LAYER_KINDS
        for model, columns in config.get(schema, {}).items()
    }
    models, problems = [], []
    files = warehouse_models()
    for name in sorted(set(sections) - set(files)):
        problems.append(f"{comments_file.name} describes {name}, which no model file builds")
    for name, (kind, path) in files.items():
        own = sections.get(name, {})
        built = _columns(con, name)
        if not built:
            problems.append(f"{name} is not built")
            continue
        problems += [
            f"{name}.{c}: in {comments_file.name} but not in the model" for c in own if c not in built
        ]
        problems += [f"{name}.{c}: no comment" for c in built if c not in own and c not in shared]
        comment = header_comment(path.read_text(encoding="utf-8"))
        if not comment:
            problems.append(f"{name}: {path.name} does not open with a comment")
        columns = {c: own.get(c) or shared.get(c, "") for c in built}
        models.append(ModelComments(name=name, kind=kind, comment=comment, columns=columns))
    if problems:
        raise CommentsError("warehouse comments: " + "; ".join(problems))
    return models


def apply_comments(con: duckdb.DuckDBPyConnection) -> int:
    """Run ``COMMENT ON TABLE/VIEW/COLUMN`` for every model and column built from ``warehouse/``.

    Call it after the models are built, in the same transaction.

    Returns:
        How many comments were set (models plus columns).

    Raises:
        CommentsError: see :func:`resolve`; nothing is commented then.
    """
    models = resolve(con)
    count = 0
    for model in models:
        schema, table = model.name.split(".")
        con.execute(f'comment on {model.kind} "{schema}"."{table}" is {literal(model.comment)}')
        for column, text in model.columns.items():
            con.execute(f'comment on column "{schema}"."{table}"."{column}" is {literal(text)}')
        count += 1 + len(model.columns)
    return count
