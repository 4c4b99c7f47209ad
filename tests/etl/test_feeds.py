"""The feed registry: valid entries load, every bad entry names the file, entry and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from etl.config import BUNDLED_FEEDS
from etl.sources.feeds import FORMATS, RegistryError, enabled_feeds, load_registry, registry_or_none


def test_bundled_registry_has_one_enabled_sample_per_format():
    """The default registry wires a real sample of every format into `fines run`."""
    feeds = enabled_feeds(BUNDLED_FEEDS)
    assert {feed.format for feed in feeds} == set(FORMATS)
    for feed in feeds:
        assert Path(feed.location).is_file(), feed


def test_relative_location_resolves_against_registry_folder(tmp_path: Path):
    """A relative path is relative to the registry file, not the working directory."""
    (tmp_path / "feeds.toml").write_text('[feeds.local]\nformat = "csv"\nlocation = "data/x.csv"\n')
    (feed,) = load_registry(tmp_path / "feeds.toml")
    assert feed.location == str(tmp_path / "data" / "x.csv")
    assert feed.encoding == "utf-8" and feed.enabled and feed.schedule == "@daily"


def test_column_mapping_and_url_location(tmp_path: Path):
    """A mapping of canonical to feed columns and an http(s) location are kept as given."""
    (tmp_path / "feeds.toml").write_text(
        '[feeds.remote]\nformat = "csv"\nlocation = "https://example.org/export.csv"\n'
        '[feeds.remote.columns]\ndecision_date = "Date"\nplatform = "Company"\n'
    )
    (feed,) = load_registry(tmp_path / "feeds.toml")
    assert feed.is_remote and feed.columns == {"decision_date": "Date", "platform": "Company"}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[feeds.a]\nformat = "xml"\nlocation = "x"\n', r"feed 'a', field 'format': must be one of"),
        ('[feeds.a]\nformat = "csv"\n', r"feed 'a', field 'location': missing"),
        (
            '[feeds.a]\nformat = "csv"\nlocation = "x"\nenabled = "yes"\n',
            r"feed 'a', field 'enabled': expected bool",
        ),
        ('[feeds.a]\nformat = "csv"\nlocation = "x"\nurl = "y"\n', r"feed 'a', field 'url': unknown field"),
        ('[feeds."../etc"]\nformat = "csv"\nlocation = "x"\n', r"feed '../etc': name must match"),
        (
            '[feeds.a]\nformat = "csv"\nlocation = "x"\n[feeds.a.columns]\nplatform = 3\n',
            r"field 'columns.platform'",
        ),
        (
            '[feeds.a]\nformat = "csv"\nlocation = "x"\nmax_bytes = -1\n',
            r"field 'max_bytes': expected a positive",
        ),
        ('[feeds.a]\nformat = "csv"\nlocation = "x"\nkind = "tabloid"\n', r"field 'kind': must be one of"),
        (
            '[feeds.a]\nformat = "csv"\nlocation = "x"\nreview_all = true\n',
            r"field 'review_all': only news feeds \(rss, atom\) hold items for review, not 'csv'",
        ),
        ('[feeds.a]\nformat = "rss"\nlocation = "x"\nreview_all = 1\n', r"field 'review_all': expected bool"),
        ("[feeds.a\n", "not valid TOML"),
        ("title = 'no feeds'\n", r"no \[feeds.<name>\] tables"),
    ],
)
def test_bad_entries_name_file_entry_and_field(tmp_path: Path, text: str, message: str):
    """Each mistake in a registry gives one clear error."""
    path = tmp_path / "feeds.toml"
    path.write_text(text)
    with pytest.raises(RegistryError, match=message) as caught:
        load_registry(path)
    assert str(path) in str(caught.value)


def test_disabled_feeds_are_skipped(tmp_path: Path):
    """An entry with enabled = false stays an entry in the registry but out of runs."""
    path = tmp_path / "feeds.toml"
    path.write_text(
        '[feeds.a]\nformat = "csv"\nlocation = "x"\nenabled = false\n[feeds.b]\nformat = "jsonl"\nlocation = "y"\n'
    )
    assert [feed.name for feed in enabled_feeds(path)] == ["b"]
    assert len(load_registry(path)) == 2


def test_file_url_location_is_kept_as_a_local_path_and_lands(tmp_path: Path):
    """A file:// location in the registry names that file, not a path under the registry's folder.

    Before: it was joined onto the registry's folder and the fetch failed.
    """
    from datetime import date

    from etl.sources.extract import extract_feed

    source = tmp_path / "exports" / "my actions.csv"
    source.parent.mkdir()
    source.write_bytes(b"action_id,platform\n1,TikTok\n")
    registry = tmp_path / "conf" / "feeds.toml"
    registry.parent.mkdir()
    registry.write_text(f'[feeds.local]\nformat = "csv"\nlocation = "{source.as_uri()}"\n')
    (feed,) = load_registry(registry)
    assert feed.location == str(source) and not feed.is_remote
    landed = extract_feed(feed, landing=tmp_path / "landing", as_of=date(2025, 1, 2))
    assert landed.path.read_bytes() == source.read_bytes()


@pytest.mark.parametrize(
    ("location", "message"),
    [
        (
            "ftp://example.org/actions.csv",
            r"unsupported scheme 'ftp' \(supported: http://, https://, file://",
        ),
        ("s3://bucket/actions.csv", r"unsupported scheme 's3' \(supported: http://, https://, file://"),
        ("file://otherhost/actions.csv", r"file URLs on another host are not supported"),
    ],
)
def test_unsupported_location_schemes_say_so(tmp_path: Path, location: str, message: str):
    """An unsupported scheme is named as such, with the supported ones, at registry load."""
    path = tmp_path / "feeds.toml"
    path.write_text(f'[feeds.a]\nformat = "csv"\nlocation = "{location}"\n')
    with pytest.raises(RegistryError, match=rf"feed 'a', field 'location': .*{message}") as caught:
        load_registry(path)
    assert str(path) in str(caught.value) and "\n" not in str(caught.value)


def test_https_location_in_capitals_stays_remote(tmp_path: Path):
    """Schemes are case-insensitive: HTTPS:// is a URL, not a relative path."""
    path = tmp_path / "feeds.toml"
    path.write_text('[feeds.a]\nformat = "csv"\nlocation = "HTTPS://example.org/a.csv"\n')
    (feed,) = load_registry(path)
    assert feed.location == "HTTPS://example.org/a.csv" and feed.is_remote


def test_non_utf8_registry_gives_one_line_naming_the_file(tmp_path: Path):
    """A registry saved in windows-1251 is refused with the file, byte and offset, not a traceback."""
    path = tmp_path / "feeds.toml"
    path.write_bytes(
        '[feeds.a]\nformat = "csv"\nlocation = "x"\ndescription = "Роскомнадзор"\n'.encode("cp1251")
    )
    with pytest.raises(RegistryError, match=r"not UTF-8 text \(line 4: byte 0xd0 at offset 55\)") as caught:
        load_registry(path)
    assert str(caught.value).startswith(f"{path}: ") and "\n" not in str(caught.value)


def test_registry_that_is_a_folder_gives_one_line(tmp_path: Path):
    """A registry path that is a folder is a RegistryError saying so, not an OSError traceback."""
    with pytest.raises(RegistryError, match=r"is a folder, not a feed registry"):
        load_registry(tmp_path)


def test_only_a_missing_registry_is_optional(tmp_path: Path):
    """registry_or_none: no file is None (``fines ingest`` needs none); any other fault is refused."""
    assert registry_or_none(tmp_path / "absent.toml") is None
    latin = tmp_path / "latin.toml"
    latin.write_bytes('[feeds.caf\xe9]\nformat = "csv"\nlocation = "x.csv"\n'.encode("latin-1"))
    with pytest.raises(RegistryError, match=r"not UTF-8 text"):
        registry_or_none(latin)
    with pytest.raises(RegistryError, match=r"is a folder"):
        registry_or_none(tmp_path)


def test_deadline_fields_are_read_and_checked(tmp_path: Path):
    """fetch_deadline and process_deadline are seconds, more than 0 and at most a week."""
    path = tmp_path / "feeds.toml"
    path.write_text(
        '[feeds.a]\nformat = "csv"\nlocation = "x"\nfetch_deadline = 30\nprocess_deadline = 2.5\n'
    )
    (feed,) = load_registry(path)
    assert (feed.fetch_deadline, feed.process_deadline) == (30.0, 2.5)
    for key, value in [("fetch_deadline", "0"), ("process_deadline", '"soon"'), ("fetch_deadline", "true")]:
        path.write_text(f'[feeds.a]\nformat = "csv"\nlocation = "x"\n{key} = {value}\n')
        with pytest.raises(RegistryError, match=rf"feed 'a', field '{key}': expected seconds"):
            load_registry(path)
