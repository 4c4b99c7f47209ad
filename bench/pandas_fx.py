"""The pandas baseline's currency conversion: ``pandas.merge_asof`` per rate source.

The rule of ``etl/money/fx_engine.py``, written again in pandas: per row, the first source of
:data:`PRECEDENCE` whose last rate on or before the decision date is within its staleness bound
and that has a USD rate of the same day; between two weekly NBP B fixes both legs interpolated
to the decision date; legacy codes through their fixed ratio after a changeover; then constant
2025 dollars from CPI-U (the decision month's index, else the year's). Money is float64.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from etl import catalog

PRECEDENCE = ("override", "ecb", "nbp_a", "nbp_b", "cbr")  # CBR first for RUB in ours: not in these rates
STALENESS_DAYS = {"ecb": 7, "nbp_a": 7, "cbr": 7, "nbp_b": 16, "override": 0}
WEEKLY = ("nbp_b",)
# Codes replaced at a fixed ratio (legacy units per successor unit), from the changeover date.
CHANGEOVERS = [
    ("RUR", "RUB", "1998-01-01", 1000), ("BYB", "BYR", "2000-01-01", 1000), ("TRL", "TRY", "2005-01-01", 1e6),
    ("ROL", "RON", "2005-07-01", 1e4), ("AZM", "AZN", "2006-01-01", 5000), ("MZM", "MZN", "2006-07-01", 1000),
    ("GHC", "GHS", "2007-07-01", 1e4), ("VEB", "VEF", "2008-01-01", 1000), ("ZMK", "ZMW", "2013-01-01", 1000),
    ("BYR", "BYN", "2016-07-01", 1e4), ("MRO", "MRU", "2018-01-01", 10), ("STD", "STN", "2018-01-01", 1000),
    ("VEF", "VES", "2018-08-20", 1e5), ("SLL", "SLE", "2022-07-01", 1000),
    *[(c, "EUR", "1999-01-01", r) for c, r in [("DEM", "1.95583"), ("FRF", "6.55957"), ("ITL", "1936.27"),
      ("ESP", "166.386"), ("NLG", "2.20371"), ("BEF", "40.3399"), ("LUF", "40.3399"), ("ATS", "13.7603"),
      ("PTE", "200.482"), ("FIM", "5.94573"), ("IEP", "0.787564")]],
    ("GRD", "EUR", "2001-01-01", "340.750"), ("SIT", "EUR", "2007-01-01", "239.640"),
    ("CYP", "EUR", "2008-01-01", "0.585274"), ("MTL", "EUR", "2008-01-01", "0.429300"),
    ("SKK", "EUR", "2009-01-01", "30.1260"), ("EEK", "EUR", "2011-01-01", "15.6466"),
    ("LVL", "EUR", "2014-01-01", "0.702804"), ("LTL", "EUR", "2015-01-01", "3.45280"),
    ("HRK", "EUR", "2023-01-01", "7.53450"), ("BGN", "EUR", "2026-01-01", "1.95583"),
]  # fmt: skip


def changeovers() -> pd.DataFrame:
    """Every step of :data:`CHANGEOVERS`, chains followed (VEB -> VEF -> VES), as one table."""
    steps = {legacy: (successor, on, float(ratio)) for legacy, successor, on, ratio in CHANGEOVERS}
    rows = []

    def note(legacy: str, ratio: float | str, successor: str) -> str:
        text = ratio if isinstance(ratio, str) else f"{ratio:.0f}"  # as legislated: 7.53450, 1000000
        return f"{legacy} via fixed ratio {text} {legacy}/{successor}"

    for legacy, successor, on, ratio in CHANGEOVERS:
        rows.append((legacy, on, successor, float(ratio), note(legacy, ratio, successor)))
        while successor in steps:
            successor, later, step = steps[successor]
            on, ratio = max(on, later), float(ratio) * step
            rows.append((legacy, on, successor, ratio, note(legacy, ratio, successor)))
    table = pd.DataFrame(rows, columns=["legacy", "on", "successor", "ratio", "ratio_note"])
    return table.assign(on=pd.to_datetime(table["on"]).astype("datetime64[ns]")).sort_values("on")


def redenominate(left: pd.DataFrame) -> pd.DataFrame:
    """The currency to look rates up in, and the fixed ratio after a changeover."""
    legacy = left[left["currency"].isin({c[0] for c in CHANGEOVERS})]
    left = left.assign(ratio=np.nan, ratio_note=pd.Series(pd.NA, index=left.index, dtype="str"))
    if legacy.empty:
        return left
    hit = pd.merge_asof(
        legacy.reset_index(),
        changeovers(),
        left_on="day",
        right_on="on",
        left_by="currency",
        right_by="legacy",
    ).set_index("index")
    hit = hit[hit["successor"].notna()]
    left.loc[hit.index, "currency"] = hit["successor"]
    left.loc[hit.index, "ratio"], left.loc[hit.index, "ratio_note"] = hit["ratio"], hit["ratio_note"]
    return left


def convert(actions: pd.DataFrame, rates: pd.DataFrame, cpi: pd.DataFrame) -> pd.DataFrame:
    """Per row, the best source's last rate within its staleness bound (as-of join), USD through EUR."""
    out = actions.copy()
    monetary = (out["amount"].notna() | out["amount_exact"].notna()) & out["currency"].notna()
    left = pd.DataFrame({"day": out["decision_date"], "currency": out["currency"]})[monetary].sort_values(
        "day"
    )
    left = redenominate(left)
    ratio, ratio_note = left["ratio"].reindex(out.index), left["ratio_note"].reindex(out.index)
    left = left[["day", "currency"]]
    pick = pd.DataFrame(index=left.index, columns=["upe", "usd", "date", "src"]).astype(
        {"upe": float, "usd": float, "date": "datetime64[ns]", "src": "str"}
    )
    latest = pd.DataFrame({"date": pd.NaT, "src": "", "fresh": False}, index=left.index).astype(
        {"date": "datetime64[ns]", "src": "str"}
    )
    present = set(rates["source"].unique())
    sources = [s for s in PRECEDENCE if s in present]
    for source in sources:
        own = rates[rates["source"] == source]
        right = own[["currency", "rate_date", "units_per_eur"]].sort_values("rate_date")
        hit = pd.merge_asof(
            left.reset_index(), right, left_on="day", right_on="rate_date", by="currency"
        ).set_index("index")
        usd = hit["rate_date"].map(
            own[own["currency"] == "USD"].drop_duplicates("rate_date").set_index("rate_date")["units_per_eur"]
        )
        fresh = hit["rate_date"].notna() & ((hit["day"] - hit["rate_date"]).dt.days <= STALENESS_DAYS[source])
        take = fresh & usd.notna() & pick["src"].isna()
        pick.loc[take] = pd.DataFrame(
            {"upe": hit["units_per_eur"], "usd": usd, "date": hit["rate_date"], "src": source}
        )[take]
        newer = hit["rate_date"].notna() & ~(hit["rate_date"] <= latest["date"])
        latest.loc[newer] = pd.DataFrame({"date": hit["rate_date"], "src": source, "fresh": fresh})[newer]
    pick["next"] = pd.NaT
    for source in WEEKLY:  # between two weekly fixes, both legs interpolated to the decision date
        rows = left[(pick["src"] == source) & (pick["date"] < left["day"])]
        own = rates[(rates["source"] == source)]
        later = own[own["currency"] != "USD"][["currency", "rate_date", "units_per_eur"]].sort_values(
            "rate_date"
        )
        after = pd.DataFrame(
            {"after": rows["day"] + pd.Timedelta(days=1), "currency": rows["currency"]}
        ).sort_values("after")
        nxt = pd.merge_asof(
            after.reset_index(),
            later,
            left_on="after",
            right_on="rate_date",
            by="currency",
            direction="forward",
        ).set_index("index")
        nxt["usd"] = nxt["rate_date"].map(
            own[own["currency"] == "USD"].drop_duplicates("rate_date").set_index("rate_date")["units_per_eur"]
        )
        nxt = nxt[
            nxt["usd"].notna()
            & ((nxt["rate_date"] - left.loc[nxt.index, "day"]).dt.days <= STALENESS_DAYS[source])
        ]
        weight = (left.loc[nxt.index, "day"] - pick.loc[nxt.index, "date"]).dt.days / (
            nxt["rate_date"] - pick.loc[nxt.index, "date"]
        ).dt.days
        for leg, new in (("upe", nxt["units_per_eur"]), ("usd", nxt["usd"])):
            pick.loc[nxt.index, leg] += (new - pick.loc[nxt.index, leg]) * weight
        pick.loc[nxt.index, "next"] = nxt["rate_date"]
    pick, latest = pick.reindex(out.index), latest.reindex(out.index)
    usable = monetary & pick["src"].notna() & out["amount"].notna()
    effective = pick["upe"] * ratio.fillna(1.0)
    eur = out["amount"] / effective
    out["amount_eur"], out["amount_usd"] = (
        eur.round(2).where(usable),
        (eur * pick["usd"]).round(2).where(usable),
    )
    out["fx_rate_usd"], out["fx_rate_eur"] = (
        (pick["usd"] / effective).where(usable),
        (1 / effective).where(usable),
    )
    out["fx_rate_date"], out["fx_next_rate_date"] = pick["date"].where(usable), pick["next"].where(usable)
    out["fx_source"] = pick["src"].where(usable)
    out["fx_status"] = np.where(
        ~monetary, catalog.FX_NOT_MONETARY, np.where(usable, catalog.FX_CONVERTED, catalog.FX_NO_RATE)
    )
    quality = np.select(
        [pick["date"] == out["decision_date"], pick["next"].notna(), pick["src"].isin(WEEKLY)],
        ["exact_day", "interpolated_weekly", "weekly_source"],
        "carried_forward",
    )
    out["fx_quality"] = pd.Series(quality, index=out.index, dtype="str").where(usable)
    note = pd.Series(pd.NA, index=out.index, dtype="str")
    day, ccy = out["decision_date"].dt.strftime("%Y-%m-%d"), out["currency"]
    failed = monetary & ~usable
    last = latest["date"].dt.strftime("%Y-%m-%d")
    note[failed] = np.where(
        latest.loc[failed, "date"].isna(),
        "no rate for " + ccy[failed] + " on or before " + day[failed],
        np.where(
            latest.loc[failed, "fresh"].astype(bool),
            "no USD rate from " + latest.loc[failed, "src"] + " on " + last[failed],
            "last "
            + ccy[failed]
            + " rate ("
            + last[failed]
            + ", "
            + latest.loc[failed, "src"]
            + ") is older than the staleness bound",
        ),
    )
    interpolated = usable & pick["next"].notna()
    note[interpolated] = (
        "rate interpolated between " + pick.loc[interpolated, "src"] + " fixes of "
        + pick.loc[interpolated, "date"].dt.strftime("%Y-%m-%d") + " and "
        + pick.loc[interpolated, "next"].dt.strftime("%Y-%m-%d")
    )  # fmt: skip
    ecu = usable & (pick["date"] < pd.Timestamp("1999-01-01")) & pick["src"].isin(["nbp_a", "nbp_b"])
    note[ecu] = "EUR figures are ECU (XEU), which became the euro 1:1"
    noted = ratio_note.notna() & monetary
    note[noted] = ratio_note[noted] + note[noted].map(lambda n: "" if pd.isna(n) else f"; {n}")
    out["fx_note"] = note
    month = (
        out["decision_date"]
        .dt.to_period("M")
        .dt.start_time.map(cpi.loc[cpi["period_kind"] == "month"].set_index("period_start")["index_value"])
    )
    year = (
        out["decision_date"]
        .dt.to_period("Y")
        .dt.start_time.map(cpi.loc[cpi["period_kind"] == "year"].set_index("period_start")["index_value"])
    )
    out["amount_usd_real"] = (out["amount_usd"] * cpi["base_index_value"].iloc[0] / month.fillna(year)).round(
        2
    )
    return out
