"""Pay only for what changed: which rows of the marts' inputs changed since the marts were built.

The marts read four inputs, the staging views (:data:`INPUTS`). After each build the state
tables of migration 015 keep, per input, a content hash of every row and, per bucket of rows
(by the hash of their key), their count and the sum of their hashes. The next build compares
bucket figures in one pass over each input, then compares rows only in the buckets that differ.
What differs, old rows and new ones alike, names the mart keys to rebuild (:data:`KINDS`):
actions, series (jurisdiction and platform) and authorities (jurisdiction and authority). The
comparison reads the data, not a log, so any change is seen however it was made.

A mart in :data:`KEYED` is *partitioned* by one kind of key: its rows of one key depend only on
input rows of that key, except the columns a rule in ``warehouse/rules/`` rewrites over the
whole mart afterwards (global ranks). Its changed keys are deleted and rebuilt from inputs
restricted to those keys. Every other mart is rebuilt whole when one of its inputs changed, and
left alone otherwise. The code fingerprint (model SQL, mart contracts, this module, DuckDB's
version, the models' column types) decides when nothing can be reused: then every model is
rebuilt from scratch, as the first build of a warehouse is.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb

import schemas
import warehouse
from etl import catalog
from etl.loading.connection import has_table
from etl.loading.sql import LAYERS, literal

BUCKETS = 65536
CODE, COMMENTS = "code", "comments"  # the names of the fingerprints in ops.model_state
STATE, BUCKET_STATE, ROW_STATE = catalog.MODEL_STATE, catalog.MODEL_INPUT_BUCKETS, catalog.MODEL_INPUT_ROWS
KINDS = {"action": "action_key", "series": "series_key", "authority": "authority_key"}
TEMP_TABLES = (
    "model_buckets_now",
    "model_changed_buckets",
    "model_rows_now",
    "model_changed_rows",
    "model_affected",
)
_REFERENCE = re.compile(r"\b((?:staging|core)\.\w+)\b")


@dataclass(frozen=True)
class Input:
    """A staging view the marts read: the key its rows are bucketed by, and the mart keys it feeds."""

    relation: str
    bucket_key: str
    keys: dict[str, str]  # kind -> hash expression over the view's columns
    hashed: str | None = None  # the table whose rows are hashed instead of the view's (cheaper, same changes)


@dataclass(frozen=True)
class Keyed:
    """How a mart partitioned by one kind of key is rebuilt for changed keys only."""

    kind: str
    key: str  # the same key's hash, as an expression over the mart's columns
    rule: str | None = None  # warehouse/rules/<rule>.sql, run over the whole mart afterwards
    rewritten: tuple[str, ...] = ()  # the columns that rule rewrites


_ACTION = "hash(action_id)"
INPUTS = {
    "actions": Input(
        "staging.stg_core__enforcement_actions",
        "action_id",
        {
            "action": _ACTION,
            "series": "hash(jurisdiction, platform)",
            "authority": "hash(jurisdiction, authority)",
        },
        # The view computes its columns from one row of the table each, and keeps the key columns.
        hashed=catalog.ENFORCEMENT_ACTIONS,
    ),
    "sources": Input("staging.stg_core__action_sources", "action_id", {"action": _ACTION}),
    "changes": Input(
        "staging.stg_ops__action_changes", "current_action_id", {"action": "hash(current_action_id)"}
    ),
    "runs": Input("staging.stg_ops__run_log", "feed", {}),
}
KEYED = {
    catalog.NON_MONETARY_ACTIONS: Keyed("action", _ACTION),
    catalog.FX_DISAGREEMENTS: Keyed("action", _ACTION),
    catalog.LARGEST_FINES: Keyed(
        "action", _ACTION, "largest_fines__ranks", ("overall_rank", "platform_rank")
    ),
    catalog.FINES_OVER_TIME: Keyed("series", "hash(jurisdiction, platform)"),
    catalog.FINES_BY_AUTHORITY: Keyed("authority", "hash(jurisdiction, authority)"),
    catalog.RECENT_CHANGES: Keyed(
        "action",
        "hash(case when change_type = 'merged' then coalesce(new_value, action_id) else action_id end)",
        "recent_changes__run_rank",
        ("run_rank",),
    ),
}


def model_sql() -> dict[str, str]:
    """Every model of ``warehouse/`` (staging, core, marts): name -> its ``select``."""
    return {
        f"{layer}.{path.stem}": path.read_text(encoding="utf-8")
        for layer in LAYERS
        for path in sorted((warehouse.ROOT / layer).glob("*.sql"))
    }


def references(name: str, models: dict[str, str]) -> set[str]:
    """The staging and core models a model reads, directly or through other models."""
    found: set[str] = set()
    for ref in set(_REFERENCE.findall(models[name])) - {name}:
        if ref in models:
            found |= {ref} | references(ref, models)
    return found


def inputs_of(name: str, models: dict[str, str]) -> set[str]:
    """The inputs (:data:`INPUTS`) a model reads."""
    views = references(name, models)
    return {key for key, spec in INPUTS.items() if spec.relation in views}


def rule_sql(rule: str) -> str:
    """A rule of ``warehouse/rules/`` that finishes an incremental build."""
    return (warehouse.ROOT / "rules" / f"{rule}.sql").read_text(encoding="utf-8")


def code_fingerprint(con: duckdb.DuckDBPyConnection, models: dict[str, str]) -> str | None:
    """SHA-256 of what shapes the marts: model SQL, rules, contracts, this module, column types.

    Returns None when a model cannot be bound (a view not built yet): nothing can be reused then.
    """
    digest = hashlib.sha256(duckdb.__version__.encode())
    # The mart contracts are modules of the schemas package: every one of them is read, not
    # imported (Pandera loads only when a mart is checked).
    contracts = Path(schemas.__file__).parent.glob("*.py")
    files = [Path(__file__), *contracts, *(warehouse.ROOT / "rules").glob("*.sql")]
    for path in sorted(files):
        digest.update(path.name.encode() + path.read_bytes())
    try:
        for name, sql in models.items():
            relation = con.sql(sql)
            digest.update(f"{name}\n{sql}\n{relation.columns}\n{relation.types}".encode())
    except duckdb.Error:
        return None
    return digest.hexdigest()


def comments_fingerprint() -> str:
    """SHA-256 of the column comments file and every model's header comment (its file)."""
    digest = hashlib.sha256((warehouse.ROOT / "comments.toml").read_bytes())
    for name, sql in model_sql().items():
        digest.update(f"{name}\n{sql}".encode())
    return digest.hexdigest()


def stored(con: duckdb.DuckDBPyConnection) -> dict[str, str] | None:
    """The fingerprints of the last build (None when the warehouse predates migration 015)."""
    return dict(con.execute(f"select name, value from {STATE}").fetchall()) if has_table(con, STATE) else None


def _columns(con: duckdb.DuckDBPyConnection, relation: str) -> list[str]:
    return [f'"{column}"' for column in con.sql(f"select * from {relation}").columns]


def _rows(con: duckdb.DuckDBPyConnection) -> str:
    """A query of every input row's state: input, bucket, content hash, and the mart keys it feeds.

    Buckets are numbered across inputs (input number x 65536 + hash of the key mod 65536).
    """
    queries = []
    for number, (name, spec) in enumerate(INPUTS.items()):
        source = spec.hashed or spec.relation
        row_hash = f"hash({', '.join(_columns(con, source))})"
        keys = ", ".join(
            f"{spec.keys.get(kind, 'null')}::ubigint as {column}" for kind, column in KINDS.items()
        )
        queries.append(
            f"select {literal(name)} as input, ({number * BUCKETS} + hash({spec.bucket_key}) % {BUCKETS})::integer "
            f"as bucket, {row_hash} as row_hash, {keys} from {source}"
        )
    return " union all ".join(queries)


def save_everything(con: duckdb.DuckDBPyConnection) -> None:
    """Record every input row as the marts were just built from them (after a full build)."""
    con.execute(f"delete from {ROW_STATE}")
    con.execute(f"delete from {BUCKET_STATE}")
    con.execute(f"insert into {ROW_STATE} {_rows(con)}")
    con.execute(
        f"insert into {BUCKET_STATE} select any_value(input), bucket, count(*), sum(row_hash)::hugeint "
        f"from {ROW_STATE} group by bucket"
    )


def diff(con: duckdb.DuckDBPyConnection) -> set[str]:
    """Find what changed in the inputs since the state was saved; the inputs that changed.

    One pass hashes every input row; rows are compared only in the buckets whose figures
    differ. Leaves temp tables for the build and :func:`save`: ``model_buckets_now`` (every
    bucket now), ``model_changed_buckets``, ``model_rows_now`` (the rows now in those buckets)
    and ``model_affected`` (kind, key: every mart key a changed row fed, before or after).
    """
    con.execute(f"create or replace temp table model_rows_all as {_rows(con)}")
    con.execute(
        "create or replace temp table model_buckets_now as select any_value(input) as input, bucket, "
        "count(*) as row_count, sum(row_hash)::hugeint as fingerprint from model_rows_all group by bucket"
    )
    con.execute(
        "create or replace temp table model_changed_buckets as "
        "select coalesce(n.input, o.input) as input, coalesce(n.bucket, o.bucket) as bucket "
        f"from model_buckets_now as n full outer join {BUCKET_STATE} as o on n.bucket = o.bucket "
        "where n.row_count is distinct from o.row_count or n.fingerprint is distinct from o.fingerprint"
    )
    con.execute(
        "create or replace temp table model_rows_now as "
        "select * from model_rows_all semi join model_changed_buckets using (bucket)"
    )
    con.execute("drop table model_rows_all")
    old = f"select r.* from {ROW_STATE} as r semi join model_changed_buckets using (bucket)"
    con.execute(
        "create or replace temp table model_changed_rows as "
        f"(select * from model_rows_now except all {old}) union all ({old} except all select * from model_rows_now)"
    )
    con.execute(
        "create or replace temp table model_affected as "
        + " union ".join(
            f"select {literal(kind)} as kind, {column} as key from model_changed_rows where {column} is not null"
            for kind, column in KINDS.items()
        )
    )
    return {name for (name,) in con.execute("select distinct input from model_changed_buckets").fetchall()}


def save(con: duckdb.DuckDBPyConnection) -> None:
    """Record the rows of the changed buckets as the marts were just built from them (after :func:`diff`)."""
    for table in (ROW_STATE, BUCKET_STATE):
        con.execute(f"delete from {table} as t using model_changed_buckets as c where t.bucket = c.bucket")
    con.execute(f"insert into {ROW_STATE} select * from model_rows_now")
    con.execute(
        f"insert into {BUCKET_STATE} select n.* from model_buckets_now as n "
        "semi join model_changed_buckets using (bucket)"
    )
    for table in TEMP_TABLES:
        con.execute(f"drop table if exists {table}")


def set_fingerprints(con: duckdb.DuckDBPyConnection, *, code: str | None, comments: str) -> None:
    """Record what the models were built with (no code fingerprint: the next build starts over)."""
    con.execute(f"delete from {STATE}")
    values = [(name, value) for name, value in ((CODE, code), (COMMENTS, comments)) if value is not None]
    con.executemany(f"insert into {STATE} values (?, ?)", values)


def affected(kind: str) -> str:
    """A query of the changed keys of one kind (found by :func:`diff`)."""
    return f"select key from model_affected where kind = {literal(kind)}"


def restricted_views(name: str, models: dict[str, str], kind: str) -> tuple[str, list[tuple[str, str]]]:
    """A model's ``select`` over inputs restricted to the changed keys of ``kind``.

    Returns:
        The ``select``, and the temp views it reads (name, ``select``), innermost first.
    """
    sql, views = models[name], []
    for ref in sorted({ref for ref in _REFERENCE.findall(models[name]) if ref in models and ref != name}):
        view = "model_only__" + ref.replace(".", "__")
        spec = next((s for s in INPUTS.values() if s.relation == ref), None)
        if spec is not None:
            body = f"select * from {ref} where {spec.keys[kind]} in ({affected(kind)})"
        else:
            body, inner = restricted_views(ref, models, kind)
            views += inner
        views.append((view, body))
        sql = re.sub(rf"\b{re.escape(ref)}\b", view, sql)
    return sql, views
