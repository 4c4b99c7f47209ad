"""A cheap test that skips a regular expression when the text lacks every word it needs.

Most rules of the news extractor look for words that a given sentence does not contain, yet a
regex search still tries every alternative at every position. ``Gated`` wraps a compiled pattern
with the literal strings any match must contain (read from the pattern itself, see
``required``); when the text contains none of them, ``search`` returns None and ``sub`` returns
the text without running the pattern. The answers are exactly the pattern's: the test is a
necessary condition, and the pattern runs whenever it holds. Pure; no state between calls.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from itertools import product
from math import prod
from re import _constants as sre
from re import _parser as sre_parse
from typing import Any

# Case-insensitive matching of an ASCII letter also takes "İ", "ı", "ſ" and "K" (simple lower and
# upper case mappings). lower() turns "K" into "k" and "İ" into "i" plus a combining dot; these
# replacements finish the fold, so a text a pattern can match holds its literals in lower case.
_FOLD = (("\u0307", ""), ("ı", "i"), ("ſ", "s"))  # after lower(); dropping a character only adds matches
_REPEATS = (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT)
_ZERO_WIDTH = (sre.AT, sre.ASSERT, sre.ASSERT_NOT)


_last = ("", "")  # the text last folded and its fold: one sentence goes through many gates


def fold(text: str) -> str:
    """The text in lower case, the letters that case-insensitive matching equates with ASCII ones folded."""
    global _last  # noqa: PLW0603
    last = _last  # one tuple, read once: safe when threads share the module
    if text is last[0]:  # the same object, not merely equal text: nothing is kept across texts
        return last[1]
    folded = text.lower()
    if not text.isascii():  # "K" lowers to "k" already; "İ" lowers to "i" and a combining dot
        for char, plain in _FOLD:
            if char in folded:
                folded = folded.replace(char, plain)
    _last = (text, folded)
    return folded


# A literal is (text, exact): exact ones are matched case-sensitively, so they are looked for in the
# text as written; the others in lower case in the folded text.
Literal = tuple[str, bool]
Clause = frozenset[Literal]  # a match contains one of these
_IGNORECASE = int(re.IGNORECASE)


# Words in nearly every sentence: a clause holding one tells little ("in" or "since" before a year).
_COMMON = frozenset(("in", "of", "to", "on", "at", "an", "or", "the", "and"))


def _weight(literal: Literal) -> int:
    if literal[0] in _COMMON and not literal[1]:
        return 1
    return len(literal[0]) + literal[1]  # a case-sensitive letter is rarer than any letter


def _score(clause: Clause) -> tuple[int, int]:
    return min(map(_weight, clause)), -len(clause)


def _sequence(items: list, icase: bool) -> list[Clause]:
    """The clauses that a match of a sequence of nodes must satisfy, each one alone necessary."""
    sets: list[Clause] = []
    run: list[str] = []

    def close() -> None:
        if run:
            sets.append(frozenset([("".join(run), not icase)]))
            run.clear()

    for op, av in items:
        if op is sre.LITERAL and av < 128:
            run.append(chr(av).lower() if icase else chr(av))
        elif op in _ZERO_WIDTH:
            continue  # consumes nothing: the characters around it are adjacent in the match
        else:
            close()
            sets += _node(op, av, icase)
    close()
    return sets


def _best(sets: list[Clause]) -> Clause | None:
    return max(sets, key=_score) if sets else None


_COMBINATIONS = 64  # at most this many ways to take one clause of each alternative are compared


def _choose(clauses: list[Clause]) -> list[Clause]:
    """The best clause, then the best one sharing no literal with it (when there is one)."""
    ranked = sorted(dict.fromkeys(clauses), key=_score, reverse=True)
    if not ranked:
        return []
    apart = [c for c in ranked[1:] if not c & ranked[0]]
    return [ranked[0], *apart[:1]]


def _node(op: object, av: Any, icase: bool) -> list[Clause]:
    if op is sre.SUBPATTERN:
        _, add, remove, body = av
        return _sequence(list(body), (icase or bool(add & _IGNORECASE)) and not remove & _IGNORECASE)
    if op is sre.ATOMIC_GROUP:
        return _sequence(list(av), icase)
    if op in _REPEATS and av[0] >= 1:
        return _sequence(list(av[2]), icase)
    if op is sre.BRANCH:
        # A match is one alternative's: any one clause of each alternative, joined, is a clause of every match.
        each = [list(dict.fromkeys(_sequence(list(alt), icase))) for alt in av[1]]
        if not all(each):
            return []
        if prod(map(len, each)) > _COMBINATIONS:
            return [frozenset().union(*map(_best, each))]  # type: ignore[arg-type]
        return _choose([frozenset().union(*chosen) for chosen in product(*each)])
    return []


def required(rx: re.Pattern[str]) -> tuple[Clause, ...]:
    """Clauses of literals that any match of the pattern satisfies: it contains one literal of each.

    Up to two clauses, the most selective ones: those whose shortest literal is longest (a word in
    nearly every sentence, such as "in", counts as one letter). Empty when the pattern requires no
    such literal of two characters or more (then the pattern always runs).
    """
    parsed = sre_parse.parse(rx.pattern, rx.flags)
    sets = _sequence(list(parsed.data), bool(parsed.state.flags & _IGNORECASE))
    best = sorted(set(sets), key=_score, reverse=True)[:2]
    return tuple(s for s in best if _score(s)[0] >= 2)


def folded_form(pattern: str) -> str | None:
    r"""A ``needs`` for a pattern (see ``Gated``): the pattern itself, to run case-sensitively on folded text.

    Only for patterns made of ASCII literals, ``\s``, groups, alternatives and repeats: letters are
    lowered, ``\b`` and lookarounds dropped (which only lets more through). None for any other pattern.
    """
    try:
        return _folded(list(sre_parse.parse(pattern).data))
    except ValueError:
        return None


def _folded(items: list) -> str:
    out = []
    for op, av in items:
        if op is sre.LITERAL and av < 128:
            out.append(re.escape(chr(av).lower()))
        elif op in _ZERO_WIDTH:
            continue
        elif op is sre.IN and av == [(sre.CATEGORY, sre.CATEGORY_SPACE)]:
            out.append(r"\s")
        elif op is sre.SUBPATTERN:
            out.append(f"(?:{_folded(list(av[3]))})")
        elif op is sre.BRANCH:
            out.append(f"(?:{'|'.join(_folded(list(alt)) for alt in av[1])})")
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT):
            low, high, body = av
            out.append(f"(?:{_folded(list(body))}){{{low},{'' if high is sre.MAXREPEAT else high}}}")
        else:
            raise ValueError(f"no folded form for {op}")
    return "".join(out)


# A clause with more literals is tested by one regex of them (a loop of `in` cost up to 30 times more).
_MANY = 8


def _any_of(literals: tuple[str, ...]) -> re.Pattern[str] | None:
    """A regex that finds any of many literals, grouped by first character (each is 2 characters or more)."""
    if len(literals) <= _MANY:
        return None
    groups: dict[str, list[str]] = {}
    for literal in sorted(literals):
        groups.setdefault(literal[0], []).append(re.escape(literal[1:]))
    return re.compile("|".join(f"{re.escape(first)}(?:{'|'.join(rests)})" for first, rests in groups.items()))


class Gated:
    r"""A compiled pattern that runs only when the text holds the literals it needs.

    ``needs``, when given, is a further necessary condition: a case-sensitive pattern in lower case
    that the folded text (see ``fold``) of any match of the pattern holds a match of. It is written
    without ``\b`` and lookarounds, which folding may change; a letter that case-insensitive
    matching takes for an ASCII one folds to it, and white space stays white space. It serves a
    pattern whose literals are common words but whose rarer sequence of them ("court in") is cheap
    to look for in the folded text.
    """

    __slots__ = ("_checks", "_folds", "_needs", "clauses", "rx")

    def __init__(self, rx: re.Pattern[str] | str, needs: str | None = None) -> None:
        self.rx = re.compile(rx) if isinstance(rx, str) else rx
        self._needs = re.compile(needs).search if needs else None
        self.clauses = tuple(  # (folded literals, exact literals) of each clause
            (tuple(t for t, exact in c if not exact), tuple(t for t, exact in c if exact))
            for c in required(self.rx)
        )
        # A plain string is found faster by the pattern itself than by testing it as a literal first.
        plain = all(op is sre.LITERAL for op, _ in sre_parse.parse(self.rx.pattern, self.rx.flags).data)
        self._checks = (
            ()
            if plain and not self.rx.flags & _IGNORECASE
            else tuple((lowered, exact, _any_of(lowered), _any_of(exact)) for lowered, exact in self.clauses)
        )
        self._folds = needs is not None or any(lowered for lowered, _, _, _ in self._checks)

    @property
    def pattern(self) -> str:
        """The pattern's source."""
        return self.rx.pattern

    def may_match(self, text: str) -> bool:
        """False only when no match is possible anywhere in the text."""
        if not self._checks:
            return self._needs is None or self._needs(fold(text)) is not None
        folded = fold(text) if self._folds else text  # exact literals alone are looked for as written
        for lowered, exact, any_lowered, any_exact in self._checks:  # loops, not any(): this runs very often
            found = False
            if any_lowered is not None:
                found = any_lowered.search(folded) is not None
            else:
                for literal in lowered:
                    if literal in folded:
                        found = True
                        break
            if not found:
                if any_exact is not None:
                    found = any_exact.search(text) is not None
                else:
                    for literal in exact:
                        if literal in text:
                            found = True
                            break
            if not found:
                return False
        return self._needs is None or self._needs(folded) is not None

    def search(self, text: str, pos: int = 0, endpos: int | None = None) -> re.Match[str] | None:
        """``Pattern.search``; within ``pos:endpos`` only that part is tested (a match consumes nothing outside it)."""
        if endpos is None and pos == 0:
            return self.rx.search(text) if self.may_match(text) else None
        stop = len(text) if endpos is None else endpos
        return self.rx.search(text, pos, stop) if self.may_match(text[pos:stop]) else None

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        """``Pattern.finditer``."""
        return self.rx.finditer(text) if self.may_match(text) else iter(())

    def sub(self, repl: Callable[[re.Match[str]], str], text: str) -> str:
        """``Pattern.sub``."""
        return self.rx.sub(repl, text) if self.may_match(text) else text
