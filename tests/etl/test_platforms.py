"""Platform and parent resolution: normalised names, aliases, parents, candidates for unknown names."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from etl.parsing import platforms
from etl.parsing.platforms import alias_key, load_tables, normalise_name, resolve_names, resolve_platforms


@pytest.fixture(scope="module")
def tables() -> tuple[pl.DataFrame, pl.DataFrame]:
    """The shipped alias and ownership tables."""
    return load_tables()


def _resolve(tables, name: str, on: date, parent: str | None = None) -> dict:
    aliases, owners = tables
    frame = pl.DataFrame({"platform": [name], "parent_company": [parent], "decision_date": [on]})
    return resolve_platforms(frame, aliases=aliases, owners=owners).row(0, named=True)


def _aliases(pairs: dict[str, str]) -> pl.DataFrame:
    """An alias table in lookup form, as load_tables returns it."""
    frame = pl.DataFrame({"alias": list(pairs), "platform": list(pairs.values())})
    return frame.with_columns(alias=alias_key(pl.col("alias")))


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
    assert row["platform_candidates"] is None


@pytest.mark.parametrize(
    ("name", "normal"),
    [
        ("TIK TOK", "tik tok"),
        ("Tik-Tok", "tik tok"),
        ("tiktok ", "tiktok"),
        ("ＴｉｋＴｏｋ", "tiktok"),  # full-width forms (NFKC)
        ("TikTok Pte. Ltd.", "tiktok pte ltd"),
        ("Meta Platforms, Inc.", "meta platforms inc"),
        ("Amazon Europe Core S.à r.l.", "amazon europe core sa rl"),
        ("Telegram FZ-LLC", "telegram fz llc"),
        ("Twitter/X", "twitter x"),
        ("O’Reilly & Sons\u00a0GmbH", "oreilly sons gmbh"),
        ("Straße_Dienst", "strasse dienst"),
    ],
)
def test_normalise_name_folds_unicode_case_punctuation_and_spacing(name, normal):
    """NFKC, case fold, dots and apostrophes dropped, other punctuation a space, spaces collapsed."""
    assert pl.select(normalise_name(pl.lit(name))).item() == normal


@pytest.mark.parametrize(
    ("name", "platform"),
    [
        ("TIK TOK", "TikTok"),
        ("Tik-Tok", "TikTok"),
        ("tiktok ", "TikTok"),
        ("TikTok Pte. Ltd.", "TikTok"),
        ("TikTok Technology Limited", "TikTok"),
        ("Google LLC", "Google"),
        ("Google Ireland Ltd", "Google"),
        ("Meta Platforms, Inc.", "Facebook"),
        ("Twitter Inc", "Twitter"),
        ("Twitter International Unlimited Company", "Twitter"),
        ("X Corp.", "Twitter"),
        ("Telegram Messenger LLP", "Telegram"),
        ("Telegram FZ-LLC", "Telegram"),
        ("Wikimedia Foundation, Inc.", "Wikipedia"),
        ("VKontakte LLC", "VKontakte"),
        ("Apple Distribution International Ltd", "Apple"),
        ("Microsoft Ireland Operations Limited", "Microsoft"),
        ("LinkedIn Ireland Unlimited Company", "LinkedIn"),
        ("WhatsApp Ireland Limited", "WhatsApp"),
        ("Amazon Europe Core S.à r.l.", "Amazon"),
        ("Amazon.com, Inc.", "Amazon"),
        ("Uber Technologies, Inc.", "Uber"),
        ("Snap Inc.", "Snapchat"),
        ("Spotify AB", "Spotify"),
        ("whats app", "WhatsApp"),
        ("You Tube", "YouTube"),
        ("Linked In", "LinkedIn"),
    ],
)
def test_spelling_and_corporate_variants_resolve_to_the_canonical_platform(tables, name, platform):
    """Case, spacing, punctuation, legal forms and country words do not make a new platform."""
    row = _resolve(tables, name, date(2024, 1, 2))
    assert (row["platform"], row["is_known_platform"], row["platform_reported"]) == (platform, True, name)


@pytest.mark.parametrize(
    "name",
    [
        "Telegraph",
        "Telegraph Media Group Ltd",
        "Googleplex Media",
        "Metaverse Ltd",
        "X5 Retail Group",
        "Snapdeal",
        "Applebee's International",
        "Amazonas Ltd",
        "Limited",
        "Group Holdings",
    ],
)
def test_a_different_name_is_not_resolved_by_similarity_or_stripping(tables, name):
    """A name that merely looks like a platform, or is nothing but suffixes, stays as reported."""
    row = _resolve(tables, name, date(2024, 1, 2))
    assert (row["platform"], row["is_known_platform"]) == (name, False)


def test_stripping_stops_at_the_longest_known_name():
    """Suffixes go one at a time: "Acme Europe Ltd" is Acme Europe, never the shorter Acme."""
    aliases = _aliases({"Acme": "Acme", "Acme Europe": "Acme EU"})
    names = pl.Series(["Acme Europe Ltd", "Acme Holdings Ltd", "ACME-Europe", "Acme Europe Online"])
    resolved = resolve_names(names, aliases=aliases)
    assert resolved["canonical"].to_list() == ["Acme EU", "Acme", "Acme EU", None]


def test_variants_of_an_unknown_name_share_a_key_and_other_names_do_not():
    """Case, spacing, dots and trailing legal forms are dropped; other words, countries included, are kept."""
    names = pl.Series(["QUILLBYTE Ltd", "Quillbyte", "Quill-Byte S.A. Limited", "Q.U.I.L.L.B.Y.T.E.",
                       "Quillbyte Pay", "Quilbyte", "Air India", "Air France", "Quillbyte Group", "-", "—",
                       None])  # fmt: skip
    keys = platforms.name_keys(names)
    assert keys.rows() == [
        ("QUILLBYTE Ltd", "quillbyte"),
        ("Quillbyte", "quillbyte"),
        ("Quill-Byte S.A. Limited", "quillbyte"),
        ("Q.U.I.L.L.B.Y.T.E.", "quillbyte"),
        ("Quillbyte Pay", "quillbytepay"),
        ("Quilbyte", "quilbyte"),
        ("Air India", "airindia"),  # a country may be what tells two companies apart
        ("Air France", "airfrance"),
        ("Quillbyte Group", "quillbytegroup"),
        ("-", "\x00-"),  # no letter or digit: the name is its own key
        ("—", "\x00—"),
    ]


@pytest.mark.parametrize(
    ("name", "candidates"),
    [
        ("Telegramm", "Telegram (0.94)"),
        ("Telegramm Messenger LLC", "Telegram (0.97)"),
        ("Gogle", "Google (0.91)"),
        ("Faceboook Ireland Ltd", "Facebook (0.94)"),
        ("Telegraph", "Telegram (0.82)"),
        ("ExampleTube", None),
        ("Googleplex Media", None),
    ],
)
def test_unknown_name_keeps_its_spelling_and_gets_the_nearest_platforms(tables, name, candidates):
    """An unknown name is flagged and lists near known platforms with their similarity, else null."""
    row = _resolve(tables, name, date(2024, 1, 2))
    assert (row["platform"], row["is_known_platform"], row["platform_candidates"]) == (
        name,
        False,
        candidates,
    )


def test_candidates_are_at_most_three_best_first_above_the_floor():
    """Up to three platforms, best score first, ties by name; each scored by its nearest alias."""
    aliases = _aliases({"chatter": "Chatter", "chattr": "Chattr", "chatterbox": "Chatter", "chat": "Chat",
                        "chit": "Chit", "zebra": "Zebra"})  # fmt: skip
    assert platforms.nearest_platforms("chattera", aliases=aliases) == (
        "Chatter (0.93); Chattr (0.86); Chat (0.67)"
    )
    assert platforms.nearest_platforms("qqqqq", aliases=aliases) is None


def test_unknown_platform_is_kept_and_flagged(tables):
    """An unknown name is not rejected: it keeps its name and the feed's parent, flagged unknown."""
    row = _resolve(tables, "ExampleTube", date(2021, 1, 1), parent="Example Holdings")
    assert (row["platform"], row["parent_company"], row["is_known_platform"]) == (
        "ExampleTube",
        "Example Holdings",
        False,
    )


def test_resolution_keeps_rows_and_order_and_adds_the_identity_columns(tables):
    """Rows come back in order, one per input row, with reported name, flag and candidates."""
    aliases, owners = tables
    frame = pl.DataFrame(
        {
            "platform": ["Telegramm", "TIK TOK", "Telegramm", "X Corp."],
            "parent_company": [None, None, "Someone", None],
            "decision_date": [date(2024, 1, 2)] * 4,
        }
    )
    expected = frame.with_columns(
        platform=pl.Series(["Telegramm", "TikTok", "Telegramm", "Twitter"]),
        parent_company=pl.Series([None, "ByteDance Ltd.", "Someone", "X Corp."]),
        platform_reported=pl.col("platform"),
        is_known_platform=pl.Series([False, True, False, True]),
        platform_candidates=pl.Series(["Telegram (0.94)", None, "Telegram (0.94)", None]),
    )
    assert_frame_equal(resolve_platforms(frame, aliases=aliases, owners=owners), expected)


def test_similarity_is_computed_once_per_distinct_unknown_name(tables, monkeypatch: pytest.MonkeyPatch):
    """Fuzzy matching runs over distinct unknown names, not rows: 4 rows, 2 unknown names, 2 calls."""
    aliases, owners = tables
    calls: list[str] = []
    original = platforms.nearest_platforms

    def counting(key: str, *, aliases: pl.DataFrame) -> str | None:
        calls.append(key)
        return original(key, aliases=aliases)

    monkeypatch.setattr(platforms, "nearest_platforms", counting)
    frame = pl.DataFrame(
        {
            "platform": ["Telegramm", "Gogle", "Telegramm", "Google LLC"],
            "parent_company": [None] * 4,
            "decision_date": [date(2024, 1, 2)] * 4,
        }
    )
    resolve_platforms(frame, aliases=aliases, owners=owners)
    assert sorted(calls) == ["gogle", "telegramm"]


def test_every_alias_points_at_a_platform_with_an_owner(tables):
    """The alias table only names platforms the ownership table knows."""
    aliases, owners = tables
    assert set(aliases["platform"]) <= set(owners["platform"])


def test_alias_file_lists_only_names_normalisation_cannot_derive(tables):
    """Each alias row is needed: without it, its name would not resolve to its platform."""
    aliases, _ = tables
    listed = pl.read_csv(platforms.ALIASES, infer_schema=False).with_columns(key=alias_key(pl.col("alias")))
    redundant = []
    for alias, platform, key in listed.select("alias", "platform", "key").iter_rows():
        if key == pl.select(alias_key(pl.lit(platform))).item():
            continue  # a canonical name listed as itself, for readers of the file
        others = aliases.filter(pl.col("alias") != key)
        if resolve_names(pl.Series([alias]), aliases=others)["canonical"].item() == platform:
            redundant.append(alias)
    assert not redundant, f"derived by normalisation, remove from {platforms.ALIASES.name}: {redundant}"


def test_alias_keys_that_collide_after_normalisation_are_refused(tmp_path: Path):
    """Two aliases that normalise to one key but name different platforms are a data error."""
    clash = tmp_path / "aliases.csv"
    clash.write_text("alias,platform,note\nTik Tok,TikTok,\ntiktok,Twitter,\n", encoding="utf-8")
    with pytest.raises(ValueError, match="one key, several platforms"):
        load_tables(aliases=clash)
