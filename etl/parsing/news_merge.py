"""Candidate enforcement actions of one news item: their confidence, and merging repeats of one action.

Rules: docs/news_extraction.md, "Merging" and "Review".
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from itertools import combinations

from etl.parsing.news_gate import Gated
from etl.parsing.news_money import CTX, DOLLARS, HOME
from etl.parsing.news_names import PARENT

_SEPARATE = Gated(r"(?i)\b(?:also|another|second|third|separate(?:ly)?|additional(?:ly)?|further)\b")
# A sentence that changes a figure ("cut the fine to 4.1 billion euros from 4.34 billion") holds
# two figures of one fine, not a list of fines.
_CHANGED = Gated(
    r"(?i)\b(?:(?:cut(?:s|ting)?|reduc\w*|lower\w*|rais\w*|increas\w*|trimm\w*|slash\w*|revis\w*)\s+"
    r"(?:[\w'’]+\s+){0,4}?(?:to|from|by)|instead\s+of|(?:down|up)\s+from)\b"
)


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


MONETARY = {"fine", "turnover_fine", "periodic_penalty"}
MAX_CANDIDATES = 12  # more from one item is a list or noise, not news of one decision
# Confidence is 1 minus these; parsers.MIN_CONFIDENCE (0.6) sends anything below it to review.
PENALTIES = {
    # Each of these alone sends a candidate to review: the row could not be a correct fact as it stands.
    "no_platform": 0.45, "no_jurisdiction": 0.45, "no_amount": 0.45, "currency_ambiguous": 0.45,
    "currency_not_local": 0.45, "conflicting_amounts": 0.45, "amount_is_conversion": 0.45,
    "fined_party_not_platform": 0.45, "planned_action": 0.45, "too_many_candidates": 0.45, "earlier_action": 0.45,
    "platform_unclear": 0.45, "amount_is_range": 0.45, "amount_is_total": 0.45,
    "amount_not_penalty": 0.45, "beyond_lead": 0.45,
    # Softer doubts: each passes alone, and they add up.
    "no_action_verb": 0.3, "amount_qualified_bound": 0.2, "multiple_platforms": 0.15,
    "platform_from_context": 0.1, "amount_qualified_approximate": 0.1, "conversion_currency_ambiguous": 0.05,
}  # fmt: skip


def confidence(reasons: tuple[str, ...] | list[str]) -> float:
    """1 minus the penalties of the reasons (an unknown reason costs 0.1), in [0, 1]."""
    return _confidence(tuple(reasons))


@lru_cache(maxsize=1024)
def _confidence(reasons: tuple[str, ...]) -> float:
    return round(max(0.0, 1.0 - sum(PENALTIES.get(r, 0.1) for r in reasons)), 2)


def consolidate(found: list[Candidate], title: str) -> list[Candidate]:
    """Read an item as one action per platform unless it clearly reports several.

    Repeats of one action (headline and body, a rounded or converted figure quoted again) are
    merged; a figure in another currency that converts the local one becomes ``reported_usd`` /
    ``reported_eur``. Figures that stay distinct are separate actions only when one sentence
    lists them in one currency, when they differ in kind (a fine and a daily penalty) or
    platform, or when the text says so ("also", "another", "separate"). Otherwise they get
    ``conflicting_amounts``, except the one whose amount the headline gives. The headline's
    action also loses ``earlier_action`` (set on clauses that look back: "last year", "in 2018").
    A figure that is the sum of others is their total (``amount_is_total``), not another fine.
    """
    kept: list[Candidate] = []
    headline: set[int] = set()  # indices of the kept candidates whose amount the title gives
    for cand in _mark_totals(found):
        if len(kept) >= MAX_CANDIDATES:
            kept.append(with_reasons(cand, "too_many_candidates"))
            continue
        index = _place(kept, cand, headline)
        if cand.sentence == title and cand.amount is not None:
            headline.add(index)
    return [without(c, "earlier_action") if i in headline else c for i, c in enumerate(kept)]


def _mark_totals(found: list[Candidate]) -> list[Candidate]:
    """Mark a figure that is the sum of two to four other figures of the item, of its kind and currency.

    "Fines Meta €390m" over a body with €210m and €180m, "the combined 100 billion won" after
    69.2 and 30.8 billion: the total is no fine of its own. Distinct figures only, so a fine quoted
    twice never adds up with itself; the search is bounded by ``MAX_CANDIDATES``.
    """
    out = []
    for i, c in enumerate(found[:MAX_CANDIDATES]):
        parts = {
            o.amount for j, o in enumerate(found[:MAX_CANDIDATES])
            if j != i and o.amount is not None and c.amount is not None and o.amount < c.amount
            and o.currency == c.currency and _kind(o) == _kind(c)
        }  # fmt: skip
        sums = (sum(combo) for n in range(2, 5) for combo in combinations(sorted(parts), n))
        out.append(with_reasons(c, "amount_is_total") if any(_agree(c.amount, x) for x in sums) else c)
    return out + found[MAX_CANDIDATES:]


def _place(kept: list[Candidate], cand: Candidate, headline: set[int]) -> int:
    """Merge a candidate into the kept ones or append it; return where it went."""
    twin = next((i for i, k in enumerate(kept) if _same_action(k, cand)), None)
    if twin is not None:
        kept[twin] = _combine(kept[twin], cand)
        return twin
    pair = next(((i, p) for i, k in enumerate(kept) if (p := _local_and_converted(k, cand))), None)
    if pair is not None:
        kept[pair[0]] = _absorb(*pair[1])
        return pair[0]
    clashes = [i for i, k in enumerate(kept) if _clash(k, cand)]
    for i in clashes:
        kept[i] = kept[i] if i in headline else with_reasons(kept[i], "conflicting_amounts")
    kept.append(with_reasons(cand, "conflicting_amounts") if clashes else cand)
    return len(kept) - 1


def _family(c: Candidate) -> str | None:
    return PARENT.get(c.platform or "", c.platform)


def _kind(c: Candidate) -> str:
    return "fine" if c.action_type == "turnover_fine" else c.action_type


def _related(a: Candidate, b: Candidate) -> bool:
    """One platform family, or one of the two names none."""
    return a.platform is None or b.platform is None or _family(a) == _family(b)


def _same_action(a: Candidate, b: Candidate) -> bool:
    """Whether candidates from two sentences report one action (a repeat, maybe rounded or converted).

    Without an amount, a repeat is of the same kind, or an order that a fine enforces
    (headline "Amazon ordered to pay", body "... ordered Amazon to pay ¥300 million").
    """
    if a.sentence == b.sentence or not _related(a, b):
        return False
    if a.amount is None or b.amount is None:
        kinds = {_kind(a), _kind(b)}
        same_kind = len(kinds) == 1 or kinds <= MONETARY or kinds - MONETARY == {"order"}
        return same_kind and bool(a.platform and b.platform)
    return _quotes(a, b) or _quotes(b, a)


def _quotes(x: Candidate, y: Candidate) -> bool:
    """Whether x's figure is y's amount or one of y's stated conversions, written again."""
    figures = ((y.amount, y.currency), (y.reported_usd, "USD"), (y.reported_eur, "EUR"))
    return any(
        value is not None and x.currency in (None, code) and _agree(x.amount, value)
        for value, code in figures
    )


def _agree(x: Decimal | None, y: Decimal) -> bool:
    """Whether two figures are one amount, the less precise one a rounding of the other.

    "207.4 billion" and "207,400,000,000" agree, so do "$177 million" and "$176.64 million" and
    "7.2 billion" and "7,221,916,235". A one-digit figure ("$5 billion") agrees within 5%.
    """
    if x is None or x == y:
        return x is not None
    coarse, fine = sorted((x, y), key=_digits)
    digits = _digits(coarse)
    if digits == 1:
        return abs(x - y) <= Decimal("0.05") * max(x, y)
    step = Decimal(1).scaleb(fine.adjusted() - digits + 1)
    return fine.quantize(step, rounding=ROUND_HALF_UP, context=CTX) == coarse


def _digits(value: Decimal) -> int:
    """Significant digits: 2 for 7,200,000,000, 5 for 176.64."""
    return len(value.normalize(CTX).as_tuple().digits) if value else 1


def _local_and_converted(a: Candidate, b: Candidate) -> tuple[Candidate, Candidate] | None:
    """(local, converted) when one candidate's figure is the other's fine in another currency.

    The local figure is the one in the jurisdiction's currency; without a known jurisdiction, a
    non-dollar figure next to a US or unresolved dollar one ("7.2 billion roubles" and "$98
    million" in the headline). Not when the local figure already states a different conversion
    in that currency: "₦60 billion (about $37.5 million)" does not convert "$32.8 million".
    """
    if a.amount is None or b.amount is None or a.currency == b.currency:
        return None
    if _kind(a) != _kind(b) or not _related(a, b):
        return None
    home = HOME.get(a.jurisdiction or b.jurisdiction or "")
    for local, other in ((a, b), (b, a)):
        stated = local.reported_eur if other.currency == "EUR" else local.reported_usd
        if stated is not None and other.currency in (None, "USD", "EUR") and not _agree(other.amount, stated):
            continue
        if home and local.currency == home:
            return local, other
        if not home and local.currency not in (None, *DOLLARS) and other.currency in (None, "USD"):
            return local, other
    return None


def _absorb(local: Candidate, converted: Candidate) -> Candidate:
    """The local candidate, keeping the other's figure as its stated USD or EUR conversion."""
    merged = _merge(local, converted)
    if converted.currency == "USD" and merged.reported_usd is None:
        merged = replace(merged, reported_usd=converted.amount)
    if converted.currency == "EUR" and merged.reported_eur is None:
        merged = replace(merged, reported_eur=converted.amount)
    return merged


def _clash(a: Candidate, b: Candidate) -> bool:
    """Two figures that would be two fines of one platform, without the text saying there are two.

    One sentence listing amounts in one currency says so ("3.2, 3.3 and 2.4 million rubles"),
    unless it changes a figure; so do "also", "another", "separate".
    """
    if a.amount is None or b.amount is None or _kind(a) != _kind(b) or not _related(a, b):
        return False
    if {"earlier_action", "planned_action", "amount_is_total"}.intersection(a.reasons + b.reasons):
        return False  # an earlier, possible or summed fine is another figure: it casts no doubt on this one
    listed = a.sentence == b.sentence and a.currency == b.currency and not _CHANGED.search(a.sentence)
    return not (listed or _SEPARATE.search(b.sentence))


def _combine(a: Candidate, b: Candidate) -> Candidate:
    """Keep the richer (then the more precise) of two candidates for one action, filling its gaps."""

    def richness(c: Candidate) -> tuple[bool, bool, int, int, float]:
        reported = (c.reported_usd is not None) + (c.reported_eur is not None)
        precision = _digits(c.amount) if c.amount is not None else 0
        return c.amount is not None, c.currency is not None, reported, precision, c.confidence

    best, other = (a, b) if richness(a) >= richness(b) else (b, a)
    return _merge(best, other)


def _merge(best: Candidate, other: Candidate) -> Candidate:
    """The best candidate, with its missing platform, authority and jurisdiction taken from the other."""
    fields = ("platform", "authority", "jurisdiction")
    fills = {f: getattr(other, f) for f in fields if getattr(best, f) is None and getattr(other, f)}
    if best.action_type == "fine" and other.action_type in MONETARY:
        fills["action_type"] = other.action_type  # the more specific kind of fine
    dropped = {"no_jurisdiction"} if "jurisdiction" in fills else set()
    if "beyond_lead" not in other.reasons:  # a later figure that repeats the lead's fine is the lead's
        dropped.add("beyond_lead")
    if _sure_of_platform(other) and "multiple_platforms" in best.reasons and other.platform != best.platform:
        fills["platform"], dropped = (
            other.platform,
            dropped | {"multiple_platforms"},
        )  # the sentence that is sure
    renamed = {"no_platform": "platform_from_context"} if "platform" in fills else {}
    carried = [r for r in other.reasons if r == "conflicting_amounts"]
    reasons = tuple(dict.fromkeys([*(renamed.get(r, r) for r in best.reasons if r not in dropped), *carried]))
    return replace(best, **fills, reasons=reasons, confidence=confidence(reasons))


def _sure_of_platform(c: Candidate) -> bool:
    """Whether a candidate names one platform, without doubt (its sentence names no other)."""
    doubts = {"multiple_platforms", "platform_unclear", "platform_from_context", "no_platform"}
    return c.platform is not None and not doubts.intersection(c.reasons)


def without(c: Candidate, reason: str) -> Candidate:
    """The candidate without one reason, its confidence recomputed."""
    reasons = tuple(r for r in c.reasons if r != reason)
    return replace(c, reasons=reasons, confidence=confidence(reasons))


def with_reasons(c: Candidate, *added: str) -> Candidate:
    """The candidate with more reasons, its confidence recomputed."""
    reasons = tuple(dict.fromkeys((*c.reasons, *added)))
    return replace(c, reasons=reasons, confidence=confidence(reasons))


def finish(c: Candidate) -> Candidate:
    """Item-level checks once merging is done: a fine's currency must be its jurisdiction's."""
    home = HOME.get(c.jurisdiction or "")
    foreign = c.amount is not None and c.currency is not None and home is not None and c.currency != home
    return with_reasons(c, "currency_not_local") if foreign else c
