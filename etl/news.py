"""Extract candidate enforcement actions (fines, blocks, ...) from news text.

Pure functions: no I/O, no network, no clock (the lookup tables in etl/data/news_tables.toml
are read once, at import). ``parse_money`` reads money amounts, ``split_sentences`` splits a
summary, ``extract_candidates`` turns one news item into candidate rows for review. Rules,
measured quality and limits: docs/news_extraction.md.
"""

from __future__ import annotations

import re
import tomllib
from bisect import bisect_left
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation
from pathlib import Path

_CTX = Context(prec=80)  # exact for real outliers (2 undecillion rubles) times 10**12 scales
_MAX_DIGITS = 40


def _compiled(table: dict[str, str]) -> tuple[tuple[str, re.Pattern[str]], ...]:
    """(key, compiled regex) pairs of a table of regexes."""
    return tuple((key, re.compile(rx)) for key, rx in table.items())


# Currencies, platforms, places, institutions, ...: etl/data/news_tables.toml.
_TABLES = tomllib.loads((Path(__file__).parent / "data" / "news_tables.toml").read_text(encoding="utf-8"))
_DOLLARS = tuple(_TABLES["currencies"]["$"])
_CURRENCIES = {key: tuple(codes) for key, codes in _TABLES["currencies"].items()}
_ISO = frozenset(_TABLES["iso_codes"])
_ADJECTIVES: dict[str, str] = _TABLES["currency_adjectives"]
_CURRENCY_HINTS = _compiled(_TABLES["currency_hints"])
_HOME: dict[str, str] = _TABLES["home_currencies"]
_QUALIFIER_CLASS: dict[str, str] = _TABLES["qualifiers"]

_QUAL = (
    r"add(?:s|ed|ing)?\s+up\s+to|just\s+over|just\s+under|more\s+than|less\s+than|up\s+to|at\s+least|"
    r"close\s+to|as\s+much\s+as|in\s+excess\s+of|upwards\s+of|an\s+estimated|approximately|approx\.|"
    r"roughly|around|about|nearly|almost|over|under|some|circa|cca\.|ca\.|~"
)
_QUAL_ALIASES = {"cca.": "about", "ca.": "about", "circa": "about", "~": "about"}
_APPROXIMATE = {"about", "nearly"}  # qualifier classes (see [qualifiers]) that do not bound the figure
_ISO_ALT = "|".join(sorted(_ISO))
_PREFIX = (
    r"(?<![A-Za-z])(?:U\.S\.\s?\$|US\s?\$|AU\$|A\$|CA\$|C\$|NZ\$|HK\$|NT\$|S\$|R\$|Rs\.?|"
    rf"{_ISO_ALT})(?![A-Za-z])|[$€£¥￥₹₩₽₺]"
)
_DIGITS = r"(?<![0-9A-Za-z.,])[0-9]+(?:[.,][0-9]+)*"
_ONES = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen"
_UNITS = {w: i for i, w in enumerate(f"{_ONES} sixteen seventeen eighteen nineteen".split())}
_UNITS |= {
    w: 10 * i for i, w in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split(), 2)
}
_SCALE_EXP = {
    "hundred": 2, "k": 3, "thousand": 3, "lakh": 5, "lac": 5, "m": 6, "mn": 6, "mln": 6, "million": 6, "mio": 6,
    "millionen": 6, "millones": 6, "crore": 7, "cr": 7, "b": 9, "bn": 9, "bln": 9, "billion": 9, "mrd": 9,
    "milliard": 9, "milliarden": 9, "tn": 12, "trillion": 12, "quadrillion": 15, "quintillion": 18,
    "sextillion": 21, "septillion": 24, "octillion": 27, "nonillion": 30, "decillion": 33, "undecillion": 36,
}  # fmt: skip
_EUROPEAN = {"mio", "mrd", "millionen", "milliarden", "millones", "milliard"}  # decimal comma
_NUMW = "|".join(sorted(_UNITS, key=len, reverse=True))
_BIG = "quadrillion|quintillion|sextillion|septillion|octillion|nonillion|undecillion|decillion"  # 10**15..36
_SCALEW = f"hundred|thousand|lakh|million|crore|billion|trillion|{_BIG}"
_WORDNUM = (
    rf"(?i:\b(?:(?:an?|half(?:\s+an?)?)\s+(?:{_SCALEW})|{_NUMW})"
    rf"(?:[\s-]+(?:and\s+)?(?:a\s+)?(?:{_NUMW}|{_SCALEW}|half))*\b)"
)
_LONG_SCALES = (
    rf"thousand|millions?|billions?|trillions?|(?:{_BIG})s?|lakhs?|lacs?|crores?|milliards?|millones|"
    r"millionen|milliarden|mln|mn|bln|bn|tn|cr|mio\.?|mrd\.?"
)
_CURWORD = (
    r"dollars?|euros?|rubles?|roubles?|pounds?(?:\s+sterling)?|sterling|yen|yuan|renminbi|won|rupees?|"
    r"liras?|lire|reais|forints?|zlotys?|hryvnias?|tenge|francs?|kronor|kronur|krona|kroner|krone|rand|"
    r"pesos?|ringgit|baht|rupiah|lei|naira|shekels?|dirhams?|riyals?|crowns?|reals|shillings?|dong"
)
_MONEY_RE = re.compile(
    rf"(?:(?<![A-Za-z])(?P<qual>(?i:{_QUAL}))[\s\\]*)?(?P<pre>{_PREFIX})?\s?(?P<num>{_DIGITS}|{_WORDNUM})"
    rf"(?:(?:\s*-\s*|\s+)?(?P<scale>(?i:{_LONG_SCALES}))(?![A-Za-z])|(?P<short>[kKmMbB])(?![A-Za-z]))?"
    rf"(?:\s*-?\s*(?:de\s+|d['’]\s*|of\s+)?(?P<adj>(?:[A-Z][\w.]*\s+){{0,2}})"
    rf"(?P<word>(?i:{_CURWORD}))(?![A-Za-z])|\s?(?P<siso>{_ISO_ALT}|RMB|Ft|kr\.?|zł)(?![A-Za-z]))?"
)
_LIST_GAP = re.compile(r"\s*(?:,\s*(?:and\s+)?|and\s+)")
# Words that introduce a converted figure: "(equivalent to $177 million)", ", which is about $177 million".
_CONVERTS = r"(?:which\s+is|(?:the\s+)?equivalent\s+(?:to|of)|equal\s+to|worth)\s+"
_BRACKET_GAP = re.compile(rf"[\s(\[,;/]*(?:(?:or|and)\s+)?(?:{_CONVERTS})?(?:(?:{_QUAL})\s*)?", re.I)
_AFTER_GAP = re.compile(
    rf"\s*(?:(?:[—–/-]+|,?\s*or\b|,)\s*(?:{_CONVERTS})?|,?\s*{_CONVERTS})(?:(?:{_QUAL})\s*)?", re.I
)
# Exchange-rate notes are not amounts: "($1 = 73.6 roubles)", "at an exchange rate of 1,300 won per dollar".
_RATE_BEFORE = re.compile(
    r"(?i)\b(?:exchange|conversion)\s+rates?\s*(?:of|at|is|was|:)?\s*(?:about|around|roughly|some)?\s*$"
)
_RATE_EQUALS = re.compile(r"\s*=")
_RATE_LINK = re.compile(r"(?i)\s*(?:=|:|to|per|for|against)\s*(?:the\s+|one\s+|a\s+|each\s+|every\s+)?")
_RATE_UNIT = re.compile(
    rf"(?i)\s*(?:per|to\s+(?:the|one|a|each)|for\s+(?:one|a|each|every)|against\s+(?:the|one|a)|a)\s+"
    rf"(?:U\.?S\.?\s+)?(?:{_CURWORD}|{_ISO_ALT})(?![A-Za-z])"
)


@dataclass(frozen=True)
class MoneyMention:
    """A money amount found in a text; ``text == source[start:end]``, without the qualifier."""

    amount: Decimal | None  # exact, e.g. Decimal("2500000") for "2.5 million"
    currency: str | None  # ISO 4217; None when a shared symbol is not resolved by context
    qualifier: str | None  # "about", "nearly", "over", "more than", "up to", ...
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Candidate:
    """A candidate enforcement action read from one sentence of a news item."""

    platform: str | None  # canonical name ("TikTok", "Twitter", "X", "Meta", ...)
    jurisdiction: str | None  # ISO 3166-1 alpha-2, or "EU"
    authority: str | None  # as named in the text ("Tagansky District Court", "CNIL")
    action_type: str  # fine, turnover_fine, periodic_penalty, block, throttle, warning, order, other
    amount: Decimal | None  # as imposed, in the fine's own currency
    currency: str | None  # ISO 4217; None when unknown or ambiguous
    qualifier: str | None  # how the text bounds the amount: "about", "nearly", "more than", "up to", ...
    reported_usd: Decimal | None  # a USD conversion the text itself states
    reported_eur: Decimal | None  # a EUR conversion the text itself states
    sentence: str  # verbatim
    confidence: float  # 1.0 minus a penalty per reason, in [0, 1]
    reasons: tuple[str, ...]  # why confidence is lowered: "currency_ambiguous", "no_platform", ...


@dataclass(frozen=True)
class _Raw:
    amount: Decimal
    options: tuple[str, ...]
    qualifier: str | None
    start: int
    end: int
    is_rate: bool = False  # part of an exchange-rate note, not an amount


def parse_money(text: str, *, context: str = "") -> list[MoneyMention]:
    """Find money amounts in a text, resolving shared currency symbols from context.

    Bare "$" (or "dollars") is USD only (a) as a converted figure (in brackets, after a dash
    or "or about") after an amount in a non-dollar currency, or (b) when the item names the
    United States; in both cases only if the item names no other dollar country. If the item
    writes one dollar explicitly (A$, US$) and names exactly one other dollar country, bare
    "$" is that country's dollar (NZ Herald: "A$60 million ($65m)" is NZD). Otherwise the
    currency is None. "¥", "Rs", "kr", "pesos" likewise need their country in the item.

    Args:
        text: The text to scan, usually one sentence.
        context: The rest of the news item (title and summary), used only to resolve symbols.

    Returns:
        The mentions in order of position.
    """
    whole = f"{text}\n{context}"
    currency_context = _currency_context(whole, _raw_mentions(whole))
    return [mention for mention, _ in _scan(text, currency_context, _raw_mentions(text))]


def _currency_context(text: str, raws: list[_Raw]) -> tuple[set[str], set[str]]:
    """Currencies of the countries a text names, and the dollars it writes explicitly (A$, US$)."""
    hints = {code for code, rx in _CURRENCY_HINTS if rx.search(text)}
    explicit = {o[0] for r in raws if len(o := r.options) == 1 and o[0] in _DOLLARS and not r.is_rate}
    return hints, explicit


def _scan(
    text: str, context: tuple[set[str], set[str]], found: list[_Raw]
) -> list[tuple[MoneyMention, int | None]]:
    """Mentions, each with the index of the amount it converts (None for a primary amount)."""
    raws, (hints, explicit) = [r for r in found if not r.is_rate], context
    out = []
    for raw, role in zip(raws, _roles(text, raws), strict=True):
        currency = _resolve(raw.options, raws[role] if role is not None else None, hints, explicit)
        start, end = raw.start, raw.end
        out.append((MoneyMention(raw.amount, currency, raw.qualifier, text[start:end], start, end), role))
    return out


def _raw_mentions(text: str) -> list[_Raw]:
    """Mentions with a currency; "3.2 million, 3.3 million and 2.4 million rubles" share one."""
    raws: list[_Raw] = []
    pending: list[re.Match[str]] = []
    for m in _MONEY_RE.finditer(text):
        options, amount = _options(m), _amount(m)
        listed = bool(pending) and _LIST_GAP.fullmatch(text[pending[-1].end() : m.start("num")])
        if amount is None or not options:
            scaled = amount is not None and bool(m["scale"] or m["short"])
            pending = (pending if listed else []) + [m] if scaled else []
            continue
        for p in pending if listed and not m["pre"] else []:  # pending amounts are never None
            raws.append(
                _Raw(_amount(p) or Decimal(0), options, _qualifier(p["qual"]), p.start("num"), p.end())
            )
        pending = []
        start = m.start("pre") if m["pre"] else m.start("num")
        raws.append(_Raw(amount, options, _qualifier(m["qual"]), start, m.end()))
    return _mark_rate_notes(text, raws)


def _mark_rate_notes(text: str, raws: list[_Raw]) -> list[_Raw]:
    """Flag the parts of exchange-rate notes: "$1 = 73.6 roubles", "exchange rate of 1,300 won per dollar"."""
    out: list[_Raw] = []
    linked = False
    for i, raw in enumerate(raws):
        after = text[raw.end : raws[i + 1].start] if i + 1 < len(raws) else ""
        joins = bool(after) and bool(_RATE_LINK.fullmatch(after))
        is_rate = (
            linked
            or bool(_RATE_EQUALS.match(text, raw.end))
            or bool(_RATE_BEFORE.search(text, max(0, raw.start - 40), raw.start))
            or bool(_RATE_UNIT.match(text, raw.end))
            or (raw.amount == 1 and joins)
        )
        linked = is_rate and joins
        out.append(replace(raw, is_rate=True) if is_rate else raw)
    return out


def _lookup(token: str) -> tuple[str, ...]:
    key = re.sub(r"[\s.]", "", token).replace("￥", "¥")
    return (key,) if key in _ISO else _CURRENCIES.get(key) or _CURRENCIES.get(key.lower(), ())


def _options(m: re.Match[str]) -> tuple[str, ...]:
    """Candidate ISO codes of a match: a prefix, else a suffix code or currency word."""
    pre = _lookup(m["pre"]) if m["pre"] else ()
    post = _lookup(m["siso"]) if m["siso"] else ()
    if m["word"]:
        word = m["word"].lower().split()[0]
        post = _lookup(word[:-1] if word.endswith("s") and word[:-1] in _CURRENCIES else word)
        adjective = tuple(filter(None, [_ADJECTIVES.get(" ".join(m["adj"].lower().split()))]))
        post = adjective if adjective and (len(post) > 1 or word.startswith("pound")) else post
    return next((o for o in (pre, post) if len(o) == 1), pre or post)


def _amount(m: re.Match[str]) -> Decimal | None:
    scale = (m["scale"] or m["short"] or "").lower().rstrip(".")
    scale = scale[:-1] if scale not in _SCALE_EXP and scale.endswith("s") else scale
    num = m["num"]
    try:
        base = _parse_digits(num, european=scale in _EUROPEAN) if num[0].isdigit() else _parse_words(num)
        value = base.scaleb(_SCALE_EXP.get(scale, 0), _CTX) if base is not None else None
        if value is not None and value == value.to_integral_value(context=_CTX):
            return value.quantize(Decimal(1), context=_CTX)
        return value
    except InvalidOperation:
        return None


def _parse_digits(raw: str, *, european: bool) -> Decimal | None:
    """Read "1,337.76", "7,221,916,235", "1,33,776" (lakh grouping), "1,5", "4.342 millones"."""
    if sum(ch.isdigit() for ch in raw) > _MAX_DIGITS:
        return None
    seps, groups = re.findall(r"[.,]", raw), re.split(r"[.,]", raw)
    if len(set(seps)) == 2:
        decimal = seps[-1]
    elif european:  # "1,5 Mio." and "1.5 Mrd" are decimals; "4.342 millones" is 4342 million
        decimal = seps[0] if len(seps) == 1 and (seps[0] == "," or len(groups[1]) != 3) else None
    else:  # "2.5 million" and "1,5 million" are decimals; "32,700" is thousands
        decimal = seps[0] if len(seps) == 1 and (seps[0] == "." or len(groups[1]) != 3) else None
    whole, frac = raw.rsplit(decimal, 1) if decimal else (raw, "")
    parts = re.split(r"[.,]", whole)
    sizes = [len(p) for p in parts[1:]]
    western = len(parts[0]) <= 3 and all(n == 3 for n in sizes)
    lakh = len(parts[0]) <= 2 and sizes[-1:] == [3] and all(n == 2 for n in sizes[:-1])
    if sizes and not (western or lakh):
        return None
    return Decimal("".join(parts) + (f".{frac}" if frac else ""))


def _parse_words(raw: str) -> Decimal:
    """Read "two million", "a billion", "three hundred thousand", "one and a half million"."""
    words = [w for w in re.split(r"[\s-]+", raw.lower()) if w]
    total = current = Decimal(0)
    for i, word in enumerate(words):
        if word in ("a", "an") and i == 0 and words[1:2] != ["half"]:
            current = Decimal(1)
        elif word in _UNITS or word == "half":
            current += _UNITS.get(word, Decimal("0.5"))
        elif word == "hundred":
            current = (current or 1) * 100
        elif word in _SCALE_EXP:
            total, current = total + (current or 1) * 10 ** _SCALE_EXP[word], Decimal(0)
    return total + current


def _qualifier(raw: str | None) -> str | None:
    text = " ".join((raw or "").lower().split())
    return None if not text or text.startswith("add") else _QUAL_ALIASES.get(text, text)


def _roles(text: str, raws: list[_Raw]) -> list[int | None]:
    """For each mention, the index of the amount it converts, or None for a primary amount."""
    roles: list[int | None] = []
    primary: int | None = None
    depth = 0  # brackets opened since the primary amount and not yet closed
    for i, raw in enumerate(raws):
        converts = False
        if primary is not None:
            gap = text[raws[i - 1].end : raw.start].replace("\\", "")
            depth += gap.count("(") + gap.count("[") - gap.count(")") - gap.count("]")
            if depth > 0:
                converts = bool(_BRACKET_GAP.fullmatch(gap))
            elif i - 1 == primary:
                converts = bool(_AFTER_GAP.fullmatch(gap)) and raw.options != raws[i - 1].options
        roles.append(primary if converts else None)
        primary, depth = (primary, depth) if converts else (i, 0)
    return roles


def _resolve(
    options: tuple[str, ...], converts: _Raw | None, hints: set[str], explicit: set[str]
) -> str | None:
    """Pick one ISO code for a mention, or None (see ``parse_money`` for the dollar rule)."""
    if len(options) == 1:
        return options[0]
    if options != _DOLLARS:
        found = [code for code in options if code in hints]
        return found[0] if len(found) == 1 else None
    others = hints.intersection(_DOLLARS) - explicit - {"USD"}
    if others:
        return others.pop() if len(others) == 1 and explicit else None
    if converts is not None:
        return "USD" if converts.options != _DOLLARS and "USD" not in explicit else None
    return "USD" if "USD" in hints and not explicit else None


_BOUNDARY = re.compile(r"[.!?][\"'”’)\]]*(\s+)(?=[\"'“‘(\[]?[A-Z0-9])")
_ABBREVIATIONS = frozenset(_TABLES["abbreviations"])


def split_sentences(text: str) -> list[str]:
    """Split text into sentences at paragraph breaks and sentence-final punctuation.

    Abbreviations ("U.S.", "Art.", "No.", "Jan.", initials) and decimal points do not end a
    sentence.

    Args:
        text: Plain or Markdown news text.

    Returns:
        The non-empty sentences in order, each a stripped, verbatim substring of ``text``.
    """
    sentences = []
    for paragraph in re.split(r"\n\s*\n", text):
        start = 0
        for m in _BOUNDARY.finditer(paragraph):
            chunk = paragraph[start : m.start(1)]
            last = (chunk.split() or [""])[-1].strip("\"'”’)]([“‘").rstrip(".").lower()
            if m.group(0)[0] == "." and (last in _ABBREVIATIONS or len(last) == 1):
                continue
            sentences.append(chunk)
            start = m.end(1)
        sentences.append(paragraph[start:])
    return [s.strip() for s in sentences if s.strip()]


_PLATFORMS = (
    tuple((name, re.compile(rf"(?i:\b{re.escape(name)}\b)")) for name in _TABLES["platforms"]["case_free"])
    + tuple((name, re.compile(rf"\b{re.escape(name)}\b")) for name in _TABLES["platforms"]["case_sensitive"])
    + _compiled(_TABLES["platforms"]["aliases"])
)
_PARENT: dict[str, str] = _TABLES["platforms"]["parents"]
_OWNER_GAP = re.compile(r"(?:['’´]s)?\s+(?:owner|parent)(?:\s+(?:firm|company))?,?\s+")
_AUTHORITY = re.compile(
    r"(?:[A-Z][\w'’´.-]*\s+(?:and\s+)?){1,6}(?:Court|Tribunal|Commissioner['’]s\s+Office|Commission(?:er)?|"
    r"Authority|Agency|Office|Service|Administration|Bureau|Ministry|Inspectorate)\b"
    r"(?:\s+(?:of|for)\s+(?:the\s+)?[A-Z]\w*(?:\s+[A-Z]\w*){0,2})?|"
    r"\b(?:Roskomnadzor|CNIL|Bundeskartellamt|Ofcom|ACCC|KFTC|FTC|ICO|CCI|STF|SAMR|JFTC|GVH|CNPD|CMA|AGCM|"
    r"AEPD|DPC)\b"
)
_AUTHORITY_LEAD = re.compile(r"^(?:(?:The|A|An)\s+)?(?:[A-Z][\w.-]*['’´]s\s+)?")
# One alternation per table: a text is scanned once per rule form, not once per place.
_INSTITUTIONS = re.compile("|".join(f"(?P<{code}>{rx})" for code, rx in _TABLES["institutions"].items()))
_PLACE = "(?<!\\w)(?P<place>{})(?!\\w)".format("|".join(f"(?:{rx})" for rx in _TABLES["places"].values()))
_PLACE_NAMES = tuple((code, re.compile(rf"(?:{rx})\Z")) for code, rx in _TABLES["places"].items())
_BODY = (
    r"(?i:court|judges?|magistrate|regulators?|watchdog|authorit(?:y|ies)|government|ministry|commission|"
    r"agency|prosecutors?|officials|board|council|tribunal|inspectorate|bod(?:y|ies))\b"
)
_VERB = (
    r"(?i:fines?|fined|blocks?|blocked|bans?|banned|slows?|throttled?|orders?|ordered|warn|slaps?|hits?|"
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
_PLACE_RULES = tuple(
    re.compile(form.format(p=_PLACE, body=_BODY, verb=_VERB, party=_PARTY)) for form in _PLACE_FORMS
)
_BARE_PLACE = (re.compile(_PLACE),)

_FINE = re.compile(r"(?i)\bfin(?:e|es|ed|ing)\b|\bpenalt|\bpenali[sz]|\bmult(?:a|ó)|\bamende|bu(?:ß|ss)geld")
_AVOIDED = re.compile(r"(?i)\b(?:avoid|avert|escap)\w*\s+(?:\w+\s+){0,2}(?:fines?|penalt\w*)")
_NEGATED = re.compile(
    r"(?i)\b(?:never|not|n['’]t|no\s+longer)\s+(?:(?:been|be|being|yet|ever|once|so\s+far)\s+)*"
    r"(?:fin(?:e|ed)|penali[sz]ed?|block(?:ed)?|bann?(?:ed)?|throttled?|slowed|warned)\b"
)
_PAY = re.compile(
    r"(?i)\b(?:order|agree|must|will|require|force|told|direct|instruct|oblig)\w*\s+(?:\w+\s+){0,3}?(?:to\s+)?pay\b|"
    r"\bto\s+pay\b|\bimpos(?:e|es|ed|ing)\b|\blev(?:y|ied)\b|\bslap"
)
# "... to pay" that is offered, planned or threatened, not ordered.
_OFFERED = re.compile(
    r"(?i)\b(?:offer\w*|plan\w*|intend\w*|propos\w*|consider\w*|seek\w*|sought|threat\w*|could|may|might)\s+"
    r"(?:\w+\s+){0,2}?to\s+pay\b"
)
# A fine computed from turnover (Russia's "turnover-based fines"), not turnover named as a cap.
_TURNOVER = re.compile(
    r"(?i)\bturnover[- ]based|\b(?:based|calculated)\s+(?:on|from|as)\s+(?:[\w'’%]+\s+){0,6}?turnover\b"
)
_PER_DAY = re.compile(r"(?i)\s*(?:a|per|each|every|for\s+each)\s+(?:day|week)\b|\s*daily\b")
_DAILY = re.compile(r"(?i)daily\s+(?:fines?|penalt\w*)|periodic\s+penalt\w*|\bper\s+day\b")
_NON_MONETARY = _compiled(
    {
        "throttle": r"(?i)throttl|\bslow(?:s|ed|ing)\b|\bslow\s+down\b|slowdown",
        "block": r"(?i)\bblock(?:s|ed|ing)?\b|\bban(?:s|ned|ning)?\b",
        "warning": r"(?i)\bwarn(?:s|ed|ing)?\b",
        "order": r"(?i)(?<!in )\border(?:s|ed|ing)?\b",
    }
)
_EACH = re.compile(r"[)\]\s—–-]*each\b")  # "... 10 million lira ($1.2 million) each"
_EACH_BEFORE = re.compile(r"(?i)\beach\s+(?:\w+\s+){0,2}(?:fined|penali[sz]ed|ordered)")
_POTENTIAL = re.compile(r"(?i)\b(?:fac(?:e|es|ing)|could|may|might|risks?|threat\w*)\b")
# Before an action verb: the action is threatened or planned, not taken ("threatened to block").
_PLANNED = re.compile(
    r"(?i)\b(?:could|may|might|would|will|threat\w*|risk\w*|plan\w*|intend\w*|consider\w*|propos\w*|"
    r"seek\w*|vow\w*|want\w*|prepar\w*)\b"
)
# After the amount: the figure itself is a conversion ("$130 million at the current exchange rate").
_AT_RATE = re.compile(
    r"(?i)\s*,?\s*(?:at|using|by)\s+(?:the\s+)?"
    r"(?:(?:current|today['’]s|present|prevailing|latest)\s+(?:exchange\s+)?rates?|exchange\s+rates?)\b"
)
# "X's legal representative", "Telegram founder ...": the party fined is a person, not the platform.
_NOT_THE_PLATFORM = re.compile(
    r"(?i)(?:['’´]s)?\s+(?:\w+\s+){0,2}?(?:representatives?|executives?|directors?|chief|head|founder|"
    r"co-?founder|ceo|lawyers?|managers?|employees?|staff|officials?|boss)\b"
)
# A platform listed with or compared to another ("Amazon and Apple", "like Google") is not clearly the one fined.
_COORDINATED = re.compile(r"(?i)\s*(?:,|and|&|or|/)\s*(?:and\s+)?")
_COMPARED = re.compile(
    r"(?i)\b(?:like|unlike|as\s+did|along\s+with|together\s+with|as\s+well\s+as|besides)\s+$"
)
_RESPECTIVELY = re.compile(r"(?i)\brespectively\b")
_PRONOUN = re.compile(r"(?i)\b(?:it|its|the\s+(?:company|firm|group|platform|app|service|network|site))\b")
_SEPARATE = re.compile(r"(?i)\b(?:also|another|second|third|separate(?:ly)?|additional(?:ly)?|further)\b")
_CLAUSE_BREAK = re.compile(r"[,;:()—–]")
# A clause that looks back ("last year", "in 2018", "previously fined") recalls an earlier action.
_EARLIER = re.compile(
    r"(?i)\b(?:previous(?:ly)?|last\s+(?:year|month|week)|(?:in|since)\s+(?:19|20)\d\d|"
    r"over\s+the\s+(?:past|last)|in\s+the\s+past|years?\s+ago|"
    r"(?:largest|biggest|highest|record)\s+since|surpass\w*|eclips\w*|exceed\w*|compared\s+(?:with|to))\b"
)
# A sentence that changes a figure ("cut the fine to 4.1 billion euros from 4.34 billion") holds
# two figures of one fine, not a list of fines.
_CHANGED = re.compile(
    r"(?i)\b(?:cut|cuts|reduc\w*|lower\w*|rais\w*|increas\w*|trimm\w*|slash\w*|revis\w*|instead\s+of|"
    r"(?:down|up)\s+from)\b"
)
_MONETARY = {"fine", "turnover_fine", "periodic_penalty"}
_NOT_PENALTY = re.compile(
    r"(?i)\b(?:revenues?|sales|profits?|earn\w*|income|valu\w*|worth|market\s+cap\w*|shares?|stocks?|"
    r"invest\w*|acquir\w*|bought|buy\w*|spen[dt]\w*|raised|budget|salar\w*|damages|seek\w*|sought|"
    r"lawsuit|claim\w*|bail|cost\w*|pric\w*|fell|rose|dropped|lost|propos\w*|draft|recommend\w*|maxim\w*|"
    r"provisional\w*|initially|originally|estimat\w*\s+(?:that|the|it|its|a))\b"
)
_NOT_PENALTY_AFTER = re.compile(r"(?i)\s*(?:in\s+)?(?:revenues?|sales|profits?|income)\b")
_MAX_CANDIDATES = 12  # more from one item is a list or noise, not news of one decision
# Confidence is 1 minus these; parsers.MIN_CONFIDENCE (0.6) sends anything below it to review.
_PENALTIES = {
    # Each of these alone sends a candidate to review: the row could not be a correct fact as it stands.
    "no_platform": 0.45, "no_jurisdiction": 0.45, "no_amount": 0.45, "currency_ambiguous": 0.45,
    "currency_not_local": 0.45, "conflicting_amounts": 0.45, "amount_is_conversion": 0.45,
    "fined_party_not_platform": 0.45, "planned_action": 0.45, "too_many_candidates": 0.45, "earlier_action": 0.45,
    "platform_unclear": 0.45,
    # Softer doubts: each passes alone, and they add up.
    "no_action_verb": 0.3, "amount_qualified_bound": 0.2, "multiple_platforms": 0.15,
    "platform_from_context": 0.1, "amount_qualified_approximate": 0.1, "conversion_currency_ambiguous": 0.05,
}  # fmt: skip


class _Spans:
    """The platforms a text names, by position (see ``_platform_spans``)."""

    def __init__(self, text: str, found: list[tuple[int, int, str]]) -> None:
        self.text, self.found = text, found
        self.starts = [start for start, _, _ in found]
        self.names = list(dict.fromkeys(name for _, _, name in found))


@dataclass(frozen=True)
class _Item:
    """What the sentences of one news item share."""

    title: str
    title_spans: _Spans
    currency: tuple[set[str], set[str]]  # see _currency_context
    jurisdiction: str | None  # from the title, else the first place or institution the item names


@dataclass(frozen=True)
class _Cues:
    """Sentence-level signals for the action type (computed once per sentence)."""

    fine: bool  # fined, penalty, ... (not avoided, not negated)
    daily: bool  # "daily fine", "periodic penalty", "per day"
    pay: re.Match[str] | None  # "ordered to pay", "imposed", "levied", ...
    turnover: bool
    kind: str | None  # the first non-monetary action: throttle, block, warning, order
    position: int  # where the first action word is; 0 when there is none
    planned: bool  # that first action is threatened or planned, not taken


def extract_candidates(title: str, summary: str) -> list[Candidate]:
    """Read candidate enforcement actions from a news item's title and summary.

    A sentence yields a candidate when it has an action verb (fined, blocked, ...) and a
    platform or an imposed amount, or else an authority, a platform and an amount ("other").
    "... each" after an amount gives one candidate per platform named. Converted figures and
    exchange-rate notes are never amounts of their own. The item is read as one action unless
    it clearly reports several (see ``_consolidate``); figures that cannot be reconciled send
    the candidates to review.

    Args:
        title: The item's headline (may be empty).
        summary: The item's text or summary.

    Returns:
        Candidates in order of first appearance.
    """
    text = f"{title}\n{summary}"
    raws = _raw_mentions(text)
    masked = _mask(text, raws)  # a currency ("US$", "U.S. dollars") never names the jurisdiction
    item = _Item(
        title.strip(),
        _Spans(title.strip(), _platform_spans(title.strip())),
        _currency_context(text, raws),
        _first_code(masked[: len(title)], _PLACE_RULES) or _first_code(masked, _PLACE_RULES),
    )
    sentences = ([title.strip()] if title.strip() else []) + split_sentences(summary)
    found = [c for s in sentences for c in _sentence_candidates(s, item)]
    return [_finish(c) for c in _consolidate(found, item.title)]


def _mask(text: str, raws: list[_Raw]) -> str:
    """The text with its money amounts blanked out, offsets unchanged."""
    parts, last = [], 0
    for raw in raws:
        parts += [text[last : raw.start], " " * (raw.end - raw.start)]
        last = raw.end
    return "".join([*parts, text[last:]])


def _sentence_candidates(sentence: str, item: _Item) -> list[Candidate]:
    """Candidates of one sentence of an item."""
    raws = _raw_mentions(sentence)
    scan, cues = _scan(sentence, item.currency, raws), _cues(sentence)
    conversions: dict[int, list[MoneyMention]] = {}
    for mention, role in scan:
        if role is not None:
            conversions.setdefault(role, []).append(mention)
    primaries = [(i, m) for i, (m, role) in enumerate(scan) if role is None and _is_penalty(sentence, m)]
    spans = _Spans(sentence, _platform_spans(sentence)) if sentence != item.title else item.title_spans
    authority = _authority(sentence)
    jurisdiction = (
        _first_code(authority or "", _BARE_PLACE)
        or _first_code(_mask(sentence, raws), _PLACE_RULES)
        or item.jurisdiction
    )
    each_before = bool(_EACH_BEFORE.search(sentence))
    paired = _respectively(sentence, spans, primaries)
    out = []
    for index, mention in primaries or ([(None, None)] if spans.found else []):
        action = _action_type(sentence, mention, cues)
        if action is None and not (authority and mention and spans.found):
            continue
        converted = conversions.get(index, []) if index is not None else []
        platform, reasons = _platform(spans, mention.start if mention else cues.position, item)
        if paired is not None and index is not None:  # "... respectively": the listed platforms in turn
            platform, reasons = paired.get(index), [r for r in reasons if r != "platform_unclear"]
            reasons += [] if platform else ["platform_unclear"]
        reasons += _doubts(sentence, mention, cues)
        end = max((m.end for m in [*converted, mention] if m), default=0)
        each = mention is not None and (_EACH.match(sentence, end) or each_before)
        named = spans.names or item.title_spans.names
        if each and named:  # one fine per platform listed: the list is expected
            reasons = [r for r in reasons if r not in ("no_platform", "platform_unclear")]
            reasons += [] if spans.found else ["platform_from_context"]  # "Each was fined ...": the title's
        for name in named if each and named else [platform]:
            out.append(_build(sentence, mention, converted, (name, jurisdiction, authority, action), reasons))
    return out


def _respectively(
    sentence: str, spans: _Spans, primaries: list[tuple[int, MoneyMention]]
) -> dict[int, str] | None:
    """For "fined Google and Facebook €150m and €60m respectively", the platform of each amount.

    None when the sentence does not say "respectively"; an empty dict when the platforms listed
    before the first amount do not pair up one to one with the amounts.
    """
    if not _RESPECTIVELY.search(sentence) or len(primaries) < 2:
        return None
    names = list(dict.fromkeys(name for start, _, name in spans.found if start < primaries[0][1].start))
    return (
        {i: name for (i, _), name in zip(primaries, names, strict=True)}
        if len(names) == len(primaries)
        else {}
    )


def _doubts(sentence: str, mention: MoneyMention | None, cues: _Cues) -> list[str]:
    """Reasons to doubt a sentence's action that lie in its wording."""
    start, end = (mention.start, mention.end) if mention else (cues.position, cues.position)
    return [reason for reason, doubt in (
        ("planned_action", mention is None and cues.planned),  # "threatened to block"
        ("planned_action", mention is not None and bool(_OFFERED.search(sentence, max(0, start - 60), start))),
        ("amount_is_conversion", mention is not None and bool(_AT_RATE.match(sentence, end))),
        ("earlier_action", _looks_back(sentence, start, end)),
    ) if doubt]  # fmt: skip


def _build(sentence: str, mention: MoneyMention | None, conversions: list[MoneyMention],
           fields: tuple[str | None, str | None, str | None, str | None], reasons: list[str]) -> Candidate:  # fmt: skip
    platform, jurisdiction, authority, action = fields
    amount, currency, qualifier = (
        (mention.amount, mention.currency, _QUALIFIER_CLASS.get(mention.qualifier or "", mention.qualifier))
        if mention
        else [None] * 3
    )
    reasons = reasons + [r for r, bad in (
        ("no_action_verb", action is None),
        ("no_amount", mention is None and action in _MONETARY),
        ("currency_ambiguous", mention is not None and currency is None),
        ("amount_qualified_approximate", qualifier in _APPROXIMATE),
        ("amount_qualified_bound", qualifier is not None and qualifier not in _APPROXIMATE),
        ("conversion_currency_ambiguous", any(c.currency is None for c in conversions)),
        ("no_jurisdiction", jurisdiction is None),
    ) if bad]  # fmt: skip
    usd = next((c.amount for c in conversions if c.currency == "USD"), None)
    eur = next((c.amount for c in conversions if c.currency == "EUR"), None)
    core = (platform, jurisdiction, authority, action or "other", amount, currency, qualifier, usd, eur)
    return Candidate(*core, sentence, _confidence(reasons), tuple(dict.fromkeys(reasons)))


def _confidence(reasons: tuple[str, ...] | list[str]) -> float:
    return round(max(0.0, 1.0 - sum(_PENALTIES.get(r, 0.1) for r in reasons)), 2)


def _is_penalty(sentence: str, mention: MoneyMention) -> bool:
    """False for amounts that are revenue, prices, claims or proposals rather than penalties."""
    clause = re.split(r"[,;:(—–]", sentence[max(0, mention.start - 60) : mention.start])[-1]
    after = sentence[mention.end : mention.end + 25]
    if mention.qualifier in ("up to", "as much as") and _POTENTIAL.search(clause):
        return False  # "faces a fine of up to £10m" is a maximum, not a decision
    return not (_NOT_PENALTY.search(clause) or _NOT_PENALTY_AFTER.match(after))


def _looks_back(sentence: str, start: int, end: int) -> bool:
    """Whether the clause around an amount or verb recalls an earlier action ("fined ... in 2018")."""
    left, right = sentence[max(0, start - 100) : start], sentence[end : end + 100]
    clause = _CLAUSE_BREAK.split(left)[-1] + sentence[start:end] + _CLAUSE_BREAK.split(right)[0]
    return bool(_EARLIER.search(clause))


def _blank(rx: re.Pattern[str], text: str) -> str:
    return rx.sub(lambda m: " " * len(m.group()), text)


def _cues(sentence: str) -> _Cues:
    """Action words of a sentence; avoided ("to avoid penalties") and negated ("never fined") ones do not count."""
    plain = _blank(_NEGATED, _blank(_AVOIDED, sentence))
    fine, pay = _FINE.search(plain), _PAY.search(plain)
    hits = sorted((m.start(), kind) for kind, rx in _NON_MONETARY if (m := rx.search(plain)))
    kinds = [k for _, k in hits if k != "order"] or [k for _, k in hits]  # "ordered ... blocked": block
    position = min([h for h, _ in hits] + ([fine.start()] if fine else []), default=0)
    clause = re.split(r"[,;:(—–]", sentence[max(0, position - 60) : position])[-1]
    return _Cues(
        fine=fine is not None, daily=bool(_DAILY.search(plain)), pay=pay, turnover=bool(_TURNOVER.search(plain)),
        kind=kinds[0] if kinds else None, position=position, planned=bool(_PLANNED.search(clause)),
    )  # fmt: skip


def _action_type(sentence: str, mention: MoneyMention | None, cues: _Cues) -> str | None:
    if mention is not None:
        before = sentence[max(0, mention.start - 30) : mention.start]
        if _PER_DAY.match(sentence, mention.end) or _DAILY.search(before):
            return "periodic_penalty"
    elif cues.fine and cues.daily:
        return "periodic_penalty"
    pays = cues.pay is not None and (mention is not None or cues.pay.group().lower().endswith("pay"))
    if cues.fine or pays:  # "ordered to pay" without an amount is still a fine, just an incomplete one
        return "turnover_fine" if cues.turnover else "fine"
    return cues.kind


def _platform_spans(text: str) -> list[tuple[int, int, str]]:
    """Platform mentions by position, without the owner in "Facebook owner Meta"."""
    spans = sorted((m.start(), m.end(), name) for name, rx in _PLATFORMS for m in rx.finditer(text))
    kept: list[tuple[int, int, str]] = []
    for span in spans:
        if not (kept and _OWNER_GAP.fullmatch(text[kept[-1][1] : span[0]])):
            kept.append(span)
    return kept


def _platform(spans: _Spans, anchor: int, item: _Item) -> tuple[str | None, list[str]]:
    """The platform nearest before the amount (or the verb), else the title's only platform."""
    if not spans.found:
        names = item.title_spans.names
        if len(names) != 1:
            return None, ["no_platform"]  # none, or several to choose from
        return names[0], ["platform_from_context"]
    before = bisect_left(spans.starts, anchor)
    k = before - 1 if before else 0
    # "fined Google ... on google.fr and YouTube, and said it would face ...": "it" is Google.
    if before > 1 and _PRONOUN.search(spans.text, max(spans.found[k][1], anchor - 200), anchor):
        k = 0
    end, name = spans.found[k][1:]
    reasons = ["multiple_platforms"] if len(spans.names) > 1 else []
    reasons += ["platform_unclear"] * _unclear(spans, k)
    return name, reasons + ["fined_party_not_platform"] * bool(_NOT_THE_PLATFORM.match(spans.text, end))


def _unclear(spans: _Spans, k: int) -> bool:
    """Whether the k-th platform is listed with, or compared to, a platform of another family."""
    start, end, name = spans.found[k]
    if _COMPARED.search(spans.text, max(0, start - 20), start):
        return True
    family = _PARENT.get(name, name)
    for i, gap in ((k - 1, (None, start)), (k + 1, (end, None))):
        if 0 <= i < len(spans.found) and _PARENT.get(spans.found[i][2], spans.found[i][2]) != family:
            lo, hi = gap[0] if gap[0] is not None else spans.found[i][1], gap[1] or spans.found[i][0]
            if _COORDINATED.fullmatch(spans.text, lo, hi):
                return True
    return False


# Wire copy often names a court only by its city: "a Moscow court", "a court in Moscow".
_CITY_COURT = re.compile(
    r"\b(?:(?P<city>[A-Z][\w-]+(?:\s+[A-Z][\w-]+)?)\s+(?:(?:district|city|magistrate'?s?|arbitration)\s+)?court"
    r"|court\s+in\s+(?P<city2>[A-Z][\w-]+(?:\s+[A-Z][\w-]+)?))\b"
)


def _authority(sentence: str) -> str | None:
    m = _AUTHORITY.search(sentence)
    if m:
        return _AUTHORITY_LEAD.sub("", m.group(0))
    city = _CITY_COURT.search(sentence)
    name = city and (city.group("city") or city.group("city2"))
    # "A Russian court" names a country, not a court: leave it to the jurisdiction rules.
    if name and name not in ("A", "The") and not re.search(r"(?:ian|ese|ish|an)$", name):
        return f"court in {name}"
    return None


def _first_code(text: str, rules: tuple[re.Pattern[str], ...]) -> str | None:
    """The jurisdiction of the earliest known institution or place rule match in a text."""
    hits = [m for rx in (_INSTITUTIONS, *rules) if (m := rx.search(text))]
    if not hits:
        return None
    first = min(hits, key=lambda m: m.start())  # an institution wins a tie: it is listed first
    if first.re is _INSTITUTIONS:
        return first.lastgroup
    return next((code for code, rx in _PLACE_NAMES if rx.match(first["place"])), None)


def _consolidate(found: list[Candidate], title: str) -> list[Candidate]:
    """Read an item as one action per platform unless it clearly reports several.

    Repeats of one action (headline and body, a rounded or converted figure quoted again) are
    merged; a figure in another currency that converts the local one becomes ``reported_usd`` /
    ``reported_eur``. Figures that stay distinct are separate actions only when one sentence
    lists them in one currency, when they differ in kind (a fine and a daily penalty) or
    platform, or when the text says so ("also", "another", "separate"). Otherwise they get
    ``conflicting_amounts``, except the one whose amount the headline gives. The headline's
    action also loses ``earlier_action`` (set on clauses that look back: "last year", "in 2018").
    """
    kept: list[Candidate] = []
    headline: set[int] = set()  # indices of the kept candidates whose amount the title gives
    for cand in found:
        if len(kept) >= _MAX_CANDIDATES:
            kept.append(_with_reasons(cand, "too_many_candidates"))
            continue
        index = _place(kept, cand, headline)
        if cand.sentence == title and cand.amount is not None:
            headline.add(index)
    return [_without(c, "earlier_action") if i in headline else c for i, c in enumerate(kept)]


def _place(kept: list[Candidate], cand: Candidate, headline: set[int]) -> int:
    """Merge a candidate into the kept ones or append it; return where it went."""
    twin = next((i for i, k in enumerate(kept) if _same_action(k, cand)), None)
    if twin is not None:
        kept[twin] = _combine(kept[twin], cand)
        return twin
    pair = next(((i, p) for i, k in enumerate(kept) if (p := _local_and_converted(k, cand))), None)
    if pair is not None:
        kept[pair[0]] = _absorb(*pair[1])
        return pair[0]
    clashes = [i for i, k in enumerate(kept) if _clash(k, cand)]
    for i in clashes:
        kept[i] = kept[i] if i in headline else _with_reasons(kept[i], "conflicting_amounts")
    kept.append(_with_reasons(cand, "conflicting_amounts") if clashes else cand)
    return len(kept) - 1


def _family(c: Candidate) -> str | None:
    return _PARENT.get(c.platform or "", c.platform)


def _kind(c: Candidate) -> str:
    return "fine" if c.action_type == "turnover_fine" else c.action_type


def _related(a: Candidate, b: Candidate) -> bool:
    """One platform family, or one of the two names none."""
    return a.platform is None or b.platform is None or _family(a) == _family(b)


def _same_action(a: Candidate, b: Candidate) -> bool:
    """Whether candidates from two sentences report one action (a repeat, maybe rounded or converted).

    Without an amount, a repeat is of the same kind, or an order that a fine enforces
    (headline "Amazon ordered to pay", body "... ordered Amazon to pay ¥300 million").
    """
    if a.sentence == b.sentence or not _related(a, b):
        return False
    if a.amount is None or b.amount is None:
        kinds = {_kind(a), _kind(b)}
        same_kind = len(kinds) == 1 or kinds <= _MONETARY or kinds - _MONETARY == {"order"}
        return same_kind and bool(a.platform and b.platform)
    return _quotes(a, b) or _quotes(b, a)


def _quotes(x: Candidate, y: Candidate) -> bool:
    """Whether x's figure is y's amount or one of y's stated conversions, written again."""
    figures = ((y.amount, y.currency), (y.reported_usd, "USD"), (y.reported_eur, "EUR"))
    return any(
        value is not None and x.currency in (None, code) and _agree(x.amount, value)
        for value, code in figures
    )


def _agree(x: Decimal | None, y: Decimal) -> bool:
    """Whether two figures are one amount, the less precise one a rounding of the other.

    "207.4 billion" and "207,400,000,000" agree, so do "$177 million" and "$176.64 million" and
    "7.2 billion" and "7,221,916,235". A one-digit figure ("$5 billion") agrees within 5%.
    """
    if x is None or x == y:
        return x is not None
    coarse, fine = sorted((x, y), key=_digits)
    digits = _digits(coarse)
    if digits == 1:
        return abs(x - y) <= Decimal("0.05") * max(x, y)
    step = Decimal(1).scaleb(fine.adjusted() - digits + 1)
    return fine.quantize(step, rounding=ROUND_HALF_UP, context=_CTX) == coarse


def _digits(value: Decimal) -> int:
    """Significant digits: 2 for 7,200,000,000, 5 for 176.64."""
    return len(value.normalize(_CTX).as_tuple().digits) if value else 1


def _local_and_converted(a: Candidate, b: Candidate) -> tuple[Candidate, Candidate] | None:
    """(local, converted) when one candidate's figure is the other's fine in another currency.

    The local figure is the one in the jurisdiction's currency; without a known jurisdiction, a
    non-dollar figure next to a US or unresolved dollar one ("7.2 billion roubles" and "$98
    million" in the headline).
    """
    if a.amount is None or b.amount is None or a.currency == b.currency:
        return None
    if _kind(a) != _kind(b) or not _related(a, b):
        return None
    home = _HOME.get(a.jurisdiction or b.jurisdiction or "")
    for local, other in ((a, b), (b, a)):
        if home and local.currency == home:
            return local, other
        if not home and local.currency not in (None, *_DOLLARS) and other.currency in (None, "USD"):
            return local, other
    return None


def _absorb(local: Candidate, converted: Candidate) -> Candidate:
    """The local candidate, keeping the other's figure as its stated USD or EUR conversion."""
    merged = _merge(local, converted)
    if converted.currency == "USD" and merged.reported_usd is None:
        merged = replace(merged, reported_usd=converted.amount)
    if converted.currency == "EUR" and merged.reported_eur is None:
        merged = replace(merged, reported_eur=converted.amount)
    return merged


def _clash(a: Candidate, b: Candidate) -> bool:
    """Two figures that would be two fines of one platform, without the text saying there are two.

    One sentence listing amounts in one currency says so ("3.2, 3.3 and 2.4 million rubles"),
    unless it changes a figure; so do "also", "another", "separate".
    """
    if a.amount is None or b.amount is None or _kind(a) != _kind(b) or not _related(a, b):
        return False
    if "earlier_action" in a.reasons + b.reasons:
        return False  # an earlier fine is another fine: it casts no doubt on this one
    listed = a.sentence == b.sentence and a.currency == b.currency and not _CHANGED.search(a.sentence)
    return not (listed or _SEPARATE.search(b.sentence))


def _combine(a: Candidate, b: Candidate) -> Candidate:
    """Keep the richer (then the more precise) of two candidates for one action, filling its gaps."""

    def richness(c: Candidate) -> tuple[bool, bool, int, int, float]:
        reported = (c.reported_usd is not None) + (c.reported_eur is not None)
        precision = _digits(c.amount) if c.amount is not None else 0
        return c.amount is not None, c.currency is not None, reported, precision, c.confidence

    best, other = (a, b) if richness(a) >= richness(b) else (b, a)
    return _merge(best, other)


def _merge(best: Candidate, other: Candidate) -> Candidate:
    """The best candidate, with its missing platform, authority and jurisdiction taken from the other."""
    fields = ("platform", "authority", "jurisdiction")
    fills = {f: getattr(other, f) for f in fields if getattr(best, f) is None and getattr(other, f)}
    if best.action_type == "fine" and other.action_type in _MONETARY:
        fills["action_type"] = other.action_type  # the more specific kind of fine
    renamed = {"no_platform": "platform_from_context"} if "platform" in fills else {}
    dropped = {"no_jurisdiction"} if "jurisdiction" in fills else set()
    carried = [r for r in other.reasons if r == "conflicting_amounts"]
    reasons = tuple(dict.fromkeys([*(renamed.get(r, r) for r in best.reasons if r not in dropped), *carried]))
    return replace(best, **fills, reasons=reasons, confidence=_confidence(reasons))


def _without(c: Candidate, reason: str) -> Candidate:
    reasons = tuple(r for r in c.reasons if r != reason)
    return replace(c, reasons=reasons, confidence=_confidence(reasons))


def _with_reasons(c: Candidate, *added: str) -> Candidate:
    reasons = tuple(dict.fromkeys((*c.reasons, *added)))
    return replace(c, reasons=reasons, confidence=_confidence(reasons))


def _finish(c: Candidate) -> Candidate:
    """Item-level checks once merging is done: a fine's currency must be its jurisdiction's."""
    home = _HOME.get(c.jurisdiction or "")
    foreign = c.amount is not None and c.currency is not None and home is not None and c.currency != home
    return _with_reasons(c, "currency_not_local") if foreign else c
