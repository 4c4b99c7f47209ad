"""Status history: every version of an action's status, with validity dates; annulled leaves totals."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb

from etl.config import Settings
from etl.running import pipeline
from etl.sources.feeds import Feed

HEADER = "source,source_record_id,decision_date,jurisdiction,authority,platform,action_type,amount,currency,status\n"


def _run(settings: Settings, path: Path, status: str, as_of: date) -> None:
    path.write_text(
        HEADER + f"synthetic-test,r1,2021-04-06,RU,Synthetic court,ExampleTube,fine,1000000,RUB,{status}\n"
    )
    pipeline.run(settings, [Feed(name="statuses", format="csv", location=str(path))], as_of=as_of)


def _history(settings: Settings) -> list[tuple]:
    with duckdb.connect(str(settings.warehouse), read_only=True) as con:
        return con.execute(
            "select status, valid_from, valid_to from core.action_status_history order by valid_from"
        ).fetchall()


def test_status_changes_are_kept_with_validity_dates(settings: Settings, tmp_path: Path):
    """imposed, then appealed, then annulled: three versions; re-running a day changes nothing."""
    feed = tmp_path / "statuses.csv"
    _run(settings, feed, "imposed", date(2021, 5, 1))
    _run(settings, feed, "appealed", date(2021, 6, 1))
    _run(settings, feed, "appealed", date(2021, 6, 1))
    _run(settings, feed, "annulled", date(2022, 1, 10))
    assert _history(settings) == [
        ("imposed", date(2021, 4, 6), date(2021, 5, 31)),
        ("appealed", date(2021, 6, 1), date(2022, 1, 9)),
        ("annulled", date(2022, 1, 10), None),
    ]
    with duckdb.connect(str(settings.warehouse), read_only=True) as con:
        as_of = con.execute(
            "select status from core.action_status_history "
            "where valid_from <= date '2021-07-01' and (valid_to is null or valid_to >= date '2021-07-01')"
        ).fetchall()
        (total,) = con.execute("select total_fines_usd from marts.fines_by_platform").fetchall()[0]
    assert as_of == [("appealed",)]
    assert total == 0  # an annulled fine leaves the default totals
