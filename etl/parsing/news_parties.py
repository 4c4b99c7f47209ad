"""A fined company the platform tables do not know, read from where the sentence puts the party fined.

Wire copy names the party right after the verb ("fined Qualcomm 242 million euros", "has fined
genetic testing company 23andMe £2.31 million") or after the amount ("imposed a 1.03 trillion won
fine on Qualcomm"). Only read when a sentence names no known platform and its item none either
(etl/parsing/news.py); the name keeps its spelling, without a trailing legal form or country
("Ticketmaster UK" is Ticketmaster), and the candidate says ``platform_unknown`` so that the
warehouse lists it among unresolved platforms. A name that might be a person's (no sign in the
item that it is a company) is ``platform_unclear``. Rules: docs/news_extraction.md, "Platform".
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import islice

import pycountry

from etl.parsing.news_gate import Gated
from etl.parsing.news_names import BARE_PLACE, PLACE_RULES, first_code

# A name starts with a capital or digit, or with one small letter before a capital ("mBank", "iFood").
_NAME = r"(?P<name>(?:[A-Z0-9]|[a-z](?=[A-Z]))[\w&.'’-]*[\w&](?:\s+(?:[A-Z0-9][\w&.'’-]*[\w&]|AI|&))*)"
# "fined (the chipmaker) Qualcomm 242 million euros": the verb's object, then the amount. No preposition
# between ("hit with record Belgian GDPR fine of €50,000": what the party is hit with, not the party).
_AFTER_VERB = re.compile(
    r"\b(?:fined|fines|fine|penali[sz]ed|penali[sz]es|penali[sz]e|sanctioned|ordered|orders|hit|hits|slapped|slaps)\s+"
    rf"(?:the\s+)?(?:(?!(?:with|by|for|over|in|on|at|to|from|after|under|as|of)\b)[a-z][\w-]*\s+){{0,4}}?{_NAME}"
    r"(?:,[^,]{0,60},)?\s+(?:\S+\s+){0,2}?$"
)
# "imposed a 1.03 trillion won ($865 million) fine on Qualcomm": the party after the amount.
_AFTER_AMOUNT = re.compile(
    rf"[)\]\s]*(?:(?:fine|penalty|sanction)\s+)?(?:on|upon|against)\s+(?:the\s+)?(?:[a-z][\w-]*\s+){{0,3}}?{_NAME}"
)
# "announced a $3 million fine for Telstra after it breached ...": the name right after "fine for" (no
# word between: "a fine for breaching Ofcom rules" names no party).
_FOR_AFTER_AMOUNT = re.compile(rf"[)\]\s]*(?:fine|penalty)\s+for\s+(?:the\s+)?{_NAME}")
# "Match Group, owner of Tinder, ..., will pay $14 million", "Sony Europe to pay $3.5 million": the subject pays.
# A dateline before the subject ("SYDNEY - ", "NAIROBI (Reuters) - ") is no part of the sentence.
_DATELINE = r"(?:[A-Z][A-Z .'’-]{1,40}?\s*(?:\([^)]{1,20}\)\s*)?[-–—]+\s*)?"
_SUBJECT = re.compile(
    rf"^\W*{_DATELINE}(?:[a-z][\w-]*\s+){{0,3}}?{_NAME}(?:,[^,]{{0,80}},)?\s+(?:has\s+|have\s+)?(?:agreed\s+to\s+pay|"
    r"will\s+pay|must\s+pay|is\s+to\s+pay|to\s+pay|was\s+fined|has\s+been\s+fined|fined|paid|"
    r"(?:was\s+|has\s+been\s+|is\s+)?ordered\s+to\s+pay)\b(?:\s+\S+){0,3}?\s*$"
)
# A legal form, or a trailing country ("Ticketmaster UK", "Delivery Hero Germany": a brand's national
# entity, which records name by the brand).
_LEGAL_FORM = re.compile(
    r"(?:\s+|,\s*)(?:UK|U\.K\.|Ireland|Inc\.?|Ltd\.?|Limited|LLC|Corp\.?|Corporation|Co\.?|S\.?A\.?|AG|"
    r"GmbH|B\.?V\.?|N\.?V\.?|Plc|PLC|SpA|S\.p\.A\.|Pte|Pty|(?:Private|Pvt\.?)(?:\s+(?:Ltd\.?|Limited))?|"
    r"Germany|France|Italy|Spain|India|Japan|Korea|Australia|Brasil|Brazil|Russia|Turkey|Canada|Netherlands|"
    r"Nederland|Deutschland)$"
)
# A trailing region or "International": as often part of an organisation's own name ("IAB Europe",
# "WW International") as a brand's group entity, so dropped only when the item also names the company
# without it (``_without_region``).
_REGION_TAIL = re.compile(r"\s+(?:Europe|Asia|International)$")
# Words that start no company's name in this position: articles, pronouns, days, months, bodies.
_NOT_A_NAME = re.compile(
    r"(?:The|A|An|It|Its|This|That|These|Those|He|She|They|His|Her|Their|Both|Each|All|Two|Three|"
    r"Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|April|May|June|July|"
    r"August|September|October|November|December|Mr|Ms|Mrs|Dr|Chief|CEO|Founder|Co-founder|President|"
    r"Chairman|Chairwoman|Director|Executive|Minister|Europe|Asia|Africa|America|Latin\s+America)\b"
    r"|.*\b(?:Court|Commission|Authority|Ministry|Agency|Office|Regulator|Tribunal|Government|Bureau|Council|"
    r"Department|Watchdog|Prosecutor|Parliament|Act|Law|Code|Article)s?\b"
)
# Something in the item says the party is a company, not a person.
_COMPANY = Gated(
    r"(?i)\b(?:compan(?:y|ies)|firms?|chipmakers?|makers?|giants?|platforms?|apps?|operators?|providers?|"
    r"retailers?|start-?ups?|groups?|developers?|services?|sites?|marketplaces?|business(?:es)?|units?|"
    r"subsidiar(?:y|ies)|brands?|banks?|carriers?|corporations?|manufacturers?|networks?|websites?)\b"
)
# The item refers to a party as "it"/"its" and to no one as "he", "she", "his", "her", "Mr", "Ms": a
# company, not a person ("fined Qualcomm ... for paying Apple to use only its LTE modem chips").
_NEUTER = Gated(r"\b(?:its|it)\b")
_PERSONAL = Gated(r"(?i)\b(?:he|she|his|her|hers|him|himself|herself|mr|ms|mrs|dr)\b")


def _neuter_only(item_text: str) -> bool:
    return bool(_NEUTER.search(item_text)) and not _PERSONAL.search(item_text)


_CORPORATE = re.compile(r"\d|[a-z][A-Z]|\bAI$|\b[A-Z]{2,}$")  # 23andMe, OpenAI, Clearview AI, SK
# A name ending in a word for a line of business ("Paytm Payments Bank", "Kik Interactive", "Hive Box
# Technology"): an entity of a brand, and records name either the entity or the brand.
_BUSINESS_TAIL = re.compile(
    r"\s(?:Bank|Banking|Payments?|Pay|Interactive|Technolog(?:y|ies)|Tech|Holdings?|Group|Labs?|Digital|Media|"
    r"Networks?|Systems|Software|Services|Solutions|Entertainment|Games|Gaming|Mobility|Commerce|Online|"
    r"Platforms?|Financial|Finance|Capital|Markets|Global|Studios?|Ventures|Enterprises|Industries|"
    r"Communications|Telecom|Telecoms|Telecommunications|Telephony|Internet|Broadband|Wireless|Mobile|Cable|"
    r"Securities|Exchange|Trading|Brands|Retail|Logistics|Insurance)$"
)
# Right after the name, an apposition that gives the party a second name ("Cognosphere, the publisher of
# Genshin Impact known as HoYoverse,", "Kik Interactive, maker of the Kik messaging app,").
_APPOSITION = re.compile(r",\s*([^,]{1,80}),")
_ALSO_KNOWN = re.compile(
    r"(?i)\b(?:(?:known|branded|trading|operating|doing\s+business)\s+as|formerly|d/b/a)\b"
)
_OWNER = re.compile(r"(?i)\b(?:owner|parent)\b")
# A descriptor read as the name's first word ("U.S.-based Fitbit", "Vilnius-headquartered Vinted").
_DESCRIPTOR = re.compile(r"^\S+-(?:based|owned|backed|headquartered|registered|listed|controlled)\s+")
# Right after the name: "of" and a capitalised word, so the name goes on ("Bank of Ireland" read as "Bank").
_NAME_GOES_ON = re.compile(r"\s+(?:of|de|for)\s+[A-Z]")
# A possessive name: what is fined is the company's unit or product ("Robinhood's crypto unit").
_POSSESSIVE = re.compile(r"['’]s?$")
_CAPITALISED = re.compile(r"\b[A-Z][\w&.-]*")
_MAX_MENTIONS = 5


def unknown_party(sentence: str, anchor: int, end: int, *, item_text: str) -> tuple[str | None, list[str]]:
    """The company a sentence fines when it is none the tables know, and the reasons to doubt it.

    Args:
        sentence: the sentence.
        anchor: where its amount (or action word) starts.
        end: where the amount and its conversions end.
        item_text: the whole item, where a company word ("the chipmaker") may be.

    Returns:
        ``(name, ["platform_unknown", ...])``, or ``(None, [])`` when no name is in either place.
    """
    found = (
        _AFTER_VERB.search(sentence, max(0, anchor - 120), anchor)
        or _AFTER_AMOUNT.match(sentence, end)
        or _FOR_AFTER_AMOUNT.match(sentence, end)
        or _SUBJECT.search(sentence, 0, anchor)
    )
    if found is None:
        return None, []
    raw = _DESCRIPTOR.sub("", found["name"])
    possessive = bool(_POSSESSIVE.search(raw))
    name, region = _without_region(_LEGAL_FORM.sub("", _POSSESSIVE.sub("", raw)).strip(" .,'’"), item_text)
    name = _without_place(name, item_text)
    name = without_code(name)
    if (
        len(name) < 2
        or _NOT_A_NAME.match(name)
        or first_code(name, PLACE_RULES)
        or BARE_PLACE[0].fullmatch(name)
        or is_currency_code(name)
    ):
        return None, []
    reasons = ["platform_unknown"]
    if not (_CORPORATE.search(name) or _COMPANY.search(item_text) or _neuter_only(item_text)):
        reasons.append("platform_unclear")  # "fined Ivan Petrov 30,000 roubles": perhaps a person
    elif region or _BUSINESS_TAIL.search(name) or _second_name(sentence, found.end("name")):
        reasons.append("platform_unclear")  # the entity or its brand: which one the record names is a choice
    elif possessive or _NAME_GOES_ON.match(sentence, found.end("name")):
        reasons.append("platform_unclear")  # the company's unit is fined, or its name was read cut short
    return name, reasons


def settled_party(name: str, reasons: list[str], item_text: str) -> tuple[str, list[str]]:
    """A company the tables do not know, however it was read, settled against the whole item.

    Its name loses a trailing state the item drops elsewhere ("MultiChoice Nigeria" ... "by
    MultiChoice"), and it is ``platform_unclear`` when the item gives it a second name (``_renamed``).
    """
    name = _without_place(name, item_text)
    unclear = _renamed(item_text, name) or _place_tail(name) or _shortened(name, item_text)
    return name, reasons + ["platform_unclear"] * (unclear and "platform_unclear" not in reasons)


def _shortened(name: str, item_text: str) -> bool:
    """Whether the item also names the company by the first word or words of its name alone.

    "Optus Internet" ... "through Optus", "Clearview AI" ... "Clearview said": the item names the
    entity and its brand, and which one a record keeps is a choice (records keep "Clearview AI" but
    "Optus"), as for a line of business or a country the item never drops.
    """
    words = name.split()
    for k in range(1, len(words)):
        short = " ".join(words[:k])
        if len(short) > 1 and not _NOT_A_NAME.match(short):
            if re.search(rf"\b{re.escape(short)}\b(?!\s+[A-Z0-9])", item_text):
                return True
    return False


def _place_tail(name: str) -> bool:
    """Whether a name still ends in a country ("Oppo Kenya"): a brand's local entity.

    The item never names the company without it (``_without_place`` would have dropped it), so
    whether a record names the local entity or the brand is a choice, as for a line of business. A
    city is part of a local company's name as often ("Taxi Helsinki"), so it is not read so.
    """
    short, _, tail = name.rpartition(" ")
    return bool(short) and not short.endswith((" of", " de")) and _is_country(tail)


@lru_cache(maxsize=256)
def _is_country(word: str) -> bool:
    """Whether a word is a country's name (not a code: "AI" in "Clearview AI" is no Anguilla)."""
    if len(word) <= 3:
        return False
    try:
        pycountry.countries.lookup(word)
    except LookupError:
        return False
    return True


@lru_cache(maxsize=256)
def is_currency_code(name: str) -> bool:
    """Whether a name is a currency's code ("fined the company HUF 2.5 billion": "HUF" is no company)."""
    return len(name) == 3 and name.isupper() and pycountry.currencies.get(alpha_3=name) is not None


def without_code(name: str) -> str:
    """A name without a currency's code read as its last word ("fined operator Zain KWD 150,000": Zain)."""
    head, _, last = name.rpartition(" ")
    return head if head and is_currency_code(last) else name


def _without_place(name: str, item_text: str) -> str:
    """A name without a trailing state or city when the item also names the company without it.

    "MultiChoice Nigeria" in an item that says "taken by MultiChoice" is MultiChoice; "Taxi Helsinki",
    never named otherwise, stays as written, and so does "Bank of America".
    """
    for words in (2, 1):  # "Uber South Africa", "MultiChoice Nigeria"
        short, *tail = name.rsplit(" ", words)
        if (
            len(tail) != words
            or not short
            or short.endswith((" of", " de"))
            or not BARE_PLACE[0].fullmatch(" ".join(tail))
        ):
            continue
        if re.search(rf"\b{re.escape(short)}\b(?!\s+[A-Z])", item_text):
            return short
    return name


def _without_region(name: str, item_text: str) -> tuple[str, bool]:
    """A name without a trailing region or "International" when the item also names it without.

    Returns the name and whether it still ends in such a word: "Sony Europe" in an item that says
    "Sony" elsewhere is Sony; "IAB Europe", never named otherwise, stays whole (it is not "IAB"), and
    whether a record names that entity or a brand is a choice (``platform_unclear``).
    """
    tail = _REGION_TAIL.search(name)
    if tail is None or not name[: tail.start()].strip():
        return name, False
    short = name[: tail.start()]
    if re.search(rf"\b{re.escape(short)}\b(?!\s+[A-Z])", item_text):
        return short, False
    return name, True


def _renamed(item_text: str, name: str) -> bool:
    """Whether the item gives the party a second name anywhere, not only in the sentence that fines it.

    "WW International to pay $1.5 million" over "... settlement with WW International, formerly Weight
    Watchers, and its subsidiary": which name a record keeps is a choice. Only the first few mentions.
    """
    mentions = re.finditer(rf"\b{re.escape(name)}(?:\s+[A-Z][\w.&-]*){{0,3}}(?=,)", item_text)
    return any(_second_name(item_text, m.end()) for m in islice(mentions, _MAX_MENTIONS))


def _second_name(sentence: str, end: int) -> bool:
    """Whether an apposition right after a party's name (at ``end``) names it another way.

    A capitalised word in it that is no place, month or authority ("..., maker of the Kik app,") or
    "known as" says the party has two names; "Qualcomm, the largest in its history," does not.
    """
    aside = _APPOSITION.match(sentence, end)
    if aside is None:
        return False
    text = aside.group(1)
    if _ALSO_KNOWN.search(text):
        return True
    if _OWNER.search(text):
        return False  # "Match Group, owner of Tinder and Hinge,": the owner is the one named (news_mentions)
    words = (m.group().rstrip(".") for m in _CAPITALISED.finditer(text))
    return any(
        not (_NOT_A_NAME.match(w) or first_code(w, PLACE_RULES) or BARE_PLACE[0].fullmatch(w)) for w in words
    )
