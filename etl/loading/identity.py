"""The rule for "the same decision": which source records are one enforcement action.

Pure functions over the records of one platform and jurisdiction; no I/O. The rule, its
precedence and its limits are written down in docs/identity.md. In short:

* Two records are one decision when they name the same platform and jurisdiction, the same
  kind of action, dates within :data:`DATE_WINDOW_DAYS` (a news item may follow the decision by
  up to :data:`NEWS_LAG_DAYS`), and amounts that are *compatible* given the precision each
  source states (a rounded "4.3 billion" covers 4.25 to 4.35 billion) or *close* (at most
  :data:`CLOSE_SHARE` apart: 2.5 and 2.6 million rubles), in which case the amount is disputed.
* Two records of one structured source with different record ids, or two candidates of one
  news item, are never one decision.
* Records are taken in precedence order (:func:`precedence`); each joins the best matching
  action opened by an earlier record, or opens its own. The first record of an action, its
  *anchor*, gives the action its id and its counted figures. The outcome depends only on the
  set of records, never on the order in which they were loaded.
* A record whose amount is the sum of two or more other actions' amounts (a total reported by
  one source, its parts by another) is kept as a total linked to its parts, not counted.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import polars as pl

from etl.catalog import MONETARY_ACTION_TYPES, SOURCE_KINDS
from schemas.types import MONEY

DATE_WINDOW_DAYS = 3
NEWS_LAG_DAYS = 30
CLOSE_SHARE = Decimal("0.10")  # at most 10% apart: one decision reported differently
FX_NOISE_SHARE = Decimal("0.05")  # amounts in two currencies compared in USD
MAX_PARTS = 6  # a total is searched among at most this many parts ...
MAX_PART_CANDIDATES = 12  # ... chosen from at most this many actions
_NEWS_KINDS = ("wire", "news", "reviewed")
_STRUCTURED_KINDS = ("official", "structured")
_APPROXIMATE = ("about", "around", "approximately", "approx.", "roughly", "some", "close to", "an estimated")
_BELOW = ("nearly", "almost", "just under", "under", "less than", "up to", "as much as")
_ABOVE = ("over", "more than", "just over", "at least", "in excess of", "upwards of")


@dataclass
class Record:
    """One source's report of an action, with what identity needs of it."""

    feed: str
    record_key: str
    record_action_id: str
    source: str
    source_kind: str
    document: str  # the record id, or the news item it was extracted from
    action_type: str
    decision_date: date
    reported_date: date | None
    amount: Decimal | None
    amount_exact: str | None
    currency: str | None
    amount_usd: Decimal | None
    qualifier: str | None
    low: Decimal | None = None
    high: Decimal | None = None

    def __post_init__(self) -> None:
        self.low, self.high = figure_range(self.amount, kind=self.source_kind, qualifier=self.qualifier)


@dataclass
class Action:
    """Records judged to be one decision; the first is the anchor."""

    records: list[Record] = field(default_factory=list)
    parts: list[Action] = field(default_factory=list)
    is_total: bool = False

    @property
    def anchor(self) -> Record:
        """The record first in precedence: it gives the id and the counted figures."""
        return self.records[0]


def figure_range(amount: Decimal | None, *, kind: str, qualifier: str | None) -> tuple[Decimal | None, ...]:
    """The amounts a stated figure covers, as a half-open range ``[low, high)``.

    Official and structured figures are exact unless qualified. A figure in wire or news copy
    is rounded to its last significant digit, counting at least two ("4.3 billion" covers 4.25
    to 4.35 billion, "10 million" 9.5 to 10.5 million); "about" widens it to 10% either side,
    "more than" reaches up by half and "up to" or "nearly" down by half.
    """
    if amount is None:
        return None, None
    if kind in _NEWS_KINDS and amount == amount.to_integral_value() and amount >= 100:
        digits = str(int(amount))
        zeros = min(len(digits) - len(digits.rstrip("0")), len(digits) - 2)
        half = Decimal(10) ** zeros / 2
    else:
        half = Decimal("0.005")
    low, high = amount - half, amount + half
    if qualifier in _BELOW:
        low, high = min(low, amount / 2), amount + Decimal("0.005")
    elif qualifier in _ABOVE:
        low, high = amount, max(high, amount * Decimal("1.5"))
    elif qualifier:  # "about" and any qualifier we do not know: looser either side
        low, high = min(low, amount * Decimal("0.9")), max(high, amount * Decimal("1.1"))
    return low, high


def precedence(record: Record) -> tuple:
    """The order in which records claim an action: the first of an action is its anchor.

    Court or regulator documents, then structured feeds, wires, reviewed and news items; within
    a kind the most precise figure, then the earliest decision, the smaller amount (the
    conservative figure) and the record's own id.
    """
    width = record.high - record.low if record.amount is not None else Decimal(0)
    return (SOURCE_KINDS.index(record.source_kind), width, record.decision_date,
            record.amount if record.amount is not None else Decimal(0), record.record_action_id,
            record.feed, record.record_key)  # fmt: skip


def _days(a: date | None, b: date | None) -> int:
    return abs((a - b).days) if a and b else 10**6


def dates_match(anchor: Record, record: Record) -> bool:
    """Decision (or reported) dates within the window, or a news item that follows the decision."""
    nearest = min(
        _days(anchor.decision_date, record.decision_date),
        _days(anchor.reported_date, record.decision_date),
        _days(anchor.decision_date, record.reported_date),
    )
    lag = (record.decision_date - anchor.decision_date).days
    return nearest <= DATE_WINDOW_DAYS or (record.source_kind in _NEWS_KINDS and 0 <= lag <= NEWS_LAG_DAYS)


def _relative(a: Decimal, b: Decimal) -> Decimal:
    return abs(a - b) / max(abs(a), abs(b)) if max(abs(a), abs(b)) else Decimal(0)


def amount_match(anchor: Record, record: Record) -> Decimal | None:
    """How far two figures are apart.

    Returns:
        0 when compatible, else their relative difference; None when they cannot be one decision.
    """
    monetary = {anchor.action_type in MONETARY_ACTION_TYPES, record.action_type in MONETARY_ACTION_TYPES}
    if len(monetary) > 1 or (monetary == {False} and anchor.action_type != record.action_type):
        return None
    if anchor.amount_exact is None and record.amount_exact is None:
        return Decimal(0)
    if anchor.amount is None or record.amount is None:  # an outlier beyond DECIMAL(38,2)
        return Decimal(0) if anchor.amount_exact == record.amount_exact else None
    if anchor.currency == record.currency:
        if max(anchor.low, record.low) < min(anchor.high, record.high):
            return Decimal(0)
        gap = _relative(anchor.amount, record.amount)
    elif anchor.amount_usd is not None and record.amount_usd is not None:
        gap = _relative(anchor.amount_usd, record.amount_usd)
        gap = Decimal(0) if gap <= FX_NOISE_SHARE else gap
    else:
        return None
    return gap if gap <= CLOSE_SHARE else None


def conflicts(action: Action, record: Record) -> bool:
    """One structured source never reports one decision twice; one news item is one document."""
    for other in action.records:
        if other.feed == record.feed and other.document == record.document:
            return True
        structured = {other.source_kind, record.source_kind} <= set(_STRUCTURED_KINDS)
        if structured and other.source == record.source and other.document != record.document:
            return True
    return False


def cluster(records: list[Record]) -> list[Action]:
    """Group records into actions, in precedence order; the result depends only on the set."""
    actions: list[Action] = []
    for record in sorted(records, key=precedence):
        best: tuple[Decimal, int] | None = None
        for index, action in enumerate(actions):
            if any(r.record_action_id == record.record_action_id for r in action.records):
                best = (Decimal(-1), index)  # one record id of one source, carried by two feeds
                break
            if not dates_match(action.anchor, record) or conflicts(action, record):
                continue
            gap = amount_match(action.anchor, record)
            if gap is not None and (best is None or gap < best[0]):
                best = (gap, index)
        if best is None:
            actions.append(Action(records=[record]))
        else:
            actions[best[1]].records.append(record)
    link_totals(actions)
    return actions


def _sources(action: Action) -> set[tuple[str, str]]:
    return {(r.feed, r.source) for r in action.records}


def link_totals(actions: list[Action]) -> None:
    """Mark an action whose amount is the sum of 2+ other actions' amounts as their total."""
    for total in actions:
        head = total.anchor
        if head.amount is None or head.action_type not in MONETARY_ACTION_TYPES:
            continue
        candidates = [
            a for a in actions
            if a is not total and not a.is_total and a.anchor.currency == head.currency
            and a.anchor.amount is not None and 0 < a.anchor.amount < head.amount
            and a.anchor.action_type in MONETARY_ACTION_TYPES and dates_match(head, a.anchor)
            and not _sources(a) & _sources(total)
        ][:MAX_PART_CANDIDATES]  # fmt: skip
        for size in range(2, min(MAX_PARTS, len(candidates)) + 1):
            found = next(
                (parts for parts in itertools.combinations(candidates, size)
                 if head.low <= sum(p.anchor.amount for p in parts) < head.high),
                None,
            )  # fmt: skip
            if found:
                total.is_total, total.parts = True, list(found)
                break


def disputed_range(action: Action) -> tuple[bool, Decimal | None, Decimal | None]:
    """Whether the sources disagree on the amount, and the lowest and highest figure given.

    Figures in the action's currency disagree when no amount lies within every one's stated
    precision; a figure in another currency when its USD value is more than 5% away.
    """
    head = action.anchor
    same = [r for r in action.records if r.amount is not None and r.currency == head.currency]
    if not same:
        return False, None, None
    disputed = max(r.low for r in same) >= min(r.high for r in same)
    others = [r for r in action.records if r.currency != head.currency and r.amount_usd is not None]
    if head.amount_usd is not None:
        disputed |= any(_relative(r.amount_usd, head.amount_usd) > FX_NOISE_SHARE for r in others)
    return disputed, min(r.amount for r in same), max(r.amount for r in same)


def records_from(frame: pl.DataFrame) -> list[Record]:
    """Records from a frame of ``core.action_sources`` rows (see :class:`Record` for columns)."""
    columns = [f for f in Record.__dataclass_fields__ if f not in ("low", "high")]
    return [Record(**row) for row in frame.select(columns).iter_rows(named=True)]


def assign(records: list[Record]) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """Cluster records and describe the outcome as frames for the warehouse.

    Returns:
        ``(assignment, actions, parts)``: each record's action id; per action its anchor
        record, dispute flag and range, total flag and source count; total -> part links.
    """
    actions = cluster(records)
    ids = {"feed": pl.String, "record_key": pl.String, "action_id": pl.String}
    assignment = [(r.feed, r.record_key, a.anchor.record_action_id) for a in actions for r in a.records]
    described = []
    for a in actions:
        disputed, low, high = disputed_range(a)
        described.append((a.anchor.record_action_id, a.anchor.feed, a.anchor.record_key, disputed, low, high,
                          a.is_total, len(a.records)))  # fmt: skip
    links = [(a.anchor.record_action_id, p.anchor.record_action_id) for a in actions for p in a.parts]
    return (
        pl.DataFrame(assignment, schema=ids, orient="row"),
        pl.DataFrame(
            described,
            orient="row",
            schema={
                "action_id": pl.String,
                "anchor_feed": pl.String,
                "anchor_record_key": pl.String,
                "amount_disputed": pl.Boolean,
                "amount_low": MONEY,
                "amount_high": MONEY,
                "is_total_of_parts": pl.Boolean,
                "source_count": pl.Int32,
            },
        ),  # fmt: skip
        pl.DataFrame(links, schema={"total_action_id": pl.String, "part_action_id": pl.String}, orient="row"),
    )
