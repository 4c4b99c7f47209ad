"""One spelling per unknown platform: the variants of a name no alias knows are one platform.

A name that matches no known platform keeps a spelling the feeds use (etl/parsing/platforms.py),
but its variants ("ACME Ltd", "Acme", "A.C.M.E.") are one company. Records whose reported names
share a key (:func:`etl.parsing.platforms.name_keys`: case, spacing, punctuation and trailing
legal forms dropped) are stored under one spelling: the one most of the key's records report, ties
to the first in code-point order. The choice is made at every load over every stored record of an
unknown name, so it does not depend on which feed or run loaded first, and a warehouse loaded
before the rule is set right by its next load. A load that changes the count may move a key's
older records to another spelling; their actions are then rewritten, and the change is recorded
like any other.

:func:`choose` runs before a batch is stored, :func:`apply` after; both inside the merge's
transaction.
"""

from __future__ import annotations

import duckdb
import polars as pl

from etl import catalog
from etl.parsing.platforms import name_keys

SPELLINGS = "unknown_spellings"  # temp: platform_reported -> platform, for every unknown name
# temp: stored records (feed, record_key) whose platform changes, with its old value and the new (spelling)
RESPELLED = "respelled_records"
UNKNOWN = "not coalesce(is_known_platform, true)"


def choose(con: duckdb.DuckDBPyConnection) -> None:
    """Choose the spelling of every unknown key, and give it to the batch's keys.

    The choice is made over every stored record of an unknown name (those the batch replaces,
    same feed and record key, left out) and the batch's own, so a warehouse whose records
    disagree with the rule (loaded before it) is set right by its next load. Creates
    :data:`SPELLINGS` and :data:`RESPELLED` (empty when no unknown name is stored or loaded), and
    sets ``batch_keys.platform`` of the batch's unknown names to their key's spelling.

    Args:
        con: the writer connection, with temp table ``batch_keys`` (``feed``, ``record_key``,
            ``platform``, ``jurisdiction``, ``platform_reported``, ``unknown``) of the batch.
    """
    stored = f"select * from {catalog.ACTION_SOURCES} where {UNKNOWN}"
    counts = con.sql(
        "select platform_reported, count(*) as records from ("
        f"select platform_reported from ({stored}) as s anti join batch_keys using (feed, record_key) "
        "union all select platform_reported from batch_keys where unknown"
        ") where platform_reported is not null group by platform_reported"
    ).pl()
    spellings = pl.DataFrame(schema={"platform_reported": pl.String, "platform": pl.String})
    if counts.height:
        counts = counts.join(name_keys(counts["platform_reported"]), on="platform_reported")
        chosen = (
            counts.sort(["key", "records", "platform_reported"], descending=[False, True, False])
            .unique("key", keep="first")
            .select("key", platform="platform_reported")
        )
        spellings = counts.join(chosen, on="key").select("platform_reported", "platform")
    con.register("chosen_spellings", spellings)
    try:
        con.execute(f"create or replace temp table {SPELLINGS} as select * from chosen_spellings")
    finally:
        con.unregister("chosen_spellings")
    con.execute(
        f"create or replace temp table {RESPELLED} as select s.feed, s.record_key, s.platform, s.jurisdiction, "
        f"c.platform as spelling from ({stored}) as s inner join {SPELLINGS} as c using (platform_reported) "
        "anti join batch_keys using (feed, record_key) where s.platform is distinct from c.platform"
    )
    con.execute(
        f"update batch_keys as b set platform = c.platform from {SPELLINGS} as c "
        "where b.unknown and b.platform_reported = c.platform_reported and b.platform is distinct from c.platform"
    )


def apply(con: duckdb.DuckDBPyConnection) -> None:
    """Store every record of an unknown name, the batch's included, under its key's spelling."""
    con.execute(
        f"update {catalog.ACTION_SOURCES} as s set platform = c.platform from {SPELLINGS} as c "
        "where s.platform_reported = c.platform_reported and not coalesce(s.is_known_platform, true) "
        "and s.platform is distinct from c.platform"
    )


def drop(con: duckdb.DuckDBPyConnection) -> None:
    """Drop the temp tables of :func:`choose`."""
    for name in (SPELLINGS, RESPELLED):
        con.execute(f"drop table if exists {name}")
