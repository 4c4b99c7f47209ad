"""What each ``fines`` sub-command does; :mod:`etl.console.cli` parses the arguments."""

from __future__ import annotations

import argparse
import dataclasses
import re
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from etl import catalog
from etl.config import Settings, load_settings
from etl.console.tables import print_fines_by_platform, print_largest_fines
from etl.console.terminal import echo, escape
from etl.errors import UserError
from etl.sources.feeds import Feed, enabled_feeds, load_registry, registry_or_none
from etl.sources.inputs import check_feed_filter, check_folder, check_paths

if TYPE_CHECKING:
    from etl.running import pipeline

# The pipeline, pandera and the rate tables load only for the commands that use them, so that
# `fines fx convert` and `fines report` answer fast.
USER_ERRORS = (UserError,)


def _waiting(count: int) -> str:
    return f"{count} item waits" if count == 1 else f"{count} items wait"


def _print_report(report: pipeline.RunReport) -> None:
    echo(f"run {report.run_id} (as of {report.as_of})")
    for r in report.feeds:
        line = (
            f"  {r.feed}: {r.status}: {r.rows_in} in, {r.loaded} loaded, {r.duplicates} duplicates, "
            f"{r.quarantined} quarantined, {r.no_rate} without rate"
        )
        if r.awaiting_review:
            line += f"; {_waiting(r.awaiting_review)} for review (fines review)"
        if r.unchanged_since == report.run_id:
            line += "; this run had loaded it already, not processed again"
        elif r.unchanged_since:
            line += f"; input unchanged since {r.unchanged_since}, not processed again"
        echo(line + (f" - {escape(r.error)}" if r.error else ""))


def _run(
    settings: Settings,
    feeds: list[Feed],
    as_of: date | None,
    *,
    quiet: bool = False,
    replay: str | None = None,
) -> int:
    from etl.running import pipeline
    from etl.running.progress import for_output

    shown = for_output(quiet=quiet)  # per feed and stage, on standard error (etl/running/progress.py)
    try:
        if replay:
            report = pipeline.replay(settings, feeds, run_id=replay, progress=shown)
        else:
            report = pipeline.run(settings, feeds, as_of=as_of or date.today(), progress=shown)
    finally:
        shown.close()
    return _report_and_print(settings, report)


def _report_and_print(settings: Settings, report: pipeline.RunReport) -> int:
    _print_report(report)
    print_fines_by_platform(settings)
    print_largest_fines(settings)
    if report.failed:
        names = ", ".join(r.feed for r in report.failed)
        echo(f"fines: error: {len(report.failed)} feed(s) not applied: {names} (see above)", file=sys.stderr)
        return 1
    return 0


def _convert(settings: Settings, args: argparse.Namespace) -> int:
    from etl.money import fx
    from etl.money.rates import rates_for_run

    rates = pl.read_parquet(rates_for_run(settings))  # the rates a run would use
    if rates.filter(pl.col("currency") == args.currency.upper()).is_empty():
        raise fx.FxError(
            f"unknown currency {args.currency.upper()}: no rate source covers it (fines fx coverage)"
        )
    row = fx.convert_one(args.amount, args.currency, on=args.on, rates=rates)
    target, currency = args.to, args.currency.upper()
    leg = "usd" if target == "USD" else "eur"
    value, rate = row[f"amount_{leg}"], row[f"fx_rate_{leg}"]
    echo(f"{args.amount:,.2f} {currency} = {value:,.2f} {target}")
    echo(f"rate: 1 {currency} = {rate:.10f} {target}")
    echo(f"rate date: {row['fx_rate_date']} (decision date {args.on}; {row['fx_quality'].replace('_', ' ')})")
    echo(f"source: {fx.SOURCE_LABELS.get(row['fx_source'], row['fx_source'])}, triangulated through EUR")
    if row.get("fx_note"):
        echo(f"note: {row['fx_note']}")
    return 0


def _refresh(settings: Settings, as_of: date) -> int:
    from etl.money.fx_refresh import refresh
    from etl.running.rates_refresh import refresh_rates

    fetched = refresh(landing=settings.landing_dir, data_dir=settings.data_dir, as_of=as_of)
    for source, rows in sorted(fetched["sources"].items()):
        echo(f"  {source}: {rows} rates")
    for source, error in sorted(fetched["errors"].items()):
        echo(f"  {source}: failed: {escape(error)}", file=sys.stderr)
    published = refresh_rates(settings, run_id=f"fx_{as_of.isoformat()}")
    echo(f"rates changed: {published['rates_changed']}; actions re-converted: {published['reconverted']}")
    return 1 if fetched["errors"] else 0


def _coverage(settings: Settings, args: argparse.Namespace) -> int:
    from etl.money import fx
    from etl.money.rates import rates_for_run

    table = fx.coverage(pl.read_parquet(rates_for_run(settings)))
    if args.currency:
        table = table.filter(pl.col("currency") == args.currency.upper())
    if table.is_empty():
        raise fx.FxError(f"no source has rates for {args.currency.upper()}")
    echo(f"{'source':<8} {'currency':<8} {'first':<10} {'last':<10} {'days':>6}")
    for r in table.iter_rows(named=True):
        echo(
            f"{r['source']:<8} {r['currency']:<8} {r['first_date']!s:<10} {r['last_date']!s:<10} {r['days']:>6}"
        )
    return 0


def _quarantine(settings: Settings, args: argparse.Namespace) -> int:
    from etl.loading import load

    where = "where feed = ?" if args.feed else ""
    with load.connect(settings.warehouse, read_only=True) as con:
        if args.feed:
            check_feed_filter(con, args.feed)
        total = con.execute(
            f"select count(*) from {catalog.QUARANTINE} {where}", [args.feed] if args.feed else []
        ).fetchall()[0][0]
        rows = con.execute(
            f"select feed, source_file, source_line, stage, reasons, payload from {catalog.QUARANTINE} {where} "
            "order by feed, source_file, source_line limit ?",
            ([args.feed] if args.feed else []) + [args.limit],
        ).fetchall()
    echo(f"{total} rows in quarantine" + (f" for feed {args.feed}" if args.feed else ""))
    for feed, source_file, line, stage, reasons, payload in rows:
        echo(f"- {escape(feed)}: {escape(source_file)}, line {line} (failed at {escape(stage)}):")
        for reason in reasons:
            echo(f"    {escape(reason)}")
        echo(f"    payload: {escape(payload[:200])}")
    return 0


def _print_waiting(settings: Settings, feed: str | None) -> int:
    from etl.loading import load, review

    if feed:
        with load.connect(settings.warehouse, read_only=True) as con:
            check_feed_filter(con, feed)
    items = review.waiting(settings, feed=feed)
    echo(f"{_waiting(items.height)} for review" + (f" in feed {feed}" if feed else ""))
    for r in items.iter_rows(named=True):
        echo(f"- {r['quarantine_id']}  {escape(r['feed'])}  {r['decision_date'] or 'no date'}")
        echo(f"    sentence: {escape(r['source_text'] or r['item_title'] or '-')}")
        fields = ("platform", "jurisdiction", "authority", "amount", "currency")
        proposed = ", ".join(f"{f} {escape(r[f] or '?')}" for f in fields)
        echo(f"    candidates: {proposed} (confidence {r['extraction_confidence'] or '?'})")
        echo(f"    reasons: {escape('; '.join(r['reasons']))}")
    if items.height:
        echo(
            "decide: fines review accept ID [--amount N --currency CCY ...] | fines review reject ID --reason TEXT"
        )
    return 0


def _review(settings: Settings, args: argparse.Namespace) -> int:
    from etl.loading import review

    # A person's decision records when it was taken; pipeline runs never read this clock.
    now = datetime.now(UTC).replace(tzinfo=None)
    if args.review_command == "reject":
        review.reject(settings, args.item_id, reason=args.reason, decided_at=now)
        echo(f"rejected {escape(args.item_id)}: {escape(args.reason)} (kept in {catalog.QUARANTINE}, closed)")
        return 0
    if args.review_command != "accept":
        return _print_waiting(settings, args.feed)
    corrections = review.Corrections.parse(
        amount=args.amount, date_text=args.decision_date, platform=args.platform,
        jurisdiction=args.jurisdiction, authority=args.authority, currency=args.currency,
    )  # fmt: skip
    done = review.accept(settings, args.item_id, corrections, decided_at=now, reason=args.reason)
    counted = "" if done.source_kind == "reviewed" else f", counted from its {done.source_kind} report"
    echo(f"accepted {done.item_id}: action {done.action_id}{counted} (run {done.run_id})")
    print_fines_by_platform(settings)
    return 0


def dispatch(args: argparse.Namespace) -> int:
    """Run the parsed sub-command; returns the exit code."""
    settings = load_settings(warehouse=args.warehouse, feeds_file=getattr(args, "config", None))
    check_paths(settings)
    if args.command == "review" and args.config is not None:
        load_registry(settings.feeds_file)  # a registry named by --config must exist and be valid
    elif getattr(args, "review_command", None):
        registry_or_none(settings.feeds_file)  # a broken registry is refused before any item is touched
    if args.command == "run" and args.replay:
        return _run(settings, load_registry(settings.feeds_file), None, quiet=args.quiet, replay=args.replay)
    if args.command == "run":
        feeds = enabled_feeds(settings.feeds_file)
        if args.max_bytes is not None:
            feeds = [dataclasses.replace(feed, max_bytes=args.max_bytes) for feed in feeds]
        return _run(settings, feeds, args.as_of, quiet=args.quiet)
    if args.command == "ingest":
        feed = Feed(
            name=args.feed or _feed_name(args.location),
            format=args.format,
            encoding=args.encoding,
            location=_resolve(args.location),
            source=args.source or "",
            max_bytes=args.max_bytes,
        )
        return _run(settings, [feed], args.as_of, quiet=args.quiet)
    if args.command == "fx" and args.fx_command == "refresh":
        return _refresh(settings, args.as_of or date.today())
    if args.command == "fx":
        return _convert(settings, args) if args.fx_command == "convert" else _coverage(settings, args)
    if args.command == "quarantine":
        return _quarantine(settings, args)
    if args.command == "review":
        return _review(settings, args)
    if args.command == "changes":
        from etl.loading.changes import print_changes

        print_changes(settings.warehouse, since=args.since, run_id=args.run_id)
        return 0
    if args.command == "export":
        from etl.loading.export import export_marts

        check_folder(args.out, what="--out")

        for mart, rows in export_marts(settings.warehouse, args.out).items():
            echo(f"{mart}: {rows} rows")
        return 0
    if getattr(args, "html", None) is not None:
        from etl.report import write_html_report

        check_folder(args.html, what="--html")
        pages = write_html_report(settings.warehouse, args.html)
        echo(f"wrote the report to {escape(str(pages[0].resolve()))} ({len(pages)} pages)")
        return 0
    print_fines_by_platform(settings)
    print_largest_fines(settings)
    return 0


def _feed_name(location: str) -> str:
    stem = Path(location.split("?")[0].rstrip("/")).stem.lower()
    name = re.sub(r"[^a-z0-9_]+", "_", stem)[:64].strip("_") or "adhoc"  # feeds.FEED_NAME
    return name if name[0].isalnum() else f"f{name}"


def _resolve(location: str) -> str:
    if location.startswith(("http://", "https://", "file://")):
        return location
    if scheme := re.match(r"^([A-Za-z][A-Za-z0-9+.-]*)://", location):
        raise UserError(
            f"{location}: unsupported scheme {scheme.group(1)!r}: give a local path or an http://, "
            "https:// or file:// URL"
        )
    path = Path(location)
    if not path.exists():
        raise UserError(f"{location}: no such file")
    return str(path.resolve())
