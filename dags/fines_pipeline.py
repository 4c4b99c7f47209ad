"""## fines_pipeline
The whole pipeline over the feeds of the registry, the same steps as `fines run`:
land each feed, parse and validate it (rejects go to `ops.quarantine`), convert amounts to
USD and EUR at the rate of each decision date, merge into `core.enforcement_actions`, then
rebuild the marts (`marts.fines_by_platform`, `marts.fines_over_time`, ...) and publish the
warehouse, all in the one `load` task so that readers never see a half-built state.

- **Schedule:** daily. The run date (`run_after`) is the batch date of every row.
- **Source:** the feed registry (`FINES_FEEDS`, else the bundled sample feeds).
- **Outputs:** the DuckDB warehouse at `FINES_WAREHOUSE`.
- **Owner:** platform-fines maintainers. Code: `etl.steps`.
"""

import pendulum
from airflow.sdk import Asset, dag, task

from etl import catalog

CORE = Asset(name="core_enforcement_actions", uri=catalog.CORE_ACTIONS_URI)
MARTS = Asset(name="marts", uri=catalog.MARTS_URI)


@dag(
    schedule="@daily",
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    default_args={
        "retries": 2,
        "retry_delay": pendulum.duration(minutes=2),
        "execution_timeout": pendulum.duration(minutes=30),
    },
    tags=["pipeline", "layer:core", "layer:marts"],
    doc_md=__doc__,
)
def fines_pipeline():
    @task
    def prepare(**context) -> str:
        from etl import steps

        return steps.prepare(run_id=context["run_id"])

    @task
    def feeds() -> list[str]:
        from etl import steps

        return steps.feed_names()

    @task
    def extract(feed: str, **context) -> dict:
        from etl import steps

        return steps.extract(feed, as_of=context["dag_run"].run_after.date())

    @task
    def transform(batch: dict, **context) -> dict:
        from etl import steps

        return steps.transform_batch(
            batch, as_of=context["dag_run"].run_after.date(), run_id=context["run_id"]
        )

    @task
    def convert(batch: dict, rates_path: str, **context) -> dict:
        from etl import steps

        return steps.convert_batch(batch, rates_path=rates_path, run_id=context["run_id"])

    @task(pool=catalog.DUCKDB_POOL, outlets=[CORE, MARTS])
    def load(batches: list[dict], rates_path: str, **context) -> dict:
        from etl import steps

        as_of = context["dag_run"].run_after.date()
        return steps.load_and_publish(
            list(batches), rates_path=rates_path, as_of=as_of, run_id=context["run_id"]
        )

    rates = prepare()
    converted = convert.partial(rates_path=rates).expand(
        batch=transform.expand(batch=extract.expand(feed=feeds()))
    )
    load(converted, rates)


fines_pipeline()
