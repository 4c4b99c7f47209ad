"""One candidate enforcement action read from a news item, and how sure the extraction is of it.

The shape every news module passes around (etl/parsing/news.py builds candidates, etl/parsing/news_merge.py
merges them); ``confidence`` turns the reasons to doubt a candidate into a score. Rules:
docs/news_extraction.md, "Review".
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from etl import catalog


@dataclass(frozen=True)
class Candidate:
    """A candidate enforcement action read from one sentence of a news item."""

    platform: str | None  # canonical name ("TikTok", "Twitter", "X", "Meta", ...)
    jurisdiction: str | None  # ISO 3166-1 alpha-2, or "EU"
    authority: str | None  # as named in the text ("Tagansky District Court", "CNIL")
    action_type: str  # fine, turnover_fine, periodic_penalty, block, throttle, warning, order, other
    amount: Decimal | None  # as imposed, in the fine's own currency
    currency: str | None  # ISO 4217; None when unknown or ambiguous
    qualifier: str | None  # how the text bounds the amount: "about", "nearly", "more than", "up to", ...
    reported_usd: Decimal | None  # a USD conversion the text itself states
    reported_eur: Decimal | None  # a EUR conversion the text itself states
    sentence: str  # verbatim
    confidence: float  # 1.0 minus a penalty per reason, in [0, 1]
    reasons: tuple[str, ...]  # why confidence is lowered: "currency_ambiguous", "no_platform", ...


MONETARY = frozenset(catalog.MONETARY_ACTION_TYPES)  # the action types that carry an amount
MAX_CANDIDATES = 12  # more from one item is a list or noise, not news of one decision
# Confidence is 1 minus these; it ranks readings against each other. Any reason at all holds a
# candidate for review (news_feed.extraction_issue); below news_feed.MIN_CONFIDENCE (0.6) it says "low-confidence".
PENALTIES = {
    # Each of these alone sends a candidate to review: the row could not be a correct fact as it stands.
    "no_platform": 0.45, "no_jurisdiction": 0.45, "no_amount": 0.45, "currency_ambiguous": 0.45,
    "currency_not_local": 0.45, "conflicting_amounts": 0.45, "amount_is_conversion": 0.45,
    "fined_party_not_platform": 0.45, "planned_action": 0.45, "too_many_candidates": 0.45, "earlier_action": 0.45,
    "platform_unclear": 0.45, "amount_is_range": 0.45, "amount_is_total": 0.45,
    "amount_not_penalty": 0.45, "beyond_lead": 0.45, "action_reversed": 0.45, "item_truncated": 0.45,
    "action_type_unclear": 0.45, "amount_may_be_redress": 0.45, "other_authority": 0.45,
    # Softer doubts: they add up, and rank a reading below a surer one.
    "no_action_verb": 0.3, "amount_qualified_bound": 0.2, "multiple_platforms": 0.15,
    "platform_from_context": 0.1, "platform_unknown": 0.1, "jurisdiction_from_currency": 0.1,
    "amount_qualified_approximate": 0.1, "conversion_currency_ambiguous": 0.05,
    # A measure without money the headline does not state plainly: it waits, its reading no less sure.
    "measure_unconfirmed": 0.0,
}  # fmt: skip


def confidence(reasons: tuple[str, ...] | list[str]) -> float:
    """1 minus the penalties of the reasons (an unknown reason costs 0.1), in [0, 1]."""
    return _confidence(tuple(reasons))


@lru_cache(maxsize=1024)
def _confidence(reasons: tuple[str, ...]) -> float:
    return round(max(0.0, 1.0 - sum(PENALTIES.get(r, 0.1) for r in reasons)), 2)


def revised(c: Candidate, **changes: object) -> Candidate:
    """``dataclasses.replace(c, **changes)``, without its per-call look at the fields (every field is an init field)."""
    return Candidate(**{**c.__dict__, **changes})  # type: ignore[arg-type]


def without(c: Candidate, reason: str) -> Candidate:
    """The candidate without one reason, its confidence recomputed."""
    reasons = tuple(r for r in c.reasons if r != reason)
    return revised(c, reasons=reasons, confidence=confidence(reasons))


def with_reasons(c: Candidate, *added: str) -> Candidate:
    """The candidate with more reasons, its confidence recomputed."""
    reasons = tuple(dict.fromkeys((*c.reasons, *added)))
    return revised(c, reasons=reasons, confidence=confidence(reasons))


def unread_part(text: str) -> Candidate:
    """The review candidate of a long item whose read part gives none (``text``: the start of the rest)."""
    core = (None, None, None, "other", None, None, None, None, None)
    return Candidate(*core, text, confidence(("item_truncated",)), ("item_truncated",))
