"""Parse a landed feed file into validated, typed enforcement actions.

Pure frame steps (``parse_rows``, ``normalize``, ``drop_duplicates``) are chained by
:func:`run`, the one function here that reads and writes files.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

import polars as pl

from etl.config import DEFAULT_SLICE_ROWS
from etl.parsing.amounts import AMOUNT_READ, read_amount
from etl.parsing.held import (  # noqa: F401 - re-exported: callers read them here
    CORRECTABLE,
    DECISION_SCHEMA,
    REVIEWED,
    STAGE_REVIEW,
    STAGE_REVIEW_REJECTED,
    apply_review_decisions,
    raw_from_payload,
    review_key,
    split_extraction_issues,
)
from etl.parsing.platforms import load_tables, resolve_platforms
from etl.parsing.reading import check_columns, read_feed
from etl.parsing.slices import FirstRows, PartWriter, Sink, adapter_slices
from etl.parsing.suspect import decimal_separator, split_parse_issues, with_record_text
from etl.parsing.validate import REJECT_SCHEMA, ContractError, split_valid  # noqa: F401 - REJECT_SCHEMA re-exported
from etl.sources.feeds import NEWS_FORMATS, Feed
from schemas.enforcement_actions import MONEY, EnforcementAction, ParsedEnforcementAction

CANONICAL = (
    "source",
    "source_record_id",
    "source_url",
    "decision_date",
    "reported_date",
    "jurisdiction",
    "authority",
    "platform",
    "parent_company",
    "action_type",
    "violation",
    "legal_basis",
    "amount",
    "amount_qualifier",
    "currency",
    "reported_usd",
    "reported_eur",
    "status",
)
META = ("feed", "source_line", "payload", "batch_date")
_UPPER = ("jurisdiction", "currency")
_LOWER = ("action_type", "violation", "status", "amount_qualifier")


@dataclass(frozen=True)
class TransformResult:
    """What :func:`run` wrote, and the counts the run log reconciles."""

    actions_path: str | None
    rejects_path: str
    rows_in: int
    valid: int
    duplicates: int
    rejected: int

    def as_dict(self) -> dict[str, object]:
        """Plain values for XCom and JSON."""
        return asdict(self)


def parse_rows(raw: pl.DataFrame, *, feed: Feed, as_of: date) -> pl.DataFrame:
    """Map feed columns onto the canonical ones, trim text and make empty values null."""
    mapped = {canonical: feed.columns.get(canonical, canonical) for canonical in CANONICAL}
    cleaned = [
        pl.col(column).str.strip_chars().replace("", None).alias(canonical)
        if column in raw.columns
        else pl.lit(None, dtype=pl.String).alias(canonical)
        for canonical, column in mapped.items()
    ]
    # The amount as split_parse_issues read it, when it did (read once per slice), else read here.
    already = AMOUNT_READ in raw.columns
    return (
        raw.select(
            pl.lit(feed.name).alias("feed"),
            pl.lit(feed.source_kind).alias("source_kind"),
            "source_line",
            "payload",
            pl.lit(as_of).alias("batch_date"),
            *cleaned,
            *([AMOUNT_READ] if already else []),
        )
        .with_columns(
            [pl.col(c).str.to_uppercase() for c in _UPPER] + [pl.col(c).str.to_lowercase() for c in _LOWER],
            source=pl.col("source").fill_null(pl.lit(feed.source or feed.name)),
            amount=pl.col(AMOUNT_READ)
            if already
            else read_amount(pl.col("amount"), decimal=decimal_separator(feed))[0],
        )
        .drop(AMOUNT_READ, strict=False)
    )


def _stable_ids(keys: pl.Series) -> pl.Series:
    # Polars' own hash is not stable across versions; ids must be, so use SHA-256.
    return pl.Series([f"fa_{hashlib.sha256(k.encode()).hexdigest()[:16]}" for k in keys], dtype=pl.String)


def canonical_amount(text: pl.Expr) -> pl.Expr:
    """An amount as exact text, as the source wrote it, without leading zeros."""
    return text.str.replace(r"^(-?)0+(\d)", "${1}${2}")


def normalize(parsed: pl.DataFrame, *, aliases: pl.DataFrame, owners: pl.DataFrame) -> pl.DataFrame:
    """Type the parsed text, resolve platform and parent, and derive the stable ``action_id``.

    The id comes from the source and its record id when the feed has one, otherwise from the
    action's own facts, so the same record gets the same id on every run.
    """
    typed = parsed.with_columns(
        pl.col("decision_date", "reported_date").str.to_date("%Y-%m-%d", strict=False),
        pl.col("amount", "reported_usd", "reported_eur").cast(MONEY, strict=False),
        amount_exact=canonical_amount(pl.col("amount")),
        # An amount beyond DECIMAL(38,2) (Russia's 2024 claim on Google: 2 x 10^36 rubles) is
        # kept exactly as text and flagged; the conversion step adds implausible USD values.
        is_outlier=pl.col("amount").is_not_null() & pl.col("amount").cast(MONEY, strict=False).is_null(),
        violation=pl.col("violation").fill_null("other"),
        status=pl.col("status").fill_null("imposed"),
    )
    typed = resolve_platforms(typed, aliases=aliases, owners=owners)
    facts = pl.concat_str(
        [
            pl.col(c).cast(pl.String).fill_null("")
            for c in (
                "jurisdiction",
                "platform",
                "decision_date",
                "authority",
                "action_type",
                "amount",
                "currency",
            )
        ],
        separator="\x1f",
    )
    key = (
        pl.when(pl.col("source_record_id").is_not_null())
        .then(pl.concat_str([pl.lit("src"), pl.col("source"), pl.col("source_record_id")], separator="\x1f"))
        .otherwise(pl.concat_str([pl.lit("facts"), facts], separator="\x1f"))
    )
    typed = typed.with_columns(key.map_batches(_stable_ids, return_dtype=pl.String).alias("action_id"))
    return typed.select("action_id", *[c for c in typed.columns if c != "action_id"])


def drop_duplicates(
    actions: pl.DataFrame, *, first_rows: FirstRows | None = None
) -> tuple[pl.DataFrame, int, pl.DataFrame]:
    """Keep the first row of each ``action_id``; repeats of it are merged as duplicates.

    A later row with the same id but other content (a corrected re-export in the same file) is
    not silently dropped: it is rejected with the line it conflicts with. ``first_rows`` holds
    the first rows of the file's earlier slices, so a repeat in a later slice is found too.

    Returns:
        ``(kept, duplicate_count, conflicting_rejects)``.
    """
    marked = (first_rows or FirstRows()).mark(actions)
    conflicts = marked.filter(~pl.col("_first") & ~pl.col("_same")).select(
        "source_line",
        "payload",
        stage=pl.lit("normalize"),
        reasons=pl.concat_list(
            pl.format("action_id: conflicting duplicate of line {}", pl.col("_first_line"))
        ),
    )
    duplicates = marked.filter(~pl.col("_first") & pl.col("_same")).height
    return marked.filter("_first").drop("_first", "_same", "_first_line"), duplicates, conflicts


def transform_rows(
    raw: pl.DataFrame, *, feed: Feed, as_of: date, where: str, decisions: pl.DataFrame | None = None,
    first_rows: FirstRows | None = None,
) -> tuple[pl.DataFrame, pl.DataFrame, int]:  # fmt: skip
    """The steps of :func:`run` after reading: hold, apply decisions, parse, normalise, validate.

    Returns:
        ``(valid, rejected, duplicates)``; accepted review items are valid rows of source kind
        ``reviewed``; ``rejected`` has :data:`etl.parsing.validate.REJECT_COLUMNS`.
    """
    texts = raw.select("source_line", "record_text") if "record_text" in raw.columns else None
    raw, held = split_extraction_issues(raw.drop("record_text", strict=False), hold_all=feed.review_all)
    raw, flagged = split_parse_issues(raw, feed=feed)
    accepted, held = apply_review_decisions(held, feed=feed.name, decisions=decisions)
    rows = pl.concat([
        parse_rows(raw, feed=feed, as_of=as_of),
        parse_rows(accepted, feed=feed, as_of=as_of).with_columns(source_kind=pl.lit(REVIEWED)),
    ])  # fmt: skip
    parsed, rejected_parse = split_valid(rows, ParsedEnforcementAction, stage="parse", where=where)
    aliases, owners = load_tables()
    normalized = normalize(parsed, aliases=aliases, owners=owners)
    actions, duplicates, conflicts = drop_duplicates(normalized, first_rows=first_rows)
    valid, rejected_norm = split_valid(actions, EnforcementAction, stage="normalize", where=where)
    rejected = pl.concat([held, flagged, rejected_parse, conflicts, rejected_norm]).sort("source_line")
    return valid, with_record_text(rejected, texts), duplicates


def run(
    feed: Feed, path: Path, *, as_of: date, out_dir: Path, decisions: pl.DataFrame | None = None,
    slice_rows: int = DEFAULT_SLICE_ROWS,
    workers: int = 1,
    then: Sink | None = None,
) -> TransformResult:  # fmt: skip
    """Read, parse, validate and normalise one landed file; write Parquet for the next step.

    Tabular files are read and processed ``slice_rows`` records at a time
    (:mod:`etl.parsing.slices`), so memory does not grow with the file; news files are read whole.

    Args:
        feed: the registry entry.
        path: the landed file.
        as_of: the run's date, stored as ``batch_date``.
        out_dir: folder for ``actions.parquet`` and ``rejects.parquet`` (a row group per slice).
        decisions: stored review decisions (:data:`DECISION_SCHEMA`), re-applied to held news
            items: accepted ones become facts, rejected ones stay closed.
        slice_rows: records per slice.
        workers: processes that may read a large news feed.
        then: where each slice's valid actions go instead of ``actions.parquet`` (the next step,
            run in this process: etl.money.fx.Converter); ``actions_path`` is None then.

    Returns:
        Paths written and the counts: rows_in = valid + duplicates + rejected.

    Raises:
        FeedFormatError: the file cannot be read at all.
        ContractError: the batch as a whole breaks a contract (missing required columns).
    """
    where = f"feed {feed.name}: {path}"
    if feed.format in NEWS_FORMATS:
        frames = iter([read_feed(path, feed=feed, workers=workers)])
    else:
        frames = adapter_slices(path, feed=feed, rows=slice_rows)
    out_dir.mkdir(parents=True, exist_ok=True)
    actions = then if then is not None else PartWriter(out_dir / "actions.parquet")
    rejects = PartWriter(out_dir / "rejects.parquet")
    first_rows, rows_in, duplicates = FirstRows(), 0, 0
    try:
        for raw in frames:
            check_columns(raw, feed=feed, where=where)
            valid, rejected, repeats = transform_rows(
                raw, feed=feed, as_of=as_of, where=where, decisions=decisions, first_rows=first_rows
            )
            if raw.height != valid.height + repeats + rejected.height:
                raise ContractError(
                    f"{where}: {raw.height} rows in, but {valid.height} valid + {repeats} duplicates "
                    f"+ {rejected.height} rejected: a row went missing"
                )
            rows_in, duplicates = rows_in + raw.height, duplicates + repeats
            actions.write(valid)
            rejects.write(rejected.with_columns(
                feed=pl.lit(feed.name), batch_date=pl.lit(as_of), source_file=pl.lit(str(path))
            ))  # fmt: skip
    finally:
        actions.close()
        rejects.close()
    return TransformResult(
        actions_path=None if then is not None else str(out_dir / "actions.parquet"),
        rejects_path=str(rejects.path), rows_in=rows_in,
        valid=actions.rows, duplicates=duplicates, rejected=rejects.rows,
    )  # fmt: skip
