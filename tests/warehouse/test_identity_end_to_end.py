"""One decision, one action: through `fines ingest` and `fines run` into the marts, in any order.

Facts are real and cited in the rows (the seed case, Twitter's three fines of 2021-04-02 and
their AP total, the Commission's Android decision, CNIL's cookie fines of 2021-12-31); the
news texts are our own sentences. Record ids and source names are ours.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from tests.conftest import write_registry

AS_OF = "2026-11-29"
D = Decimal
MT = "https://www.themoscowtimes.com/2021/04/06/russia-fines-tiktok-for-leaving-up-navalny-protest-calls-a73490"
AFP = (
    "https://em.com.br/app/noticia/internacional/2021/04/06/interna_internacional,1254070/"
    "russia-multa-tiktok-por-convocar-de-menores-para-manifestacoes.shtml"
)
TASS = "https://thefrontierpost.com/moscow-court-hits-twitter-with-fines-over-3-violations/"
AP = "https://wkow.com/2021/04/02/russia-fines-twitter-for-not-taking-down-calls-to-protest/"
EC = "https://ec.europa.eu/commission/presscorner/detail/en/IP_18_4581"
WIRE = "https://asiatimes.com/2018/07/eu-hits-google-with-record-fine/"
CNIL = (
    "https://www.cnil.fr/en/cookies-cnil-fines-google-total-150-million-euros-and-facebook-60-million-euros"
)

COURT_CSV = [
    # source_record_id, source_url, date, jurisdiction, authority, platform, amount, currency
    ("ru-2021-04-06-tiktok", MT, "2021-04-06", "RU", "Tagansky District Court", "TikTok", "2500000", "RUB"),
    ("ru-2021-04-02-twitter-1", TASS, "2021-04-02", "RU", "Tagansky District Court", "Twitter", "3200000", "RUB"),
    ("ru-2021-04-02-twitter-2", TASS, "2021-04-02", "RU", "Tagansky District Court", "Twitter", "3300000", "RUB"),
    ("ru-2021-04-02-twitter-3", TASS, "2021-04-02", "RU", "Tagansky District Court", "Twitter", "2400000", "RUB"),
    ("ec-at40099", EC, "2018-07-18", "EU", "European Commission", "Google", "4342865000.00", "EUR"),
]  # fmt: skip
NEWS_ITEMS = [
    # guid, link, pubDate, title, text
    ("afp-tiktok", AFP, "Tue, 06 Apr 2021 15:00:00 GMT", "Moscow court fines TikTok 2.6 million roubles",
     "A court in Moscow fined TikTok 2.6 million roubles on Tuesday for leaving up videos that urged "
     "teenagers to join unauthorised rallies, AFP reported."),
    ("ap-twitter", AP, "Fri, 02 Apr 2021 16:00:00 GMT", "Russian court fines Twitter 8.9 million roubles",
     "A Moscow court fined Twitter a total of 8.9 million roubles on Friday for failing to delete posts "
     "that called on minors to join protests."),
    ("afp-android", WIRE, "Wed, 18 Jul 2018 12:00:00 GMT", "EU fines Google 4.3 billion euros over Android",
     "The European Commission fined Google 4.3 billion euros on Wednesday for using Android to "
     "entrench its search engine."),
]  # fmt: skip


def _csv(path: Path, rows: list[tuple[str, ...]], *, source: str) -> Path:
    header = (
        "source,source_record_id,source_url,decision_date,jurisdiction,authority,platform,action_type,"
        "amount,currency"
    )
    lines = [header] + [
        ",".join([source, rid, url, day, juris, authority, platform, "fine", amount, currency])
        for rid, url, day, juris, authority, platform, amount, currency in rows
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _rss(path: Path) -> Path:
    items = "".join(
        f"<item><title>{title}</title><link>{link}</link><guid>{guid}</guid><pubDate>{day}</pubDate>"
        f"<description>{text}</description></item>"
        for guid, link, day, title, text in NEWS_ITEMS
    )
    path.write_text(
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>wire</title>{items}'
        "</channel></rss>",
        encoding="utf-8",
    )
    return path


def fines(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    """Run the command line as users do, and insist it succeeds."""
    result = subprocess.run(
        [sys.executable, "-m", "etl.console.cli", *args], capture_output=True, text=True, env=env, timeout=180
    )
    assert result.returncode == 0, result.stderr
    return result


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    """The court export (CSV) and the wire feed (RSS) of the same decisions."""
    return {
        "court": _csv(tmp_path / "court_export.csv", COURT_CSV, source="court records (synthetic ids)"),
        "wire": _rss(tmp_path / "wire_news.rss"),
    }


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """An environment with its own data folder."""
    return {**os.environ, "FINES_DATA_DIR": str(tmp_path / "data")}


def _ingest(files: dict[str, Path], order: list[str], warehouse: Path, env: dict[str, str]) -> None:
    formats = {"court": "csv", "wire": "rss"}
    for name in order:
        fines("ingest", str(files[name]), "--format", formats[name], "--as-of", AS_OF,
              "--warehouse", str(warehouse), env=env)  # fmt: skip


def _facts(warehouse: Path) -> dict[str, object]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return {
            "actions": con.execute(
                "select action_id, platform, amount, currency, amount_usd, amount_disputed, amount_low, "
                "amount_high, is_total_of_parts from core.enforcement_actions order by action_id"
            ).fetchall(),
            "by_platform": con.execute(
                "select platform, action_count, fine_count, total_fines_usd, disputed_fine_count "
                "from marts.fines_by_platform order by platform"
            ).fetchall(),
            "disputed": con.execute(
                "select action_id, source, reported_amount, is_counted_figure from marts.disputed_amounts "
                "order by all"
            ).fetchall(),
            "parts": con.execute("select * from core.action_parts order by all").fetchall(),
        }


def test_each_decision_is_counted_once_whatever_the_order(files, env, tmp_path):
    """Court export and wire feed, in both orders and in one run: the same actions and marts."""
    court_first, wire_first = tmp_path / "a.duckdb", tmp_path / "b.duckdb"
    _ingest(files, ["court", "wire"], court_first, env)
    _ingest(files, ["wire", "court"], wire_first, env)
    registry = write_registry(tmp_path / "feeds.toml", {
        "court_export": {"format": "csv", "location": str(files["court"])},
        "wire_news": {"format": "rss", "location": str(files["wire"])},
    })  # fmt: skip
    one_run = tmp_path / "c.duckdb"
    fines("run", "--config", str(registry), "--as-of", AS_OF, "--warehouse", str(one_run), env=env)
    facts = _facts(court_first)
    assert facts == _facts(wire_first) == _facts(one_run)
    by_platform = {row[0]: row[1:] for row in facts["by_platform"]}
    assert by_platform["TikTok"][:2] == (1, 1) and by_platform["TikTok"][3] == 1
    assert by_platform["Google"][:2] == (1, 1)
    assert by_platform["Twitter"][:2] == (3, 3)


def test_seed_case_counts_2_5_million_and_lists_2_6_million_as_disputed(files, env, tmp_path):
    """TikTok 2021-04-06: 2,500,000 RUB = $32,627.17 counted once; AFP's 2.6 million is listed."""
    warehouse = tmp_path / "w.duckdb"
    _ingest(files, ["wire", "court"], warehouse, env)
    facts = _facts(warehouse)
    (tiktok,) = [row for row in facts["actions"] if row[1] == "TikTok"]
    _, _, amount, currency, usd, disputed, low, high, is_total = tiktok
    assert (amount, currency, usd) == (D("2500000.00"), "RUB", D("32627.17"))
    assert (disputed, low, high, is_total) == (True, D("2500000.00"), D("2600000.00"), False)
    listed = [
        (source, amount, counted)
        for action, source, amount, counted in facts["disputed"]
        if action == tiktok[0]
    ]
    assert sorted(listed) == [
        ("court records (synthetic ids)", D("2500000.00"), True),
        ("wire_news", D("2600000.00"), False),
    ]


def test_rounded_wire_figure_and_exact_decision_are_one_fine(files, env, tmp_path):
    """The Commission's EUR 4,342,865,000 and a wire's "4.3 billion euros": one fine, not disputed."""
    warehouse = tmp_path / "w.duckdb"
    _ingest(files, ["wire", "court"], warehouse, env)
    (google,) = [row for row in _facts(warehouse)["actions"] if row[1] == "Google"]
    assert (google[2], google[5]) == (D("4342865000.00"), False)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        feeds = con.execute(
            "select feed from core.action_sources where action_id = ? order by feed", [google[0]]
        ).fetchall()
    assert feeds == [("court_export",), ("wire_news",)]


def test_three_fines_of_one_court_on_one_day_and_their_reported_total(files, env, tmp_path):
    """Twitter 2021-04-02: three fines of one court stay three; AP's 8.9 million total links to them."""
    warehouse = tmp_path / "w.duckdb"
    _ingest(files, ["court", "wire"], warehouse, env)
    facts = _facts(warehouse)
    twitter = [row for row in facts["actions"] if row[1] == "Twitter"]
    counted = sorted(row[2] for row in twitter if not row[8])
    (total,) = [row for row in twitter if row[8]]
    assert counted == [D("2400000.00"), D("3200000.00"), D("3300000.00")] and total[2] == D("8900000.00")
    assert {part for whole, part in facts["parts"] if whole == total[0]} == {
        row[0] for row in twitter if not row[8]
    }
    by_platform = {row[0]: row for row in facts["by_platform"]}
    assert by_platform["Twitter"][3] == sum(row[4] for row in twitter if not row[8])


def test_a_tracker_total_and_a_regulators_parts_are_counted_once(env, tmp_path):
    """CNIL 2021-12-31: EUR 150 million (tracker) = 90 + 60 million (CNIL's own): counted once."""
    tracker = _csv(tmp_path / "tracker.csv", [
        ("cnil-2021-12-31-google", CNIL, "2021-12-31", "FR", "CNIL", "Google", "150000000", "EUR"),
    ], source="GDPR tracker (synthetic ids)")  # fmt: skip
    parts = tmp_path / "cnil_decisions.jsonl"
    parts.write_text("".join(
        json.dumps({"source": "CNIL", "source_record_id": rid, "source_url": CNIL, "decision_date": "2021-12-31",
                    "jurisdiction": "FR", "authority": "CNIL", "platform": platform, "action_type": "fine",
                    "amount": amount, "currency": "EUR"}) + "\n"
        for rid, platform, amount in (("san-2021-023", "Google LLC", "90000000"),
                                      ("san-2021-024", "Google Ireland Limited", "60000000"))
    ), encoding="utf-8")  # fmt: skip
    warehouse = tmp_path / "w.duckdb"
    for path, fmt in ((tracker, "csv"), (parts, "jsonl")):
        fines("ingest", str(path), "--format", fmt, "--as-of", AS_OF, "--warehouse", str(warehouse), env=env)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        total_eur = con.execute(
            "select total_fines_eur, fine_count from marts.fines_by_platform where platform = 'Google'"
        ).fetchall()
        links = con.execute("select count(*) from core.action_parts").fetchall()
    assert total_eur == [(D("150000000.00"), 2)] and links == [(2,)]
