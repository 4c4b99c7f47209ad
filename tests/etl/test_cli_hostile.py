"""`fines` given bad values, as a careless or hostile user would: one line, a non-zero exit, no traceback.

Every command runs through the installed console script in a real process. The commands and
their options are read from the argument parser itself, so a new sub-command or option is tried
too; a new argument type needs a bad value in :data:`BAD` (the test says so). Control characters
from the data or the arguments must never reach the terminal as they are.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from etl.console import cli

FINES = str(Path(sys.executable).parent / "fines")
CONFIG = Path(__file__).parents[2] / "etl" / "config.py"
AS_OF = "2026-11-29"
# Raw control characters a terminal acts on: C0 except newline, DEL, C1, bidi overrides.
RAW_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
HOSTILE_TEXT = "\x1b]0;owned\x07\x1b[2J../../evil\r\x08"
HEADER = "source,source_record_id,decision_date,jurisdiction,authority,platform,action_type,amount,currency"
GOOD_ROW = "synthetic-test,r1,2021-04-06,RU,Synthetic court,ExampleTube,fine,1000,RUB"

# Bad values per argument type (the name of the parser's `type` callable).
BAD: dict[str, list[str]] = {
    "_date": ["2026-13-01", "yesterday"],
    "_run_date": ["2026-02-30", "2999-01-01"],
    "_amount": ["1e400", "-5", "100.999", "2,5", "nan", "\x1b[2J"],
    "_size": ["-1", "abc"],
    "count": ["-1", "1.5"],
    "feed_name": ["../evil", "\x1b[2Jx", "a" * 65],
    "encoding": ["bogus", "zlib"],
    "currency": ["../x", "EURO"],
    "Path": ["/dev/null/x"],
}
CHOICE_BAD = "bogus\x1b[2J"


def fines(*args: str, env: dict[str, str], cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run the installed `fines` console script."""
    return subprocess.run(
        [FINES, *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=300, check=False
    )


def shown(text: str) -> str:
    """How a value appears in a message: control characters as backslash escapes."""
    return text.encode("unicode_escape").decode("ascii") if RAW_CONTROL.search(text) else text


def assert_refused(result: subprocess.CompletedProcess, *fragments: str) -> str:
    """Non-zero exit, nothing on stdout, one line on stderr containing ``fragments``; no traceback."""
    context = f"exit {result.returncode}\nstdout: {result.stdout!r}\nstderr: {result.stderr!r}"
    assert result.returncode != 0, context
    assert "Traceback" not in result.stdout + result.stderr, context
    assert result.stdout == "", context
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("fines") and ": error: " in lines[0], context
    assert not RAW_CONTROL.search(result.stderr), context
    for fragment in fragments:
        assert fragment in lines[0], context
    return lines[0]


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The environment without FINES_* settings, with a data folder of its own."""
    clean = {key: value for key, value in os.environ.items() if not key.startswith("FINES_")}
    clean["FINES_DATA_DIR"] = str(tmp_path_factory.mktemp("hostile") / "data")
    for source in ("ECB", "NBP_A", "NBP_B", "CBR"):  # `fx refresh` never leaves the machine, even if it ran
        clean[f"FINES_FX_{source}_URL"] = "http://127.0.0.1:9/closed"
    clean["NO_PROXY"] = clean["no_proxy"] = "127.0.0.1,localhost"
    return clean


@pytest.fixture(scope="module")
def small_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One synthetic row: enough for a warehouse."""
    path = tmp_path_factory.mktemp("feed") / "small.csv"
    path.write_text(f"{HEADER}\n{GOOD_ROW}\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory, env: dict[str, str], small_csv: Path) -> Path:
    """A warehouse holding the one-row feed `small`."""
    path = tmp_path_factory.mktemp("wh") / "w.duckdb"
    result = fines(
        "ingest", str(small_csv), "--format", "csv", "--as-of", AS_OF, "--warehouse", str(path), env=env
    )
    assert result.returncode == 0, result.stderr
    return path


# --- the parser, enumerated ---------------------------------------------------------------------


def _commands(parser: argparse.ArgumentParser, words: tuple[str, ...] = ()) -> Iterator[tuple]:
    """(command words, parser) of every command that can run: leaves, and parents whose sub-command is optional."""
    subs = [action for action in parser._actions if isinstance(action, argparse._SubParsersAction)]
    if not subs or not subs[0].required:
        yield words, parser
    for sub in subs:
        for name, child in sub.choices.items():
            yield from _commands(child, (*words, name))


def _valued(parser: argparse.ArgumentParser) -> list[argparse.Action]:
    """The arguments that take a value (not --help, flags or sub-command choices)."""
    return [
        action
        for action in parser._actions
        if action.nargs != 0 and not isinstance(action, (argparse._SubParsersAction, argparse._HelpAction))
    ]


def _good(dest: str, small_csv: Path, tmp: Path) -> str:
    values = {
        "location": str(small_csv), "format": "csv", "amount": "100", "currency": "RUB", "on": "2021-04-06",
        "item_id": "q_0000000000000000", "reason": "synthetic test", "out": str(tmp / "out"),
    }  # fmt: skip
    assert dest in values, f"add a good value for the required argument {dest!r} to _good()"
    return values[dest]


def _base(words: tuple[str, ...], parser: argparse.ArgumentParser, small_csv: Path, tmp: Path) -> list[str]:
    """The command with a good value for each required argument."""
    args = list(words)
    for action in _valued(parser):
        if action.option_strings and action.required:
            args += [action.option_strings[0], _good(action.dest, small_csv, tmp)]
        elif not action.option_strings and action.nargs not in ("?", "*"):
            args.append(_good(action.dest, small_csv, tmp))
    return args


def _replace(
    args: list[str], parser: argparse.ArgumentParser, action: argparse.Action, value: str, *, words: int
) -> list[str]:
    """``args`` (``words`` command words first) with ``action`` given ``value``; a positional keeps its place."""
    if action.option_strings:
        flag = action.option_strings[0]
        if flag in args:
            i = args.index(flag)
            return [*args[:i], *args[i + 2 :], flag, value]
        return [*args, flag, value]
    i = words + [a for a in _valued(parser) if not a.option_strings].index(action)
    return [*args[:i], value, *args[i + 1 :]] if i < len(args) else [*args, value]


def _invocation(
    words: tuple[str, ...], name: str, value: str, *, small_csv: Path, warehouse: Path, tmp: Path
) -> list[str]:
    """The command with good values, ``name`` set to ``value``, on a copy of ``warehouse`` if it takes one."""
    parser = dict(_commands(cli._parser()))[words]
    action = next(a for a in _valued(parser) if name in (a.dest, *a.option_strings))
    args = _replace(_base(words, parser, small_csv, tmp), parser, action, value, words=len(words))
    takes_warehouse = any("--warehouse" in a.option_strings for a in _valued(parser))
    if takes_warehouse and "--warehouse" not in args:
        copy = tmp / "w.duckdb"
        copy.write_bytes(warehouse.read_bytes())
        args += ["--warehouse", str(copy)]
    return args


def _type_name(action: argparse.Action) -> str | None:
    kind = action.type
    return None if kind is None else getattr(kind, "__name__", type(kind).__name__)


def _cases() -> list[tuple[tuple[str, ...], str, str]]:
    """(command words, argument, bad value) for every typed or restricted argument of every command."""
    cases = []
    for words, parser in _commands(cli._parser()):
        for action in _valued(parser):
            name = action.option_strings[0] if action.option_strings else action.dest
            if action.choices:
                cases.append((words, name, CHOICE_BAD))
            elif action.type is not None and _type_name(action) != "str":
                cases.extend((words, name, value) for value in BAD.get(_type_name(action), [None]))
    return cases


def test_every_argument_type_has_bad_values():
    """A new argument type must come with bad values here, or its refusals go untested."""
    missing = {(words, name) for words, name, value in _cases() if value is None}
    assert not missing, f"add bad values for the types of {sorted(missing)} to BAD"


def test_enumeration_sees_every_command():
    """The walk over the parser finds the commands the README documents (and any added since)."""
    found = {" ".join(words) for words, _ in _commands(cli._parser())}
    assert {"run", "ingest", "fx convert", "fx coverage", "fx refresh", "quarantine", "review",
            "review accept", "review reject", "report", "export"} <= found  # fmt: skip


@pytest.mark.parametrize(("words", "name", "value"), _cases(), ids=lambda part: shown(str(part))[:40])
def test_each_command_refuses_a_bad_argument_in_one_line(
    words: tuple[str, ...], name: str, value: str, env: dict[str, str], warehouse: Path, small_csv: Path,
    tmp_path: Path,
):  # fmt: skip
    """Bad value for a typed or restricted argument: exit non-zero, one line naming it, no traceback."""
    args = _invocation(words, name, value, small_csv=small_csv, warehouse=warehouse, tmp=tmp_path)
    line = assert_refused(fines(*args, env=env, cwd=tmp_path))
    assert name in line or shown(value) in line


def _free_text() -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    """(command words, free-text arguments): each positional alone, a command's options together."""
    groups = []
    for words, parser in _commands(cli._parser()):
        free = [
            action.option_strings[0] if action.option_strings else action.dest
            for action in _valued(parser)
            if (action.type is None or _type_name(action) == "str") and not action.choices
        ]
        groups += [(words, (name,)) for name in free if not name.startswith("-")]
        if options := tuple(name for name in free if name.startswith("-")):
            groups.append((words, options))
    return groups


@pytest.mark.parametrize(("words", "names"), _free_text(), ids=lambda part: " ".join(part))
def test_free_text_arguments_never_reach_the_terminal_raw(
    words: tuple[str, ...], names: tuple[str, ...], env: dict[str, str], warehouse: Path, small_csv: Path,
    tmp_path: Path,
):  # fmt: skip
    """Free text with escape codes, a carriage return and `../`: no traceback, nothing raw on screen."""
    args = _invocation(words, names[0], HOSTILE_TEXT, small_csv=small_csv, warehouse=warehouse, tmp=tmp_path)
    for name in names[1:]:
        args += [name, HOSTILE_TEXT]
    result = fines(*args, env=env, cwd=tmp_path)
    output = result.stdout + result.stderr
    assert "Traceback" not in output and not RAW_CONTROL.search(output), output
    if result.returncode != 0:
        assert len(result.stderr.splitlines()) == 1, result.stderr


# --- the cases measured in issue 13, by name ------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (["ingest", "{csv}", "--format", "csv", "--feed", "../evil"], ["argument --feed", "'../evil'"]),
        (["ingest", "{csv}", "--format", "csv", "--encoding", "bogus"], ["unknown text encoding 'bogus'"]),
        (["quarantine", "--limit", "-1"], ["argument --limit", "'-1'"]),
        (["fx", "convert", "1e400", "RUB", "--on", "2021-04-06"], ["'1e400' is too large"]),
        (["fx", "convert", "-5", "RUB", "--on", "2021-04-06"], ["'-5' is negative"]),
        (["fx", "convert", "100.999", "RUB", "--on", "2021-04-06"], ["more than 2 decimal places"]),
        (["fx", "convert", "2,5", "RUB", "--on", "2021-04-06"], ["ambiguous amount '2,5'"]),
        (["fx", "convert", "100", "XYZ", "--on", "2021-04-06"], ["unknown currency XYZ"]),
        (["fx", "convert", "100", "RUB", "--on", "06.04.2021"], ["argument --on", "not a date"]),
        (["fx", "coverage", "../x"], ["not a currency code"]),
        (["run", "--as-of", "2026-13-01"], ["argument --as-of", "not a date"]),
        (["ingest", "ftp://example.org/f.csv", "--format", "csv"], ["unsupported scheme 'ftp'"]),
        (["ingest", "/nonexistent/feed.csv", "--format", "csv"], ["/nonexistent/feed.csv: no such file"]),
        (["nosuch"], ["invalid choice: 'nosuch'"]),
        ([], ["required: COMMAND"]),
    ],
)
def test_named_bad_input_gets_one_line_naming_it(
    args: list[str], fragments: list[str], env: dict[str, str], small_csv: Path
):
    """The command-line defects of issue 13: each refused in one line that names what is wrong."""
    assert_refused(fines(*[a.replace("{csv}", str(small_csv)) for a in args], env=env), *fragments)


@pytest.mark.parametrize("value", ["abc", "-0.1", "1.5", "nan", "\x1b[2J"])
def test_quarantine_threshold_that_is_no_share_is_refused(value: str, env: dict[str, str], warehouse: Path):
    """FINES_QUARANTINE_THRESHOLD must be a number from 0 to 1: else one line naming the variable."""
    result = fines(
        "quarantine", "--warehouse", str(warehouse), env={**env, "FINES_QUARANTINE_THRESHOLD": value}
    )
    assert_refused(result, "FINES_QUARANTINE_THRESHOLD", shown(value))


def _settings_variables() -> list[str]:
    return sorted(set(re.findall(r"\"(FINES_[A-Z0-9_]+)\"", CONFIG.read_text(encoding="utf-8"))))


@pytest.mark.parametrize("name", _settings_variables())
def test_every_setting_with_a_hostile_value_gives_one_line_or_works(
    name: str, env: dict[str, str], warehouse: Path, tmp_path: Path
):
    """Each FINES_* variable of etl/config.py, set to junk: the command works, or says which variable."""
    for value in ("abc\x1b[2J", "-1"):
        result = fines("quarantine", "--warehouse", str(warehouse), env={**env, name: value}, cwd=tmp_path)
        if result.returncode != 0:
            assert_refused(result)
            assert name in result.stderr or shown(value) in result.stderr, result.stderr
        else:
            assert not RAW_CONTROL.search(result.stdout + result.stderr)


def test_registry_problems_are_named(env: dict[str, str], tmp_path: Path):
    """Missing, a folder, not UTF-8, under a file: each refused in one line naming the registry."""
    latin = tmp_path / "latin.toml"
    latin.write_bytes('[feeds.caf\xe9]\nformat = "csv"\nlocation = "x.csv"\n'.encode("latin-1"))
    (tmp_path / "folder.toml").mkdir()
    for path, fragment in [
        (tmp_path / "missing.toml", "feed registry not found"),
        (tmp_path / "folder.toml", "is a folder, not a feed registry"),
        (latin, "not UTF-8 text (line 1: byte 0xe9 at offset 10)"),
        (Path("/dev/null/feeds.toml"), "not a directory"),
    ]:
        assert_refused(fines("run", "--config", str(path), "--as-of", AS_OF, env=env), str(path), fragment)


def test_paths_of_the_wrong_kind_are_named(env: dict[str, str], warehouse: Path, tmp_path: Path):
    """A data folder that is a file, a warehouse that is not DuckDB or a folder, an --out that is a file."""
    a_file = tmp_path / "a_file"
    a_file.write_text("not a database\n")
    (tmp_path / "folder.duckdb").mkdir()
    assert_refused(
        fines("fx", "coverage", "RUB", env={**env, "FINES_DATA_DIR": str(a_file)}),
        f"data folder (FINES_DATA_DIR) {a_file} is a file, not a folder",
    )
    assert_refused(
        fines("report", "--warehouse", str(a_file), env=env), f"{a_file} is not a DuckDB database file"
    )
    assert_refused(fines("report", "--warehouse", str(tmp_path / "folder.duckdb"), env=env), "is a folder")
    assert_refused(fines("report", "--warehouse", str(a_file / "w.duckdb"), env=env), f"{a_file} is a file")
    assert_refused(
        fines("export", "--out", str(a_file), "--warehouse", str(warehouse), env=env),
        f"--out {a_file} is a file, not a folder",
    )


def test_feed_filter_that_names_no_known_feed_is_refused(env: dict[str, str], warehouse: Path):
    """`quarantine --feed` and `review --feed` with a feed the warehouse never saw: one line listing the known ones."""
    for command in ("quarantine", "review"):
        assert_refused(
            fines(command, "--feed", "smal", "--warehouse", str(warehouse), env=env),
            "no feed 'smal' in the warehouse",
            "small",
        )
    known = fines("quarantine", "--feed", "small", "--warehouse", str(warehouse), env=env)
    assert known.returncode == 0 and known.stdout == "0 rows in quarantine for feed small\n"


def test_an_unexpected_error_is_one_line_with_a_hint_and_the_traceback_on_request(
    env: dict[str, str], small_csv: Path, tmp_path: Path
):
    """A defect (here a junk fault-injection delay) gives one line and a hint; FINES_DEBUG=1 shows the traceback."""
    broken = {**env, "FINES_PAUSE_AT": "publish", "FINES_PAUSE_SECONDS": "soon"}
    args = (
        "ingest",
        str(small_csv),
        "--format",
        "csv",
        "--as-of",
        AS_OF,
        "--warehouse",
        str(tmp_path / "w.duckdb"),
    )
    result = fines(*args, env=broken)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("fines: error: ")]
    assert errors == [
        "fines: error: unexpected ValueError: could not convert string to float: 'soon' "
        "(rerun with FINES_DEBUG=1 to see the traceback)"
    ]
    debug = fines(*args, env={**broken, "FINES_DEBUG": "1"})
    assert debug.returncode == 1 and "Traceback (most recent call last)" in debug.stderr


# --- data printed safely ------------------------------------------------------------------------

# Text a terminal acts on: clear and recolour, carriage return, backspaces, a bidi override, C1 CSI.
CONTROL_VALUES = [
    "Court\x1b[2J\x1b[31m",
    "Court\rHidden",
    "Court\x08\x08\x08",
    "Court\u202eRTL",
    "Court\x9b31m",
]
ESCAPED_VALUES = [
    "Court\\x1b[2J\\x1b[31m",
    "Court\\rHidden",
    "Court\\b\\b\\b",
    "Court\\u202eRTL",
    "Court\\x9b31m",
]


def test_quarantine_and_report_print_control_characters_from_the_data_escaped(
    env: dict[str, str], tmp_path: Path
):
    """Authorities holding terminal controls: whether quarantined or loaded, they are listed escaped."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADER.split(","))
    for i, authority in enumerate(CONTROL_VALUES):
        writer.writerow(
            ["synthetic-test", f"c{i}", "2021-04-06", "RU", authority, "ExampleTube", "fine", "1000", "RUB"]
        )
    feed = tmp_path / "controls.csv"
    feed.write_text(buffer.getvalue(), encoding="utf-8")
    warehouse = str(tmp_path / "w.duckdb")
    ingested = fines(
        "ingest", str(feed), "--format", "csv", "--as-of", AS_OF, "--warehouse", warehouse, env=env
    )
    assert "controls: ok: 5 in" in ingested.stdout, ingested.stdout + ingested.stderr

    listed = fines("quarantine", "--warehouse", warehouse, env=env)
    report = fines("report", "--warehouse", warehouse, env=env)
    assert listed.returncode == 0 and report.returncode == 0, listed.stderr + report.stderr
    for output in (ingested.stdout, listed.stdout, report.stdout):
        assert not RAW_CONTROL.search(output), output
    assert "Court\\x1b[2J\\x1b[31m" in listed.stdout  # refused by the row contract
    for escaped in ESCAPED_VALUES:
        assert escaped in listed.stdout + report.stdout


def test_a_failed_feed_whose_location_holds_escape_codes_is_reported_escaped(
    env: dict[str, str], tmp_path: Path
):
    """A registry location with escape codes: the run report and the log line show them escaped."""
    registry = tmp_path / "feeds.toml"
    registry.write_text(
        '[feeds.esc]\nformat = "csv"\nlocation = "/nonexistent/miss\\u001b[2J\\u001b]0;owned\\u0007.csv"\n'
    )
    result = fines(
        "run", "--config", str(registry), "--as-of", AS_OF, "--warehouse", str(tmp_path / "w.duckdb"), env=env
    )
    output = result.stdout + result.stderr
    assert result.returncode == 1 and "Traceback" not in output
    assert not RAW_CONTROL.search(output), output
    shown_location = "/nonexistent/miss\\x1b[2J\\x1b]0;owned\\x07.csv"
    assert (
        shown_location in [line for line in result.stdout.splitlines() if line.startswith("  esc: failed")][0]
    )
    assert shown_location in [line for line in result.stderr.splitlines() if line.startswith("ERROR")][0]
