"""`fines review`: news items extraction could not decide wait for a person, whose decisions stick."""

from __future__ import annotations

import contextlib
import io
import re
import shutil
from datetime import date
from pathlib import Path

import duckdb
import polars as pl
import pytest

from etl.console.cli import main
from etl.money.rates import embedded_rates_cached
from etl.parsing import transform
from etl.running import steps
from tests.conftest import write_registry

AS_OF = "2026-11-29"
# Texts written for these tests. The real items' facts come from the linked reports (also in
# etl/data/sample_actions.csv); the ExampleTube item is synthetic and says so.
CERTAIN = (
    "tiktok-2021-04-06",
    "Moscow court fines TikTok over protest posts",
    "A Moscow court on Tuesday fined TikTok 2.5 million rubles for leaving up posts that urged "
    "minors to join unauthorised rallies.",
    "https://www.themoscowtimes.com/2021/04/06/russia-fines-tiktok-for-leaving-up-navalny-protest-calls-a73490",
    "Tue, 06 Apr 2021 12:00:00 +0000",
)
TWITTER_TR = (
    "twitter-tr-2020-11-04",
    "Turkey fines social networks",
    "Twitter was fined 10 million for failing to appoint a local representative, a deputy minister said.",
    "https://en.dailypakistan.com.pk/?p=139072",
    "Wed, 04 Nov 2020 18:00:00 +0000",
)
FACEBOOK_HU = (
    "facebook-hu-2019-12-06",
    "Hungarian watchdog fines Facebook",
    "The competition authority fined Facebook 1.2 billion for advertising its service as free.",
    "https://www.portfolio.hu/en/business/20191206/hungary-competition-watchdog-fines-facebook-huf-12-bn-409497",
    "Fri, 06 Dec 2019 10:00:00 +0000",
)
SYNTHETIC = (
    "synthetic-exampletube",
    "Synthetic: watchdog fines ExampleTube",
    "Synthetic test item: a watchdog fined ExampleTube $3 million.",
    "",
    "Mon, 04 Jan 2021 10:00:00 +0000",
)
ALL = (CERTAIN, TWITTER_TR, FACEBOOK_HU, SYNTHETIC)
_ITEM = re.compile(r"^- (q_[0-9a-f]{16})  (\S+)  (\S+)$")


def write_rss(path: Path, items: list[tuple[str, str, str, str, str]]) -> Path:
    """An RSS 2.0 file with the given (guid, title, description, link, pubDate) items."""
    body = "".join(
        f"<item><title>{title}</title><description>{text}</description>"
        + (f"<link>{link}</link>" if link else "")
        + f'<guid isPermaLink="false">{guid}</guid><pubDate>{published}</pubDate></item>'
        for guid, title, text, link, published in items
    )
    path.write_text(
        f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>{body}</channel></rss>'
    )
    return path


@pytest.fixture(scope="module")
def rates_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The embedded rates parsed once for the module (each test copies them into its data folder)."""
    data = tmp_path_factory.mktemp("rates")
    embedded_rates_cached(data)
    return data / "cache"


def _isolate(monkeypatch: pytest.MonkeyPatch, root: Path, rates_cache: Path) -> Path:
    monkeypatch.setenv("FINES_DATA_DIR", str(root / "data"))
    for name in ("FINES_WAREHOUSE", "FINES_FEEDS", "FINES_QUARANTINE_THRESHOLD", "FINES_FX_OVERRIDES"):
        monkeypatch.delenv(name, raising=False)
    shutil.copytree(rates_cache, root / "data" / "cache", dirs_exist_ok=True)
    return root / "w.duckdb"


@pytest.fixture
def warehouse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, rates_cache: Path) -> Path:
    """A warehouse path under tmp_path, with its own data folder and the default registry."""
    return _isolate(monkeypatch, tmp_path, rates_cache)


def fines(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run the `fines` entry point in-process; returns exit code, stdout and stderr."""
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def waiting_items(out: str) -> dict[str, str]:
    """The items `fines review` listed, by guid of the news item they come from: guid -> ID."""
    lines = out.splitlines()
    items = {}
    for i, line in enumerate(lines):
        match = _ITEM.match(line)
        if match:
            sentence = lines[i + 1].strip().removeprefix("sentence: ")
            guid = next(item[0] for item in ALL if sentence in item[1:3])
            items[guid] = match.group(1)
    return items


def query(path: Path, sql: str) -> list[tuple]:
    """Rows of a read-only query (the connection is closed before the next command)."""
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_uncertain_items_wait_for_review_and_decisions_stick_when_the_feed_arrives_again(
    tmp_path: Path, warehouse: Path, capsys: pytest.CaptureFixture[str]
):
    """Certain item loaded, others listed; accepted is a reviewed fact, rejected closes; both stick."""
    feed = write_rss(tmp_path / "news_review.rss", [CERTAIN, TWITTER_TR, FACEBOOK_HU, SYNTHETIC])
    ingest = ("ingest", str(feed), "--format", "rss", "--as-of", AS_OF, "--warehouse", str(warehouse))
    code, out, err = fines(capsys, *ingest)
    assert code == 0, err
    assert "news_review: ok: 4 in, 1 loaded" in out and "3 items wait for review (fines review)" in out
    assert query(warehouse, "select platform, source_kind from core.enforcement_actions") == [
        ("TikTok", "news")
    ]

    code, out, err = fines(capsys, "review", "--warehouse", str(warehouse))
    assert code == 0, err
    assert out.startswith("3 items wait for review")
    items = waiting_items(out)
    assert set(items) == {TWITTER_TR[0], FACEBOOK_HU[0], SYNTHETIC[0]}
    assert "candidates: platform Twitter, jurisdiction TR" in out and "missing" in out

    twitter, synthetic = items[TWITTER_TR[0]], items[SYNTHETIC[0]]
    code, out, err = fines(
        capsys, "review", "accept", twitter, "--amount", "10,000,000", "--currency", "try",
        "--authority", "Turkish government", "--warehouse", str(warehouse),
    )  # fmt: skip
    assert code == 0, err
    assert out.startswith(f"accepted {twitter}: action fa_")
    facts = "select action_id, platform, jurisdiction, amount, currency, source_kind from core.enforcement_actions"
    reviewed = [row for row in query(warehouse, facts) if row[1] == "Twitter"]
    assert [row[1:] for row in reviewed] == [("Twitter", "TR", 10_000_000, "TRY", "reviewed")]
    by_platform = query(
        warehouse,
        "select fine_count, total_fines_usd from marts.fines_by_platform where platform = 'Twitter'",
    )
    assert by_platform[0][0] == 1 and 1_000_000 < by_platform[0][1] < 2_000_000  # about $1.2 million

    code, out, err = fines(
        capsys,
        "review",
        "reject",
        synthetic,
        "--reason",
        "synthetic test item",
        "--warehouse",
        str(warehouse),
    )
    assert code == 0, err
    code, out, err = fines(capsys, "review", "--warehouse", str(warehouse))
    assert set(waiting_items(out)) == {FACEBOOK_HU[0]}

    code, out, err = fines(capsys, *ingest)
    assert code == 0, err
    assert "1 item waits for review (fines review)" in out
    assert [row for row in query(warehouse, facts) if row[1] == "Twitter"] == reviewed
    stages = dict(query(warehouse, "select quarantine_id, stage from ops.quarantine"))
    assert stages[synthetic] == "review_rejected" and twitter not in stages
    code, out, err = fines(capsys, "review", "--warehouse", str(warehouse))
    assert set(waiting_items(out)) == {FACEBOOK_HU[0]}


def test_a_feed_that_reviews_every_item_loads_no_fact_until_one_is_accepted(
    tmp_path: Path, warehouse: Path, capsys: pytest.CaptureFixture[str]
):
    """review_all: even the certain item waits; once accepted it is a reviewed fact, and it stays one."""
    feed = write_rss(tmp_path / "news.rss", [CERTAIN, TWITTER_TR])
    registry = write_registry(
        tmp_path / "feeds.toml",
        {
            "news_checked": {
                "format": "rss",
                "location": str(feed),
                "source": "review test news",
                "review_all": True,
            }
        },
    )
    config = ("--config", str(registry), "--warehouse", str(warehouse))
    code, out, err = fines(capsys, "run", "--as-of", AS_OF, *config)
    assert code == 0, err
    assert "news_checked: ok: 2 in, 0 loaded" in out and "2 items wait for review (fines review)" in out
    assert query(warehouse, "select count(*) from core.enforcement_actions") == [(0,)]

    code, out, err = fines(capsys, "review", "--warehouse", str(warehouse))
    items = waiting_items(out)
    assert set(items) == {CERTAIN[0], TWITTER_TR[0]}
    assert "the feed holds every item for review (review_all)" in out
    code, _, err = fines(capsys, "review", "accept", items[CERTAIN[0]], *config)
    assert code == 0, err
    facts = "select platform, amount, currency, source_kind from core.enforcement_actions"
    assert query(warehouse, facts) == [("TikTok", 2_500_000, "RUB", "reviewed")]

    code, out, err = fines(capsys, "run", "--as-of", AS_OF, *config)
    assert code == 0, err
    assert "1 item waits for review (fines review)" in out
    assert query(warehouse, facts) == [("TikTok", 2_500_000, "RUB", "reviewed")]


def test_replay_re_applies_the_stored_decisions(
    tmp_path: Path, warehouse: Path, capsys: pytest.CaptureFixture[str]
):
    """`fines run --replay RUN_ID` keeps the accepted fact (same action_id, once) and the rejected item closed."""
    feed = write_rss(tmp_path / "news.rss", [CERTAIN, TWITTER_TR, SYNTHETIC])
    registry = write_registry(
        tmp_path / "feeds.toml",
        {"news_review": {"format": "rss", "location": str(feed), "source": "review test news"}},
    )
    config = ("--config", str(registry), "--warehouse", str(warehouse))
    code, out, err = fines(capsys, "run", "--as-of", AS_OF, *config)
    assert code == 0, err
    run_id = out.split()[1]
    items = waiting_items(fines(capsys, "review", "--warehouse", str(warehouse))[1])
    accept = ("review", "accept", items[TWITTER_TR[0]], "--amount", "10000000", "--currency", "TRY")
    code, _, err = fines(capsys, *accept, "--authority", "Turkish government", *config)
    assert code == 0, err
    code, _, err = fines(capsys, "review", "reject", items[SYNTHETIC[0]], "--reason", "synthetic", *config)
    assert code == 0, err
    before = query(
        warehouse, "select action_id, source_kind from core.enforcement_actions order by action_id"
    )

    code, out, err = fines(capsys, "run", "--replay", run_id, *config)
    assert code == 0, err
    assert (
        query(warehouse, "select action_id, source_kind from core.enforcement_actions order by action_id")
        == before
    )
    assert sorted(kind for _, kind in before) == ["news", "reviewed"]
    logged = query(
        warehouse, f"select loaded, quarantined, awaiting_review from ops.run_log where run_id = '{run_id}'"
    )
    assert logged == [(2, 1, 0)]
    assert fines(capsys, "review", "--warehouse", str(warehouse))[1].startswith("0 items wait for review")


def test_news_feed_with_nothing_certain_loads_nothing_and_exits_0(
    tmp_path: Path, warehouse: Path, capsys: pytest.CaptureFixture[str]
):
    """Items waiting for review never trip the circuit breaker: 0 loaded, N waiting, exit 0."""
    feed = write_rss(tmp_path / "news_unsure.rss", [FACEBOOK_HU, SYNTHETIC, TWITTER_TR])
    code, out, err = fines(
        capsys, "ingest", str(feed), "--format", "rss", "--as-of", AS_OF, "--warehouse", str(warehouse)
    )
    assert code == 0, err
    assert "news_unsure: ok: 3 in, 0 loaded" in out and "3 items wait for review (fines review)" in out
    assert query(warehouse, "select count(*) from core.enforcement_actions") == [(0,)]
    assert query(warehouse, "select status, awaiting_review from ops.run_log") == [("ok", 3)]


@pytest.fixture(scope="module")
def one_item(tmp_path_factory: pytest.TempPathFactory, rates_cache: Path) -> Path:
    """A warehouse where one news item (Twitter fined in Turkey, no amount) waits for review."""
    root = tmp_path_factory.mktemp("one_item")
    with pytest.MonkeyPatch.context() as monkeypatch, contextlib.redirect_stdout(io.StringIO()):
        warehouse = _isolate(monkeypatch, root, rates_cache)
        feed = write_rss(root / "news_one.rss", [TWITTER_TR])
        assert (
            main(["ingest", str(feed), "--format", "rss", "--as-of", AS_OF, "--warehouse", str(warehouse)])
            == 0
        )
    return warehouse


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["accept", "q_0000000000000000"], "no review item 'q_0000000000000000'"),
        (["accept", "{twitter}", "--amount", "ten million"], "--amount: not an amount: 'ten million'"),
        (["accept", "{twitter}", "--date", "2020-11-31"], "--date: not a date (YYYY-MM-DD): '2020-11-31'"),
        (
            [
                "accept",
                "{twitter}",
                "--amount",
                "10000000",
                "--currency",
                "XYZ",
                "--authority",
                "Turkish government",
            ],
            "cannot accept {twitter}: currency: currency_is_iso_4217",
        ),
        (
            ["accept", "{twitter}", "--currency", "TRY", "--authority", "Turkish government"],
            "cannot accept {twitter}: amount_matches_action_type (correct with --amount, --currency)",
        ),
        (
            ["accept", "{twitter}", "--amount", "1", "--currency", "TRY", "--date", "2027-01-01"],
            "cannot accept {twitter}: authority: not_nullable (correct with --authority)",
        ),
        (
            [
                "accept",
                "{twitter}",
                "--amount",
                "1",
                "--currency",
                "TRY",
                "--authority",
                "X",
                "--date",
                "2027-01-01",
            ],
            "cannot accept {twitter}: decision_not_after_batch_date (correct with --date)",
        ),
        (["reject", "{twitter}", "--reason", " "], "--reason: say why the item is rejected"),
    ],
)
def test_review_refusals_are_one_line_and_write_nothing(
    one_item: Path, warehouse: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
):
    """Unknown IDs, bad values and corrections that break a contract: one line, exit 1, nothing stored."""
    shutil.copyfile(one_item, warehouse)
    twitter = next(iter(waiting_items(fines(capsys, "review", "--warehouse", str(warehouse))[1]).values()))
    code, out, err = fines(
        capsys, "review", *[a.format(twitter=twitter) for a in args], "--warehouse", str(warehouse)
    )
    assert code == 1 and out == ""
    assert err.startswith(f"fines: error: {message.format(twitter=twitter)}") and err.count("\n") == 1
    assert query(warehouse, "select count(*) from ops.review_decisions") == [(0,)]
    assert set(waiting_items(fines(capsys, "review", "--warehouse", str(warehouse))[1]).values()) == {twitter}


def test_an_item_decided_once_cannot_be_decided_again(
    tmp_path: Path, warehouse: Path, capsys: pytest.CaptureFixture[str]
):
    """A second decision on the same item is refused, naming it and the first decision."""
    feed = write_rss(tmp_path / "news_one.rss", [SYNTHETIC])
    fines(capsys, "ingest", str(feed), "--format", "rss", "--as-of", AS_OF, "--warehouse", str(warehouse))
    item = next(iter(waiting_items(fines(capsys, "review", "--warehouse", str(warehouse))[1]).values()))
    assert (
        fines(capsys, "review", "reject", item, "--reason", "synthetic", "--warehouse", str(warehouse))[0]
        == 0
    )
    code, _, err = fines(capsys, "review", "accept", item, "--warehouse", str(warehouse))
    assert code == 1 and err.startswith(f"fines: error: review item {item} was already rejected")


def _held(*rows: tuple[str, str | None, str | None]) -> pl.DataFrame:
    """Held news rows: (source_record_id, platform, amount) of a Turkish fine, as read_news writes them."""
    payloads = [
        pl.DataFrame(
            {"source_record_id": [rid], "decision_date": ["2020-11-04"], "jurisdiction": ["TR"],
             "authority": [None], "platform": [platform], "action_type": ["fine"], "amount": [amount],
             "currency": [None], "source_text": [f"sentence {rid}"], "extraction_issue": [None]},
            schema_overrides={"authority": pl.String, "amount": pl.String, "currency": pl.String,
                              "extraction_issue": pl.String, "platform": pl.String},
        ).select(payload=pl.struct(pl.all()).struct.json_encode())["payload"][0]
        for rid, platform, amount in rows
    ]  # fmt: skip
    return pl.DataFrame(
        {"source_line": list(range(1, len(rows) + 1)), "payload": payloads, "stage": "review",
         "reasons": [["missing authority"]] * len(rows)},
        schema=transform.REJECT_SCHEMA,
    )  # fmt: skip


def test_apply_review_decisions_corrects_accepted_items_and_closes_rejected_ones():
    """Accepted: payload plus corrections; rejected: stage review_rejected with the reason; others wait."""
    held = _held(("a#0", "Twitter", None), ("b#0", None, "5"), ("c#0", "Facebook", None))
    keys = held.select(transform.review_key(pl.lit("news_x"))).to_series().to_list()
    decisions = pl.DataFrame(
        [{"review_key": keys[0], "decision": "accept", "amount": "10000000", "currency": "TRY",
          "authority": "Turkish government"},
         {"review_key": keys[1], "decision": "reject", "reason": "not a fine"}],
        schema=transform.DECISION_SCHEMA,
    )  # fmt: skip
    accepted, still = transform.apply_review_decisions(held, feed="news_x", decisions=decisions)
    assert accepted.select("source_record_id", "platform", "amount", "currency", "authority").rows() == [
        ("a#0", "Twitter", "10000000", "TRY", "Turkish government")
    ]
    assert accepted["payload"].to_list() == held["payload"][:1].to_list()  # the original, as quarantined
    assert still.select("source_line", "stage", "reasons").rows() == [
        (2, "review_rejected", ["missing authority", "rejected in review: not a fine"]),
        (3, "review", ["missing authority"]),
    ]


def test_review_key_is_the_same_on_every_run_and_differs_per_feed():
    """The key depends on feed, record id and sentence, not on extraction details such as confidence."""
    held = _held(("a#0", "Twitter", None))
    other = held.with_columns(pl.col("payload").str.replace('"platform":"Twitter"', '"platform":null'))

    def key(frame: pl.DataFrame, feed: str) -> str:
        return frame.select(transform.review_key(pl.lit(feed))).item()

    assert key(other, "news_x") == key(held, "news_x") != key(held, "news_y")


@pytest.mark.parametrize(
    ("platform", "authority", "held"),
    [("Twitter", "Turkish government", False), (None, "Turkish government", True), ("Twitter", None, True)],
)
def test_candidates_lacking_a_required_field_are_held_for_review(platform, authority, held):
    """A confident candidate without platform or authority waits for a person instead of failing parse."""
    raw = pl.DataFrame(
        {"source_line": [1], "payload": ["{}"], "decision_date": ["2020-11-04"], "jurisdiction": ["TR"],
         "authority": [authority], "platform": [platform], "action_type": ["fine"], "amount": ["10000000"],
         "currency": ["TRY"], "extraction_issue": [None]},
        schema_overrides={"authority": pl.String, "platform": pl.String, "extraction_issue": pl.String},
    )  # fmt: skip
    certain, waiting = transform.split_extraction_issues(raw)
    assert (waiting.height, certain.height) == ((1, 0) if held else (0, 1))
    assert waiting["stage"].to_list() == (["review"] if held else [])


def test_airflow_transform_step_re_applies_the_stored_decisions(
    tmp_path: Path, warehouse: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
):
    """etl.running.steps.transform_batch reads the decisions from the published warehouse, as `fines run` does."""
    feed = write_rss(tmp_path / "news.rss", [TWITTER_TR, SYNTHETIC])
    registry = write_registry(
        tmp_path / "feeds.toml", {"news_review": {"format": "rss", "location": str(feed)}}
    )
    assert (
        fines(capsys, "run", "--as-of", AS_OF, "--config", str(registry), "--warehouse", str(warehouse))[0]
        == 0
    )
    items = waiting_items(fines(capsys, "review", "--warehouse", str(warehouse))[1])
    assert fines(capsys, "review", "reject", items[SYNTHETIC[0]], "--reason", "synthetic", "--warehouse",
                 str(warehouse), "--config", str(registry))[0] == 0  # fmt: skip
    accept = ("review", "accept", items[TWITTER_TR[0]], "--amount", "10000000", "--currency", "TRY")
    assert fines(capsys, *accept, "--authority", "Turkish government", "--warehouse", str(warehouse),
                 "--config", str(registry))[0] == 0  # fmt: skip
    monkeypatch.setenv("FINES_WAREHOUSE", str(warehouse))
    monkeypatch.setenv("FINES_FEEDS", str(registry))
    landed = query(warehouse, "select source_file from ops.run_log where run_id like 'run_%'")[0][0]
    result = steps.transform_batch(
        {"feed": "news_review", "path": landed}, as_of=date(2026, 11, 29), run_id="t"
    )
    assert pl.read_parquet(result["actions_path"])["source_kind"].to_list() == ["reviewed"]
    assert pl.read_parquet(result["reject_paths"][0])["stage"].to_list() == ["review_rejected"]
