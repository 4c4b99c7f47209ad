"""Records quarantined before any contract, and the text quarantine keeps of each record.

An adapter flags a record it cannot vouch for (``parse_issue``: a swallowed line, a duplicate
JSON key); an amount whose separators cannot be read without a guess is flagged here (rules in
etl/parsing/amounts.py). Rejected records keep the original text the adapter saw (``record_text``).
"""

from __future__ import annotations

import polars as pl

from etl.parsing.amounts import AMOUNT_READ, read_amount
from etl.parsing.validate import REJECT_SCHEMA
from etl.sources.feeds import NEWS_FORMATS, Feed


def decimal_separator(feed: Feed) -> str | None:
    """The feed's declared decimal separator; "." for formats whose numbers always use a point.

    JSON numbers, the GDPR tracker export ("1,200,000,000") and amounts read from news text
    have a decimal point by their format; a CSV feed that declares none gets no guess.
    """
    if feed.decimal_separator is not None:
        return feed.decimal_separator
    return "." if feed.format in ("jsonl", "gdpr-tracker", *NEWS_FORMATS) else None


def split_parse_issues(raw: pl.DataFrame, *, feed: Feed) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Quarantine records the adapter or the amount rule flagged, before any contract.

    Flagged: a record that swallowed a line, a duplicate JSON key, a non-standard JSON
    constant (``parse_issue``), or an amount whose separators cannot be read without a guess.

    Returns:
        ``(clean, rejected)``; ``clean`` carries the amount as read (:data:`etl.parsing.amounts.AMOUNT_READ`)
        and ``rejected`` has :data:`etl.parsing.validate.REJECT_COLUMNS`, stage ``parse``.
    """
    amount = feed.columns.get("amount", "amount")
    issues = [pl.col("parse_issue")] if "parse_issue" in raw.columns else []
    read: dict[str, pl.Expr] = {}
    if amount in raw.columns:
        text = pl.col(amount).str.strip_chars().replace("", None)
        value, issue = read_amount(text, decimal=decimal_separator(feed))
        issues.append(issue)
        read[AMOUNT_READ] = value  # kept for parse_rows: the amount is read once, with its issue
    if not issues:
        return raw, pl.DataFrame(schema=REJECT_SCHEMA)
    marked = raw.with_columns(_issues=pl.concat_list(issues).list.drop_nulls(), **read)
    flagged = pl.col("_issues").list.len() > 0
    rejected = marked.filter(flagged).select(
        "source_line", "payload", stage=pl.lit("parse"), reasons=pl.col("_issues")
    )
    return marked.filter(~flagged).drop(
        "_issues", *[c for c in ("parse_issue",) if c in raw.columns]
    ), rejected


def with_record_text(rejected: pl.DataFrame, texts: pl.DataFrame | None) -> pl.DataFrame:
    """Rejected rows with the original text of their record as payload, when the adapter kept it.

    Quarantine shows what the source wrote ("Infinity", "2,5"), not the row re-serialised.
    News candidates have no such text: their payload stays the candidate's fields.
    The row as loaded rows carry it stays in ``key_payload``: quarantine is keyed on it, so a
    record rejected once and loading later (after a mapping fix, say) is released.
    """
    keyed = rejected.with_columns(key_payload=pl.col("payload"))
    if texts is None or rejected.is_empty():
        return keyed
    joined = keyed.join(texts, on="source_line", how="left", maintain_order="left")
    return joined.with_columns(payload=pl.coalesce("record_text", "payload")).select(keyed.columns)
