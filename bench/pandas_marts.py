"""The pandas baseline's marts: the same figures as ``warehouse/marts/*.sql``, computed in pandas.

fines_by_platform, fines_over_time (month, quarter and year, with running totals),
fines_by_authority and largest_fines, each checked by a pandera (pandas backend) version of
its contract in ``schemas/marts.py`` before it is written. Money is float64, rounded to cents.
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

from etl import catalog

_SUMS = ("total_fines_usd", "total_fines_eur", "total_fines_usd_real")
_COUNTS = ("action_count", "fine_count", "unconverted_fine_count")


def _money(nullable: bool = False) -> pa.Column:
    return pa.Column(float, pa.Check.ge(0), nullable=nullable)


def _count(minimum: int = 0) -> pa.Column:
    return pa.Column(int, pa.Check.ge(minimum))


_TOTALS = {name: _money() for name in _SUMS} | {
    "largest_fine_usd": _money(True),
    "largest_fine_eur": _money(True),
}
_DATES = {
    "first_decision_date": pa.Column("datetime64[ns]"),
    "last_decision_date": pa.Column("datetime64[ns]"),
}
_COUNT_COLUMNS = {"action_count": _count(1), "fine_count": _count(), "unconverted_fine_count": _count()}
_FINE_FLAGS = {"appealed_fine_count": _count(), "annulled_fine_count": _count()}


def _period_starts_grain(df: pd.DataFrame) -> pd.Series:
    start, grain = df["period_start_date"], df["period_grain"]
    return (
        (start.dt.day == 1)
        & ((grain != "quarter") | ((start.dt.month - 1) % 3 == 0))
        & ((grain != "year") | (start.dt.month == 1))
        & (start.dt.year == df["decision_year"])
    )


CONTRACTS = {
    "marts.fines_by_platform": pa.DataFrameSchema(
        {
            "platform": pa.Column(str, unique=True),
            "parent_company": pa.Column(str),
            "jurisdictions": pa.Column(str),
            **_COUNT_COLUMNS,
            **_FINE_FLAGS,
            "outlier_count": _count(),
            "disputed_fine_count": _count(),
            "jurisdiction_count": _count(1),
            **_TOTALS,
            **_DATES,
        },
        checks=[
            pa.Check(
                lambda df: (
                    (df["fine_count"] <= df["action_count"])
                    & (df["unconverted_fine_count"] <= df["fine_count"])
                    & (df["appealed_fine_count"] + df["annulled_fine_count"] <= df["fine_count"])
                ),
                name="fines_within_actions",
            ),
            pa.Check(
                lambda df: df["first_decision_date"] <= df["last_decision_date"], name="first_not_after_last"
            ),
        ],
        strict=True,
    ),
    "marts.fines_over_time": pa.DataFrameSchema(
        {
            "period_grain": pa.Column(str, pa.Check.isin(catalog.PERIOD_GRAINS)),
            "jurisdiction": pa.Column(str),
            "platform": pa.Column(str),
            **_COUNT_COLUMNS,
            **{name: _money() for name in _SUMS},
            **{f"running_{name}": _money() for name in _SUMS},
            "decision_year": pa.Column(int, pa.Check.ge(1990)),
            "period_start_date": pa.Column("datetime64[ns]"),
        },
        checks=[
            pa.Check(_period_starts_grain, name="period_starts_its_grain"),
            pa.Check(
                lambda df: pd.concat([df[f"running_{n}"] >= df[n] - 0.005 for n in _SUMS], axis=1).all(
                    axis=1
                ),
                name="running_total_includes_period",
            ),
        ],
        unique=["period_grain", "period_start_date", "jurisdiction", "platform"],
        strict=True,
    ),
    "marts.fines_by_authority": pa.DataFrameSchema(
        {
            "jurisdiction": pa.Column(str),
            "authority": pa.Column(str),
            "platforms": pa.Column(str),
            "platform_count": _count(1),
            **_COUNT_COLUMNS,
            "non_monetary_count": _count(),
            **_FINE_FLAGS,
            **_TOTALS,
            **_DATES,
        },
        checks=[
            pa.Check(
                lambda df: (
                    (df["fine_count"] + df["non_monetary_count"] == df["action_count"])
                    & (df["unconverted_fine_count"] <= df["fine_count"])
                ),
                name="fines_and_others_make_actions",
            )
        ],
        unique=["jurisdiction", "authority"],
        strict=True,
    ),
    "marts.largest_fines": pa.DataFrameSchema(
        {
            "action_id": pa.Column(str, unique=True),
            "action_type": pa.Column(str, pa.Check.isin(catalog.MONETARY_ACTION_TYPES)),
            "status": pa.Column(str, pa.Check.isin([s for s in catalog.STATUSES if s != "annulled"])),
            "amount": pa.Column(float, pa.Check.gt(0)),
            "amount_usd": _money(),
            "amount_eur": _money(),
            "amount_usd_real": _money(True),
            "fx_rate_usd": pa.Column(float, pa.Check.gt(0)),
            "fx_rate_eur": pa.Column(float, pa.Check.gt(0)),
            "source_count": _count(1),
            "overall_rank": _count(1),
            "platform_rank": _count(1),
            "decision_date": pa.Column("datetime64[ns]"),
            "fx_rate_date": pa.Column("datetime64[ns]"),
        },
        checks=[
            pa.Check(lambda df: df["fx_rate_date"] <= df["decision_date"], name="rate_not_after_decision")
        ],
    ),
}


def staging(converted: pd.DataFrame) -> pd.DataFrame:
    """The flags and periods of ``staging.stg_core__enforcement_actions``."""
    actions = converted.copy()
    actions["parent_company"] = actions["parent_company"].fillna(actions["platform"])
    actions["is_monetary"] = actions["action_type"].isin(catalog.MONETARY_ACTION_TYPES)
    actions["is_converted"] = actions["fx_status"] == catalog.FX_CONVERTED
    actions["is_annulled"] = actions["status"] == "annulled"
    actions["is_appealed"] = actions["status"] == "appealed"
    counted = actions["is_monetary"] & ~actions["is_outlier"] & ~actions["is_annulled"]
    for column in ("amount_usd", "amount_eur", "amount_usd_real"):
        actions[column.replace("amount", "fine_amount")] = actions[column].where(counted)
    actions["fine"] = actions["is_monetary"].astype(int)
    actions["unconverted"] = (actions["is_monetary"] & ~actions["is_converted"]).astype(int)
    actions["appealed"] = (actions["is_monetary"] & actions["is_appealed"]).astype(int)
    actions["annulled"] = (actions["is_monetary"] & actions["is_annulled"]).astype(int)
    actions["outlier"] = actions["is_outlier"].astype(int)
    actions["decision_month"] = (
        actions["decision_date"].dt.to_period("M").dt.start_time.astype("datetime64[ns]")
    )
    return actions


def _summary(actions: pd.DataFrame, keys: list[str], listed: str) -> pd.DataFrame:
    """Counts, totals, largest fines, dates and the distinct ``listed`` values per ``keys``."""
    grouped = actions.groupby(keys, sort=False)
    out = grouped.agg(
        action_count=("action_id", "size"),
        fine_count=("fine", "sum"),
        unconverted_fine_count=("unconverted", "sum"),
        appealed_fine_count=("appealed", "sum"),
        annulled_fine_count=("annulled", "sum"),
        total_fines_usd=("fine_amount_usd", "sum"),
        total_fines_eur=("fine_amount_eur", "sum"),
        total_fines_usd_real=("fine_amount_usd_real", "sum"),
        largest_fine_usd=("fine_amount_usd", "max"),
        largest_fine_eur=("fine_amount_eur", "max"),
        first_decision_date=("decision_date", "min"),
        last_decision_date=("decision_date", "max"),
    )
    distinct = actions[[*keys, listed]].drop_duplicates().sort_values(listed)
    by = distinct.groupby(keys, sort=False)[listed]
    out[f"{listed}s"] = by.agg(", ".join)
    out[f"{listed}_count"] = by.size()
    for column in _SUMS:
        out[column] = out[column].round(2)
    return out


def fines_by_platform(actions: pd.DataFrame) -> pd.DataFrame:
    out = _summary(actions, ["platform"], "jurisdiction")
    latest = actions.sort_values("decision_date").groupby("platform")["parent_company"].last()
    out["parent_company"] = latest.reindex(out.index)
    out["outlier_count"] = actions.groupby("platform")["outlier"].sum()
    out["disputed_fine_count"] = 0  # one feed: no source disputes another's amount
    out = out.reset_index().sort_values(["total_fines_usd", "platform"], ascending=[False, True])
    return out[list(CONTRACTS["marts.fines_by_platform"].columns)]


def fines_by_authority(actions: pd.DataFrame) -> pd.DataFrame:
    out = _summary(actions, ["jurisdiction", "authority"], "platform").reset_index()
    out["non_monetary_count"] = out["action_count"] - out["fine_count"]
    out = out.sort_values(["total_fines_usd", "jurisdiction", "authority"], ascending=[False, True, True])
    return out[list(CONTRACTS["marts.fines_by_authority"].columns)]


def fines_over_time(actions: pd.DataFrame) -> pd.DataFrame:
    keys = ["jurisdiction", "platform"]
    sums = {"fine": "fine_count", "unconverted": "unconverted_fine_count"}
    sums |= {f"fine_amount_{c}": f"total_fines_{c}" for c in ("usd", "eur", "usd_real")}
    monthly = (
        actions.groupby([*keys, "decision_month"], sort=False)
        .agg(action_count=("action_id", "size"), **{v: (k, "sum") for k, v in sums.items()})
        .reset_index()
        .rename(columns={"decision_month": "period_start_date"})
    )
    periods = [monthly.assign(period_grain="month")]
    for grain, freq in (("quarter", "Q"), ("year", "Y")):
        start = monthly["period_start_date"].dt.to_period(freq).dt.start_time.astype("datetime64[ns]")
        rolled = monthly.assign(period_start_date=start).groupby([*keys, "period_start_date"], sort=False)
        periods.append(rolled[[*_COUNTS, *_SUMS]].sum().reset_index().assign(period_grain=grain))
    out = pd.concat(periods, ignore_index=True).sort_values(["period_grain", *keys, "period_start_date"])
    for column in _SUMS:
        out[column] = out[column].round(2)
        out[f"running_{column}"] = out.groupby(["period_grain", *keys], sort=False)[column].cumsum().round(2)
    out["decision_year"] = out["period_start_date"].dt.year.astype(int)
    out = out.sort_values(["period_grain", "period_start_date", *keys], ignore_index=True)
    return out[list(CONTRACTS["marts.fines_over_time"].columns)]


def largest_fines(actions: pd.DataFrame) -> pd.DataFrame:
    fines = actions[
        actions["is_monetary"] & actions["is_converted"] & ~actions["is_outlier"] & ~actions["is_annulled"]
    ]
    out = fines[
        ["action_id", "platform", "parent_company", "jurisdiction", "authority", "action_type", "violation",
         "status", "currency", "fx_source", "source_url", "amount", "fx_rate_usd", "fx_rate_eur",
         "decision_date", "fx_rate_date"]
    ].copy()  # fmt: skip
    out["amount_usd"], out["amount_eur"] = fines["fine_amount_usd"], fines["fine_amount_eur"]
    out["amount_usd_real"] = fines["fine_amount_usd_real"]
    out["sources"], out["source_urls"], out["source_count"] = fines["source"], fines["source_url"], 1
    out["amount_low"] = out["amount_high"] = out["amount"]
    out["overall_rank"] = out["amount_usd"].rank(method="min", ascending=False).astype(int)
    out["platform_rank"] = (
        out.groupby("platform")["amount_usd"].rank(method="min", ascending=False).astype(int)
    )
    return out.sort_values(["overall_rank", "action_id"], ignore_index=True)


def build(converted: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Every mart of the baseline, each validated against its contract (raises on a breach)."""
    actions = staging(converted)
    marts = {
        "marts.fines_by_platform": fines_by_platform(actions),
        "marts.fines_over_time": fines_over_time(actions),
        "marts.fines_by_authority": fines_by_authority(actions),
        "marts.largest_fines": largest_fines(actions),
    }
    for name, frame in marts.items():
        CONTRACTS[name].validate(frame, lazy=True)
    return marts
