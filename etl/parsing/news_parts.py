"""Figures the item says are something else than a fine: revenue, taxes, a share of a fine, another clause's.

Pure functions over an item's text or one sentence (etl/parsing/news.py calls them):

- ``NOT_PENALTY_AFTER``: what follows a figure says what it is ("13 billion euros in back taxes").
- ``part_of_fine``: a share of a fine the item names whole ("R2 million of the fine is suspended",
  "the remaining R3 million must be paid"): no fine of its own (``amount_not_penalty``).
- ``cue_elsewhere``: a headline of two clauses ("Google agrees R688 mln media package; X handed
  imposed remedies") whose action word stands in the other clause: the figure's own clause has none
  (``no_action_verb``).
- ``total_of_several``: a figure told "in total" in a sentence naming several platforms ("fines
  Facebook, Telegram over $375,000 in total"): their fines summed, no fine of one (``amount_is_total``).

Rules: docs/news_extraction.md, "Scope" and "After round 15".
"""

from __future__ import annotations

import re

from etl.parsing.news_cues import cues
from etl.parsing.news_mentions import PARENT, platform_spans
from etl.parsing.news_sentences import semicolon_clause

# After the amount: what it is, when not a penalty ("13 billion euros in back taxes", "... in damages").
NOT_PENALTY_AFTER = re.compile(
    r"(?i)\s*(?:in\s+)?(?:(?:fines?|penalt(?:y|ies))\s+and\s+)?(?:(?:back|unpaid|owed|overdue)\s+)?(?:revenues?|"
    r"sales|profits?|income|tax(?:es)?|damages|compensation|refunds?|restitution|royalt\w*)\b|"
    # costs the party repays: "$500,000 for the bureau's investigation costs", "A$1 million towards its legal costs"
    # costs of a kind, or someone's: not "for the costs it imposed on riders" (what the fine is for)
    r"\s*(?:in|for|towards?|to\s+cover)\s+(?:(?:the|its|their|[\w-]+['’]s?)\s+){0,2}?"
    r"(?:legal|court|investigation|investigative|litigation|enforcement|procedural|proceedings|case|"
    r"prosecution|administrative|associated)\s+costs\b|"
    r"\s*(?:in|for|towards?|to\s+cover)\s+(?:the\s+)?(?:its|their|his|her|[\w-]+['’]s?)\s+costs\b"
)
# A share of one fine: "R2 million of the fine", "the remaining R3 million", "the rest of the 5 million".
_OF_THE_FINE = re.compile(
    r"(?i)\s*(?:\([^)]{0,40}\)\s*)?of\s+(?:the|that|this|its|their)\s+(?:[\w-]+\s+){0,2}?(?:fines?|penalt(?:y|ies))\b"
)
_REMAINING = re.compile(r"(?i)\bthe\s+(?:remaining|outstanding|balance\s+of\s+|rest\s+of\s+)\s*$")


def part_of_fine(text: str, start: int, end: int) -> bool:
    """Whether the figure at ``start:end`` is told as a share of a fine ("R2 million of the fine")."""
    return bool(_OF_THE_FINE.match(text, end) or _REMAINING.search(text[max(0, start - 30) : start]))


def cue_elsewhere(sentence: str, start: int) -> bool:
    """Whether the figure at ``start`` stands in a clause (split at ";") with no action word of its own."""
    if ";" not in sentence:
        return False
    lo, hi = semicolon_clause(sentence, start)
    clause = cues(sentence[lo:hi])
    return not (clause.fine or clause.pay or clause.kind)


_IN_TOTAL = re.compile(r"(?i)[)\]\s]*(?:in\s+total|in\s+all|combined|altogether|between\s+them)\b")
# "fined Valve and five publishers a combined €7.8 million": the sum of several parties' fines.
_COMBINED_BEFORE = re.compile(
    r"(?i)\band\s+(?:[\w'’-]+\s+){0,3}?(?:publishers|companies|firms|developers|operators|retailers|platforms|"
    r"others|banks|exchanges|apps|carriers|sellers|rivals|partners|subsidiaries|units|brands|providers|makers)\b"
    r"[^.;:]{0,60}?\b(?:a|the|their)\s+combined\s+(?:total\s+of\s+)?(?:[\w-]+\s+)?$"
)


def total_of_several(sentence: str, start: int, end: int) -> bool:
    """Whether the figure at ``start:end`` is a total of several parties' fines.

    Several parties "combined" ("fined A and B a combined €7.8 million"), or a figure told "in total"
    in a sentence naming two platform families or more.
    """
    if _COMBINED_BEFORE.search(sentence[max(0, start - 140) : start]):
        return True
    if not _IN_TOTAL.match(sentence, end):
        return False
    return len({PARENT.get(name, name) for *_, name in platform_spans(sentence)}) > 1
