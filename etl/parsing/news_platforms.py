"""Which platform a fine is on, when a sentence names several.

Rules: docs/news_extraction.md, "Platform: who was fined".
"""

from __future__ import annotations

import re
from bisect import bisect_left

from etl.parsing.news_changes import former_figure
from etl.parsing.news_gate import Gated
from etl.parsing.news_mentions import PARENT
from etl.parsing.news_money import MoneyMention
from etl.parsing.news_names import BARE_PLACE, Spans
from etl.parsing.news_parties import is_currency_code, without_code
from etl.parsing.platform_files import same_platform

# "X's legal representative", "Telegram founder ...": the party fined is a person, not the platform.
_STAFF = (
    r"representatives?|executives?|directors?|managers?|employees?|staff|officials?"  # people of a company
)
_NOT_THE_PLATFORM = re.compile(
    rf"(?i)(?:['’´]s)?\s+(?:\w+\s+){{0,2}}?(?:{_STAFF}|chief|head|founder|co-?founder|ceo|lawyers?|boss)\b|"
    r"\s+(?:users?|influencers?|bloggers?|streamers?|creators?)\b(?!['’])"  # "fines TikTok user RM10,000"
)
# A platform listed with or compared to another ("Amazon and Apple", "like Google") is not clearly the one fined.
_COORDINATED = re.compile(r"(?i)\s*(?:,|and|&|or|/)\s*(?:and\s+)?")
_COMPARED = Gated(r"(?i)\b(?:like|unlike|as\s+did|along\s+with|together\s+with|as\s+well\s+as|besides)\s+$")
_SUBJECT = re.compile(
    r"(?i)\b(?:over|between|about|regarding|concerning|involving)\s+(?:(?:its|the|their|[\w-]+['’]s)\s+)?$"
)
_SERVICE = re.compile(r"(?i)\s*(?:over|for|on|regarding|concerning)\s+(?:its\s+)?")
# After an amount: where its clause ends, and "on"/"against" right before a name (the party it is imposed on).
_CLAUSE_END = re.compile(r"[,;:—–]|\.\s")
_ON_NAME = re.compile(r"(?i)\b(?:on|upon|against)\s+(?:the\s+)?(?:[\w'’-]+\s+){0,3}?$")
# Right after a platform: something of its own with a name of its own ("Apple's FaceTime", "Amazon's Alexa").
_POSSESSED = re.compile(r"['’]s\s+([A-Z][\w.-]*)")
_NOT_A_PRODUCT = re.compile(r"(?:European|Western|Global|International|Chief|CEO|Head|Founder|Co-founder)$")
_PRONOUN = Gated(r"(?i)\b(?:it|its|the\s+(?:company|firm|group|platform|app|service|network|site))\b")

# Two amounts that bound one figure: "$150 million to $250 million", "between 1 and 2 billion euros".
_RANGE_GAP = re.compile(r"\s*(?:to|–|—|-)\s*")
_RANGE_BETWEEN = re.compile(r"(?i)\bbetween\s+$")
# Between two amounts: another party than the platform ("and its wholesalers Tech Data ...").
_OTHER_PARTY = re.compile(
    r"\b(?:its|their)\s+(?:[A-Z][\w&-]+|unit|subsidiar\w+|parent|owner|affiliates?|division|arm|partners?|"
    r"founders?|executives?|managers?|directors?|officers?|CEO|chief|boss|head|wholesalers?|distributors?|"
    r"resellers?|sellers?|suppliers?|operators?)\b|\b(?:rivals?|competitors?)\b|\b(?!(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b)[A-Z][\w&-]+"
)
# A quoted phrase names a charge or a law, not a party ("on each of three counts of 'LGBT propaganda'").
_QUOTED = re.compile(r"['‘\"“][^'‘’\"“”]{1,60}['’\"”]")
# From the amount to the platform: "3 million roubles on Google", "a fine of 3 million roubles against Google".
_IMPOSED_ON_SPAN = re.compile(r"(?is).{0,100}?\b(?:on|upon|against)\s+(?:the\s+)?(?:[\w'’.-]+\s+){0,3}?")
_RESPECTIVELY = Gated(r"(?i)\brespectively\b")


# A company the tables do not know, introduced by what it is: "ride-hailing company Didi",
# "hotel comparison site Trivago". Only read when the item names no known platform.
_DESCRIBED = Gated(
    r"\b(?:company|site|website|platform|app|service|giant|firm|marketplace|retailer|startup|network|"
    r"aggregator|provider|operator|store|reseller)\s+(?P<name>[A-Z][\w.&'’-]*[\w&](?:\s+[A-Z][\w.&-]*[\w&])?)"
    r"(?![\w$£€¥₩₹₽])(?!\s+(?:Act|Law|Code|Court|Commission|Authority|Ministry|Agency|Office))"
)
# After an amount: whom it is imposed on ("imposed ₹168.88 crore on OYO"), or a unit of the company
# that is another party ("$5.8 million over its Ring unit's handling").
_IMPOSED_ON = re.compile(r"(?i)\s*(?:on|upon|against)\s+(?:the\s+)?(?:[\w'’-]+\s+){0,4}?$")
_IMPOSING = Gated(r"(?i)\b(?:impos|lev(?:y|ie)|slap|hand)\w*")
_ITS_UNIT = re.compile(
    r"(?i)\s*(?:over|for|on|by|from|at)\s+its\s+[A-Z][\w&-]*\s+(?:\w+\s+)?(?:unit|subsidiary|division|arm)\b"
)


# A sentence about another party than the platform, which it does not name: "Carriers that fail to
# comply face a fine of 500,000 reais per day", "Its local manager was fined ...".
_THIRD_PARTY = Gated(
    r"(?i)^\W*(?:the\s+|its\s+|their\s+|any\s+)?(?:[\w-]+\s+){0,2}?(?:anyone|anybody|whoever|those|people|"
    rf"carriers?|operators?|telecoms?|providers?|ISPs?|{_STAFF}|banks?|individuals?|users?|journalists?|bloggers?|"
    r"officers?|resellers?|sellers?|merchants?|advertisers?|partners?)\b"
)


def choose_platform(
    spans: Spans, anchor: int, title_names: list[str], *, figure: bool = False
) -> tuple[str | None, list[str]]:
    """The platform fined: nearest before the amount (or the verb), else the title's only platform.

    With ``figure`` (``anchor`` is an amount's start) and the platform chosen before it, only the
    platforms named before the amount make ``multiple_platforms``: one named after the figure is what
    the fine is about ("fined Facebook 110 million euros ... during its review of WhatsApp"), and the
    one the figure is imposed on ("... on OYO") is read by ``party_after``.

    Returns:
        The platform's name (or None) and the reasons to doubt it.
    """
    if not spans.found:
        if len(title_names) != 1:
            return None, ["no_platform"]  # none, or several to choose from
        return title_names[0], ["platform_from_context"]
    before = bisect_left(spans.starts, anchor)
    k = before - 1 if before else 0
    # "fined Google ... on google.fr and YouTube, and said it would face ...": "it" is Google.
    if before > 1 and _PRONOUN.search(spans.text, max(spans.found[k][1], anchor - 200), anchor):
        k = 0
    while k > 0 and (head := _subject_of(spans, k)) is not None:
        k = head - 1  # "fined Meta over data sharing between WhatsApp and Facebook": Meta
    end, name = spans.found[k][1:]
    # Two names of one platform ("Meta ... Facebook users' data") are one platform downstream.
    named = spans.names
    if figure and spans.found[k][0] < anchor:
        named = list(dict.fromkeys(name for start, _, name in spans.found if start < anchor))
    several = len(named) > 1 and len({same_platform(n) for n in named}) > 1
    reasons = ["multiple_platforms"] if several else []
    reasons += ["platform_unclear"] * (_unclear(spans, k) or _owns_named(spans, k))
    return name, reasons + ["fined_party_not_platform"] * bool(_NOT_THE_PLATFORM.match(spans.text, end))


def _owns_named(spans: Spans, k: int) -> bool:
    """Whether the k-th platform is named as the owner of a product or unit the tables do not know.

    "Roskomnadzor has blocked Apple's FaceTime": the service is what the action is on, and whether a
    record names the service or its owner is a choice. A place ("Google's Russian unit") is no product.
    """
    owned = _POSSESSED.match(spans.text, spans.found[k][1])
    if owned is None or (k + 1 < len(spans.found) and spans.found[k + 1][0] == owned.start(1)):
        return False  # "Google's YouTube": a platform the tables know, chosen in its own right
    word = owned.group(1).rstrip(".")
    return not (_NOT_A_PRODUCT.match(word) or BARE_PLACE[0].fullmatch(word))


def named_after_amount(spans: Spans, anchor: int) -> bool:
    """Whether a sentence names its platforms only after the amount at ``anchor``, not as the party fined.

    "viagogo must pay $7 million after the court found it misled consumers ... in Google ads",
    "fined Qualcomm 997 million euros for paying Apple"; but "3 million roubles on Google" is Google's.
    """
    if not spans.found or spans.starts[0] < anchor:
        return False
    return not _IMPOSED_ON_SPAN.fullmatch(spans.text, anchor, spans.starts[0])


def _subject_of(spans: Spans, k: int) -> int | None:
    """The first platform of the list holding the k-th, when the list is what a fine is about, else None.

    "over WhatsApp and Facebook", "about YouTube": a subject, not the party fined.
    """
    head = k
    while head > 0 and _COORDINATED.fullmatch(spans.text, spans.found[head - 1][1], spans.found[head][0]):
        head -= 1
    start = spans.found[head][0]
    return head if _SUBJECT.search(spans.text[max(0, start - 40) : start]) else None


def by_service(spans: Spans, ends: dict[int, int]) -> dict[int, str]:
    """For "fined Meta €210m over Facebook and €180m over Instagram", the service of each amount.

    Only when at least two amounts are each followed by a service ("over", "for", "on") of one
    family: one amount "over YouTube" may name the subject, not the party fined.
    """
    found = {}
    for index, end in ends.items():
        service = _SERVICE.match(spans.text, end)
        j = bisect_left(spans.starts, service.end()) if service else len(spans.found)
        if j < len(spans.found) and spans.starts[j] == service.end():
            found[index] = spans.found[j][2]
    return found if len(found) >= 2 and len({_family(n) for n in found.values()}) == 1 else {}


def _family(name: str) -> str:
    return PARENT.get(name, name)


def _unclear(spans: Spans, k: int) -> bool:
    """Whether the k-th platform is listed with, or compared to, a platform of another family."""
    start, end, name = spans.found[k]
    if _COMPARED.search(spans.text, max(0, start - 20), start):
        return True
    family = PARENT.get(name, name)
    for i, gap in ((k - 1, (None, start)), (k + 1, (end, None))):
        if 0 <= i < len(spans.found) and PARENT.get(spans.found[i][2], spans.found[i][2]) != family:
            lo, hi = gap[0] if gap[0] is not None else spans.found[i][1], gap[1] or spans.found[i][0]
            if _COORDINATED.fullmatch(spans.text, lo, hi):
                return True
    return False


def list_doubts(
    spans: Spans, primaries: list[tuple[int, MoneyMention]], ends: dict[int, int]
) -> dict[int, list[str]]:
    """Doubts about amounts that follow one another in a sentence.

    The ends of a range ("$150 million to $250 million", "between X and Y") are no fine
    (``amount_is_range``). An amount after another one, with another party named between them
    and no platform ("... and its wholesalers Tech Data and Ingram Micro 139 million euros"), may
    not be the platform's (``platform_unclear``).
    """
    sentence = spans.text
    doubts: dict[int, list[str]] = {}
    for (i, a), (j, b) in zip(primaries, primaries[1:], strict=False):
        gap = sentence[ends[i] : b.start]
        between = _RANGE_BETWEEN.search(sentence[max(0, a.start - 12) : a.start])
        if (former := former_figure(sentence, (a.start, ends[i]), b.start)) is not None:
            doubts.setdefault((i, j)[former], []).append("earlier_action")  # "from A to B", "to B from A"
        elif _RANGE_GAP.fullmatch(sentence, a.end, b.start) or (between and gap.strip().lower() == "and"):
            doubts.setdefault(i, []).append("amount_is_range")
            doubts.setdefault(j, []).append("amount_is_range")
        first_after = bisect_left(spans.starts, ends[i])  # spans are in order of position
        platform_between = first_after < len(spans.starts) and spans.starts[first_after] < b.start
        if not platform_between and _OTHER_PARTY.search(_QUOTED.sub(" ", gap)):
            doubts.setdefault(j, []).append("platform_unclear")
    return doubts


# After the last figure of a sentence: what the fines are for ("over a 2018 deal ...", "for agreeing to ...").
_CAUSE = re.compile(r"(?i)\b(?:over|for|after|because|following|about|regarding|concerning)\b")


def in_turn(spans: Spans, primaries: list[tuple[int, MoneyMention]], ends: dict[int, int]) -> set[int]:
    """The amounts that each follow a platform of their own ("fined Apple €5m and Amazon €3m"), else none.

    Each of the first two or more amounts has exactly one platform family named between the amount
    before it (its conversions included; the sentence's start for the first) and itself, and none is
    named after the last: the sentence names several platforms, but which figure is whose is not in
    doubt. Amounts after those with no platform of their own ("..., more than 200 million euros in
    all") may follow; they are not returned (a total or a sum keeps its own doubts). A platform named
    after the last amount only in what the fines are for ("... over a deal that kept resellers of
    Apple off Amazon.it") leaves the pairs as they are; one named otherwise after it undoes them.
    """
    paired: set[int] = set()
    lo, last = 0, None
    for i, mention in primaries:
        found = [(start, _family(name)) for start, _, name in spans.found if lo <= start < mention.start]
        # the platform just fined, named again in what it is fined for ("over ads on YouTube and fined Twitch")
        again = {f for start, f in found if f == last and _CAUSE.search(spans.text, lo, start)}
        families = ({f for _, f in found} - again) or again
        if len(families) == 1 and len(paired) == primaries.index((i, mention)):
            paired.add(i)
            last = next(iter(families))
        elif families:
            return set()
        lo = ends[i]
    after = [start for start in spans.starts if start >= lo]
    if len(paired) < 2 or (after and not _CAUSE.search(spans.text, lo, after[0])):
        return set()
    return paired


def respectively(spans: Spans, primaries: list[tuple[int, MoneyMention]]) -> dict[int, str] | None:
    """For "fined Google and Facebook €150m and €60m respectively", the platform of each amount.

    None when the sentence does not say "respectively"; an empty dict when the platforms listed
    before the first amount do not pair up one to one with the amounts.
    """
    if not _RESPECTIVELY.search(spans.text) or len(primaries) < 2:
        return None
    names = list(dict.fromkeys(name for start, _, name in spans.found if start < primaries[0][1].start))
    return (
        {i: name for (i, _), name in zip(primaries, names, strict=True)}
        if len(names) == len(primaries)
        else {}
    )


def other_party(
    spans: Spans, platform: str | None, reasons: list[str], *, titled: bool
) -> tuple[str | None, list[str]]:
    """The party of a sentence whose platform came from elsewhere (``choose_platform``).

    With no platform named anywhere, a company introduced by what it is ("ride-hailing company
    Didi") is the party (``platform_unknown``); a sentence about carriers, users or managers that
    takes its platform from the headline is about another party (``fined_party_not_platform``).
    """
    described = None if platform is not None or titled else _DESCRIBED.search(spans.text)
    # a place or a currency is no company: "to store Russian users' data" reads "store" as a noun, and
    # "fined the company HUF 2.5 billion" writes the currency before the amount
    name = described and without_code(described["name"])  # "operator Zain KWD 150,000": Zain
    if name and not (BARE_PLACE[0].fullmatch(name) or is_currency_code(name)):
        return name, [r for r in reasons if r != "no_platform"] + ["platform_unknown"]
    if "platform_from_context" in reasons and _THIRD_PARTY.search(spans.text):
        return platform, [*reasons, "fined_party_not_platform"]
    return platform, reasons


def party_after(
    spans: Spans, end: int, platform: str | None, reasons: list[str]
) -> tuple[str | None, list[str]]:
    """The party named after an amount (``end``) instead of the platform chosen before it.

    "imposed ₹168.88 crore on OYO" is OYO's; "$5.8 million over its Ring unit's ..." belongs to a
    unit that is not the platform named (``platform_unclear``).
    """
    sentence = spans.text
    if _ITS_UNIT.match(sentence, end):
        return platform, [*reasons, "platform_unclear"]
    after = next(((start, name) for start, _, name in spans.found if start >= end), None)
    if (
        after
        and after[0] - end <= 60
        and _IMPOSED_ON.fullmatch(sentence, end, after[0])
        and _IMPOSING.search(sentence)
    ):
        return after[1], [r for r in reasons if r not in ("multiple_platforms", "platform_unclear")]
    if platform is not None and _imposed_on_another(spans, end, platform):
        return platform, [*reasons, "platform_unclear"]
    return platform, reasons


def _imposed_on_another(spans: Spans, end: int, platform: str) -> bool:
    """Whether the clause after an amount says it is on a platform of another family than the one chosen.

    "fined Vimeo 30 million euros, following a 12 million euro fine it imposed on Quora": the
    second figure is Quora's (two parties near one amount), whatever Vimeo's place before it.
    """
    stop = _CLAUSE_END.search(spans.text, end)
    limit = min(stop.start() if stop else len(spans.text), end + 120)
    for start, _, name in spans.found[bisect_left(spans.starts, end) :]:
        if start >= limit:
            return False
        if _family(name) != _family(platform) and _ON_NAME.search(spans.text, max(end, start - 40), start):
            return True
    return False
