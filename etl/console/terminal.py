"""Safe terminal output: text from feeds, files and users never drives the terminal.

Feeds are written by people we do not control. A value holding an escape sequence can clear the
screen, recolour what follows, rewrite the window title or hide a line behind a carriage return
when it is printed as it is. Everything the ``fines`` command prints goes through :func:`echo`
(our own line breaks are kept, every other control character is escaped) and values that must
stay on one line go through :func:`escape`.

Kept free of imports beyond the standard library: the command line loads it before the pipeline.
"""

from __future__ import annotations

import logging
import sys
import unicodedata
from typing import TextIO

# Besides the C0/C1 controls and DEL (category Cc): marks that reorder or break the displayed
# text (the "Trojan Source" bidirectional overrides, line and paragraph separators).
_INVISIBLE = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u2028\u2029\ufeff"
)
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\x1b": "\\x1b"}


def _escaped(char: str) -> str:
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def _unsafe(char: str) -> bool:
    return char in _INVISIBLE or unicodedata.category(char) == "Cc"


def escape(value: object) -> str:
    r"""The value as text on one line: every control character shown as an escape such as ``\x1b``.

    Args:
        value: anything; converted with ``str``.

    Returns:
        The text with control characters (including newline, tab and carriage return), DEL, C1
        controls, bidirectional overrides and line separators written as backslash escapes.
        Printable text, accents and emoji are unchanged.
    """
    text = str(value)
    if text.isprintable():  # the common case, checked in C
        return text
    return "".join(_escaped(char) if _unsafe(char) else char for char in text)


def escape_lines(text: str) -> str:
    """Like :func:`escape`, but keeps the line breaks (our own layout) as they are."""
    return "\n".join(escape(line) for line in text.split("\n"))


def one_line(text: object, *, limit: int = 500) -> str:
    """The first non-empty line of a message, escaped and cut to ``limit`` characters."""
    lines = [line.strip() for line in str(text).splitlines() if line.strip()]
    first = escape(lines[0]) if lines else ""
    return first if len(first) <= limit else first[: limit - 3] + "..."


def echo(*values: object, sep: str = " ", end: str = "\n", file: TextIO | None = None) -> None:
    """``print`` for the command line: the same arguments, control characters from data escaped.

    Line breaks inside ``values`` are kept (they are the layout of a table or a report); a
    value that must not break a line is passed through :func:`escape` first.
    """
    out = file if file is not None else sys.stdout  # looked up at call time: callers swap sys.stdout
    out.write(escape_lines(sep.join(str(value) for value in values)) + end)


class EscapingFormatter(logging.Formatter):
    """Wraps a handler's formatter: its lines show control characters from the data as escapes."""

    def __init__(self, inner: logging.Formatter | None = None) -> None:
        super().__init__()
        self.inner = inner or logging.Formatter()

    def format(self, record: logging.LogRecord) -> str:
        """The inner formatter's text, with :func:`escape_lines` applied."""
        return escape_lines(self.inner.format(record))


def escape_logs(logger: logging.Logger | None = None) -> None:
    """Make every handler of ``logger`` (default: the root logger) escape control characters."""
    for handler in (logger or logging.getLogger()).handlers:
        if not isinstance(handler.formatter, EscapingFormatter):
            handler.setFormatter(EscapingFormatter(handler.formatter))
