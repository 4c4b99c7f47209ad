"""Platform and parent resolution from the maintained alias and ownership tables.

``etl/data/platform_aliases.csv`` maps the names feeds use ("X Corp", "Meta Platforms Ireland
Limited") to one canonical platform; ``etl/data/platforms.csv`` gives each platform's parent
company with validity dates, so the parent is the one at the decision date (Facebook, Inc.
before 2021-10-28, Meta Platforms, Inc. after).

Names are compared in a normal form (:func:`normalise_name`), without spaces ("TIK TOK",
"Tik-Tok" and "tiktok" are one key), and trailing corporate suffixes ("Pte. Ltd.", "Ireland
Limited", "FZ-LLC") are dropped one at a time until the rest is a known name: the longest known
name wins, so stripping never goes past one known name to reach another. A name still unknown
keeps its spelling, is flagged, and gets the nearest known platforms as review candidates;
similarity alone never resolves a name.
"""

from __future__ import annotations

import difflib
import functools
import re
from pathlib import Path

import polars as pl

from etl.parsing.platform_files import ALIASES, OWNERSHIP

# Legal forms, and words that follow a company name ("Google Ireland", "TikTok Technology").
# Written as companies write them; normalised like the names they are stripped from.
LEGAL_FORMS = (
    "inc", "incorporated", "llc", "l.l.c.", "llp", "lp", "ltd", "limited", "unlimited", "plc",
    "corp", "corporation", "co", "company", "gmbh", "ag", "se", "sa", "s.a.", "sas", "s.a.s.",
    "sarl", "s.à r.l.", "s. à r. l.", "s.a.r.l.", "srl", "s.r.l.", "spa", "s.p.a.", "sl", "s.l.", "bv", "b.v.",
    "nv", "n.v.", "oy", "oyj", "ab", "as", "asa", "pte", "pty", "kk", "ooo", "jsc", "fz-llc",
    "fze", "fzco", "pvt", "sp. z o.o.",
)  # fmt: skip
QUALIFIERS = (
    "holding", "holdings", "group", "international", "global", "worldwide", "technology",
    "technologies", "services", "ireland", "uk", "europe", "emea", "us", "usa", "america",
    "japan", "germany", "deutschland", "france", "netherlands", "luxembourg", "singapore",
    "india", "brazil", "brasil", "russia", "rus", "korea", "australia", "canada", "italy",
    "italia", "spain", "espana", "poland", "polska", "turkey", "turkiye",
)  # fmt: skip
MAX_SUFFIXES = 6  # "Twitter International Unlimited Company" needs 3
CANDIDATE_FLOOR = 0.6  # difflib's own default cutoff for close matches
CANDIDATE_LIMIT = 3


def normalise_name(name: pl.Expr) -> pl.Expr:
    """A name in comparable form: single-spaced lower-case words.

    Unicode compatibility forms are folded and accents dropped (NFKD without combining marks,
    so full-width "ＴｉｋＴｏｋ" and "Société" compare as "tiktok" and "societe"), case is folded
    ("ß" as "ss"), dots and apostrophes are removed ("S.A." -> "sa"), any other punctuation
    (, - _ / & " parentheses ...) becomes a space, and whitespace is collapsed.
    """
    return (
        name.str.normalize("NFKD")
        .str.replace_all(r"\p{M}", "")
        .str.to_lowercase()
        .str.replace_all("ß", "ss", literal=True)
        .str.replace_all(r"[.'`´‘’ʼ]", "")
        .str.replace_all(r"[^\p{L}\p{N}]+", " ")
        .str.strip_chars()
    )


def alias_key(name: pl.Expr) -> pl.Expr:
    """The lookup form of a name: :func:`normalise_name` without spaces ("you tube" = "youtube")."""
    return normalise_name(name).str.replace_all(" ", "", literal=True)


@functools.cache
def _suffix_pattern(suffixes: tuple[str, ...] = (*LEGAL_FORMS, *QUALIFIERS)) -> str:
    words = pl.Series(suffixes).to_frame("w").select(normalise_name(pl.col("w")))
    alternation = "|".join(re.escape(w) for w in sorted(set(words["w"]), key=len, reverse=True))
    return rf" (?:{alternation})$"


def strip_suffix(normal: pl.Expr) -> pl.Expr:
    """A normalised name without its last corporate suffix; never its first word."""
    return normal.str.replace(_suffix_pattern(), "")


def load_tables(*, aliases: Path = ALIASES, ownership: Path = OWNERSHIP) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Read the alias and ownership tables (small CSV files shipped with the package).

    Every canonical platform is also an alias of itself, and alias keys are in
    :func:`alias_key` form, like the names they are compared with.

    Raises:
        ValueError: two aliases with the same key name different platforms.
    """
    owners = pl.read_csv(
        ownership,
        schema={
            "platform": pl.String,
            "parent_company": pl.String,
            "valid_from": pl.Date,
            "valid_to": pl.Date,
            "note": pl.String,
        },
    ).drop("note")
    columns = {"alias": pl.String, "platform": pl.String, "note": pl.String}
    listed = pl.read_csv(aliases, schema=columns).drop("note")
    alias_table = (
        pl.concat([listed, owners.select(alias=pl.col("platform"), platform=pl.col("platform"))])
        .with_columns(alias=alias_key(pl.col("alias")))
        .unique(maintain_order=True)
    )
    clashes = alias_table.filter(pl.col("alias").is_duplicated())
    if clashes.height:
        raise ValueError(f"{aliases}: one key, several platforms: {clashes.rows()}")
    return alias_table, owners


def nearest_platforms(key: str, *, aliases: pl.DataFrame) -> str | None:
    """The known platforms nearest a name, for a person to review: "Telegram (0.94); ...".

    Args:
        key: the name in :func:`alias_key` form, suffixes stripped.
        aliases: ``alias`` (lookup form) -> ``platform``.

    Returns:
        Up to :data:`CANDIDATE_LIMIT` platforms with their best similarity to any of their
        aliases (difflib ratio, at least :data:`CANDIDATE_FLOOR`), best first; None if none.
    """
    global _PAIRS
    pairs = tuple(aliases.select("alias", "platform").iter_rows())
    if pairs != _PAIRS:
        _PAIRS = pairs  # one object for every cached answer over the same table
    return _nearest(key, _PAIRS)


_PAIRS: tuple[tuple[str, str], ...] = ()


# A large feed meets the same unknown names in slice after slice: each is scored once per process.
@functools.lru_cache(maxsize=4096)
def _nearest(key: str, pairs: tuple[tuple[str, str], ...]) -> str | None:
    matcher = difflib.SequenceMatcher(autojunk=False)
    matcher.set_seq2(key)
    best: dict[str, float] = {}
    for alias, platform in pairs:
        matcher.set_seq1(alias)
        if matcher.real_quick_ratio() < CANDIDATE_FLOOR or matcher.quick_ratio() < CANDIDATE_FLOOR:
            continue
        score = matcher.ratio()
        if score >= CANDIDATE_FLOOR and score > best.get(platform, 0.0):
            best[platform] = score
    ranked = sorted(best.items(), key=lambda item: (-item[1], item[0]))[:CANDIDATE_LIMIT]
    return "; ".join(f"{platform} ({score:.2f})" for platform, score in ranked) or None


def name_keys(names: pl.Series) -> pl.DataFrame:
    """The key each distinct name is compared by when no platform knows it.

    :func:`alias_key` with its trailing legal forms dropped ("Ltd", "S.A.", "GmbH"; never the
    first word): "ACME Ltd", "Acme" and "A.C.M.E. Limited" are all "acme". Qualifiers such as a
    country or "Group" are kept, since they may be what tells two unknown companies apart
    ("Air India", "Air France"). A name with no letter or digit is its own key. Variants of one
    unknown name share a key, so they can be counted as one platform (etl/loading/spellings.py).

    Returns:
        One row per distinct name: ``platform_reported`` and ``key``.
    """
    frame = names.cast(pl.String).unique(maintain_order=True).to_frame("platform_reported").drop_nulls()
    key = normalise_name(pl.col("platform_reported"))
    for _ in range(MAX_SUFFIXES):
        key = key.str.replace(_suffix_pattern(LEGAL_FORMS), "")
    key = key.str.replace_all(" ", "", literal=True)
    return frame.select(
        "platform_reported",
        key=pl.when(key != "")
        .then(key)
        .otherwise(pl.concat_str([pl.lit("\x00"), pl.col("platform_reported")])),
    )


def resolve_names(names: pl.Series, *, aliases: pl.DataFrame) -> pl.DataFrame:
    """Resolve distinct reported names: the canonical platform, or candidates when unknown.

    Args:
        names: platform names as reported (deduplicated here).
        aliases: ``alias`` (lookup form) -> ``platform``.

    Returns:
        One row per distinct name: ``platform_reported``, ``canonical`` (null when unknown)
        and ``platform_candidates`` (null when known, or when nothing is near).
    """
    frame = names.cast(pl.String).unique(maintain_order=True).to_frame("platform_reported").drop_nulls()
    levels = [f"_n{level}" for level in range(MAX_SUFFIXES + 1)]
    frame = frame.with_columns(normalise_name(pl.col("platform_reported")).alias(levels[0]))
    for previous, level in zip(levels, levels[1:], strict=False):
        frame = frame.with_columns(strip_suffix(pl.col(previous)).alias(level))
    lookup = {"old": aliases["alias"], "new": aliases["platform"], "default": None}
    frame = frame.with_columns(
        canonical=pl.coalesce(
            pl.col(level).str.replace_all(" ", "", literal=True).replace_strict(**lookup) for level in levels
        ),
        _key=pl.col(levels[-1]).str.replace_all(" ", "", literal=True),
    )
    unknown = frame.filter(pl.col("canonical").is_null())
    candidates = pl.DataFrame(
        {
            "platform_reported": unknown["platform_reported"],
            "platform_candidates": [nearest_platforms(k, aliases=aliases) for k in unknown["_key"]],
        },
        schema={"platform_reported": pl.String, "platform_candidates": pl.String},
    )
    return frame.select("platform_reported", "canonical").join(
        candidates, on="platform_reported", how="left", maintain_order="left"
    )


def resolve_platforms(actions: pl.DataFrame, *, aliases: pl.DataFrame, owners: pl.DataFrame) -> pl.DataFrame:
    """Canonical platform, the parent at the decision date, and a flag for unknown platforms.

    Names are resolved once per distinct spelling (:func:`resolve_names`), then joined back.

    Args:
        actions: frame with ``platform``, ``parent_company`` and ``decision_date`` (Date).
        aliases: ``alias`` (lookup form) -> ``platform``, as :func:`load_tables` returns it.
        owners: ``platform``, ``parent_company``, ``valid_from``, ``valid_to`` (open-ended if null).

    Returns:
        ``actions`` with ``platform`` canonical, ``platform_reported`` as the feed wrote it,
        ``parent_company`` from the ownership table (the feed's value only for unknown
        platforms), ``is_known_platform`` and ``platform_candidates`` (nearest known platforms
        of an unknown name, else null).
    """
    names = resolve_names(actions["platform"], aliases=aliases).rename({"canonical": "_canonical"})
    matched = (
        actions.drop("platform_reported", "is_known_platform", "platform_candidates", strict=False)
        .with_row_index("_row")
        .with_columns(platform_reported=pl.col("platform").cast(pl.String))
        .join(names, on="platform_reported", how="left", maintain_order="left")
    )
    parents = (
        matched.select("_row", "_canonical", "decision_date")
        .join(owners, left_on="_canonical", right_on="platform", how="inner")
        .filter(
            (pl.col("decision_date") >= pl.col("valid_from"))
            & (pl.col("valid_to").is_null() | (pl.col("decision_date") <= pl.col("valid_to")))
        )
        .select("_row", pl.col("parent_company").alias("_parent"))
        .unique("_row", keep="first")
    )
    known = pl.col("_canonical").is_not_null()
    return (
        matched.join(parents, on="_row", how="left")
        .sort("_row")
        .with_columns(
            platform=pl.coalesce("_canonical", "platform"),
            parent_company=pl.when(known).then(pl.col("_parent")).otherwise(pl.col("parent_company")),
            is_known_platform=known,
        )
        .select(pl.exclude("_row", "_canonical", "_parent", "platform_candidates"), "platform_candidates")
    )
