"""Platform and parent resolution from the maintained alias and ownership tables.

``etl/data/platform_aliases.csv`` maps the names feeds use ("X Corp", "Meta Platforms Ireland
Limited") to one canonical platform; ``etl/data/platforms.csv`` gives each platform's parent
company with validity dates, so the parent is the one at the decision date (Facebook, Inc.
before 2021-10-28, Meta Platforms, Inc. after). Unknown platforms are kept and flagged.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

DATA = Path(__file__).parent / "data"
ALIASES = DATA / "platform_aliases.csv"
OWNERSHIP = DATA / "platforms.csv"


def alias_key(name: pl.Expr) -> pl.Expr:
    """The lookup form of a name: lower case, no commas or trailing dot, single spaces."""
    return (
        name.str.to_lowercase()
        .str.replace_all(",", "")
        .str.replace_all(r"\s+", " ")
        .str.strip_chars()
        .str.strip_chars_end(".")
    )


def load_tables(*, aliases: Path = ALIASES, ownership: Path = OWNERSHIP) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Read the alias and ownership tables (small CSV files shipped with the package)."""
    alias_table = pl.read_csv(aliases, schema={"alias": pl.String, "platform": pl.String}).with_columns(
        alias=alias_key(pl.col("alias"))
    )
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
    return alias_table.unique("alias", keep="first"), owners


def resolve_platforms(actions: pl.DataFrame, *, aliases: pl.DataFrame, owners: pl.DataFrame) -> pl.DataFrame:
    """Canonical platform, the parent at the decision date, and a flag for unknown platforms.

    Args:
        actions: frame with ``platform``, ``parent_company`` and ``decision_date`` (Date).
        aliases: ``alias`` (lookup form) -> ``platform``.
        owners: ``platform``, ``parent_company``, ``valid_from``, ``valid_to`` (open-ended if null).

    Returns:
        ``actions`` with ``platform`` canonical, ``platform_reported`` as the feed wrote it,
        ``parent_company`` from the ownership table (the feed's value only for unknown
        platforms) and ``is_known_platform``.
    """
    keyed = actions.with_row_index("_row").with_columns(
        platform_reported=pl.col("platform"), _alias=alias_key(pl.col("platform"))
    )
    matched = keyed.join(
        aliases.rename({"platform": "_canonical"}), left_on="_alias", right_on="alias", how="left"
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
            platform_candidates=pl.lit(None, pl.String),
        )
        .drop("_row", "_alias", "_canonical", "_parent")
    )
