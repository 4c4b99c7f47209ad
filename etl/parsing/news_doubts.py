"""Doubts a news item's wording casts on an action: background told in the past, kinds the text leaves open.

Pure functions over one sentence or the candidates of one item (etl/parsing/news.py calls them).
Each recognises a reading that could be wrong whatever the company, the authority or the figures,
and gives a reason that sends the candidate to review:

- ``earlier_action``: a clause that looks back ("last year", "in 2018", "previously"), a figure the
  fine follows or adds to ("after the 4 million lira it paid"), a sentence opened by "Earlier," /
  "Previously," / "Before that,", or an action told in the past perfect ("... had fined the
  company 2.5 million lira") outside reported speech: the narration steps back to something done
  before the item's news.
- ``earlier_action`` also: a figure the party appeals or has appealed ("Apple appeals 1.8 bln euro
  EU fine"), or will appeal as the fine it names ("Meta to appeal EU's 200 mln euro fine"): the
  item's news is the appeal.
- ``other_authority``: a figure of another body than the one whose measure the headline reports
  ("Istanbul court orders Booking.com blocked" over a competition authority's fine).
- ``action_type_unclear``: an order to stop operating ("ordered X to halt its operations",
  "must suspend its operations"): records call it a block or an order, so the text alone does
  not settle the kind.
- ``amount_may_be_redress``: a payment the item never calls a fine or penalty, in an item that
  says the money goes back to people ("The money will be used to compensate drivers"), goes into
  a fund, or that no fine was imposed: a settlement paid out as refunds or contributions is
  monetary relief as often as a penalty.

Rules: docs/news_extraction.md, "Scope" and "From candidate to fact".
"""

from __future__ import annotations

import re

from etl.parsing.news_amounts import CURRENCY_WORDS, QUAL
from etl.parsing.news_candidate import MONETARY, Candidate, with_reasons
from etl.parsing.news_cues import cues
from etl.parsing.news_gate import Gated
from etl.parsing.news_sentences import semicolon_clause

CLAUSE_BREAK = re.compile(r"[,;:()—–]")
# A clause that looks back ("last year", "in 2018", "previously fined", "was earlier hit") recalls an earlier action.
_EARLIER = Gated(
    r"(?i)\b(?:previous(?:ly)?|last\s+(?:year|month|week)|earlier\s+(?:this|last|in|(?:been\s+)?"
    r"(?:hit|fined|penali[sz]ed|sanctioned|slapped|ordered|handed|imposed|levied|paid)\b)|"
    r"(?:in|since)\s+(?:(?:early|late|mid)[- ])?(?:19|20)\d\d|"
    r"(?:in|since)\s+(?:(?:early|late|mid)[- ])?(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?\s+"
    r"(?:\d{1,2},?\s+)?(?:19|20)\d\d|(?:in|since)\s+(?:(?:early|late|mid)[- ])?(?:January|February|March|April|"
    r"June|July|August|September|October|November|December)(?!\s+\d)|first\s+(?:been\s+)?(?:fined|penali[sz]ed|ordered|sanctioned|blocked)|"
    r"(?:in|under)\s+(?:an?\s+)?(?:earlier|previous|prior)\s+(?:case|ruling|decision|probe)|"
    r"(?:had|has|have)\s+(?:also\s+)?(?:already\s+)?(?:been\s+)?(?:fined|penali[sz]ed)\s+(?:[\w$€£¥₽.,-]+\s+){0,6}?before|"
    r"over\s+the\s+(?:past|last)|in\s+the\s+past|years?\s+ago|(?:years?|months?)\s+earlier|"
    r"(?:largest|biggest|highest|record)\s+since|surpass\w*|eclips\w*|exceed\w*|compared\s+(?:with|to))\b"
)
# Right before an amount: another party's fine it is compared with ("... after Amazon's 746 million euros").
_COMPARED_WITH = Gated(
    r"(?i:\b(?:after|behind|than|like)\s+)(?:the\s+)?[A-Z][\w.-]*(?:\s+[A-Z][\w.-]*)?['’]s\s+(?:[\w-]+\s+){0,2}$"
)
# Right before an amount: another fine the item's follows or adds to ("the second penalty after the 4
# million lira it paid", "following a 12 million euro fine").
_AFTER_ANOTHER = Gated(
    r"(?i)\b(?:after|following|on\s+top\s+of|in\s+addition\s+to)\s+(?:the|a|an|its|their)\s+(?:[\w'’-]+\s+){0,2}?$"
)
# A sentence that opens by stepping back in time ("Earlier, ...", "Before that, ...").
_STEPS_BACK = Gated(
    r"(?i)\A\W*(?:earlier|previously|before\s+that|prior\s+to\s+that|in\s+the\s+past|"
    r"(?:\w+\s+)?(?:years?|months?)\s+(?:earlier|before))\s*,"
)
# A sentence that opens with a time it looks back to ("In early April a Moscow court fined Twitter ...,
# and TikTok was fined ..."): the time governs every clause of the sentence, not only the first.
_OPENS_BACK = Gated(
    r"(?i)\A\W*(?:in\s+(?:(?:early|late|mid)[- ])?(?:(?:19|20)\d\d|(?:January|February|March|April|May|"
    r"June|July|August|September|October|November|December)(?:\s+(?:19|20)\d\d)?)|last\s+(?:year|month))\b"
)
# ... unless the action's own clause gives a time of its own ("..., and on Tuesday it fined Amazon").
_OWN_TIME = Gated(
    r"(?i)\b(?:on\s+(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day|this\s+(?:week|month|year)|today|yesterday|now)\b"
)
# An action in the past perfect: done before the events the item reports ("had fined", "had been ordered").
_PAST_PERFECT = Gated(
    r"(?i)\bhad\s+(?:(?:also|already|previously|earlier|once|twice|separately|first)\s+)?(?:been\s+)?"
    r"(?:fined|penali[sz]ed|sanctioned|imposed|levied|slapped|ordered|blocked|banned|suspended|throttled)\b"
)
# Reported speech shifts the tense back ("the board said it had fined ..."): the past perfect is the news then.
_REPORTED = Gated(
    r"(?i)\b(?:said|says|say|saying|announced|announcing|stated|statement|reported|told|added|confirmed|"
    r"according|noted|disclosed|revealed|explained|declared|publish\w*)\b"
)
# Before an amount in its sentence: the party has appealed the fine, or is appealing it ("Apple appeals
# 1.8 bln euro EU fine", "has filed an appeal ... against a 1.8 billion euro fine"): the item's news is
# the appeal, the fine was imposed before. Not an appeal to come ("will appeal", "plans to appeal"), and
# not a court ("appeals court", "Court of Appeal").
_APPEALED = Gated(
    r"(?i)(?<!\bwill\s)(?<!\bto\s)(?<!\bcan\s)(?<!\bmay\s)(?<!\bmight\s)(?<!\bcould\s)(?<!\bwould\s)"
    r"(?<!\bshall\s)\b(?:appeals|appealed|appealing|challenges|challenged|challenging|contests|contested|contesting)"
    r"\s+(?!courts?\b|tribunals?\b|judges?\b|panels?\b|chambers?\b|bod(?:y|ies)\b)|"
    r"\b(?:filed|lodged|launched|submitted|brought|files|lodges|launches|submits|brings)\s+(?:an?\s+|its\s+|their\s+)?"
    r"(?:appeal|challenge)\b"
)
# An order whose content is to stop operating: a block to some, an order to others.
_STOP_OPERATING = Gated(
    r"(?i)\b(?:halt|suspend|stop|cease|shut|clos|wind|freez|froze)\w*\s+(?:down\s+)?"
    r"(?:(?:of\s+)?(?:its|their|the|all|local|[\w-]+['’]s)\s+){0,2}(?:operat|activit|business|services?\b)"
)
# The money of the item goes back to people: refunds, compensation, redress.
_REDRESS = Gated(
    r"(?i)\b(?:money|payment|funds?|sum|amount|settlement)\b[^.;]{0,80}?\b(?:refund\w*|compensat\w*|reimburs\w*|"
    r"redress|restitution|return\w*\s+to|repa(?:y|id)|distribut\w*\s+(?:\w+\s+){0,2}?to|go(?:es)?\s+(?:back\s+)?to\s+"
    r"(?:the\s+)?(?:affected|harmed|eligible|injured|defrauded|consumers|customers|users|victims))\b|"
    r"\b(?:going|go|goes|paid|returned|refunded|distributed)\s+(?:back\s+)?to\s+(?:the\s+)?"
    r"(?:[\w-]+\s+)?(?:consumers|customers|users|victims|clients|buyers|"
    r"investors|drivers|riders|players|subscribers|members|passengers|patients|workers)\b|"
    r"\b(?:refund\w*|compensat\w*|reimburs\w*|redress|restitution)\s+(?:\w+\s+){0,2}?from\s+the\s+"
    r"(?:settlement|money|payment|funds?)\b"
)

# ... or the money is no fine by the item's own account: paid into a fund, or the case closed without one.
_NO_FINE = Gated(
    r"(?i)\b(?:pay|pays|paid|paying|put|puts|putting|contribut\w*|transfer\w*)\s+(?:[\w$€£¥₽.,-]+\s+){0,5}?"
    r"(?:in(?:to)?|to)\s+(?:a|an|the|its)\s+(?:[\w-]+\s+){0,2}?fund\b|"
    r"\bwithout\s+(?:any\s+|a\s+)?(?:fines?|penalt(?:y|ies))\b|"
    r"\bno\s+(?:fines?|penalt(?:y|ies))\s+(?:(?:was|were|has\s+been|have\s+been)\s+)?(?:imposed|issued|levied)\b"
)


def looks_back(sentence: str, start: int, end: int) -> bool:
    """Whether an amount or verb at ``start:end`` of a sentence is told as an earlier action.

    The clause around it recalls one ("fined ... in 2018", "($731 million) in 2013"), the
    sentence opens by stepping back ("Earlier, ..."), or the clause before it narrates the action
    in the past perfect ("... had fined the company 2.5 million lira") in a sentence that reports
    no one's words (in reported speech the past perfect is the news itself).
    """
    left, right = sentence[max(0, start - 100) : start], sentence[end : end + 100].lstrip(")] ")
    before = CLAUSE_BREAK.split(left)[-1]
    clause = f"{before}{sentence[start:end]} {CLAUSE_BREAK.split(right)[0]}"
    if _EARLIER.search(clause) or _COMPARED_WITH.search(left) or _AFTER_ANOTHER.search(before):
        return True
    if _STEPS_BACK.search(sentence) or (_OPENS_BACK.search(sentence) and not _OWN_TIME.search(clause)):
        return True
    if _REPORTED.search(sentence):
        return False
    return bool(_PAST_PERFECT.search(before)) or _past_perfect_lead(sentence[:start])


# An action verb of the item's news: a figure after it belongs to it, not to an earlier past perfect.
_NEWS_VERB = re.compile(
    r"(?i)\b(?:fine[sd]?|impos\w+|order\w*|pay|pays|paid|slapp\w+|levi\w+|hit|penali[sz]\w+)\b"
)


def _past_perfect_lead(left: str) -> bool:
    """Whether the sentence before a figure told an action in the past perfect that the figure completes.

    "Both had first been fined that year, 2 million and 500,000 roubles respectively": the figures
    follow the past perfect past a comma, with no action verb of their own in between.
    """
    found = list(_PAST_PERFECT.finditer(left))
    return bool(found) and not _NEWS_VERB.search(left, found[-1].end())


def appealed(sentence: str, start: int) -> bool:
    """Whether the figure at ``start`` is one the party appeals or has appealed (the decision came before).

    "Apple appeals 1.8 bln euro EU fine", "Apple has filed an appeal ... against a 1.8 billion euro
    fine": the item reports the appeal, and the fine it names is an earlier decision. So does an
    appeal to come whose object is the fine ("Meta to appeal EU's 200 mln euro fine", "will appeal
    the 200 million euro fine the EU imposed"). "Grab will appeal after the commission ordered it to
    pay Rp 30 billion" reports the decision.
    """
    return bool(_APPEALED.search(sentence, 0, start)) or bool(
        _APPEAL_OF.search(sentence, max(0, start - 60), start) and _FINE_NEXT.match(sentence, start)
    )


# Right before a figure: the appeal's object opens ("appeal the", "to challenge EU's"); right after it, that
# object is a fine ("200 mln euro fine"): the fine appealed, whatever the tense of the appeal.
_APPEAL_OF = Gated(
    r"(?i)\b(?:appeal|appeals|appealed|appealing|challenge|contest)\s+(?:against\s+)?"
    r"(?:the|a|an|its|their|this|that|[A-Z][\w.-]*['’]s)\s+(?:(?:record|hefty|huge|antitrust|EU|original)\s+)?$"
)
_FINE_NEXT = re.compile(r"(?i)\S+(?:\s+[\w$€£¥₽.,-]+){0,4}?[\s-]+(?:fines?|penalt(?:y|ies))\b")


# A court that reinstates or restores a penalty decides on an earlier one: the labels part on whether
# that is a new action ("High Court reinstates $2 million penalty", round 13), so it waits for review.
# "ordered to restore the channel or pay ..." restores something else.
_REINSTATED = Gated(
    r"(?i)\b(?:reinstat|restor)(?:es|ed|ing|e)\s+(?:(?!(?:or|and|to|if|unless|pay)\b)[^\s]+\s+){0,5}?"
    r"(?:fines?|penalt(?:y|ies)|amount|sum)\b"
)
# A court that upholds a penalty, or rejects the party's appeal against it, decides on an earlier one too:
# the labels part on it as on a reinstated one ("Court upholds $3 million penalty", "must pay ... after a
# court rejected its appeal"); wherever it stands in the sentence.
_UPHELD = Gated(
    r"(?i)\b(?:uph[eo]lds?|upholding)\s+(?:(?!(?:or|and|to|if|unless|pay)\b)[^\s]+\s+){0,6}?"
    r"(?:fines?|penalt(?:y|ies)|sanctions?)\b|"
    r"\b(?:rejected|rejects|dismissed|dismisses|threw\s+out|throws\s+out)\s+(?:its|their|the\s+company's|an?)\s+appeal"
)


def reinstated(sentence: str, start: int) -> bool:
    """Whether the figure at ``start`` is a penalty the sentence reinstates or restores (an earlier decision).

    Within the figure's part of the sentence: a semicolon joins two stories ("fines A; court upholds B fine").
    """
    lo, hi = semicolon_clause(sentence, start)
    own = sentence[lo:hi]
    return any(m.start() < start - lo for m in _REINSTATED.finditer(own)) or _UPHELD.search(own) is not None


# Right before a figure: another figure whose currency was not read, then a comma or bracket ("3.75
# million leva, about 1.92 million euro"): the figure read is likely that one's conversion.
_SCALE_WORDS = r"thousand|million|billion|trillion|mln|mn|bln|bn"
_AFTER_BARE_FIGURE = re.compile(
    rf"(?<![\w.,])\d+(?:[.,]\d+)*(?:\s*-?\s*(?:{_SCALE_WORDS}))?"
    rf"\s+(?!(?:{_SCALE_WORDS}|{CURRENCY_WORDS}|each|apiece|in|on|of|for|to|and|or)\b)[a-z]+\s*[,(]\s*(?:or\s+|i\.e\.\s+)?(?:(?i:{QUAL})\s*)?\Z"
)


def after_bare_figure(sentence: str, start: int) -> bool:
    """Whether a figure with a scale but no currency read stands right before the figure at ``start``."""
    return bool(_AFTER_BARE_FIGURE.search(sentence[max(0, start - 60) : start]))


def stops_operating(sentence: str, action: str | None) -> bool:
    """Whether an order is one to stop operating ("orders X to halt operations"), a kind records disagree on."""
    return action == "order" and bool(_STOP_OPERATING.search(sentence))


def redress_doubts(kept: list[Candidate], found: list[Candidate], sentences: list[str]) -> list[Candidate]:
    """Hold a payment the item never calls a fine when the item says its money goes back to people.

    "Amazon agreed to pay $61.7 million to settle ... The money will be used to compensate the
    drivers" may be a penalty or money handed back (``amount_may_be_redress``); so may money paid
    into a fund, or paid in a case the item says closed without a fine ("the case is closed without
    any fines ... will also pay 1.5 billion roubles into a fund"). A figure that a sentence giving
    it calls a fine or penalty stays ("will pay a $5 million penalty").

    Args:
        kept: the item's candidates after merging.
        found: every sentence's candidates before merging (where each figure is told).
        sentences: the item's sentences, headline first.

    Returns:
        ``kept``, the payments that may be redress with the reason added.
    """
    if not any(_REDRESS.search(s) or _NO_FINE.search(s) for s in sentences):
        return kept
    called_fine = {(c.amount, c.currency) for c in found if c.amount is not None and cues(c.sentence).fine}
    return [
        with_reasons(c, "amount_may_be_redress")
        if c.amount is not None and c.action_type != "other" and (c.amount, c.currency) not in called_fine
        else c
        for c in kept
    ]


def other_authority_doubts(found: list[Candidate], title: str) -> list[Candidate]:
    """Hold a fine that another authority imposed, in an item whose headline reports a measure without money.

    "Istanbul court orders Booking.com blocked" over "... Turkey's competition authority fined the
    company 2.5 million lira": the headline names the item's decision, and a figure of a body other
    than the one that took it is another decision, earlier or separate (``other_authority``).
    """
    headline = [c for c in found if c.sentence == title]
    if not headline or any(c.amount is not None or c.action_type in MONETARY for c in headline):
        return found
    named = {c.authority.lower() for c in headline if c.authority}
    if not named:
        return found
    return [
        with_reasons(c, "other_authority")
        if c.sentence != title
        and c.amount is not None
        and c.authority
        and _another(c.authority.lower(), named)
        else c
        for c in found
    ]


def _another(authority: str, named: set[str]) -> bool:
    """Whether an authority is none of the named ones (one name inside the other counts as the same)."""
    return not any(authority in other or other in authority for other in named)
