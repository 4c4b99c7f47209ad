"""Measure news extraction on the labelled set: item outcomes per split and per-field quality.

Usage: ``python scripts/measure_news.py`` from the repository root. Prints the Markdown tables
of docs/news_extraction.md; the scoring is the one gated in tests/etl/test_news_labelled.py.
"""

from __future__ import annotations

import importlib.util
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _scoring():
    spec = importlib.util.spec_from_file_location("news_labelled", ROOT / "tests/etl/test_news_labelled.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main() -> None:
    """Print the outcome and field tables for the current extractor code."""
    s = _scoring()
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    dirty = subprocess.run(["git", "status", "--porcelain", "etl/news.py", "etl/parsers.py"], cwd=ROOT,
                           capture_output=True, text=True).stdout.strip()  # fmt: skip
    print(
        f"Measured on commit {commit.stdout.strip()}{' + uncommitted extractor changes' if dirty else ''}.\n"
    )
    print("| split | items (real / synthetic) | correct fact | review | wrong |")
    print("|---|---|---|---|---|")
    for split in (*s.SPLITS, None):
        rows = s.LABELLED if split is None else s.by_split(split)
        real = sum(not r["synthetic"] for r in rows)
        counts = s.outcomes(rows)
        cells = [f"{counts[k]} ({s.ratio(counts[k], len(rows)):.0%})" for k in ("correct", "review", "wrong")]
        print(f"| {split or 'all'} | {len(rows)} ({real} / {len(rows) - real}) | " + " | ".join(cells) + " |")
    for split in ("dev", "holdout", None):
        rows = s.LABELLED if split is None else s.by_split(split)
        print(f"\nFields, {split or 'all splits'}:\n")
        print("| field | precision | recall |")
        print("|---|---|---|")
        for field, (ok, predicted, expected) in s.field_counts(rows).items():
            precision = f"{s.ratio(ok, predicted):.3f} ({ok}/{predicted})"
            print(f"| {field} | {precision} | {s.ratio(ok, expected):.3f} ({ok}/{expected}) |")
    print("\nAuthority is not labelled, so it is not measured.")


if __name__ == "__main__":
    main()
