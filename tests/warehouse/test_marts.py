"""Every warehouse model built from fixture facts, each mart compared with rows computed here."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import polars as pl
import pytest
from polars.testing import assert_frame_equal

import warehouse
from etl import catalog
from etl.loading import comments, load, models, sql
from etl.money import cpi

MONETARY = list(catalog.MONETARY_ACTION_TYPES)
D = Decimal

# One row per action: id, feed, platform, parent, jurisdiction, authority, type, status,
# decision date, amount, currency, USD, EUR (None: no conversion), outlier.
# Chosen to cover: two months of one quarter, several years of one series, an annulled fine,
# appealed fines, an unconverted fine, an outlier, every non-monetary type, a null parent.
ACTIONS = [
    ("a01", "reference_sample", "TikTok", "ByteDance", "RU", "Tagansky District Court", "fine",
     "imposed", date(2021, 4, 6), D("2500000.00"), "RUB", D("32627.17"), D("27622.05"), False),
    ("a02", "reference_sample", "TikTok", "ByteDance", "RU", "Tagansky District Court", "fine",
     "paid", date(2021, 5, 20), D("3000000.00"), "RUB", D("40800.00"), D("33500.00"), False),
    ("a03", "reference_sample", "Twitter", "Twitter Inc.", "RU", "Tagansky District Court", "fine",
     "imposed", date(2021, 4, 2), D("8900000.00"), "RUB", D("115310.26"), D("98055.40"), False),
    ("a04", "reference_sample", "Twitter", "Twitter Inc.", "RU", "Roskomnadzor", "throttle",
     "imposed", date(2021, 3, 10), None, None, None, None, False),
    ("a05", "reference_sample", "Facebook", "Meta Platforms", "RU", "Roskomnadzor", "block",
     "upheld", date(2022, 3, 4), None, None, None, None, False),
    ("a06", "gdpr_tracker", "Facebook", "Meta Platforms", "IE", "Data Protection Commission", "fine",
     "appealed", date(2023, 5, 12), D("1200000000.00"), "EUR", D("1309440000.00"),
     D("1200000000.00"), False),
    ("a07", "gdpr_tracker", "Facebook", "Meta Platforms", "IE", "Data Protection Commission", "fine",
     "paid", date(2022, 11, 25), D("265000000.00"), "EUR", D("276000000.00"), D("265000000.00"),
     False),
    ("a08", "reference_sample", "Google", "Alphabet", "EU", "European Commission", "fine",
     "appealed", date(2018, 7, 18), D("4342865000.00"), "EUR", D("5068124455.00"),
     D("4342865000.00"), False),
    ("a09", "reference_sample", "Google", "Alphabet", "FR", "CNIL", "fine",
     "annulled", date(2021, 12, 31), D("150000000.00"), "EUR", D("169890000.00"),
     D("150000000.00"), False),
    ("a10", "reference_sample", "Google", "Alphabet", "FR", "CNIL", "fine",
     "imposed", date(2021, 11, 15), D("10000000.00"), "EUR", D("11583000.00"), D("10000000.00"),
     False),
    ("a11", "reference_sample", "Google", "Alphabet", "RU", "Moscow Arbitration Court",
     "periodic_penalty", "imposed", date(2024, 10, 29), None, "RUB", None, None, True),
    ("a12", "reference_sample", "Google", "Alphabet", "RU", "Magistrate, Tagansky District",
     "turnover_fine", "imposed", date(2022, 7, 18), D("21077392317.80"), "RUB", None, None, False),
    ("a13", "news_rss", "Amazon", "Amazon.com Inc.", "JP", "Japan Fair Trade Commission", "other",
     "imposed", date(2020, 9, 10), None, None, None, None, False),
    ("a14", "news_rss", "Amazon", "Amazon.com Inc.", "LU", "CNPD", "warning",
     "imposed", date(2021, 7, 16), None, None, None, None, False),
    ("a15", "news_rss", "X", None, "BR", "Supreme Federal Court", "order",
     "imposed", date(2024, 8, 30), None, None, None, None, False),
    ("a16", "news_rss", "X", None, "BR", "Supreme Federal Court", "fine",
     "imposed", date(2024, 9, 27), D("10000000.00"), "BRL", D("1838000.00"), D("1643000.00"),
     False),
    ("a17", "news_rss", "Telegramm", None, "RU", "Roskomnadzor", "warning",
     "imposed", date(2022, 2, 1), None, None, None, None, False),
]  # fmt: skip
ACTION_FIELDS = ["action_id", "feed", "platform", "parent_company", "jurisdiction", "authority",
                 "action_type", "status", "decision_date", "amount", "currency", "amount_usd",
                 "amount_eur", "is_outlier"]  # fmt: skip
UNDECILLION = "2" + "0" * 36
# Converted figures the sources printed (synthetic): Twitter's 8.9 million rubles printed as
# $140,000 (17.6% off ours: listed in marts.fx_disagreements), X's 10 million reais as $1.8 million
# (2.1% off: within 5%), Meta's EUR 1.2 billion as EUR 1.2 billion (equal).
PRINTED = {"a03": (D("140000.00"), None), "a16": (D("1800000.00"), None), "a06": (None, D("1200000000.00"))}
# Extra sources of an action, beyond the feed that holds its fact: (action, feed, source, kind,
# the amount it gave). AFP copies gave TikTok's fine as 2.6 million rubles: a dispute.
EXTRA_SOURCES = [
    ("a01", "news_rss", "AFP", "news", D("2600000.00")),
    ("a06", "gdpr_tracker_mirror", "enforcementtracker.com mirror", "structured", D("1200000000.00")),
]
DISPUTED = {"a01": (D("2500000.00"), D("2600000.00"))}
# (run, feed, status, batch date): news_rss failed last; gdpr_tracker never succeeded.
RUNS = [
    ("run_a", "reference_sample", "ok", date(2026, 11, 28)),
    ("run_b", "reference_sample", "ok", date(2026, 11, 29)),
    ("run_a", "news_rss", "ok", date(2026, 11, 28)),
    ("run_b", "news_rss", "failed", date(2026, 11, 29)),
    ("run_b", "gdpr_tracker", "circuit_open", date(2026, 11, 29)),
]
BATCH_DATE = date(2026, 11, 29)
# ops.action_changes: (seq, run, feed, action, type, field, old, new). gone_1 was merged into a02.
CHANGES = [
    (1, "run_a", "reference_sample", "a01", "added", None, None, None),
    (2, "run_b", "reference_sample", "a01", "changed", "amount", "2400000.00", "2500000.00"),
    (3, "run_b", "reference_sample", "a09", "annulled", "status", "imposed", "annulled"),
    (4, "run_b", None, "gone_1", "merged", "action_id", "gone_1", "a02"),
]


def fixture_actions() -> pl.DataFrame:
    """The fixture facts as core.enforcement_actions rows (columns the marts read)."""
    frame = pl.DataFrame(ACTIONS, schema=ACTION_FIELDS, orient="row").with_columns(
        pl.col("amount", "amount_usd", "amount_eur").cast(pl.Decimal(38, 2))
    )
    converted = pl.col("amount_usd").is_not_null()
    return frame.with_columns(
        source=pl.lit("synthetic fixture"),
        source_record_id=pl.col("action_id"),
        source_url=pl.format("https://example.org/{}", pl.col("action_id")),
        violation=pl.lit("other"),
        legal_basis=pl.when(pl.col("action_type") == "order").then(pl.lit("Marco Civil art. 19")),
        fx_status=pl.when(converted)
        .then(pl.lit(catalog.FX_CONVERTED))
        .when(pl.col("action_type").is_in(MONETARY))
        .then(pl.lit(catalog.FX_NO_RATE))
        .otherwise(pl.lit(catalog.FX_NOT_MONETARY)),
        fx_source=pl.when(converted).then(pl.lit("ecb")),
        fx_note=pl.when(~converted & pl.col("action_type").is_in(MONETARY)).then(pl.lit("no rate")),
        fx_rate_usd=pl.when(converted).then(pl.col("amount_usd") / pl.col("amount")).cast(pl.Decimal(38, 18)),
        fx_rate_eur=pl.when(converted).then(pl.col("amount_eur") / pl.col("amount")).cast(pl.Decimal(38, 18)),
        fx_rate_date=pl.when(converted).then(pl.col("decision_date")),
        amount_exact=pl.when(pl.col("is_outlier"))
        .then(pl.lit(UNDECILLION))
        .otherwise(pl.col("amount").cast(pl.String)),
        batch_date=pl.lit(BATCH_DATE),
        run_id=pl.lit("run_b"),
        source_kind=pl.lit("structured"),
        amount_disputed=pl.col("action_id").is_in(list(DISPUTED)),
        amount_low=pl.col("action_id").replace_strict(
            {k: low for k, (low, _) in DISPUTED.items()},
            default=pl.col("amount"),
            return_dtype=pl.Decimal(38, 2),
        ),
        amount_high=pl.col("action_id").replace_strict(
            {k: high for k, (_, high) in DISPUTED.items()},
            default=pl.col("amount"),
            return_dtype=pl.Decimal(38, 2),
        ),
        platform_reported=pl.col("platform"),
        is_known_platform=pl.col("platform") != "Telegramm",
        platform_candidates=pl.when(pl.col("platform") == "Telegramm").then(pl.lit("Telegram (0.94)")),
        fx_quality=pl.when(converted).then(pl.lit("exact_day")),
        reported_usd=pl.col("action_id").replace_strict(
            {k: usd for k, (usd, _) in PRINTED.items()}, default=None, return_dtype=pl.Decimal(38, 2)
        ),
        reported_eur=pl.col("action_id").replace_strict(
            {k: eur for k, (_, eur) in PRINTED.items()}, default=None, return_dtype=pl.Decimal(38, 2)
        ),
    )


def fixture_sources(actions: pl.DataFrame) -> pl.DataFrame:
    """core.action_sources: the fact's own feed, plus the extra sources."""
    columns = ["action_id", "feed", "source", "source_kind", "amount"]
    own = actions.select(*columns, "currency", "decision_date", "source_url", record_action_id="action_id")
    extra = (
        pl.DataFrame(EXTRA_SOURCES, schema=columns, orient="row")
        .with_columns(pl.col("amount").cast(pl.Decimal(38, 2)))
        .join(actions.select("action_id", "currency", "decision_date"), on="action_id")
        .with_columns(
            source_url=pl.format("https://example.net/{}", pl.col("action_id")),
            record_action_id=pl.format("{}_extra", pl.col("action_id")),
        )
    )
    return pl.concat([own, extra]).with_columns(
        record_key=pl.col("action_id"),
        source_record_id=pl.col("action_id"),
        source_line=pl.int_range(1, pl.len() + 1, dtype=pl.Int64),
        source_file=pl.format("/landing/{}/2026-11-29/synthetic.csv", pl.col("feed")),
        batch_date=pl.lit(BATCH_DATE),
    )


def fixture_runs() -> pl.DataFrame:
    """ops.run_log rows; a failed run says why."""
    return pl.DataFrame(RUNS, schema=["run_id", "feed", "status", "batch_date"], orient="row").with_columns(
        error=pl.when(pl.col("status") != "ok").then(
            pl.format("{} in {}", pl.col("status"), pl.col("run_id"))
        ),
        rows_in=pl.lit(1, pl.Int64),
        loaded=pl.lit(1, pl.Int64),
        duplicates=pl.lit(0, pl.Int64),
        quarantined=pl.lit(0, pl.Int64),
        no_rate=pl.lit(0, pl.Int64),
        held_back=pl.lit(0, pl.Int64),
    )


def fixture_changes() -> pl.DataFrame:
    """ops.action_changes rows: two runs; run_b is the latest."""
    columns = ["change_seq", "run_id", "feed", "action_id", "change_type", "field", "old_value", "new_value"]
    frame = pl.DataFrame(CHANGES, schema=columns, orient="row")
    run_b = pl.col("run_id") == "run_b"
    return frame.with_columns(batch_date=pl.when(run_b).then(BATCH_DATE).otherwise(date(2026, 11, 28)))


def _usd_real(amount_usd: Decimal | None, decided: date) -> Decimal | None:
    """amount_usd in constant dollars of cpi.BASE_YEAR, by the documented rule, from BLS's values."""
    series = {(kind, start): value for _, kind, start, value, *_ in cpi.series().iter_rows()}
    index = series.get(("month", decided.replace(day=1))) or series.get(("year", date(decided.year, 1, 1)))
    if amount_usd is None or index is None:
        return None
    real = amount_usd * series[("year", date(cpi.BASE_YEAR, 1, 1))] / index
    return real.quantize(Decimal("0.01"), rounding="ROUND_HALF_UP")


def fixture_rates(actions: pl.DataFrame) -> pl.DataFrame:
    """core.fx_rates: the rate behind every converted fixture action."""
    return (
        actions.filter(pl.col("fx_status") == catalog.FX_CONVERTED)
        .select(
            source=pl.col("fx_source"),
            currency=pl.col("currency"),
            rate_date=pl.col("fx_rate_date"),
            units_per_eur=(pl.col("amount") / pl.col("amount_eur")).cast(pl.Decimal(38, 18)),
        )
        .unique(["source", "currency", "rate_date"])
        .with_columns(published_rate=pl.col("units_per_eur").cast(pl.String))
    )


def insert(con: duckdb.DuckDBPyConnection, table: str, frame: pl.DataFrame) -> None:
    """Insert a frame into a warehouse table by column name."""
    con.register("fixture_rows", frame)
    try:
        con.execute(f"insert into {table} by name select * from fixture_rows")
    finally:
        con.unregister("fixture_rows")


def build_fixture_warehouse(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Migrate, insert the fixture facts, build every model and comment it; mart row counts."""
    load.migrate(con)
    actions = fixture_actions()
    insert(con, catalog.ENFORCEMENT_ACTIONS, actions)
    insert(con, catalog.ACTION_SOURCES, fixture_sources(actions))
    insert(con, catalog.RUN_LOG, fixture_runs())
    insert(con, catalog.FX_RATES, fixture_rates(actions))
    insert(con, catalog.ACTION_CHANGES, fixture_changes())
    cpi.load_cpi(con)  # as a load does: the CPI-U series, and every fact in constant dollars
    # As a load does: each action's current status opens its history at the decision date.
    con.execute(
        f"insert into {catalog.STATUS_HISTORY} select action_id, status, run_id, decision_date, null "
        f"from {catalog.ENFORCEMENT_ACTIONS}"
    )
    counts = models.build_marts(con)
    comments.apply_comments(con)
    return counts


@pytest.fixture(scope="module")
def built() -> Iterator[duckdb.DuckDBPyConnection]:
    """An in-memory warehouse with every model built from the fixture facts."""
    with duckdb.connect() as con:
        build_fixture_warehouse(con)
        yield con


@pytest.fixture
def con(built: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """The built warehouse inside a transaction that is rolled back after the test."""
    built.execute("begin transaction")
    try:
        yield built
    finally:
        built.execute("rollback")


# Expected marts, computed from the fixture facts with Polars.


def _facts() -> pl.DataFrame:
    actions = fixture_actions()
    counted = pl.col("action_type").is_in(MONETARY) & ~pl.col("is_outlier") & (pl.col("status") != "annulled")
    return actions.with_columns(
        parent_company=pl.col("parent_company").fill_null(pl.col("platform")),
        is_monetary=pl.col("action_type").is_in(MONETARY),
        is_converted=pl.col("fx_status") == catalog.FX_CONVERTED,
        fine_usd=pl.when(counted).then(pl.col("amount_usd")),
        fine_eur=pl.when(counted).then(pl.col("amount_eur")),
        fine_usd_real=pl.when(counted).then(
            pl.Series(
                [
                    _usd_real(usd, day)
                    for usd, day in actions.select("amount_usd", "decision_date").iter_rows()
                ]
            )
        ),
    )


def _joined(column: str) -> pl.Expr:
    return pl.col(column).unique().sort().str.join(", ")


def _money(expr: pl.Expr) -> pl.Expr:
    return expr.fill_null(0).cast(pl.Decimal(38, 2))


def _totals() -> list[pl.Expr]:
    monetary = pl.col("is_monetary")
    return [
        pl.len().alias("action_count"),
        monetary.sum().alias("fine_count"),
        (monetary & ~pl.col("is_converted")).sum().alias("unconverted_fine_count"),
        _money(pl.col("fine_usd").sum()).alias("total_fines_usd"),
        _money(pl.col("fine_eur").sum()).alias("total_fines_eur"),
        _money(pl.col("fine_usd_real").sum()).alias("total_fines_usd_real"),
    ]


def _status_counts() -> list[pl.Expr]:
    monetary = pl.col("is_monetary")
    return [
        (monetary & (pl.col("status") == "appealed")).sum().alias("appealed_fine_count"),
        (monetary & (pl.col("status") == "annulled")).sum().alias("annulled_fine_count"),
        pl.col("fine_usd").max().alias("largest_fine_usd"),
        pl.col("fine_eur").max().alias("largest_fine_eur"),
        pl.col("decision_date").min().alias("first_decision_date"),
        pl.col("decision_date").max().alias("last_decision_date"),
    ]


def expected_fines_by_platform() -> pl.DataFrame:
    return (
        _facts()
        .group_by("platform")
        .agg(
            pl.col("parent_company").sort_by("decision_date").last(),
            _joined("jurisdiction").alias("jurisdictions"),
            *_totals(),
            pl.col("is_outlier").sum().alias("outlier_count"),
            pl.col("jurisdiction").n_unique().alias("jurisdiction_count"),
            (pl.col("is_monetary") & pl.col("amount_disputed")).sum().alias("disputed_fine_count"),
            *_status_counts(),
        )
    )


def expected_fines_by_authority() -> pl.DataFrame:
    return (
        _facts()
        .group_by("jurisdiction", "authority")
        .agg(
            _joined("platform").alias("platforms"),
            pl.col("platform").n_unique().alias("platform_count"),
            *_totals(),
            (~pl.col("is_monetary")).sum().alias("non_monetary_count"),
            *_status_counts(),
        )
    )


def expected_fines_over_time() -> pl.DataFrame:
    facts = _facts()
    frames = []
    for grain, every in (("month", "1mo"), ("quarter", "1q"), ("year", "1y")):
        frames.append(
            facts.with_columns(
                period_grain=pl.lit(grain), period_start_date=pl.col("decision_date").dt.truncate(every)
            )
            .group_by("period_grain", "period_start_date", "jurisdiction", "platform")
            .agg(*_totals())
        )
    series = ["period_grain", "jurisdiction", "platform"]
    return (
        pl.concat(frames)
        .sort("period_start_date")
        .with_columns(
            running_total_fines_usd=pl.col("total_fines_usd").cum_sum().over(series),
            running_total_fines_eur=pl.col("total_fines_eur").cum_sum().over(series),
            running_total_fines_usd_real=pl.col("total_fines_usd_real").cum_sum().over(series),
            decision_year=pl.col("period_start_date").dt.year(),
        )
    )


def expected_largest_fines() -> pl.DataFrame:
    sources = fixture_sources(fixture_actions())
    traced = sources.group_by("action_id").agg(
        pl.col("source").unique().sort().str.join("; ").alias("sources"),
        pl.col("source_url").unique().sort().str.join(" ").alias("source_urls"),
        pl.len().alias("source_count"),
    )
    fines = _facts().filter(pl.col("is_converted") & pl.col("fine_usd").is_not_null())
    return fines.join(traced, on="action_id", how="left").with_columns(
        amount_usd=pl.col("fine_usd"),
        amount_eur=pl.col("fine_eur"),
        amount_usd_real=pl.col("fine_usd_real"),
        overall_rank=pl.col("fine_usd").rank("min", descending=True),
        platform_rank=pl.col("fine_usd").rank("min", descending=True).over("platform"),
    )


def expected_fx_disagreements() -> pl.DataFrame:
    facts = _facts().filter(pl.col("is_converted"))
    usd = pl.col("amount_usd").cast(pl.Float64) / pl.col("reported_usd").cast(pl.Float64) - 1
    eur = pl.col("amount_eur").cast(pl.Float64) / pl.col("reported_eur").cast(pl.Float64) - 1
    compared = facts.with_columns(usd_relative_difference=usd, eur_relative_difference=eur).with_columns(
        is_usd_beyond_threshold=pl.col("usd_relative_difference").fill_null(0).abs() > 0.05,
        is_eur_beyond_threshold=pl.col("eur_relative_difference").fill_null(0).abs() > 0.05,
        fx_next_rate_date=pl.lit(None, pl.Date),
    )
    return compared.filter(pl.col("is_usd_beyond_threshold") | pl.col("is_eur_beyond_threshold"))


def expected_disputed_amounts() -> pl.DataFrame:
    counted = _facts().filter(pl.col("amount_disputed"))
    sources = fixture_sources(fixture_actions())
    return (
        counted.join(sources, on="action_id", suffix="_record")
        .select(
            "action_id",
            "feed_record",
            "record_key",
            "platform",
            "jurisdiction",
            "authority",
            "currency",
            "decision_date",
            "amount_low",
            "amount_high",
            source="source_record",
            source_kind="source_kind_record",
            source_url="source_url_record",
            reported_currency="currency_record",
            reported_qualifier=pl.lit(None, pl.String),
            counted_amount="amount",
            reported_amount="amount_record",
            reported_amount_usd=pl.lit(None),
            counted_amount_usd="amount_usd",
            is_counted_figure=pl.col("record_action_id") == pl.col("action_id"),
            reported_decision_date="decision_date_record",
        )
        .rename({"feed_record": "feed"})
    )


def expected_recent_changes() -> pl.DataFrame:
    current = (
        pl.when(pl.col("change_type") == "merged").then(pl.col("new_value")).otherwise(pl.col("action_id"))
    )
    last_seq = pl.col("change_seq").max().over("run_id")
    return (
        fixture_changes()
        .with_columns(current_action_id=current, run_rank=last_seq.rank("dense", descending=True))
        .join(_facts().rename({"action_id": "current_action_id"}), on="current_action_id", how="left")
    )


def expected_non_monetary_actions() -> pl.DataFrame:
    return (
        _facts()
        .filter(~pl.col("is_monetary"))
        .with_columns(
            decision_year=pl.col("decision_date").dt.year(),
            decision_month_start_date=pl.col("decision_date").dt.truncate("1mo"),
        )
    )


def expected_outlier_actions() -> pl.DataFrame:
    return _facts().filter(pl.col("is_outlier"))


def expected_unresolved_platforms() -> pl.DataFrame:
    return (
        fixture_actions()
        .filter(~pl.col("is_known_platform"))
        .group_by("platform_reported")
        .agg(
            pl.col("platform").min(),
            _joined("feed").alias("feeds"),
            pl.col("platform_candidates").sort_by("batch_date", "action_id").last(),
            pl.len().alias("action_count"),
            pl.col("decision_date").min().alias("first_decision_date"),
            pl.col("decision_date").max().alias("last_decision_date"),
        )
    )


def expected_feed_freshness() -> pl.DataFrame:
    runs = fixture_runs().sort("batch_date", "run_id")
    ok = pl.col("status") == "ok"
    per_run = runs.group_by("feed").agg(
        last_run_id=pl.col("run_id").last(),
        last_run_status=pl.col("status").last(),
        last_run_error=pl.col("error").last(),
        last_successful_run_id=pl.col("run_id").filter(ok).last(),
        run_count=pl.len(),
        successful_run_count=ok.sum(),
        last_run_batch_date=pl.col("batch_date").max(),
        last_successful_batch_date=pl.col("batch_date").filter(ok).max(),
    )
    actions = fixture_actions().select("action_id", "decision_date")
    per_feed = (
        fixture_sources(fixture_actions())
        .join(actions, on="action_id")
        .group_by("feed")
        .agg(
            action_count=pl.col("action_id").n_unique(),
            first_decision_date=pl.col("decision_date").min(),
            last_decision_date=pl.col("decision_date").max(),
        )
    )
    return per_run.join(per_feed, on="feed", how="full", coalesce=True).with_columns(
        pl.col("run_count", "successful_run_count", "action_count").fill_null(0),
        days_from_last_decision_to_last_success=(
            pl.col("last_successful_batch_date") - pl.col("last_decision_date")
        ).dt.total_days(),
        is_last_run_successful=(pl.col("last_run_status") == "ok").fill_null(False),
    )


EXPECTED = {
    catalog.FINES_BY_PLATFORM: (expected_fines_by_platform, ["platform"]),
    catalog.FINES_BY_AUTHORITY: (expected_fines_by_authority, ["jurisdiction", "authority"]),
    catalog.FINES_OVER_TIME: (
        expected_fines_over_time,
        ["period_grain", "period_start_date", "jurisdiction", "platform"],
    ),
    catalog.LARGEST_FINES: (expected_largest_fines, ["action_id"]),
    catalog.NON_MONETARY_ACTIONS: (expected_non_monetary_actions, ["action_id"]),
    catalog.OUTLIER_ACTIONS: (expected_outlier_actions, ["action_id"]),
    catalog.FEED_FRESHNESS: (expected_feed_freshness, ["feed"]),
    catalog.UNRESOLVED_PLATFORMS: (expected_unresolved_platforms, ["platform_reported"]),
    catalog.DISPUTED_AMOUNTS: (expected_disputed_amounts, ["action_id", "feed", "record_key"]),
    catalog.FX_DISAGREEMENTS: (expected_fx_disagreements, ["action_id"]),
    catalog.RECENT_CHANGES: (expected_recent_changes, ["change_seq"]),
}


def test_every_mart_file_has_a_contract_and_an_expectation():
    """Each warehouse/marts/*.sql is in catalog.ALL_MARTS, has a Pandera contract and is tested here."""
    from schemas.marts import CONTRACTS

    built = {f"marts.{path.stem}" for path in (warehouse.ROOT / "marts").glob("*.sql")}
    assert built == set(catalog.ALL_MARTS) == set(CONTRACTS) == set(EXPECTED)


@pytest.mark.parametrize("mart", sorted(EXPECTED))
def test_mart_equals_rows_computed_from_the_facts(con: duckdb.DuckDBPyConnection, mart: str):
    """Each mart has exactly the rows computed here from the fixture facts."""
    expectation, key = EXPECTED[mart]
    actual = con.sql(f"select * from {mart}").pl()
    expected = expectation().select(actual.columns).cast(dict(actual.schema))
    assert actual.height > 0
    assert_frame_equal(actual.sort(key), expected.sort(key))


def test_every_model_file_opens_with_its_purpose_and_grain():
    """The first comment of each model states its grain (STYLE.md section 6)."""
    for layer in (*sql.LAYERS, "tests"):
        for path in (warehouse.ROOT / layer).glob("*.sql"):
            text = path.read_text(encoding="utf-8")
            assert text.startswith("-- "), path
            if layer != "tests":
                header = " ".join(line for line in text.splitlines() if line.startswith("--"))
                assert "Grain:" in header, path


def test_model_sql_keeps_lines_within_80_characters():
    """Warehouse SQL lines are at most 80 characters long."""
    for path in (p for layer in (*sql.LAYERS, "tests") for p in (warehouse.ROOT / layer).glob("*.sql")):
        long = [n for n, line in enumerate(path.read_text().splitlines(), 1) if len(line) > 80]
        assert not long, f"{path}: lines {long}"


def test_annulled_fine_is_counted_but_left_out_of_totals(con: duckdb.DuckDBPyConnection):
    """Google's annulled CNIL fine is counted as annulled, never added to a total."""
    ((total, annulled),) = con.execute(
        "select total_fines_eur, annulled_fine_count from marts.fines_by_authority "
        "where jurisdiction = 'FR' and authority = 'CNIL'"
    ).fetchall()
    assert (total, annulled) == (Decimal("10000000.00"), 1)
    assert con.execute("select count(*) from marts.largest_fines where status = 'annulled'").fetchall() == [
        (0,)
    ]


def test_monthly_series_has_running_totals_across_years(con: duckdb.DuckDBPyConnection):
    """Facebook in Ireland: 2022-11 then 2023-05, the running total adds the second to the first."""
    rows = con.execute(
        "select period_start_date, total_fines_eur, running_total_fines_eur from marts.fines_over_time "
        "where period_grain = 'month' and jurisdiction = 'IE' and platform = 'Facebook' "
        "order by period_start_date"
    ).fetchall()
    assert rows == [
        (date(2022, 11, 1), Decimal("265000000.00"), Decimal("265000000.00")),
        (date(2023, 5, 1), Decimal("1200000000.00"), Decimal("1465000000.00")),
    ]


def test_every_warehouse_test_returns_zero_rows(con: duckdb.DuckDBPyConnection):
    """Every warehouse/tests/*.sql passes on the fixture warehouse."""
    failures = models.run_tests(con)
    assert len(failures) == len(list((warehouse.ROOT / "tests").glob("*.sql")))
    assert failures == dict.fromkeys(failures, 0)


# One mutation per warehouse test that the test must catch.
MUTATIONS = {
    "assert_fx_disagreements__lists_every_disagreement": [
        "update core.enforcement_actions set reported_usd = amount_usd * 2 where action_id = 'a06'",
        "delete from marts.fx_disagreements",
    ],
    "assert_unresolved_platforms__unique_platform_reported": [
        "insert into marts.unresolved_platforms select * from marts.unresolved_platforms",
    ],
    "assert_marts__totals_reconcile": [
        "update marts.fines_by_platform set total_fines_usd = total_fines_usd + 1 where platform = 'TikTok'",
        "update marts.fines_by_authority set total_fines_eur = total_fines_eur - 1 where authority = 'CNIL'",
        "update marts.fines_over_time set total_fines_eur = total_fines_eur + 0.01 "
        "where period_grain = 'month' and platform = 'X'",
        "delete from marts.fines_over_time where period_grain = 'year' and platform = 'Google'",
        "delete from marts.largest_fines where overall_rank = 1",
        "update core.enforcement_actions set status = 'imposed' where status = 'annulled'",
    ],
    "assert_fines_over_time__grains_reconcile": [
        "update marts.fines_over_time set action_count = action_count + 1 "
        "where period_grain = 'quarter' and platform = 'TikTok'",
        "delete from marts.fines_over_time where period_grain = 'month' and platform = 'Amazon'",
    ],
    "assert_fines_over_time__running_totals": [
        "update marts.fines_over_time set running_total_fines_usd = total_fines_usd "
        "where period_grain = 'month' and jurisdiction = 'IE' and period_start_date = '2023-05-01'",
    ],
    "assert_fines_over_time__allowed_grains": [
        "update marts.fines_over_time set period_grain = 'week' where platform = 'X'",
        "update marts.fines_over_time set period_start_date = '2021-05-01' "
        "where period_grain = 'quarter' and platform = 'TikTok'",
    ],
    "assert_fines_over_time__unique_period": [
        "insert into marts.fines_over_time select * from marts.fines_over_time where platform = 'X'",
    ],
    "assert_fines_by_platform__unique_platform": [
        "insert into marts.fines_by_platform select * from marts.fines_by_platform where platform = 'X'",
    ],
    "assert_fines_by_authority__unique_authority": [
        "insert into marts.fines_by_authority select * from marts.fines_by_authority where authority = 'CNIL'",
    ],
    "assert_largest_fines__unique_action": [
        "insert into marts.largest_fines select * from marts.largest_fines where overall_rank = 1",
    ],
    "assert_largest_fines__traced_to_sources": [
        "update marts.largest_fines set source_count = 0, sources = null where platform = 'X'",
    ],
    "assert_non_monetary_actions__allowed_types": [
        "update marts.non_monetary_actions set action_type = 'fine' where platform = 'X'",
        "delete from marts.non_monetary_actions where action_type = 'block'",
    ],
    "assert_outlier_actions__unique_action": [
        "insert into marts.outlier_actions select * from marts.outlier_actions",
    ],
    "assert_feed_freshness__covers_every_feed": [
        "delete from marts.feed_freshness where feed = 'gdpr_tracker_mirror'",
        "insert into marts.feed_freshness select * from marts.feed_freshness where feed = 'news_rss'",
    ],
    "assert_stg_core__enforcement_actions__annulled_out_of_totals": [
        "create or replace view staging.stg_core__enforcement_actions as "
        "select * replace (amount_usd as fine_amount_usd) from staging.stg_core__enforcement_actions_saved",
    ],
    "assert_enforcement_actions__converted_have_provenance": [
        "update core.enforcement_actions set fx_source = null where action_id = 'a01'",
    ],
    "assert_enforcement_actions__rate_exists": [
        "delete from core.fx_rates where currency = 'BRL'",
    ],
}


def test_every_warehouse_test_has_a_mutation():
    """Each warehouse/tests/*.sql is shown to fail by at least one mutation below."""
    assert set(MUTATIONS) == {path.stem for path in (warehouse.ROOT / "tests").glob("*.sql")}


@pytest.mark.parametrize(
    ("test_name", "mutation"),
    [(name, sql) for name, sqls in MUTATIONS.items() for sql in sqls],
)
def test_warehouse_test_fails_on_a_broken_mart(con: duckdb.DuckDBPyConnection, test_name: str, mutation: str):
    """A warehouse test returns rows once a mart or its input is broken in the way it guards."""
    con.execute(
        "create view staging.stg_core__enforcement_actions_saved as "
        + (warehouse.ROOT / "staging" / "stg_core__enforcement_actions.sql").read_text(encoding="utf-8")
    )
    con.execute(mutation)
    sql = (warehouse.ROOT / "tests" / f"{test_name}.sql").read_text(encoding="utf-8")
    assert con.execute(sql).fetchall(), f"{test_name} did not catch: {mutation}"


def test_every_model_and_column_carries_a_comment(con: duckdb.DuckDBPyConnection):
    """After apply_comments, every staging, core and mart model and each of its columns has a comment."""
    models = comments.warehouse_models()
    rows = con.execute(
        "select schema_name || '.' || table_name, column_name, comment from duckdb_columns() "
        "where schema_name in ('staging', 'core', 'marts')"
    ).fetchall()
    described = {(model, column) for model, column, text in rows if model in models and text}
    assert described == {(model, column) for model, column, _ in rows if model in models}
    tables = con.execute(
        "select schema_name || '.' || table_name, comment from duckdb_tables() "
        "union all select schema_name || '.' || view_name, comment from duckdb_views()"
    ).fetchall()
    assert {name: text for name, text in tables if name in models} == {
        name: comments.header_comment(path.read_text(encoding="utf-8")) for name, (_, path) in models.items()
    }
    assert comments.apply_comments(con) == len(models) + len(described)


@pytest.mark.parametrize(
    ("edit", "problem"),
    [
        (lambda text: text.replace('is_last_run_successful = "', 'is_last_run_ok = "'), "is_last_run_ok"),
        (lambda text: text.replace("\nfine_count = ", "\n# fine_count = "), "fine_count: no comment"),
        (lambda text: text + '\n[marts.fines_by_country]\nx = "y"\n', "marts.fines_by_country"),
    ],
    ids=["stale column", "missing column", "unknown model"],
)
def test_comments_file_out_of_step_with_models_is_refused(
    con: duckdb.DuckDBPyConnection, tmp_path, edit, problem: str
):
    """A missing comment, or one for a column or model that is not built, raises and names it."""
    path = tmp_path / "comments.toml"
    path.write_text(edit(comments.COMMENTS_FILE.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(comments.CommentsError, match=problem):
        comments.resolve(con, comments_file=path)


def _doc_queries() -> list[str]:
    text = (Path(__file__).parents[2] / "docs" / "analysts.md").read_text(encoding="utf-8")
    return re.findall(r"```sql\n(.*?)```", text, flags=re.S)


@pytest.mark.parametrize("sql", _doc_queries(), ids=lambda sql: sql.split("from ")[1].split()[0])
def test_analyst_queries_in_docs_run_and_return_rows(con: duckdb.DuckDBPyConnection, sql: str):
    """Every SQL block of docs/analysts.md runs on the warehouse and answers with rows."""
    assert con.execute(sql).fetchall()


# A mart row broken in one way, and the contract check that must catch it.
CONTRACT_BREAKS = [
    (
        catalog.UNRESOLVED_PLATFORMS,
        pl.col("platform_reported") == "Telegramm",
        {"platform_candidates": pl.lit("Telegram")},
        "candidates_are_scored",
    ),
    (
        catalog.FINES_OVER_TIME,
        (pl.col("period_grain") == "quarter") & (pl.col("platform") == "TikTok"),
        {"period_start_date": pl.lit(date(2021, 5, 1))},
        "period_starts_its_grain",
    ),
    (
        catalog.FINES_OVER_TIME,
        pl.col("total_fines_usd") > 0,
        {"running_total_fines_usd": pl.lit(Decimal("0.00"), pl.Decimal(38, 2))},
        "running_total_includes_period",
    ),
    (
        catalog.FINES_BY_PLATFORM,
        pl.col("platform") == "Google",
        {"annulled_fine_count": pl.col("fine_count")},
        "fines_within_actions",
    ),
    (
        catalog.FINES_BY_AUTHORITY,
        pl.col("authority") == "CNIL",
        {"non_monetary_count": pl.lit(1, pl.Int64)},
        "fines_and_others_make_actions",
    ),
    (
        catalog.LARGEST_FINES,
        pl.col("platform") == "X",
        {"status": pl.lit("annulled")},
        "isin",
    ),
    (
        catalog.NON_MONETARY_ACTIONS,
        pl.col("action_type") == "block",
        {"decision_month_start_date": pl.lit(date(2022, 4, 1))},
        "month_contains_decision",
    ),
    (
        catalog.FEED_FRESHNESS,
        pl.col("feed") == "news_rss",
        {"successful_run_count": pl.lit(3, pl.Int64)},
        "successes_within_runs",
    ),
]


@pytest.mark.parametrize(
    ("mart", "where", "change", "check"), CONTRACT_BREAKS, ids=[f"{m}-{c}" for m, _, _, c in CONTRACT_BREAKS]
)
def test_mart_contract_catches_a_broken_row(
    con: duckdb.DuckDBPyConnection, mart: str, where: pl.Expr, change: dict[str, pl.Expr], check: str
):
    """Each mart contract passes the built mart and names the rule one broken row breaks."""
    from pandera.errors import SchemaErrors

    from schemas.marts import validate_mart

    frame = con.sql(f"select * from {mart}").pl()
    validate_mart(mart, frame)
    broken = frame.with_columns(
        **{column: pl.when(where).then(value).otherwise(pl.col(column)) for column, value in change.items()}
    )
    with pytest.raises(SchemaErrors, match=check):
        validate_mart(mart, broken)


def test_build_refuses_a_mart_that_breaks_its_contract():
    """A fact with an unknown status breaks largest_fines' contract: the build fails, marts stay as they were."""
    from pandera.errors import SchemaErrors

    with duckdb.connect() as con:
        build_fixture_warehouse(con)
        before = con.execute("select count(*) from marts.largest_fines").fetchall()
        con.execute("update core.enforcement_actions set status = 'reversed' where action_id = 'a16'")
        with pytest.raises(SchemaErrors, match="LargestFines"):
            models.build_marts(con)
        assert con.execute("select count(*) from marts.largest_fines").fetchall() == before
