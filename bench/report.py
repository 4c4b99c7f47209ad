"""Markdown tables from ``bench/results/results.json`` (written by ``bench.run``).

python -m bench.report [bench/results/results.json]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

STAGES = {
    "read": "read + parse (`read_feed`, `parse_rows`)",
    "validate": "parse contract (`split_valid` ParsedEnforcementAction)",
    "normalize": "normalize + action contract",
    "prepare": "fresh warehouse: rates for the run, migrate, `load_rates`",
    "convert": "convert + converted contract (`fx.run`, Parquet in/out)",
    "load": "load (`load.load_batch`, into that fresh warehouse)",
    "marts": "build marts (`models.build_marts`)",
}
TARGET_FLOOR_RATIO = 3.0
TARGET_PANDAS_SPEEDUP = 2.0  # issue 12: at least 2x faster than pandas + pandera
TARGET_10M_RSS_GIB = 4.0
TARGET_INCREMENTAL_SHARE = 0.10


def _ok(item: dict | None) -> bool:
    return bool(item) and "error" not in item and "killed" not in item


def _mib(item: dict) -> str:
    return f"{item['maxrss_kib'] / 1024:,.0f}"


def _row(label: str, item: dict | None, rows: int) -> str:
    if not item:
        return f"| {label} | not run | | | |"
    if not _ok(item):
        why = item.get("killed") or item.get("error", "")[-160:]
        return f"| {label} | failed: {why} | | {_mib(item)} | {item['wall_s']:.1f} |"
    seconds = item["seconds"]
    return f"| {label} | {seconds:,.2f} | {rows / seconds:,.0f} | {_mib(item)} | {item['wall_s']:.1f} |"


def size_section(size: str, data: dict) -> list[str]:
    rows = data["rows"]
    lines = [
        f"### {size}: {rows:,} actions, {data['bytes'] / 1e6:,.0f} MB CSV",
        "",
        "Seconds of the measured call; rows/s = feed rows / seconds; peak RSS of the process that ran it;"
        " process wall = the whole child process (interpreter start, imports, input Parquet, the call).",
        "",
        "| measurement | seconds | rows/s | peak RSS MiB | process wall s |",
        "|---|---:|---:|---:|---:|",
    ]
    if data.get("generate"):
        gen = data["generate"]
        seconds = gen.get("seconds", 0)
        lines.append(
            f"| generate the file (`bench.generate`) | {seconds:,.2f} | | {_mib(gen)} | {gen['wall_s']:.1f} |"
        )
    lines.append(_row("**floor**: DuckDB `read_csv` (all_varchar) into a table", data.get("floor"), rows))
    lines.append(_row("DuckDB `read_csv` with type detection", data.get("floor_typed"), rows))
    stages = data.get("stages", {})
    total = 0.0
    for name, label in STAGES.items():
        item = stages.get(name)
        lines.append(_row(f"stage: {label}", item, rows))
        if _ok(item):
            total += item["seconds"]
    if all(_ok(stages.get(n)) for n in STAGES):
        lines.append(f"| sum of the stages | {total:,.2f} | {rows / total:,.0f} | | |")
    lines.append(
        _row("**e2e**: `etl.running.pipeline.run`, one feed, fresh warehouse", data.get("e2e"), rows)
    )
    lines.append(_row("**pandas** baseline (pandas + pandera pandas, DuckDB)", data.get("pandas"), rows))
    if _ok(data.get("pandas")):
        for step, seconds in data["pandas"]["timings"].items():
            lines.append(f"| &nbsp;&nbsp;pandas: {step} | {seconds:,.2f} | {rows / seconds:,.0f} | | |")
    lines += rounds_section(data)
    lines += counts_section(data)
    lines += breakdown_section("e2e", data.get("e2e"))
    return lines


def rounds_section(data: dict) -> list[str]:
    rounds = data.get("rounds") or []
    if len(rounds) < 2:
        return []
    lines = [
        "",
        "Rounds (floor, e2e and pandas run one after the other in each round; the tables above keep the fastest):",
        "",
        "| round | floor s | e2e s | pandas s | e2e / floor | pandas / e2e |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for i, r in enumerate(rounds, 1):
        floor, e2e, pandas = r.get("floor"), r.get("e2e"), r.get("pandas")

        def fmt(value: float | None) -> str:
            return f"{value:.2f}" if value else "n/a"

        lines.append(
            f"| {i} | {fmt(floor)} | {fmt(e2e)} | {fmt(pandas)} |"
            f" {fmt(e2e / floor) if e2e and floor else 'n/a'}x | {fmt(pandas / e2e) if pandas and e2e else 'n/a'}x |"
        )
    return lines


def counts_section(data: dict) -> list[str]:
    e2e, pandas = data.get("e2e"), data.get("pandas")
    feed = e2e["feeds"][0] if _ok(e2e) else None
    lines = [""]
    if feed:
        lines.append(
            f"Run log of e2e: rows in {feed['rows_in']:,}, loaded {feed['loaded']:,},"
            f" quarantined {feed['quarantined']:,}, no rate {feed['no_rate']:,},"
            f" duplicates {feed['duplicates']:,}, status {feed['status']}."
            f" Marts: {', '.join(f'{k} {v:,}' for k, v in e2e['marts'].items())}."
        )
    if _ok(pandas):
        keys = ("loaded", "quarantined", "no_rate", "duplicates")
        same = "no e2e to compare" if not feed else "the same counts as e2e"
        if feed and any(pandas[k] != feed[k] for k in keys):
            same = "**counts differ from e2e**"
        lines.append(
            f"Pandas baseline: loaded {pandas['loaded']:,}, quarantined {pandas['quarantined']:,},"
            f" no rate {pandas['no_rate']:,}, duplicates {pandas['duplicates']:,} ({same});"
            f" marts: {', '.join(f'{k} {v:,}' for k, v in pandas['marts'].items())}."
        )
    return lines if len(lines) > 1 else []


def breakdown_section(name: str, item: dict | None) -> list[str]:
    if not _ok(item) or not item.get("breakdown"):
        return []
    lines = [
        "",
        f"Where `pipeline.run` spent its {item['seconds']:.2f} s ({name}; nested rows are part of the row above):",
        "",
        "| step | seconds | share |",
        "|---|---:|---:|",
    ]
    for label, seconds in item["breakdown"].items():
        lines.append(
            f"| {label.replace('  ', '&nbsp;&nbsp;')} | {seconds:,.2f} | {seconds / item['seconds']:.0%} |"
        )
    return lines


def targets_section(results: dict) -> list[str]:
    sizes = results["sizes"]
    lines = ["### Targets (reported, not asserted)", "", "| target | measured | met? |", "|---|---|---|"]
    one = sizes.get("1m", {})
    if _ok(one.get("e2e")) and _ok(one.get("floor")):
        ratio = one["e2e"]["seconds"] / one["floor"]["seconds"]
        met = "yes" if ratio <= TARGET_FLOOR_RATIO else f"no ({ratio / TARGET_FLOOR_RATIO:.1f}x over)"
        lines.append(
            f"| 1m e2e within {TARGET_FLOOR_RATIO:g}x the DuckDB read_csv floor | {one['e2e']['seconds']:.2f} s vs"
            f" {one['floor']['seconds']:.2f} s = **{ratio:.1f}x** | {met} |"
        )
    if _ok(one.get("e2e")) and _ok(one.get("pandas")):
        pandas_s, e2e_s = one["pandas"]["seconds"], one["e2e"]["seconds"]
        met = "yes" if pandas_s / e2e_s >= TARGET_PANDAS_SPEEDUP else "no"
        lines.append(
            f"| 1m e2e at least {TARGET_PANDAS_SPEEDUP:g}x faster than pandas |"
            f" pandas {pandas_s:.2f} s / e2e {e2e_s:.2f} s = **{pandas_s / e2e_s:.2f}x** | {met} |"
        )
    ten = sizes.get("10m", {})
    if ten.get("e2e"):
        e2e = ten["e2e"]
        gib = e2e["maxrss_kib"] / 1024 / 1024
        note = "" if _ok(e2e) else f" ({e2e.get('killed') or 'failed'})"
        lines.append(
            f"| 10m e2e peak RSS under {TARGET_10M_RSS_GIB:g} GB | **{gib:.1f} GiB**{note} |"
            f" {'yes' if _ok(e2e) and gib < TARGET_10M_RSS_GIB else 'no'} |"
        )
    else:
        lines.append(f"| 10m e2e peak RSS under {TARGET_10M_RSS_GIB:g} GB | not measured | ? |")
    full = one.get("incremental_e2e") or one.get("e2e")  # the full load of the same invocation
    if _ok(one.get("incremental")) and _ok(full):
        share = one["incremental"]["seconds"] / full["seconds"]
        lines.append(
            f"| incremental (1,000 new into 1m) under {TARGET_INCREMENTAL_SHARE:.0%} of the full load |"
            f" {one['incremental']['seconds']:.2f} s / {full['seconds']:.2f} s = **{share:.0%}** |"
            f" {'yes' if share < TARGET_INCREMENTAL_SHARE else 'no'} |"
        )
    return lines


def ratios_section(results: dict) -> list[str]:
    lines = [
        "### Ratios",
        "",
        "| size | e2e s | e2e / floor | e2e / floor (typed) | pandas / e2e (speed-up)"
        " | pandas / floor | e2e peak RSS MiB | pandas peak RSS MiB |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for size, data in results["sizes"].items():
        e2e, pandas, floor = data.get("e2e"), data.get("pandas"), data.get("floor")
        pandas_floor = f"{pandas['seconds'] / floor['seconds']:.2f}x" if _ok(pandas) and _ok(floor) else "n/a"
        pandas_mib = _mib(pandas) if _ok(pandas) else "n/a"
        if not _ok(e2e):
            state = "failed" if e2e else "not run"
            lines.append(
                f"| {size} | {state} | | | | {pandas_floor} | {_mib(e2e) if e2e else ''} | {pandas_mib} |"
            )
            continue

        def ratio(other: dict | None, *, inverse: bool = False, e2e: dict = e2e) -> str:
            if not _ok(other):
                return "n/a"
            value = other["seconds"] / e2e["seconds"] if inverse else e2e["seconds"] / other["seconds"]
            return f"{value:.2f}x"

        lines.append(
            f"| {size} | {e2e['seconds']:.2f} | {ratio(floor)} | {ratio(data.get('floor_typed'))} |"
            f" {ratio(pandas, inverse=True)} | {pandas_floor} | {_mib(e2e)} | {pandas_mib} |"
        )
    return lines


def incremental_section(results: dict) -> list[str]:
    item = results["sizes"].get("1m", {}).get("incremental")
    if not item:
        return []
    lines = ["### Incremental run: 1,000 new actions into the 1m warehouse", ""]
    if not _ok(item):
        return [*lines, f"failed: {item.get('killed') or item.get('error')}"]
    feed = item["feeds"][0]
    lines.append(
        f"`pipeline.run` took {item['seconds']:.2f} s (process wall {item['wall_s']:.1f} s, peak RSS {_mib(item)} MiB);"
        f" loaded {feed['loaded']:,}, quarantined {feed['quarantined']:,}."
    )
    return lines + breakdown_section("incremental", item)[1:]


def machine_section(results: dict) -> list[str]:
    machine = results["machine"]
    versions = ", ".join(f"{k} {v}" for k, v in machine["versions"].items())
    dirty = ", ".join(machine["uncommitted"]) or "none"
    note = [f"Code measured: {results['note']}"] if results.get("note") else []
    code = (
        [
            f"Code: git {machine['git_head']}; uncommitted changes in etl/schemas/warehouse at the time: {dirty}."
        ]
        if machine["git_head"]
        else []
    )
    return note + [
        f"Measured {machine['date']} on {machine['cores']} cores ({machine['cpu']}), {machine['memory_gib']} GiB,"
        f" Linux {machine['kernel']}. {versions}.",
        *code,
        f"Load average (1, 5, 15 min) at start {tuple(round(x, 2) for x in results['loadavg_start'])},"
        f" at end {tuple(round(x, 2) for x in results.get('loadavg_end', results['loadavg_start']))}:"
        " other processes (other engineers' test runs) may have been running.",
    ]


def render(results: dict) -> str:
    lines = machine_section(results) + [""]
    lines += targets_section(results) + [""] + ratios_section(results) + [""]
    for size, data in results["sizes"].items():
        lines += size_section(size, data) + [""]
    lines += incremental_section(results)
    for size, data in results["sizes"].items():
        if _ok(data.get("profile")):
            lines += ["", f"### cProfile of `pipeline.run` at {size} (top by own time)", "", "```"]
            lines += _trim_profile(data["profile"]["top_tottime"])
            lines += ["```"]
    return "\n".join(lines) + "\n"


def _trim_profile(text: str, keep: int = 22) -> list[str]:
    body = text.splitlines()
    start = next((i for i, line in enumerate(body) if line.strip().startswith("ncalls")), 0)
    return [line.rstrip()[:150] for line in body[start : start + keep + 1]]


def write_report(results: dict, path: Path) -> str:
    text = render(results)
    path.write_text(text)
    return text


def merge(paths: list[Path]) -> dict:
    """One result set from several runs: machine and notes of the first, sizes of all (later wins)."""
    merged = json.loads(paths[0].read_text())
    for path in paths[1:]:
        other = json.loads(path.read_text())
        for size, data in other["sizes"].items():
            merged["sizes"].setdefault(size, {}).update(data)
        merged["loadavg_end"] = other.get("loadavg_end", merged.get("loadavg_end"))
        merged.setdefault("runs", [merged.get("command", "")]).append(other.get("command", ""))
    return merged


if __name__ == "__main__":
    sources = [Path(p) for p in sys.argv[1:]] or [Path(__file__).parent / "results" / "results.json"]
    print(render(merge(sources)))
