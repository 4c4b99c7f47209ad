"""SQL models and migrations of the DuckDB warehouse, shipped as package data."""

from pathlib import Path

ROOT = Path(__file__).parent
