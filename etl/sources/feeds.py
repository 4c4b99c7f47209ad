"""The feed registry: one typed entry per feed, read from a TOML file.

Both ``fines run`` and the DAGs read the same file, so a feed is declared once.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from etl.catalog import SOURCE_KINDS
from etl.errors import UserError

FORMATS = ("csv", "jsonl", "gdpr-tracker", "rss", "atom")
NEWS_FORMATS = ("rss", "atom")
# Kinds a registry may declare: "reviewed" is given by a person's decision, never by a feed.
FEED_KINDS = tuple(kind for kind in SOURCE_KINDS if kind != "reviewed")
FEED_NAME = re.compile(r"^[a-z0-9][a-z0-9_]{0,63}$")
SUPPORTED_LOCATIONS = "http://, https://, file:// or a path"
_KNOWN_FIELDS = {
    "kind",
    "review_all",
    "max_bytes",
    "fetch_deadline",
    "process_deadline",
    "decimal_separator",
    "format",
    "location",
    "encoding",
    "schedule",
    "enabled",
    "columns",
    "description",
    "source",
}


class RegistryError(ValueError, UserError):
    """A feed registry entry is invalid; the message names the file, entry and field."""


class RegistryMissing(RegistryError):
    """There is no feed registry file at the path (``fines ingest`` works without one)."""


@dataclass(frozen=True)
class Feed:
    """One configured feed."""

    name: str
    format: str
    location: str
    encoding: str = "utf-8"
    schedule: str = "@daily"
    enabled: bool = True
    description: str = ""
    source: str = ""
    columns: dict[str, str] = field(default_factory=dict)  # canonical name -> feed column
    kind: str = ""  # official, structured, wire or news (precedence of its figures); see source_kind
    max_bytes: int | None = (
        None  # size limit of a remote or inflated payload; None: etl.sources.fetch's default
    )
    fetch_deadline: float | None = None  # seconds for the whole fetch; None: FINES_FETCH_DEADLINE
    process_deadline: float | None = None  # seconds to parse and validate; None: FINES_PROCESS_DEADLINE
    decimal_separator: str | None = None  # "." or "," in amounts; None: a decimal comma is never read
    review_all: bool = False  # news only: every extracted item waits for a person's review

    @property
    def source_kind(self) -> str:
        """The registry's ``kind``, else ``news`` for news formats and ``structured`` otherwise."""
        return self.kind or ("news" if self.format in NEWS_FORMATS else "structured")

    @property
    def is_remote(self) -> bool:
        """True for http(s) locations."""
        return urlsplit(self.location).scheme.lower() in ("http", "https")


def local_path(location: str) -> Path | None:
    """The local path a location names (a path or a ``file://`` URL), or None for http(s).

    Raises:
        ValueError: a ``file://`` URL on another host, or an unsupported scheme; the message
            says which locations are supported.
    """
    parts = urlsplit(location)
    scheme = parts.scheme.lower()
    if scheme in ("http", "https"):
        return None
    if scheme == "file":
        if parts.netloc not in ("", "localhost"):
            raise ValueError(f"{location}: file URLs on another host are not supported")
        return Path(url2pathname(parts.path))
    if len(scheme) <= 1:  # no scheme, or a Windows drive letter
        return Path(location)
    raise ValueError(f"{location}: unsupported scheme {scheme!r} (supported: {SUPPORTED_LOCATIONS})")


def _location(path: Path, name: str, entry: dict) -> str:
    """The entry's location: an http(s) URL as given, else an absolute path (file:// URLs too)."""
    location = str(_field(path, name, entry, "location", str, ""))
    try:
        local = local_path(location)
    except ValueError as error:
        raise RegistryError(f"{path}: feed {name!r}, field 'location': {error}") from None
    return location if local is None else str((path.parent / local).resolve())


def _seconds(path: Path, name: str, entry: dict, key: str) -> float | None:
    value = entry.get(key)
    if value is not None and (
        not isinstance(value, int | float) or isinstance(value, bool) or not 0 < value <= 7 * 24 * 3600
    ):
        raise RegistryError(
            f"{path}: feed {name!r}, field {key!r}: expected seconds, more than 0 and at most a week, got {value!r}"
        )
    return None if value is None else float(value)


def _field(path: Path, name: str, entry: dict, key: str, kind: type, default: object) -> object:
    value = entry.get(key, default)
    if not isinstance(value, kind):
        raise RegistryError(f"{path}: feed {name!r}, field {key!r}: expected {kind.__name__}, got {value!r}")
    return value


def _parse_entry(path: Path, name: str, entry: dict) -> Feed:
    if not FEED_NAME.fullmatch(name):
        raise RegistryError(f"{path}: feed {name!r}: name must match {FEED_NAME.pattern}")
    unknown = sorted(set(entry) - _KNOWN_FIELDS)
    if unknown:
        raise RegistryError(f"{path}: feed {name!r}, field {unknown[0]!r}: unknown field")
    fmt = _field(path, name, entry, "format", str, None) if "format" in entry else None
    if fmt not in FORMATS:
        raise RegistryError(f"{path}: feed {name!r}, field 'format': must be one of {FORMATS}, got {fmt!r}")
    if "location" not in entry:
        raise RegistryError(f"{path}: feed {name!r}, field 'location': missing")
    location = _location(path, name, entry)
    kind = str(_field(path, name, entry, "kind", str, ""))
    if kind and kind not in FEED_KINDS:
        raise RegistryError(f"{path}: feed {name!r}, field 'kind': must be one of {FEED_KINDS}, got {kind!r}")
    max_bytes = entry.get("max_bytes")
    if max_bytes is not None and (
        not isinstance(max_bytes, int) or isinstance(max_bytes, bool) or max_bytes <= 0
    ):
        raise RegistryError(
            f"{path}: feed {name!r}, field 'max_bytes': expected a positive integer, got {max_bytes!r}"
        )
    review_all = bool(_field(path, name, entry, "review_all", bool, False))
    if review_all and fmt not in NEWS_FORMATS:
        raise RegistryError(
            f"{path}: feed {name!r}, field 'review_all': only news feeds ({', '.join(NEWS_FORMATS)}) hold items "
            f"for review, not {fmt!r}"
        )
    columns = _field(path, name, entry, "columns", dict, {})
    for canonical, column in columns.items():
        if not isinstance(column, str):
            raise RegistryError(f"{path}: feed {name!r}, field 'columns.{canonical}': expected a column name")
    return Feed(
        name=name,
        format=fmt,
        location=location,
        encoding=str(_field(path, name, entry, "encoding", str, "utf-8")),
        schedule=str(_field(path, name, entry, "schedule", str, "@daily")),
        enabled=bool(_field(path, name, entry, "enabled", bool, True)),
        description=str(_field(path, name, entry, "description", str, "")),
        source=str(_field(path, name, entry, "source", str, "")),
        columns=dict(columns),
        kind=kind,
        max_bytes=max_bytes,
        fetch_deadline=_seconds(path, name, entry, "fetch_deadline"),
        process_deadline=_seconds(path, name, entry, "process_deadline"),
        decimal_separator=_decimal_separator(path, name, entry),
        review_all=review_all,
    )


def _decimal_separator(path: Path, name: str, entry: dict) -> str | None:
    value = entry.get("decimal_separator")
    if value is not None and value not in (".", ","):
        raise RegistryError(
            f'{path}: feed {name!r}, field \'decimal_separator\': must be "." or ",", got {value!r}'
        )
    return value


def registry_or_none(path: Path) -> list[Feed] | None:
    """The feeds of a registry, or None when there is no registry file (``fines ingest`` needs none).

    Raises:
        RegistryError: the registry exists but cannot be read or is invalid.
    """
    try:
        return load_registry(path)
    except RegistryMissing:
        return None


def load_registry(path: Path) -> list[Feed]:
    """Read every feed of a registry file.

    Args:
        path: the TOML registry.

    Returns:
        The feeds in file order, enabled or not.

    Raises:
        RegistryError: the file is missing or unreadable, is not UTF-8 TOML, or an entry is invalid.
    """
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RegistryMissing(f"{path}: feed registry not found") from None
    except IsADirectoryError:
        raise RegistryError(f"{path}: is a folder, not a feed registry (TOML file)") from None
    except PermissionError:
        raise RegistryError(f"{path}: feed registry not readable (permission denied)") from None
    except NotADirectoryError:
        raise RegistryError(
            f"{path}: cannot read the feed registry: part of its path is not a directory"
        ) from None
    except UnicodeDecodeError as error:
        line = error.object[: error.start].count(b"\n") + 1
        raise RegistryError(
            f"{path}: not UTF-8 text (line {line}: "
            f"byte 0x{error.object[error.start]:02x} at offset {error.start}); "
            "save the registry as UTF-8"
        ) from None
    except OSError as error:
        raise RegistryError(f"{path}: cannot read the feed registry: {error.strerror or error}") from None
    except tomllib.TOMLDecodeError as error:
        raise RegistryError(f"{path}: not valid TOML: {error}") from None
    feeds = document.get("feeds")
    if not isinstance(feeds, dict) or not feeds:
        raise RegistryError(f"{path}: no [feeds.<name>] tables found")
    return [_parse_entry(path, name, entry) for name, entry in feeds.items()]


def enabled_feeds(path: Path) -> list[Feed]:
    """The enabled feeds of a registry file, in file order."""
    return [feed for feed in load_registry(path) if feed.enabled]
