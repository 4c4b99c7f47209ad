"""Money amounts in news text as written: numbers, scales, currency symbols and words, exchange-rate notes.

Pure functions (the lookup tables in etl/data/news_tables.toml are read once, at import). Which
currency a shared symbol is, and which figure converts which, is etl/parsing/news_money.py. Rules:
docs/news_extraction.md, "Money".
"""

from __future__ import annotations

import re
import tomllib
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from etl.parsing.news_gate import Gated
from etl.parsing.news_numbers import DIGIT_WORDS, UNITS, amount_of, scale_exponent
from etl.parsing.news_scan import LeadScan


def compiled(table: dict[str, str]) -> tuple[tuple[str, re.Pattern[str]], ...]:
    """(key, compiled regex) pairs of a table of regexes."""
    return tuple((key, re.compile(rx)) for key, rx in table.items())


# Currencies, platforms, places, institutions, ...: etl/data/news_tables.toml.
TABLES = tomllib.loads((Path(__file__).parents[1] / "data" / "news_tables.toml").read_text(encoding="utf-8"))
DOLLARS = tuple(TABLES["currencies"]["$"])
_CURRENCIES = {key: tuple(codes) for key, codes in TABLES["currencies"].items()}
_ISO = frozenset(TABLES["iso_codes"])
_ADJECTIVES: dict[str, str] = TABLES["currency_adjectives"]

QUAL = (
    r"add(?:s|ed|ing)?\s+up\s+to|just\s+over|just\s+under|more\s+than|less\s+than|up\s+to|at\s+least|"
    r"capped\s+at|close\s+to|as\s+much\s+as|in\s+excess\s+of|upwards\s+of|an\s+estimated|approximately|approx\.|"
    r"roughly|around|about|nearly|almost|over|under|some|circa|cca\.|ca\.|~"
)
_QUAL_ALIASES = {"cca.": "about", "ca.": "about", "circa": "about", "~": "about"}
_ISO_ALT = "|".join(sorted(_ISO))
_PREFIX = (
    r"(?<![A-Za-z])(?:U\.S\.\s?\$|US\s?\$|AU\$|A\$|CA\$|C\$|NZ\$|HK\$|NT\$|S\$|R\$|E£|Rs\.?|Rp\.?|RMB|SF[Rr]\.?|R(?=[0-9])|"
    r"N(?=[0-9])|RM(?=\s?[0-9])|SR(?=[0-9])|Tk\.?(?=\s?[0-9])|GH¢|K[Ss]h\.?(?=\s?[0-9])|USh\.?(?=\s?[0-9])|"
    r"TSh\.?(?=\s?[0-9])|"
    rf"{_ISO_ALT})(?![A-Za-z])|[$€£¥￥₹₩₽₺₦₱]"
)
# Digits stand alone, or right after a three-letter code ("IDR202.5 billion", "RMB18.23 billion"),
# a sign of letters ("SFr333 million", "R449 million", "N10m", "RM3.2 million", "SR8.8 million",
# "Rp15 billion", "Rs15 crore", "Tk15 lakh", "KSh15 million").
# (each look-behind of a fixed width, as Python's re requires)
_GLUED_SIGNS = ("R[ps]", "Tk", "K[Ss]h", "[UT]Sh")
_GLUED = "|".join(rf"(?<=(?<![A-Za-z]){sign}{dot})" for sign in _GLUED_SIGNS for dot in ("", r"\."))
_DIGITS = (
    r"(?:(?<![0-9A-Za-z.,])|(?<=[A-Z]{3})|(?<=SFr)|(?<=(?<![A-Za-z])[RN])|(?<=(?<![A-Za-z])RM)|(?<=(?<![A-Za-z])SR)|"
    rf"{_GLUED})"
    r"[0-9]+(?:[.,][0-9]+)*"
)
_NUMW = "|".join(sorted(UNITS, key=len, reverse=True))
# Broadcast style spells the decimal point: "42-point-one billion won" (KBS, Yonhap).
_POINT = r"(?<![0-9A-Za-z.,])[0-9]+-point(?:-(?:{}))+".format("|".join(DIGIT_WORDS))
# ... and the whole part too: "one-point-97 billion won", "one-point-four million U.S. dollars".
_POINT_WORD = r"(?i:\b(?:{w})-point-(?:[0-9]+\b|(?:{d})(?:-(?:{d}))*\b))".format(
    w="|".join(sorted(UNITS, key=len, reverse=True)), d="|".join(DIGIT_WORDS)
)
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
    r"pesos?|ringgit|baht|rupiah|lei|leva|lev|naira|shekels?|dirhams?|riyals?|crowns?|reals|shillings?|dong|soles"
)
CURRENCY_WORDS = _CURWORD  # a currency word as written ("euros", "leva"), for rules that must tell one apart
_MONEY_RE = re.compile(
    rf"(?:(?<![A-Za-z])(?P<qual>(?i:{QUAL}))[\s\\]*)?(?P<pre>{_PREFIX})?\s?(?P<num>{_POINT}|{_POINT_WORD}|{_DIGITS}|{_WORDNUM})"
    rf"(?:(?:\s*-\s*|\s+)?(?P<scale>(?i:{_LONG_SCALES}))(?![A-Za-z])|(?P<short>[kKmMbB])(?![A-Za-z]))?"
    rf"(?:\s*-?\s*(?:de\s+|d['’]\s*|of\s+)?(?P<adj>(?:[A-Z][\w.]*\s+){{0,2}})"
    rf"(?P<word>(?i:{_CURWORD}))(?![A-Za-z])|\s?(?P<siso>{_ISO_ALT}|RMB|Ft|kr\.?|zł)(?![A-Za-z]))?"
)
# Every match holds a digit or a number word; before it may stand a qualifier, a prefix, "half a" (news_scan.py).
_SCAN = LeadScan(_MONEY_RE, [*UNITS, *_SCALEW.split("|")], [QUAL, _PREFIX, r"(?:an?|half(?:\s+an?)?)\s+"])
_LIST_GAP = re.compile(r"\s*(?:,\s*(?:and\s+)?|and\s+)")
# Exchange-rate notes are not amounts: "($1 = 73.6 roubles)", "at an exchange rate of 1,300 won per dollar".
_RATE_BEFORE = Gated(
    r"(?i)\b(?:exchange|conversion)\s+rates?\s*(?:of|at|is|was|:)?\s*(?:about|around|roughly|some)?\s*$"
)
_RATE_EQUALS = re.compile(r"\s*=")
_RATE_LINK = re.compile(r"(?i)\s*(?:=|:|to|per|for|against)\s*(?:the\s+|one\s+|a\s+|each\s+|every\s+)?")
_RATE_UNIT = re.compile(
    rf"(?i)\s*(?:per|to\s+(?:the|one|a|each)|for\s+(?:one|a|each|every)|against\s+(?:the|one|a)|a)\s+"
    rf"(?:U\.?S\.?\s+)?(?:{_CURWORD}|{_ISO_ALT})(?![A-Za-z])"
)


@dataclass(frozen=True)
class Raw:
    """A money mention before its currency is resolved: the amount and its possible ISO codes."""

    amount: Decimal
    options: tuple[str, ...]
    qualifier: str | None
    start: int
    end: int
    is_rate: bool = False  # part of an exchange-rate note, not an amount


# A match of _MONEY_RE with what it reads: its possible currencies and its amount.
Read = tuple[re.Match[str], tuple[str, ...], Decimal | None]


def read_amounts(text: str) -> list[Read]:
    """Every match of the money pattern in a text, read once (``raw_mentions`` and ``sentence_raws`` share them)."""
    return [(m, _options(m), _amount(m)) for m in _SCAN.finditer(text)]


def raw_mentions(text: str, reads: list[Read] | None = None, shift: int = 0) -> list[Raw]:
    """Mentions with a currency; "3.2 million, 3.3 million and 2.4 million rubles" share one.

    ``reads`` are the text's matches when they were read from a longer text, in which the text
    starts at ``shift`` (see ``sentence_raws``); by default the text is read here.
    """
    raws: list[Raw] = []
    pending: list[re.Match[str]] = []
    last: re.Match[str] | None = None  # the match of the last mention read, while nothing came after it
    for m, options, amount in read_amounts(text) if reads is None else reads:
        listed = bool(pending) and _LIST_GAP.fullmatch(
            text, pending[-1].end() - shift, m.start("num") - shift
        )
        if (
            last is not None
            and amount is not None
            and not options
            and _AND.fullmatch(text, last.end() - shift, m.start("num") - shift)
        ):
            whole = _compound(text, last, m, amount, shift, gap=True)
            if whole is not None:  # "Rs 1 crore and 67.80 lakh" is one figure
                raws[-1] = Raw(whole, raws[-1].options, raws[-1].qualifier, raws[-1].start, m.end() - shift)
                last = None
                continue
        last = None
        if amount is None or not options:
            scaled = amount is not None and bool(m["scale"] or m["short"])
            pending = (pending if listed else []) + [m] if scaled else []
            continue
        end = m.end()
        if pending and not listed and (whole := _compound(text, pending[-1], m, amount, shift)) is not None:
            m, amount = pending[-1], whole  # "4 billion 611 million roubles" is one figure
        for p in pending if listed and not m["pre"] else []:  # pending amounts are never None
            raws.append(
                Raw(
                    _amount(p) or Decimal(0),
                    options,
                    _qualifier(p["qual"]),
                    p.start("num") - shift,
                    p.end() - shift,
                )
            )
        pending = []
        start = m.start("pre") if m["pre"] else m.start("num")
        raws.append(Raw(amount, options, _qualifier(m["qual"]), start - shift, end - shift))
        last = m if not m["word"] and not m["siso"] else None  # "Rs 1 crore", not "1 crore rupees"
    return _mark_rate_notes(text, raws)


_AND = re.compile(r"\s+and\s+")


def _compound(
    text: str, big: re.Match[str], small: re.Match[str], amount: Decimal, shift: int, *, gap: bool = False
) -> Decimal | None:
    """The figure "4 billion 611 million" reads as one: a scaled number right before a smaller scaled one.

    With ``gap`` the two are joined by "and" ("Rs 1 crore and 67.80 lakh"), the first with its currency.
    """
    high, low = scale_exponent(_scale(big)), scale_exponent(_scale(small))
    between = text[big.end() - shift : small.start("num") - shift].strip()
    if small["pre"] or (between != "and" if gap else between) or not high > low > 0:
        return None
    head = _amount(big)
    return head + amount if head is not None and amount < 10**high else None


def _begin(m: re.Match[str]) -> int:
    """Where a match's text starts: its qualifier, prefix or number (a match may begin with a space)."""
    return next(at for at in (m.start("qual"), m.start("pre"), m.start("num")) if at >= 0)


class TextAmounts:
    """The money pattern's matches in a whole news item, read once and shared by its sentences."""

    def __init__(self, text: str) -> None:
        self.text, self.reads = text, read_amounts(text)
        self._ends = [m.end() for m, _, _ in self.reads]
        self._begins = [_begin(m) for m, _, _ in self.reads]

    def raws(self) -> list[Raw]:
        """``raw_mentions`` of the whole text."""
        return raw_mentions(self.text, self.reads)

    def sentence_raws(self, start: int, end: int) -> list[Raw]:
        """``raw_mentions(text[start:end])`` for a sentence of the text, from the matches already read.

        A sentence stands between white space (or the text's ends); the money pattern looks at
        most one character beyond what it takes, and that character is white space either way,
        so the whole text's matches inside the sentence are the sentence's own. Only a match
        across the sentence's edge could differ: then the sentence is read again on its own.
        """
        text = self.text
        sentence = text[start:end]
        blank_edges = (start == 0 or text[start - 1].isspace()) and (end == len(text) or text[end].isspace())
        lo, hi = bisect_right(self._ends, start), bisect_left(self._begins, end)
        if not blank_edges or (lo < hi and (self._begins[lo] < start or self._ends[hi - 1] > end)):
            return raw_mentions(sentence)
        return raw_mentions(sentence, self.reads[lo:hi], start)


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
        out.append(Raw(raw.amount, raw.options, raw.qualifier, raw.start, raw.end, True) if is_rate else raw)
    return out


def _lookup(token: str) -> tuple[str, ...]:
    key = re.sub(r"[\s.]", "", token).replace("￥", "¥")
    return (key,) if key in _ISO else _CURRENCIES.get(key) or _CURRENCIES.get(key.lower(), ())


def _options(m: re.Match[str]) -> tuple[str, ...]:
    """Candidate ISO codes of a match: a prefix, else a suffix code or currency word."""
    adj = m["adj"]
    read = _options_of if adj is None or len(adj) <= _CACHED_LEN else _options_of.__wrapped__
    return read(m["pre"], m["siso"], m["word"], adj)


# Pure functions of a few words of a match: real items repeat currencies and figures, so each
# distinct token is read once (bounded caches keyed on the exact text, never on a sentence;
# a token longer than _CACHED_LEN is read without the cache, so none keeps a large string alive).
_CACHED_LEN = 64


@lru_cache(maxsize=4096)
def _options_of(
    pre_text: str | None, siso: str | None, word_text: str | None, adj: str | None
) -> tuple[str, ...]:
    pre = _lookup(pre_text) if pre_text else ()
    post = _lookup(siso) if siso else ()
    if word_text:
        word = word_text.lower().split()[0]
        post = _lookup(word[:-1] if word.endswith("s") and word[:-1] in _CURRENCIES else word)
        adjective = tuple(filter(None, [_ADJECTIVES.get(" ".join((adj or "").lower().split()))]))
        post = adjective if adjective and (len(post) > 1 or word.startswith("pound")) else post
    return next((o for o in (pre, post) if len(o) == 1), pre or post)


def _amount(m: re.Match[str]) -> Decimal | None:
    num = m["num"]
    read = amount_of if len(num) <= _CACHED_LEN else amount_of.__wrapped__
    return read(num, _scale(m))


def _scale(m: re.Match[str]) -> str:
    return m["scale"] or m["short"] or ""


@lru_cache(maxsize=256)
def _qualifier(raw: str | None) -> str | None:
    text = " ".join((raw or "").lower().split())
    return None if not text or text.startswith("add") else _QUAL_ALIASES.get(text, text)
