"""Checked argument types of the ``fines`` command: a bad value is refused in one line that names it.

Each type raises :class:`argparse.ArgumentTypeError`; :class:`OneLineParser` prints it as
``fines <command>: error: argument --x: <why>`` on one line (no usage block) and exits 2.
Standard library only, so that ``fines --help`` and a refused argument stay instant.
"""

from __future__ import annotations

import argparse
import re
from decimal import ROUND_DOWN, Decimal, InvalidOperation, localcontext
from typing import NoReturn

from etl.catalog import DECIMAL_PRECISION, MONEY_SCALE
from etl.console.terminal import escape

# Amounts are stored as DECIMAL(38, 2) (etl.catalog.MONEY_SCALE) and the row contract accepts at most two
# decimal places (schemas: amount_exact), whatever the currency's minor unit: that is what the
# warehouse can hold, so that is what `fines fx convert` accepts.
MONEY_INTEGER_DIGITS = DECIMAL_PRECISION - MONEY_SCALE
_GROUPED = re.compile(r"^[0-9]{1,3}(,[0-9]{3})+(\.[0-9]+)?$")  # 1,234,567.89: commas only between thousands
_PLAIN = re.compile(r"^([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$")  # ASCII digits only
_CURRENCY = re.compile(r"^[A-Za-z]{3}$")


class OneLineParser(argparse.ArgumentParser):
    """An argument parser whose errors are one line naming the problem, with no usage block."""

    def error(self, message: str) -> NoReturn:
        """Print ``<prog>: error: <message>`` (control characters escaped) and exit with 2."""
        self.exit(2, f"{self.prog}: error: {escape(message)} (see {self.prog} --help)\n")


def amount(text: str) -> Decimal:
    """A positive amount with at most two decimal places that fits DECIMAL(38, 2).

    ``1,234.50`` and ``1_234.50`` are read as thousands separators; ``2,5`` is refused rather
    than guessed (a decimal comma or a separator?).
    """
    cleaned = text.strip().replace("_", "")
    if _GROUPED.match(cleaned):
        cleaned = cleaned.replace(",", "")
    elif "," in cleaned:
        raise argparse.ArgumentTypeError(
            f"ambiguous amount {text!r}: a comma is read only between groups of three digits "
            "(1,234.50); write the decimal part with a point"
        )
    if cleaned.startswith("-"):
        raise argparse.ArgumentTypeError(f"amount {text!r} is negative: fines are positive amounts")
    try:
        value = Decimal(cleaned) if _PLAIN.match(cleaned) else None
    except InvalidOperation:  # an exponent beyond what Decimal can hold
        value = None
    if value is None or not value.is_finite():
        raise argparse.ArgumentTypeError(f"not an amount: {text!r} (write digits, e.g. 2500000 or 1,234.50)")
    if value <= 0:
        raise argparse.ArgumentTypeError(f"amount {text!r} is zero: fines are positive amounts")
    if value.adjusted() >= MONEY_INTEGER_DIGITS:
        raise argparse.ArgumentTypeError(
            f"amount {text!r} is too large: at most {MONEY_INTEGER_DIGITS} digits before the decimal point"
        )
    with localcontext(prec=MONEY_INTEGER_DIGITS + MONEY_SCALE):  # exact: the default keeps 28 digits
        cents = value.quantize(Decimal(1).scaleb(-MONEY_SCALE), rounding=ROUND_DOWN)
    if cents != value:
        raise argparse.ArgumentTypeError(
            f"amount {text!r} has more than {MONEY_SCALE} decimal places: the warehouse keeps amounts "
            f"to {MONEY_SCALE} places (a feed row like it is quarantined), so it is not rounded here"
        )
    return cents


def feed_name(text: str) -> str:
    """A feed name as the registry allows it: lower-case letters, digits and ``_``, no paths."""
    from etl.sources.feeds import FEED_NAME  # the one definition of a valid name

    if not FEED_NAME.fullmatch(text):
        raise argparse.ArgumentTypeError(
            f"invalid feed name {text!r}: use lower-case letters, digits and _ (at most 64), "
            "starting with a letter or digit"
        )
    return text


def encoding(text: str) -> str:
    """A text encoding Python can decode (``utf-8``, ``windows-1251``, ...) or ``auto``."""
    if text.strip().lower() == "auto":
        return "auto"
    try:
        b"a".decode(text)  # an empty input would skip the lookup
    except UnicodeDecodeError:  # a text encoding (utf-16 wants two bytes)
        pass
    except LookupError:  # unknown, or not a text encoding (zlib, base64, rot13)
        raise argparse.ArgumentTypeError(
            f"unknown text encoding {text!r} (e.g. utf-8, windows-1251, latin-1, or auto)"
        ) from None
    return text


def count(text: str) -> int:
    """A whole number, zero or more."""
    try:
        value = int(text.replace("_", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be zero or more, got {text!r}")
    return value


def currency(text: str) -> str:
    """A three-letter ISO 4217 code, upper-cased (``rub`` -> ``RUB``)."""
    if not _CURRENCY.match(text):
        raise argparse.ArgumentTypeError(f"not a currency code: {text!r} (three letters, ISO 4217, e.g. RUB)")
    return text.upper()
