"""Fetch feed payloads into the raw landing area, content-addressed and bounded.

Layout: ``<landing>/<feed>/<as_of ISO>/<sha256>.<ext>`` (:mod:`etl.sources.landing`), plus one
``_http_state.json`` per feed for conditional requests (:mod:`etl.sources.fetch_http`). Every payload
that a run used is in its ``as_of`` folder, so :func:`replay` can reproduce the run without the
network. Payloads are stored as received, except that compression is undone while streaming
(:mod:`etl.sources.limits`): the inflated size counts against the limit, and no reader is ever handed
compressed content to inflate without bound.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from urllib.parse import unquote, urlsplit

from etl.sources.feeds import SUPPORTED_LOCATIONS, local_path
from etl.sources.fetch_http import STATE_FILE, fetch_http
from etl.sources.landing import Landed, guess_ext, land_bytes, land_file, replay, safe_feed_dir
from etl.sources.limits import Deadline, FetchError, FetchPolicy

__all__ = [
    "DEFAULT_POLICY",
    "STATE_FILE",
    "SUPPORTED_LOCATIONS",
    "FetchError",
    "FetchPolicy",
    "Landed",
    "fetch_feed",
    "land_bytes",
    "land_file",
    "local_path",
    "replay",
    "safe_feed_dir",
]

DEFAULT_POLICY = FetchPolicy()


def fetch_feed(
    feed: str,
    location: str,
    *,
    landing: Path,
    as_of: date,
    policy: FetchPolicy = DEFAULT_POLICY,
    ext: str | None = None,
) -> Landed:
    """Fetch one feed payload from an http(s) URL or a local path and land it.

    Over http(s) the request is conditional when an earlier payload of the same URL is still
    in the landing area; a 304 lands a copy of that payload under ``as_of``.

    Args:
        feed: feed name (see :func:`safe_feed_dir`).
        location: ``http(s)://`` URL, ``file://`` URL or local path.
        landing: root of the landing area.
        as_of: the run's batch date.
        policy: timeouts, retries, size limit and deadline.
        ext: extension of the landed file; by default taken from the location, else ``bin``.
            A compression suffix (``csv.gz``) is dropped once the payload is inflated.

    Returns:
        The landed payload.

    Raises:
        ValueError: invalid feed name or extension.
        FetchError: unsupported scheme, missing file, payload over ``policy.max_bytes`` (remote:
            as landed; local: only a compressed file, once inflated), invalid compressed
            content, an HTTP error, retries exhausted, or ``policy.deadline_s`` exceeded.
    """
    safe_feed_dir(landing, feed)
    try:
        path = local_path(location)
    except ValueError as error:
        raise FetchError(f"feed {feed}: {error}") from None
    if path is None:
        ext = ext or guess_ext(unquote(urlsplit(location).path))
        return fetch_http(feed, location, landing=landing, as_of=as_of, policy=policy, ext=ext)
    return land_file(path, landing=landing, feed=feed, as_of=as_of, ext=ext or guess_ext(path.name),
                     source=location, max_inflated=policy.max_bytes,
                     deadline=Deadline(policy.deadline_s, feed=feed, source=location))  # fmt: skip
