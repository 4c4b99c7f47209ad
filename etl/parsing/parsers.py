"""One adapter per feed format; each returns text columns plus ``source_line`` and ``payload``.

Structured formats (CSV, JSON Lines) keep their own column names, mapped onto the canonical
ones later by the registry's ``columns``. The GDPR Enforcement Tracker export and news feeds
(RSS 2.0 / Atom) are turned into canonical columns here. A row an adapter cannot vouch for (a
news extraction with any doubt, or a measure without a fine: :func:`extraction_issue`) carries
its reason in ``extraction_issue`` and waits for review.
"""

from __future__ import annotations

import html
import io
import json
import re
from datetime import date
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import TYPE_CHECKING
from xml.etree.ElementTree import Element, ParseError

import polars as pl
import pycountry
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from etl.catalog import MONETARY_ACTION_TYPES
from etl.parsing.amounts import read_amount
from etl.parsing.records import CsvRecords, RecordError, csv_records, jsonl_record

if TYPE_CHECKING:
    from etl.parsing.news import Candidate


ATOM = "{http://www.w3.org/2005/Atom}"
MIN_CONFIDENCE = 0.6
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


def _with_lines(frame: pl.DataFrame, payload_columns: list[str], *, first: int = 1) -> pl.DataFrame:
    # ``first``: the record number of the frame's first row (a slice of a larger file).
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
    frame = _with_lines(frame, frame.columns, first=first)
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
    return _with_lines(frame, columns, first=first).with_columns(
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


_TAG = re.compile(r"<[^>]+>")
_BLANKS = re.compile(r"\s+")


def _text(element: Element | None) -> str:
    if element is None:
        return ""
    raw = "".join(element.itertext())
    return html.unescape(_BLANKS.sub(" ", _TAG.sub(" ", html.unescape(raw)))).strip()


def _pub_date(value: str) -> str | None:
    value = value.strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10]).isoformat()
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(value).date().isoformat()
    except (TypeError, ValueError):
        return None


def _items(root: Element) -> list[dict[str, str | None]]:
    if root.tag == "rss":
        return [
            {"title": _text(i.find("title")), "summary": _text(i.find("description")),
             "link": _text(i.find("link")) or None, "id": _text(i.find("guid")) or _text(i.find("link")),
             "published": _pub_date(_text(i.find("pubDate")))}
            for i in root.iter("item")
        ]  # fmt: skip
    if root.tag == f"{ATOM}feed":
        items = []
        for entry in root.iter(f"{ATOM}entry"):
            link = next(
                (
                    e.get("href")
                    for e in entry.iter(f"{ATOM}link")
                    if e.get("rel", "alternate") == "alternate"
                ),
                None,
            )
            summary = (
                entry.find(f"{ATOM}summary")
                if entry.find(f"{ATOM}summary") is not None
                else entry.find(f"{ATOM}content")
            )
            published = (
                entry.find(f"{ATOM}published")
                if entry.find(f"{ATOM}published") is not None
                else entry.find(f"{ATOM}updated")
            )
            items.append(
                {
                    "title": _text(entry.find(f"{ATOM}title")),
                    "summary": _text(summary),
                    "link": link,
                    "id": _text(entry.find(f"{ATOM}id")) or link,
                    "published": _pub_date(_text(published)),
                }
            )
        return items
    raise ParseFailure(f"not an RSS 2.0 or Atom feed: root element <{root.tag}>")


def parse_news_xml(data: bytes) -> list[dict[str, str | None]]:
    """Parse RSS 2.0 or Atom safely (no entity expansion, no external resources)."""
    try:
        root = fromstring(data)
    except DefusedXmlException as error:
        raise ParseFailure(f"refused unsafe XML: {error}") from None
    except ParseError as error:
        line, column = error.position
        raise ParseFailure(f"not well-formed XML at line {line}, column {column}") from None
    return _items(root)


def extraction_issue(candidate: Candidate) -> str | None:
    """Why a news candidate waits for a person's review, or None when it may become a fact.

    A candidate becomes a fact only when extraction had no doubt at all and it reports money: any
    reason, a soft doubt too (a company the tables do not know, an approximate figure, a state read
    from the currency), or a block, order, warning or other measure, holds it. Measured on blind
    items, letting the soft doubts or the measures without money through brought about one wrong
    fact for every two to five more correct ones (docs/news_extraction.md, "From candidate to fact").
    """
    if candidate.confidence < MIN_CONFIDENCE:
        why = ", ".join(candidate.reasons) or "no reason given"
        return f"low-confidence extraction ({candidate.confidence:.2f}): {why}"
    if candidate.reasons:
        return f"extraction doubt ({candidate.confidence:.2f}): {', '.join(candidate.reasons)}"
    if candidate.action_type not in MONETARY_ACTION_TYPES:
        return f"{candidate.action_type or 'unknown'} from news: a measure without a fine waits for review"
    return None


def _candidate_row(item: dict[str, str | None], index: int, candidate: Candidate) -> dict[str, str | None]:
    issue = extraction_issue(candidate)
    return {
        "source_record_id": f"{item['id']}#{index}", "source_url": item["link"],
        "decision_date": item["published"], "reported_date": item["published"],
        "jurisdiction": candidate.jurisdiction, "authority": candidate.authority, "platform": candidate.platform,
        "action_type": candidate.action_type, "violation": None,
        "amount": None if candidate.amount is None else str(candidate.amount),
        "amount_qualifier": candidate.qualifier, "currency": candidate.currency,
        "reported_usd": None if candidate.reported_usd is None else str(candidate.reported_usd),
        "reported_eur": None if candidate.reported_eur is None else str(candidate.reported_eur),
        "source_text": candidate.sentence, "extraction_confidence": f"{candidate.confidence:.2f}",
        "extraction_issue": issue, "item_title": item["title"],
    }  # fmt: skip


def read_news(data: bytes, *, workers: int = 1) -> pl.DataFrame:
    """Extract candidate actions from each news item's title and summary.

    ``workers`` processes read a large feed (etl/parsing/news_pool.py); the rows are the same.

    Returns:
        One row per candidate with canonical columns, the sentence it came from, its
        confidence and, when it may not become a fact on its own, the reason in
        ``extraction_issue`` (:func:`extraction_issue`).
    """
    from etl.parsing.news_pool import extract_items  # the extractor's pattern tables load only for news feeds

    items = parse_news_xml(data)
    found = extract_items([(i["title"] or "", i["summary"] or "") for i in items], workers=workers)
    return news_rows(list(zip(items, found, strict=True)))


def news_rows(extracted: list[tuple[dict[str, str | None], list[Candidate]]]) -> pl.DataFrame:
    """The adapter rows of news items and their candidates (what :func:`read_news` returns).

    Args:
        extracted: each item (as :func:`parse_news_xml` gives it) with its candidates in order.

    Returns:
        One row per candidate, all columns text, with ``source_line`` and ``payload``.
    """
    from etl.parsing import news

    rows = [_candidate_row(item, index, c) for item, found in extracted for index, c in enumerate(found)]
    empty = news.Candidate(
        platform=None, jurisdiction=None, authority=None, action_type="other", amount=None, currency=None,
        qualifier=None, reported_usd=None, reported_eur=None, sentence="", confidence=1.0, reasons=(),
    )  # fmt: skip
    columns = list(_candidate_row({"id": "", "link": None, "published": None, "title": None}, 0, empty))
    frame = pl.DataFrame(rows, schema=dict.fromkeys(columns, pl.String))
    return _with_lines(frame, columns)


def read_payload(data: bytes, text: str | None, *, fmt: str, path: Path, workers: int = 1) -> pl.DataFrame:
    """Dispatch on the feed's format. ``text``: the decoded payload of a text format; ``workers``: ``read_news``'s."""
    if fmt in ("rss", "atom"):
        return read_news(data, workers=workers)
    if fmt == "jsonl":
        return read_jsonl(text or "")
    if fmt == "gdpr-tracker":
        return read_gdpr_tracker(data if text is None else text)
    return read_csv(data if text is None else text)
