"""Measures without money: which platforms one takes, and which the headline itself states as the news.

A list after a block verb ("blocks Facebook, Twitter and WhatsApp") is a block of each platform
(:func:`measured_list`); a block or slowdown the headline states of the only platform the item names,
in an item without a word of doubt ("Russia blocks Signal messenger"), may become a fact
(:func:`confirm_measures`). Rules: docs/news_extraction.md, "Platform: who was fined" and "From
candidate to fact".
"""

from __future__ import annotations

import re

from etl.parsing.news_candidate import MONETARY, Candidate, with_reasons
from etl.parsing.news_mentions import PARENT, platform_spans
from etl.parsing.news_names import Spans
from etl.parsing.platform_files import same_platform

# Between two platforms of one list a measure takes: "Facebook, Twitter and WhatsApp", "X & Y".
_LISTED = re.compile(r"\s*(?:,\s*(?:and\s+)?|\s+and\s+|&\s*)")
# Before the first: a measure verb and up to three words, none a preposition ("blocks Facebook, ...",
# "has blocked search engine Yahoo, ...").
_MEASURED = re.compile(
    r"(?i)\b(?:block(?:s|ed|ing)?|ban(?:s|ned|ning)?|suspend(?:s|ed|ing)?|slow(?:s|ed|ing)?(?:\s+down)?|"
    r"throttl(?:es?|ed|ing)|shut(?:s|ting)?\s+(?:off|down)|cut(?:s|ting)?\s+off)\s+(?:access\s+to\s+)?(?:the\s+)?"
    r"(?:(?!(?:over|for|after|of|from|in|on|at|to|by|with|amid|as|and|or|but|its|their|such)\b)[\w-]+\s+){0,3}$"
)
# Within the list, a descriptor before a name: "payments firm PayPal", "gaming platform Steam".
_DESCRIBED_ITEM = re.compile(r"(?:[a-z][\w-]*\s+){0,3}$")
# Within the list, a verb is no descriptor: "blocked Instagram and disrupted WhatsApp" is two measures.
_OTHER_VERB = re.compile(
    r"(?i)\b(?:[\w-]+ed|block\w*|bans?|suspends?|slows?|throttles?|disrupts?|restricts?|limits?|curbs?|shuts?|"
    r"cuts?|fines?|orders?|warns?|hits?|takes?|makes?|gets?|puts?|sets?)\b"
)


def measured_list(spans: Spans) -> list[str]:
    """The platforms a measure verb takes as its object list ("blocks Facebook, Twitter and WhatsApp").

    Two or more different platforms, none the owner of another ("Facebook, WhatsApp", not "Meta,
    Facebook"), each joined to the next by a comma or "and" (a
    lower-case descriptor may stand before a name: "search engine Yahoo, payments firm PayPal and
    gaming platform Steam"), the first right after a measure verb, no other platform named in the
    sentence, and nothing of theirs after the last ("... and WhatsApp accounts"). Else [].
    """
    if len(spans.found) < 2 or not _MEASURED.search(
        spans.text, max(0, spans.starts[0] - 80), spans.starts[0]
    ):
        return []
    names = [spans.found[0][2]]
    for (_, end, _), (start, _, name) in zip(spans.found, spans.found[1:], strict=False):
        gap = _LISTED.match(spans.text, end)
        if (
            gap is None
            or not _DESCRIBED_ITEM.fullmatch(spans.text, gap.end(), start)
            or _OTHER_VERB.search(spans.text, gap.end(), start)
        ):
            return []
        names.append(name)
    if PART_OF_IT.match(spans.text, spans.found[-1][1]) or len({same_platform(n) for n in names}) < 2:
        return []
    if any(PARENT.get(a, a) == b for a in names for b in names if a != b):
        return []  # "blocks Meta, Facebook": the owner and its product, one platform named twice
    return list(dict.fromkeys(names))


# Right after a platform: what is blocked is something of it, or its content, not the platform
# ("Uber's purchase", "X accounts", "Facebook page", "iPhone sales").
PART_OF_IT = re.compile(
    r"(?i)(?:['’]s?\b|\s+(?:[\w-]+\s+)?(?:accounts?|posts?|pages?|channels?|videos?|content|links?|tweets?|"
    r"profiles?|groups?|ads|adverts?|advertising|sales|purchases?|deals?|acquisitions?|mergers?|takeovers?|"
    r"payments?|shares?|features?|updates?|stores?|products?|devices?|phones?|models?|games?|licen[cs]es?|"
    r"stories|reels|livestreams?|broadcasts?|users?|apps)\b)"
)


HEADLINE_MEASURES = ("block", "throttle")  # the measures a headline may state as a fact
# The headline's own verb, in the present (or "has blocked", "confirms it blocked": "Two years after
# Russia blocked LinkedIn" is background), takes the platform itself: no preposition before it ("bans
# RT on YouTube", "bans children from TikTok") and nothing of it after ("TikTok ban", "Airbnb rentals",
# "Google News"). "Suspends" is left out: records call a suspended service, policy or licence an order
# as often as a block.
_HEADLINE_VERB = (
    r"\b(?:blocks|bans|restricts|shuts\s+(?:down|off)|cuts\s+off|throttles|slows(?:\s+down)?|blacklists|"
    r"(?:(?<=says it )|(?<=said it )|(?<=confirms it )|(?<=confirmed it )|(?<=has )|(?<=have ))"
    r"(?:blocked|banned|restricted))\s+(?:access\s+to\s+)?(?:the\s+)?"
    r"(?:(?!(?:on|from|in|for|of|at|to|by|with|over|after|as|and|or)\b)[\w-]+\s+){0,3}?"
)
_AFTER_PLATFORM = re.compile(
    r"(?:\s+(?:messenger|messaging\s+app|app|service|website|site|platform|network))?"
    r"(?=\s*$|\s*[,:;.—–-]|\s+(?:in|on|for|over|after|amid|as|without|citing|following|until|across|nationwide|"
    r"again|indefinitely|temporarily)\b)"
)
# Anywhere in the item: the measure may be threatened, asked for, partial, local, on officials' phones,
# or over (lifted, resumed, back online).
_MEASURE_DOUBT = re.compile(
    r"(?i)\b(?:threat\w*|warn\w*|propos\w*|weigh\w*|plan\w*|if|unless|lift\w*|restor\w*|withdr\w*|remain\w*|"
    r"consider\w*|seek\w*|sought|ask\w*|urg\w*|demand\w*|request\w*|deadline|or\s+face|unblock\w*|reopen\w*|"
    r"accessible|overturn\w*|partial\w*|end(?:ed|s)|resum\w*|back\s+online|again\s+available|available\s+again|"
    r"return\w*|recover\w*|no\s+longer|(?:government|state|official|work)[\w-]*\s+(?:devices|phones)|governor|bill|"
    r"state\s+government|region\w*|province\w*|provincial|municipal\w*|county|city\s+of|"
    r"(?-i:could|would|may|might))\b"
)


def confirm_measures(kept: list[Candidate], title: str, text: str) -> list[Candidate]:
    """Mark each measure without money ``measure_unconfirmed`` unless the headline states it without doubt.

    Only a block or slowdown passes: the headline's verb takes the platform itself
    (:data:`_HEADLINE_VERB`, not "X accounts" or "X's policy"), the item names no platform of
    another family, nothing of the platform's (:data:`PART_OF_IT`: its pages, posts, accounts ...) and
    no word of doubt (:data:`_MEASURE_DOUBT`), and the state is known. An order,
    warning or other measure always waits: records disagree on their kind.
    """
    if all(c.action_type in MONETARY for c in kept):
        return kept  # most items: nothing to confirm, and no scan of the item's text
    spans = platform_spans(text)
    families = {PARENT.get(n, n) for *_, n in spans}
    # "blocked Zalando pages carrying banned posts": what is blocked may be the platform's content
    of_it = any(PART_OF_IT.match(text, end) for _, end, _ in spans)
    plain = len(families) == 1 and not of_it and not _MEASURE_DOUBT.search(text)
    return [
        c
        if c.action_type in MONETARY or (plain and _stated(c, title))
        else with_reasons(c, "measure_unconfirmed")
        for c in kept
    ]


def _stated(c: Candidate, title: str) -> bool:
    if c.action_type not in HEADLINE_MEASURES or c.platform is None or c.jurisdiction is None:
        return False
    found = re.search(rf"{_HEADLINE_VERB}{re.escape(c.platform)}\b", title)
    return found is not None and _AFTER_PLATFORM.match(title, found.end()) is not None
