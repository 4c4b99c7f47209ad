"""Sentences of news text: where a summary's sentences start and end.

Pure functions; the abbreviations after which a "." does not end a sentence are in
etl/data/news_tables.toml. Rules: docs/news_extraction.md, "Candidates".
"""

from __future__ import annotations

import re

from etl.parsing.news_money import TABLES

_BOUNDARY = re.compile(r"[.!?][\"'”’)\]]*(\s+)(?=[\"'“‘(\[]?[A-Z0-9])")
_ABBREVIATIONS = frozenset(TABLES["abbreviations"])


def split_sentences(text: str) -> list[str]:
    """Split text into sentences at paragraph breaks and sentence-final punctuation.

    Abbreviations ("U.S.", "Art.", "No.", "Jan.", initials) and decimal points do not end a
    sentence.

    Args:
        text: Plain or Markdown news text.

    Returns:
        The non-empty sentences in order, each a stripped, verbatim substring of ``text``.
    """
    return [text[start:end] for start, end in sentence_spans(text)]


_PARAGRAPH = re.compile(r"\n\s*\n")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Where the sentences of ``split_sentences`` are in the text: (start, end) of each."""
    pieces, start = [], 0
    for paragraph in [*_PARAGRAPH.finditer(text), None]:
        stop = paragraph.start() if paragraph else len(text)
        for m in _BOUNDARY.finditer(text, start, stop):
            last = _last_word(text, start, m.start(1)).strip("\"'”’)]([“‘").rstrip(".").lower()
            if m.group(0)[0] == "." and (last in _ABBREVIATIONS or len(last) == 1):
                continue
            pieces.append((start, m.start(1)))
            start = m.end(1)
        pieces.append((start, stop))
        start = paragraph.end() if paragraph else stop
    spans = []
    for begin, end in pieces:
        piece = text[begin:end]
        if piece.strip():
            spans.append((begin + len(piece) - len(piece.lstrip()), begin + len(piece.rstrip())))
    return spans


def _last_word(text: str, start: int, end: int) -> str:
    """``text[start:end].split()[-1]`` (or ""), read backwards from ``end``.

    After an abbreviation the sentence goes on, so splitting the whole chunk at every boundary
    was quadratic in the abbreviations of a paragraph; this costs the length of the word.
    """
    begin = end
    while begin > start and not text[begin - 1].isspace():
        begin -= 1
    return text[begin:end]


def semicolon_clause(sentence: str, at: int) -> tuple[int, int]:
    """Start and end of the part of ``sentence`` around ``at`` between semicolons ("fines A; court upholds B")."""
    end = sentence.find(";", at)
    return sentence.rfind(";", 0, at) + 1, end if end >= 0 else len(sentence)
