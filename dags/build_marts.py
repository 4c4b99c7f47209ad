"""
## build_marts
Rebuilds every mart (`marts.fines_by_platform`, `marts.fines_over_time`, ...) from scratch out of
the core facts, checks each against its contract and publishes the warehouse atomically: the way
to repair a warehouse (the other writers rebuild only what their change touched).

- **Who owns the marts:** the writer that changes the facts. Each `ingest_<feed>` load, each
  `fines_pipeline` run and `fx_rates` rebuild the marts in the same writer session that changes
  the facts, so every published warehouse has marts that agree with its facts and the marts are
  built once per run. This DAG does not run on a schedule: trigger it after changing the SQL
  models in `warehouse/`, or to repair a warehouse.
- **Schedule:** none (manual).
- **Source:** `core.enforcement_actions` and the SQL models in `warehouse/`.
- **Outputs:** the marts; asset `x-fines://marts` with the row count of each mart.
- **Owner:** platform-fines maintainers. Code: `etl.running.steps.build`; guide: `docs/airflow.md`.
"""

from airflow.sdk import dag, task

import fines_defaults as defaults
from etl import catalog


@dag(
    schedule=None,
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
        from etl.running import steps

        counts = steps.build()
        context["outlet_events"][defaults.MARTS].extra = counts
        return counts

    build()


build_marts()
