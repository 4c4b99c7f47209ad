"""Names in news text: authorities and the places that give a jurisdiction.

Platform mentions are found in etl/parsing/news_mentions.py; sentences in etl/parsing/news_sentences.py.

Pure functions over the tables of etl/data/news_tables.toml. Rules: docs/news_extraction.md,
"Candidates".
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from etl.parsing.news_gate import Gated
from etl.parsing.news_money import TABLES


class Spans:
    """The platforms a text names, by position (see ``platform_spans``)."""

    def __init__(self, text: str, found: list[tuple[int, int, str]]) -> None:
        self.text, self.found = text, found
        self.starts = [start for start, _, _ in found]
        self.names = list(dict.fromkeys(name for _, _, name in found))


_AUTHORITY = Gated(
    r"(?:[A-Z][\w'’´.-]*\s+(?:and\s+)?){1,6}(?:Court|Tribunal|Commissioner['’]s\s+Office|Commission(?:er)?|"
    r"Authority|Agency|Office|Service|Administration|Bureau|Ministry|Inspectorate|Superintenden(?:ce|cy)|"
    r"Attorney\s+General|Ombudsman)\b"
    r"(?:\s+(?:of|for)\s+(?:the\s+)?[A-Z]\w*(?:\s+[A-Z]\w*){0,2})?|"
    r"\b(?:Department|Superintenden(?:ce|cy))\s+of\s+(?:the\s+)?[A-Z]\w*(?:\s+(?:and\s+)?[A-Z]\w*){0,3}|"
    r"\b(?:Roskomnadzor|CNIL|Bundeskartellamt|Ofcom|ACCC|KFTC|FTC|ICO|CCI|STF|SAMR|JFTC|GVH|CNPD|CMA|AGCM|"
    r"AEPD|DPC)\b"
)
_AUTHORITY_LEAD = re.compile(r"^(?:(?:The|A|An)\s+)?(?:[A-Z][\w.-]*['’´]s\s+)?")
# One alternation per table: a text is scanned once per rule form, not once per place. The
# institutions' alternatives are grouped by their first letter (see ``by_first_letter``, defined
# below): hundreds of names and acronyms tried at every position were most of the extraction's
# time. A leading ``\b`` becomes the group's "not after a word character"; which state a match
# names is asked afterwards, of each state's own pattern (``_institution_code``).
_INSTITUTION_RXS = tuple((code, re.compile(rx)) for code, rx in TABLES["institutions"].items())


def _institutions() -> Gated:
    alternatives = [
        a.removeprefix(r"\b") for rx in TABLES["institutions"].values() for a in _alternatives(rx)
    ]
    return Gated(by_first_letter(alternatives, (r"\w",)))


def _institution_code(m: re.Match[str]) -> str | None:
    """The state of an institution matched in a text: the first whose pattern matches the same span."""
    return next(
        (
            code
            for code, rx in _INSTITUTION_RXS
            if (n := rx.match(m.string, m.start())) and n.end() == m.end()
        ),
        None,
    )


# "Its lead (or main) EU regulator" is a national one acting for the EU: the place is not its jurisdiction.


def _alternatives(rx: str) -> list[str]:
    """The top-level alternatives of a regex ("a|b(?:c|d)" -> ["a", "b(?:c|d)"])."""
    parts, depth, start, i = [], 0, 0, 0
    while i < len(rx):
        ch = rx[i]
        if ch == "\\":
            i += 1
        elif ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        elif ch == "|" and depth == 0:
            parts.append(rx[start:i])
            start = i + 1
        i += 1
    return [*parts, rx[start:]]


def by_first_letter(rxs: list[str], not_after: tuple[str, ...] = ()) -> str:
    """One alternation of regexes, grouped by the letter each alternative starts with.

    At each position the regex engine then tries one group instead of every alternative. The
    matches are the same: alternatives that start with different letters never match at one
    position, and within a group the alternatives keep their order. ``(?:X)?Y`` is read as
    ``XY|Y``; any other alternative that does not start with a plain letter keeps the plain
    alternation.

    ``not_after``: fixed-width patterns that must not stand right before a match. Each group
    tests them after its letter X, as ``(?<!patternX)`` (the same test, one character later),
    so that the pattern starts with a letter and the engine skips to where one of the letters is.
    """
    groups: dict[str, list[str]] = {}
    for alt in (a for rx in rxs for a in _alternatives(rx)):
        optional = re.fullmatch(r"\(\?:((?:[^()|\\]|\\.)*)\)\?(.*)", alt)
        for a in [optional[1] + optional[2], optional[2]] if optional else [alt]:
            if not re.match(r"[^\W\d_](?![?*+{])", a):
                plain = "|".join(f"(?:{rx})" for rx in rxs)
                return "".join(f"(?<!{b})" for b in not_after) + f"(?:{plain})" if not_after else plain
            groups.setdefault(a[0], []).append(a[1:])
    return "|".join(
        f"{first}{''.join(f'(?<!{b}{first})' for b in not_after)}(?:{'|'.join(rests)})"
        for first, rests in groups.items()
    )


_INSTITUTIONS = _institutions()
_PLACE_NOT_AFTER = (r"\w", "lead ", "main ")  # inside a word; "its lead EU regulator" (see above)
_PLACE = f"(?P<place>{by_first_letter(list(TABLES['places'].values()), _PLACE_NOT_AFTER)})(?!\\w)"
_PLACE_NAMES = tuple((code, re.compile(rf"(?:{rx})\Z")) for code, rx in TABLES["places"].items())
_BODY_WORDS = (
    r"justices?\s+of\s+the\s+peace|court|judges?|magistrate|regulators?|watchdog|authorit(?:y|ies)|government|ministry|commission|"
    r"agency|prosecutors?|officials|board|council|tribunal|inspectorate|cabinet|bod(?:y|ies)|"
    r"superintenden(?:ce|cy)|ombudsman|central\s+bank|attorneys?\s+general"
)
_BODY = rf"(?i:{_BODY_WORDS})\b"
_VERB = (
    r"(?i:fines?|fined|blocks?|blocked|bans?|banned|suspends?|suspended|slows?|throttled?|orders?|ordered|warn|"
    r"slaps?|hits?|"
    r"penali[sz]e[sd]?|impos(?:es|ed)|levie[sd]|sanction(?:s|ed))\b"
)
# Between a place and an authority word, these mean the place describes a company, not the authority
# ("the U.S. firm said the regulator ...").
_PARTY = r"(?i:firms?|compan(?:y|ies)|giants?|groups?|makers?|units?|subsidiar\w+|said|says|told|owner)\b"
# "Russian court", "Ireland's regulator", "a court in Moscow", "Russia fines ...", "banned in Russia".
_PLACE_FORMS = (
    r"{p}(?:['’´]s?)?\s+(?:(?!{party})[\w-]+\s+){{0,3}}?{body}",
    r"{body}\s+(?:of|in)\s+(?:the\s+)?{p}",
    r"{p}\s+{verb}",
    r"(?i:fined|penali[sz]ed|blocked|banned|throttled|slowed)\s+in\s+{p}",
)
# What the folded text of a match of a form must hold (see ``Gated``): "court in", "authority of".
_BODY_OF = r"(?:{body})\s+(?:of|in)\s"
PLACE_RULES = tuple(
    Gated(form.format(p=_PLACE, body=_BODY, verb=_VERB, party=_PARTY), needs=needs)
    for form, needs in zip(_PLACE_FORMS, (None, _BODY_OF.format(body=_BODY_WORDS), None, None), strict=True)
)
BARE_PLACE = (re.compile(_PLACE),)


# Wire copy often names a court only by its city or district: "a Moscow court", "Tagansky court".
_CITY_COURT = Gated(
    r"\b(?!(?:A|An|The|This|That|Its|Their)\s)[A-Z][\w-]+(?:\s+[A-Z][\w-]+)?\s+"
    r"(?:(?:district|city|magistrate['’]?s?|arbitration)\s+)?court\b"
)
# Outlets often describe an authority instead of naming it: "a Russian court", "Turkey's competition
# authority", "the Irish data regulator", "regulators in Beijing", "the communications watchdog".
# Taken as written. A state named as the actor of a sentence's own action ("Turkey fined Twitter ...",
# "Ankara has imposed fines ...") is that sentence's authority, but is not carried to other sentences:
# a headline "Turkey fines social networks" says who acted in general, not which body decided.
_AUTH_BODY_WORDS = (
    r"justices?\s+of\s+the\s+peace|courts?|judges?|magistrates?|regulators?|watchdogs?|authorit(?:y|ies)|commission(?:er)?s?|"
    r"tribunals?|agenc(?:y|ies)|ministry|ministries|inspectorate|government|board|council|cabinet|"
    r"attorneys?\s+general|bod(?:y|ies)|prosecutors?|superintenden(?:ce|cy)|ombudsman|central\s+bank"
)
_AUTH_BODY = rf"(?:{_AUTH_BODY_WORDS})\b"
_AUTH_TOPIC = (
    r"(?:interior|home|fraud|data|privacy|protection|competition|antitrust|anti-?monopoly|communications?|telecoms?|"
    r"telecommunications?|media|broadcasting|audiovisual|consumer|market|internet|online|safety|digital|"
    r"technolog(?:y|ies)|cyberspace|information|financial|finance|securities|economy|economic|justice|tax|"
    r"advertising|personal|trade|fair|top|supreme|high|federal|district|city|regional|state|appeals?|"
    r"arbitration|national|magistrate['’]?s?|insurance|banking|gambling|gaming|betting|transport|aviation|health|"
    r"labou?r|electoral|election|energy|postal|pensions?|payments?|capital\s+markets?)"
)
_AUTH_PLACE_MOD = rf"(?:{_AUTH_TOPIC}|and|[A-Z][\w-]+)"
_ACTOR_PAST = (
    r"(?:fined|imposed|slapped|levied|penali[sz]ed|ordered|blocked|banned|suspended|throttled|sanctioned|"
    r"warned)"
)
_ACTOR_NOW = r"(?:fines|slaps|hits|orders|blocks|bans|suspends|penali[sz]es|imposes|warns|sanctions)"
_NOT_A_VERB = r"(?:on|against|for|of|in|to|over|imposed|worth|total\w*|are|were|is|was|and|or|have|has)"
_ACTOR = re.compile(
    rf"{_PLACE}(?=\s+(?:(?:has|have|had)\s+(?:also\s+)?)?(?:{_ACTOR_PAST}\b|{_ACTOR_NOW}\b(?!\s+{_NOT_A_VERB}\b)))"
)
_AUTHORITY_FORMS = tuple(
    Gated(form.format(p=_PLACE, body=_AUTH_BODY, topic=_AUTH_TOPIC, mod=_AUTH_PLACE_MOD), needs=needs)
    for form, needs in (
        (r"{p}(?:['’´]s?)?\s+(?:{mod}\s+){{0,4}}?{body}", None),
        (
            r"(?i:\b(?:{topic}\s+){{0,3}}{body}\s+(?:of|in)\s+(?:the\s+)?){p}",
            _BODY_OF.format(body=_AUTH_BODY_WORDS),
        ),
        (r"(?i:\b(?:{topic}\s+){{1,3}}{body})", None),
    )
)
_ARTICLE = re.compile(r"^(?i:the|a|an)\s+")


def authority_of(sentence: str, *, actor: bool = False) -> str | None:
    """The authority a sentence names, as it names it, or None.

    A proper name ("Tagansky District Court", "CNIL") or a known institution comes first; else
    the earliest description: a place with an authority word ("Russian court", "Turkey's
    competition authority", "court in Moscow"), an authority word with its field ("the
    communications watchdog"), or a court named by its city ("Tagansky court"); with ``actor``,
    also a state named as the actor ("Turkey fined", "Ankara has imposed").
    """
    m = _AUTHORITY.search(sentence) or _INSTITUTIONS.search(sentence)
    if m:
        return _AUTHORITY_LEAD.sub("", m.group(0))
    forms = (*_AUTHORITY_FORMS, _CITY_COURT, *([_ACTOR] if actor else []))
    found = [m for rx in forms if (m := rx.search(sentence))]
    if not found:
        return None
    first = min(found, key=lambda m: (m.start(), -m.end()))
    return _ARTICLE.sub("", first.group(0))


def authority_or(sentence: str, found: str | None, fallback: Callable[[], str | None]) -> str | None:
    """``found or fallback() or authority_of(sentence, actor=True)``, ``found`` being ``authority_of(sentence)``.

    When ``authority_of`` finds nothing (None), no form but the actor's can match with ``actor``, so
    each form is searched once.
    """
    if found:
        return found
    if other := fallback():
        return other
    if found is not None:
        return authority_of(sentence, actor=True)
    m = _ACTOR.search(sentence)
    return _ARTICLE.sub("", m.group(0)) if m else None


# Right before an institution's name: the state it belongs to ("Japan's FTC", "the Korea FTC").
_OWNER_PLACE = re.compile(f"{_PLACE}(?:['’´]s)?\\s+(?:the\\s+)?\\Z")


def first_code(text: str, rules: tuple[re.Pattern[str] | Gated, ...]) -> str | None:
    """The jurisdiction of the earliest known institution or place rule match in a text.

    A place that owns the institution named ("Japan's FTC") beats the institution's usual home:
    an acronym such as FTC names bodies of several states.
    """
    hits = [m for rx in (_INSTITUTIONS, *rules) if (m := rx.search(text))]
    if not hits:
        return None
    first = min(hits, key=lambda m: m.start())  # an institution wins a tie: it is listed first
    if first.re is _INSTITUTIONS.rx:
        owner = _OWNER_PLACE.search(text[max(0, first.start() - 40) : first.start()])
        return _place_code(owner["place"]) if owner else _institution_code(first)
    return _place_code(first["place"])


def authority_code(text: str, authority: str) -> str | None:
    """The jurisdiction of an authority as a text names it: the state owning it ("Japan's FTC"), else its name's."""
    at = text.find(authority)
    owner = _OWNER_PLACE.search(text[max(0, at - 40) : at]) if at > 0 else None
    return _place_code(owner["place"]) if owner else first_code(authority, BARE_PLACE)


@lru_cache(maxsize=1024)  # a pure function of a place name as written (never of a sentence)
def _place_code(place: str) -> str | None:
    return next((code for code, rx in _PLACE_NAMES if rx.match(place)), None)
