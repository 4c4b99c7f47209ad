"""The common alternative, for comparison: a hand-rolled pandas + pandera notebook pipeline.

The same work as ``fines ingest`` of one canonical CSV, written as a pandas user would, with no
code from our pipeline (only the vocabularies of ``etl.catalog``, the code lists of
``schemas.enforcement_actions`` and the alias and ownership tables in ``etl/data``):

1. read the CSV with pandas (pyarrow engine, every column as text), trim, empty -> null;
2. a pandera (pandas backend) contract with the checks of ``ParsedEnforcementAction``
   (``bench/pandas_contracts.py``);
3. type, resolve platforms (alias table, parent at the decision date, candidates for unknown
   names), derive the same SHA-256 ``action_id``, drop duplicates, and a contract with the
   checks of ``EnforcementAction``;
4. convert with ``pandas.merge_asof`` per rate source (``bench/pandas_fx.py``) on the rate set
   our run builds (ECB, NBP A and B; written once to Parquet by ``bench.run``), then constant
   dollars, and a contract with the checks of ``ConvertedEnforcementAction``;
5. build fines_by_platform, fines_over_time, fines_by_authority and largest_fines in pandas,
   each checked against a pandera version of its contract (``bench/pandas_marts.py``), and
   write rates, facts, rejected rows (with their original record) and marts to a fresh DuckDB
   file in one transaction.

On the synthetic feeds it gives the same facts as our pipeline (same rows loaded and
quarantined, same fx_status, source, quality and note per action, amounts within a cent: money
is float64 here, DECIMAL in ours) and the same marts. What it leaves out, as a notebook would:
the identity rule across feeds, source records of loaded rows, status history, run log, change
log, the other seven marts, SQL tests and the atomic publish.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import re
import time
import unicodedata
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from bench import pandas_marts
from bench.pandas_contracts import ACTION, CANONICAL, CONVERTED, PARSED, split_valid
from bench.pandas_fx import convert
from etl import catalog

DATA = Path(__import__("etl").__file__).parent / "data"  # alias and ownership tables
SUFFIXES = (
    "inc incorporated llc l.l.c. llp lp ltd limited unlimited plc corp corporation co company gmbh ag se sa "
    "s.a. sas s.a.s. sarl srl s.r.l. spa s.p.a. sl s.l. bv b.v. nv n.v. oy oyj ab as asa pte pty kk ooo "
    "jsc fz-llc fze fzco pvt holding holdings group international global worldwide technology "
    "technologies services ireland uk europe emea us usa america japan germany deutschland france "
    "netherlands luxembourg singapore india brazil brasil russia rus korea australia canada italy "
    "italia spain espana poland polska turkey turkiye"
).split()


def read(path: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The CSV as text (kept for the rejected rows' records) and its trimmed, canonical columns."""
    raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig", engine="pyarrow")
    parsed = pd.DataFrame({"source_line": np.arange(1, len(raw) + 1)})
    for column in CANONICAL:
        text = raw[column].str.strip() if column in raw else pd.Series(pd.NA, index=raw.index, dtype="str")
        parsed[column] = text.where(text.str.len() > 0)
    for column in ("jurisdiction", "currency"):
        parsed[column] = parsed[column].str.upper()
    for column in ("action_type", "violation", "status", "amount_qualifier"):
        parsed[column] = parsed[column].str.lower()
    parsed["amount"] = parsed["amount"].str.replace(r"[,_ ]", "", regex=True)
    return raw, parsed


def _name_key(name: str) -> str:
    """A platform name in comparable form (accents, case, punctuation and spacing folded)."""
    name = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    name = re.sub(r"[.'`´‘’ʼ]", "", name.casefold())
    return " ".join(re.sub(r"[^\w]+|_", " ", name).split())


def resolve_platforms(typed: pd.DataFrame) -> pd.DataFrame:
    """Canonical platform from the alias table, parent at the decision date, candidates if unknown."""
    owners = pd.read_csv(DATA / "platforms.csv", dtype=str, parse_dates=["valid_from", "valid_to"])
    listed = pd.read_csv(DATA / "platform_aliases.csv", dtype=str)
    listed = pd.concat([listed[["alias", "platform"]], owners[["platform"]].assign(alias=owners["platform"])])
    aliases = dict(zip(listed["alias"].map(_name_key).str.replace(" ", ""), listed["platform"], strict=True))
    suffixes = {_name_key(s) for s in SUFFIXES}
    names = {}
    for name in typed["platform"].unique():
        words, found = _name_key(name).split(), None
        for _ in range(7):
            if (found := aliases.get("".join(words))) or len(words) < 2 or words[-1] not in suffixes:
                break
            words = words[:-1]
        close = [] if found else difflib.get_close_matches("".join(words), list(aliases), n=10, cutoff=0.6)
        candidates = "; ".join(dict.fromkeys(aliases[c] for c in close)) if close else None
        names[name] = (found, candidates)
    canonical = typed["platform"].map({k: v[0] for k, v in names.items()})
    typed["platform_candidates"] = typed["platform"].map({k: v[1] for k, v in names.items()}).astype("str")
    rows = pd.DataFrame({"_row": typed.index, "platform": canonical, "day": typed["decision_date"]}).dropna()
    rows = rows.merge(owners, on="platform")
    rows = rows[
        (rows["day"] >= rows["valid_from"]) & (rows["valid_to"].isna() | (rows["day"] <= rows["valid_to"]))
    ]
    parent = rows.drop_duplicates("_row").set_index("_row")["parent_company"]
    typed["platform_reported"] = typed["platform"]
    typed["is_known_platform"] = canonical.notna()
    typed["platform"] = canonical.fillna(typed["platform"])
    typed["parent_company"] = parent.reindex(typed.index).where(canonical.notna(), typed["parent_company"])
    return typed


def normalize(parsed: pd.DataFrame) -> pd.DataFrame:
    """Type the text, resolve platforms and derive the stable ``action_id``."""
    typed = parsed.copy()
    for column in ("decision_date", "reported_date"):
        typed[column] = pd.to_datetime(typed[column], format="%Y-%m-%d").astype("datetime64[ns]")
    typed["amount_exact"] = typed["amount"].str.replace(r"^(-?)0+(\d)", r"\1\2", regex=True)
    typed["is_outlier"] = typed["amount_exact"].str.contains(r"^-?\d{37}").fillna(False).astype(bool)
    for column in ("amount", "reported_usd", "reported_eur"):
        typed[column] = pd.to_numeric(typed[column]).astype(float)
    typed.loc[typed["is_outlier"], "amount"] = np.nan
    typed["violation"] = typed["violation"].fillna("other")
    typed["status"] = typed["status"].fillna("imposed")
    typed = resolve_platforms(typed)
    keys = "src\x1f" + typed["source"] + "\x1f" + typed["source_record_id"]
    if typed["source_record_id"].isna().any():
        columns = [
            "jurisdiction",
            "platform",
            "decision_date",
            "authority",
            "action_type",
            "amount",
            "currency",
        ]
        facts = typed[columns].astype(str).fillna("").agg("\x1f".join, axis=1)
        keys = keys.where(typed["source_record_id"].notna(), "facts\x1f" + facts)
    typed["action_id"] = [f"fa_{hashlib.sha256(k.encode()).hexdigest()[:16]}" for k in keys]
    return typed


def drop_duplicates(actions: pd.DataFrame, raw: pd.DataFrame) -> tuple[pd.DataFrame, int, pd.DataFrame]:
    """First row of each ``action_id``; a repeat with other content is rejected, not merged."""
    repeat = actions["action_id"].duplicated()
    if not repeat.any():
        return actions, 0, pd.DataFrame(columns=["source_line", "stage", "reasons"])
    record = raw.loc[actions.index].astype(str).agg("\x1f".join, axis=1)
    same = record.groupby(actions["action_id"]).transform("first") == record
    conflicts = actions.loc[repeat & ~same, ["source_line"]].assign(
        stage="normalize", reasons="conflicting duplicate"
    )
    return actions.loc[~repeat], int((repeat & same).sum()), conflicts


def load(
    path: Path, *, converted: pd.DataFrame, rejects: pd.DataFrame, rates: pd.DataFrame, marts: dict
) -> None:
    """Write the rates, the facts, the rejected rows and the marts to a fresh DuckDB file, in one transaction."""
    con = duckdb.connect(str(path))
    try:
        con.execute("begin transaction")
        for schema in ("core", "ops", "marts"):
            con.execute(f"create schema {schema}")
        tables = {"core.fx_rates": rates, "core.enforcement_actions": converted, "ops.quarantine": rejects}
        for name, frame in {**tables, **marts}.items():
            con.register("frame", frame)
            con.execute(f"create table {name} as select * from frame")
            con.unregister("frame")
        con.execute("commit")
    finally:
        con.close()


def run(
    path: Path, warehouse: Path, *, rates_path: Path, cpi_path: Path, as_of: dt.date
) -> dict[str, object]:
    """The whole baseline on one file; returns seconds per step and the counts."""
    timings: dict[str, float] = {}
    mark = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal mark
        now = time.perf_counter()
        timings[name] = round(now - mark, 3)
        mark = now

    raw, parsed = read(path)
    lap("read_parse")
    valid, rejected_parse = split_valid(parsed, PARSED, stage="parse")
    lap("validate_parse")
    actions = normalize(valid)
    actions.attrs["batch_date"] = pd.Timestamp(as_of)
    actions, duplicates, conflicts = drop_duplicates(actions, raw)
    actions, rejected_norm = split_valid(actions, ACTION, stage="normalize")
    lap("normalize_validate")
    rates, cpi = pd.read_parquet(rates_path), pd.read_parquet(cpi_path)
    rates["rate_date"] = pd.to_datetime(rates["rate_date"]).astype("datetime64[ns]")
    cpi["period_start"] = pd.to_datetime(cpi["period_start"]).astype("datetime64[ns]")
    converted = convert(actions, rates, cpi)
    converted.attrs["batch_date"] = pd.Timestamp(as_of)
    converted, rejected_conv = split_valid(converted, CONVERTED, stage="convert")
    lap("convert_validate")
    marts = pandas_marts.build(converted)
    lap("marts")
    rejects = pd.concat([rejected_parse, conflicts, rejected_norm, rejected_conv]).sort_values("source_line")
    records = raw.iloc[rejects["source_line"].to_numpy() - 1]
    rejects["payload"] = (
        records.to_json(orient="records", lines=True, force_ascii=False).rstrip("\n").split("\n")
    )
    load(warehouse, converted=converted, rejects=rejects, rates=rates, marts=marts)
    lap("load")
    return {
        "timings": timings,
        "rows_in": len(raw),
        "loaded": len(converted),
        "duplicates": duplicates,
        "quarantined": len(rejects),
        "converted": int((converted["fx_status"] == catalog.FX_CONVERTED).sum()),
        "no_rate": int((converted["fx_status"] == catalog.FX_NO_RATE).sum()),
        "marts": {name: len(frame) for name, frame in marts.items()},
        "total_fines_usd": round(float(marts["marts.fines_by_platform"]["total_fines_usd"].sum()), 2),
    }
