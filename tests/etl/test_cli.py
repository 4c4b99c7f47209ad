"""The ``fines`` command as users run it: a real process, real files."""

from __future__ import annotations

import argparse
import ast
import io
import logging
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from etl.console import arguments
from etl.console.terminal import EscapingFormatter, echo, escape
from etl.errors import UserError, describe
from tests.conftest import FIXTURES

ETL = Path(__file__).parents[2] / "etl"


def fines(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    """Run the installed command line in a subprocess."""
    return subprocess.run(
        [sys.executable, "-m", "etl.console.cli", *args], capture_output=True, text=True, env=env, timeout=120
    )


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """An environment with its own data folder."""
    return {**os.environ, "FINES_DATA_DIR": str(tmp_path / "data")}


def test_fx_convert_prints_amount_rate_rate_date_and_source(env: dict[str, str]):
    """The seed case: 2.5 million RUB on 2021-04-06 in USD, with its provenance."""
    result = fines("fx", "convert", "2500000", "RUB", "--on", "2021-04-06", "--to", "USD", env=env)
    assert result.returncode == 0, result.stderr
    first, rate, rate_date, source = result.stdout.splitlines()
    usd = float(first.split("=")[1].split()[0].replace(",", ""))
    assert first.startswith("2,500,000.00 RUB = ") and 32000 <= usd <= 33000
    assert rate.startswith("rate: 1 RUB = 0.0130")
    assert rate_date.startswith("rate date: 2021-04-06")
    assert "ECB" in source


def test_fx_convert_without_rate_fails_with_one_line(env: dict[str, str]):
    """No rate: exit 1 and a one-line reason, never a made-up figure."""
    result = fines("fx", "convert", "1", "USD", "--on", "1994-06-01", env=env)
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.strip().splitlines() == [result.stderr.strip()]
    assert result.stderr.startswith("fines: error: ")
    assert "USD" in result.stderr and "1994-06-01" in result.stderr


def test_run_prints_fines_by_platform_with_tiktok(env: dict[str, str], tmp_path: Path):
    """`fines run` on the bundled feeds prints the table and TikTok's 2021-04-06 fine in USD."""
    result = fines("run", "--as-of", "2026-11-29", "--warehouse", str(tmp_path / "w.duckdb"), env=env)
    assert result.returncode == 0, result.stderr
    assert "Fines by platform" in result.stdout
    tiktok = [line for line in result.stdout.splitlines() if "TikTok" in line and "2021-04-06" in line]
    assert len(tiktok) == 1 and "2,500,000.00 RUB" in tiktok[0]
    usd = float(tiktok[0].split("=")[1].split()[0].replace(",", ""))
    assert 32000 <= usd <= 33000
    assert (tmp_path / "w.duckdb").exists()


def test_ingest_then_quarantine_lists_reasons(env: dict[str, str], tmp_path: Path):
    """Ad-hoc ingest of a bad file; `fines quarantine` explains each rejected row."""
    warehouse = str(tmp_path / "w.duckdb")
    bad = str(FIXTURES / "feeds" / "synthetic_bad_rows.csv")
    result = fines(
        "ingest", bad, "--format", "csv", "--as-of", "2026-11-29", "--warehouse", warehouse, env=env
    )
    assert result.returncode == 0, result.stderr
    assert "synthetic_bad_rows: ok: 6 in, 2 loaded, 1 duplicates, 3 quarantined" in result.stdout
    listed = fines("quarantine", "--warehouse", warehouse, env=env)
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.startswith("3 rows in quarantine")
    assert "currency: currency_is_iso_4217 (got 'XYZ')" in listed.stdout
    assert "line 3" in listed.stdout and "date_exists_in_calendar" in listed.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["ingest", "/nonexistent/feed.csv", "--format", "csv"], "no such file"),
        (["quarantine"], "does not exist yet"),
        (["run", "--config", "/nonexistent/feeds.toml"], "feed registry not found"),
    ],
)
def test_user_errors_exit_nonzero_with_one_line(
    env: dict[str, str], tmp_path: Path, args: list[str], message: str
):
    """Bad input gives exit 1 and one line naming the problem, no traceback."""
    result = fines(*args, "--warehouse", str(tmp_path / "none.duckdb"), env=env)
    assert result.returncode == 1
    assert message in result.stderr and "Traceback" not in result.stderr


# --- printing data safely (etl.console.terminal) ------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("a\x1b[2Jb", "a\\x1b[2Jb"),  # clear screen
        ("\x1b]0;title\x07", "\\x1b]0;title\\x07"),  # set the window title
        ("paid\rrefused", "paid\\rrefused"),  # overwrite the start of the line
        ("abc\x08\x08", "abc\\b\\b"),
        ("one\ntwo\tthree", "one\\ntwo\\tthree"),
        ("\x9b31m", "\\x9b31m"),  # C1 control sequence introducer
        ("\x7f\x00", "\\x7f\\x00"),
        ("abc\u202edcba", "abc\\u202edcba"),  # right-to-left override ("Trojan Source")
        ("a\u2028b", "a\\u2028b"),  # line separator
    ],
)
def test_escape_shows_terminal_controls_as_backslash_escapes(raw: str, shown: str):
    """Control characters, DEL, C1 controls, bidi overrides and line separators are written as escapes."""
    assert escape(raw) == shown


@pytest.mark.parametrize("text", ["Ñandú", "Роскомнадзор", "抖音", "🙂 fine", "1\u00a0000 €", "C:\\path", ""])
def test_escape_keeps_printable_text(text: str):
    """Accents, Cyrillic, CJK, emoji, a no-break space and backslashes are printed as they are."""
    assert escape(text) == text


def test_echo_keeps_layout_line_breaks_and_escapes_the_rest():
    """`echo` is `print` with the data's controls escaped; the newlines of our own layout stay."""
    out = io.StringIO()
    echo("table:\n", f"row {'x' + chr(27) + '[31m'}", sep="", end="!\n", file=out)
    assert out.getvalue() == "table:\nrow x\\x1b[31m!\n"


def test_log_lines_escape_control_characters():
    """A log message quoting feed data cannot recolour the terminal."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(EscapingFormatter(logging.Formatter("%(levelname)s %(message)s")))
    logger = logging.getLogger("tests.terminal")
    logger.addHandler(handler)
    try:
        logger.warning("feed %s failed", "x\x1b[2J")
    finally:
        logger.removeHandler(handler)
    assert stream.getvalue() == "WARNING feed x\\x1b[2J failed\n"


def test_no_module_prints_except_through_echo():
    """Every line the command prints goes through etl.console.terminal: no bare print() in the package."""
    offenders = [
        f"{path.relative_to(ETL.parent)}:{node.lineno}"
        for path in sorted(ETL.rglob("*.py"))
        if path.name != "terminal.py"
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "print"
    ]
    assert not offenders, f"use etl.console.terminal.echo instead of print: {offenders}"


@pytest.mark.parametrize(
    ("error", "line"),
    [
        (UserError("feed x: bad\nrow \x1b[2J"), "feed x: bad row \\x1b[2J"),
        (FileNotFoundError(2, "No such file or directory", "/x/y"), "/x/y: no such file or directory"),
        (KeyError("amount"), "unexpected KeyError: 'amount' (rerun with FINES_DEBUG=1 to see the traceback)"),
    ],
)
def test_describe_tells_any_error_in_one_escaped_line(error: BaseException, line: str):
    """A user error says it all; a file error names the path; anything else is a defect with a hint."""
    assert describe(error) == line


# --- argument types (etl.console.arguments) -----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [("2500000", "2500000.00"), ("1,234.50", "1234.50"), ("1_000", "1000.00"), ("1e2", "100.00"),
     ("100.990", "100.99"), ("9" * 36, "9" * 36 + ".00")],
)  # fmt: skip
def test_amount_reads_plain_and_grouped_figures_exactly(text: str, value: str):
    """Digits, thousands separators, an exponent; 36 digits before the point still fit DECIMAL(38, 2)."""
    assert arguments.amount(text) == Decimal(value)
    assert str(arguments.amount(text)) == value


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("2,5", "ambiguous amount"),  # a decimal comma or a thousands separator? never guessed
        ("12,34,567", "ambiguous amount"),
        ("-5", "is negative"),
        ("0", "is zero"),
        ("100.999", "more than 2 decimal places"),
        ("1e400", "too large"),
        ("9" * 37, "too large"),
        ("nan", "not an amount"),
        ("Infinity", "not an amount"),
        ("\u0661\u0662", "not an amount"),  # Arabic-Indic digits: Decimal reads them, we do not
        ("0x10", "not an amount"),
    ],
)
def test_amount_refuses_what_it_would_have_to_guess_or_round(text: str, why: str):
    """Negative, zero, sub-cent, oversized or ambiguous amounts are refused with the reason."""
    with pytest.raises(argparse.ArgumentTypeError, match=why):
        arguments.amount(text)


@pytest.mark.parametrize(
    ("kind", "text"),
    [(arguments.encoding, "bogus"), (arguments.encoding, "zlib"), (arguments.encoding, "rot13"),
     (arguments.feed_name, "../evil"), (arguments.feed_name, "Evil"), (arguments.feed_name, "a" * 65),
     (arguments.count, "-1"), (arguments.count, "ten"), (arguments.currency, "EURO"),
     (arguments.currency, "../")],
)  # fmt: skip
def test_argument_types_refuse_bad_values(kind, text: str):
    """Unknown or byte-to-byte encodings, path-like feed names, negative counts, malformed currency codes."""
    with pytest.raises(argparse.ArgumentTypeError):
        kind(text)


@pytest.mark.parametrize(
    ("kind", "text", "value"),
    [(arguments.encoding, "windows-1251", "windows-1251"), (arguments.encoding, "AUTO", "auto"),
     (arguments.encoding, "utf-16", "utf-16"), (arguments.feed_name, "eu_dsa", "eu_dsa"),
     (arguments.count, "0", 0), (arguments.currency, "rub", "RUB")],
)  # fmt: skip
def test_argument_types_accept_good_values(kind, text: str, value: object):
    """The same types accept what the documentation shows."""
    assert kind(text) == value
