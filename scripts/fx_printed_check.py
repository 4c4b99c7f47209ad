"""Print our USD conversion against the figure the press printed, before and after interpolation.

Usage: ``python scripts/fx_printed_check.py [CSV]`` (default: the cited RUB sample of 2022,
``tests/fixtures/fx/printed_usd_rub_2022.csv``). Uses the embedded ECB and NBP rates, no network.
The output is the table of docs/fx.md section 7.
"""

from __future__ import annotations

import sys
from pathlib import Path

from etl.money.fx_check import compare_with_printed, read_printed, summarize
from etl.money.rates import embedded_rates

DEFAULT = Path(__file__).parents[1] / "tests" / "fixtures" / "fx" / "printed_usd_rub_2022.csv"


def _dates(row: dict, suffix: str) -> str:
    after = row[f"next_rate_date_{suffix}"]
    return f"{row[f'rate_date_{suffix}']}" + (f" to {after}" if after else "")


def main(path: Path) -> None:
    """Print the per-row table and the summary as Markdown."""
    compared = compare_with_printed(read_printed(path), embedded_rates())
    print("| decision | platform | amount | printed USD | before | after | rate dates (after), quality |")
    print("|---|---|---:|---:|---:|---:|---|")
    for row in compared.iter_rows(named=True):
        print(
            f"| {row['decision_date']} | {row['platform']} | {row['amount']:,} {row['currency']} "
            f"| {row['reported_usd']:,.0f} | {row['usd_before']:,.0f} ({row['difference_before']:+.2%}) "
            f"| {row['usd_after']:,.0f} ({row['difference_after']:+.2%}) "
            f"| {_dates(row, 'after')}, {row['source_after']}, {row['quality_after']} |"
        )
    for rule, figures in summarize(compared).items():
        print(
            f"\n{rule}: {figures['within_2_percent']:.0f} of {figures['rows']:.0f} within 2%, "
            f"{figures['beyond_5_percent']:.0f} beyond 5%, "
            f"median absolute difference {figures['median_abs_difference']:.2%}"
        )


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT)
