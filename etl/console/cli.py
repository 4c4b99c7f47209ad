"""The ``fines`` command line: run the pipeline, ingest one feed, convert money, show rejects, review.

Airflow is never imported here: the command must start fast and work without a scheduler.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path

from etl.console import arguments, terminal
from etl.errors import describe

EXIT_FAILURE = 1


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def _run_date(text: str) -> date:
    # The command line is where "today" is known (etl never reads the clock): a batch dated
    # after it would claim data from the future.
    day = _date(text)
    if day > date.today():
        raise argparse.ArgumentTypeError(f"{day} is in the future (today is {date.today()})")
    return day


def _amount(text: str) -> Decimal:
    return arguments.amount(text)


def _common(*, nested: bool = False) -> argparse.ArgumentParser:
    # A nested sub-command's defaults would overwrite the options given to its parent command.
    default = {"default": argparse.SUPPRESS} if nested else {}
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--warehouse",
        type=Path,
        help="DuckDB file (default: $FINES_WAREHOUSE, else data/warehouse.duckdb)",
        **default,
    )
    common.add_argument("-v", "--verbose", action="store_true", help="log every step", **default)
    return common


_REVIEW_HELP = """\
News items that extraction could not decide wait here instead of failing their feed: any
doubt in the reading (low confidence, or a softer one such as several platforms named or an
amount told as "more than"), a block, order or warning (only fines read without doubt become
facts on their own), or a platform, jurisdiction, authority, amount or currency not found.
Without a sub-command: list them with their ID, feed, date, the sentence, the candidate
fields and the reasons. A decision is stored in ops.review_decisions and re-applied whenever
the same item arrives again (a later run, or `fines run --replay RUN_ID`).

  fines review [--feed NAME]
  fines review accept ID [--amount N] [--currency CCY] [--platform NAME] [--jurisdiction CC]
                         [--authority NAME] [--date YYYY-MM-DD] [--reason TEXT] [--config FEEDS.toml]
  fines review reject ID --reason TEXT [--config FEEDS.toml]

Accepting runs the item through the pipeline's own steps (contracts, conversion at the rate
of its decision date, load, marts) as a fact of source kind 'reviewed'; a correction that
breaks a contract is refused and nothing is written. Give --config when the item's feed is in
another registry than the default one, so the fact gets the source (and action id) a later run
of that feed gives it.
"""


def _review_parser(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    registry = argparse.ArgumentParser(add_help=False)
    registry.add_argument(
        "--config",
        type=Path,
        default=argparse.SUPPRESS,
        help="feed registry of the items' feeds (default: $FINES_FEEDS, else the bundled samples)",
    )
    review = sub.add_parser(
        "review",
        parents=[common, registry],
        help="news items waiting for a person's decision: list, accept, reject",
        description=_REVIEW_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    review.add_argument("--feed", type=arguments.feed_name, help="list only this feed's items")
    review.set_defaults(config=None)
    decide = review.add_subparsers(dest="review_command", metavar="{accept,reject}")
    nested = [_common(nested=True), registry]
    accept = decide.add_parser(
        "accept", parents=nested, help="turn an item into a fact (source kind 'reviewed')"
    )
    accept.add_argument("item_id", metavar="ID", help="the item's ID, as `fines review` lists it")
    accept.add_argument("--amount", metavar="N", help="the amount as imposed, in its own currency")
    accept.add_argument("--currency", metavar="CCY", help="ISO 4217 code of the amount")
    accept.add_argument("--platform", help="the platform fined")
    accept.add_argument("--jurisdiction", metavar="CC", help="ISO 3166-1 alpha-2 code, or EU")
    accept.add_argument("--authority", help="the court or regulator that decided")
    accept.add_argument(
        "--date", dest="decision_date", metavar="YYYY-MM-DD", help="decision date (default: the item's)"
    )
    accept.add_argument("--reason", help="a note kept with the decision")
    reject = decide.add_parser("reject", parents=nested, help="close an item; it stays quarantined")
    reject.add_argument("item_id", metavar="ID", help="the item's ID, as `fines review` lists it")
    reject.add_argument("--reason", required=True, help="why the item is not an enforcement action")


_MAX_BYTES_HELP = (
    "size limit of a remote payload in bytes, for every feed of this run (default: the registry's "
    "max_bytes, else 50 MiB); plain local files have no limit, compressed ones are bounded once inflated"
)


_QUIET_HELP = (
    "show no progress (default: a live display per feed and stage on a terminal, plain "
    "'progress:' lines on standard error otherwise)"
)


def _size(text: str) -> int:
    try:
        value = int(text.replace("_", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number of bytes: {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be a positive number of bytes: {text!r}")
    return value


def _parser() -> argparse.ArgumentParser:
    common = _common()
    parser = arguments.OneLineParser(
        prog="fines", description="Warehouse of enforcement actions against online platforms."
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = sub.add_parser(
        "run", parents=[common], help="run the pipeline over the configured feeds",
        description="Run the pipeline over the configured feeds. A feed whose whole input (payload, "
        "registry entry, date, rates, review decisions, code) is that of its load in the warehouse "
        "is not processed again: the report says since which run.",
    )  # fmt: skip
    run.add_argument(
        "--config", type=Path, help="feed registry TOML (default: $FINES_FEEDS, else the bundled samples)"
    )
    run.add_argument("--as-of", type=_run_date, help="run date YYYY-MM-DD (default: today)")
    run.add_argument(
        "--replay",
        metavar="RUN_ID",
        help="re-run a recorded run from its landed payloads, offline (every feed is processed)",
    )
    run.add_argument("--max-bytes", type=_size, help=_MAX_BYTES_HELP)
    run.add_argument("-q", "--quiet", action="store_true", help=_QUIET_HELP)

    ingest = sub.add_parser("ingest", parents=[common], help="ingest one feed file or URL, ad hoc")
    ingest.add_argument("location", help="local path or http(s) URL")
    ingest.add_argument("--format", required=True, choices=["csv", "jsonl", "gdpr-tracker", "rss", "atom"])
    ingest.add_argument("--source", help="source name recorded on rows that have none")
    ingest.add_argument(
        "--feed", type=arguments.feed_name, help="feed name (default: derived from the file name)"
    )
    ingest.add_argument("--encoding", type=arguments.encoding, default="utf-8")
    ingest.add_argument("--as-of", type=_run_date, help="run date YYYY-MM-DD (default: today)")
    ingest.add_argument("--max-bytes", type=_size, help=_MAX_BYTES_HELP)
    ingest.add_argument("-q", "--quiet", action="store_true", help=_QUIET_HELP)

    fx = sub.add_parser("fx", help="currency conversion")
    fx_sub = fx.add_subparsers(dest="fx_command", required=True, metavar="FX_COMMAND")
    convert = fx_sub.add_parser("convert", parents=[common], help="convert an amount at the rate of a date")
    convert.add_argument(
        "amount", type=_amount, help="the amount, e.g. 2500000 or 2,500,000.50 (not negative)"
    )
    convert.add_argument("currency", type=arguments.currency, help="its ISO 4217 code, e.g. RUB")
    convert.add_argument("--on", type=_date, required=True, help="decision date YYYY-MM-DD")
    convert.add_argument(
        "--to", choices=["USD", "EUR"], default="USD", type=str.upper, help="target currency (default: USD)"
    )

    coverage = fx_sub.add_parser(
        "coverage", parents=[common], help="which source covers which currency and dates"
    )
    coverage.add_argument("currency", nargs="?", type=arguments.currency, help="only this currency")

    refresh = fx_sub.add_parser(
        "refresh",
        parents=[common],
        help="fetch current ECB, NBP and Bank of Russia rates, re-convert, publish",
    )
    refresh.add_argument("--as-of", type=_run_date, help="refresh date YYYY-MM-DD (default: today)")

    quarantine = sub.add_parser("quarantine", parents=[common], help="list rejected rows and why")
    quarantine.add_argument("--feed", type=arguments.feed_name, help="only this feed")
    quarantine.add_argument("--limit", type=arguments.count, default=50)

    _review_parser(sub, common)

    report = sub.add_parser(
        "report", parents=[common], help="print fines by platform, or write the HTML report (--html DIR)"
    )
    report.add_argument(
        "--html",
        type=Path,
        metavar="DIR",
        help="write a static HTML report (index.html, quality.html) into DIR; it opens offline",
    )

    changes = sub.add_parser(
        "changes", parents=[common], help="what runs added, corrected or annulled (default: the latest run)"
    )
    changed_by = changes.add_mutually_exclusive_group()
    changed_by.add_argument("--since", type=_date, help="changes by runs as of this date YYYY-MM-DD or later")
    changed_by.add_argument("--run", dest="run_id", metavar="RUN_ID", help="changes by this run")

    export = sub.add_parser("export", parents=[common], help="write every mart as Parquet for BI tools")
    export.add_argument("--out", type=Path, required=True, help="output folder")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``fines`` command."""
    args = _parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if getattr(args, "verbose", False) else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    terminal.escape_logs()  # log lines quote feed data too
    try:
        from etl.console import commands  # imported late: keeps `fines --help` instant

        return commands.dispatch(args)
    except BrokenPipeError:  # `fines report | head`: the reader left; say nothing more
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_FAILURE
    except KeyboardInterrupt:
        terminal.echo("fines: interrupted", file=sys.stderr)
        return 130
    except Exception as error:  # the last resort: one line, never a traceback (unless asked for)
        if os.environ.get("FINES_DEBUG"):
            raise
        terminal.echo(f"fines: error: {describe(error)}", file=sys.stderr)
        return EXIT_FAILURE


if __name__ == "__main__":
    sys.exit(main())
