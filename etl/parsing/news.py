"""Extract candidate enforcement actions (fines, blocks, ...) from news text.

Pure functions: no I/O, no network, no clock (the lookup tables in etl/data/news_tables.toml
are read once, at import). ``parse_money`` reads money amounts (etl/parsing/news_amounts.py reads the
figures, etl/parsing/news_money.py their currencies), ``split_sentences`` splits a summary
(etl/parsing/news_names.py), ``extract_candidates`` turns one news item into candidate rows for review
(action words are read in etl/parsing/news_cues.py, the platform fined is chosen in
etl/parsing/news_platforms.py, what the sentences of an item share is etl/parsing/news_item.py, and
candidates are merged in etl/parsing/news_merge.py). Rules, measured quality and limits:
docs/news_extraction.md.
"""

from __future__ import annotations

import re

from etl.parsing.news_amounts import TextAmounts
from etl.parsing.news_candidate import unread_part
from etl.parsing.news_cues import Cues, action_type, cues
from etl.parsing.news_divisions import division_named
from etl.parsing.news_doubts import (
    CLAUSE_BREAK,
    after_bare_figure,
    appealed,
    looks_back,
    other_authority_doubts,
    redress_doubts,
    reinstated,
    stops_operating,
)
from etl.parsing.news_gate import Gated
from etl.parsing.news_item import Item, bounded
from etl.parsing.news_measured import confirm_measures, measured_list
from etl.parsing.news_mentions import platform_spans
from etl.parsing.news_merge import MONETARY, Candidate, confidence, consolidate, finish, with_reasons
from etl.parsing.news_money import (
    APPROXIMATE,
    HOME,
    QUALIFIER_CLASS,
    MoneyMention,
    Raw,
    mask,
    parse_money,
    scan,
)  # fmt: skip
from etl.parsing.news_names import (
    PLACE_RULES,
    Spans,
    authority_or,
    first_code,
)  # fmt: skip
from etl.parsing.news_parties import settled_party, unknown_party
from etl.parsing.news_parts import NOT_PENALTY_AFTER, cue_elsewhere, part_of_fine, total_of_several
from etl.parsing.news_platforms import (
    by_service,
    choose_platform,
    in_turn,
    list_doubts,
    named_after_amount,
    other_party,
    party_after,
    respectively,
)
from etl.parsing.news_scope import (
    conditional_penalty,
    equated_to_share,
    reverses,
    scope,
    share_of_revenue_doubts,
    turnover_based,
)
from etl.parsing.news_sentences import sentence_spans, split_sentences
from etl.parsing.news_totals import EACH, is_tally, nearby_figures, sums_other_figures, times_imposed

__all__ = ["Candidate", "MoneyMention", "extract_candidates", "parse_money", "split_sentences"]

# "... to pay" that is offered, planned or threatened, not ordered.
_OFFERED = Gated(
    r"(?i)\b(?:offer\w*|plan\w*|intend\w*|propos\w*|consider\w*|seek\w*|sought|threat\w*|could|may|might)\s+"
    r"(?:\w+\s+){0,2}?to\s+pay\b"
)
_EACH_BEFORE = Gated(r"(?i)\beach\s+(?:\w+\s+){0,2}(?:fined|penali[sz]ed|ordered|pay\b)")
# Before an amount in its clause: the fine is possible or expected, not imposed ("could face fines of ...").
# "May" before a day is the month ("said on May 14 it had fined ...").
_POTENTIAL = Gated(
    r"(?i)\b(?:fac(?:e|es|ing)|could|may(?!\s+\d)|might|should|risks?|threat\w*|expect\w*|anticipat\w*)\b"
)
# Before an action verb: the action is threatened or planned, not taken ("threatened to block").
# After the amount: the figure itself is a conversion ("$130 million at the current exchange rate").
_AT_RATE = re.compile(
    r"(?i)\s*,?\s*(?:at|using|by)\s+(?:the\s+)?"
    r"(?:(?:current|today['’]s|present|prevailing|latest)\s+(?:exchange\s+)?rates?|exchange\s+rates?)\b"
)
# Right before an amount: a running total of several fines ("bringing the total to 50 million euros").
_CUMULATIVE = Gated(
    r"(?i)\b(?:bring\w*|brought|tak(?:e|es|ing)|took|push\w*|rais\w*|lift\w*)\s+(?:the|its|their)\s+"
    r"(?:[\w'’]+\s+){0,2}?(?:total|tally|sum|fines|penalties)\s+(?:\w+\s+){0,4}?(?:to|at)\s+(?:the\s+|a\s+)?(?:[\w-]+\s+){0,2}?$"
)
_LISTED_NEXT = re.compile(r"[)\]\s]*(?:,\s*(?:(?:and|or|plus)\s+)?|\s(?:and|or|plus)\s+)")
# A currency only one jurisdiction fines in (not the dollar or the euro, which many use or quote).
_ONLY_HOME = {
    currency: codes[0]
    for currency in set(HOME.values()) - {"USD", "EUR"}
    if len(codes := [code for code, home in HOME.items() if home == currency]) == 1
}
_PENALTY_CLAUSE = re.compile(r"[,;:(—–]")
_NOT_PENALTY = Gated(
    r"(?i)\b(?:revenues?|sales|profits?|earn\w*|income|valu\w*|worth|market\s+cap\w*|shares?|stocks?|"
    r"invest\w*|acquir\w*|bought|buy\w*|spen[dt]\w*|raised|budget|salar\w*|damages|seek\w*|sought|"
    r"lawsuit|claim\w*|bail|cost\w*|pric\w*|fell|rose|dropped|lost|propos\w*|draft|recommend\w*|maxim\w*|"
    r"provisional\w*|initially|originally|estimat\w*\s+(?:that|the|it|its|a))\b"
)


def extract_candidates(title: str, summary: str) -> list[Candidate]:
    """Read candidate enforcement actions from a news item's title and summary.

    A sentence yields a candidate when it has an action verb (fined, blocked, ...) and a
    platform or an imposed amount, or else an authority, a platform and an amount ("other").
    "... each" after an amount gives one candidate per platform named. Converted figures and
    exchange-rate notes are never amounts of their own. The item is read as one action unless
    it clearly reports several (see ``consolidate``); figures that cannot be reconciled send
    the candidates to review.

    Args:
        title: The item's headline (may be empty).
        summary: The item's text or summary.

    An item longer than ``MAX_ITEM_CHARS`` is read up to that bound: every candidate it gives is
    ``item_truncated`` (review: the text left unread could change it), and when it gives none, one
    candidate without a figure shows the start of the unread text.

    Returns:
        Candidates in order of first appearance.
    """
    title, summary, unread = bounded(title, summary)
    found = _item_candidates(title, summary)
    if unread is None:
        return found
    return [with_reasons(c, "item_truncated") for c in found] or [unread_part(unread)]


def _item_candidates(title: str, summary: str) -> list[Candidate]:
    text = f"{title}\n{summary}"
    amounts = TextAmounts(text)  # the money pattern runs once over the item, not once more per sentence
    raws = amounts.raws()
    item = Item(title, text, raws)
    lead = len(title) - len(title.lstrip())
    spans = [(lead, lead + len(item.title))] if item.title else []
    spans += [(start + len(title) + 1, end + len(title) + 1) for start, end in sentence_spans(summary)]
    sentences = [text[start:end] for start, end in spans]
    found = [
        c for (start, end), s in zip(spans, sentences, strict=True)
        for c in _sentence_candidates(s, item, amounts.sentence_raws(start, end), (start, end))
    ]  # fmt: skip
    # A figure the item says is something else ("13 billion euros in back taxes") is that, in the headline too.
    other = {
        r.amount for r in raws if NOT_PENALTY_AFTER.match(text, r.end) or part_of_fine(text, r.start, r.end)
    }
    found = share_of_revenue_doubts(turnover_based(found, sentences), sentences)
    found = other_authority_doubts(scope(found, sentences, item.title), item.title)
    kept = consolidate(found, item.title)
    near = nearby_figures(spans, sentences, raws, titled=bool(item.title))
    kept = [
        with_reasons(c, "amount_is_total") if sums_other_figures(c, near(c.sentence)) else c for c in kept
    ]
    kept = redress_doubts(kept, found, sentences)
    kept = [with_reasons(c, "platform_unclear") if division_named(c, text) else c for c in kept]
    kept = confirm_measures(kept, item.title, text)
    return [finish(with_reasons(c, "amount_not_penalty") if c.amount in other else c) for c in kept]


def _sentence_candidates(sentence: str, item: Item, raws: list[Raw], at: tuple[int, int]) -> list[Candidate]:
    """Candidates of one sentence of an item (``raws``: its money mentions; ``at``: its span of the item's text)."""
    spans = Spans(sentence, platform_spans(sentence)) if sentence != item.title else item.title_spans
    amounts = not all(r.is_rate for r in raws)
    if not spans.found and not amounts:
        return []  # no amount and no platform: a candidate needs one (the checks below cost more)
    signals = cues(sentence)
    if not amounts and action_type(sentence, None, signals) is None:
        return []  # a platform without an amount needs an action word
    authority, jurisdiction = _where(mask(sentence, raws), item, at)
    scanned = scan(sentence, item.currency, raws, home=HOME.get(jurisdiction or ""))
    conversions: dict[int, list[MoneyMention]] = {}
    for mention, role in scanned:
        if role is not None:
            conversions.setdefault(role, []).append(mention)
    primaries = [(i, m) for i, (m, role) in enumerate(scanned) if role is None and _is_penalty(sentence, m)]
    each_before = bool(_EACH_BEFORE.search(sentence))
    paired = respectively(spans, primaries)
    ends = {i: max(x.end for x in [m, *conversions.get(i, [])]) for i, m in primaries}
    serviced, listed = by_service(spans, ends), list_doubts(spans, primaries, ends)
    # several platforms, but each figure's own: "... respectively", "Apple €X and Amazon €Y" (and "each", below)
    turns = in_turn(spans, primaries, ends)
    out = []
    unclear_until = -1  # where the last figure whose party is unclear ends
    for index, mention in primaries or ([(None, None)] if spans.found else []):
        action = action_type(sentence, mention, signals)
        if action is None and not (authority and mention and spans.found):
            continue
        converted = conversions.get(index, []) if index is not None else []
        end = max((m.end for m in [*converted, mention] if m), default=0)
        anchor = mention.start if mention else signals.position
        platform, reasons = choose_platform(spans, anchor, item.title_spans.names, figure=mention is not None)
        if mention is not None and action != "periodic_penalty" and named_after_amount(spans, anchor):
            reasons.append("platform_unclear")
        platform, reasons = other_party(spans, platform, reasons, titled=bool(item.title_spans.names))
        if (platform is None and not item.title_spans.names) or "platform_unclear" in reasons:
            platform, reasons = _unknown(sentence, (anchor, end), item, platform, reasons)
        # A company the tables do not know, however it was read ("company Quillo Kenya", "fined X, formerly Y,"):
        # settled against the whole item (a second name anywhere makes it unclear).
        if platform is not None and "platform_unknown" in reasons:
            platform, reasons = settled_party(platform, reasons, item.text)
        platform = serviced.get(index, platform) if index is not None else platform
        if mention is not None:
            platform, reasons = party_after(spans, end, platform, reasons)
        if paired is not None and index is not None:  # "... respectively": the listed platforms in turn
            platform, reasons = paired.get(index), [r for r in reasons if r != "platform_unclear"]
            reasons += [] if platform else ["platform_unclear"]
        reasons += _doubts(
            sentence, mention, signals, action=action, until=end,
            monetary=mention is not None or action in MONETARY,
        )  # fmt: skip
        reasons += (own := listed.get(index, []) if index is not None else [])  # "and X and Y 1m each"
        each = mention is not None and (EACH.match(sentence, end) or each_before) and not own
        named = spans.names or item.title_spans.names
        if index is not None and (paired or index in turns):
            reasons = [r for r in reasons if r != "multiple_platforms"]
        # "Uganda blocks Facebook, Twitter and WhatsApp": one block of each platform listed
        if mention is None and action in ("block", "throttle") and (listed_measure := measured_list(spans)):
            each, named = True, listed_measure
        if each and named:  # one fine per platform listed: the list is expected
            reasons = [
                r for r in reasons if r not in ("no_platform", "platform_unclear", "multiple_platforms")
            ]
            reasons += [] if spans.found else ["platform_from_context"]  # "Each was fined ...": the title's
        # "TPI must pay Rp4 billion and Rp15 billion": a figure listed right after another has its party
        if (
            mention is not None
            and unclear_until >= 0
            and _LISTED_NEXT.fullmatch(sentence, unclear_until, mention.start)
        ):
            reasons.append("platform_unclear")
        unclear_until = end if mention is not None and "platform_unclear" in reasons else -1
        times = times_imposed(sentence, mention, end) if mention is not None else 1
        if times > 1 and len(named) <= 1:  # one platform fined several times the same figure
            each, named = False, []
        for name in named if each and named else [platform] * times:
            out.append(_build(sentence, mention, converted, (name, jurisdiction, authority, action), reasons))
    return out


def _unknown(
    sentence: str, where: tuple[int, int], item: Item, platform: str | None, reasons: list[str]
) -> tuple[str | None, list[str]]:
    """A company the tables do not know, fined where the sentence puts its party, instead of ``platform``."""
    name, why = unknown_party(sentence, *where, item_text=item.text)
    if name is None or platform_spans(name):
        return platform, reasons  # nothing there, or a platform we know: the choice already made stands
    doubts = ("no_platform", "platform_unclear", "multiple_platforms", "platform_from_context")
    return name, [r for r in reasons if r not in doubts] + why


def _where(masked: str, item: Item, at: tuple[int, int]) -> tuple[str | None, str | None]:
    """The authority and jurisdiction of a sentence (its amounts blanked, at ``at``), else the item's."""
    authority = authority_or(masked, item.authority_at(masked, at), lambda: item.authority)
    place = (authority and item.authority_state(masked, authority)) or first_code(masked, PLACE_RULES)
    return authority, place or item.jurisdiction


def _doubts(
    sentence: str,
    mention: MoneyMention | None,
    signals: Cues,
    *,
    action: str | None,
    until: int,
    monetary: bool,
) -> list[str]:
    """Reasons to doubt a sentence's action that lie in its wording (``until``: end of the conversions)."""
    start, end = (mention.start, mention.end) if mention else (signals.position, signals.position)
    clause = CLAUSE_BREAK.split(sentence[max(0, start - 60) : start])[-1]
    return [reason for reason, doubt in (
        ("planned_action", mention is None and signals.planned),  # "threatened to block"
        ("planned_action", mention is not None and bool(_OFFERED.search(sentence, max(0, start - 60), start))),
        ("planned_action", mention is not None and start >= signals.plan_end),  # "plans to fine"
        # "could face fines of 5 million"; a daily penalty is conditional by nature ("would face €100,000 a day")
        ("planned_action", mention is not None and action != "periodic_penalty" and bool(_POTENTIAL.search(clause))),
        ("amount_is_conversion", mention is not None and bool(_AT_RATE.match(sentence, end))),
        ("action_reversed", reverses(sentence, monetary=monetary)),
        ("amount_is_total", mention is not None and bool(_CUMULATIVE.search(sentence, max(0, start - 80), start))),
        ("amount_is_total", mention is not None and is_tally(sentence, start, max(end, until))),
        ("amount_is_total", mention is not None and total_of_several(sentence, start, max(end, until))),
        # "or face 50,000 reais a day", "10,000 euros for each breach": owed only if the company fails to comply
        ("planned_action", mention is not None and conditional_penalty(sentence, start, max(end, until), action)),
        ("earlier_action", looks_back(sentence, start, max(end, until))),  # "($731 million) in 2013"
        ("earlier_action", mention is not None and appealed(sentence, start)),  # "Apple appeals 1.8 bln euro fine"
        ("earlier_action", mention is not None and reinstated(sentence, start)),  # "court reinstates $2m penalty"
        ("amount_is_conversion", mention is not None and after_bare_figure(sentence, start)),  # "3m lev, about €1.5m"
        ("no_action_verb", mention is not None and action is not None and cue_elsewhere(sentence, start)),
        ("action_type_unclear", stops_operating(sentence, action)),  # "ordered X to halt its operations"
        # "3.4 billion yuan, or 3% of its revenue": a turnover fine to some records, a plain one to others
        ("action_type_unclear", action == "fine" and bool(mention) and equated_to_share(sentence, max(end, until))),
    ) if doubt]  # fmt: skip


def _build(sentence: str, mention: MoneyMention | None, conversions: list[MoneyMention],
           fields: tuple[str | None, str | None, str | None, str | None], reasons: list[str]) -> Candidate:  # fmt: skip
    platform, jurisdiction, authority, action = fields
    amount, currency, qualifier = (
        (mention.amount, mention.currency, QUALIFIER_CLASS.get(mention.qualifier or "", mention.qualifier))
        if mention
        else [None] * 3
    )
    # A named authority fining in a currency only one state uses ("the Personal Information Protection
    # Commission ... 3.6 million won"): that state. Without an authority the figure may be a conversion
    # a local outlet made of a foreign fine ("Google was fined 5.7 trillion won in Europe").
    if jurisdiction is None and authority and currency in _ONLY_HOME:
        jurisdiction, reasons = _ONLY_HOME[currency], [*reasons, "jurisdiction_from_currency"]
    reasons = reasons + [r for r, bad in (
        ("no_action_verb", action is None),
        ("no_amount", mention is None and action in MONETARY),
        ("currency_ambiguous", mention is not None and currency is None),
        ("amount_qualified_approximate", qualifier in APPROXIMATE),
        ("amount_qualified_bound", qualifier is not None and qualifier not in APPROXIMATE),
        ("conversion_currency_ambiguous", any(c.currency is None for c in conversions)),
        ("no_jurisdiction", jurisdiction is None),
    ) if bad]  # fmt: skip
    usd = next((c.amount for c in conversions if c.currency == "USD"), None)
    eur = next((c.amount for c in conversions if c.currency == "EUR"), None)
    core = (platform, jurisdiction, authority, action or "other", amount, currency, qualifier, usd, eur)
    return Candidate(*core, sentence, confidence(reasons), tuple(dict.fromkeys(reasons)))


def _is_penalty(sentence: str, mention: MoneyMention) -> bool:
    """False for amounts that are revenue, prices, claims or proposals rather than penalties."""
    clause = _PENALTY_CLAUSE.split(sentence[max(0, mention.start - 60) : mention.start])[-1]
    after = sentence[mention.end : mention.end + 25]
    if mention.qualifier in ("up to", "as much as") and _POTENTIAL.search(clause):
        return False  # "faces a fine of up to £10m" is a maximum, not a decision
    return not (_NOT_PENALTY.search(clause) or NOT_PENALTY_AFTER.match(after))
