"""The raw landing area: payloads stored content-addressed, written atomically, streamed.

Layout: ``<landing>/<feed>/<as_of ISO>/<sha256>.<ext>``. Every byte goes through
:class:`etl.sources.limits.PayloadWriter`: a compressed payload is stored inflated (the ``.gz``-like
suffix dropped), so that the readers never meet compressed content, and the inflated size
counts against the limit.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path, PurePosixPath

from etl.sources.feeds import FEED_NAME
from etl.sources.limits import CHUNK, COMPRESSED_SUFFIXES, Deadline, FetchError, FetchPolicy, PayloadWriter

_EXT = re.compile(r"[a-z0-9]{1,10}(\.[a-z0-9]{1,10})?")
_SUFFIX = re.compile(r"[a-z][a-z0-9]{0,9}")
_PAYLOAD_NAME = re.compile(r"[0-9a-f]{64}\.[a-z0-9.]+")
DEFAULT_MAX_INFLATED = FetchPolicy().max_bytes


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


def land_stream(
    chunks: Iterable[bytes], *, landing: Path, feed: str, as_of: date, ext: str, source: str,
    max_bytes: int | None, max_inflated: int | None, deadline: Deadline | None = None,
) -> Landed:  # fmt: skip
    """Stream a payload into ``<landing>/<feed>/<as_of>/<sha256>.<ext>``, inflating it if compressed.

    The file is written to a temporary name and renamed; when a file of the same content is
    already there it is left untouched. Nothing is left behind on failure.

    Args:
        chunks: the payload as received, in pieces.
        landing: root of the landing area.
        feed: feed name (see :func:`safe_feed_dir`).
        as_of: the run's batch date.
        ext: file extension without the dot; a compression suffix is dropped when inflated.
        source: the URL or local path, recorded and named in errors.
        max_bytes: limit on the bytes landed, or None.
        max_inflated: limit on the bytes landed when the payload was compressed, or None.
        deadline: the fetch's deadline, checked after every step.

    Returns:
        Where the payload is, its hash and size (no HTTP validators).

    Raises:
        ValueError: invalid feed name, extension or ``as_of``.
        FetchError: a limit or the deadline was exceeded, or compressed content is invalid.
    """
    if isinstance(as_of, datetime) or not isinstance(as_of, date):
        raise ValueError(f"feed {feed!r}: as_of must be a date, got {as_of!r}")
    if not _EXT.fullmatch(ext):
        raise ValueError(f"feed {feed!r}: invalid extension {ext!r}")
    folder = safe_feed_dir(landing, feed) / as_of.isoformat()
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as handle:
            writer = PayloadWriter(handle, feed=feed, source=source, max_bytes=max_bytes,
                                   max_inflated=max_inflated, deadline=deadline)  # fmt: skip
            for chunk in chunks:
                writer.write(chunk)
            writer.close()
            handle.flush()
            os.fsync(handle.fileno())
        digest = writer.sha256.hexdigest()
        target = folder / f"{digest}.{_inflated_ext(ext) if writer.compression else ext}"
        if target.is_file() and file_sha256(target) == digest:
            Path(tmp).unlink()
        else:
            os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Landed(feed, target, digest, writer.size, False, source, etag=None, last_modified=None)


def land_bytes(
    data: bytes, *, landing: Path, feed: str, as_of: date, ext: str, source: str,
    max_inflated: int | None = DEFAULT_MAX_INFLATED,
) -> Landed:  # fmt: skip
    """Store a payload held in memory (see :func:`land_stream`; compressed bytes are inflated).

    Raises:
        ValueError: invalid feed name, extension or ``as_of``.
        FetchError: compressed bytes inflate past ``max_inflated``.
    """
    return land_stream([data], landing=landing, feed=feed, as_of=as_of, ext=ext, source=source,
                       max_bytes=None, max_inflated=max_inflated)  # fmt: skip


def land_file(
    path: Path, *, landing: Path, feed: str, as_of: date, ext: str, source: str,
    max_inflated: int | None = DEFAULT_MAX_INFLATED, deadline: Deadline | None = None,
) -> Landed:  # fmt: skip
    """Copy a local file into the landing area in chunks: bounded memory.

    A plain file has no size limit. A compressed one (gzip, zlib) is inflated on the way, and
    its inflated size is bounded by ``max_inflated`` (the feed's ``max_bytes``).

    Raises:
        FetchError: the file cannot be read, or a limit or the deadline was exceeded.
    """
    try:
        with path.open("rb") as source_file:
            return land_stream(iter(lambda: source_file.read(CHUNK), b""), landing=landing, feed=feed,
                               as_of=as_of, ext=ext, source=source, max_bytes=None,
                               max_inflated=max_inflated, deadline=deadline)  # fmt: skip
    except OSError as exc:
        raise FetchError(f"feed {feed}: cannot read {path}: {exc.strerror or exc}") from exc


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


def guess_ext(name: str) -> str:
    """Guess the extension: ``feed.csv`` -> ``csv``, ``feed.csv.gz`` -> ``csv.gz``, else ``bin``."""
    suffixes = [s[1:].lower() for s in PurePosixPath(name).suffixes[-2:]]
    while suffixes and not all(_SUFFIX.fullmatch(s) for s in suffixes):
        suffixes.pop(0)
    return ".".join(suffixes) or "bin"


def atomic_write(path: Path, data: bytes) -> None:
    """Write small bytes (a state file) to a temporary name, then rename."""
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


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file, read in chunks."""
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _inflated_ext(ext: str) -> str:
    """``csv.gz`` -> ``csv``; ``gz`` -> ``bin``: the landed file is no longer compressed."""
    parts = ext.split(".")
    while parts and parts[-1] in COMPRESSED_SUFFIXES:
        parts.pop()
    return ".".join(parts) or "bin"
