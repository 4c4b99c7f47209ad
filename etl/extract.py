"""Read feeds from outside into the raw landing area, unchanged and content-addressed."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

from etl.feeds import Feed
from etl.fetch import FetchPolicy, Landed, fetch_feed

_EXTENSIONS = {"csv": "csv", "jsonl": "jsonl", "gdpr-tracker": "csv", "rss": "xml", "atom": "xml"}


def extract_feed(feed: Feed, *, landing: Path, as_of: date, policy: FetchPolicy | None = None) -> Landed:
    """Land one feed's current payload under ``<landing>/<feed>/<as_of>/``.

    Args:
        feed: the registry entry (its location is a local path or an http(s) URL).
        landing: root of the raw landing area.
        as_of: the run's date.
        policy: timeouts, retries and size limit; the defaults suit scheduled runs. The feed's
            own ``max_bytes`` (registry or command line) wins over the policy's limit.

    Returns:
        Where the payload landed, with its SHA-256.

    Raises:
        etl.fetch.FetchError: the location cannot be read (after retries for HTTP).
    """
    policy = policy or FetchPolicy()
    if feed.max_bytes is not None:
        policy = replace(policy, max_bytes=feed.max_bytes)
    return fetch_feed(
        feed.name,
        feed.location,
        landing=landing,
        as_of=as_of,
        policy=policy,
        ext=_EXTENSIONS.get(feed.format, "dat"),
    )
