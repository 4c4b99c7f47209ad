"""
## build_marts
Rebuilds the marts (`marts.fines_by_platform`, `marts.fines_over_time`, ...) from the core
facts, checks each against its contract and publishes the warehouse atomically.

- **Schedule:** on assets, when *any* of them is updated: a feed's fresh batch
  (`x-fines://feeds/<feed>`, from `ingest_<feed>`) or refreshed rates (`x-fines://core/fx_rates`,
  from `fx_rates`). The feed list is the registry's, read when this file is parsed.
- **Source:** `core.enforcement_actions` and the SQL models in `warehouse/`.
- **Outputs:** the marts; asset `x-fines://marts` with the row count of each mart.
- **Owner:** platform-fines maintainers. Code: `etl.steps.build`; guide: `docs/airflow.md`.
"""

import functools
import operator

from airflow.sdk import dag, task

import fines_defaults as defaults
from etl import catalog

# `|`: any one refreshed asset triggers a build (a list would wait for all of them).
UPDATES = functools.reduce(
    operator.or_, [defaults.feed_asset(feed.name) for feed in defaults.registry_feeds()], defaults.FX_RATES
)


@dag(
    schedule=UPDATES,
    start_date=defaults.START_DATE,
    catchup=False,
    max_active_runs=1,
    default_args=defaults.default_args(),
    tags=["marts", "layer:marts"],
    doc_md=__doc__,
)
def build_marts():
    @task(pool=catalog.DUCKDB_POOL, outlets=[defaults.MARTS])
    def build(**context) -> dict:
        from etl import steps

        counts = steps.build()
        context["outlet_events"][defaults.MARTS].extra = counts
        return counts

    build()


build_marts()
