"""Extract candidate enforcement actions (fines, blocks, ...) from news text.

Pure functions: no I/O, no network, no clock (the lookup tables in etl/data/news_tables.toml
are read once, at import). ``parse_money`` reads money amounts (etl/news_money.py),
``split_sentences`` splits a summary (etl/news_names.py), ``extract_candidates`` turns one news
item into candidate rows for review (the platform fined is chosen in etl/news_platforms.py, and
candidates are merged in etl/news_merge.py). Rules, measured quality and
limits: docs/news_extraction.md.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass

from etl.news_merge import MONETARY, Candidate, confidence, consolidate, finish, with_reasons
from etl.news_money import (
    APPROXIMATE,
    HOME,
    QUALIFIER_CLASS,
    MoneyMention,
    compiled,
    currency_context,
    mask,
    parse_money,
    raw_mentions,
    scan,
)  # fmt: skip
from etl.news_names import (
    PLACE_RULES,
    Spans,
    authority_code,
    authority_of,
    first_code,
    platform_spans,
    split_sentences,
)  # fmt: skip
from etl.news_platforms import by_service, choose_platform
from etl.news_scope import TURNOVER, plan_fine_end, scope, turnover_based

__all__ = ["Candidate", "MoneyMention", "extract_candidates", "parse_money", "split_sentences"]

_FINE = re.compile(r"(?i)\bfin(?:e|es|ed|ing)\b|\bpenalt|\bpenali[sz]|\bmult(?:a|ó)|\bamende|bu(?:ß|ss)geld")
_AVOIDED = re.compile(
    r"(?i)\b(?:avoid|avert|escap)\w*\s+(?:\w+\s+){0,2}(?:fines?|penalt\w*)|"
    r"\b(?:could|may|might|would|will)\s+(?:\w+\s+){0,2}?(?:face|incur|risk)\s+(?:\w+\s+){0,3}?(?:fines?|penalt\w*)"
)  # "to avoid penalties", "could face fines": no fine is imposed
_NEGATED = re.compile(
    r"(?i)\b(?:never|not|n['’]t|no\s+longer)\s+(?:(?:been|be|being|yet|ever|once|so\s+far)\s+)*"
    r"(?:fin(?:e|ed)|penali[sz]ed?|block(?:ed)?|bann?(?:ed)?|throttled?|slowed|warned)\b"
)
_PAY = re.compile(
    r"(?i)\b(?:order|agree|must|will|require|force|told|direct|instruct|oblig)\w*\s+(?:\w+\s+){0,3}?(?:to\s+)?pay\b|"
    r"\bto\s+pay\b|\bimpos(?:e|es|ed|ing)\b|\blev(?:y|ied)\b|\bslap"
)
# "... to pay" that is offered, planned or threatened, not ordered.
_OFFERED = re.compile(
    r"(?i)\b(?:offer\w*|plan\w*|intend\w*|propos\w*|consider\w*|seek\w*|sought|threat\w*|could|may|might)\s+"
    r"(?:\w+\s+){0,2}?to\s+pay\b"
)
_PER_DAY = re.compile(r"(?i)\s*(?:a|per|each|every|for\s+each)\s+(?:day|week)\b|\s*daily\b")
_DAILY = re.compile(r"(?i)daily\s+(?:fines?|penalt\w*)|periodic\s+penalt\w*|\bper\s+day\b")
_NON_MONETARY = compiled(
    {
        "throttle": r"(?i)throttl|\bslow(?:s|ed|ing)\b|\bslow\s+down\b|slowdown",
        "block": r"(?i)\bblock(?:s|ed|ing)?\b|\bban(?:s|ned|ning)?\b",
        "warning": r"(?i)\bwarn(?:s|ed|ing)?\b",
        "order": r"(?i)(?<!in )\border(?:s|ed|ing)?\b",
    }
)
# A ban on the platform's advertising is no block of the platform ("banned new advertising on X").
_AD_BAN = re.compile(
    r"(?i)\b(?:advertising|advert|ad)s?\s+ban(?:s|ned)?\b|\bban(?:s|ned|ning)?\s+(?:on\s+)?(?:new\s+|all\s+)?"
    r"(?:advertising|adverts?|ads)\b"
)
_EACH = re.compile(r"[)\]\s—–-]*each\b")  # "... 10 million lira ($1.2 million) each"
_EACH_BEFORE = re.compile(r"(?i)\beach\s+(?:\w+\s+){0,2}(?:fined|penali[sz]ed|ordered)")
# Before an amount in its clause: the fine is possible or expected, not imposed ("could face fines of ...").
_POTENTIAL = re.compile(
    r"(?i)\b(?:fac(?:e|es|ing)|could|may|might|risks?|threat\w*|expect\w*|anticipat\w*)\b"
)
# Two amounts that bound one figure: "$150 million to $250 million", "between 1 and 2 billion euros".
_RANGE_GAP = re.compile(r"\s*(?:to|–|—|-)\s*")
_RANGE_BETWEEN = re.compile(r"(?i)\bbetween\s+$")
# Between two amounts: another party than the platform ("and its wholesalers Tech Data ...").
_OTHER_PARTY = re.compile(
    r"\b(?:its|their)\s+\w+|\b(?!(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b)[A-Z][\w&-]+"
)
# Before an action verb: the action is threatened or planned, not taken ("threatened to block").
_PLANNED = re.compile(
    r"(?i)\b(?:could|may|might|would|will|threat\w*|risk\w*|plan\w*|intend\w*|consider\w*|propos\w*|"
    r"seek\w*|vow\w*|want\w*|prepar\w*)\b"
)
# After the amount: the figure itself is a conversion ("$130 million at the current exchange rate").
_AT_RATE = re.compile(
    r"(?i)\s*,?\s*(?:at|using|by)\s+(?:the\s+)?"
    r"(?:(?:current|today['’]s|present|prevailing|latest)\s+(?:exchange\s+)?rates?|exchange\s+rates?)\b"
)
_RESPECTIVELY = re.compile(r"(?i)\brespectively\b")
_CLAUSE_BREAK = re.compile(r"[,;:()—–]")
# A clause that looks back ("last year", "in 2018", "previously fined") recalls an earlier action.
_EARLIER = re.compile(
    r"(?i)\b(?:previous(?:ly)?|last\s+(?:year|month|week)|earlier\s+(?:this|last|in)|(?:in|since)\s+(?:19|20)\d\d|"
    r"(?:in|since)\s+(?:(?:early|late|mid)[- ])?(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?\s+"
    r"(?:\d{1,2},?\s+)?(?:19|20)\d\d|first\s+(?:fined|penali[sz]ed|ordered|sanctioned|blocked)|"
    r"(?:in|under)\s+(?:an?\s+)?(?:earlier|previous|prior)\s+(?:case|ruling|decision|probe)|"
    r"(?:had|has|have)\s+(?:also\s+)?(?:already\s+)?(?:been\s+)?(?:fined|penali[sz]ed)\s+(?:[\w$€£¥₽.,-]+\s+){0,6}?before|"
    r"over\s+the\s+(?:past|last)|in\s+the\s+past|years?\s+ago|"
    r"(?:largest|biggest|highest|record)\s+since|surpass\w*|eclips\w*|exceed\w*|compared\s+(?:with|to))\b"
)
# Right before an amount: another party's fine it is compared with ("... after Amazon's 746 million euros").
_COMPARED_WITH = re.compile(
    r"(?i:\b(?:after|behind|than|like)\s+)(?:the\s+)?[A-Z][\w.-]*(?:\s+[A-Z][\w.-]*)?['’]s\s+(?:[\w-]+\s+){0,2}$"
)
_NOT_PENALTY = re.compile(
    r"(?i)\b(?:revenues?|sales|profits?|earn\w*|income|valu\w*|worth|market\s+cap\w*|shares?|stocks?|"
    r"invest\w*|acquir\w*|bought|buy\w*|spen[dt]\w*|raised|budget|salar\w*|damages|seek\w*|sought|"
    r"lawsuit|claim\w*|bail|cost\w*|pric\w*|fell|rose|dropped|lost|propos\w*|draft|recommend\w*|maxim\w*|"
    r"provisional\w*|initially|originally|estimat\w*\s+(?:that|the|it|its|a))\b"
)
# After the amount: what it is, when not a penalty ("13 billion euros in back taxes", "... in damages").
_NOT_PENALTY_AFTER = re.compile(
    r"(?i)\s*(?:in\s+)?(?:(?:back|unpaid|owed|overdue)\s+)?(?:revenues?|sales|profits?|income|tax(?:es)?|damages|"
    r"compensation|refunds?|restitution|royalt\w*)\b"
)


@dataclass(frozen=True)
class _Item:
    """What the sentences of one news item share."""

    title: str
    title_spans: Spans
    currency: tuple[set[str], set[str]]  # see currency_context
    jurisdiction: str | None  # from the title, else the first place or institution the item names
    authority: (
        str | None
    )  # the title's authority ("Russian court fines TikTok"), else the first the item names


@dataclass(frozen=True)
class _Cues:
    """Sentence-level signals for the action type (computed once per sentence)."""

    fine: bool  # fined, penalty, ... (not avoided, not negated)
    daily: bool  # "daily fine", "periodic penalty", "per day"
    pay: re.Match[str] | None  # "ordered to pay", "imposed", "levied", ...
    turnover: bool
    kind: str | None  # the first non-monetary action: throttle, block, warning, order
    position: int  # where the first action word is; 0 when there is none
    planned: bool  # that first action is threatened or planned, not taken
    plan_end: int  # an amount starting here or later has a plan to fine before it (plan_fine_end)


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

    Returns:
        Candidates in order of first appearance.
    """
    text = f"{title}\n{summary}"
    raws = raw_mentions(text)
    masked = mask(text, raws)  # a currency ("US$", "U.S. dollars") never names the jurisdiction
    item = _Item(
        title.strip(),
        Spans(title.strip(), platform_spans(title.strip())),
        currency_context(text, raws),
        first_code(masked[: len(title)], PLACE_RULES) or first_code(masked, PLACE_RULES),
        next(
            filter(None, map(authority_of, [masked[: len(title)], *split_sentences(masked[len(title) :])])),
            None,
        ),
    )
    sentences = ([title.strip()] if title.strip() else []) + split_sentences(summary)
    found = [c for s in sentences for c in _sentence_candidates(s, item)]
    # A figure the item says is something else ("13 billion euros in back taxes") is that, in the headline too.
    other = {r.amount for r in raws if _NOT_PENALTY_AFTER.match(text, r.end)}
    found = scope(turnover_based(found, sentences), sentences, item.title)
    kept = consolidate(found, item.title)
    return [finish(with_reasons(c, "amount_not_penalty") if c.amount in other else c) for c in kept]


def _sentence_candidates(sentence: str, item: _Item) -> list[Candidate]:
    """Candidates of one sentence of an item."""
    raws = raw_mentions(sentence)
    spans = Spans(sentence, platform_spans(sentence)) if sentence != item.title else item.title_spans
    if not spans.found and all(r.is_rate for r in raws):
        return []  # no amount and no platform: a candidate needs one (the checks below cost more)
    authority, jurisdiction = _where(mask(sentence, raws), item)
    scanned, cues = scan(sentence, item.currency, raws, home=HOME.get(jurisdiction or "")), _cues(sentence)
    conversions: dict[int, list[MoneyMention]] = {}
    for mention, role in scanned:
        if role is not None:
            conversions.setdefault(role, []).append(mention)
    primaries = [(i, m) for i, (m, role) in enumerate(scanned) if role is None and _is_penalty(sentence, m)]
    each_before = bool(_EACH_BEFORE.search(sentence))
    paired = _respectively(sentence, spans, primaries)
    ends = {i: max(x.end for x in [m, *conversions.get(i, [])]) for i, m in primaries}
    serviced, listed = by_service(spans, ends), _list_doubts(sentence, spans, primaries, ends)
    out = []
    for index, mention in primaries or ([(None, None)] if spans.found else []):
        action = _action_type(sentence, mention, cues)
        if action is None and not (authority and mention and spans.found):
            continue
        converted = conversions.get(index, []) if index is not None else []
        end = max((m.end for m in [*converted, mention] if m), default=0)
        platform, reasons = choose_platform(
            spans, mention.start if mention else cues.position, item.title_spans.names
        )
        platform = serviced.get(index, platform) if index is not None else platform
        if paired is not None and index is not None:  # "... respectively": the listed platforms in turn
            platform, reasons = paired.get(index), [r for r in reasons if r != "platform_unclear"]
            reasons += [] if platform else ["platform_unclear"]
        reasons += _doubts(sentence, mention, cues, daily=action == "periodic_penalty", until=end)
        reasons += listed.get(index, []) if index is not None else []
        each = mention is not None and (_EACH.match(sentence, end) or each_before)
        named = spans.names or item.title_spans.names
        if each and named:  # one fine per platform listed: the list is expected
            reasons = [r for r in reasons if r not in ("no_platform", "platform_unclear")]
            reasons += [] if spans.found else ["platform_from_context"]  # "Each was fined ...": the title's
        for name in named if each and named else [platform]:
            out.append(_build(sentence, mention, converted, (name, jurisdiction, authority, action), reasons))
    return out


def _where(masked: str, item: _Item) -> tuple[str | None, str | None]:
    """The authority and jurisdiction of a sentence (its amounts blanked), else the item's."""
    authority = authority_of(masked) or item.authority or authority_of(masked, actor=True)
    place = (authority and authority_code(masked, authority)) or first_code(masked, PLACE_RULES)
    return authority, place or item.jurisdiction


def _list_doubts(
    sentence: str, spans: Spans, primaries: list[tuple[int, MoneyMention]], ends: dict[int, int]
) -> dict[int, list[str]]:
    """Doubts about amounts that follow one another in a sentence.

    The ends of a range ("$150 million to $250 million", "between X and Y") are no fine
    (``amount_is_range``). An amount after another one, with another party named between them
    and no platform ("... and its wholesalers Tech Data and Ingram Micro 139 million euros"), may
    not be the platform's (``platform_unclear``).
    """
    doubts: dict[int, list[str]] = {}
    for (i, a), (j, b) in zip(primaries, primaries[1:], strict=False):
        gap = sentence[ends[i] : b.start]
        between = _RANGE_BETWEEN.search(sentence[max(0, a.start - 12) : a.start])
        if _RANGE_GAP.fullmatch(sentence, a.end, b.start) or (between and gap.strip().lower() == "and"):
            doubts.setdefault(i, []).append("amount_is_range")
            doubts.setdefault(j, []).append("amount_is_range")
        first_after = bisect_left(spans.starts, ends[i])  # spans are in order of position
        platform_between = first_after < len(spans.starts) and spans.starts[first_after] < b.start
        if not platform_between and _OTHER_PARTY.search(gap):
            doubts.setdefault(j, []).append("platform_unclear")
    return doubts


def _respectively(
    sentence: str, spans: Spans, primaries: list[tuple[int, MoneyMention]]
) -> dict[int, str] | None:
    """For "fined Google and Facebook €150m and €60m respectively", the platform of each amount.

    None when the sentence does not say "respectively"; an empty dict when the platforms listed
    before the first amount do not pair up one to one with the amounts.
    """
    if not _RESPECTIVELY.search(sentence) or len(primaries) < 2:
        return None
    names = list(dict.fromkeys(name for start, _, name in spans.found if start < primaries[0][1].start))
    return (
        {i: name for (i, _), name in zip(primaries, names, strict=True)}
        if len(names) == len(primaries)
        else {}
    )


def _doubts(
    sentence: str, mention: MoneyMention | None, cues: _Cues, *, daily: bool, until: int
) -> list[str]:
    """Reasons to doubt a sentence's action that lie in its wording (``until``: end of the conversions)."""
    start, end = (mention.start, mention.end) if mention else (cues.position, cues.position)
    clause = _CLAUSE_BREAK.split(sentence[max(0, start - 60) : start])[-1]
    return [reason for reason, doubt in (
        ("planned_action", mention is None and cues.planned),  # "threatened to block"
        ("planned_action", mention is not None and bool(_OFFERED.search(sentence, max(0, start - 60), start))),
        ("planned_action", mention is not None and start >= cues.plan_end),  # "plans to fine"
        # "could face fines of 5 million"; a daily penalty is conditional by nature ("would face €100,000 a day")
        ("planned_action", mention is not None and not daily and bool(_POTENTIAL.search(clause))),
        ("amount_is_conversion", mention is not None and bool(_AT_RATE.match(sentence, end))),
        ("earlier_action", _looks_back(sentence, start, max(end, until))),  # "($731 million) in 2013"
    ) if doubt]  # fmt: skip


def _build(sentence: str, mention: MoneyMention | None, conversions: list[MoneyMention],
           fields: tuple[str | None, str | None, str | None, str | None], reasons: list[str]) -> Candidate:  # fmt: skip
    platform, jurisdiction, authority, action = fields
    amount, currency, qualifier = (
        (mention.amount, mention.currency, QUALIFIER_CLASS.get(mention.qualifier or "", mention.qualifier))
        if mention
        else [None] * 3
    )
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
    clause = re.split(r"[,;:(—–]", sentence[max(0, mention.start - 60) : mention.start])[-1]
    after = sentence[mention.end : mention.end + 25]
    if mention.qualifier in ("up to", "as much as") and _POTENTIAL.search(clause):
        return False  # "faces a fine of up to £10m" is a maximum, not a decision
    return not (_NOT_PENALTY.search(clause) or _NOT_PENALTY_AFTER.match(after))


def _looks_back(sentence: str, start: int, end: int) -> bool:
    """Whether the clause around an amount or verb recalls an earlier action ("fined ... in 2018")."""
    left, right = sentence[max(0, start - 100) : start], sentence[end : end + 100].lstrip(")] ")
    clause = f"{_CLAUSE_BREAK.split(left)[-1]}{sentence[start:end]} {_CLAUSE_BREAK.split(right)[0]}"
    return bool(_EARLIER.search(clause) or _COMPARED_WITH.search(left))


def _blank(rx: re.Pattern[str], text: str) -> str:
    return rx.sub(lambda m: " " * len(m.group()), text)


def _cues(sentence: str) -> _Cues:
    """Action words of a sentence; avoided ("to avoid penalties") and negated ("never fined") ones do not count."""
    plain = _blank(_NEGATED, _blank(_AVOIDED, sentence))
    fine, pay = _FINE.search(plain), _PAY.search(plain)
    ad_ban = _AD_BAN.search(plain)
    hits = sorted(
        [(m.start(), kind) for kind, rx in _NON_MONETARY if (m := rx.search(_blank(_AD_BAN, plain)))]
        + ([(ad_ban.start(), "other")] if ad_ban else [])
    )
    kinds = [k for _, k in hits if k != "order"] or [k for _, k in hits]  # "ordered ... blocked": block
    position = min([h for h, _ in hits] + ([fine.start()] if fine else []), default=0)
    clause = re.split(r"[,;:(—–]", sentence[max(0, position - 60) : position])[-1]
    return _Cues(
        fine=fine is not None, daily=bool(_DAILY.search(plain)), pay=pay, turnover=bool(TURNOVER.search(plain)),
        kind=kinds[0] if kinds else None, position=position, planned=bool(_PLANNED.search(clause)),
        plan_end=plan_fine_end(sentence),
    )  # fmt: skip


def _action_type(sentence: str, mention: MoneyMention | None, cues: _Cues) -> str | None:
    if mention is not None:
        before = sentence[max(0, mention.start - 30) : mention.start]
        if _PER_DAY.match(sentence, mention.end) or _DAILY.search(before):
            return "periodic_penalty"
    elif cues.fine and cues.daily:
        return "periodic_penalty"
    pays = cues.pay is not None and (mention is not None or cues.pay.group().lower().endswith("pay"))
    if cues.fine or pays:  # "ordered to pay" without an amount is still a fine, just an incomplete one
        return "turnover_fine" if cues.turnover else "fine"
    return cues.kind
