"""Rates a user supplies in the overrides file (``FINES_FX_OVERRIDES``), completed to per-EUR rates.

See docs/fx.md section 6: each row gives a rate per EUR or per USD, a source note and how many days
it may be carried forward; a rate per USD is turned into one per EUR with a reference source's
EUR/USD rate of that day.
"""

from __future__ import annotations

import io

import polars as pl

from etl.money.fx_rules import ECB, OVERRIDE, RATE, FxError

OVERRIDE_COLUMNS = ("currency", "rate_date", "units_per_eur", "units_per_usd", "source_note", "valid_days")


def _override_problems(raw: pl.DataFrame) -> list[str]:
    number = r"^\d{1,18}(\.\d{1,18})?$"  # fits DECIMAL(38, 18), also once multiplied by EUR/USD
    checks = {
        "currency is not an ISO 4217 code": ~pl.col("currency").str.contains(r"^[A-Z]{3}$"),
        "rate_date is not YYYY-MM-DD": pl.col("rate_date").str.to_date("%Y-%m-%d", strict=False).is_null(),
        "give exactly one of units_per_eur and units_per_usd": pl.col("units_per_eur").is_null()
        == pl.col("units_per_usd").is_null(),
        "rate is not a positive decimal (at most 18 digits each side of the point)": ~pl.coalesce(
            "units_per_eur", "units_per_usd"
        ).str.contains(number)
        | (pl.coalesce("units_per_eur", "units_per_usd").cast(pl.Float64, strict=False) <= 0),
        "source_note is empty": pl.col("source_note").is_null(),
        "valid_days is not a whole number of days": ~pl.col("valid_days").str.contains(r"^\d{1,4}$"),
        "EUR is the base currency and cannot be overridden": pl.col("currency") == "EUR",
        "USD cannot be overridden per USD": (pl.col("currency") == "USD")
        & pl.col("units_per_usd").is_not_null(),
    }
    found = raw.with_row_index("line", offset=2).select(
        "line", *[expr.fill_null(True).alias(reason) for reason, expr in checks.items()]
    )
    return [
        f"line {row['line']}: {reason}"
        for row in found.iter_rows(named=True)
        for reason in checks
        if row[reason]
    ]


def parse_overrides(
    csv_bytes: bytes, *, reference: pl.DataFrame, reference_source: str = ECB
) -> pl.DataFrame:
    """Read rates a user supplies: ``currency, rate_date, units_per_eur | units_per_usd, source_note``.

    ``valid_days`` (optional, default 0) says for how many days after ``rate_date`` the rate may be
    carried forward. A rate per USD is turned into one per EUR with ``reference_source``'s EUR/USD
    rate of that day (the last within 7 days), and that same EUR/USD rate is stored as the day's USD
    row of source ``override``: USD values of an override are then exactly the user's figure.
    A rate per EUR gets the same USD row, unless the user supplies USD for that day.

    Args:
        csv_bytes: the overrides CSV.
        reference: a rates frame holding ``reference_source``'s USD rates.
        reference_source: the source whose EUR/USD rate completes the overrides.

    Returns:
        The long rates frame, source ``override``, plus a ``valid_days`` column.

    Raises:
        FxError: a malformed row (every problem listed), a duplicate day, or no EUR/USD rate.
    """
    raw = pl.read_csv(io.BytesIO(csv_bytes), infer_schema=False)
    missing = {"currency", "rate_date", "source_note"} - set(raw.columns)
    if missing or not {"units_per_eur", "units_per_usd"} & set(raw.columns):
        raise FxError(f"overrides: expected columns {', '.join(OVERRIDE_COLUMNS)}")
    raw = raw.with_columns(
        *[
            pl.lit(None, pl.String).alias(c)
            for c in ("units_per_eur", "units_per_usd")
            if c not in raw.columns
        ],
        *([] if "valid_days" in raw.columns else [pl.lit("0").alias("valid_days")]),
    ).with_columns(pl.col(c).str.strip_chars().replace("", None) for c in OVERRIDE_COLUMNS)
    raw = raw.with_columns(pl.col("valid_days").fill_null("0"))
    if problems := _override_problems(raw):
        raise FxError("overrides: " + "; ".join(problems))
    rows = raw.with_columns(pl.col("rate_date").str.to_date("%Y-%m-%d"), pl.col("valid_days").cast(pl.Int32))
    if (dupes := rows.filter(pl.struct("currency", "rate_date").is_duplicated())).height:
        raise FxError(f"overrides: more than one rate for {dupes['currency'][0]} on {dupes['rate_date'][0]}")
    return _override_rates(rows, _usd_legs(rows, reference, reference_source))


def _usd_legs(rows: pl.DataFrame, reference: pl.DataFrame, reference_source: str) -> pl.DataFrame:
    """USD per EUR for each override day: the user's own USD row, else the reference's last within 7 days."""
    users = rows.filter(pl.col("currency") == "USD").select(
        "rate_date", usd=pl.col("units_per_eur").cast(RATE), leg=pl.lit(None, pl.String)
    )
    known = (
        reference.filter((pl.col("source") == reference_source) & (pl.col("currency") == "USD"))
        .select(
            ref_date=pl.col("rate_date"),
            ref_usd=pl.col("units_per_eur"),
            ref_published=pl.col("published_rate"),
        )
        .sort("ref_date")
    )
    others = (
        rows.select("rate_date")
        .unique()
        .join(users, on="rate_date", how="anti")
        .sort("rate_date")
        .join_asof(known, left_on="rate_date", right_on="ref_date", strategy="backward", tolerance="7d")
    )
    if (gaps := others.filter(pl.col("ref_usd").is_null())).height:
        raise FxError(
            f"overrides: no {reference_source} USD rate within 7 days before {gaps['rate_date'][0]}"
        )
    derived = others.select(
        "rate_date",
        usd=pl.col("ref_usd"),
        leg=pl.format(
            "{} ({} USD/EUR of {}, USD leg of the overrides)",
            "ref_published",
            pl.lit(reference_source),
            "ref_date",
        ),
    )
    return pl.concat([users, derived])


def _override_rates(rows: pl.DataFrame, legs: pl.DataFrame) -> pl.DataFrame:
    per_usd = pl.col("units_per_usd").is_not_null()
    rates = rows.join(legs, on="rate_date", how="left").select(
        source=pl.lit(OVERRIDE),
        currency="currency",
        rate_date="rate_date",
        units_per_eur=pl.when(per_usd)
        .then(pl.col("units_per_usd").cast(RATE) * pl.col("usd"))
        .otherwise(pl.col("units_per_eur").cast(RATE)),
        published_rate=pl.format(
            "{} {}/{}; {}",
            pl.coalesce("units_per_usd", "units_per_eur"),
            "currency",
            pl.when(per_usd).then(pl.lit("USD")).otherwise(pl.lit("EUR")),
            "source_note",
        ),
        valid_days="valid_days",
    )
    usd_rows = legs.filter(pl.col("leg").is_not_null()).select(
        source=pl.lit(OVERRIDE),
        currency=pl.lit("USD"),
        rate_date="rate_date",
        units_per_eur="usd",
        published_rate="leg",
        valid_days=pl.lit(0, pl.Int32),
    )
    return pl.concat([rates, usd_rows]).sort("currency", "rate_date")
