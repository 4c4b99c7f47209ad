"""A figure a decision changes: the former amount of a fine reduced, raised or revised is no new fine.

"reduced the penalty from Rs 936.44 crore to Rs 216.69 crore" and "lowered a fine against Apple to
372 million euros ($366.31 million) from 1.1 billion euros" both tell one fine as it now stands and
the figure it replaced; the replaced one is ``earlier_action`` (docs/news_extraction.md, "Scope").
"""

from __future__ import annotations

import re

from etl.parsing.news_gate import Gated

_CHANGE = r"(?:reduc|cut|lower|trimm|slash|rais|increas|revis|halv|doubl)\w*"
# Before the first of two amounts: "reduced the penalty from A to B".
_CHANGED_FROM = Gated(rf"(?i)\b{_CHANGE}\s+(?:[\w'’]+\s+){{0,4}}?from\s+$")
_TO = re.compile(r"(?i)[\s)\]]*(?:\([^)]{0,40}\)\s*)?to\s*")
# Before the first of two amounts: "lowered a fine against Apple ... to A (conversion) from B".
_CHANGED_TO = Gated(rf"(?i)\b{_CHANGE}\s+(?:(?!from\b)[^\s.;]+\s+){{0,14}}?to\s+$")
_FROM = re.compile(r"(?i)[\s)\]]*(?:\([^)]{0,40}\)\s*)?from\s*")


def former_figure(sentence: str, first: tuple[int, int], second_start: int) -> int | None:
    """Which of two amounts in a row is the figure a change replaced: 0 (the first), 1 (the second) or None.

    ``first`` is the first amount's start and its end (its conversions included); ``second_start``
    where the next amount begins.
    """
    start, end = first
    if _CHANGED_FROM.search(sentence, max(0, start - 60), start) and _TO.fullmatch(
        sentence, end, second_start
    ):
        return 0
    if _CHANGED_TO.search(sentence, max(0, start - 120), start) and _FROM.fullmatch(
        sentence, end, second_start
    ):
        return 1
    return None
