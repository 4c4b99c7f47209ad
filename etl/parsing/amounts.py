"""Amounts as feeds write them, read without guessing the decimal separator.

A feed may declare its decimal separator (registry field ``decimal_separator``: "." or ",").
Thousands may be grouped by the other mark or by spaces, in groups of three. A feed that
declares nothing gets no decimal comma: an amount that reads as a different number with either
separator ("1,234", "2.500") or has a decimal comma ("2,5", "2.500.000,00") is quarantined with
the reason, never guessed. Pure Polars expressions.
"""

from __future__ import annotations

import polars as pl

DECIMAL_SEPARATORS = (".", ",")
# The column of a slice that holds its amounts as read, once the amount rule has checked them.
AMOUNT_READ = "_amount_read"
_SPACES = "[ \u00a0\u202f_]"  # space, no-break space, narrow no-break space, underscore


def _forms(decimal: str) -> list[str]:
    group = "," if decimal == "." else r"\."
    point = r"\." if decimal == "." else ","
    fraction = rf"(?:{point}\d+)?"
    return [
        rf"^-?\d+{fraction}$",
        rf"^-?\d{{1,3}}(?:{group}\d{{3}})+{fraction}$",
        rf"^-?\d{{1,3}}(?:{_SPACES}\d{{3}})+{fraction}$",
    ]


def _reads(text: pl.Expr, decimal: str) -> tuple[pl.Expr, pl.Expr]:
    """Whether a text is an amount with this decimal separator, and the amount with a point."""
    valid = pl.any_horizontal([text.str.contains(form) for form in _forms(decimal)])
    group = "," if decimal == "." else "."
    plain = text.str.replace_all(_SPACES, "").str.replace_all(group, "", literal=True)
    return valid.fill_null(False), plain.str.replace(",", ".", literal=True)


def read_amount(text: pl.Expr, *, decimal: str | None) -> tuple[pl.Expr, pl.Expr]:
    """An amount's text with thousands separators removed and a decimal point, and why not.

    Args:
        text: the amount as written (trimmed; null when empty).
        decimal: the feed's declared decimal separator, or None when it declares none.

    Returns:
        ``(amount, issue)``: the amount ("2500000.5"), else the text unchanged; the issue is
        null, or says why the amount cannot be read (the row is quarantined with it).
    """
    has_digit = text.str.contains(r"\d").fill_null(False)
    if decimal is not None:
        valid, value = _reads(text, decimal)
        issue = pl.when(has_digit & ~valid).then(
            pl.format("amount '{}' is not a number with decimal separator '{}'", text, pl.lit(decimal))
        )
        return pl.when(valid).then(value).otherwise(text), issue
    dot, dot_value = _reads(text, ".")
    comma, comma_value = _reads(text, ",")
    ambiguous = dot & comma & (dot_value != comma_value)
    comma_only = comma & ~dot
    issue = (
        pl.when(ambiguous)
        .then(
            pl.format(
                "amount '{}' is ambiguous: {} with a decimal point, {} with a decimal comma; "
                "declare decimal_separator in the feed's registry entry",
                text, dot_value, comma_value,
            )
        )
        .when(comma_only)
        .then(
            pl.format(
                "amount '{}' has a decimal comma, but the feed does not declare decimal_separator = \",\"",
                text,
            )
        )
        .when(has_digit & ~dot & ~comma)
        .then(pl.format("amount '{}' is not a number", text))
    )  # fmt: skip
    return pl.when(dot & ~ambiguous).then(dot_value).otherwise(text), issue
