"""The feed registry: valid entries load, every bad entry names the file, entry and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from etl.config import BUNDLED_FEEDS
from etl.feeds import FORMATS, RegistryError, enabled_feeds, load_registry


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
