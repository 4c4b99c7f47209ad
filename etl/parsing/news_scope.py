"""Which figures of a news item report the item's own decision: the lead, plans and the kind of fine.

Pure functions over candidates already read sentence by sentence (etl/parsing/news.py). Rules:
docs/news_extraction.md, "Scope: the item's own decision".
"""

from __future__ import annotations

import re
from collections.abc import Callable

from etl.parsing.news_gate import Gated
from etl.parsing.news_mentions import PARENT, platform_spans
from etl.parsing.news_merge import MONETARY, Candidate, revised, with_reasons
from etl.parsing.news_names import BARE_PLACE, PLACE_RULES, authority_of, first_code
from etl.parsing.platform_files import same_platform

# Before an amount in its sentence: the authority means to fine, it has not fined ("plans to fine
# Google 47.5 billion won and Apple 20.5 billion won", "a proposed fine of", "preliminary penalty").
_PLAN_VERB = (
    r"\b(?:plan(?:s|ned|ning)?|intend(?:s|ed|ing)?|propos(?:e|es|ed|ing)|expect(?:s|ed)?|seek(?:s|ing)?|"
    r"sought|prepar(?:es|ed|ing)|aim(?:s|ed|ing)?|want(?:s|ed)?|mov(?:e|es|ed|ing))\s+to\s+"
    r"(?:fine|penali[sz]e|impose|levy|slap|hand\s+down)\b|"
    # a fine considered, or asked of someone who may impose it: "is considering fining", "asks court to
    # fine", "urged the tribunal to impose", "called on the judge to fine"
    r"\b(?:consider(?:s|ing)?|weigh(?:s|ing)?|mull(?:s|ing)?|contemplat(?:es|ing))\s+"
    r"(?:fining|penali[sz]ing|imposing|levying)\b|"
    r"\b(?:ask(?:s|ed|ing)?|urg(?:e|es|ed|ing)|call(?:s|ed|ing)?\s+on|request(?:s|ed|ing)?|petition(?:s|ed|ing)?)"
    r"\s+(?:[\w-]+\s+){0,4}?to\s+(?:fine|penali[sz]e|impose|levy|hand\s+down)\b"
)
_PLAN_WORD = (
    r"(?:plan(?:s|ned)?|propos(?:es|ed|al\s+for)|intend(?:s|ed)?|consider(?:s|ing)|preliminary|provisional|"
    r"tentative|draft|planned)"
)
_PLAN_NOUN = (
    rf"\b(?:{_PLAN_WORD}|expected|possible|potential)\s+(?:[\w-]+\s+){{0,2}}?(?:fines?|penalt(?:y|ies)|sanctions?)\b|"
    # a figure may come between after a plan word only: "Norway plans 100 mln crown fine on ...", "proposes $5
    # million penalty", "proposes RM86.8m fine" (a scale glued to the figure); not after "expected" ("Meta pays
    # expected 1.2 bln euro fine": the fine was expected)
    rf"\b{_PLAN_WORD}\s+(?:[\w-]+\s+){{0,2}}?[^\s\d]{{0,3}}\d[\d.,]*[^\W\d_]{{0,3}}\s+(?:[\w.-]+\s+){{0,3}}?"
    r"(?:fines?|penalt(?:y|ies)|sanctions?)\b"
)
PLAN_FINE = Gated(f"(?i){_PLAN_VERB}|{_PLAN_NOUN}")
_PLAN_FORMS = (re.compile(f"(?i){_PLAN_VERB}"), re.compile(f"(?i){_PLAN_NOUN}"))
# Where a match of either form can begin: the first word of each form.
_PLAN_START = Gated(
    r"(?i)\b(?:plan|intend|propos|expect|seek|sought|prepar|aim|want|mov|preliminary|provisional|tentative|"
    r"draft|possible|potential|consider|weigh|mull|contemplat|ask|urg|call|request|petition)"
)


def plan_fine_end(sentence: str) -> int:
    """Where the earliest-ending :data:`PLAN_FINE` match of a sentence ends; past its end when none.

    A mention starting at or after it has a plan before it, as ``PLAN_FINE.search(sentence, 0,
    start)`` would find, but the sentence is scanned once instead of once per mention (which
    was quadratic in the mentions of a long sentence). Each form is lazy, so its first match
    at a position is its shortest one there.
    """
    ends = [
        m.end()
        for start in _PLAN_START.finditer(sentence)
        for form in _PLAN_FORMS
        if (m := form.match(sentence, start.start()))
    ]
    return min(ends, default=len(sentence) + 1)


# Anywhere in an item: its fines are not decided yet ("The fines will be finalised after ...").
# A decision "not final and can be challenged" (before a court) is taken, and open to appeal, not a plan.
_NOT_FINAL = Gated(
    r"(?i)\b(?:will|would|is\s+to|are\s+to|yet\s+to|has\s+yet\s+to|have\s+yet\s+to)\s+be\s+"
    r"(?:finali[sz]ed|confirmed|decided|determined|set)\b|\bnot\s+(?:yet\s+)?final(?:i[sz]ed)?\b"
    r"(?!\s*,?\s*(?:and\s+)?(?:it\s+|the\s+\w+\s+)?(?:can|may|could)\s+(?:still\s+)?be\s+(?:challenged|appealed|contested))"
)
# The fine is computed from the company's revenue or turnover, not capped by it ("calculated on its
# revenue", "the sum was set at one tenth of its revenue in Russia"). A figure merely equated with a
# share of revenue ("a sum equal to 4% of its domestic sales") is not this: its kind waits for review
# (equated_to_share, below); one capped by it ("a fine of up to 10% of turnover") is a plain fine; a fine
# set between two shares of revenue ("carries a fine of 1/15 to 1/10 of a company's annual revenue") is
# computed from it.
_SHARE = r"\d+(?:/\d+|(?:[.,]\d+)?\s*(?:%|per\s*cent|percent))"
TURNOVER = Gated(
    r"(?i)\b(?:turnover|revenue|sales)[- ]based|"
    rf"\bfines?\s+of\s+(?:between\s+|from\s+)?(?:{_SHARE}|\d+(?:[.,]\d+)?)\s+(?:to|and)\s+{_SHARE}\s+of\s+"
    r"(?:[\w'’-]+\s+){0,4}?(?:turnover|revenues?|sales)\b|"
    r"\b(?:based|calculated|computed|set)\s+(?:on|from|as)\s+(?:[\w'’%.-]+\s+){0,6}?(?:turnover|revenues?|sales)\b|"
    # earnings only as a whole of which the fine is a share ("a share of its annual earnings"), not gains
    rf"\b(?:based|calculated|computed|set)\s+(?:on|from|as)\s+(?:an?\s+|the\s+)?(?:share|percentage|proportion|"
    rf"fraction|{_SHARE})\s+of\s+(?:[\w'’-]+\s+){{0,3}}?earnings\b|"
    r"\bset\s+at\s+(?:[\w'’%.-]+\s+){0,6}?of\s+(?:[\w'’-]+\s+){0,3}?(?:turnover|revenues?|sales)\b"
)

# Right after a fine's figure (and its conversions): the figure said as a share of the company's revenue
# ("3.442 billion yuan (about $530 million), or 3% of its 2020 revenue", "a sum equal to 4% of its
# domestic sales"). Records call such a fine a turnover fine or a plain one, and the text does not say
# which: the kind waits for review. A cap is not this ("fines of up to 10% of turnover").
_EQUATED_SHARE = Gated(
    r"(?i)\A[)\]\s]*,?\s*(?:which\s+(?:is|was|equals|represents)\s+|(?:a\s+sum\s+|an\s+amount\s+)?"
    r"(?:equal(?:s|ling|ing)?|equivalent|amounting|corresponding)\s+to\s+|or\s+|represent(?:s|ing)\s+|"
    r"i\.e\.\s+)(?:about\s+|around\s+|roughly\s+|some\s+|nearly\s+|almost\s+|just\s+(?:over|under)\s+)?"
    rf"{_SHARE}\s+of\s+(?:[\w'’-]+\s+){{0,5}}?(?:turnover|revenues?|sales|income)\b"
)


def equated_to_share(sentence: str, end: int) -> bool:
    """Whether the figure ending at ``end`` is said as a share of revenue right after it ("or 3% of its revenue")."""
    return bool(_EQUATED_SHARE.search(sentence[end : end + 160]))


# A sentence of its own that says the same of "the fine" ("The fine is equivalent to about 4 per cent of
# Alibaba's 2019 domestic sales").
_FINE_IS_SHARE = Gated(
    r"(?i)\b(?:the|this|that|its)\s+(?:fine|penalty|sum|amount|figure)\s+(?:is\s+|was\s+)?(?:equal(?:s)?\s+to|"
    r"equals|equivalent\s+to|represents|represented|amounts\s+to|amounted\s+to|corresponds\s+to)\s+"
    rf"(?:about\s+|around\s+|roughly\s+|some\s+|nearly\s+|almost\s+|just\s+(?:over|under)\s+)?{_SHARE}\s+of\s+"
    r"(?:[\w'’-]+\s+){0,5}?(?:turnover|revenues?|sales|income)\b"
)


def share_of_revenue_doubts(found: list[Candidate], sentences: list[str]) -> list[Candidate]:
    """Hold the kind of a fine when its sentence, or the next one, says "the fine" is a share of revenue."""
    told = [i for i, s in enumerate(sentences) if _FINE_IS_SHARE.search(s)]
    near = {sentences[j] for i in told for j in (i - 1, i) if j >= 0}
    return [
        with_reasons(c, "action_type_unclear") if c.action_type == "fine" and c.sentence in near else c
        for c in found
    ]


# A penalty that only accrues if the company fails to comply ("or face fines of 50,000 reais a day",
# "failing which it will owe 20,000 euros for each day of delay", "a fine of 10,000 euros for each
# breach"): some records count it as a periodic penalty, others leave it out until it is collected.
_IF_FAILS = Gated(
    r"(?i)\b(?:or\s+(?:face|pay|be\s+fined|risk)|failing\s+which|fails?\s+to\s+comply|if\s+(?:it|they|the\s+\w+)\s+"
    r"(?:fails?|does\s+not|do\s+not|did\s+not)|unless|subject\s+to\s+(?!appeal|review|challenge)|"
    r"under\s+(?:a|the)\s+penalty\s+of|"
    r"(?:would|could|may|might)\s+(?:face|owe|have\s+to\s+pay|be\s+fined)|non-?compliance)\b"
)
_PER_BREACH = Gated(
    r"(?i)\A[)\]\s]*(?:for\s+(?:each|every)|per|a)\s+(?:(?:day|week|month)\s+of\s+(?:the\s+|further\s+)?"
    r"(?:delay|non-?compliance|violation|failure)|(?:further\s+|new\s+|future\s+)?(?:breach|violation|infringement|"
    r"offen[cs]e|failure))\b"
)


# A fine imposed for breaches already found ("fined Google 3 million roubles for each violation").
_FINED_PAST = Gated(r"(?i)\b(?:fined|penali[sz]ed)\b")


def conditional_penalty(sentence: str, start: int, end: int, action: str | None) -> bool:
    """Whether a figure is a penalty the company owes only if it fails to comply, per day or per breach."""
    if _PER_BREACH.search(sentence[end : end + 80]) and not _FINED_PAST.search(
        sentence, max(0, start - 80), start
    ):
        return True
    return action == "periodic_penalty" and bool(_IF_FAILS.search(sentence, max(0, start - 100), start))


# A sentence that goes on with the lead's own decider ("The same court fined messaging app Telegram 9
# million roubles", "The competition authority also fined wholesalers ..."): its figures are more of the
# item's news, not background, wherever it comes (a fine it dates back is earlier_action all the same).
_BODY = r"(?:court|judge|tribunal|regulator|watchdog|authority|agency|commission|office|ministry|body|board)"
_SAME_BODY = re.compile(
    rf"(?i)\W*(?:the|that)\s+(?:same\s+{_BODY}\b|(?P<also>(?:[\w-]+\s+){{0,2}}?{_BODY})\s+(?:later\s+|then\s+)?"
    r"also\s+(?:fined|imposed|penali[sz]ed)\b)"
)


def _goes_on(sentence: str, lead: set[str], states: set[str | None]) -> bool:
    """Whether a sentence goes on with the lead's decider: "The same court ...", or its body "also fined".

    A body that also fined is the lead's only when named as the lead names it or by no place or
    institution of its own ("The competition authority also fined ..."); "The French regulator also
    fined" in a Dutch item, or "The European Commission also fined", is another case (background).
    """
    m = _SAME_BODY.match(sentence)
    if not m or not m["also"]:
        return bool(m)
    code = first_code(m["also"], (*PLACE_RULES, *BARE_PLACE))
    if code is None:
        return True
    named = authority_of(m["also"]) or m["also"]
    return code in states and any(named.lower() in s.lower() for s in lead)


def lead_sentences(sentences: list[str], found: list[Candidate], title: str) -> set[str]:
    """The headline and the summary's sentences up to the first that gives a candidate an amount.

    Wire copy states the item's own decision first; a figure told later is background (an
    earlier fine, another case, a comparison) unless it repeats the decision's figure.
    """
    lead = {title}
    with_amount = {c.sentence for c in found if c.amount is not None}
    for sentence in sentences:
        lead.add(sentence)
        if sentence != title and sentence in with_amount:
            break
    return lead


def scope(found: list[Candidate], sentences: list[str], title: str) -> list[Candidate]:
    """Mark figures that are not the item's own decided fine.

    A figure after the lead is ``beyond_lead`` (it keeps that reason only when it merges with no
    figure of the lead); every fine of an item that says its fines are not final, or whose
    headline plans them, is ``planned_action``.
    """
    lead = lead_sentences(sentences, found, title)
    in_headline_list = _headline_list(found, lead, title)
    tentative = bool(PLAN_FINE.search(title)) or any(_NOT_FINAL.search(s) for s in sentences)
    # The sentence right after the lead may add the decision's penalty for delay ("... or pay a
    # further €60,000 for every day of delay"): a daily penalty there is the lead's, not background.
    after = next((s for s in sentences if s not in lead), None) if len(lead) < len(sentences) + 1 else None
    states = {c.jurisdiction for c in found if c.sentence in lead and c.amount is not None}
    out = []
    for c in found:
        delay = c.action_type == "periodic_penalty" and c.sentence == after
        same = _goes_on(c.sentence, lead, states)  # "The same court fined ...", "The regulator also fined"
        # a later measure too ("... removed or blocked updates")
        if c.sentence not in lead and not delay and not same and not in_headline_list(c):
            c = with_reasons(c, "beyond_lead")
        if tentative and c.action_type in MONETARY:
            c = with_reasons(c, "planned_action")
        out.append(c)
    return out


_FINED = Gated(r"(?i)\bfine[sd]?\b|\bpenali[sz]ed\b")


def _headline_list(found: list[Candidate], lead: set[str], title: str) -> Callable[[Candidate], bool]:
    """Whether a later fine is of one of the platforms a headline lists as fined, and the lead gives it none.

    "Russia fines TikTok over ..., Twitch over ...": the body tells TikTok's fine first and Twitch's in a
    later sentence ("In a separate ruling the same court ordered ... Twitch to pay 4 million roubles").
    """
    listed = [name for *_, name in platform_spans(title)]
    names = {same_platform(name) for name in listed}
    named = {PARENT.get(name, name) for name in listed}
    if len(names) < 2 or not _FINED.search(title):
        return lambda c: False
    # told as the platform itself, not its owner: WhatsApp's fine in the lead tells none of Facebook's
    told = {
        same_platform(c.platform) for c in found if c.sentence in lead and c.amount is not None and c.platform
    }
    return lambda c: (
        c.amount is not None
        and (PARENT.get(c.platform or "", c.platform) in named or same_platform(c.platform or "") in names)
        and same_platform(c.platform or "") not in told
    )


def turnover_based(found: list[Candidate], sentences: list[str]) -> list[Candidate]:
    """Make the item's fines ``turnover_fine`` when a sentence computes "the fine" from revenue.

    A sentence that names whose revenue ("calculated from a share of Google's annual earnings")
    makes only that platform's fines turnover fines, not those of others the item fined too.
    """
    named = [{PARENT.get(n, n) for *_, n in platform_spans(s)} for s in sentences if TURNOVER.search(s)]
    if not named:
        return found
    whose = set().union(*named) if all(named) else None
    return [
        _as_turnover(c) if whose is None or PARENT.get(c.platform or "", c.platform) in whose else c
        for c in found
    ]


def _as_turnover(c: Candidate) -> Candidate:
    return revised(c, action_type="turnover_fine") if c.action_type == "fine" else c


# The action is undone, not taken: "halted his own order to suspend Telegram", "lifted the ban on X".
_REVERSED = Gated(
    r"(?i)\b(?:(?:halt|lift|overturn|revok|revers|annul|quash|scrap|cancel|rescind|suspend|set\s+aside|"
    r"str(?:uck|ike|ikes)\s+down)\w*\s+(?:of\s+)?(?:\S+\s+){0,5}?(?:(?P<money>fines?|penalt\w*)|"
    r"(?P<access>ban|block\w*|suspension|restrictions?)|order|ruling|decision|sanctions?|verdict|judg(?:e)?ment)"
    r"|(?P<unblock>unblock\w*))\b"
)


def reverses(sentence: str, *, monetary: bool) -> bool:
    """Whether the sentence undoes an action of this kind (a fine if ``monetary``, else a measure).

    Lifting a ban undoes no fine of the same sentence ("imposes new fines on X before lifting the
    ban"), cancelling a fine no block; an order or ruling undone may be either.
    """
    undone = _REVERSED.search(sentence)
    if undone is None:
        return False
    if undone["money"]:
        return monetary
    return not monetary if undone["access"] or undone["unblock"] else True
