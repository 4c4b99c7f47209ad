"""The text tables ``fines run`` and ``fines report`` print, read from the marts."""

from __future__ import annotations

import sys
from decimal import Decimal

from etl import catalog
from etl.config import Settings
from etl.console.terminal import echo, escape


def _money(value: Decimal | None) -> str:
    return "-" if value is None else f"{value:,.0f}"


def print_fines_by_platform(settings: Settings, *, out=None) -> None:
    """Print ``marts.fines_by_platform`` as an aligned table (to ``out``, else standard output)."""
    from etl.loading import load

    out = out or sys.stdout  # looked up at call time: tests and callers may swap sys.stdout
    with load.connect(settings.warehouse, read_only=True) as con:
        rows = con.sql(f"select * from {catalog.FINES_BY_PLATFORM}").pl()
    header = (
        "platform",
        "parent company",
        "actions",
        "fines",
        "total USD",
        "total EUR",
        "largest USD",
        "no rate",
    )
    body = [
        (
            escape(r["platform"]),
            escape(r["parent_company"]),
            str(r["action_count"]),
            str(r["fine_count"]),
            _money(r["total_fines_usd"]),
            _money(r["total_fines_eur"]),
            _money(r["largest_fine_usd"]),
            str(r["unconverted_fine_count"]),
        )
        for r in rows.iter_rows(named=True)
    ]
    widths = [max(len(row[i]) for row in [header, *body]) for i in range(len(header))]
    echo(
        f"Fines by platform ({catalog.FINES_BY_PLATFORM}), converted at the rate of each decision date:",
        file=out,
    )
    for row in [header, *body]:
        cells = [
            cell.ljust(w) if i < 2 else cell.rjust(w)
            for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        ]
        echo("  ".join(cells), file=out)


def print_largest_fines(settings: Settings, *, per_platform: int = 10, out=None) -> None:
    """Print each platform's largest fines with the rate date and source behind every figure."""
    from etl.loading import load

    out = out or sys.stdout
    with load.connect(settings.warehouse, read_only=True) as con:
        rows = con.sql(
            f"select * from {catalog.LARGEST_FINES} where platform_rank <= ? order by platform, platform_rank",
            params=[per_platform],
        ).pl()
    echo(f"\nLargest fines per platform (top {per_platform}, {catalog.LARGEST_FINES}):", file=out)
    for r in rows.iter_rows(named=True):
        echo(
            f"  {escape(r['platform']):<10} {r['decision_date']}  {escape(r['jurisdiction'])}"
            f"  {r['amount']:>18,.2f} {escape(r['currency'])}"
            f"  = {r['amount_usd']:>16,.2f} USD  = {r['amount_eur']:>16,.2f} EUR"
            f"  ({escape(r['fx_source'])} rate of {r['fx_rate_date']}; {escape(r['authority'])})",
            file=out,
        )
