"""Bounds on what one fetch may cost: bytes written (after any inflation) and wall-clock time.

Every payload reaches the landing area through a :class:`PayloadWriter`. It counts, hashes
and writes the bytes as they stream, and undoes compression itself, in bounded steps, so that
no reader downstream is ever handed a compressed file: Polars' ``read_csv`` inflates gzip,
zlib and zstd content by itself, without any bound. Compression is recognised by its magic
bytes, whatever the file is called or the server says:

- gzip (one or more members) and zlib are inflated; the inflated bytes count against the
  payload limit, for remote payloads and local files alike;
- zstd is refused (the standard library cannot inflate it in bounded steps);
- compressed content inside compressed content is refused.
"""

from __future__ import annotations

import hashlib
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from etl.errors import UserError

CHUNK = 1 << 20  # read and inflate in steps of 1 MiB: memory stays bounded whatever the ratio
_GZIP = b"\x1f\x8b"
_ZLIB = (b"\x78\x01", b"\x78\x5e", b"\x78\x9c", b"\x78\xda")  # the headers Polars inflates
_ZSTD = b"\x28\xb5\x2f\xfd"
_HEAD = 4  # bytes needed to recognise any of the above
COMPRESSED_SUFFIXES = ("gz", "gzip", "z", "zz", "zlib", "zst", "zstd")


class FetchError(UserError):
    """A payload could not be fetched; the message names the feed, the source and the reason."""


@dataclass(frozen=True)
class FetchPolicy:
    """Timeouts, retries and limits for one fetch."""

    connect_timeout_s: float = 10.0
    read_timeout_s: float = 30.0
    retries: int = 3  # after the first attempt; on timeouts, connection errors, 5xx, 408, 429
    backoff_s: float = 1.0  # sleep backoff_s * 2**n before retry n (n from 0)
    # Bytes landed after any inflation: a remote payload as a whole; a local file only when it
    # is compressed (a plain local file has no limit).
    max_bytes: int = 50 * 1024 * 1024
    deadline_s: float = 600.0  # the whole fetch, retries and backoff included
    user_agent: str = "platform-fines/0.1 (+https://github.com/platform-fines/platform-fines)"

    def __post_init__(self) -> None:
        if min(self.connect_timeout_s, self.read_timeout_s, self.deadline_s) <= 0 or self.backoff_s < 0:
            raise ValueError(f"timeouts and deadline_s must be > 0 and backoff_s >= 0: {self}")
        if self.retries < 0 or self.max_bytes < 0:
            raise ValueError(f"retries and max_bytes must be >= 0: {self}")


class Deadline:
    """A point in time a fetch must end by (monotonic clock)."""

    def __init__(self, seconds: float, *, feed: str, source: str) -> None:
        self.seconds, self.feed, self.source = seconds, feed, source
        self.due = time.monotonic() + seconds

    def remaining(self) -> float:
        """Seconds left, never below zero."""
        return max(0.0, self.due - time.monotonic())

    def error(self) -> FetchError:
        """The one-line error of a fetch that ran out of time."""
        return FetchError(
            f"feed {self.feed}: fetching {self.source} exceeded the fetch deadline of {self.seconds:g} s "
            "(fetch_deadline in the registry, FINES_FETCH_DEADLINE)"
        )

    def check(self) -> None:
        """Raise :meth:`error` when the deadline has passed."""
        if time.monotonic() >= self.due:
            raise self.error()


def sniff(head: bytes) -> str | None:
    """The compression of content starting with ``head``: ``gzip``, ``zlib``, ``zstd`` or None."""
    if head.startswith(_GZIP):
        return "gzip"
    if head.startswith(_ZLIB):
        return "zlib"
    if head.startswith(_ZSTD):
        return "zstd"
    return None


class Inflater:
    """Inflates a gzip (every member) or zlib stream in steps of at most :data:`CHUNK` bytes."""

    def __init__(self, kind: str, *, where: str) -> None:
        self.kind, self.where = kind, where
        self._wbits = 16 + zlib.MAX_WBITS if kind == "gzip" else zlib.MAX_WBITS
        self._inflater = zlib.decompressobj(self._wbits)
        self._started = False  # the current member has received input

    def feed(self, data: bytes) -> Iterator[bytes]:
        """Yield the inflated bytes of ``data``, one bounded step at a time.

        Raises:
            FetchError: the stream is invalid, or data follows the end of a zlib stream.
        """
        try:
            out = b""
            while data or len(out) == CHUNK:
                if self._inflater.eof:
                    if self.kind != "gzip":
                        raise FetchError(f"{self.where}: data after the end of the {self.kind} stream")
                    self._inflater, self._started = zlib.decompressobj(self._wbits), False
                self._started = self._started or bool(data)
                out = self._inflater.decompress(data, CHUNK)
                data = self._inflater.unused_data if self._inflater.eof else self._inflater.unconsumed_tail
                if out:
                    yield out
        except zlib.error as exc:
            raise FetchError(f"{self.where}: invalid {self.kind} content: {exc}") from None

    def finish(self) -> None:
        """Raise when the stream stopped before its end.

        Raises:
            FetchError: truncated content.
        """
        if self._started and not self._inflater.eof:
            raise FetchError(f"{self.where}: truncated {self.kind} content")


class PayloadWriter:
    """Write a payload to an open file: inflate it when compressed, count, hash, enforce limits.

    Args:
        handle: the (temporary) file to write to.
        feed: feed name, for messages.
        source: URL or path, for messages.
        max_bytes: limit on every byte written, or None.
        max_inflated: limit on bytes written when the content was compressed, or None.
        deadline: checked after every step, or None.
    """

    def __init__(
        self, handle: BinaryIO, *, feed: str, source: str, max_bytes: int | None, max_inflated: int | None,
        deadline: Deadline | None = None,
    ) -> None:  # fmt: skip
        self._handle, self.feed, self.source = handle, feed, source
        self._max_bytes, self._max_inflated, self._deadline = max_bytes, max_inflated, deadline
        self.sha256 = hashlib.sha256()
        self.size = 0
        self.compression: str | None = None
        self._head = b""  # input held until its compression is known
        self._out_head = b""  # first inflated bytes, checked for a second layer
        self._inflater: Inflater | None = None
        self._decided = False

    def write(self, chunk: bytes) -> None:
        """Take the next chunk of the payload as received."""
        if self._deadline is not None:  # also when a chunk yields nothing (empty deflate blocks)
            self._deadline.check()
        if not self._decided:
            self._head += chunk
            if len(self._head) < _HEAD:
                return
            chunk, self._head = self._head, b""
            self._decide(chunk)
        self._take(chunk)

    def close(self) -> None:
        """Flush what is held and check that compressed content was complete."""
        if not self._decided:
            head, self._head = self._head, b""
            self._decide(head)
            self._take(head)
        if self._inflater is not None:
            self._inflater.finish()
            self._check_second_layer(final=True)

    def _take(self, chunk: bytes) -> None:
        if self._inflater is None:
            self._emit(chunk)
            return
        for piece in self._inflater.feed(chunk):
            self._emit(piece)

    def _decide(self, head: bytes) -> None:
        self._decided = True
        self.compression = sniff(head)
        if self.compression == "zstd":
            raise FetchError(
                f"feed {self.feed}: {self.source}: zstd-compressed content is not supported "
                "(serve it plain or gzip-compressed)"
            )
        if self.compression:
            self._inflater = Inflater(self.compression, where=f"feed {self.feed}: {self.source}")

    def _emit(self, data: bytes) -> None:
        if not data:
            return
        self.size += len(data)
        limit = self._limit()
        if limit is not None and self.size > limit:
            inflated = f" once inflated ({self.compression})" if self._inflater else ""
            raise FetchError(
                f"feed {self.feed}: payload from {self.source} exceeds the size limit of {limit} bytes"
                f"{inflated}; raise it with max_bytes in the registry or --max-bytes"
            )
        if self._inflater is not None and len(self._out_head) < _HEAD:
            self._out_head += data[: _HEAD - len(self._out_head)]
            self._check_second_layer(final=False)
        self.sha256.update(data)
        self._handle.write(data)
        if self._deadline is not None:
            self._deadline.check()

    def _limit(self) -> int | None:
        limits = [self._max_bytes, self._max_inflated if self._inflater else None]
        present = [limit for limit in limits if limit is not None]
        return min(present) if present else None

    def _check_second_layer(self, *, final: bool) -> None:
        if (final or len(self._out_head) >= _HEAD) and sniff(self._out_head):
            raise FetchError(
                f"feed {self.feed}: {self.source}: {sniff(self._out_head)} content inside "
                f"{self.compression} content is not supported"
            )
