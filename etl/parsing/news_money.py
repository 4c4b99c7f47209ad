"""Money amounts in news text: their currencies and the converted figures beside them.

Pure functions (the lookup tables in etl/data/news_tables.toml are read once, at import).
``parse_money`` is the public entry; ``scan`` and ``currency_context`` are the steps etl/parsing/news.py
shares, over the amounts etl/parsing/news_amounts.py reads. Rules: docs/news_extraction.md, "Money".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from etl.parsing.news_amounts import DOLLARS, QUAL, TABLES, Raw, compiled, raw_mentions
from etl.parsing.news_gate import Gated
from etl.parsing.news_numbers import CTX

__all__ = ["CTX", "DOLLARS", "TABLES", "MoneyMention", "Raw", "compiled", "currency_context", "mask",
           "parse_money", "raw_mentions", "scan"]  # fmt: skip

# A key may carry a suffix ("USD_STATES"): the code is what comes before it.
_CURRENCY_HINTS = tuple((key.split("_")[0], Gated(rx)) for key, rx in TABLES["currency_hints"].items())
HOME: dict[str, str] = TABLES["home_currencies"]
QUALIFIER_CLASS: dict[str, str] = TABLES["qualifiers"]
# Pesos written "$" at home, as the dollars are: a bare "$" fine of these states' authorities may be theirs.
SIGN_PESOS = frozenset({"MXN", "ARS", "CLP", "COP"})
APPROXIMATE = {"about", "nearly"}  # qualifier classes (see [qualifiers]) that do not bound the figure
# Words that introduce a converted figure: "(equivalent to $177 million)", ", which is about $177 million".
_CONVERTS = r"(?:which\s+is|(?:the\s+)?equivalent\s+(?:to|of)|equal\s+to|worth)\s+"
_BRACKET_GAP = re.compile(rf"[\s(\[,;/]*(?:(?:or|and)\s+)?(?:{_CONVERTS})?(?:(?:{QUAL})\s*)?", re.I)
_AFTER_GAP = re.compile(
    rf"\s*(?:(?:[—–/-]+|,?\s*or\b|,)\s*(?:{_CONVERTS})?|,?\s*{_CONVERTS})(?:(?:{QUAL})\s*)?", re.I
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


def currency_context(text: str, raws: list[Raw]) -> tuple[set[str], set[str], set[str]]:
    """Currencies of the countries a text names, dollars it writes explicitly (A$, US$), other currencies it writes.

    The third set holds what its figures other than bare dollars may be in ("pesos": MXN, ARS, ...).
    """
    hints = {code for code, rx in _CURRENCY_HINTS if rx.search(text)}
    explicit = {o[0] for r in raws if len(o := r.options) == 1 and o[0] in DOLLARS and not r.is_rate}
    words = {code for r in raws if r.options != DOLLARS and not r.is_rate for code in r.options}
    return hints, explicit, words


def scan(
    text: str, context: tuple[set[str], set[str], set[str]], found: list[Raw], *, home: str | None = None
) -> list[tuple[MoneyMention, int | None]]:
    """Mentions, each with the index of the amount it converts (None for a primary amount).

    ``home`` is the currency of the jurisdiction the text is about, when known: a bare "$" that
    is a primary amount is that country's dollar if it is the only dollar country the item names
    and the item writes no other dollar explicitly ("fined Twitter $610,500" by an Australian court).
    It is that country's peso (``SIGN_PESOS``) when the item names the country, writes its pesos
    in words or code, and names no dollar country and writes no dollar ("... 6.484 million pesos.
    Uber was fined $3,974,000" by Mexico's consumer agency).
    """
    raws, (hints, explicit, words) = [r for r in found if not r.is_rate], context
    local = home if home in DOLLARS and hints.intersection(DOLLARS) == {home} and explicit <= {home} else None
    if (
        home in SIGN_PESOS
        and home in hints
        and home in words
        and not hints.intersection(DOLLARS)
        and not explicit
    ):
        local = home
    out = []
    for raw, role in zip(raws, _roles(text, raws), strict=True):
        currency = _resolve(raw.options, raws[role] if role is not None else None, hints, explicit)
        if currency is None and role is None and raw.options == DOLLARS and local:
            currency = local
        elif currency is None and role is None and raw.options != DOLLARS and home in raw.options:
            # "The RBI imposed Rs 2.5 crore": a shared sign in the state's own currency, no other state hinted
            currency = home if not hints.intersection(raw.options) - {home} else None
        start, end = raw.start, raw.end
        out.append((MoneyMention(raw.amount, currency, raw.qualifier, text[start:end], start, end), role))
    return out


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
