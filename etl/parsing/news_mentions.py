"""Platform mentions in news text: which known platforms a text names, and where.

A mention that only describes another company's owner or backer ("Facebook owner Meta", "Twitch, an
Amazon subsidiary,", "Tencent-backed China Literature") is left out. Pure functions over the
platform tables of etl/data/news_tables.toml. Rules: docs/news_extraction.md, "Platform".
"""

from __future__ import annotations

import re

from etl.parsing.news_gate import Gated, folded_form
from etl.parsing.news_money import TABLES, compiled

_CASE_FREE = tuple(
    (name, name.lower(), re.compile(rf"(?i:\b{re.escape(name)}\b)"))
    for name in TABLES["platforms"]["case_free"]
)
_CASE_SENSITIVE = tuple(
    (name, re.compile(rf"\b{re.escape(name)}\b")) for name in TABLES["platforms"]["case_sensitive"]
)
_ALIASES = compiled(TABLES["platforms"]["aliases"])
# Each alias behind its own gate: one search of all of them in a single alternation cost ten times more.
# The gate also looks for the alias's words in sequence ("tik tok"), where the pattern allows it.
_ALIAS_GATES = tuple((name, Gated(rx, needs=folded_form(rx.pattern))) for name, rx in _ALIASES)
# Case-insensitive matching also takes these letters for ASCII ones ("ſ" for "s"): fold them first, so
# that a name absent from the folded text cannot match (the check skips most regexes of a sentence).
_FOLD = str.maketrans({"İ": "i", "ı": "i", "ſ": "s", "K": "k"})
PARENT: dict[str, str] = TABLES["platforms"]["parents"]
# "Facebook owner Meta", "Facebook's parent company Meta": the owner is the one named.
_OWNER_GAP = re.compile(r"(?:['’´]s)?\s+(?:owner|parent)(?:\s+(?:firm|company))?,?\s+")
# "Meta, the owner of Facebook and Instagram, ...", "Meta, which owns Facebook, ...", "Meta, Facebook's
# owner, ...": the platforms in the apposition describe the owner; they are not the party named.
_OWNS = re.compile(
    r"(?i),?\s+(?:(?:(?:the|its)\s+)?(?:owner|parent)(?:\s+(?:firm|company))?\s+of|which\s+(?:also\s+)?owns)\s+"
)
_OWNED_BY = re.compile(r"(?i)(?:['’´]s)?\s+(?:owner|parent)(?:\s+(?:firm|company))?\b")
# "Twitch, an Amazon subsidiary,", "YouTube, owned by Google,": the second name is the owner, not the party.
_OWNER_APPOSITION = re.compile(
    r"(?i),\s+(?:(?:an?|the)\s+(?:[\w-]+\s+){0,2}?|(?:which\s+is\s+)?(?:owned\s+by|(?:a|the)\s+"
    r"(?:unit|subsidiary|division|arm|part)\s+of|part\s+of)\s+)$"
)
_OWNER_AFTER = re.compile(r"(?i)(?:['’´]s)?(?:-owned|\s+(?:subsidiary|unit|division|arm|affiliate)\b)")
# An owner the tables may not know, named with its platform: "Match Group, owner of Tinder, Hinge and ...",
# "Tinder owner Match Group".
_UNKNOWN_OWNER = re.compile(
    r"\b[A-Z][\w&.'’-]*(?:\s+[A-Z][\w&.'’-]*)*,\s+(?:the\s+)?(?:owner|parent)(?:\s+(?:firm|company))?\s+of\s+$"
)


def _unknown_owner(gap: str) -> bool:
    """``_UNKNOWN_OWNER.search(gap)``, skipped when the words it needs are missing (most gaps)."""
    return ("owner" in gap or "parent" in gap) and _UNKNOWN_OWNER.search(gap) is not None


_OWNER_NAMED = re.compile(r"(?:['’´]s)?\s+(?:owner|parent)(?:\s+(?:firm|company))?\s+[A-Z]")
# "Tencent-backed China Literature", "Amazon-owned Twitch": the name before the hyphen is an owner.
_OWNER_PREFIX = re.compile(r"(?i)-(?:backed|owned|controlled|funded|run)\b")
_LISTED = re.compile(r"\s*,\s*|\s+(?:and|&)\s+")  # ", and" closes the apposition


def platform_spans(text: str) -> list[tuple[int, int, str]]:
    """Platform mentions by position, without those that only describe another's owner.

    "Facebook owner Meta" keeps Meta; "Meta, the owner of Facebook and Instagram," and "Meta,
    Facebook's owner," keep Meta only.
    """
    found = sorted(
        ((m.start(), m.end(), name) for name, rx in _candidate_platforms(text) for m in rx.finditer(text)),
        key=lambda span: (span[0], -span[1]),
    )
    spans, reach = [], -1  # a name inside a longer one is that one ("Kakao" in "Kakao Mobility")
    for span in found:
        if span[1] > reach:
            spans.append(span)
            reach = span[1]
    kept: list[tuple[int, int, str]] = []
    owned_list, last = False, 0  # inside "..., the owner of A, B and C"; where the last mention ends
    for span in spans:
        gap, last = text[last : span[0]], span[1]
        if owned_list and _LISTED.fullmatch(gap):
            continue
        owned_list = bool(kept) and bool(_OWNS.fullmatch(gap)) or _unknown_owner(gap)
        if owned_list or _OWNER_NAMED.match(text, span[1]):
            continue  # "Match Group, owner of Tinder, ...", "Tinder owner Match Group": the owner is meant
        if kept and _OWNER_GAP.fullmatch(gap):
            kept[-1] = span  # the owner named after its platform is the one meant
            continue
        if _OWNER_PREFIX.match(text, span[1]):
            continue  # describes the company named after it
        apposition = _OWNER_APPOSITION.fullmatch(gap)
        if (
            kept
            and apposition
            and (gap.rstrip().lower().endswith(("by", "of")) or _OWNER_AFTER.match(text, span[1]))
        ):
            continue  # "Twitch, an Amazon subsidiary,": Amazon only describes Twitch
        if kept and gap.strip() == "," and _OWNED_BY.match(text, span[1]):
            owned_list = True  # "Meta, Facebook's owner,": Facebook describes Meta
            continue
        kept.append(span)
    return kept


def _candidate_platforms(text: str) -> list[tuple[str, re.Pattern[str]]]:
    """The platform regexes that can match in a text: a name must appear in it as written or folded."""
    folded = (text if text.isascii() else text.translate(_FOLD)).lower()  # each letter folded is not ASCII
    found = [(name, rx) for name, needle, rx in _CASE_FREE if needle in folded]
    found += [(name, rx) for name, rx in _CASE_SENSITIVE if name in text]
    return found + [(name, gate.rx) for name, gate in _ALIAS_GATES if gate.may_match(text)]
