"""Bytes of a landed feed file to text, in the feed's declared encoding or a detected one.

A file that mixes encodings (UTF-8 rows among windows-1251 ones) is refused with the lines of
each kind: decoding it in one encoding would store the other rows garbled.
"""

from __future__ import annotations

from pathlib import Path

from etl.errors import UserError
from etl.sources.feeds import Feed

# Legacy code pages our sources use: unrestricted guessing confuses windows-1251 with
# mac-cyrillic on short Russian texts.
LEGACY_CANDIDATES = ["cp1251", "cp1252", "iso8859_2", "koi8_r"]
_SHOWN = 5  # line numbers named per kind in a message


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
        _refuse_mixed(data, chosen=feed.encoding, feed=feed, path=path)
    return text


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
    _refuse_mixed(data, chosen=f"{best.encoding} (detected)", feed=feed, path=path)
    return str(best)


def _refuse_mixed(data: bytes, *, chosen: str, feed: Feed, path: Path) -> None:
    """Refuse a file read in a legacy encoding whose non-ASCII lines are partly valid UTF-8.

    A line of Cyrillic or accented text in a single-byte code page is almost never valid UTF-8,
    so such lines were written in UTF-8 and would be stored garbled.
    """
    utf8, other = [], []
    for number, line in enumerate(data.removeprefix(b"\xef\xbb\xbf").split(b"\n"), start=1):
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
