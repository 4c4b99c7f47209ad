"""``finditer`` of the money pattern, run only near the places where an amount's number can be.

The money pattern (etl/parsing/news_amounts.py) starts with optional parts (a qualifier, a
currency prefix, a space), so a plain ``finditer`` tries the whole pattern at every position of a
news item. Every match holds a number, and each number holds a digit or a number word ("two",
"million"): ``LeadScan.finditer`` finds those first (a cheap scan of the lowered text), then
searches from a little before each one. How far before follows from what may stand in front of
a number in a match: at most ``max_tokens`` runs of text between white space (or backslashes),
each made only of the letter runs and signs of the pattern's lead (its qualifiers, currency
prefixes, "a", "an", "half") and at most ``_MAX_TOKEN`` characters long. Going left from the
number, the window ends at the first run that cannot be such a run, or at the last that can.
No match can start further left, so the matches are ``finditer``'s, in the same order, with the
same groups. Pure; no state between calls.
"""

from __future__ import annotations

import re
from itertools import product
from re import _constants as sre
from re import _parser as sre_parse

from etl.parsing.news_gate import fold

_MAX_TOKEN = 32  # longer than any run of a lead ("approximately$half" is 18)
_PIECES = re.compile(r"[^\W\d_]+|.", re.S)  # letter runs and single other characters


def _expand(items: list, icase: bool = False) -> set[str]:
    """Every string a finite pattern matches, white space read as one space (lookarounds ignored)."""
    out = {""}
    for op, av in items:
        if op is sre.LITERAL:
            options = {chr(av)}
        elif op is sre.IN:
            options = set()
            for kind, arg in av:
                if kind is sre.LITERAL:
                    options.add(chr(arg))
                elif kind is sre.RANGE:
                    options.update(map(chr, range(arg[0], arg[1] + 1)))
                elif kind is sre.CATEGORY and arg is sre.CATEGORY_SPACE:
                    options.add(" ")
                else:
                    raise ValueError(f"cannot expand {kind} {arg}")
        elif op is sre.BRANCH:
            options = set().union(*(_expand(list(alt)) for alt in av[1]))
        elif op is sre.SUBPATTERN:
            options = _expand(list(av[3]))
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT):
            low, high, body = av
            once = _expand(list(body))
            counts = range(low, (low + 1 if high is sre.MAXREPEAT else high) + 1)
            options = {"".join(p) for n in counts for p in product(once, repeat=n)}
        elif op in (sre.AT, sre.ASSERT, sre.ASSERT_NOT):
            options = {""}
        else:
            raise ValueError(f"cannot expand {op}")
        out = {a + b for a, b in product(out, options)}
    return out


def lead_alphabet(patterns: list[str]) -> tuple[frozenset[str], frozenset[str], int]:
    """What the strings of the patterns hold: letter runs (folded), other characters, most runs between blanks.

    The last is for a string of each pattern in turn: the largest number of runs between white space.
    """
    expanded = [_expand(list(sre_parse.parse(p).data)) for p in patterns]
    strings = set().union(*expanded)
    pieces = {piece for s in strings for piece in _PIECES.findall(s) if not piece.isspace()}
    runs = frozenset(fold(p) for p in pieces if p[0].isalpha())
    most = sum(max(len(s.split()) for s in strings_of_one) for strings_of_one in expanded)
    return runs, frozenset(p for p in pieces if not p[0].isalpha()), most


class LeadScan:
    """``rx.finditer`` for a pattern whose every match holds a number (see the module docstring)."""

    def __init__(self, rx: re.Pattern[str], words: list[str], lead: list[str]) -> None:
        """``words``: the number words, in lower case; ``lead``: the patterns that may precede a number, in order."""
        self.rx = rx
        self.numbers = re.compile(r"[0-9]+|\b(?:{})\b".format("|".join(sorted(words, key=len, reverse=True))))
        self.runs, self.signs, self.max_tokens = lead_alphabet(lead)

    def _lead_token(self, token: str) -> bool:
        """Whether a run between white space may be one of a lead's (a safe over-estimate)."""
        for piece in _PIECES.findall(token):
            if not (fold(piece) in self.runs if piece[0].isalpha() else piece in self.signs):
                return False
        return True

    def _window(self, text: str, at: int, floor: int) -> int:
        """The leftmost position, not below ``floor``, where a match holding the number at ``at`` may start."""
        i, tokens = at, 0
        while i > floor:
            k = i
            while k > floor and i - k <= _MAX_TOKEN and not (text[k - 1].isspace() or text[k - 1] == "\\"):
                k -= 1
            if i - k > _MAX_TOKEN:
                return k  # no run of a lead is this long, so none reaches further left
            if k < i:
                if not self._lead_token(text[k:i]):
                    return k  # a match may start inside this run, not before it
                tokens += 1
                if tokens == self.max_tokens:
                    return k
            while k > floor and (text[k - 1].isspace() or text[k - 1] == "\\"):
                k -= 1
            i = k
        return floor

    def finditer(self, text: str) -> list[re.Match[str]]:
        """The matches of ``rx.finditer(text)``."""
        lowered = text.lower()
        if not text.isascii():
            lowered = lowered.replace("ı", "i").replace("ſ", "s")
            if len(lowered) != len(text):  # a letter lowered to two: positions would shift
                return list(self.rx.finditer(text))
        out: list[re.Match[str]] = []
        pos = 0
        for number in self.numbers.finditer(lowered):
            at = number.start()
            if at < pos:
                continue  # inside the last match
            m = self.rx.search(text, self._window(text, at, pos))
            if m is None:
                break
            out.append(m)
            pos = m.end()
        return out
