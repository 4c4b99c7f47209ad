"""Merge a batch into the facts: every record kept, one action per decision (docs/identity.md).

A batch's records are stored in ``core.action_sources`` with their own figures and a pointer to
where they were read (the landed file and the record's line there; the payload itself is not
stored, only rejected rows keep theirs, in ``ops.quarantine``). Then, for the
platforms and jurisdictions the batch touches, the records that may report one decision are
grouped again by :mod:`etl.loading.identity`, and the facts of every action whose records changed are
rewritten from their anchor record. Grouping looks at every stored record of those blocks, so
the outcome does not depend on which feed or run loaded first.
"""

from __future__ import annotations

from datetime import date

import duckdb
import polars as pl

import warehouse
from etl import catalog
from etl.loading import changes, identity, spellings
from etl.money import cpi

# The columns a converted batch row and a stored source record share with a fact.
ACTION_COLUMNS = (
    "feed", "source", "source_record_id", "source_url", "jurisdiction", "authority", "platform",
    "platform_reported", "is_known_platform", "platform_candidates", "parent_company", "action_type",
    "violation", "legal_basis", "currency", "status", "fx_source", "fx_status", "fx_note", "amount",
    "amount_usd", "amount_eur", "fx_rate_usd", "fx_rate_eur", "reported_usd", "reported_eur",
    "decision_date", "reported_date", "fx_rate_date", "batch_date", "source_kind", "amount_exact",
    "amount_qualifier", "is_outlier", "fx_quality", "fx_next_rate_date",
)  # fmt: skip
# What identity says of an action, beyond its anchor record's own columns.
IDENTITY_COLUMNS = ("amount_disputed", "amount_low", "amount_high", "is_total_of_parts", "source_count")
# A record's key within its feed, from a batch row: its record id, else the md5 of its payload
# (the record as JSON). Only the key is stored; the payload stays in the landed file.
RECORD_KEY = "coalesce(source_record_id, md5(payload))"
_CANDIDATES = (warehouse.ROOT / "rules" / "same_decision_candidates.sql").read_text(encoding="utf-8")
_STATUS_HISTORY = [
    statement
    for statement in (warehouse.ROOT / "rules" / "status_history.sql")
    .read_text(encoding="utf-8")
    .split(";\n")
    if statement.strip() and not all(line.startswith("--") for line in statement.strip().splitlines())
]
_RECORD_COLUMNS = (
    "feed, record_key, record_action_id, source, source_kind, "
    "regexp_replace(coalesce(source_record_id, record_key), '#\\d+$', '') as document, action_type, "
    "decision_date, reported_date, amount, amount_exact, currency, amount_usd, "
    "amount_qualifier as qualifier"
)


def merge_batch(
    con: duckdb.DuckDBPyConnection, *, run_id: str, batch_date: date, source_file: str | None
) -> None:
    """Store the registered ``batch`` as source records and regroup the actions it touches.

    Runs inside the caller's transaction.

    Args:
        con: the writer connection, with the batch registered as ``batch``.
        run_id: the run that stores the records.
        batch_date: the run's as-of date.
        source_file: the landed file the batch was read from (its records point to it).
    """
    con.execute(
        f"create or replace temp table batch_keys as select feed, {RECORD_KEY} as record_key, "
        f"platform, jurisdiction, platform_reported, {spellings.UNKNOWN} as unknown from batch"
    )
    spellings.choose(con)
    # The blocks the batch touches: its own, those of the records it replaces, and both spellings'
    # of the records moved to another spelling of their unknown platform.
    con.execute(
        "create or replace temp table affected_blocks as "
        "select distinct platform, jurisdiction from batch_keys union "
        f"select s.platform, s.jurisdiction from {catalog.ACTION_SOURCES} as s "
        "inner join batch_keys using (feed, record_key) union "
        f"select platform, jurisdiction from {spellings.RESPELLED} union "
        f"select spelling, jurisdiction from {spellings.RESPELLED}"
    )
    con.execute(
        "create or replace temp table before_merge as select s.feed, s.record_key, s.action_id "
        f"from {catalog.ACTION_SOURCES} as s inner join affected_blocks using (platform, jurisdiction)"
    )
    _store_records(con, run_id=run_id, source_file=source_file)
    spellings.apply(con)
    actions, parts = _regroup(con)
    con.register("identity_actions", actions)
    con.register("identity_parts", parts)
    try:
        _rewrite_facts(con)
        cpi.deflate(con, actions="select action_id from touched_actions")
        _record_status_history(con, run_id=run_id, batch_date=batch_date)
        check_keys(con)  # after every table it checks was written
        _record_changes(con, run_id=run_id, batch_date=batch_date)
    finally:
        for name in ("identity_actions", "identity_parts"):
            con.unregister(name)
    for name in ("batch_keys", "affected_blocks", "before_merge", "touched_actions", "regrouped"):
        con.execute(f"drop table if exists {name}")
    spellings.drop(con)


class DuplicateKey(RuntimeError):
    """A load would store two rows under one key: the caller's transaction must roll back."""


# The keys of the facts, unique without an index (migration 016), and the temp table of the
# keys a load wrote: only those can have been doubled by it.
_KEYS = (
    (catalog.ACTION_SOURCES, "feed, record_key", "batch_keys", "feed, record_key"),
    (catalog.ENFORCEMENT_ACTIONS, "action_id", "touched_actions", "action_id"),
    (catalog.STATUS_HISTORY, "action_id, valid_from", "touched_actions", "action_id"),
)


def check_keys(con: duckdb.DuckDBPyConnection) -> None:
    """Fail when a key this load wrote is held by two rows: a record's, an action's, a status version's.

    Raises:
        DuplicateKey: naming the table, the key and how many rows hold it.
    """
    for table, key, written, shared in _KEYS:
        doubled = con.execute(
            f"select {key}, count(*) from {table} semi join {written} using ({shared}) "
            "group by all having count(*) > 1 limit 1"
        ).fetchone()
        if doubled:
            raise DuplicateKey(
                f"{table}: {key} = {', '.join(map(str, doubled[:-1]))} would be held by {doubled[-1]} rows; "
                "nothing of this load is kept"
            )


def _store_records(con: duckdb.DuckDBPyConnection, *, run_id: str, source_file: str | None) -> None:
    # Delete then insert: the table has no key index (migration 016); check_keys checks the keys.
    con.execute(
        f"delete from {catalog.ACTION_SOURCES} where (feed, record_key) in "
        "(select (feed, record_key) from batch_keys)"
    )
    columns = ", ".join(ACTION_COLUMNS)
    con.execute(
        f"insert into {catalog.ACTION_SOURCES} (action_id, record_action_id, record_key, source_file, "
        f"source_line, run_id, {columns}) select action_id, action_id, {RECORD_KEY}, ?, source_line, "
        f"?, {columns} from batch",
        [source_file, run_id],
    )


def _regroup(con: duckdb.DuckDBPyConnection) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Group the affected blocks' records again: temp table ``regrouped`` and identity's verdicts.

    A record that no other record may report the same decision as is its own action; only the
    records of candidate pairs go through :mod:`etl.loading.identity`.

    Returns:
        Identity's actions and total -> part links for the contested records.
    """
    con.execute(
        "create or replace temp table regrouped as select s.feed, s.record_key, "
        f"s.record_action_id as action_id from {catalog.ACTION_SOURCES} as s "
        "inner join affected_blocks using (platform, jurisdiction)"
    )
    window = identity.NEWS_LAG_DAYS + identity.DATE_WINDOW_DAYS
    pairs = con.sql(_CANDIDATES, params={"window": window}).pl()
    _, no_actions, no_parts = identity.assign([])
    if pairs.is_empty():
        return no_actions, no_parts
    contested = pl.concat([
        pairs.select(feed="feed_a", record_key="record_key_a"),
        pairs.select(feed="feed_b", record_key="record_key_b"),
    ]).unique()  # fmt: skip
    con.register("contested", contested)
    try:
        records = con.sql(
            f"select {_RECORD_COLUMNS} from {catalog.ACTION_SOURCES} inner join contested "
            "using (feed, record_key)"
        ).pl()
    finally:
        con.unregister("contested")
    grouped, actions, parts = [], [no_actions], [no_parts]
    for component in _components(pairs):
        members = records.join(component, on=["feed", "record_key"], how="semi")
        one, two, three = identity.assign(identity.records_from(members))
        grouped.append(one), actions.append(two), parts.append(three)
    con.register("identity_assignment", pl.concat(grouped))
    try:
        con.execute(
            "update regrouped as r set action_id = i.action_id from identity_assignment as i "
            "where r.feed = i.feed and r.record_key = i.record_key"
        )
    finally:
        con.unregister("identity_assignment")
    return pl.concat(actions), pl.concat(parts)


def _components(pairs: pl.DataFrame) -> list[pl.DataFrame]:
    """Connected groups of records linked by candidate pairs (union-find over the pairs)."""
    parent: dict[tuple[str, str], tuple[str, str]] = {}

    def root(key: tuple[str, str]) -> tuple[str, str]:
        while parent.setdefault(key, key) != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    for feed_a, key_a, feed_b, key_b in pairs.iter_rows():
        parent[root((feed_a, key_a))] = root((feed_b, key_b))
    groups: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for key in list(parent):
        groups.setdefault(root(key), []).append(key)
    return [pl.DataFrame(keys, schema=["feed", "record_key"], orient="row") for keys in groups.values()]


def _rewrite_facts(con: duckdb.DuckDBPyConnection) -> None:
    """Replace the facts of every action whose records or grouping changed."""
    sources = catalog.ACTION_SOURCES
    con.execute(
        "create or replace temp table touched_actions as "
        "select r.action_id from regrouped as r left join before_merge as b using (feed, record_key) "
        "where b.action_id is distinct from r.action_id "
        "or (r.feed, r.record_key) in (select (feed, record_key) from batch_keys) "
        "union select b.action_id from before_merge as b left join regrouped as r using (feed, record_key) "
        "where r.action_id is distinct from b.action_id "
        "or (b.feed, b.record_key) in (select (feed, record_key) from batch_keys) "
        "union select action_id from identity_actions "
        # a record moved to its unknown platform's spelling changes its action's platform
        f"union select action_id from regrouped semi join {spellings.RESPELLED} using (feed, record_key) "
        f"union select action_id from before_merge semi join {spellings.RESPELLED} using (feed, record_key)"
    )
    changes.snapshot(con, actions="select action_id from touched_actions")
    con.execute(
        f"update {sources} as s set action_id = r.action_id from regrouped as r "
        "where s.feed = r.feed and s.record_key = r.record_key and s.action_id != r.action_id"
    )
    con.execute(
        f"delete from {catalog.ENFORCEMENT_ACTIONS} where action_id in (select action_id from touched_actions)"
    )
    con.execute(
        f"delete from {catalog.ACTION_PARTS} where total_action_id in (select action_id from touched_actions) "
        "or part_action_id in (select action_id from touched_actions)"
    )
    columns = ", ".join(ACTION_COLUMNS)
    identity_columns = ", ".join(IDENTITY_COLUMNS)
    # Actions of one record anchor themselves; contested ones take identity's anchor and verdict.
    con.execute(
        f"""insert into {catalog.ENFORCEMENT_ACTIONS} (action_id, run_id, {columns}, {identity_columns})
        with anchors as (
            select action_id, anchor_feed as feed, anchor_record_key as record_key, {identity_columns}
            from identity_actions
            union all
            select s.action_id, s.feed, s.record_key, false, s.amount, s.amount, false, 1
            from {sources} as s
            inner join (
                -- joins and a grouping, not IN lists and a window: DuckDB can spill these to disk
                select action_id, min({{'feed': feed, 'record_key': record_key}}) as first
                from {sources} semi join touched_actions using (action_id) anti join identity_actions using (action_id)
                group by action_id
            ) as one
                on s.action_id = one.action_id and s.feed = one.first.feed and s.record_key = one.first.record_key
        )
        select anchors.action_id, s.run_id, {", ".join(f"s.{c}" for c in ACTION_COLUMNS)},
            {", ".join(f"anchors.{c}" for c in IDENTITY_COLUMNS)}
        from anchors
        inner join {sources} as s using (feed, record_key)"""
    )
    con.execute(
        f"insert into {catalog.ACTION_PARTS} select distinct total_action_id, part_action_id from identity_parts"
    )


def _record_status_history(con: duckdb.DuckDBPyConnection, *, run_id: str, batch_date: date) -> None:
    # The rule is SQL, in warehouse/rules/status_history.sql; each statement gets the
    # parameters it names.
    values = {"run_id": run_id, "batch_date": batch_date}
    for statement in _STATUS_HISTORY:
        con.execute(statement, {k: v for k, v in values.items() if f"${k}" in statement})


def _record_changes(con: duckdb.DuckDBPyConnection, *, run_id: str, batch_date: date) -> None:
    # An action that no longer exists handed its records to the action they now report.
    (feed,) = con.execute("select min(feed) from batch").fetchone()
    changes.record(
        con, run_id=run_id, feed=feed, batch_date=batch_date,
        actions="select action_id from touched_actions",
        successors="select b.action_id as old_id, min(r.action_id) as new_id from before_merge as b "
        "inner join regrouped as r using (feed, record_key) where r.action_id != b.action_id group by 1",
    )  # fmt: skip
