"""Money amounts in news text: numbers, scales, currencies and the converted figures beside them.

Pure functions (the lookup tables in etl/data/news_tables.toml are read once, at import).
``parse_money`` is the public entry; ``raw_mentions``, ``scan`` and ``currency_context`` are the
steps etl/news.py shares. Rules: docs/news_extraction.md, "Money".
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, replace
from decimal import Context, Decimal, InvalidOperation
from pathlib import Path

CTX = Context(prec=80)  # exact for real outliers (2 undecillion rubles) times 10**12 scales
_MAX_DIGITS = 40


def compiled(table: dict[str, str]) -> tuple[tuple[str, re.Pattern[str]], ...]:
    """(key, compiled regex) pairs of a table of regexes."""
    return tuple((key, re.compile(rx)) for key, rx in table.items())


# Currencies, platforms, places, institutions, ...: etl/data/news_tables.toml.
TABLES = tomllib.loads((Path(__file__).parent / "data" / "news_tables.toml").read_text(encoding="utf-8"))
DOLLARS = tuple(TABLES["currencies"]["$"])
_CURRENCIES = {key: tuple(codes) for key, codes in TABLES["currencies"].items()}
_ISO = frozenset(TABLES["iso_codes"])
_ADJECTIVES: dict[str, str] = TABLES["currency_adjectives"]
_CURRENCY_HINTS = compiled(TABLES["currency_hints"])
HOME: dict[str, str] = TABLES["home_currencies"]
QUALIFIER_CLASS: dict[str, str] = TABLES["qualifiers"]

_QUAL = (
    r"add(?:s|ed|ing)?\s+up\s+to|just\s+over|just\s+under|more\s+than|less\s+than|up\s+to|at\s+least|"
    r"close\s+to|as\s+much\s+as|in\s+excess\s+of|upwards\s+of|an\s+estimated|approximately|approx\.|"
    r"roughly|around|about|nearly|almost|over|under|some|circa|cca\.|ca\.|~"
)
_QUAL_ALIASES = {"cca.": "about", "ca.": "about", "circa": "about", "~": "about"}
APPROXIMATE = {"about", "nearly"}  # qualifier classes (see [qualifiers]) that do not bound the figure
_ISO_ALT = "|".join(sorted(_ISO))
_PREFIX = (
    r"(?<![A-Za-z])(?:U\.S\.\s?\$|US\s?\$|AU\$|A\$|CA\$|C\$|NZ\$|HK\$|NT\$|S\$|R\$|Rs\.?|Rp\.?|RMB|"
    rf"{_ISO_ALT})(?![A-Za-z])|[$€£¥￥₹₩₽₺₦]"
)
# Digits stand alone, or right after a three-letter code ("IDR202.5 billion", "RMB18.23 billion").
_DIGITS = r"(?:(?<![0-9A-Za-z.,])|(?<=[A-Z]{3}))[0-9]+(?:[.,][0-9]+)*"
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
_DIGIT_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
# Broadcast style spells the decimal point: "42-point-one billion won" (KBS, Yonhap).
_POINT = r"(?<![0-9A-Za-z.,])[0-9]+-point(?:-(?:{}))+".format("|".join(_DIGIT_WORDS))
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
    rf"(?:(?<![A-Za-z])(?P<qual>(?i:{_QUAL}))[\s\\]*)?(?P<pre>{_PREFIX})?\s?(?P<num>{_POINT}|{_DIGITS}|{_WORDNUM})"
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
class Raw:
    """A money mention before its currency is resolved: the amount and its possible ISO codes."""

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
    context_codes = currency_context(whole, raw_mentions(whole))
    return [mention for mention, _ in scan(text, context_codes, raw_mentions(text))]


def currency_context(text: str, raws: list[Raw]) -> tuple[set[str], set[str]]:
    """Currencies of the countries a text names, and the dollars it writes explicitly (A$, US$)."""
    hints = {code for code, rx in _CURRENCY_HINTS if rx.search(text)}
    explicit = {o[0] for r in raws if len(o := r.options) == 1 and o[0] in DOLLARS and not r.is_rate}
    return hints, explicit


def scan(
    text: str, context: tuple[set[str], set[str]], found: list[Raw], *, home: str | None = None
) -> list[tuple[MoneyMention, int | None]]:
    """Mentions, each with the index of the amount it converts (None for a primary amount).

    ``home`` is the currency of the jurisdiction the text is about, when known: a bare "$" that
    is a primary amount is that country's dollar if it is the only dollar country the item names
    and the item writes no other dollar explicitly ("fined Twitter $610,500" by an Australian court).
    """
    raws, (hints, explicit) = [r for r in found if not r.is_rate], context
    local = home if home in DOLLARS and hints.intersection(DOLLARS) == {home} and explicit <= {home} else None
    out = []
    for raw, role in zip(raws, _roles(text, raws), strict=True):
        currency = _resolve(raw.options, raws[role] if role is not None else None, hints, explicit)
        if currency is None and role is None and raw.options == DOLLARS and local:
            currency = local
        start, end = raw.start, raw.end
        out.append((MoneyMention(raw.amount, currency, raw.qualifier, text[start:end], start, end), role))
    return out


def raw_mentions(text: str) -> list[Raw]:
    """Mentions with a currency; "3.2 million, 3.3 million and 2.4 million rubles" share one."""
    raws: list[Raw] = []
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
                Raw(_amount(p) or Decimal(0), options, _qualifier(p["qual"]), p.start("num"), p.end())
            )
        pending = []
        start = m.start("pre") if m["pre"] else m.start("num")
        raws.append(Raw(amount, options, _qualifier(m["qual"]), start, m.end()))
    return _mark_rate_notes(text, raws)


def _mark_rate_notes(text: str, raws: list[Raw]) -> list[Raw]:
    """Flag the parts of exchange-rate notes: "$1 = 73.6 roubles", "exchange rate of 1,300 won per dollar"."""
    out: list[Raw] = []
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
    if "-point-" in num:  # "42-point-one" is 42.1
        whole, _, spelled = num.partition("-point-")
        num = whole + "." + "".join(str(_DIGIT_WORDS.index(w)) for w in spelled.split("-"))
    try:
        base = _parse_digits(num, european=scale in _EUROPEAN) if num[0].isdigit() else _parse_words(num)
        value = base.scaleb(_SCALE_EXP.get(scale, 0), CTX) if base is not None else None
        if value is not None and value == value.to_integral_value(context=CTX):
            return value.quantize(Decimal(1), context=CTX)
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


def _roles(text: str, raws: list[Raw]) -> list[int | None]:
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
    options: tuple[str, ...], converts: Raw | None, hints: set[str], explicit: set[str]
) -> str | None:
    """Pick one ISO code for a mention, or None (see ``parse_money`` for the dollar rule)."""
    if len(options) == 1:
        return options[0]
    if options != DOLLARS:
        found = [code for code in options if code in hints]
        return found[0] if len(found) == 1 else None
    others = hints.intersection(DOLLARS) - explicit - {"USD"}
    if others:
        return others.pop() if len(others) == 1 and explicit else None
    if converts is not None:
        return "USD" if converts.options != DOLLARS and "USD" not in explicit else None
    return "USD" if "USD" in hints and not explicit else None


def mask(text: str, raws: list[Raw]) -> str:
    """The text with its money amounts blanked out, offsets unchanged."""
    parts, last = [], 0
    for raw in raws:
        parts += [text[last : raw.start], " " * (raw.end - raw.start)]
        last = raw.end
    return "".join([*parts, text[last:]])
