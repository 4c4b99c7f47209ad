"""
## fines_pipeline
The whole pipeline over the feeds of the registry, the same steps as `fines run`:
land each feed, parse and validate it (rejects go to `ops.quarantine`), convert amounts to
USD and EUR at the rate of each decision date, merge into `core.enforcement_actions`, then
rebuild the marts (`marts.fines_by_platform`, `marts.fines_over_time`, ...) and publish the
warehouse, all in the one `load` task so that readers never see a half-built state.

Each feed runs in its own mapped `feed` group (`extract` -> `transform` -> `convert`), so a feed
that fails (after its retries) stops only itself: `load` publishes the others, the failure
callback writes the reason to `ops.run_log`, and `check` then fails the run, naming the feeds.

- **Schedule:** daily. The run date (`run_after`) is the batch date of every row.
- **Params (manual runs):** `feeds`: a subset of the enabled feeds (empty = all);
  `as_of`: a batch date (YYYY-MM-DD) instead of the run's own date.
- **Source:** the feed registry (`FINES_FEEDS`, else the bundled sample feeds), read at run time.
- **Outputs:** the DuckDB warehouse at `FINES_WAREHOUSE`.
- **Owner:** platform-fines maintainers. Code: `etl.running.steps`; guide: `docs/airflow.md`.
"""

from airflow.sdk import Param, dag, task, task_group

import fines_defaults as defaults
from etl import catalog


def _feeds_of(context) -> list[str]:
    """The feeds a failed task lost: its own in the `feed` group, the batches being loaded in `load`."""
    ti = context["ti"]
    if ti.task_id.startswith("feed.") and ti.map_index >= 0:
        return [ti.xcom_pull(task_ids="feeds", map_indexes=None)[ti.map_index]]
    if ti.task_id == "load":
        return [batch["feed"] for batch in _as_list(ti.xcom_pull(task_ids="feed.convert"))]
    return []


def _as_list(batches) -> list[dict]:
    """The outputs of the mapped `feed` group as a list.

    Airflow 3.3 hands a downstream task a mapped group's outputs as a list, except that one
    output comes as the bare value and none as None.
    """
    return [batches] if isinstance(batches, dict) else [batch for batch in batches or [] if batch]


@dag(
    schedule="@daily",
    start_date=defaults.START_DATE,
    catchup=False,
    max_active_runs=1,
    default_args=defaults.default_args(feeds_of=_feeds_of),
    params={
        "feeds": Param(
            [],
            type="array",
            items={"type": "string"},
            description="Feeds to run (empty: every enabled feed).",
        ),
        "as_of": defaults.as_of_param(),
    },
    tags=["pipeline", "layer:core", "layer:marts"],
    doc_md=__doc__,
)
def fines_pipeline():
    @task
    def prepare(**context) -> str:
        from etl.running import steps

        return steps.prepare(run_id=context["run_id"])

    @task
    def feeds(**context) -> list[str]:
        from etl.running import steps

        return steps.feed_names(only=context["params"]["feeds"])

    @task
    def extract(feed: str, **context) -> dict:
        from etl.running import steps

        return steps.extract(feed, as_of=defaults.run_date(context))

    @task
    def transform(batch: dict, **context) -> dict:
        from etl.running import steps

        return steps.transform_batch(batch, as_of=defaults.run_date(context), **defaults.run_ids(context))

    @task
    def convert(batch: dict, rates_path: str, **context) -> dict:
        from etl.running import steps

        return steps.convert_batch(batch, rates_path=rates_path, run_id=context["run_id"])

    @task_group
    def feed(name: str, rates_path: str):
        return convert(transform(extract(name)), rates_path)

    # Runs when every feed is done and at least one upstream succeeded: failed feeds don't block.
    @task(pool=catalog.DUCKDB_POOL, outlets=[defaults.CORE_ACTIONS, defaults.MARTS],
          trigger_rule="all_done_min_one_success")  # fmt: skip
    def load(batches: list[dict], rates_path: str, **context) -> dict:
        from etl.running import steps

        return steps.load_and_publish(
            _as_list(batches),
            rates_path=rates_path,
            as_of=defaults.run_date(context),
            **defaults.run_ids(context),
        )

    @task(retries=0)
    def check(names: list[str], loaded: dict) -> None:
        from etl.running import steps

        steps.check_feeds(names, loaded)

    rates, names = prepare(), feeds()
    check(names, load(feed.partial(rates_path=rates).expand(name=names), rates))


fines_pipeline()
