"""Measure news extraction on the labelled set: item outcomes per split and per-field quality.

Usage, from the repository root:

    python scripts/measure_news.py             # tables of the studied files for docs/news_extraction.md
    python scripts/measure_news.py --held-out  # aggregate counts on the held-out items only

The scoring is the one gated in tests/etl/test_news_labelled.py: each item goes through the RSS
adapter and ``transform.split_extraction_issues``, and only the rows it keeps count as facts.
Without ``--held-out`` the script reads only the studied files (``DEV_FILES``: labelled.jsonl and
the consumed heldout.jsonl); with it, it counts the "holdout" items of every
tests/fixtures/news/*.jsonl file and prints counts only, never items.
"""

from __future__ import annotations

import argparse
import importlib.util
import subprocess
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]
EXTRACTOR = [
    *(str(p.relative_to(ROOT)) for p in sorted((ROOT / "etl" / "parsing").glob("news*.py"))),
    "etl/parsing/parsers.py",
    "etl/data/news_tables.toml",
]


def _scoring() -> ModuleType:
    spec = importlib.util.spec_from_file_location("news_labelled", ROOT / "tests/etl/test_news_labelled.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _outcome_row(s: ModuleType, name: str, rows: list[dict]) -> str:
    real = sum(not r["synthetic"] for r in rows)
    counts = s.outcomes(rows)
    cells = [f"{counts[k]} ({s.ratio(counts[k], len(rows)):.0%})" for k in ("correct", "review", "wrong")]
    either = counts["correct"] + counts["review"]
    cells.append(f"{s.ratio(either, len(rows)):.0%}")
    return f"| {name} | {len(rows)} ({real} / {len(rows) - real}) | " + " | ".join(cells) + " |"


def _field_table(s: ModuleType, title: str, rows: list[dict]) -> None:
    print(f"\nFields, {title}:\n")
    print("| field | precision | recall |")
    print("|---|---|---|")
    for field, (ok, predicted, expected) in s.field_counts(rows).items():
        precision = f"{s.ratio(ok, predicted):.3f} ({ok}/{predicted})"
        print(f"| {field} | {precision} | {s.ratio(ok, expected):.3f} ({ok}/{expected}) |")


def main() -> None:
    """Print the outcome and field tables for the current extractor code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--held-out", action="store_true", help="aggregate counts on the held-out items only")
    held_out = parser.parse_args().held_out
    s = _scoring()
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    dirty = subprocess.run(["git", "status", "--porcelain", *EXTRACTOR], cwd=ROOT, capture_output=True,
                           text=True).stdout.strip()  # fmt: skip
    print(
        f"Measured on commit {commit.stdout.strip()}{' + uncommitted extractor changes' if dirty else ''}.\n"
    )
    print("| split | items (real / synthetic) | correct fact | review | wrong | correct or review |")
    print("|---|---|---|---|---|---|")
    if held_out:
        print(_outcome_row(s, "held-out", s.held_out_rows()))
        return
    for split in s.SPLITS:
        if rows := s.by_split(split):
            print(_outcome_row(s, split, rows))
    print(_outcome_row(s, "all studied", s.dev_file_rows()))
    _field_table(s, "dev", s.by_split("dev"))
    _field_table(s, "all studied items", s.dev_file_rows())
    print("\nAuthority is not labelled, so it is not measured.")


if __name__ == "__main__":
    main()
