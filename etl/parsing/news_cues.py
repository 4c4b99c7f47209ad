"""Action words of a news sentence: fined, ordered to pay, blocked, warned, ... and the action type they give.

Pure functions over one sentence (etl/parsing/news.py reads the candidates). Rules: docs/news_extraction.md,
"Candidates".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from etl.parsing.news_gate import Gated
from etl.parsing.news_money import MoneyMention
from etl.parsing.news_scope import TURNOVER, plan_fine_end

_FINE = Gated(r"(?i)\bfin(?:e|es|ed|ing)\b|\bpenalt|\bpenali[sz]|\bmult(?:a|ó)|\bamende|bu(?:ß|ss)geld")
_AVOIDED = Gated(
    r"(?i)\b(?:avoid|avert|escap)\w*\s+(?:\w+\s+){0,2}(?:fines?|penalt\w*)|"
    r"\b(?:could|may|might|would|will)\s+(?:\w+\s+){0,2}?(?:face|incur|risk)\s+(?:\w+\s+){0,3}?(?:fines?|penalt\w*)"
)  # "to avoid penalties", "could face fines": no fine is imposed
_NEGATED = Gated(
    r"(?i)\b(?:never|not|n['’]t|no\s+longer)\s+(?:(?:been|be|being|yet|ever|once|so\s+far)\s+)*"
    r"(?:fin(?:e|ed)|penali[sz]ed?|block(?:ed)?|bann?(?:ed)?|throttled?|slowed|warned)\b"
)
_PAY = Gated(
    r"(?i)\b(?:order|agree|must|will|would|require|force|told|direct|instruct|oblig)\w*\s+(?:\w+\s+){0,3}?(?:to\s+)?pay\b|"
    r"\bto\s+pay\b|\bimpos(?:e|es|ed|ing)\b|\blev(?:y|ied)\b|\bslap"
)
# After the amount, maybe past its conversion: "4.8 million liras ($160,000) for each day".
_PER_DAY = re.compile(
    r"(?i)(?:\s*[(\[][^)\]]{0,40}[)\]])?(?:\s*(?:a|per|each|every|for\s+(?:each|every))\s+(?:day|week)\b|\s*daily\b)"
)
_DAILY = Gated(r"(?i)(?:daily|weekly)\s+(?:fines?|penalt\w*)|periodic\s+penalt\w*|\bper\s+day\b")
# "daily" or "weekly" right before a figure that a fine word follows: "weekly 5 mln euro penalties".
_DAILY_FIGURE = re.compile(r"(?i)\b(?:daily|weekly)\s+\S*$")
_FINE_AFTER = re.compile(r"(?i)\s*(?:[\w.-]+\s+){0,2}?(?:fines?|penalt\w*)\b")
# Right before an amount: money handed back, not a penalty.
_GIVE_BACK = Gated(r"(?i)\b(?:disgorg\w*|hand\w*\s+back|refund\w*|repa(?:y|id|ying|ys)|reimburs\w*)\b")
_NON_MONETARY = tuple(
    (kind, Gated(rx))
    for kind, rx in {
        "throttle": r"(?i)throttl|\bslow(?:s|ed|ing)\b|\bslow\s+down\b|slowdown",
        # a suspension of access, not of a fine, a sale, the business or a registration
        "block": r"(?i)\bblock(?:s|ed|ing)?\b|\bban(?:s|ned|ning)?\b|\bsuspen(?:d|ds|ded|ding|sion)\b"
        r"(?!\s+(?:of\s+)?(?:the\s+|a\s+|an\s+|its\s+|his\s+|her\s+|[\w-]+['’]s\s+)?(?:[\w-]+\s+)?"
        r"(?:activit|operation|business|work|fines?\b|penalt|sentence|ruling|order|decision|payment|proceeding|"
        r"investigation|probe|sales?\b|licen|trading|shares?\b|account|employee|executive|staff|registration|"
        r"permit|accreditation))",
        # "warned that measures could go as far as blocking" is a statement, not a formal warning
        "warning": r"(?i)\bwarn(?:s|ed|ing)?\b(?!\s+that\b)",
        "order": r"(?i)(?<!in )\border(?:s|ed|ing)?\b(?!\s+no\b)",  # "orders no remedies"
    }.items()
)
# A ban on the platform's advertising is no block of the platform ("banned new advertising on X").
_AD_BAN = Gated(
    r"(?i)\b(?:advertising|advert|ad)s?\s+ban(?:s|ned)?\b|\bban(?:s|ned|ning)?\s+(?:on\s+)?(?:new\s+|all\s+)?"
    r"(?:advertising|adverts?|ads)\b"
)
# The modal verbs in lower case only: "ISTANBUL, May 12 - Turkey blocked ..." has a month, not a "may".
_PLANNED = Gated(
    r"(?i)\b(?:(?-i:could|may|might|would|will)|threat\w*|risk\w*|plan\w*|intend\w*|consider\w*|propos\w*|"
    r"seek\w*|vow\w*|want\w*|prepar\w*|fac(?:e|es|ing))\b"
)
_CLAUSE = re.compile(r"[,;:(—–]")


@dataclass(frozen=True)
class Cues:
    """Sentence-level signals for the action type (computed once per sentence)."""

    fine: bool  # fined, penalty, ... (not avoided, not negated)
    daily: bool  # "daily fine", "periodic penalty", "per day"
    pay: re.Match[str] | None  # "ordered to pay", "imposed", "levied", ...
    turnover: bool
    kind: str | None  # the first non-monetary action: throttle, block, warning, order
    position: int  # where the first action word is; 0 when there is none
    planned: bool  # that first action is threatened or planned, not taken
    plan_end: int  # an amount starting here or later has a plan to fine before it (plan_fine_end)


def _blank(rx: Gated, text: str) -> str:
    return rx.sub(lambda m: " " * len(m.group()), text)


def cues(sentence: str) -> Cues:
    """Action words of a sentence; avoided ("to avoid penalties") and negated ("never fined") ones do not count."""
    plain = _blank(_NEGATED, _blank(_AVOIDED, sentence))
    fine, pay = _FINE.search(plain), _PAY.search(plain)
    ad_ban = _AD_BAN.search(plain)
    no_ad_ban = _blank(_AD_BAN, plain) if ad_ban else plain
    hits = sorted(
        [(m.start(), kind) for kind, rx in _NON_MONETARY if (m := rx.search(no_ad_ban))]
        + ([(ad_ban.start(), "other")] if ad_ban else [])
    )
    kinds = [k for _, k in hits if k != "order"] or [k for _, k in hits]  # "ordered ... blocked": block
    position = min([h for h, _ in hits] + ([fine.start()] if fine else []), default=0)
    clause = _CLAUSE.split(sentence[max(0, position - 60) : position])[-1]
    return Cues(
        fine=fine is not None, daily=bool(_DAILY.search(plain)), pay=pay, turnover=bool(TURNOVER.search(plain)),
        kind=kinds[0] if kinds else None, position=position, planned=bool(_PLANNED.search(clause)),
        plan_end=plan_fine_end(sentence),
    )  # fmt: skip


def action_type(sentence: str, mention: MoneyMention | None, cues: Cues) -> str | None:
    """The action a sentence reports about an amount (or about none): a kind of fine, else the first other action."""
    if mention is not None:
        before = sentence[max(0, mention.start - 30) : mention.start]
        daily_figure = _DAILY_FIGURE.search(before) and _FINE_AFTER.match(sentence, mention.end)
        if _PER_DAY.match(sentence, mention.end) or _DAILY.search(before) or daily_figure:
            return "periodic_penalty"
        if _GIVE_BACK.search(before):
            return (
                "other"  # "must disgorge $1.224 billion", "will refund ¥2 billion": money returned, no fine
            )
    elif cues.fine and cues.daily:
        return "periodic_penalty"
    pays = cues.pay is not None and (mention is not None or cues.pay.group().lower().endswith("pay"))
    if cues.fine or pays:  # "ordered to pay" without an amount is still a fine, just an incomplete one
        return "turnover_fine" if cues.turnover else "fine"
    return cues.kind
