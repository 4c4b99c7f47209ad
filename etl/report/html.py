"""Render the report's pages from Jinja2 templates, escaping every value.

Data comes from hostile sources (news items, scraped trackers), so autoescaping is on for
every template, links are written only for http(s) URLs, and the only markup inserted as is
is the SVG that vl-convert wrote (it escapes the text it draws). Filters here format
figures (money, counts, rates); they never compute one.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

import jinja2
import polars as pl

from etl.money.fx_rules import CBR, ECB, NBP_A, NBP_B, OVERRIDE
from etl.report.queries import ReportData

TEMPLATES = Path(__file__).parent / "templates"
PAGES = {"index": "Fines against online platforms", "quality": "Data quality"}
NUMERIC_KINDS = ("usd", "eur", "usd0", "amount", "reported_amount", "count")
CURRENCY_SIGNS = {"USD": "$", "EUR": "€"}
# (short, long) name of each rate source on the report's pages; the CLI's one-line provenance of a
# source, with how it is crossed to EUR, is etl.money.fx_rules.SOURCE_LABELS.
REPORT_SOURCE_NAMES = {
    ECB: ("ECB", "ECB euro foreign exchange reference rates"),
    NBP_A: ("NBP table A", "National Bank of Poland table A mid rates (daily)"),
    NBP_B: ("NBP table B", "National Bank of Poland table B mid rates (weekly)"),
    CBR: ("Bank of Russia", "Bank of Russia official rates"),
    OVERRIDE: ("override", "rate supplied in the overrides file"),
}
_STATUS_CLASSES = {"ok": "ok", "pass": "ok", "failed": "fail", "fail": "fail", "error": "fail"}


def money(value: Decimal | float | None, currency: str | None = "USD", decimals: int = 2) -> str:
    """``$32,627.17``, ``€1,200.00`` or ``2,500,000.00 RUB``; a dash for no value."""
    if value is None:
        return "–"
    text = f"{value:,.{decimals}f}"
    sign = CURRENCY_SIGNS.get(currency or "")
    if sign:
        return f"-{sign}{text[1:]}" if text.startswith("-") else f"{sign}{text}"
    return f"{text} {currency or ''}".rstrip()


def compact_money(value: Decimal | float | None, currency: str = "USD") -> str:
    """A headline figure: ``$16.9 bn``, ``$32.6 k``; the exact figure is in the tables."""
    if value is None:
        return "–"
    for scale, unit in ((10**12, " tn"), (10**9, " bn"), (10**6, " m"), (10**3, " k")):
        if abs(value) >= scale:
            return f"{CURRENCY_SIGNS.get(currency, '')}{Decimal(value) / scale:,.1f}{unit}"
    return money(value, currency, 0)


def count(value: int | None) -> str:
    """``1,234``; a dash for no value."""
    return "–" if value is None else f"{value:,}"


def rate(value: Decimal | None) -> str:
    """A rate with ten decimals, as ``fines fx convert`` prints it."""
    return "–" if value is None else f"{value:.10f}"


def safe_url(value: object) -> str | None:
    """The value when it is an http(s) URL with a host, else None (no javascript:, data: links)."""
    if not isinstance(value, str):
        return None
    parts = urlsplit(value.strip())
    return value.strip() if parts.scheme in ("http", "https") and parts.netloc else None


def url_host(value: str) -> str:
    """Short text of a link: the URL's host without ``www.``."""
    host = urlsplit(value.strip()).netloc
    return host.removeprefix("www.") or value


def source_label(code: str | None, long: bool = False) -> str:
    """Readable name of a rate source code."""
    if code is None:
        return "–"
    short, full = REPORT_SOURCE_NAMES.get(code, (code, code))
    return full if long else short


def status_class(value: object) -> str:
    """CSS class of a run or check outcome."""
    return _STATUS_CLASSES.get(str(value).lower(), "warn")


def auto_column(name: str, frame: pl.DataFrame) -> tuple[str, str, str]:
    """Column spec (key, label, kind) for a table of a mart the report does not know in advance."""
    dtype = frame.schema[name]
    if dtype.is_integer():
        kind = "count"
    elif name.endswith("_usd") and dtype.is_numeric():
        kind = "usd"
    elif name.endswith("_eur") and dtype.is_numeric():
        kind = "eur"
    elif name.endswith("url"):
        kind = "link"
    elif isinstance(dtype, pl.List):
        kind = "list"
    else:
        kind = "text"
    return name, name.replace("_", " "), kind


def environment() -> jinja2.Environment:
    """The templates of ``templates/``, autoescaped, with the report's filters."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        money=money,
        compact_money=compact_money,
        count=count,
        rate=rate,
        safe_url=safe_url,
        url_host=url_host,
        source_label=source_label,
        status_class=status_class,
        auto_column=auto_column,
    )
    env.globals["numeric"] = NUMERIC_KINDS
    return env


def _subtitle(data: ReportData) -> str:
    freshness = data.frames["feed_freshness"]
    dates = [d for d in freshness["last_run_batch_date"].to_list() if isinstance(d, dt.date)]
    feeds = f"{freshness.height} feed{'s' if freshness.height != 1 else ''}"
    return f"{feeds}, last run as of {max(dates)}" if dates else f"{feeds}, no run yet"


def render_pages(data: ReportData, charts: dict[str, str | None], *, warehouse_name: str) -> dict[str, str]:
    """Render every page.

    Args:
        data: the report's frames, as SQL returned them.
        charts: SVG markup by chart name (None: nothing to draw).
        warehouse_name: the warehouse file's name, shown in the footer.

    Returns:
        HTML text by file name (``index.html``, ``quality.html``).
    """
    env = environment()
    summary = data.frames["summary"].row(0, named=True) if data.frames["summary"].height else {}
    checks = data.checks
    failed = checks.filter(pl.col("outcome") != "pass").height if checks.height else 0
    context = {
        "frames": data.frames,
        "optional": data.optional,
        "charts": charts,
        "summary": summary,
        "checks": checks,
        "checks_failed": failed,
        "warehouse_name": warehouse_name,
        "subtitle": _subtitle(data),
    }
    return {
        f"{page}.html": env.get_template(f"{page}.html").render(page=page, title=title, **context)
        for page, title in PAGES.items()
    }
