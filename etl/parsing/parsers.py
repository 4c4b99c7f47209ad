"""The adapters of tabular feed formats; each returns text columns plus ``source_line`` and ``payload``.

Structured formats (CSV, JSON Lines) keep their own column names, mapped onto the canonical
ones later by the registry's ``columns``. The GDPR Enforcement Tracker export is turned into
canonical columns here. News feeds (RSS 2.0 / Atom) have their adapter in
:mod:`etl.parsing.news_feed`; :func:`etl.parsing.reading.read_feed` picks the adapter.
"""

from __future__ import annotations

import io
import json
from typing import TYPE_CHECKING

import polars as pl
import pycountry

from etl.parsing.amounts import read_amount
from etl.parsing.records import CsvRecords, RecordError, csv_records, jsonl_record

if TYPE_CHECKING:
    pass


GDPR_COLUMNS = (
    "ETid", "Country", "Date of Decision", "Fine [€]", "Controller/Processor", "Sector",
    "Quoted Art.", "Type", "Summary", "Source",
)  # fmt: skip
# Lead data protection authorities named in decisions, by jurisdiction.
DPAS = {
    "AT": "Datenschutzbehörde (Austria)", "BE": "Data Protection Authority (Belgium)",
    "DE": "Data protection authority (Germany)", "DK": "Datatilsynet (Denmark)",
    "ES": "AEPD (Spain)", "FI": "Data Protection Ombudsman (Finland)", "FR": "CNIL",
    "GB": "Information Commissioner's Office (ICO)", "GR": "Hellenic DPA (Greece)",
    "HU": "NAIH (Hungary)", "IE": "Data Protection Commission (Ireland)", "IT": "Garante (Italy)",
    "LU": "CNPD (Luxembourg data protection authority)", "NL": "Autoriteit Persoonsgegevens (Netherlands)",
    "NO": "Datatilsynet (Norway)", "PL": "UODO (Poland)", "PT": "CNPD (Portugal)", "SE": "IMY (Sweden)",
}  # fmt: skip
_SERVICES = ("Instagram", "WhatsApp", "Facebook", "Threads", "YouTube", "LinkedIn", "TikTok")


class ParseFailure(ValueError):
    """The payload is not in the declared format; the message says where it breaks."""


def with_lines(frame: pl.DataFrame, payload_columns: list[str], *, first: int = 1) -> pl.DataFrame:
    """``frame`` with ``payload`` (its ``payload_columns`` as JSON) and ``source_line`` from ``first`` on."""
    return frame.with_columns(
        payload=pl.struct(payload_columns).struct.json_encode(),
        source_line=pl.int_range(first, pl.len() + first, dtype=pl.Int64),
    )


def read_csv(text: str | bytes, *, records: CsvRecords | None = None, first: int = 1) -> pl.DataFrame:
    """Read CSV (text, or UTF-8 bytes) as string columns; ragged or broken quoting is a ParseFailure.

    Each row keeps its record's original text (``record_text``, for quarantine) and, when the
    record looks like it swallowed a line (a stray quote), the reason in ``parse_issue``. A slice
    of a larger file (etl/parsing/slices.py) comes with its ``records`` already split and the
    record number of its ``first`` row.
    """
    if records is not None:
        decoded = ""
    elif isinstance(text, bytes):
        try:
            decoded = text.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise ParseFailure(f"invalid utf-8 at byte offset {error.start}") from None
    else:
        decoded = text
    try:
        records = csv_records(decoded) if records is None else records
    except RecordError as error:
        raise ParseFailure(str(error)) from None
    source = io.BytesIO(text) if isinstance(text, bytes) else io.StringIO(text)
    try:
        frame = pl.read_csv(source, infer_schema=False)
    except (pl.exceptions.ComputeError, pl.exceptions.NoDataError) as error:
        raise ParseFailure(str(error).splitlines()[0]) from None
    if frame.height != len(records.texts):
        raise ParseFailure(
            f"{frame.height} rows read but {len(records.texts)} records found: quoting is inconsistent"
        )
    frame = with_lines(frame, frame.columns, first=first)
    return frame.with_columns(
        record_text=pl.Series(records.texts, dtype=pl.String),
        parse_issue=pl.Series(records.issues, dtype=pl.String),
    )


def read_jsonl(
    text: str, *, columns: list[str] | None = None, first: int = 1, first_number: int = 1
) -> pl.DataFrame:
    """Read one JSON object per line; values become text, nested values JSON text.

    Each row keeps its line as written (``record_text``); a duplicate key or a non-standard
    constant (NaN, Infinity) is named in ``parse_issue``. A slice of a larger file comes with the
    whole file's ``columns``, the record number of its ``first`` row and the line number of its
    first line (``first_number``).
    """
    records, texts, issues = [], [], []
    for number, line in enumerate(text.split("\n"), start=first_number):
        line = line.removesuffix("\r")  # only a line feed ends a line: U+2028 may be in a string
        if not line.strip():
            continue
        try:
            record, issue = jsonl_record(line, number)
        except RecordError as error:
            raise ParseFailure(str(error)) from None
        records.append(
            {k: v if v is None or isinstance(v, str) else json.dumps(v) for k, v in record.items()}
        )
        texts.append(line)
        issues.append(issue)
    if columns is None:
        columns = list(dict.fromkeys(key for record in records for key in record))
    frame = pl.DataFrame(records, schema=dict.fromkeys(columns, pl.String))
    return with_lines(frame, columns, first=first).with_columns(
        record_text=pl.Series(texts, dtype=pl.String), parse_issue=pl.Series(issues, dtype=pl.String)
    )


def _country_codes(names: pl.Series) -> dict[str, str | None]:
    codes: dict[str, str | None] = {}
    for name in names.drop_nulls().unique().to_list():
        try:
            codes[name] = pycountry.countries.lookup(name.strip()).alpha_2
        except LookupError:
            codes[name] = None
    return codes


def read_gdpr_tracker(
    text: str | bytes, *, records: CsvRecords | None = None, first: int = 1
) -> pl.DataFrame:
    """Map the CMS GDPR Enforcement Tracker export onto the canonical columns.

    The tracker names the controller, not the service: for a group entity such as "Meta
    Platforms Ireland Limited" the service named in the summary (Instagram, Facebook...) is used.
    """
    raw = read_csv(text, records=records, first=first)
    missing = [c for c in GDPR_COLUMNS if c not in raw.columns]
    if missing:
        raise ParseFailure(f"not a GDPR Enforcement Tracker export: missing columns {missing}")
    country = pl.col("Country").replace_strict(_country_codes(raw["Country"]), default=None)
    # Group entities (Meta Platforms Ireland, formerly Facebook Ireland) control several services.
    group = pl.col("Controller/Processor").str.contains(r"(?i)^(meta platforms|facebook ireland)")
    service = pl.when(group).then(pl.col("Summary").str.extract(rf"\b({'|'.join(_SERVICES)})\b", 1))
    return raw.select(
        "source_line",
        "payload",
        "record_text",
        "parse_issue",
        source_record_id=pl.col("ETid"),
        source_url=pl.col("Source"),
        decision_date=pl.col("Date of Decision"),
        jurisdiction=country,
        authority=country.replace_strict(DPAS, default=None),
        platform=pl.coalesce(service, pl.col("Controller/Processor")),
        action_type=pl.lit("fine"),
        violation=pl.lit("privacy"),
        legal_basis=pl.col("Quoted Art."),
        # Thousands grouped with commas; "2,5" stays as written and is quarantined (etl.parsing.suspect).
        amount=read_amount(pl.col("Fine [€]").str.replace_all("€", "").str.strip_chars(), decimal=".")[0],
        currency=pl.lit("EUR"),
    )
