"""Numbers as news text writes them: digits with separators, number words, scale words.

Pure functions of one token (etl/parsing/news_amounts.py finds the tokens in a text). Rules:
docs/news_extraction.md, "Money".
"""

from __future__ import annotations

import re
from decimal import Context, Decimal, InvalidOperation
from functools import lru_cache

CTX = Context(prec=80)  # exact for real outliers (2 undecillion rubles) times 10**12 scales
_MAX_DIGITS = 40
_ONES = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen"
UNITS = {w: i for i, w in enumerate(f"{_ONES} sixteen seventeen eighteen nineteen".split())}
UNITS |= {w: 10 * i for i, w in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split(), 2)}
SCALE_EXP = {
    "hundred": 2, "k": 3, "thousand": 3, "lakh": 5, "lac": 5, "m": 6, "mn": 6, "mln": 6, "million": 6, "mio": 6,
    "millionen": 6, "millones": 6, "crore": 7, "cr": 7, "b": 9, "bn": 9, "bln": 9, "billion": 9, "mrd": 9,
    "milliard": 9, "milliarden": 9, "tn": 12, "trillion": 12, "quadrillion": 15, "quintillion": 18,
    "sextillion": 21, "septillion": 24, "octillion": 27, "nonillion": 30, "decillion": 33, "undecillion": 36,
}  # fmt: skip
_EUROPEAN = {"mio", "mrd", "millionen", "milliarden", "millones", "milliard"}  # decimal comma
DIGIT_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


def scale_exponent(scale: str) -> int:
    """The power of ten of a scale word as written ("billion", "bn", "Mio.", "millions"), 0 for none."""
    word = scale.lower().rstrip(".")
    return SCALE_EXP.get(word, SCALE_EXP.get(word[:-1], 0) if word.endswith("s") else 0)


@lru_cache(maxsize=4096)
def amount_of(num: str, scale: str) -> Decimal | None:
    """The value of a number token and its scale word ("1,337.76", "crore"), or None when it is no number."""
    scale = scale.lower().rstrip(".")
    scale = scale[:-1] if scale not in SCALE_EXP and scale.endswith("s") else scale
    if "-point-" in num.lower():  # "42-point-one" is 42.1, "one-point-97" is 1.97
        whole, _, spelled = num.lower().partition("-point-")
        whole = whole if whole.isdigit() else str(UNITS[whole])
        fraction = (
            spelled if spelled.isdigit() else "".join(str(DIGIT_WORDS.index(w)) for w in spelled.split("-"))
        )
        num = f"{whole}.{fraction}"
    try:
        base = _parse_digits(num, european=scale in _EUROPEAN) if num[0].isdigit() else _parse_words(num)
        value = base.scaleb(SCALE_EXP.get(scale, 0), CTX) if base is not None else None
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
        elif word in UNITS or word == "half":
            current += UNITS.get(word, Decimal("0.5"))
        elif word == "hundred":
            current = (current or 1) * 100
        elif word in SCALE_EXP:
            total, current = total + (current or 1) * 10 ** SCALE_EXP[word], Decimal(0)
    return total + current
