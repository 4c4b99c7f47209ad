"""Bytes of a landed feed file to text, in the feed's declared encoding or a detected one.

A file that mixes encodings (UTF-8 rows among windows-1251 ones) is refused with the lines of
each kind: decoding it in one encoding would store the other rows garbled. :func:`text_chunks`
decodes a large file a bounded piece at a time.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterable, Iterator
from pathlib import Path

from etl.errors import UserError
from etl.sources.feeds import Feed

# Legacy code pages our sources use: unrestricted guessing confuses windows-1251 with
# mac-cyrillic on short Russian texts.
LEGACY_CANDIDATES = ["cp1251", "cp1252", "iso8859_2", "koi8_r"]
_SHOWN = 5  # line numbers named per kind in a message
CHUNK_BYTES = 8 << 20  # what text_chunks reads at a time, extended to the next line break


class FeedFormatError(ValueError, UserError):
    """A feed file cannot be read at all; the message names the feed and file."""


def decode(data: bytes, *, feed: Feed, path: Path) -> str:
    """The text of a feed file in its declared encoding, or a detected one for ``auto``.

    Raises:
        FeedFormatError: bytes invalid in the declared encoding, an unknown encoding, an
            undetectable one, or UTF-8 lines mixed with lines in another encoding.
    """
    encoding = feed.encoding.lower().replace("_", "-")
    if encoding == "auto":
        return _detect(data, feed=feed, path=path)
    encoding = "utf-8-sig" if encoding in ("utf-8", "utf8") else encoding
    try:
        text = data.decode(encoding)
    except LookupError:
        raise FeedFormatError(f"feed {feed.name}: {path}: unknown text encoding {feed.encoding!r}") from None
    except UnicodeDecodeError as error:
        raise FeedFormatError(
            f"feed {feed.name}: {path}: bytes not valid {feed.encoding} at byte offset {error.start}"
        ) from None
    if encoding != "utf-8-sig":
        _refuse_mixed([data], chosen=feed.encoding, feed=feed, path=path)
    return text


def byte_chunks(path: Path, *, size: int | None = None) -> Iterator[tuple[int, bytes]]:
    """A file's bytes in pieces of about ``size`` (:data:`CHUNK_BYTES`) that end at a line break.

    Yields:
        ``(offset, piece)``: the byte offset of the piece in the file, and its bytes.
    """
    offset, rest, size = 0, b"", size or CHUNK_BYTES
    with path.open("rb") as handle:
        while block := handle.read(size):
            block = rest + block
            end = block.rfind(b"\n") + 1
            if not end:
                rest = block
                continue
            yield offset, block[:end]
            offset, rest = offset + end, block[end:]
    if rest:
        yield offset, rest


def text_chunks(path: Path, *, feed: Feed, size: int | None = None) -> Iterator[str]:
    """The text of a feed file as :func:`decode` gives it, in pieces that end at a line break.

    UTF-8 and single-byte code pages are decoded a piece at a time, so memory does not grow
    with the file; a code page is first checked for UTF-8 lines (:func:`_refuse_mixed`). With
    ``auto``, a file that is not UTF-8 throughout is detected and decoded whole: detection reads
    every byte (legacy exports are small).

    Raises:
        FeedFormatError: as :func:`decode`, naming the byte offset of the first invalid byte.
    """
    encoding = feed.encoding.lower().replace("_", "-")
    if encoding == "auto":
        encoding = "utf-8" if _all_utf8(path, size=size) else ""
    elif encoding in ("utf-8", "utf8"):
        encoding = "utf-8"
    else:
        if not _ascii_compatible(encoding):  # line breaks are not b"\n" (UTF-16...): read whole
            encoding = ""
        else:
            _refuse_mixed((chunk for _, chunk in byte_chunks(path, size=size)), chosen=feed.encoding,
                          feed=feed, path=path)  # fmt: skip
    if not encoding:
        yield decode(path.read_bytes(), feed=feed, path=path)
        return
    for offset, chunk in byte_chunks(path, size=size):
        try:
            yield chunk.decode("utf-8-sig" if offset == 0 and encoding == "utf-8" else encoding)
        except UnicodeDecodeError as error:
            raise FeedFormatError(
                f"feed {feed.name}: {path}: bytes not valid {feed.encoding} at byte offset {offset + error.start}"
            ) from None


def _all_utf8(path: Path, *, size: int | None) -> bool:
    try:
        for _, chunk in byte_chunks(path, size=size):
            chunk.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _ascii_compatible(encoding: str) -> bool:
    try:
        codecs.lookup(encoding)
    except LookupError:
        return False  # decode() names the unknown encoding
    return "a,\n".encode(encoding, errors="replace") == b"a,\n"


def _detect(data: bytes, *, feed: Feed, path: Path) -> str:
    # UTF-8 (with or without BOM) is tried first: valid UTF-8 is almost never another encoding.
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=LEGACY_CANDIDATES).best()
    if best is None:
        raise FeedFormatError(f"feed {feed.name}: {path}: cannot detect the text encoding")
    _refuse_mixed([data], chosen=f"{best.encoding} (detected)", feed=feed, path=path)
    return str(best)


def _refuse_mixed(chunks: Iterable[bytes], *, chosen: str, feed: Feed, path: Path) -> None:
    """Refuse a file read in a legacy encoding whose non-ASCII lines are partly valid UTF-8.

    A line of Cyrillic or accented text in a single-byte code page is almost never valid UTF-8,
    so such lines were written in UTF-8 and would be stored garbled.

    Args:
        chunks: the file's bytes, whole or in pieces that end at line breaks (:func:`byte_chunks`).
        chosen: the encoding the file is read in, for the message.
        feed: the feed, for the message.
        path: the file, for the message.
    """
    utf8, other, number = [], [], 0
    for index, chunk in enumerate(chunks):
        lines = (chunk.removeprefix(b"\xef\xbb\xbf") if index == 0 else chunk).split(b"\n")
        if len(lines) > 1 and lines[-1] == b"":
            lines.pop()  # the next piece starts the next line
        for line in lines:
            number += 1
            if line.isascii():
                continue
            try:
                line.decode("utf-8")
                utf8.append(number)
            except UnicodeDecodeError:
                other.append(number)
    if utf8:
        raise FeedFormatError(
            f"feed {feed.name}: {path}: mixed text encodings: line(s) {_lines(utf8)} are UTF-8, "
            f"line(s) {_lines(other)} are not; read as {chosen}, the UTF-8 lines would be garbled"
            if other
            else f"feed {feed.name}: {path}: declared {chosen} but every non-ASCII line is UTF-8 "
            f'(line(s) {_lines(utf8)}): declare encoding = "utf-8"'
        )


def _lines(numbers: list[int]) -> str:
    shown = ", ".join(map(str, numbers[:_SHOWN]))
    return shown + (f" and {len(numbers) - _SHOWN} more" if len(numbers) > _SHOWN else "")
