"""Parse a landed feed file into validated, typed enforcement actions.

Pure frame steps (``parse_rows``, ``normalize``, ``drop_duplicates``) are chained by
:func:`run`, the one function here that reads and writes files.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

import polars as pl

from etl import catalog, parsers
from etl.errors import UserError
from etl.feeds import NEWS_FORMATS, Feed
from etl.platforms import load_tables, resolve_platforms
from etl.validate import REJECT_SCHEMA, ContractError, split_valid
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
REQUIRED = ("decision_date", "jurisdiction", "authority", "platform", "action_type")
META = ("feed", "source_line", "payload", "batch_date")
# News candidates a person decides on: waiting in ops.quarantine, or closed by a rejection.
STAGE_REVIEW, STAGE_REVIEW_REJECTED = catalog.REVIEW_STAGES
REVIEWED = "reviewed"  # source_kind of a fact a person accepted
# A stored review decision as transform takes it; a correction is text, null when not made.
CORRECTABLE = ("platform", "jurisdiction", "authority", "amount", "currency", "decision_date")
DECISION_SCHEMA = {"review_key": pl.String, "decision": pl.String, "reason": pl.String} | dict.fromkeys(
    CORRECTABLE, pl.String
)
_UPPER = ("jurisdiction", "currency")
_LOWER = ("action_type", "violation", "status", "amount_qualifier")


class FeedFormatError(ValueError, UserError):
    """A feed file cannot be read at all; the message names the feed and file."""


@dataclass(frozen=True)
class TransformResult:
    """What :func:`run` wrote, and the counts the run log reconciles."""

    actions_path: str
    rejects_path: str
    rows_in: int
    valid: int
    duplicates: int
    rejected: int

    def as_dict(self) -> dict[str, object]:
        """Plain values for XCom and JSON."""
        return asdict(self)


def _decode(data: bytes, *, feed: Feed, path: Path) -> str:
    encoding = feed.encoding.lower().replace("_", "-")
    if encoding == "auto":
        return _detect(data, feed=feed, path=path)
    encoding = "utf-8-sig" if encoding in ("utf-8", "utf8") else encoding
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        raise FeedFormatError(
            f"feed {feed.name}: {path}: bytes not valid {feed.encoding} at byte offset {error.start}"
        ) from None


def _detect(data: bytes, *, feed: Feed, path: Path) -> str:
    # UTF-8 (with or without BOM) is tried first: valid UTF-8 is almost never another encoding.
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    # Candidates limited to the legacy code pages our sources use: unrestricted guessing
    # confuses windows-1251 with mac-cyrillic on short Russian texts.
    best = from_bytes(data, cp_isolation=["cp1251", "cp1252", "iso8859_2", "koi8_r"]).best()
    if best is None:
        raise FeedFormatError(f"feed {feed.name}: {path}: cannot detect the text encoding")
    return str(best)


def read_feed(path: Path, *, feed: Feed) -> pl.DataFrame:
    """Read a landed feed file with the adapter of its format; nothing typed yet.

    Args:
        path: the landed file.
        feed: its registry entry (format, encoding, column mapping).

    Returns:
        Text columns (the file's own, or canonical ones for tracker and news formats), plus
        ``source_line`` (1-based record number) and ``payload`` (the record as JSON).

    Raises:
        FeedFormatError: undecodable bytes, an empty file, or a malformed layout.
    """
    data = path.read_bytes()
    if not data or data.isspace():
        raise FeedFormatError(f"feed {feed.name}: {path}: file is empty")
    # UTF-8 tables go to Polars as bytes (no decoded copy of a large file); Polars refuses
    # invalid UTF-8, and the decode below then names the byte offset.
    utf8 = feed.encoding.lower().replace("_", "-") in ("utf-8", "utf8")
    direct = utf8 and feed.format in ("csv", "gdpr-tracker")
    text = None if feed.format in NEWS_FORMATS or direct else _decode(data, feed=feed, path=path)
    if text is not None and not text.strip():
        raise FeedFormatError(f"feed {feed.name}: {path}: file is empty")
    try:
        return parsers.read_payload(data, text, fmt=feed.format, path=path)
    except parsers.ParseFailure as error:
        if direct and "utf-8" in str(error):
            _decode(data, feed=feed, path=path)
        raise FeedFormatError(f"feed {feed.name}: {path}: cannot parse as {feed.format}: {error}") from None


def check_columns(raw: pl.DataFrame, *, feed: Feed, where: str) -> None:
    """Refuse a file that lacks a required column: a changed format must not shrink the marts.

    Raises:
        ContractError: naming the missing canonical columns and the feed columns expected.
    """
    missing = [c for c in REQUIRED if feed.columns.get(c, c) not in raw.columns]
    if missing:
        expected = ", ".join(f"{c} (column {feed.columns.get(c, c)!r})" for c in missing)
        raise ContractError(f"{where}: missing required columns: {expected}; found {raw.columns[:-2]}")


def _missing_fields(columns: list[str]) -> pl.Expr:
    # A field the contract requires that the extractor could not fill; a reviewer can supply it.
    monetary = pl.col("action_type").is_in(catalog.MONETARY_ACTION_TYPES)
    checks = [(c, pl.col(c).is_null()) for c in ("platform", "jurisdiction", "authority", "decision_date")]
    checks += [(c, monetary & pl.col(c).is_null()) for c in ("amount", "currency")]
    present = [pl.when(null).then(pl.lit(c)) for c, null in checks if c in columns]
    return pl.concat_list(present or [pl.lit(None, pl.String)]).list.drop_nulls()


def split_extraction_issues(raw: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Hold the news candidates extraction could not decide for a person's review.

    Held (stage ``review``): a low-confidence extraction (``extraction_issue``), or a candidate
    that lacks a field the contract requires (platform, jurisdiction, authority, date; amount or
    currency of a fine). They wait in quarantine without counting toward the circuit breaker.

    Returns:
        ``(certain, held)``; ``held`` has :data:`etl.validate.REJECT_COLUMNS`.
    """
    if "extraction_issue" not in raw.columns:
        return raw, pl.DataFrame(schema=REJECT_SCHEMA)
    marked = raw.with_columns(_missing=_missing_fields(raw.columns))
    flagged = pl.col("extraction_issue").is_not_null() | (pl.col("_missing").list.len() > 0)
    missing = pl.when(pl.col("_missing").list.len() > 0).then(
        pl.format("missing {}", pl.col("_missing").list.join(", "))
    )
    held = marked.filter(flagged).select(
        "source_line",
        "payload",
        stage=pl.lit(STAGE_REVIEW),
        reasons=pl.concat_list(pl.col("extraction_issue"), missing).list.drop_nulls(),
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


def parse_rows(raw: pl.DataFrame, *, feed: Feed, as_of: date) -> pl.DataFrame:
    """Map feed columns onto the canonical ones, trim text and make empty values null."""
    mapped = {canonical: feed.columns.get(canonical, canonical) for canonical in CANONICAL}
    cleaned = [
        pl.col(column).str.strip_chars().replace("", None).alias(canonical)
        if column in raw.columns
        else pl.lit(None, dtype=pl.String).alias(canonical)
        for canonical, column in mapped.items()
    ]
    return raw.select(
        pl.lit(feed.name).alias("feed"),
        pl.lit(feed.source_kind).alias("source_kind"),
        "source_line",
        "payload",
        pl.lit(as_of).alias("batch_date"),
        *cleaned,
    ).with_columns(
        [pl.col(c).str.to_uppercase() for c in _UPPER] + [pl.col(c).str.to_lowercase() for c in _LOWER],
        source=pl.col("source").fill_null(pl.lit(feed.source or feed.name)),
        amount=pl.col("amount").str.replace_all(r"[,_ ]", ""),
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


def drop_duplicates(actions: pl.DataFrame) -> tuple[pl.DataFrame, int, pl.DataFrame]:
    """Keep the first row of each ``action_id``; repeats of it are merged as duplicates.

    A later row with the same id but other content (a corrected re-export in the same file) is
    not silently dropped: it is rejected with the line it conflicts with.

    Returns:
        ``(kept, duplicate_count, conflicting_rejects)``.
    """
    first = pl.col("action_id").is_first_distinct()
    same = pl.col("payload") == pl.col("payload").first().over("action_id")
    marked = actions.with_columns(
        _first=first, _same=same, _first_line=pl.col("source_line").first().over("action_id")
    )
    conflicts = marked.filter(~pl.col("_first") & ~pl.col("_same")).select(
        "source_line",
        "payload",
        stage=pl.lit("normalize"),
        reasons=pl.concat_list(
            pl.format("action_id: conflicting duplicate of line {}", pl.col("_first_line"))
        ),
    )
    duplicates = marked.filter(~pl.col("_first") & pl.col("_same")).height
    return actions.filter(first), duplicates, conflicts


def transform_rows(
    raw: pl.DataFrame, *, feed: Feed, as_of: date, where: str, decisions: pl.DataFrame | None = None
) -> tuple[pl.DataFrame, pl.DataFrame, int]:
    """The steps of :func:`run` after reading: hold, apply decisions, parse, normalise, validate.

    Returns:
        ``(valid, rejected, duplicates)``; accepted review items are valid rows of source kind
        ``reviewed``; ``rejected`` has :data:`etl.validate.REJECT_COLUMNS`.
    """
    raw, held = split_extraction_issues(raw)
    accepted, held = apply_review_decisions(held, feed=feed.name, decisions=decisions)
    rows = pl.concat([
        parse_rows(raw, feed=feed, as_of=as_of),
        parse_rows(accepted, feed=feed, as_of=as_of).with_columns(source_kind=pl.lit(REVIEWED)),
    ])  # fmt: skip
    parsed, rejected_parse = split_valid(rows, ParsedEnforcementAction, stage="parse", where=where)
    aliases, owners = load_tables()
    actions, duplicates, conflicts = drop_duplicates(normalize(parsed, aliases=aliases, owners=owners))
    valid, rejected_norm = split_valid(actions, EnforcementAction, stage="normalize", where=where)
    rejected = pl.concat([held, rejected_parse, conflicts, rejected_norm]).sort("source_line")
    return valid, rejected, duplicates


def run(
    feed: Feed, path: Path, *, as_of: date, out_dir: Path, decisions: pl.DataFrame | None = None
) -> TransformResult:
    """Read, parse, validate and normalise one landed file; write Parquet for the next step.

    Args:
        feed: the registry entry.
        path: the landed file.
        as_of: the run's date, stored as ``batch_date``.
        out_dir: folder for ``actions.parquet`` and ``rejects.parquet``.
        decisions: stored review decisions (:data:`DECISION_SCHEMA`), re-applied to held news
            items: accepted ones become facts, rejected ones stay closed.

    Returns:
        Paths written and the counts: rows_in = valid + duplicates + rejected.

    Raises:
        FeedFormatError: the file cannot be read at all.
        ContractError: the batch as a whole breaks a contract (missing required columns).
    """
    where = f"feed {feed.name}: {path}"
    raw = read_feed(path, feed=feed)
    check_columns(raw, feed=feed, where=where)
    valid, rejected, duplicates = transform_rows(
        raw, feed=feed, as_of=as_of, where=where, decisions=decisions
    )
    rejected = rejected.with_columns(
        feed=pl.lit(feed.name), batch_date=pl.lit(as_of), source_file=pl.lit(str(path))
    )
    if raw.height != valid.height + duplicates + rejected.height:
        raise ContractError(
            f"{where}: {raw.height} rows in, but {valid.height} valid + {duplicates} duplicates "
            f"+ {rejected.height} rejected: a row went missing"
        )
    out_dir.mkdir(parents=True, exist_ok=True)
    valid.write_parquet(out_dir / "actions.parquet")
    rejected.write_parquet(out_dir / "rejects.parquet")
    return TransformResult(
        actions_path=str(out_dir / "actions.parquet"),
        rejects_path=str(out_dir / "rejects.parquet"),
        rows_in=raw.height,
        valid=valid.height,
        duplicates=duplicates,
        rejected=rejected.height,
    )
