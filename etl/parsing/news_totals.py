"""Figures of one news item that are one amount, and figures that are the total of others.

``agree`` says whether two figures are one amount written with different precision ("7.2 billion"
and "7,221,916,235"); ``mark_totals`` marks a figure that sums others ("€390m" over €210m and €180m);
``is_tally`` reads a tally of fines so far ("has now been hit with fines totalling ...").
Rules: docs/news_extraction.md, "Merging".
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Iterator
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from itertools import combinations

from etl.parsing.news_amounts import Raw
from etl.parsing.news_candidate import MAX_CANDIDATES, Candidate, confidence, revised, with_reasons
from etl.parsing.news_gate import Gated
from etl.parsing.news_money import CTX, MoneyMention

EACH = re.compile(r"[)\]\s—–-]*each\b")  # "... 10 million lira ($1.2 million) each"
_COUNT = r"(two|three|four|five|six|seven|eight|nine|ten|\d{1,2})"
_COUNTED_WORDS = (
    r"fines|penalties|sanctions|counts|charges|cases|protocols|violations|offen[cs]es|breaches|infringements"
)
_COUNTED = rf"(?:{_COUNTED_WORDS})"
# ... and after "on each of": a watchdog's reports too ("2.5 million roubles on each of the two reports"),
# not news reports ("Two reports said ...").
_COUNTED_AFTER = rf"(?:{_COUNTED_WORDS}|reports)"
# One figure imposed several times: "two fines of €206.6 million each", "2.5 million rubles on each of three counts".
_TIMES_BEFORE = re.compile(rf"(?i)\b{_COUNT}\s+(?:separate\s+|[\w-]+\s+)?{_COUNTED}\s+of\s+$")
_TIMES_AFTER = re.compile(
    rf"(?i)[)\]\s]*(?:on|for|in)\s+each\s+of\s+(?:the\s+)?{_COUNT}\s+(?:[\w'’-]+\s+)?{_COUNTED_AFTER}\b"
)
# ... or counted earlier in the clause: "found guilty of two offences and fined 2.5 million roubles for each".
_COUNTED_EARLIER = re.compile(rf"(?i)\b{_COUNT}\s+(?:separate\s+|[\w-]+\s+)?{_COUNTED}\b")
_FOR_EACH = re.compile(r"[)\]\s—–-]*(?:for|on|in)\s+each\b(?!\s+of\b)")
# Right before an amount: a tally of fines so far ("has now been hit with fines totalling 69.7 million
# roubles", "fines so far total ..."), not one decision; a total without it ("fines totalling A$20
# million") is one decision's, as wire copy reports it.
_TALLY_BEFORE = Gated(
    r"(?i)\b(?:now|so\s+far|to\s+date|thus\s+far|in\s+all)\b[^,;:.()]{0,80}?"
    r"\b(?:totall?ing|totall?ed|totals?|(?:a\s+)?total\s+of)\s+(?:[\w-]+\s+){0,2}?$"
)
_TALLY_AFTER = Gated(r"(?i)\A[^,;:.()]{0,40}?\b(?:so\s+far|to\s+date|thus\s+far)\b")
_TOTAL_WORD = Gated(r"(?i)\b(?:totall?ing|totall?ed|totals?|(?:a\s+)?total\s+of)\s+(?:[\w-]+\s+){0,2}?$")
_PLATFORM_DOUBTS = frozenset(
    {"platform_from_context", "platform_unclear", "multiple_platforms", "platform_unknown", "no_platform"}
)
# Around or right before a figure: it is said as a count ("fined twice, 5 million roubles each time"), or
# as more money on top of the same figure ("a $50 million penalty ... an additional $50 million").
_TWICE = re.compile(r"(?i)\btwice\b")
_MORE_BEFORE = re.compile(r"(?i)\b(?:additional|further|another|extra|second|separate)\s+(?:[\w-]+\s+)?$")
MAX_TIMES = 10  # more repeats than this of one figure is a list, not news of fines
_NUMBERS = {w: n for n, w in enumerate("two three four five six seven eight nine ten".split(), start=2)}


def kind(c: Candidate) -> str:
    """The kind of action a candidate reports, a turnover-based fine counted as a fine."""
    return "fine" if c.action_type == "turnover_fine" else c.action_type


def agree(x: Decimal | None, y: Decimal, *, cut: bool = True) -> bool:
    """Whether two figures are one amount, the less precise one a rounding of the other.

    "207.4 billion" and "207,400,000,000" agree, so do "$177 million" and "$176.64 million" and
    "7.2 billion" and "7,221,916,235". A one-digit figure ("$5 billion") agrees within 5%.
    """
    if x is None or x == y:
        return x is not None
    coarse, fine = sorted((x, y), key=digits)
    places = digits(coarse)
    if places == 1:
        return abs(x - y) <= Decimal("0.05") * max(x, y)
    step = Decimal(1).scaleb(fine.adjusted() - places + 1)
    # rounded ("$177 million" for 176.64) or cut short, as headlines do ("$25m" for 25.54)
    return any(
        fine.quantize(step, rounding=way, context=CTX) == coarse
        for way in ((ROUND_HALF_UP, ROUND_DOWN) if cut else (ROUND_HALF_UP,))
    )


def digits(value: Decimal) -> int:
    """Significant digits: 2 for 7,200,000,000, 5 for 176.64."""
    return len(value.normalize(CTX).as_tuple().digits) if value else 1


def mark_totals(found: list[Candidate]) -> list[Candidate]:
    """Mark a figure that is the sum of two to four other figures of the item, of its kind and currency.

    "Fines Meta €390m" over a body with €210m and €180m, "the combined 100 billion won" after
    69.2 and 30.8 billion, "more than 10 million rubles" over 2.5 million "on each of three counts"
    and 3 million: the total is no fine of its own. A figure counts as often as one sentence
    imposes it ("two fines of €206.6 million each"), so a fine quoted again never adds up with
    itself. Parts that break down a lead figure share its standing: they lose ``beyond_lead``
    (and the conflict the total would cast). The search is bounded by ``MAX_CANDIDATES``.
    """
    head = found[:MAX_CANDIDATES]
    out = list(head)
    for i, c in enumerate(head):
        if c.amount is None:
            continue
        parts = _parts(head, c)
        combo = next((combo for combo in _sums(parts) if agree(c.amount, sum(a for a, _ in combo))), None)
        if combo is None:
            if _each_of_total(head, c, parts):
                out[i] = with_reasons(out[i], "amount_is_total")
            continue
        out[i] = with_reasons(out[i], "amount_is_total")
        if "beyond_lead" in c.reasons:
            continue
        # ... and its platform, when the total names it without doubt ("fined Booking.com a total of
        # €413 million ... made up of two fines of €206.6 million each")
        # (a "part" that is the total quoted again, "R$1.9 mln" for 1.92 million, makes no breakdown)
        sure = c.platform is not None and not _PLATFORM_DOUBTS.intersection(c.reasons)
        sure = sure and not any(agree(a, c.amount) for a, _ in combo)
        for _, j in combo:
            shared = ("beyond_lead", "conflicting_amounts")
            if sure and out[j].platform == c.platform:
                shared += ("platform_from_context",)
            reasons = tuple(r for r in out[j].reasons if r not in shared)
            out[j] = revised(out[j], reasons=reasons, confidence=confidence(reasons))
    return out + found[MAX_CANDIDATES:]


# A figure the item calls a total ("fined X a total of €500,000"), and the one that each of its counts
# carries ("Each infringement carries a €250,000 fine"): the total is no fine of its own either.
_TOTAL_OF = re.compile(
    rf"(?i)\b(?:(?:a|the)\s+total\s+of|in\s+total|totall?ing|{_COUNT}\s+(?:['‘’\w-]+\s+){{0,2}}{_COUNTED})\b"
)
_EACH_PART = Gated(r"(?i)\beach\b|\bapiece\b")


def _each_of_total(found: list[Candidate], total: Candidate, parts: list[tuple[Decimal, int]]) -> bool:
    """Whether a figure called a total is a whole multiple of a smaller figure the item gives "each"."""
    if total.amount is None or not _TOTAL_OF.search(total.sentence):
        return False
    return any(
        found[j].sentence != total.sentence
        and total.amount % amount == 0
        and _EACH_PART.search(found[j].sentence)
        for amount, j in parts
    )


def _parts(found: list[Candidate], total: Candidate) -> list[tuple[Decimal, int]]:
    """Smaller figures of the total's kind and currency, as (amount, index).

    Each amount as many times as one sentence imposes it, and no more.
    """
    by_amount: dict[Decimal, dict[str, list[int]]] = {}
    for j, o in enumerate(found):
        smaller = o.amount is not None and total.amount is not None and o.amount < total.amount
        if smaller and o.currency == total.currency and kind(o) == kind(total):
            by_amount.setdefault(o.amount, {}).setdefault(o.sentence, []).append(j)
    return [(amount, j) for amount, sentences in sorted(by_amount.items())
            for j in max(sentences.values(), key=len)]  # fmt: skip


def _sums(parts: list[tuple[Decimal, int]]) -> Iterator[tuple[tuple[Decimal, int], ...]]:
    """Combinations of two to four parts, distinct as multisets of amounts."""
    seen: set[tuple[Decimal, ...]] = set()
    for n in range(2, 5):
        for combo in combinations(parts, n):
            amounts = tuple(a for a, _ in combo)
            if amounts not in seen:
                seen.add(amounts)
                yield combo


def times_imposed(sentence: str, mention: MoneyMention, end: int) -> int:
    """How many times a sentence says a figure was imposed: 2 for "two fines of €206.6 million each", else 1."""
    before = _TIMES_BEFORE.search(sentence, max(0, mention.start - 50), mention.start)
    found = (before if before and EACH.match(sentence, end) else None) or _TIMES_AFTER.match(sentence, end)
    if found is None and _FOR_EACH.match(sentence, end):
        clause = max(sentence.rfind(mark, 0, mention.start) for mark in ",;:") + 1  # its own clause only
        found = _last(_COUNTED_EARLIER.finditer(sentence, max(clause, mention.start - 150), mention.start))
    return 1 if found is None else _times(found)


def _times(found: re.Match[str]) -> int:
    """The count a match's first group says ("two", "3"), at most ``MAX_TIMES``."""
    word = found.group(1).lower()
    return min(_NUMBERS.get(word) or int(word), MAX_TIMES)


def _last(matches: Iterator[re.Match[str]]) -> re.Match[str] | None:
    return next(iter(reversed(list(matches))), None)


def sums_other_figures(c: Candidate, raws: list[tuple[Raw, int, bool]]) -> bool:
    """Whether a candidate's figure is the sum of two or three other figures of the item, whatever they are.

    "Amazon will pay $2.5 billion to settle ... a $1 billion civil penalty ... and $1.5 billion in
    refunds": the settlement is a total, though the refunds are no fine (so no candidate) and the
    candidates alone do not show it. Figures in another currency and exchange-rate notes do not count.
    A figure said again as more money may count twice ("a $50 million penalty ... an additional $50
    million" make a "$100 million settlement"), and one counted may count as often as said ("two
    penalties of A$10 million and one of A$40 million" make A$60 million): the sum makes a doubt,
    never a fact. A figure a later sentence just retells ("Apple was fined 10 million roubles for
    ...") counts once. ``raws`` come with how many times each is counted and whether it is said as
    more money (``nearby_figures``).
    """
    if c.amount is None or c.currency is None:
        return False
    said, counted, again = Counter(), Counter(), set()
    for r, times, more in raws:
        if not r.is_rate and c.currency in r.options and r.amount < c.amount:
            said[r.amount] += 1
            counted[r.amount] = max(counted[r.amount], times)
            if more:
                again.add(r.amount)
    figures = sorted(
        a for a, n in said.items() for _ in range(max(min(n, 2) if a in again else 1, counted[a]))
    )
    return any(
        agree(c.amount, sum(combo), cut=False)
        for n in (2, 3)
        for combo in combinations(figures[:MAX_CANDIDATES], n)
    )


def nearby_figures(
    spans: list[tuple[int, int]], sentences: list[str], raws: list[Raw], *, titled: bool = False
) -> Callable[[str], list[tuple[Raw, int, bool]]]:
    """The money mentions of a sentence and the two after it (where wire copy breaks a figure down).

    A headline's window runs one sentence further (``titled``: the first sentence is the headline),
    as the body's first sentence mostly repeats it. Each mention comes with how many times its
    sentence counts it ("two penalties of A$10 million": 2, "twice": 2) and whether it is said as
    more money ("an additional $50 million"). Bounded so that checking every
    candidate stays linear in the item, however long it is.
    """
    index = {sentence: i for i, sentence in reversed(list(enumerate(sentences)))}
    starts = [r.start for r in raws]
    firsts = [start for start, _ in spans]

    def counted(r: Raw) -> tuple[Raw, int, bool]:
        j = max(0, bisect_left(firsts, r.start + 1) - 1)
        at, end = r.start - firsts[j], r.end - firsts[j]
        if before := _TIMES_BEFORE.search(sentences[j], max(0, at - 50), at):
            times = _times(before)
        else:
            times = 2 if _TWICE.search(sentences[j][max(0, at - 40) : end + 40]) else 1
        more = bool(_MORE_BEFORE.search(sentences[j], max(0, at - 30), at))
        return r, times, more

    def near(sentence: str) -> list[tuple[Raw, int, bool]]:
        i = index.get(sentence, 0)
        lo, hi = spans[i][0], spans[min(i + 2 + (titled and i == 0), len(spans) - 1)][1]
        return [counted(r) for r in raws[bisect_left(starts, lo) : bisect_left(starts, hi)]]

    return near


# Fines of several parties said to come to a figure ("Penalties on leading game developers in the probe
# total about 1 billion won"); not one party's "fines totalling 8.9 million rubles", its fine as reported.
_FINES_TOTAL = Gated(
    r"(?i)\b(?:fines|penalties|sanctions)\s+(?:on|against|for|imposed\s+on)\s+(?:[\w'’-]+\s+){0,4}?"
    r"(?:companies|firms|developers|operators|platforms|publishers|retailers|banks|exchanges|apps|carriers|sellers)\b"
    r"[^,;:.()]{0,60}?\b(?:total(?:l?ed|s)?|amount(?:s|ed)?\s+to|add(?:s|ed)?\s+up\s+to|c[ao]me\s+to)\s+"
    r"(?:[\w-]+\s+){0,2}?$"
)


def is_tally(sentence: str, start: int, end: int) -> bool:
    """Whether the amount at ``start:end`` is a tally of fines.

    Fines so far ("has now been hit with fines totalling"), or those of several parties ("Penalties on
    leading game developers in the probe total about 1 billion won").
    """
    if _TALLY_BEFORE.search(sentence, max(0, start - 120), start) or _FINES_TOTAL.search(
        sentence, max(0, start - 120), start
    ):
        return True
    return bool(
        _TOTAL_WORD.search(sentence, max(0, start - 40), start) and _TALLY_AFTER.search(sentence[end:])
    )
