"""README-documented options and FINES_* settings of `fines`, through the installed console script.

Like tests/etl/test_cli_commands.py (whose helpers this module imports), each test runs
`.venv/bin/fines` in a real process with its own FINES_DATA_DIR under a temporary folder, and
asserts what the option changes: a value in the warehouse, a line printed or not, a folder
removed. Remote feeds are served by the scripted server of tests/etl/http_script.py on
127.0.0.1. The bundled sample CSV is ingested once per module (`baseline`); tests that compare
against it or read it never write to it.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, write_registry
from tests.etl.http_script import Reply, Script, serve
from tests.etl.test_cli_commands import (
    AS_OF,
    ETL_DATA,
    BundledRun,
    feed_lines,
    fines,
    isolated_env,
    ok,
    query,
)

_PROGRESS = re.compile(r"^progress: ", re.MULTILINE)
_MARTS_LOG = "INFO etl.loading.models: marts built"
# Every column of every stored record and action: equal only when the same facts were loaded.
_FACTS = (
    "select * from core.action_sources order by feed, record_key",
    "select * from core.enforcement_actions order by action_id",
    "select * from marts.fines_by_platform order by all",
)


def _facts(warehouse: Path) -> list[list[tuple]]:
    return [query(warehouse, sql) for sql in _FACTS]


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One data folder for the module: the embedded rates are parsed into its cache only once."""
    return tmp_path_factory.mktemp("options") / "data"


@pytest.fixture(scope="module")
def env(data_dir: Path) -> dict[str, str]:
    """The environment of every command of the module, without any FINES_* setting of the caller."""
    return isolated_env(data_dir)


@pytest.fixture(scope="module")
def server() -> Iterator[Script]:
    """The scripted HTTP server on 127.0.0.1; each test registers its own paths."""
    with serve() as script:
        yield script


@pytest.fixture(scope="module")
def baseline(tmp_path_factory: pytest.TempPathFactory, env: dict[str, str]) -> BundledRun:
    """`fines ingest` of the bundled sample CSV with default settings and no option; only read."""
    warehouse = tmp_path_factory.mktemp("baseline") / "warehouse.duckdb"
    result = fines(
        "ingest", str(ETL_DATA / "sample_actions.csv"), "--format", "csv", "--as-of", AS_OF,
        "--warehouse", str(warehouse), env=env,
    )  # fmt: skip
    assert feed_lines(ok(result)) == {"sample_actions": ("ok", 21, 21, 0, 0)}
    return BundledRun(warehouse, result)


def _one_error_line(result: subprocess.CompletedProcess, *, code: int = 1) -> str:
    """The single stderr line of a command that failed with ``code`` and printed no traceback."""
    assert result.returncode == code, f"exit {result.returncode}\n{result.stdout}\n{result.stderr}"
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


# --- fines run --max-bytes ------------------------------------------------------------------------


def test_run_max_bytes_overrides_the_registry_for_remote_feeds_only(
    server: Script, env: dict[str, str], tmp_path: Path
):
    """`fines run --max-bytes N`: a remote payload over N fails its feed in one line; a larger N loads it.

    The registry's own `max_bytes = 100` is replaced by the option both ways; the local feed of the
    same run has no limit at all.
    """
    payload = (ETL_DATA / "sample_actions.jsonl").read_bytes()
    size = len(payload)
    url = server.on("/max-bytes/turkey.jsonl", Reply(body=payload))
    registry = tmp_path / "feeds.toml"
    registry.write_text(
        f'[feeds.remote_turkey]\nformat = "jsonl"\nlocation = "{url}"\nmax_bytes = 100\n\n'
        f'[feeds.local_gdpr]\nformat = "gdpr-tracker"\nlocation = "{ETL_DATA / "sample_gdpr_tracker.csv"}"\n',
        encoding="utf-8",
    )
    warehouse = str(tmp_path / "w.duckdb")

    refused = fines(
        "run", "--config", str(registry), "--as-of", AS_OF, "--max-bytes", str(size - 1), "--quiet",
        "--warehouse", warehouse, env=env,
    )  # fmt: skip
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    feeds = feed_lines(refused.stdout)
    assert feeds["remote_turkey"] == ("failed", 0, 0, 0, 0)
    assert feeds["local_gdpr"] == ("ok", 5, 5, 0, 0)  # --max-bytes does not apply to a local file
    failure = next(line for line in refused.stdout.splitlines() if line.startswith("  remote_turkey:"))
    assert failure.endswith(
        f" - feed remote_turkey: payload from {url} exceeds the size limit of {size - 1} bytes; "
        "raise it with max_bytes in the registry or --max-bytes"
    )
    assert refused.stderr.splitlines()[-1] == "fines: error: 1 feed(s) not applied: remote_turkey (see above)"
    assert query(
        Path(warehouse), "select count(*) from core.action_sources where feed = 'remote_turkey'"
    ) == [(0,)]

    loaded = ok(fines(
        "run", "--config", str(registry), "--as-of", AS_OF, "--max-bytes", str(size), "--quiet",
        "--warehouse", warehouse, env=env,
    ))  # fmt: skip
    assert feed_lines(loaded)["remote_turkey"] == ("ok", 5, 5, 0, 0)  # over the registry's 100 bytes
    assert query(
        Path(warehouse),
        "select distinct amount, currency, amount_usd from core.action_sources where feed = 'remote_turkey'",
    ) == [(Decimal("10000000.00"), "TRY", Decimal("1183497.08"))]


# --- --quiet and -v/--verbose ---------------------------------------------------------------------


def test_quiet_prints_no_progress_lines_and_the_same_results(
    baseline: BundledRun, env: dict[str, str], tmp_path: Path
):
    """`fines ingest --quiet` on pipes: no `progress:` line, where the same run without it prints them."""
    assert _PROGRESS.findall(baseline.result.stderr), baseline.result.stderr  # the default on a pipe
    assert "progress: sample_actions: ok" in baseline.result.stderr.splitlines()
    quiet = fines(
        "ingest", str(ETL_DATA / "sample_actions.csv"), "--format", "csv", "--as-of", AS_OF, "--quiet",
        "--warehouse", str(tmp_path / "w.duckdb"), env=env,
    )  # fmt: skip
    assert ok(quiet) == baseline.result.stdout  # same run id, same report
    assert not _PROGRESS.findall(quiet.stderr), quiet.stderr
    assert _facts(tmp_path / "w.duckdb") == _facts(baseline.warehouse)


def test_verbose_logs_the_steps_a_default_run_does_not(
    baseline: BundledRun, env: dict[str, str], tmp_path: Path
):
    """`fines run -v` logs each step at INFO (the marts it built); the same run without -v logs none."""
    assert "INFO " not in baseline.result.stderr
    registry = write_registry(
        tmp_path / "feeds.toml",
        {"sample_actions": {"format": "csv", "location": str(ETL_DATA / "sample_actions.csv")}},
    )
    verbose = fines(
        "run", "-v", "--config", str(registry), "--as-of", AS_OF, "--quiet",
        "--warehouse", str(tmp_path / "w.duckdb"), env=env,
    )  # fmt: skip
    assert feed_lines(ok(verbose)) == {"sample_actions": ("ok", 21, 21, 0, 0)}
    logged = [line for line in verbose.stderr.splitlines() if line.startswith(_MARTS_LOG)]
    assert len(logged) == 1, verbose.stderr
    marts = query(tmp_path / "w.duckdb", "select table_name from duckdb_tables() where schema_name = 'marts'")
    assert all(f"marts.{name}" in logged[0] for (name,) in marts)  # names every mart it built
    assert not _PROGRESS.findall(verbose.stderr)  # -v logs; --quiet still hides the progress


# --- fines ingest --encoding -------------------------------------------------------------------------


def test_ingest_encoding_windows_1251_stores_cyrillic_text(env: dict[str, str], tmp_path: Path):
    """`--encoding windows-1251`: a cp1251 CSV loads with its Cyrillic authority stored intact."""
    rows = list(csv.DictReader((ETL_DATA / "sample_actions.csv").open(encoding="utf-8")))[:2]
    assert [row["source_record_id"] for row in rows] == ["ref-001", "ref-002"]  # TikTok and Twitter, RU
    # Facts of rows ref-001 and ref-002 of the sample; the authority is written in Russian for this
    # test (synthetic text: the sample names the Tagansky District Court in English).
    court = "Таганский районный суд города Москвы"
    columns = ["source", "source_record_id", "decision_date", "jurisdiction", "authority", "platform",
               "action_type", "amount", "currency"]  # fmt: skip
    text = io.StringIO()
    writer = csv.DictWriter(text, columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows({**row, "authority": court} for row in rows)
    feed = tmp_path / "moscow_cp1251.csv"
    feed.write_bytes(text.getvalue().encode("windows-1251"))
    assert court.encode("utf-8") not in feed.read_bytes()  # not valid UTF-8: the default would refuse it

    warehouse = tmp_path / "w.duckdb"
    out = ok(fines(
        "ingest", str(feed), "--format", "csv", "--encoding", "windows-1251", "--as-of", AS_OF, "--quiet",
        "--warehouse", str(warehouse), env=env,
    ))  # fmt: skip
    assert feed_lines(out) == {"moscow_cp1251": ("ok", 2, 2, 0, 0)}
    assert query(
        warehouse,
        "select authority, platform, amount, currency, decision_date::varchar "
        "from core.enforcement_actions order by platform",
    ) == [
        (court, "TikTok", Decimal("2500000.00"), "RUB", "2021-04-06"),
        (court, "Twitter", Decimal("8900000.00"), "RUB", "2021-04-02"),
    ]
    assert query(warehouse, "select amount_usd from core.enforcement_actions where platform = 'TikTok'") == [
        (Decimal("32627.17"),)
    ]


# --- fines quarantine --limit ------------------------------------------------------------------------


def test_quarantine_limit_lists_at_most_that_many_rows(env: dict[str, str], tmp_path: Path):
    """`fines quarantine --limit N`: the total of all rejects, then only the first N of them."""
    warehouse = str(tmp_path / "w.duckdb")
    out = ok(fines(
        "ingest", str(FIXTURES / "feeds" / "synthetic_bad_rows.csv"), "--format", "csv", "--feed", "bad_rows",
        "--as-of", AS_OF, "--quiet", "--warehouse", warehouse, env=env,
    ))  # fmt: skip
    assert feed_lines(out)["bad_rows"][4] == 3  # three synthetic rows rejected

    def entries(*args: str) -> tuple[str, list[str]]:
        lines = ok(fines("quarantine", *args, "--warehouse", warehouse, env=env)).splitlines()
        return lines[0], [line for line in lines if line.startswith("- ")]

    header, every = entries()  # the default limit, 50, shows all three
    assert header == "3 rows in quarantine" and len(every) == 3
    assert entries("--limit", "2") == ("3 rows in quarantine", every[:2])
    assert entries("--limit", "1", "--feed", "bad_rows") == (
        "3 rows in quarantine for feed bad_rows",
        every[:1],
    )
    assert entries("--limit", "0") == ("3 rows in quarantine", [])
    refused = fines("quarantine", "--limit", "-1", "--warehouse", warehouse, env=env)
    assert _one_error_line(refused, code=2).startswith("fines quarantine: error: argument --limit: ")


# --- fines review accept --config -------------------------------------------------------------------


def test_review_accept_takes_the_feed_from_the_registry_given_by_config(env: dict[str, str], tmp_path: Path):
    """`review [accept ID] --config FILE`: the accepted fact gets the source of FILE's entry for the feed.

    The items were ingested ad hoc under another source name (the one the fact would get without
    --config: the default registry has no such feed); a registry that cannot be read is refused
    before the item is touched.
    """
    warehouse = tmp_path / "w.duckdb"
    out = ok(fines(
        "ingest", str(FIXTURES / "cli" / "news_review.rss"), "--format", "rss", "--source", "ad hoc (test)",
        "--as-of", AS_OF, "--quiet", "--warehouse", str(warehouse), env=env,
    ))  # fmt: skip
    assert "2 items wait for review" in out
    listed = ok(fines("review", "--warehouse", str(warehouse), env=env)).splitlines()
    turkey = next(line.split()[1] for line in listed if line.startswith("- ") and line.endswith("2020-11-04"))
    registry = write_registry(
        tmp_path / "feeds.toml",
        {
            "news_review": {
                "format": "rss",
                "location": str(FIXTURES / "cli" / "news_review.rss"),
                "source": "registry source (test)",
            }
        },
    )
    broken = tmp_path / "broken.toml"
    broken.write_text("[feeds.news_review\n", encoding="utf-8")
    corrections = ["--amount", "10000000", "--currency", "TRY", "--platform", "Twitter", "--jurisdiction", "TR",
                   "--authority", "Turkish government"]  # fmt: skip

    # The listing form takes --config too, and refuses a registry it cannot read.
    assert f"- {turkey}  news_review  2020-11-04" in ok(
        fines("review", "--config", str(registry), "--warehouse", str(warehouse), env=env)
    )
    for bad in (broken, tmp_path / "missing.toml"):
        refused = fines("review", "--config", str(bad), "--warehouse", str(warehouse), env=env)
        assert str(bad) in _one_error_line(refused)

    refused = fines("review", "accept", turkey, *corrections, "--config", str(broken),
                    "--warehouse", str(warehouse), env=env)  # fmt: skip
    assert str(broken) in _one_error_line(refused)
    assert query(warehouse, "select count(*) from ops.review_decisions") == [(0,)]
    assert f"- {turkey}  news_review  2020-11-04" in ok(
        fines("review", "--warehouse", str(warehouse), env=env)
    )

    accepted = ok(fines("review", "accept", turkey, *corrections, "--config", str(registry),
                        "--warehouse", str(warehouse), env=env))  # fmt: skip
    assert accepted.startswith(f"accepted {turkey}: action ")
    reviewed = (
        "select source, platform, amount, currency, amount_usd from core.action_sources "
        "where source_kind = 'reviewed'"
    )
    assert query(warehouse, reviewed) == [
        ("registry source (test)", "Twitter", Decimal("10000000.00"), "TRY", Decimal("1183497.08"))
    ]


# --- fines fx convert without --to -------------------------------------------------------------------


def test_fx_convert_defaults_to_usd(env: dict[str, str]):
    """`fines fx convert 2500000 RUB --on 2021-04-06` with no --to: the seed figure in USD."""
    out = ok(fines("fx", "convert", "2500000", "RUB", "--on", "2021-04-06", env=env))
    assert out.splitlines()[:2] == [
        "2,500,000.00 RUB = 32,627.17 USD",
        "rate: 1 RUB = 0.0130508666 USD",
    ]


# --- FINES_SLICE_ROWS, FINES_DUCKDB_MEMORY, FINES_PARSE_WORKERS -------------------------------------


def test_slices_of_three_rows_and_256mb_for_duckdb_load_the_same_facts_as_the_defaults(
    baseline: BundledRun, env: dict[str, str], tmp_path: Path
):
    """FINES_SLICE_ROWS=3 (the 21-row CSV in 7 slices) with FINES_DUCKDB_MEMORY=256MB: the default's facts."""
    warehouse = tmp_path / "w.duckdb"
    out = ok(fines(
        "ingest", str(ETL_DATA / "sample_actions.csv"), "--format", "csv", "--as-of", AS_OF, "--quiet",
        "--warehouse", str(warehouse), env={**env, "FINES_SLICE_ROWS": "3", "FINES_DUCKDB_MEMORY": "256MB"},
    ))  # fmt: skip
    assert feed_lines(out) == {"sample_actions": ("ok", 21, 21, 0, 0)}
    facts = _facts(warehouse)
    assert len(facts[0]) == 21 and facts == _facts(baseline.warehouse)
    assert query(
        warehouse, "select amount_usd from core.enforcement_actions where source_record_id = 'ref-001'"
    ) == [(Decimal("32627.17"),)]


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        (
            "FINES_DUCKDB_MEMORY",
            "lots",
            "FINES_DUCKDB_MEMORY must be a size such as 1GB or 512MiB, got 'lots'",
        ),
        (
            "FINES_FETCH_DEADLINE",
            "soon",
            "FINES_FETCH_DEADLINE must be a number from 0.001 to 604,800, got 'soon'",
        ),
        ("FINES_SLICE_ROWS", "2.5", "FINES_SLICE_ROWS must be a whole number of records, got 2.5"),
    ],
)
def test_an_invalid_setting_is_refused_in_one_line_before_anything_is_written(
    env: dict[str, str], tmp_path: Path, name: str, value: str, message: str
):
    """A bad FINES_* value: exit 1, one line naming the variable and the value, no warehouse, no landing."""
    data = tmp_path / "data"
    refused = fines(
        "ingest", str(ETL_DATA / "sample_actions.csv"), "--format", "csv", "--as-of", AS_OF,
        env={**isolated_env(data), name: value},
    )  # fmt: skip
    assert _one_error_line(refused) == f"fines: error: {message}"
    assert refused.stdout == ""
    assert not data.exists()


def test_duckdb_memory_too_small_for_the_work_is_one_line_naming_the_setting(tmp_path: Path):
    """32MB cannot hold the rate tables: before, a traceback-like "unexpected OutOfMemoryException"."""
    data = tmp_path / "data"
    failed = fines(
        "ingest", str(ETL_DATA / "sample_actions.jsonl"), "--format", "jsonl", "--as-of", AS_OF, "--quiet",
        env={**isolated_env(data), "FINES_DUCKDB_MEMORY": "32MB"},
    )  # fmt: skip
    line = _one_error_line(failed)
    assert line.startswith("fines: error: DuckDB ran out of memory (Out of Memory Error: could not allocate")
    assert line.endswith("nothing was published: raise FINES_DUCKDB_MEMORY")
    assert "unexpected" not in line
    assert not (data / "warehouse.duckdb").exists()


def _big_news_feed(path: Path) -> Path:
    """The bundled RSS sample with synthetic filler items between its items: over 1,000,000 characters."""
    sample = (ETL_DATA / "sample_news.rss").read_text(encoding="utf-8")
    filler = "Synthetic filler text written for a test; it reports no enforcement action. " * 700
    parts = sample.split("</item>")
    padded = []
    for index, part in enumerate(parts[:-1]):
        padded.append(part + "</item>")
        padded.extend(
            f"<item><title>Synthetic filler {index}.{k}</title><description>{filler}</description>"
            f'<guid isPermaLink="false">synthetic-filler-{index}-{k}</guid></item>'
            for k in range(3)
        )
    path.write_text("\n".join([*padded, parts[-1]]), encoding="utf-8")
    assert path.stat().st_size > 1_000_000
    return path


def test_parse_workers_one_and_two_give_the_same_facts_from_a_large_news_feed(
    env: dict[str, str], tmp_path: Path
):
    """FINES_PARSE_WORKERS=1 (one process) and 2 (a pool, the feed being over 1,000,000 characters): same rows."""
    feed = _big_news_feed(tmp_path / "big_news.rss")
    found = {}
    for workers in ("1", "2"):
        warehouse = tmp_path / f"w{workers}.duckdb"
        out = ok(fines(
            "ingest", str(feed), "--format", "rss", "--as-of", AS_OF, "--quiet",
            "--warehouse", str(warehouse), env={**env, "FINES_PARSE_WORKERS": workers},
        ))  # fmt: skip
        found[workers] = (feed_lines(out), *_facts(warehouse))
    assert found["1"] == found["2"]
    assert found["1"][0] == {"big_news": ("ok", 7, 7, 0, 0)}  # the filler items report nothing
    assert query(
        tmp_path / "w2.duckdb",
        "select source_line, platform, amount, currency from core.action_sources order by source_line limit 2",
    ) == [(1, "TikTok", Decimal("2500000.00"), "RUB"), (2, "Twitter", Decimal("8900000.00"), "RUB")]


# --- FINES_PROCESS_DEADLINE and FINES_FETCH_DEADLINE --------------------------------------------


def test_process_deadline_fails_the_feed_in_one_line_naming_it_and_the_limit(
    env: dict[str, str], tmp_path: Path
):
    """FINES_PROCESS_DEADLINE=0.001: `fines ingest` of the bundled RSS fails that feed, no traceback."""
    warehouse = tmp_path / "w.duckdb"
    failed = fines(
        "ingest", str(ETL_DATA / "sample_news.rss"), "--format", "rss", "--as-of", AS_OF, "--quiet",
        "--warehouse", str(warehouse), env={**env, "FINES_PROCESS_DEADLINE": "0.001"},
    )  # fmt: skip
    assert failed.returncode == 1 and "Traceback" not in failed.stderr
    reason = (
        "feed sample_news: processing exceeded the deadline of 0.001 s "
        "(process_deadline in the registry, FINES_PROCESS_DEADLINE)"
    )
    assert [line for line in failed.stdout.splitlines() if line.startswith("  sample_news:")] == [
        f"  sample_news: failed: 0 in, 0 loaded, 0 duplicates, 0 quarantined, 0 without rate - {reason}"
    ]
    assert failed.stderr.splitlines()[-1] == "fines: error: 1 feed(s) not applied: sample_news (see above)"
    assert query(warehouse, "select status, error from ops.run_log") == [("failed", reason)]
    assert query(warehouse, "select count(*) from core.action_sources") == [(0,)]


def test_fetch_deadline_cuts_off_a_slow_server(server: Script, env: dict[str, str], tmp_path: Path):
    """FINES_FETCH_DEADLINE=0.5 against a server that answers after 2 s: the feed fails naming it and the limit."""
    url = server.on("/fetch-deadline/slow.jsonl", Reply(body=b"{}\n", delay_s=2.0))
    failed = fines(
        "ingest", url, "--format", "jsonl", "--feed", "slow_feed", "--as-of", AS_OF, "--quiet",
        "--warehouse", str(tmp_path / "w.duckdb"), env={**env, "FINES_FETCH_DEADLINE": "0.5"},
    )  # fmt: skip
    assert failed.returncode == 1 and "Traceback" not in failed.stderr
    assert feed_lines(failed.stdout) == {"slow_feed": ("failed", 0, 0, 0, 0)}
    assert (
        f" - feed slow_feed: fetching {url} exceeded the fetch deadline of 0.5 s "
        "(fetch_deadline in the registry, FINES_FETCH_DEADLINE)"
    ) in failed.stdout


# --- FINES_WORK_RETENTION_DAYS --------------------------------------------------------------------


def test_work_retention_zero_removes_the_previous_runs_work_folder(
    baseline: BundledRun, data_dir: Path, tmp_path: Path
):
    """FINES_WORK_RETENTION_DAYS=0: the next run's parsing step removes the other runs' work folders.

    `baseline` only makes sure the module's rate cache exists, to be copied rather than rebuilt.
    """
    own_data = tmp_path / "data"  # its own work area: the other tests' folders stay out of it
    if (data_dir / "cache").is_dir():
        shutil.copytree(data_dir / "cache", own_data / "cache")
    env = isolated_env(own_data)
    args = ["ingest", str(ETL_DATA / "sample_actions.jsonl"), "--format", "jsonl", "--quiet",
            "--warehouse", str(tmp_path / "w.duckdb")]  # fmt: skip
    first = ok(fines(*args, "--as-of", "2026-11-28", env=env))
    first_id = re.match(r"run (\S+) ", first).group(1)
    assert sorted(path.name for path in (own_data / "work").iterdir()) == [first_id]

    second = fines(*args, "--as-of", AS_OF, "-v", env={**env, "FINES_WORK_RETENTION_DAYS": "0"})
    second_id = re.match(r"run (\S+) ", ok(second)).group(1)
    assert second_id != first_id
    assert sorted(path.name for path in (own_data / "work").iterdir()) == [second_id]
    assert (
        f"INFO etl.sources.workdir: removed 1 work folder(s) older than 0 days: ['{first_id}']"
        in second.stderr.splitlines()
    )
    assert (own_data / "landing" / "sample_actions" / "2026-11-28").is_dir()  # landing is kept for --replay
