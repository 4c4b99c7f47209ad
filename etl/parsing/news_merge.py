"""Candidate enforcement actions of one news item: merging repeats of one action, and what stays apart.

Rules: docs/news_extraction.md, "Merging" and "Review".
"""

from __future__ import annotations

from etl.parsing.news_candidate import (  # noqa: F401 - MONETARY and confidence re-exported for the news modules
    MAX_CANDIDATES,
    MONETARY,
    Candidate,
    confidence,
    revised,
    with_reasons,
    without,
)
from etl.parsing.news_gate import Gated
from etl.parsing.news_mentions import PARENT
from etl.parsing.news_money import DOLLARS, HOME
from etl.parsing.news_totals import agree, digits, kind, mark_totals
from etl.parsing.platform_files import same_platform

# A candidate with one of these reports no action of its own: its kind never overrides another's.
_DOUBTFUL = frozenset({"planned_action", "earlier_action", "amount_is_total"})
_PLATFORM_DOUBTS = ("platform_unclear", "multiple_platforms", "fined_party_not_platform", "platform_unknown")
_SEPARATE = Gated(
    r"(?i)\b(?:also|another|second|third|separate(?:ly)?|additional(?:ly)?|further|along\s+with|as\s+well\s+as)\b"
)
# A sentence that changes a figure ("cut the fine to 4.1 billion euros from 4.34 billion") holds
# two figures of one fine, not a list of fines.
_CHANGED = Gated(
    r"(?i)\b(?:(?:cut(?:s|ting)?|reduc\w*|lower\w*|rais\w*|increas\w*|trimm\w*|slash\w*|revis\w*)\s+"
    r"(?:[\w'’]+\s+){0,4}?(?:to|from|by)|instead\s+of|(?:down|up)\s+from)\b"
)


def consolidate(found: list[Candidate], title: str) -> list[Candidate]:
    """Read an item as one action per platform unless it clearly reports several.

    Repeats of one action (headline and body, a rounded or converted figure quoted again) are
    merged; a figure in another currency that converts the local one becomes ``reported_usd`` /
    ``reported_eur``. Figures that stay distinct are separate actions only when one sentence
    lists them in one currency, when they differ in kind (a fine and a daily penalty) or
    platform, or when the text says so ("also", "another", "separate"). Otherwise they get
    ``conflicting_amounts``, except the one whose amount the headline gives. The headline's
    action also loses ``earlier_action`` (set on clauses that look back: "last year", "in 2018"),
    unless the headline itself looks back ("Apple appeals 1.8 bln euro EU fine").
    A figure that is the sum of others is their total (``amount_is_total``), not another fine.
    """
    kept: list[Candidate] = []
    headline: set[int] = set()  # indices of the kept candidates whose amount the title gives
    for cand in mark_totals(found):
        if len(kept) >= MAX_CANDIDATES:
            kept.append(with_reasons(cand, "too_many_candidates"))
            continue
        index = _place(kept, cand, headline)
        # a headline that itself looks back ("Apple appeals ... fine") does not make its figure the news
        if cand.sentence == title and cand.amount is not None and "earlier_action" not in cand.reasons:
            headline.add(index)
    kept = [without(c, "earlier_action") if i in headline else c for i, c in enumerate(kept)]
    return _shared_authority(kept)


def _shared_authority(kept: list[Candidate]) -> list[Candidate]:
    """Give a candidate without an authority the one authority its like figures have (same state, figure, kind).

    "Turkey fines Facebook, Twitter, YouTube, TikTok ... each" over "Turkey on Wednesday fined Facebook,
    Instagram, Twitter, Periscope, YouTube and TikTok ... each": the four the headline names take its
    authority when merged; Instagram and Periscope, fined the same figure in the same state, share it.
    """

    def key(c: Candidate) -> tuple:
        return (c.jurisdiction, c.amount, c.currency, c.action_type)

    named: dict[tuple, set[str]] = {}
    for c in kept:
        if c.authority and c.amount is not None:
            named.setdefault(key(c), set()).add(c.authority)
    return [
        revised(c, authority=next(iter(found)))
        if c.authority is None and len(found := named.get(key(c), set())) == 1
        else c
        for c in kept
    ]


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
    # One figure for two unrelated platforms in different sentences: which one was fined is unclear.
    rivals = [
        i
        for i, k in enumerate(kept)
        if _same_figure_other_platform(k, cand)
        and not any(j != i and o.sentence == k.sentence and o.amount == k.amount for j, o in enumerate(kept))
    ]  # fmt: skip  (one figure "each" for a list of platforms is no rivalry)
    if rivals:
        for i in rivals:
            kept[i] = with_reasons(kept[i], "platform_unclear")
        cand = with_reasons(cand, "platform_unclear")
    clashes = [i for i, k in enumerate(kept) if _clash(k, cand)]
    for i in clashes:
        kept[i] = kept[i] if i in headline else with_reasons(kept[i], "conflicting_amounts")
    kept.append(with_reasons(cand, "conflicting_amounts") if clashes else cand)
    return len(kept) - 1


def _same_figure_other_platform(a: Candidate, b: Candidate) -> bool:
    """One figure in two sentences, given to two platforms of different families."""
    if a.sentence == b.sentence or a.amount is None or b.amount is None or _related(a, b):
        return False
    return a.currency == b.currency and agree(a.amount, b.amount)


def _family(c: Candidate) -> str | None:
    return PARENT.get(c.platform or "", c.platform)


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
        kinds = {kind(a), kind(b)}
        # an order that a fine enforces, or an order to block: one action
        same_kind = len(kinds) == 1 or kinds <= MONETARY or "order" in kinds and len(kinds - MONETARY) <= 2
        return same_kind and bool(a.platform and b.platform)
    return _quotes(a, b) or _quotes(b, a)


def _quotes(x: Candidate, y: Candidate) -> bool:
    """Whether x's figure is y's amount or one of y's stated conversions, written again."""
    figures = ((y.amount, y.currency), (y.reported_usd, "USD"), (y.reported_eur, "EUR"))
    return any(
        value is not None and x.currency in (None, code) and agree(x.amount, value) for value, code in figures
    )


def _local_and_converted(a: Candidate, b: Candidate) -> tuple[Candidate, Candidate] | None:
    """(local, converted) when one candidate's figure is the other's fine in another currency.

    The local figure is the one in the jurisdiction's currency; without a known jurisdiction, a
    non-dollar figure next to a US or unresolved dollar one ("7.2 billion roubles" and "$98
    million" in the headline). Not when the local figure already states a different conversion
    in that currency: "₦60 billion (about $37.5 million)" does not convert "$32.8 million".
    """
    if a.amount is None or b.amount is None or a.currency == b.currency:
        return None
    if kind(a) != kind(b) or not _related(a, b):
        return None
    home = HOME.get(a.jurisdiction or b.jurisdiction or "")
    for local, other in ((a, b), (b, a)):
        stated = local.reported_eur if other.currency == "EUR" else local.reported_usd
        if stated is not None and other.currency in (None, "USD", "EUR") and not agree(other.amount, stated):
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
        merged = revised(merged, reported_usd=converted.amount)
    if converted.currency == "EUR" and merged.reported_eur is None:
        merged = revised(merged, reported_eur=converted.amount)
    return merged


def _clash(a: Candidate, b: Candidate) -> bool:
    """Two figures that would be two fines of one platform, without the text saying there are two.

    One sentence listing amounts in one currency says so ("3.2, 3.3 and 2.4 million rubles"),
    unless it changes a figure; so do "also", "another", "separate", "along with".
    """
    if a.amount is None or b.amount is None or kind(a) != kind(b) or not _related(a, b):
        return False
    if a.platform and b.platform and same_platform(a.platform) != same_platform(b.platform):
        return False  # two platforms of one owner, each named ("WhatsApp ... 4 million", "Facebook ... 15 million")
    if {"earlier_action", "planned_action", "amount_is_total"}.intersection(a.reasons + b.reasons):
        return False  # an earlier, possible or summed fine is another figure: it casts no doubt on this one
    listed = a.sentence == b.sentence and a.currency == b.currency and not _CHANGED.search(a.sentence)
    return not (listed or _SEPARATE.search(b.sentence))


def _combine(a: Candidate, b: Candidate) -> Candidate:
    """Keep the richer (then the more precise) of two candidates for one action, filling its gaps."""

    def richness(c: Candidate) -> tuple[bool, bool, bool, int, int, float]:
        reported = (c.reported_usd is not None) + (c.reported_eur is not None)
        precision = digits(c.amount) if c.amount is not None else 0
        exact = c.qualifier is None  # "more than 100 million euros" yields to "102,084,433.91 euros"
        return c.amount is not None, c.currency is not None, exact, precision, reported, c.confidence

    best, other = (a, b) if richness(a) >= richness(b) else (b, a)
    return _merge(best, other)


def _merge(best: Candidate, other: Candidate) -> Candidate:
    """The best candidate, with its missing platform, authority and jurisdiction taken from the other."""
    fields = ("platform", "authority", "jurisdiction")
    fills = {f: getattr(other, f) for f in fields if getattr(best, f) is None and getattr(other, f)}
    if best.amount is not None and other.amount is not None and best.currency == other.currency:
        # one fine quoted twice: a conversion stated with either figure is the fine's
        fills |= {f: getattr(other, f) for f in ("reported_usd", "reported_eur")
                  if getattr(best, f) is None and getattr(other, f) is not None}  # fmt: skip
    if best.action_type == "order" and other.action_type not in MONETARY | {"order", "other"}:
        fills["action_type"] = other.action_type  # "ordered operators to suspend" + "blocked": a block
    if (
        best.action_type == "fine"
        and other.action_type in MONETARY
        and not _DOUBTFUL.intersection(other.reasons)
        # "daily fines" without a figure do not make a stated figure daily ("fined €500m ... or risk daily fines")
        and not (other.action_type == "periodic_penalty" and other.amount is None and best.amount is not None)
    ):
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
    carried = [
        r for r in other.reasons if r in ("conflicting_amounts", "action_reversed", "action_type_unclear")
    ]
    if "amount_is_total" in other.reasons and best.amount is not None and best.amount == other.amount:
        carried.append("amount_is_total")  # one figure the body breaks down is a total wherever it is quoted
    if "platform" in fills:  # the platform comes with the doubts its own sentence had about it
        carried += [r for r in other.reasons if r in _PLATFORM_DOUBTS]
    reasons = tuple(dict.fromkeys([*(renamed.get(r, r) for r in best.reasons if r not in dropped), *carried]))
    return revised(best, **fills, reasons=reasons, confidence=confidence(reasons))


def _sure_of_platform(c: Candidate) -> bool:
    """Whether a candidate names one platform, without doubt (its sentence names no other)."""
    doubts = {"multiple_platforms", "platform_unclear", "platform_from_context", "no_platform"}
    return c.platform is not None and not doubts.intersection(c.reasons)


def finish(c: Candidate) -> Candidate:
    """Item-level checks once merging is done: a fine's currency must be its jurisdiction's."""
    home = HOME.get(c.jurisdiction or "")
    foreign = c.amount is not None and c.currency is not None and home is not None and c.currency != home
    return with_reasons(c, "currency_not_local") if foreign else c
