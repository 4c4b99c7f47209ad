"""Which business of a brand an item names: a division known by its own name, a bank, a second name.

A known platform's name followed by more of a company's name can name another company of the
group, or one records keep under its own name ("Amazon Web Services" ... "AWS", "Paytm Payments
Bank", "Telefónica O2", "... Joint Stock Company (VNbrands)"); the candidate is then
``platform_unclear``. Called from etl/parsing/news.py on the item's merged candidates. Rules:
docs/news_extraction.md, "Platform: who was fined".
"""

from __future__ import annotations

import re

from etl.parsing.news_candidate import Candidate
from etl.parsing.news_mentions import platform_spans
from etl.parsing.news_names import BARE_PLACE, PLACE_RULES, first_code

# A bank, insurer or broker under the brand's name ("Paytm Payments Bank", "Rakuten Securities"): a
# regulated company of its own, or a namesake ("Apple Bank"), which records may keep under its own name.
_FINANCIAL_ARM = re.compile(r"\b(?:Bank|Banking|Securities|Insurance|Assurance|Financial|Finance|Capital)\b")
# A known platform's name followed by capitalised words that the item also gives as its own initials
# ("Amazon Web Services, Inc." ... "AWS"): a business of the brand known by its own name, which records
# keep as such (round 13); an entity the item never abbreviates ("Twitch Interactive Inc.", "Google
# Ireland Ltd", "Telegram Messenger Inc.") is the brand's, and records keep the brand.


def division_named(c: Candidate, text: str) -> bool:
    """Whether the sentence names the platform as a business of its own: one ``text`` abbreviates ("AWS"), or a bank."""
    if not c.platform or not c.sentence:
        return False
    for m in re.finditer(rf"\b{re.escape(c.platform)}((?:\s+[A-Z][a-z][\w&'’-]*)+)", c.sentence):
        words = [c.platform, *m[1].split()]
        if _FINANCIAL_ARM.search(m[1]):
            return True
        for k in range(3, len(words) + 1):
            if re.search(rf"\b{''.join(w[0] for w in words[:k])}\b", text):
                return True
    return _joined_brands(c.platform, text) or _bracket_name(c.platform, c.sentence)


# A short name in brackets after the company's full one ("the Vietnam Digital Brands Joint Stock Company
# (VNbrands)"): records keep one or the other.
_TICKER = re.compile(r"[A-Z]{1,6}(?:\.[A-Z]{1,2})?")
_BRACKET_AFTER = r"(?:\s+[A-Z][\w&'’.-]*){0,4}\s*\(\s*([A-Z][\w.&'’-]*)\s*\)"


def _bracket_name(platform: str, sentence: str) -> bool:
    found = re.search(rf"\b{re.escape(platform)}{_BRACKET_AFTER}", sentence)
    if found is None:
        return False
    short = found[1]
    return not (
        short.startswith(platform.split()[0])
        or _TICKER.fullmatch(short)  # "Alphabet's Google (GOOGL.O)"; initials are read above
        or platform_spans(short)  # "TikTok (ByteDance)": a known name, the owner's
        or first_code(short, PLACE_RULES)
        or BARE_PLACE[0].fullmatch(short)
    )


# Two brands in one company's name ("Telefónica O2", "Telefónica Czech Republic (O2)"): which of them
# a record keeps is a choice the text does not settle.
_JOINED = re.compile(r"(?:\s+[A-Z][\w&'’-]*){0,3}\s*\(\s*|\s+")


def _joined_brands(platform: str, text: str) -> bool:
    """Whether the item names ``platform`` joined to another known platform's name, or with it in brackets."""
    spans = platform_spans(text)
    return any(
        platform in (a[2], b[2]) and a[2] != b[2] and _JOINED.fullmatch(text, a[1], b[0]) is not None
        for a, b in zip(spans, spans[1:], strict=False)
    )
