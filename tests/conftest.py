"""Shared fixtures: an isolated data folder and warehouse per test, and fixture paths."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from etl.config import Settings, load_settings

FIXTURES = Path(__file__).parent / "fixtures"
AS_OF = date(2026, 11, 29)


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Settings pointing at a fresh data folder and warehouse under tmp_path."""
    monkeypatch.setenv("FINES_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("FINES_WAREHOUSE", str(tmp_path / "data" / "warehouse.duckdb"))
    monkeypatch.delenv("FINES_FEEDS", raising=False)
    monkeypatch.delenv("FINES_QUARANTINE_THRESHOLD", raising=False)
    return load_settings()


def write_registry(path: Path, feeds: dict[str, dict[str, object]]) -> Path:
    """Write a feed registry TOML with the given entries (values: str or bool)."""
    lines = []
    for name, entry in feeds.items():
        lines.append(f"[feeds.{name}]")
        for key, value in entry.items():
            rendered = ("true" if value else "false") if isinstance(value, bool) else f'"{value}"'
            lines.append(f"{key} = {rendered}")
        lines.append("")
    path.write_text("\n".join(lines), encoding="utf-8")
    return path
