"""
## fx_rates
Refreshes the exchange rates live: fetches the ECB daily file, NBP tables A and B and the Bank
of Russia's daily file (`etl.money.fx_refresh`; addresses from `FINES_FX_ECB_URL`,
`FINES_FX_NBP_A_URL`, `FINES_FX_NBP_B_URL`, `FINES_FX_CBR_URL`, else the official ones), lands
each file unchanged and keeps the parsed rates under `<data>/fx/live` (`fetch`). Then loads
every rate (embedded ECB and NBP histories, live rates, overrides) into `core.fx_rates`,
re-converts the stored actions whose rate changed, rebuilds the marts and publishes the
warehouse (`refresh`, pool `duckdb`). A source that is down does not stop the others; `check`
then fails the run, naming it.

- **Schedule:** weekdays 17:00 UTC, after the ECB's 16:00 CET publication.
- **Outputs:** `core.fx_rates`, re-converted `core.enforcement_actions`, the marts; asset
  `x-fines://core/fx_rates` (rates changed, actions re-converted, rows per source); the marts
  are rebuilt in the same writer session.
- **Owner:** platform-fines maintainers. Code: `etl.running.steps`, `etl.money.fx_refresh`; guide: `docs/airflow.md`.
"""

from airflow.sdk import dag, task

import fines_defaults as defaults
from etl import catalog


@dag(
    schedule="0 17 * * 1-5",
    start_date=defaults.START_DATE,
    catchup=False,
    max_active_runs=1,
    default_args=defaults.default_args(),
    params={"as_of": defaults.as_of_param()},
    tags=["fx", "layer:core"],
    doc_md=__doc__,
)
def fx_rates():
    @task
    def fetch(**context) -> dict:
        from etl.running import steps

        return steps.fetch_rates(as_of=defaults.run_date(context))

    @task(pool=catalog.DUCKDB_POOL, outlets=[defaults.FX_RATES])
    def refresh(fetched: dict, **context) -> dict:
        from etl.running import steps

        result = steps.refresh_rates(**defaults.run_ids(context))
        context["outlet_events"][defaults.FX_RATES].extra = {
            "rates_changed": result["rates_changed"], "reconverted": result["reconverted"],
            "live_rates": fetched["sources"], "failed_sources": sorted(fetched["errors"]),
        }  # fmt: skip
        return result

    @task(retries=0)
    def check(fetched: dict) -> None:
        from etl.running import steps

        steps.check_rate_sources(fetched)

    fetched = fetch()
    refresh(fetched) >> check(fetched)


fx_rates()
