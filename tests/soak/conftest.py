"""The soak test's marker: it runs in CI by default (a few minutes); ``FINES_SOAK_RUNS`` makes it longer."""

from __future__ import annotations

import pytest


def pytest_configure(config: pytest.Config) -> None:
    """Register ``soak`` (strict markers are on)."""
    config.addinivalue_line("markers", "soak: long run under injected faults, kills and readers (runs in CI)")
