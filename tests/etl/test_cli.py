"""The ``fines`` command as users run it: a real process, real files."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FIXTURES


def fines(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    """Run the installed command line in a subprocess."""
    return subprocess.run(
        [sys.executable, "-m", "etl.cli", *args], capture_output=True, text=True, env=env, timeout=120
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
