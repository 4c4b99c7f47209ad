"""The HTML report: ``fines report --html DIR`` writes static pages that open offline.

``queries`` reads every figure from the warehouse with SQL, ``charts`` draws them as SVG
(Altair and vl-convert), ``html`` renders the pages from ``templates/``; ``browser`` drives
headless Chromium for the tests and the README screenshot.
"""

from __future__ import annotations

from pathlib import Path


def write_html_report(warehouse: Path, out_dir: Path) -> list[Path]:
    """Write the report of ``warehouse`` into ``out_dir`` (created if missing).

    Args:
        warehouse: the published DuckDB file, opened read-only.
        out_dir: folder for ``index.html`` (fines) and ``quality.html`` (data quality).

    Returns:
        The files written, the main page first.

    Raises:
        etl.loading.load.WarehouseError: the warehouse is missing or cannot be opened.
    """
    from etl.loading import load
    from etl.report import charts, html, queries

    with load.connect(warehouse, read_only=True) as con:
        data = queries.read_report_data(con)
    frames = data.frames
    svgs = {
        "fines_by_platform": charts.fines_by_platform(frames["fines_by_platform"]),
        "fines_by_year": charts.fines_by_year(frames["fines_by_year"]),
        "fines_by_quarter": charts.fines_by_quarter(frames["fines_by_quarter"]),
        "fines_by_jurisdiction": charts.fines_by_jurisdiction(frames["fines_by_jurisdiction"]),
        "non_monetary_by_year": charts.non_monetary_by_year(frames["non_monetary_by_year"]),
        "run_outcomes": charts.run_outcomes(frames["run_outcomes"]),
    }
    pages = html.render_pages(data, svgs, warehouse_name=warehouse.name)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in pages.items():
        path = out_dir / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
