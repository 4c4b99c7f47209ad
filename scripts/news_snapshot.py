"""Write every candidate the news extractor reads from the fixture items, to compare two versions of it.

Usage, from the repository root:

    python scripts/news_snapshot.py /tmp/news_before.txt   # before a change
    python scripts/news_snapshot.py /tmp/news_after.txt    # after it
    cmp /tmp/news_before.txt /tmp/news_after.txt           # a speed-up must leave no difference

Inputs: every item of tests/fixtures/news/*.jsonl, the items of the bundled RSS and Atom samples
(etl/data/sample_news.*, tests/fixtures/cli/news_review.rss), the Markdown article in
tests/fixtures/news, and plainly synthetic variants that stress the item-level rules: each item
without its title, each item's summary in reverse sentence order, each pair of neighbouring
items read as one item, every summary of a file read as one long item, and the bench's
one-item sentence repeated. One line per input names it, then one ``repr`` line per candidate.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

from etl.parsing.news import extract_candidates, split_sentences
from etl.parsing.news_feed import parse_news_xml

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
FEEDS = [
    ROOT / "etl/data/sample_news.rss",
    ROOT / "etl/data/sample_news.atom",
    FIXTURES / "cli/news_review.rss",
]
BENCH_SENTENCE = (
    "A Moscow court fined TikTok 2.5 million rubles ($32,700) on Tuesday for failing to delete posts. "
)


def inputs() -> Iterator[tuple[str, str, str]]:
    """(name, title, summary) of every input, in a fixed order."""
    for path in sorted((FIXTURES / "news").glob("*.jsonl")):
        items = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        pairs = [(i["title"] or "", i["summary"] or "") for i in items]
        for item, (title, summary) in zip(items, pairs, strict=True):
            yield f"{path.name}:{item['id']}", title, summary
            yield f"{path.name}:{item['id']}:untitled", "", summary
            yield f"{path.name}:{item['id']}:reversed", title, " ".join(reversed(split_sentences(summary)))
        for k, ((t1, s1), (t2, s2)) in enumerate(zip(pairs, pairs[1:], strict=False)):
            yield f"{path.name}:pair{k}", t1, f"{s1}\n\n{t2}. {s2}"
        yield f"{path.name}:all", pairs[0][0], " ".join(s for _, s in pairs)
        yield f"{path.name}:all-paragraphs", "", "\n\n".join(f"{t}\n{s}" for t, s in pairs)
    for path in FEEDS:
        for item in parse_news_xml(path.read_bytes()):
            yield f"{path.name}:{item['id']}", item["title"] or "", item["summary"] or ""
    for path in sorted((FIXTURES / "news").glob("*.md")):
        yield path.name, "", path.read_text(encoding="utf-8")
    yield "bench-one-item", "Court fines TikTok", BENCH_SENTENCE * 300


def main() -> None:
    """Write the snapshot to the file named on the command line."""
    lines = []
    for name, title, summary in inputs():
        lines.append(f"== {name}")
        lines += [repr(c) for c in extract_candidates(title, summary)]
    Path(sys.argv[1]).write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{sum(line.startswith('== ') for line in lines)} inputs, {len(lines)} lines -> {sys.argv[1]}")


if __name__ == "__main__":
    main()
