"""A person's review of the news items extraction could not decide: list, accept, reject.

Held items wait in ``ops.quarantine`` at stage ``review``. A decision is stored in
``ops.review_decisions`` under the item's review key (:func:`etl.parsing.transform.review_key`: the same
on every run and replay), so every later run re-applies it. Accepting runs the item through the
pipeline's own steps (transform with the decision, convert at the run's rates, load, marts) in
one writer session: the fact (source kind ``reviewed``) joins the other reports of the same
decision and the quarantine row is released. Nothing is written when a step refuses.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, replace
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

import duckdb
import polars as pl

from etl import catalog
from etl.config import Settings
from etl.errors import UserError
from etl.loading import load, merge, publish
from etl.loading.decisions import decisions_for_run
from etl.money.rates import rates_for_run
from etl.parsing import transform
from etl.running import pipeline, preparation
from etl.sources.feeds import Feed, registry_or_none

_ITEM_COLUMNS = "quarantine_id, feed, stage, source_file, source_line, payload, reasons, batch_date"
# The options that supply what a failed check is about (a field, or a rule across fields).
_OPTIONS = {
    "decision_date:": "--date", "amount_exact:": "--amount", "amount_matches_action_type": "--amount, --currency",
    "decision_not_after_batch_date": "--date", "amount_is_exact_or_outlier": "--amount",
} | {f"{c}:": f"--{c}" for c in ("platform", "jurisdiction", "authority", "amount", "currency")}  # fmt: skip


class ReviewError(ValueError, UserError):
    """A review command cannot be done; the message names the item or the field."""


@dataclass(frozen=True)
class Corrections:
    """What a reviewer changes on an item before accepting it; ``None`` keeps the extracted value."""

    platform: str | None = None
    jurisdiction: str | None = None
    authority: str | None = None
    amount: str | None = None
    currency: str | None = None
    decision_date: str | None = None

    @classmethod
    def parse(
        cls, *, amount: str | None = None, date_text: str | None = None, **text: str | None
    ) -> Corrections:
        """Check the typed values of a reviewer's options.

        Raises:
            ReviewError: ``--amount`` is not a number or ``--date`` not a YYYY-MM-DD date.
        """
        exact = None
        if amount is not None:
            try:
                value = Decimal(amount.replace(",", "").replace("_", ""))
            except InvalidOperation:
                value = Decimal("NaN")
            if not value.is_finite():
                raise ReviewError(f"--amount: not an amount: {amount!r}")
            exact = format(value, "f")
        if date_text is not None:
            try:
                date.fromisoformat(date_text)
            except ValueError:
                raise ReviewError(f"--date: not a date (YYYY-MM-DD): {date_text!r}") from None
        text = {k: v.strip() or None if v else None for k, v in text.items()}
        codes = {k: v.upper() for k, v in text.items() if v and k in ("currency", "jurisdiction")}
        return cls(amount=exact, decision_date=date_text, **(text | codes))


@dataclass(frozen=True)
class Accepted:
    """Where an accepted item went: the action it reports, and the kind of source it counts from."""

    item_id: str
    action_id: str
    source_kind: str  # "reviewed", or the kind of another report of the same decision that anchors it
    run_id: str


def waiting(settings: Settings, *, feed: str | None = None) -> pl.DataFrame:
    """Items waiting for review, oldest first, with the fields extraction proposed.

    Returns:
        One row per item: ``quarantine_id``, ``feed``, ``batch_date``, ``reasons``, ``review_key``
        and the payload's ``decision_date``, ``platform``, ``jurisdiction``, ``authority``,
        ``amount``, ``currency``, ``source_text``, ``item_title``, ``extraction_confidence``.
    """
    with load.connect(settings.warehouse, read_only=True) as con:
        items = con.sql(
            f"select {_ITEM_COLUMNS} from {catalog.QUARANTINE} where stage = ? "
            f"{'and feed = ?' if feed else ''} order by batch_date, feed, source_file, source_line",
            params=[transform.STAGE_REVIEW, *([feed] if feed else [])],
        ).pl()
    decided = decisions_for_run(settings).select("review_key")
    fields = ("decision_date", "platform", "jurisdiction", "authority", "amount", "currency", "source_text",
              "item_title", "extraction_confidence")  # fmt: skip
    return (
        items.with_columns(review_key=transform.review_key(pl.col("feed")))
        .join(decided, on="review_key", how="anti", maintain_order="left")
        .with_columns(pl.col("payload").str.json_path_match(f"$.{f}").alias(f) for f in fields)
    )


def _decided(con: duckdb.DuckDBPyConnection, *, item_id: str, key: str | None) -> tuple | None:
    try:
        return con.execute(
            f"select decision, decided_at from {catalog.REVIEW_DECISIONS} "
            "where quarantine_id = ? or review_key = ?",
            [item_id, key],
        ).fetchone()
    except duckdb.CatalogException:  # a warehouse from before review decisions: none taken
        return None


def _item(con: duckdb.DuckDBPyConnection, item_id: str) -> pl.DataFrame:
    """The item ``item_id`` if it waits for review; a one-line error naming it otherwise."""
    item = con.sql(
        f"select {_ITEM_COLUMNS} from {catalog.QUARANTINE} where quarantine_id = ?", params=[item_id]
    ).pl()
    item = item.with_columns(review_key=transform.review_key(pl.col("feed")))
    done = _decided(con, item_id=item_id, key=item["review_key"][0] if item.height else None)
    if done is not None:
        when = f" on {done[1]:%Y-%m-%d %H:%M} UTC" if done[1] else ""
        raise ReviewError(f"review item {item_id} was already {done[0]}ed{when}")
    if item.is_empty():
        raise ReviewError(f"no review item {item_id!r}: `fines review` lists the items waiting")
    if item["stage"][0] != transform.STAGE_REVIEW:
        raise ReviewError(f"{item_id} is quarantined at stage {item['stage'][0]!r}, not waiting for review")
    return item


def _open_item(settings: Settings, item_id: str) -> pl.DataFrame:
    with load.connect(settings.warehouse, read_only=True) as con:
        return _item(con, item_id)


def _store(
    con: duckdb.DuckDBPyConnection, item: pl.DataFrame, *, decision: str, reason: str | None,
    corrections: Corrections, decided_at: datetime,
) -> None:  # fmt: skip
    fixes = asdict(corrections)
    con.execute(
        f"insert into {catalog.REVIEW_DECISIONS} (review_key, quarantine_id, feed, decision, reason, "
        f"{', '.join(fixes)}, decided_at) values (?, ?, ?, ?, ?, {', '.join('?' for _ in fixes)}, ?)",
        [item["review_key"][0], item["quarantine_id"][0], item["feed"][0], decision, reason,
         *fixes.values(), decided_at],
    )  # fmt: skip


def feed_of(settings: Settings, name: str) -> Feed:
    """The registry entry of a feed, or an ad hoc news feed (``fines ingest``) of that name.

    An ad hoc feed takes the source its loaded records carry, so an accepted item gets the same
    ``action_id`` as when a later run of that feed re-applies the decision.
    """
    registry = {feed.name: feed for feed in registry_or_none(settings.feeds_file) or []}
    if name in registry:
        return registry[name]
    with load.connect(settings.warehouse, read_only=True) as con:
        row = con.execute(
            f"select min(source) from {catalog.ACTION_SOURCES} where feed = ?", [name]
        ).fetchone()
    return Feed(name=name, format="rss", location="", source=(row[0] if row and row[0] else ""))


def _refusal(item_id: str, rejected: pl.DataFrame) -> ReviewError:
    reasons = [reason for row in rejected["reasons"].to_list() for reason in row]
    hints = sorted({option for about, option in _OPTIONS.items() for r in reasons if r.startswith(about)})
    supply = f" (correct with {', '.join(hints)})" if hints else ""
    return ReviewError(f"cannot accept {item_id}: {'; '.join(reasons)}{supply}")


def _prepare(
    settings: Settings, item: pl.DataFrame, decision: pl.DataFrame, *, run_id: str
) -> pipeline.Batch:
    """Transform and convert the accepted item as the pipeline would; refuse what breaks a contract."""
    item_id, feed_name = item["quarantine_id"][0], item["feed"][0]
    feed, as_of, work = feed_of(settings, feed_name), item["batch_date"][0], settings.work_dir / run_id
    raw = transform.raw_from_payload(item.select("source_line", "payload"))
    validate_log = logging.getLogger("etl.parsing.validate")
    level = validate_log.level
    validate_log.setLevel(logging.ERROR)  # the refusal below names every failure, on one line
    try:
        valid, rejected, _ = transform.transform_rows(
            raw, feed=feed, as_of=as_of, where=f"review item {item_id}", decisions=decision
        )
    finally:
        validate_log.setLevel(level)
    if rejected.height or valid.height != 1:
        raise _refusal(item_id, rejected)
    work.mkdir(parents=True, exist_ok=True)
    valid.write_parquet(work / "actions.parquet")
    parsed = pipeline.Batch(
        feed=feed_name, source_file=item["source_file"][0], rows_in=1, duplicates=0,
        actions_path=str(work / "actions.parquet"), reject_paths=(),
    )  # fmt: skip
    batch = preparation.convert_batch(parsed, rates_for_run(settings))
    rejected = pl.read_parquet(batch.reject_paths[-1])
    if rejected.height:
        raise _refusal(item_id, rejected)
    return replace(batch, reject_paths=())


def accept(settings: Settings, item_id: str, corrections: Corrections, *, decided_at: datetime,
           reason: str | None = None) -> Accepted:  # fmt: skip
    """Store an accept decision and turn the item into a fact, published with the marts.

    Args:
        settings: where the warehouse and work files are.
        item_id: the item's quarantine id, as ``fines review`` lists it.
        corrections: values that replace what extraction proposed.
        decided_at: when the person decided (recorded only; never compared).
        reason: an optional note.

    Raises:
        ReviewError: unknown or already decided item, or a correction that breaks a contract.
    """
    item = _open_item(settings, item_id)
    decision = pl.DataFrame(
        [{"review_key": item["review_key"][0], "decision": "accept", "reason": reason, **asdict(corrections)}],
        schema=transform.DECISION_SCHEMA,
    )  # fmt: skip
    run_id = f"review_{item_id}"
    batch = _prepare(settings, item, decision, run_id=run_id)
    with publish.writer(settings.warehouse) as con:
        load.migrate(con)
        item = _item(con, item_id)  # decided meanwhile by another command?
        _store(con, item, decision="accept", reason=reason, corrections=corrections, decided_at=decided_at)
        report = pipeline.load_batches(
            con, [batch], {}, settings=settings, as_of=item["batch_date"][0], run_id=run_id,
            rates_path=rates_for_run(settings),
        )  # fmt: skip
        if report.failed:
            raise ReviewError(f"cannot accept {item_id}: {report.failed[0].error}")
        # The stored record of the accepted item: the batch row's key, as the merge computed it.
        fact = con.execute(
            f"with accepted as (select feed, {merge.RECORD_KEY} as record_key from read_parquet(?)) "
            f"select a.action_id, a.source_kind from accepted inner join {catalog.ACTION_SOURCES} as s "
            f"using (feed, record_key) inner join {catalog.ENFORCEMENT_ACTIONS} as a using (action_id)",
            [batch.converted_path],
        ).fetchone()
        if fact is None:
            raise ReviewError(
                f"cannot accept {item_id}: the loaded record is not in {catalog.ACTION_SOURCES}"
            )
    return Accepted(item_id=item_id, action_id=fact[0], source_kind=fact[1], run_id=run_id)


def reject(settings: Settings, item_id: str, *, reason: str, decided_at: datetime) -> None:
    """Store a reject decision; the item leaves the waiting list and stays in quarantine, closed.

    Raises:
        ReviewError: unknown or already decided item, or an empty reason.
    """
    if not reason.strip():
        raise ReviewError("--reason: say why the item is rejected")
    _open_item(settings, item_id)
    with publish.writer(settings.warehouse) as con:
        load.migrate(con)
        item = _item(con, item_id)
        with load.transaction(con):
            _store(
                con, item, decision="reject", reason=reason, corrections=Corrections(), decided_at=decided_at
            )
            # The same stage and reasons a later run gives it (transform.apply_review_decisions).
            con.execute(
                f"update {catalog.QUARANTINE} set stage = ?, reasons = list_append(reasons, ?) "
                "where quarantine_id = ?",
                [transform.STAGE_REVIEW_REJECTED, f"rejected in review: {reason}", item_id],
            )
