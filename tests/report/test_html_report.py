"""`fines report --html` opened in a real headless Chromium: offline, no console errors, every chart.

The warehouse is built by the installed `fines` command from the bundled sample feeds, plus
the synthetic bad rows of tests/fixtures/feeds (for the quarantine) and a synthetic news item
with markup in it (tests/report/hostile_news.rss, for the review queue).
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl
import pytest

from etl import catalog
from etl.report import browser, html, write_html_report
from schemas import marts  # noqa: F401 - loaded with the real catalog before a test patches it
from tests.conftest import FIXTURES

HERE = Path(__file__).parent
FINES = Path(sys.executable).with_name("fines")
# Charts per page, by their figure's label.
INDEX_CHARTS = [
    "Fines by platform",
    "Fines by year and platform",
    "Fines by quarter and jurisdiction",
    "Fines by jurisdiction",
    "Non-monetary actions by year and type",
]
QUALITY_CHARTS = ["Rows per run by outcome"]
PROBES = {
    "charts": "[...document.querySelectorAll('figure.chart')].filter(f => f.querySelector('svg'))"
    ".map(f => f.getAttribute('aria-label'))",
    "hrefs": "[...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href'))",
    "active": "document.querySelectorAll('script, img, iframe, object, embed, link, base').length",
    "failed_checks": "document.querySelectorAll('#checks .badge.fail').length",
}


@dataclass(frozen=True)
class Built:
    warehouse: Path
    out: Path
    stdout: str


def _fines(*args: str, env: dict[str, str]) -> str:
    done = subprocess.run([str(FINES), *args], env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """A warehouse from the bundled feeds (plus bad rows and a hostile news item) and its report."""
    root = tmp_path_factory.mktemp("report")
    env = {k: v for k, v in os.environ.items() if not k.startswith("FINES_")}
    env |= {"FINES_DATA_DIR": str(root / "data"), "FINES_WAREHOUSE": str(root / "data" / "wh.duckdb")}
    _fines("run", "--as-of", "2026-11-29", env=env)
    bad_rows = str(FIXTURES / "feeds" / "synthetic_bad_rows.csv")
    _fines("ingest", bad_rows, "--format", "csv", "--as-of", "2026-11-30", env=env)
    hostile = str(HERE / "hostile_news.rss")
    _fines("ingest", hostile, "--format", "rss", "--as-of", "2026-11-30", env=env)
    stdout = _fines("report", "--html", str(root / "site"), env=env)
    return Built(warehouse=root / "data" / "wh.duckdb", out=root / "site", stdout=stdout)


@pytest.fixture(scope="module")
def visits(built: Built, tmp_path_factory: pytest.TempPathFactory) -> dict[str, browser.PageVisit]:
    """Both pages as headless Chromium loaded them (CI sets FINES_REQUIRE_CHROMIUM: no skipping)."""
    if browser.find_chromium() is None:
        if os.environ.get("FINES_REQUIRE_CHROMIUM"):
            pytest.fail("chromium is not installed (apt-get install chromium)")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    pages = [built.out / "index.html", built.out / "quality.html"]
    found = browser.visit_pages(pages, probes=PROBES)
    shots = tmp_path_factory.mktemp("screenshots")
    for path, visit in zip(pages, found, strict=True):
        (shots / f"{path.stem}.png").write_bytes(visit.screenshot)
    return {path.stem: visit for path, visit in zip(pages, found, strict=True)}


def _query(built: Built, sql: str) -> list[tuple]:
    with duckdb.connect(str(built.warehouse), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_report_command_says_where_it_wrote_the_report(built: Built):
    """`fines report --html DIR` prints the main page's path, and both pages exist."""
    index = (built.out / "index.html").resolve()
    assert str(index) in built.stdout
    assert index.exists() and (built.out / "quality.html").exists()


@pytest.mark.parametrize("page", ["index", "quality"])
def test_page_loads_offline_without_console_errors(visits: dict[str, browser.PageVisit], page: str):
    """The only request a page makes is for its own file, and the console stays free of errors."""
    visit = visits[page]
    assert visit.requests == [visit.url] and visit.url.startswith("file://")
    assert visit.console_errors == []
    assert visit.probes["active"] == 0  # no script, image, frame or stylesheet to fetch or run


@pytest.mark.parametrize(("page", "charts"), [("index", INDEX_CHARTS), ("quality", QUALITY_CHARTS)])
def test_every_chart_is_drawn_as_inline_svg(visits: dict[str, browser.PageVisit], page: str, charts):
    """Each chart of the page is on it as an SVG, and there is no other SVG."""
    assert visits[page].probes["charts"] == charts
    assert visits[page].svg_count == len(charts)


def test_seed_fine_shows_with_its_rate_rate_date_and_source(visits: dict[str, browser.PageVisit]):
    """TikTok's 2,500,000 RUB of 2021-04-06 reads $32,627.17, at the ECB rate of that day."""
    text = visits["index"].text
    row = next(line for line in text.splitlines() if "2,500,000.00 RUB" in line)
    assert "$32,627.17" in row and "€27,622.05" in row
    assert "1 RUB = 0.0130508666 USD" in text
    assert "rate of 2021-04-06 · ECB" in text


def test_totals_on_the_page_are_the_marts_figures(built: Built, visits: dict[str, browser.PageVisit]):
    """The platform table shows each platform's mart total, and the actions card the marts' sum."""
    text = visits["index"].text
    for platform, total in _query(built, "select platform, total_fines_usd from marts.fines_by_platform"):
        assert f"{platform}\t" in text and f"${total:,.0f}" in text
    ((actions,),) = _query(built, "select sum(action_count) from marts.fines_by_platform")
    assert f"{actions:,}\nACTIONS" in text.upper()


def test_quality_page_shows_quarantine_review_queue_and_passing_checks(
    built: Built, visits: dict[str, browser.PageVisit]
):
    """Quarantine reasons per feed, the waiting news item and every check passing are on the page."""
    text = visits["quality"].text
    assert "currency: currency_is_iso_4217\tsynthetic_bad_rows\tnormalize\t1" in text
    ((item_id,),) = _query(built, "select quarantine_id from ops.quarantine where feed = 'hostile_news'")
    assert item_id in text
    assert visits["quality"].probes["failed_checks"] == 0
    assert "run_2026-11-30" in text and "reference_sample" in text


def test_markup_from_a_feed_stays_text(built: Built, visits: dict[str, browser.PageVisit]):
    """A feed's link with quotes and brackets is one href, exactly as stored; no element is injected."""
    ((url,),) = _query(
        built,
        "select json_extract_string(payload, '$.source_url') from ops.quarantine where feed = 'hostile_news'",
    )
    assert '">' in url
    assert url in visits["quality"].probes["hrefs"]
    assert visits["quality"].probes["active"] == 0


def test_screenshot_is_a_full_page_png(visits: dict[str, browser.PageVisit]):
    """The screenshot is a PNG taller than one screen (the whole page)."""
    shot = visits["index"].screenshot
    assert shot.startswith(b"\x89PNG\r\n\x1a\n")
    height = int.from_bytes(shot[20:24], "big")  # IHDR: width at 16, height at 20
    assert height > 2000


def test_table_cells_escape_markup_and_link_only_web_urls():
    """Values are escaped; a javascript: or data: URL is shown as text, never as a link."""
    env = html.environment()
    frame = pl.DataFrame(
        {
            "name": ["<script>alert(1)</script>", "a & b"],
            "source_url": ["javascript:alert(2)", 'https://example.org/?q="><b>x</b>'],
        }
    )
    template = env.from_string(
        '{% from "macros.html" import table %}{{ table(frame, [("name", "Name", "text"), '
        '("source_url", "Link", "link")]) }}'
    )
    out = template.render(frame=frame)
    assert "<script>" not in out and "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    assert "a &amp; b" in out
    assert 'href="javascript' not in out and "javascript:alert(2)" in out
    assert 'href="https://example.org/?q=&#34;&gt;&lt;b&gt;x&lt;/b&gt;"' in out


def test_marts_not_built_yet_get_a_marked_place(built: Built, tmp_path: Path, monkeypatch):
    """A mart the warehouse lacks, or the catalog does not name yet, is a marked placeholder."""
    monkeypatch.setattr(catalog, "FX_DISAGREEMENTS", "marts.not_built_yet")
    monkeypatch.setattr(catalog, "RECENT_CHANGES", None)
    write_html_report(built.warehouse, tmp_path)
    quality = (tmp_path / "quality.html").read_text(encoding="utf-8")
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "Not in this warehouse yet: <code>marts.not_built_yet</code> has not been built" in quality
    assert "Not in this warehouse yet: the catalog does not name this mart yet" in index


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://example.org/a", "https://example.org/a"),
        (" http://example.org ", "http://example.org"),
        ("javascript:alert(1)", None),
        ("data:text/html,<b>", None),
        ("https:///no-host", None),
        (None, None),
    ],
)
def test_safe_url_keeps_only_web_links(value, expected):
    """Only http(s) URLs with a host become links."""
    assert html.safe_url(value) == expected
