"""Fetch feed payloads into the raw landing area, unchanged and content-addressed.

Layout: ``<landing>/<feed>/<as_of ISO>/<sha256>.<ext>``, plus one ``_http_state.json`` per
feed holding the validators (ETag, Last-Modified) of the last payload fetched over http(s).
Every payload that a run used is in its ``as_of`` folder, so :func:`replay` can reproduce the
run without the network. A 304 Not Modified lands a *copy* of the previous payload under the
new ``as_of`` (same bytes, same file name): a date's folder is complete on its own.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
import time
import zlib
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

import httpx

from etl.errors import UserError
from etl.feeds import FEED_NAME

STATE_FILE = "_http_state.json"
_EXT = re.compile(r"[a-z0-9]{1,10}(\.[a-z0-9]{1,10})?")
_SUFFIX = re.compile(r"[a-z][a-z0-9]{0,9}")
_PAYLOAD_NAME = re.compile(r"[0-9a-f]{64}\.[a-z0-9.]+")
_RETRY_STATUSES = frozenset({408, 429})


class FetchError(UserError):
    """A payload could not be fetched; the message names the feed, the source and the reason."""


@dataclass(frozen=True)
class FetchPolicy:
    """Timeouts, retries and limits for one fetch."""

    connect_timeout_s: float = 10.0
    read_timeout_s: float = 30.0
    retries: int = 3  # after the first attempt; on timeouts, connection errors, 5xx, 408, 429
    backoff_s: float = 1.0  # sleep backoff_s * 2**n before retry n (n from 0)
    max_bytes: int = 50 * 1024 * 1024  # remote payloads only, on decoded bytes (a gzip bomb too)
    user_agent: str = "platform-fines/0.1 (+https://github.com/platform-fines/platform-fines)"

    def __post_init__(self) -> None:
        if min(self.connect_timeout_s, self.read_timeout_s) <= 0 or self.backoff_s < 0:
            raise ValueError(f"timeouts must be > 0 and backoff_s >= 0: {self}")
        if self.retries < 0 or self.max_bytes < 0:
            raise ValueError(f"retries and max_bytes must be >= 0: {self}")


DEFAULT_POLICY = FetchPolicy()


@dataclass(frozen=True)
class Landed:
    """One payload in the landing area."""

    feed: str
    path: Path
    sha256: str
    size: int
    not_modified: bool  # the server answered 304 and the previous payload was reused
    source: str  # the URL or local path
    etag: str | None
    last_modified: str | None


def safe_feed_dir(landing: Path, feed: str) -> Path:
    """Return the landing folder of a feed, refusing names that could escape the landing area.

    Args:
        landing: root of the landing area.
        feed: feed name; must match ``^[a-z0-9][a-z0-9_]{0,63}$``.

    Returns:
        ``landing / feed`` (not created).

    Raises:
        ValueError: the name is not a valid feed name, or the folder resolves outside ``landing``.
    """
    if not isinstance(feed, str) or not FEED_NAME.fullmatch(feed):
        raise ValueError(f"invalid feed name {feed!r}: must match {FEED_NAME.pattern}")
    folder = landing / feed
    if not folder.resolve().is_relative_to(landing.resolve()):
        raise ValueError(f"feed {feed!r}: folder {folder} resolves outside the landing area")
    return folder


def land_bytes(data: bytes, *, landing: Path, feed: str, as_of: date, ext: str, source: str) -> Landed:
    """Store a payload unchanged under ``<landing>/<feed>/<as_of>/<sha256>.<ext>``.

    The write is atomic (temp file, then ``os.replace``) and idempotent: when the file already
    holds these bytes it is not rewritten.

    Args:
        data: the payload, exactly as received.
        landing: root of the landing area.
        feed: feed name (see :func:`safe_feed_dir`).
        as_of: the run's batch date.
        ext: file extension without the dot, e.g. ``csv`` or ``csv.gz``.
        source: the URL or local path the bytes came from.

    Returns:
        Where the payload is, its hash and size (no HTTP validators).

    Raises:
        ValueError: invalid feed name, extension or ``as_of``.
    """
    if isinstance(as_of, datetime) or not isinstance(as_of, date):
        raise ValueError(f"feed {feed!r}: as_of must be a date, got {as_of!r}")
    if not _EXT.fullmatch(ext):
        raise ValueError(f"feed {feed!r}: invalid extension {ext!r}")
    digest = hashlib.sha256(data).hexdigest()
    path = safe_feed_dir(landing, feed) / as_of.isoformat() / f"{digest}.{ext}"
    if not (path.is_file() and hashlib.sha256(path.read_bytes()).hexdigest() == digest):
        _atomic_write(path, data)
    return Landed(feed, path, digest, len(data), False, source, etag=None, last_modified=None)


_CHUNK = 1 << 20


def land_file(path: Path, *, landing: Path, feed: str, as_of: date, ext: str, source: str) -> Landed:
    """Copy a local file unchanged into the landing area, in chunks: any size, bounded memory.

    Like :func:`land_bytes`: ``<landing>/<feed>/<as_of>/<sha256>.<ext>``, written atomically.

    Raises:
        FetchError: the file cannot be read.
    """
    if not _EXT.fullmatch(ext):
        raise ValueError(f"feed {feed!r}: invalid extension {ext!r}")
    folder = safe_feed_dir(landing, feed) / as_of.isoformat()
    folder.mkdir(parents=True, exist_ok=True)
    digest, size = hashlib.sha256(), 0
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".part")
    try:
        with path.open("rb") as source_file, os.fdopen(fd, "wb") as handle:
            while chunk := source_file.read(_CHUNK):
                digest.update(chunk)
                handle.write(chunk)
                size += len(chunk)
            handle.flush()
            os.fsync(handle.fileno())
        target = folder / f"{digest.hexdigest()}.{ext}"
        os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise FetchError(f"feed {feed}: cannot read {path}: {exc.strerror or exc}") from exc
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Landed(feed, target, digest.hexdigest(), size, False, source, etag=None, last_modified=None)


def replay(landing: Path, feed: str, as_of: date) -> list[Path]:
    """List the payloads landed for a feed on a batch date, to rerun it without the network.

    Args:
        landing: root of the landing area.
        feed: feed name.
        as_of: the batch date.

    Returns:
        The payload files, sorted by name; empty when nothing was landed that day.

    Raises:
        ValueError: invalid feed name.
    """
    folder = safe_feed_dir(landing, feed) / as_of.isoformat()
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and _PAYLOAD_NAME.fullmatch(p.name))


def fetch_feed(
    feed: str,
    location: str,
    *,
    landing: Path,
    as_of: date,
    policy: FetchPolicy = DEFAULT_POLICY,
    ext: str | None = None,
) -> Landed:
    """Fetch one feed payload from an http(s) URL or a local path and land it unchanged.

    Over http(s) the request is conditional when an earlier payload of the same URL is still
    in the landing area; a 304 lands a copy of that payload under ``as_of``.

    Args:
        feed: feed name (see :func:`safe_feed_dir`).
        location: ``http(s)://`` URL, ``file://`` URL or local path.
        landing: root of the landing area.
        as_of: the run's batch date.
        policy: timeouts, retries and size limit.
        ext: extension of the landed file; by default taken from the location, else ``bin``.

    Returns:
        The landed payload.

    Raises:
        ValueError: invalid feed name or extension.
        FetchError: unsupported scheme, missing file, remote payload over ``policy.max_bytes``
            (a local file has no size limit), an HTTP error, or retries exhausted.
    """
    safe_feed_dir(landing, feed)
    parts = urlsplit(location)
    scheme = parts.scheme.lower()
    if scheme in ("http", "https"):
        ext = ext or _guess_ext(unquote(parts.path))
        return _fetch_http(feed, location, landing=landing, as_of=as_of, policy=policy, ext=ext)
    if scheme == "file":
        if parts.netloc not in ("", "localhost"):
            raise FetchError(f"feed {feed}: {location}: remote file URLs are not supported")
        path = Path(url2pathname(parts.path))
    elif len(scheme) <= 1:  # no scheme, or a Windows drive letter
        path = Path(location)
    else:
        raise FetchError(f"feed {feed}: {location}: unsupported scheme {scheme!r}")
    return land_file(path, landing=landing, feed=feed, as_of=as_of, ext=ext or _guess_ext(path.name),
                     source=location)  # fmt: skip


def _fetch_http(feed: str, url: str, *, landing: Path, as_of: date, policy: FetchPolicy, ext: str) -> Landed:
    state_path = safe_feed_dir(landing, feed) / STATE_FILE
    state = _load_state(state_path, url=url, landing=landing)
    headers = {"User-Agent": policy.user_agent, "Accept-Encoding": "gzip"}
    if state.get("etag"):
        headers["If-None-Match"] = state["etag"]
    if state.get("last_modified"):
        headers["If-Modified-Since"] = state["last_modified"]
    status, data, got = _get(url, feed=feed, headers=headers, policy=policy)
    etag, modified = got.get("etag"), got.get("last-modified")
    if status == 304:
        data, ext = _previous_payload(feed, url, state=state, landing=landing)
        etag, modified = etag or state.get("etag"), modified or state.get("last_modified")
    landed = land_bytes(data, landing=landing, feed=feed, as_of=as_of, ext=ext, source=url)
    landed = replace(landed, not_modified=status == 304, etag=etag, last_modified=modified)
    record = {
        "url": url,
        "path": landed.path.relative_to(landing).as_posix(),
        "sha256": landed.sha256,
        "etag": etag,
        "last_modified": modified,
    }
    _atomic_write(state_path, json.dumps(record, indent=2, sort_keys=True).encode())
    return landed


def _previous_payload(
    feed: str, url: str, *, state: dict[str, str | None], landing: Path
) -> tuple[bytes, str]:
    """Return the bytes and extension of the payload a 304 refers to, checked against its hash."""
    if not (state.get("etag") or state.get("last_modified")):
        raise FetchError(f"feed {feed}: {url} answered 304 to an unconditional request")
    previous = landing / str(state["path"])
    try:
        data = previous.read_bytes()
    except OSError as exc:
        raise FetchError(f"feed {feed}: cannot reuse previous payload {previous}: {exc}") from exc
    if hashlib.sha256(data).hexdigest() != state.get("sha256"):
        raise FetchError(f"feed {feed}: previous payload {previous} no longer matches its hash")
    return data, previous.name.split(".", 1)[1]


def _get(
    url: str, *, feed: str, headers: dict[str, str], policy: FetchPolicy
) -> tuple[int, bytes, httpx.Headers]:
    """Send a GET, retrying on timeouts, connection errors, 5xx, 408 and 429; size-limited."""
    timeout = httpx.Timeout(policy.read_timeout_s, connect=policy.connect_timeout_s)
    attempts = policy.retries + 1
    last = ""
    with httpx.Client(timeout=timeout, follow_redirects=True) as client:
        for attempt in range(attempts):
            if attempt:
                time.sleep(policy.backoff_s * 2 ** (attempt - 1))
            try:
                with client.stream("GET", url, headers=headers) as response:
                    status = response.status_code
                    if status >= 500 or status in _RETRY_STATUSES:
                        last = f"HTTP {status} {response.reason_phrase}"
                        continue
                    if status != 304 and not 200 <= status < 300:
                        raise FetchError(
                            f"feed {feed}: {url} answered HTTP {status} "
                            f"{response.reason_phrase} (not retried)"
                        )
                    body = b"" if status == 304 else _read_body(response, feed, policy.max_bytes)
                    return status, body, response.headers
            except (httpx.UnsupportedProtocol, httpx.TooManyRedirects, httpx.InvalidURL) as exc:
                raise FetchError(f"feed {feed}: {url}: {type(exc).__name__}: {exc}") from exc
            except httpx.TransportError as exc:  # timeouts and connection errors
                last = f"{type(exc).__name__}: {str(exc) or 'no detail'}"
    raise FetchError(f"feed {feed}: {url} failed after {attempts} attempts; last error: {last}")


def _read_body(response: httpx.Response, feed: str, max_bytes: int) -> bytes:
    """Read the body, inflating gzip ourselves so that no chunk can inflate past the limit."""
    encoding = response.headers.get("content-encoding", "identity").strip().lower()
    if encoding not in ("identity", "gzip", "x-gzip"):
        raise FetchError(f"feed {feed}: {response.url}: unsupported Content-Encoding {encoding!r}")
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS) if encoding != "identity" else None
    body = bytearray()
    try:
        for chunk in response.iter_raw():
            # At most one byte past the limit is inflated: enough to know the payload is too big.
            body += inflater.decompress(chunk, max_bytes + 1 - len(body)) if inflater else chunk
            if len(body) > max_bytes:
                raise _too_big(feed, str(response.url), max_bytes)
    except zlib.error as exc:
        raise FetchError(f"feed {feed}: {response.url}: invalid gzip body: {exc}") from exc
    if inflater and (not inflater.eof or inflater.unused_data):
        raise FetchError(f"feed {feed}: {response.url}: truncated or multi-member gzip body")
    return bytes(body)


def _too_big(feed: str, source: str, max_bytes: int) -> FetchError:
    return FetchError(f"feed {feed}: payload from {source} exceeds the size limit of {max_bytes} bytes")


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


def _guess_ext(name: str) -> str:
    """Guess the extension: ``feed.csv`` -> ``csv``, ``feed.csv.gz`` -> ``csv.gz``, else ``bin``."""
    suffixes = [s[1:].lower() for s in PurePosixPath(name).suffixes[-2:]]
    while suffixes and not all(_SUFFIX.fullmatch(s) for s in suffixes):
        suffixes.pop(0)
    return ".".join(suffixes) or "bin"


def _atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
