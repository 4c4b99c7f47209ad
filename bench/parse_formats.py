"""Parsing time per feed format and payload size: parsing must be linear in the input (issue 13).

    python -m bench.parse_formats                   # 5 and 20 MB of every format
    python -m bench.parse_formats --sizes 1,2,4 --formats rss,news-one-item

Each payload is plainly synthetic, built by repeating the bundled samples (etl/data/) with new
record ids: canonical CSV, JSON Lines, a GDPR Enforcement Tracker export, RSS and Atom news
feeds, and ``news-one-item``, one RSS item whose summary is the whole payload on one line (the
shape that was quadratic). Timed: ``etl.parsing.transform.read_feed`` (decode, adapter, news
extraction, in ``--workers`` processes for a news feed of a million characters or more) plus
``etl.parsing.suspect.split_parse_issues``; wall and CPU seconds (the workers' included), and MB/s
on CPU time (the machines are shared, so CPU time is the steadier figure). A ratio near 1 between the
per-MB CPU time of the largest and smallest size means linear. The news payloads repeat a few
items (or one sentence), every one a full candidate: the extractor caches no sentence or item
(only pure functions of one token, such as an amount's figure), so they cost what distinct
text of that shape would. Results: BENCHMARKS.md, "Parsing 20 MB of each format".
"""

from __future__ import annotations

import argparse
import html
import json
import re
import resource
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from etl.config import default_workers
from etl.parsing import transform
from etl.parsing.suspect import split_parse_issues
from etl.sources.feeds import Feed

DATA = Path(__file__).resolve().parents[1] / "etl" / "data"
MB = 1024 * 1024


def _repeat(head: str, body: Callable[[int], str], size: int, tail: str = "") -> str:
    parts, total, index = [head], len(head) + len(tail), 0
    while total < size:
        part = body(index)
        parts.append(part)
        total, index = total + len(part), index + 1
    return "".join([*parts, tail])


def _csv(name: str, column: int) -> Callable[[int], str]:
    head, *rows = (DATA / name).read_text(encoding="utf-8").splitlines(keepends=True)

    def body(index: int) -> str:
        fields = rows[index % len(rows)].split(",", column + 1)
        fields[column] = f"{fields[column]}-b{index}"
        return ",".join(fields)

    return lambda size: _repeat(head, body, size)


def _jsonl(size: int) -> str:
    records = [json.loads(line) for line in (DATA / "sample_actions.jsonl").read_text().splitlines() if line]
    return _repeat(
        "", lambda i: json.dumps(records[i % len(records)] | {"source_record_id": f"b{i}"}) + "\n", size
    )


def _news(name: str, item: str) -> Callable[[int], str]:
    text = (DATA / name).read_text(encoding="utf-8")
    items = re.findall(rf"<{item}\b.*?</{item}>", text, flags=re.S)
    head, tail = text[: text.index(items[0])], text[text.rindex(items[-1]) + len(items[-1]) :]
    ident = "guid" if item == "item" else "id"

    def body(index: int) -> str:
        return re.sub(
            rf"<{ident}>(.*?)</{ident}>", rf"<{ident}>\1-b{index}</{ident}>", items[index % len(items)]
        )

    return lambda size: _repeat(head, body, size, tail)


def _one_item(size: int) -> str:
    sentence = (
        "A Moscow court fined TikTok 2.5 million rubles ($32,700) on Tuesday for failing to delete posts. "
    )
    summary = html.escape(sentence * (size // len(sentence)))
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>bench</title><item>'
        f"<title>Court fines TikTok</title><description>{summary}</description><guid>one</guid>"
        "<pubDate>Tue, 06 Apr 2021 00:00:00 GMT</pubDate></item></channel></rss>"
    )


MAKERS: dict[str, tuple[str, Callable[[int], str]]] = {
    "csv": ("csv", _csv("sample_actions.csv", 1)),
    "jsonl": ("jsonl", _jsonl),
    "gdpr-tracker": ("gdpr-tracker", _csv("sample_gdpr_tracker.csv", 0)),
    "rss": ("rss", _news("sample_news.rss", "item")),
    "atom": ("atom", _news("sample_news.atom", "entry")),
    "news-one-item": ("rss", _one_item),
}


def _cpu() -> float:
    """CPU seconds of this process and of its ended children (news workers, etl/parsing/news_pool.py)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def measure(name: str, size_mb: float, folder: Path, workers: int = 1) -> dict[str, object]:
    """Parse one synthetic payload of a format and size with ``workers`` news processes; return its timings."""
    fmt, make = MAKERS[name]
    path = folder / f"{name}.{fmt}"
    path.write_text(make(int(size_mb * MB)), encoding="utf-8")
    feed = Feed(name="bench", format=fmt, location=str(path))
    wall, cpu = time.perf_counter(), _cpu()
    raw = transform.read_feed(path, feed=feed, workers=workers)
    clean, flagged = split_parse_issues(raw, feed=feed)
    wall, cpu = time.perf_counter() - wall, _cpu() - cpu
    megabytes = path.stat().st_size / MB
    return {"format": name, "mb": round(megabytes, 2), "rows": raw.height, "flagged": flagged.height,
            "wall_s": round(wall, 2), "cpu_s": round(cpu, 2), "mb_per_cpu_s": round(megabytes / cpu, 2)}  # fmt: skip


def main() -> None:
    """Print one line per format and size, then the per-MB ratio of the largest to the smallest size."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="5,20", help="payload sizes in MB, comma-separated")
    parser.add_argument("--formats", default=",".join(MAKERS), help=f"any of {', '.join(MAKERS)}")
    parser.add_argument(
        "--workers", type=int, default=default_workers(),
        help="processes that read a large news feed, as FINES_PARSE_WORKERS (default: %(default)s, this machine's)",
    )  # fmt: skip
    args = parser.parse_args()
    sizes = [float(s) for s in args.sizes.split(",")]
    print("| format | MB | rows | flagged | wall s | CPU s | MB per CPU s |\n|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as folder:
        for name in args.formats.split(","):
            results = [measure(name, size, Path(folder), args.workers) for size in sizes]
            for r in results:
                print(f"| {' | '.join(str(v) for v in r.values())} |", flush=True)
            first, last = results[0], results[-1]
            ratio = (last["cpu_s"] / last["mb"]) / max(first["cpu_s"] / first["mb"], 1e-9)
            print(f"| {name}: CPU s per MB, {last['mb']} MB / {first['mb']} MB | {ratio:.2f} | | | | | |")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak RSS {peak:.0f} MB")


if __name__ == "__main__":
    main()
