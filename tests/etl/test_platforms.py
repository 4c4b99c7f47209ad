"""Platform and parent resolution from the alias and ownership tables."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from etl.platforms import load_tables, resolve_platforms


@pytest.fixture(scope="module")
def tables() -> tuple[pl.DataFrame, pl.DataFrame]:
    """The shipped alias and ownership tables."""
    return load_tables()


def _resolve(tables, name: str, on: date, parent: str | None = None) -> dict:
    aliases, owners = tables
    frame = pl.DataFrame({"platform": [name], "parent_company": [parent], "decision_date": [on]})
    return resolve_platforms(frame, aliases=aliases, owners=owners).row(0, named=True)


@pytest.mark.parametrize(
    ("name", "on", "platform", "parent"),
    [
        ("Twitter", date(2021, 4, 2), "Twitter", "Twitter, Inc."),
        ("X", date(2024, 9, 27), "Twitter", "X Corp."),
        ("X Corp.", date(2024, 9, 27), "Twitter", "X Corp."),
        ("Facebook", date(2019, 7, 24), "Facebook", "Facebook, Inc."),
        ("Facebook", date(2021, 10, 28), "Facebook", "Meta Platforms, Inc."),
        ("Instagram", date(2020, 11, 4), "Instagram", "Facebook, Inc."),
        ("WhatsApp", date(2023, 1, 19), "WhatsApp", "Meta Platforms, Inc."),
        ("Threads", date(2024, 1, 1), "Threads", "Meta Platforms, Inc."),
        ("YouTube", date(2020, 11, 4), "YouTube", "Alphabet Inc."),
        ("Meta Platforms Ireland Limited", date(2023, 5, 12), "Facebook", "Meta Platforms, Inc."),
        ("  tiktok ", date(2021, 4, 6), "TikTok", "ByteDance Ltd."),
    ],
)
def test_aliases_resolve_to_one_platform_and_the_parent_at_the_decision_date(
    tables, name, on, platform, parent
):
    """Twitter/X/X Corp are one platform; Facebook's parent is Facebook, Inc. before 2021-10-28."""
    row = _resolve(tables, name, on)
    assert (row["platform"], row["parent_company"], row["is_known_platform"]) == (platform, parent, True)
    assert row["platform_reported"] == name


def test_unknown_platform_is_kept_and_flagged(tables):
    """An unknown name is not rejected: it keeps its name and the feed's parent, flagged unknown."""
    row = _resolve(tables, "ExampleTube", date(2021, 1, 1), parent="Example Holdings")
    assert (row["platform"], row["parent_company"], row["is_known_platform"]) == (
        "ExampleTube",
        "Example Holdings",
        False,
    )


def test_every_alias_points_at_a_platform_with_an_owner(tables):
    """The alias table only names platforms the ownership table knows."""
    aliases, owners = tables
    assert set(aliases["platform"]) <= set(owners["platform"])
