"""
## Feed ingest DAGs (`ingest_<feed>`): one per enabled feed of the registry
Lands the feed's current payload (`extract`), parses and validates it (`transform`; rejects
go to `ops.quarantine`), converts amounts to USD and EUR at the rate of each decision date
(`convert`), then merges the batch into `core.enforcement_actions`, rebuilds the marts and
publishes the warehouse in one writer session (`load`, pool `duckdb`). `check` fails the run
when the batch was not applied (held back because too much of it was rejected, or its counts
did not reconcile); `ops.run_log` says why.

- **Schedule:** the feed's `schedule` in the registry (`none` = only when triggered). The run
  date is the day of `dag_run.run_after`, or the `as_of` param of a manual run.
- **Source:** the feed registry (`FINES_FEEDS`, else the bundled sample feeds), read when this
  file is parsed: adding or disabling a feed adds or removes its DAG.
- **Outputs:** the warehouse at `FINES_WAREHOUSE`; asset `x-fines://feeds/<feed>` with the
  batch's run-log counts (rows in, loaded, duplicates, quarantined, ...) and asset
  `x-fines://marts` (this load rebuilt them: the marts are built once per run, by the writer
  that changed the facts). A final failure is recorded in `ops.run_log` with its reason.
- **Owner:** platform-fines maintainers. Code: `etl.running.steps`; guide: `docs/airflow.md`.
"""

from airflow.sdk import dag, get_parsing_context, task

import fines_defaults as defaults
from etl import catalog


def ingest(feed: str, *, schedule: str | None, description: str) -> None:
    """Declare the ingest DAG of one feed."""
    batch = defaults.feed_asset(feed)
    dag_id = catalog.ingest_dag_id(feed)

    @dag(
        dag_id=dag_id,
        schedule=schedule,
        start_date=defaults.START_DATE,
        catchup=False,
        max_active_runs=1,
        default_args=defaults.default_args(feeds_of=lambda context: defaults.lost_batch(context, feed)),
        params={"as_of": defaults.as_of_param()},
        tags=["feed", "layer:raw", "layer:core"],
        doc_md=f"# {dag_id}\n{description}\n{__doc__}",
    )
    def ingest_feed():
        @task
        def extract(**context) -> dict:
            from etl.running import steps

            return steps.extract(feed, as_of=defaults.run_date(context))

        @task
        def transform(landed: dict, **context) -> dict:
            from etl.running import steps

            return steps.transform_batch(
                landed, as_of=defaults.run_date(context), **defaults.run_ids(context)
            )

        @task
        def convert(parsed: dict, **context) -> dict:
            from etl.running import steps

            return steps.convert_feed_batch(parsed, run_id=context["run_id"])

        @task(pool=catalog.DUCKDB_POOL, outlets=[batch, defaults.MARTS])
        def load(converted: dict, **context) -> dict:
            from etl.running import steps

            result = steps.load_and_publish(
                [converted], as_of=defaults.run_date(context), **defaults.run_ids(context)
            )
            context["outlet_events"][batch].extra = steps.feed_counts(result, feed)
            context["outlet_events"][defaults.MARTS].extra = result["marts"]
            return result

        @task(retries=0)
        def check(loaded: dict) -> None:
            from etl.running import steps

            steps.check_feeds([feed], loaded)

        check(load(convert(transform(extract()))))

    ingest_feed()


# A task process needs only its own DAG: skip building the others (Airflow's parsing context).
_wanted = get_parsing_context().dag_id
for _feed in defaults.registry_feeds():
    if _wanted in (None, catalog.ingest_dag_id(_feed.name)):
        ingest(_feed.name, schedule=defaults.schedule_of(_feed), description=_feed.description)
