"""Fetch one payload over http(s): conditional requests, retries, size limit, an overall deadline.

One ``_http_state.json`` per feed holds the validators (ETag, Last-Modified) of the last payload
fetched; a 304 Not Modified lands a *copy* of that payload under the new ``as_of`` (same
bytes, same file name), so a date's folder is complete on its own.

The deadline bounds the whole fetch, retries and backoff included. Every read waits at most
the time left, the clock is checked after every chunk (a server trickling one byte at a time
is cut off), and a watchdog thread shuts the connection's socket down when the time is up, so
that even a server trickling its headers cannot keep the fetch alive.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import httpx

from etl.sources.landing import Landed, atomic_write, file_sha256, land_file, land_stream, safe_feed_dir
from etl.sources.limits import Deadline, FetchError, FetchPolicy, Inflater

STATE_FILE = "_http_state.json"
_RETRY_STATUSES = frozenset({408, 429})


def fetch_http(feed: str, url: str, *, landing: Path, as_of: date, policy: FetchPolicy, ext: str) -> Landed:
    """Fetch ``url`` and land it (see :func:`etl.sources.fetch.fetch_feed`); records the validators.

    Raises:
        FetchError: an HTTP error, retries exhausted, the size limit or the deadline exceeded.
    """
    state_path = safe_feed_dir(landing, feed) / STATE_FILE
    state = _load_state(state_path, url=url, landing=landing)
    headers = {"User-Agent": policy.user_agent, "Accept-Encoding": "gzip"}
    if state.get("etag"):
        headers["If-None-Match"] = state["etag"]
    if state.get("last_modified"):
        headers["If-Modified-Since"] = state["last_modified"]
    deadline = Deadline(policy.deadline_s, feed=feed, source=url)
    with _Watchdog(deadline) as watchdog:
        landed, got = _get(url, feed=feed, headers=headers, policy=policy, deadline=deadline,
                           watchdog=watchdog, land=dict(landing=landing, as_of=as_of, ext=ext))  # fmt: skip
        etag, modified = got.get("etag"), got.get("last-modified")
        not_modified = landed is None
        if landed is None:
            landed = _previous_payload(feed, url, state=state, landing=landing, as_of=as_of,
                                       policy=policy, deadline=deadline)  # fmt: skip
            etag, modified = etag or state.get("etag"), modified or state.get("last_modified")
    landed = replace(landed, not_modified=not_modified, source=url, etag=etag, last_modified=modified)
    record = {
        "url": url,
        "path": landed.path.relative_to(landing).as_posix(),
        "sha256": landed.sha256,
        "etag": etag,
        "last_modified": modified,
    }
    atomic_write(state_path, json.dumps(record, indent=2, sort_keys=True).encode())
    return landed


def _previous_payload(
    feed: str, url: str, *, state: dict[str, str | None], landing: Path, as_of: date, policy: FetchPolicy,
    deadline: Deadline,
) -> Landed:  # fmt: skip
    """Land a copy of the payload a 304 refers to, checked against its hash."""
    if not (state.get("etag") or state.get("last_modified")):
        raise FetchError(f"feed {feed}: {url} answered 304 to an unconditional request")
    previous = landing / str(state["path"])
    try:
        digest = file_sha256(previous)
    except OSError as exc:
        raise FetchError(f"feed {feed}: cannot reuse previous payload {previous}: {exc}") from exc
    if digest != state.get("sha256"):
        raise FetchError(f"feed {feed}: previous payload {previous} no longer matches its hash")
    return land_file(previous, landing=landing, feed=feed, as_of=as_of, ext=previous.name.split(".", 1)[1],
                     source=str(previous), max_inflated=policy.max_bytes, deadline=deadline)  # fmt: skip


def _get(
    url: str, *, feed: str, headers: dict[str, str], policy: FetchPolicy, deadline: Deadline,
    watchdog: _Watchdog, land: dict,
) -> tuple[Landed | None, httpx.Headers]:  # fmt: skip
    """GET and land the body, retrying on timeouts, connection errors, 5xx, 408 and 429.

    Returns ``(None, headers)`` for a 304.
    """
    attempts, last = policy.retries + 1, ""
    with httpx.Client(follow_redirects=True) as client:
        for attempt in range(attempts):
            if attempt:
                pause = policy.backoff_s * 2 ** (attempt - 1)
                if pause >= deadline.remaining():
                    raise FetchError(f"{deadline.error()}; last error: {last}")
                time.sleep(pause)
            left = deadline.remaining()
            timeout = httpx.Timeout(
                min(policy.read_timeout_s, left), connect=min(policy.connect_timeout_s, left)
            )
            try:
                with client.stream("GET", url, headers=headers, timeout=timeout,
                                   extensions={"trace": watchdog.trace}) as response:  # fmt: skip
                    status = response.status_code
                    if status >= 500 or status in _RETRY_STATUSES:
                        last = f"HTTP {status} {response.reason_phrase}"
                        continue
                    if status != 304 and not 200 <= status < 300:
                        raise FetchError(
                            f"feed {feed}: {url} answered HTTP {status} {response.reason_phrase} (not retried)"
                        )
                    if status == 304:
                        return None, response.headers
                    landed = land_stream(_body(response, feed), feed=feed, source=url, **land,
                                         max_bytes=policy.max_bytes, max_inflated=policy.max_bytes,
                                         deadline=deadline)  # fmt: skip
                    return landed, response.headers
            except (httpx.UnsupportedProtocol, httpx.TooManyRedirects, httpx.InvalidURL) as exc:
                raise FetchError(f"feed {feed}: {url}: {type(exc).__name__}: {exc}") from exc
            except httpx.TransportError as exc:  # timeouts and connection errors
                if watchdog.fired or not deadline.remaining():
                    raise deadline.error() from None
                last = f"{type(exc).__name__}: {str(exc) or 'no detail'}"
    raise FetchError(f"feed {feed}: {url} failed after {attempts} attempts; last error: {last}")


def _body(response: httpx.Response, feed: str) -> Iterator[bytes]:
    """The body as received, with a gzip Content-Encoding undone in bounded steps."""
    encoding = response.headers.get("content-encoding", "identity").strip().lower()
    if encoding not in ("identity", "gzip", "x-gzip"):
        raise FetchError(f"feed {feed}: {response.url}: unsupported Content-Encoding {encoding!r}")
    if encoding == "identity":
        yield from response.iter_raw()
        return
    inflater = Inflater("gzip", where=f"feed {feed}: {response.url}: Content-Encoding")
    for chunk in response.iter_raw():
        yield from inflater.feed(chunk)
    inflater.finish()


class _Watchdog:
    """Shuts down the fetch's sockets when its deadline passes (wakes a blocked read)."""

    def __init__(self, deadline: Deadline) -> None:
        self.fired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(deadline.remaining(), self._fire)
        self._timer.daemon = True

    def __enter__(self) -> _Watchdog:
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()

    def trace(self, event: str, info: dict) -> None:
        """Remember each socket the fetch opens (httpcore's ``trace`` request extension)."""
        stream = info.get("return_value") if event.endswith("connect_tcp.complete") else None
        sock = stream.get_extra_info("socket") if stream is not None else None
        if isinstance(sock, socket.socket):
            with self._lock:
                self._sockets.append(sock)
                if self.fired:
                    _shutdown(sock)

    def _fire(self) -> None:
        with self._lock:
            self.fired = True
            for sock in self._sockets:
                _shutdown(sock)


def _shutdown(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass  # already closed


def _load_state(state_path: Path, *, url: str, landing: Path) -> dict[str, str | None]:
    """Return the last http state for this URL, or {} when absent, unusable or for another URL."""
    try:
        state = json.loads(state_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(state, dict) or state.get("url") != url or "path" not in state:
        return {}
    previous = landing / str(state["path"])
    if not previous.resolve().is_relative_to(state_path.parent.resolve()) or not previous.is_file():
        return {}  # without the previous payload a 304 would leave us nothing to land
    return state
