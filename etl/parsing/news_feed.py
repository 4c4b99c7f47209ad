"""The adapter of news feeds (RSS 2.0 / Atom): items parsed safely, their candidates as rows.

Each item's title and summary go to the extractor (:mod:`etl.parsing.news`); each candidate becomes
one row of canonical text columns. A row the adapter cannot vouch for (a news extraction with any
doubt, or a measure without a fine: :func:`extraction_issue`) carries its reason in
``extraction_issue`` and waits for review.
"""

from __future__ import annotations

import html
import re
from datetime import date
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING
from xml.etree.ElementTree import Element, ParseError

import polars as pl
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from etl.catalog import MONETARY_ACTION_TYPES
from etl.parsing.news_measured import HEADLINE_MEASURES
from etl.parsing.parsers import ParseFailure, with_lines

if TYPE_CHECKING:
    from etl.parsing.news import Candidate

ATOM = "{http://www.w3.org/2005/Atom}"
MIN_CONFIDENCE = 0.6

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
    measure = f"{candidate.action_type or 'unknown'} from news: a measure without a fine waits for review"
    if candidate.confidence < MIN_CONFIDENCE:
        why = ", ".join(candidate.reasons) or "no reason given"
        return f"low-confidence extraction ({candidate.confidence:.2f}): {why}"
    if candidate.reasons == ("measure_unconfirmed",):
        return measure
    if candidate.reasons:
        return f"extraction doubt ({candidate.confidence:.2f}): {', '.join(candidate.reasons)}"
    if candidate.action_type not in MONETARY_ACTION_TYPES and candidate.action_type not in HEADLINE_MEASURES:
        return measure
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
    return with_lines(frame, columns)
