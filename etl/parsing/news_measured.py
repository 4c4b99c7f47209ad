"""Which platforms one measure takes: the list after a block verb ("blocks Facebook, Twitter and WhatsApp").

Rules: docs/news_extraction.md, "Platform: who was fined" (a list of blocked platforms is a block of each).
"""

from __future__ import annotations

import re

from etl.parsing.news_mentions import PARENT
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
