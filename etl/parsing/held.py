"""News candidates held for a person's review: which are held, their stable key, and decisions.

Pure frame functions over adapter rows (etl/parsing/parsers.py, etl/parsing/news_feed.py);
etl/parsing/transform.py applies them before parsing, and etl/loading/review.py when a person decides.
"""

from __future__ import annotations

import hashlib
import json

import polars as pl

from etl import catalog
from etl.parsing.validate import REJECT_SCHEMA

# News candidates a person decides on: waiting in ops.quarantine, or closed by a rejection.
STAGE_REVIEW, STAGE_REVIEW_REJECTED = catalog.REVIEW_STAGES
REVIEWED = "reviewed"  # source_kind of a fact a person accepted
# Why a candidate extraction was sure of waits all the same: its feed says so (review_all).
REVIEW_ALL_REASON = "the feed holds every item for review (review_all)"
# A stored review decision as transform takes it; a correction is text, null when not made.
CORRECTABLE = ("platform", "jurisdiction", "authority", "amount", "currency", "decision_date")
DECISION_SCHEMA = {"review_key": pl.String, "decision": pl.String, "reason": pl.String} | dict.fromkeys(
    CORRECTABLE, pl.String
)


def _missing_fields(columns: list[str]) -> pl.Expr:
    # A field the contract requires that the extractor could not fill; a reviewer can supply it.
    monetary = pl.col("action_type").is_in(catalog.MONETARY_ACTION_TYPES)
    checks = [(c, pl.col(c).is_null()) for c in ("platform", "jurisdiction", "authority", "decision_date")]
    checks += [(c, monetary & pl.col(c).is_null()) for c in ("amount", "currency")]
    present = [pl.when(null).then(pl.lit(c)) for c, null in checks if c in columns]
    return pl.concat_list(present or [pl.lit(None, pl.String)]).list.drop_nulls()


def split_extraction_issues(
    raw: pl.DataFrame, *, hold_all: bool = False
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Hold the news candidates extraction could not decide for a person's review.

    Held (stage ``review``): an extraction with any doubt or without a fine (``extraction_issue``), or a candidate
    that lacks a field the contract requires (platform, jurisdiction, authority, date; amount or
    currency of a fine); with ``hold_all`` (a feed's ``review_all``) every candidate. They wait
    in quarantine without counting toward the circuit breaker.

    Returns:
        ``(certain, held)``; ``held`` has :data:`etl.parsing.validate.REJECT_COLUMNS`.
    """
    if "extraction_issue" not in raw.columns:
        return raw, pl.DataFrame(schema=REJECT_SCHEMA)
    marked = raw.with_columns(_missing=_missing_fields(raw.columns))
    flagged = pl.col("extraction_issue").is_not_null() | (pl.col("_missing").list.len() > 0)
    missing = pl.when(pl.col("_missing").list.len() > 0).then(
        pl.format("missing {}", pl.col("_missing").list.join(", "))
    )
    every = pl.lit(REVIEW_ALL_REASON) if hold_all else pl.lit(None, pl.String)
    flagged = flagged | hold_all
    held = marked.filter(flagged).select(
        "source_line",
        "payload",
        stage=pl.lit(STAGE_REVIEW),
        reasons=pl.concat_list(pl.col("extraction_issue"), missing, every).list.drop_nulls(),
    )
    return marked.filter(~flagged).drop("extraction_issue", "_missing"), held


def _review_ids(keys: pl.Series) -> pl.Series:
    return pl.Series([f"rv_{hashlib.sha256(k.encode()).hexdigest()[:16]}" for k in keys], dtype=pl.String)


def review_key(feed: pl.Expr) -> pl.Expr:
    """The identity of a held news item on every run and replay: feed, record id and sentence.

    Args:
        feed: the feed's name, as an expression; the frame must carry ``payload``.
    """
    payload = pl.col("payload")
    record, sentence = (payload.str.json_path_match(f"$.{c}") for c in ("source_record_id", "source_text"))
    identity = (
        pl.when(record.is_null() & sentence.is_null())
        .then(payload)
        .otherwise(pl.concat_str([record.fill_null(""), sentence.fill_null("")], separator="\x1f"))
    )
    return pl.concat_str([feed, identity], separator="\x1f").map_batches(_review_ids, return_dtype=pl.String)


def raw_from_payload(held: pl.DataFrame) -> pl.DataFrame:
    """Rebuild an adapter's text columns from the payload of held rows (news candidates)."""
    if held.is_empty():
        return held.select("source_line", "payload")
    fields = list(json.loads(held["payload"][0]))
    row = pl.col("payload").str.json_decode(pl.Struct(dict.fromkeys(fields, pl.String)))
    return held.select("source_line", "payload", _row=row).unnest("_row")


def apply_review_decisions(
    held: pl.DataFrame, *, feed: str, decisions: pl.DataFrame | None
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Apply stored review decisions to held items (pure: the decisions are passed in).

    Args:
        held: held rows from :func:`split_extraction_issues`.
        feed: the feed's name (part of each item's :func:`review_key`).
        decisions: rows of :data:`DECISION_SCHEMA`; ``None`` when there are none.

    Returns:
        ``(accepted, held)``: accepted items as adapter rows rebuilt from their payload with the
        reviewer's corrections; the rest, rejected ones closed with stage ``review_rejected``.
    """
    if decisions is None or decisions.is_empty() or held.is_empty():
        return raw_from_payload(held.clear()), held
    fixes = decisions.select(list(DECISION_SCHEMA)).cast(DECISION_SCHEMA)
    fixes = fixes.rename({c: f"_fix_{c}" for c in CORRECTABLE})
    keyed = held.with_columns(_key=review_key(pl.lit(feed))).join(
        fixes, left_on="_key", right_on="review_key", how="left", maintain_order="left"
    )
    accept = pl.col("decision") == "accept"
    accepted = keyed.filter(accept)
    rows = raw_from_payload(accepted.select(held.columns))
    rows = pl.concat([rows, accepted.select(f"_fix_{c}" for c in CORRECTABLE)], how="horizontal")
    rows = rows.with_columns(
        pl.coalesce(f"_fix_{c}", pl.col(c) if c in rows.columns else pl.lit(None, pl.String)).alias(c)
        for c in CORRECTABLE
    ).drop(f"_fix_{c}" for c in CORRECTABLE)
    reject = pl.col("decision") == "reject"
    closed = pl.format("rejected in review: {}", pl.col("reason").fill_null("no reason given"))
    kept = keyed.filter(~accept.fill_null(False)).with_columns(
        stage=pl.when(reject).then(pl.lit(STAGE_REVIEW_REJECTED)).otherwise("stage"),
        reasons=pl.when(reject).then(pl.concat_list("reasons", closed)).otherwise("reasons"),
    )
    return rows, kept.select(held.columns)
