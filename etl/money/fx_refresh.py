"""Live refresh of exchange rates: fetch each source's current file, land it, parse it.

Each payload goes through :mod:`etl.sources.fetch` (timeouts, retries, size limit, the raw landing
area under ``landing/fx_<source>/<date>/``) and the parsers of :mod:`etl.money.fx_sources`. Parsed rates
are kept as Parquet under ``<data>/fx/live/``, which every later run adds to the embedded rates
(:func:`etl.running.pipeline.rates_for_run`), so a refresh is replayable and survives restarts.
Source addresses come from ``FINES_FX_<SOURCE>_URL`` variables, for mirrors and tests.
"""

from __future__ import annotations

import logging
import os
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from etl.money import fx, fx_sources
from etl.money.fx_rules import CBR, ECB, NBP_A, NBP_B

if TYPE_CHECKING:
    from etl.sources.fetch import FetchPolicy

log = logging.getLogger(__name__)

# {date} is the refresh date as DD/MM/YYYY, the Bank of Russia's query format.
DEFAULT_URLS = {
    ECB: "https://www.ecb.europa.eu/stats/eurofxref/eurofxref-daily.xml",
    NBP_A: "https://api.nbp.pl/api/exchangerates/tables/A/last/10/?format=json",
    NBP_B: "https://api.nbp.pl/api/exchangerates/tables/B/last/2/?format=json",
    CBR: "https://www.cbr.ru/scripts/XML_daily.asp?date_req={date}",
}
# Sources fetched and parsed together, by group name (it names the landed Parquet file).
# NBP's table B is crossed to EUR through table A of the same day: both are parsed together.
_GROUPS = {
    ECB: ((ECB,), fx_sources.parse_ecb_xml),
    "nbp": ((NBP_A, NBP_B), fx_sources.parse_nbp_tables),
    CBR: ((CBR,), fx_sources.parse_cbr_daily),
}
_EXT = {ECB: "xml", NBP_A: "json", NBP_B: "json", CBR: "xml"}


def source_urls() -> dict[str, str]:
    """Each live source's address, from ``FINES_FX_<SOURCE>_URL`` or the official default."""
    return {
        source: os.environ.get(f"FINES_FX_{source.upper()}_URL", url) for source, url in DEFAULT_URLS.items()
    }


def live_dir(data_dir: Path) -> Path:
    """Where refreshed rates are kept as Parquet."""
    return data_dir / "fx" / "live"


def refresh(
    *, landing: Path, data_dir: Path, as_of: date, policy: FetchPolicy | None = None
) -> dict[str, object]:
    """Fetch, land and parse every live source; one source failing does not stop the others.

    Args:
        landing: root of the raw landing area.
        data_dir: the data folder (refreshed rates go to ``fx/live/``).
        as_of: the refresh date (the Bank of Russia is asked for this date's rates).
        policy: fetch timeouts, retries and size limit.

    Returns:
        ``{"rates": rows written, "sources": {source: rows}, "errors": {source: reason}}``.
    """
    # HTTP is imported here only: the commands that read stored rates (fx convert, run) start faster.
    from etl.sources.fetch import FetchError, FetchPolicy, fetch_feed

    counts: dict[str, int] = {}
    errors: dict[str, str] = {}
    urls = source_urls()
    for group, (sources, parse) in _GROUPS.items():
        try:
            landed = [
                fetch_feed(
                    f"fx_{source}", urls[source].format(date=as_of.strftime("%d/%m/%Y")), landing=landing,
                    as_of=as_of, policy=policy or FetchPolicy(), ext=_EXT[source],
                )
                for source in sources
            ]  # fmt: skip
            rates = parse(*[item.path.read_bytes() for item in landed])
        except (FetchError, fx.FxError, ValueError, pl.exceptions.PolarsError) as error:
            log.error("fx refresh: %s failed: %s", group, error)
            errors[group] = str(error)
            continue
        digest = "-".join(item.sha256[:12] for item in landed)
        out = live_dir(data_dir) / f"{group}-{digest}.parquet"
        out.parent.mkdir(parents=True, exist_ok=True)
        rates.select(list(fx.RATES_SCHEMA)).write_parquet(out)
        for source, frame in rates.group_by("source"):
            counts[str(source[0])] = frame.height
    return {"rates": sum(counts.values()), "sources": counts, "errors": errors}


def stored_live_rates(data_dir: Path) -> pl.DataFrame | None:
    """Every refreshed rate kept so far, or None before the first refresh."""
    files = sorted(live_dir(data_dir).glob("*.parquet"))
    if not files:
        return None
    return pl.concat([pl.read_parquet(f).select(list(fx.RATES_SCHEMA)) for f in files]).unique(
        ["source", "currency", "rate_date"], keep="last", maintain_order=True
    )
