"""Read feeds from outside into the raw landing area, content-addressed and bounded."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

from etl.config import load_settings
from etl.sources.feeds import Feed
from etl.sources.fetch import FetchPolicy, Landed, fetch_feed

_EXTENSIONS = {"csv": "csv", "jsonl": "jsonl", "gdpr-tracker": "csv", "rss": "xml", "atom": "xml"}


def feed_policy(feed: Feed, policy: FetchPolicy | None = None) -> FetchPolicy:
    """The fetch policy of one feed: its registry fields win over ``policy``.

    Without ``policy``, the defaults with the deadline of ``FINES_FETCH_DEADLINE`` (read now).

    Raises:
        etl.config.SettingsError: ``FINES_FETCH_DEADLINE`` (or another setting) is invalid.
    """
    policy = policy or FetchPolicy(deadline_s=load_settings().fetch_deadline_s)
    if feed.max_bytes is not None:
        policy = replace(policy, max_bytes=feed.max_bytes)
    if feed.fetch_deadline is not None:
        policy = replace(policy, deadline_s=feed.fetch_deadline)
    return policy


def extract_feed(feed: Feed, *, landing: Path, as_of: date, policy: FetchPolicy | None = None) -> Landed:
    """Land one feed's current payload under ``<landing>/<feed>/<as_of>/``.

    Args:
        feed: the registry entry (its location is a local path, a file:// or an http(s) URL).
        landing: root of the raw landing area.
        as_of: the run's date.
        policy: timeouts, retries, size limit and deadline; by default the defaults with
            ``FINES_FETCH_DEADLINE``. The feed's own ``max_bytes`` and ``fetch_deadline``
            (registry or command line) win (see :func:`feed_policy`).

    Returns:
        Where the payload landed, with its SHA-256.

    Raises:
        etl.sources.fetch.FetchError: the location cannot be read (after retries for HTTP), a limit
            or the fetch deadline was exceeded.
    """
    return fetch_feed(
        feed.name,
        feed.location,
        landing=landing,
        as_of=as_of,
        policy=feed_policy(feed, policy),
        ext=_EXTENSIONS.get(feed.format, "dat"),
    )
