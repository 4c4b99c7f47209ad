"""The pandas baseline's row contracts: pandera (pandas backend) versions of ``schemas/enforcement_actions.py``.

The same checks as ``ParsedEnforcementAction``, ``EnforcementAction`` and
``ConvertedEnforcementAction`` (regexes, code lists, vocabularies, positive amounts, date bounds,
cross-column rules), on the frames of ``bench/pandas_baseline.py``; money is float64.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from etl import catalog
from schemas.enforcement_actions import CURRENCIES, EARLIEST_DECISION, JURISDICTIONS, MAX_TEXT

CANONICAL = (
    "source", "source_record_id", "source_url", "decision_date", "reported_date", "jurisdiction",
    "authority", "platform", "parent_company", "action_type", "violation", "legal_basis", "amount",
    "amount_qualifier", "currency", "reported_usd", "reported_eur", "status",
)  # fmt: skip
_DATE, _NUMBER, _FITS = r"^\d{4}-\d{2}-\d{2}$", r"^-?\d+(\.\d+)?$", r"^-?\d{1,36}(\.\d{1,2})?$"
_CONTROL = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"
_MARKUP = r"(?i)<\s*/?\s*(?:script|iframe|object|embed|style|img|svg|a|div|span|p|br|b|i)\b[^>]*>|javascript:"


def _text(nullable: bool = False, *checks: pa.Check) -> pa.Column:
    return pa.Column(str, nullable=nullable, checks=list(checks))


def _every_text(df: pd.DataFrame, test) -> pd.Series:  # noqa: ANN001 - a function of a text column
    ok = np.ones(len(df), dtype=bool)
    for column in CANONICAL:
        ok &= test(df[column].fillna("")).to_numpy(dtype=bool)
    return pd.Series(ok, index=df.index)


def _calendar() -> pa.Check:
    return pa.Check(lambda s: pd.to_datetime(s, format="%Y-%m-%d", errors="coerce").notna(), name="calendar")


PARSED = pa.DataFrameSchema(
    {
        "source_line": pa.Column(int, pa.Check.ge(1)),
        "source": _text(False, pa.Check.str_length(min_value=1)),
        "source_record_id": _text(True),
        "source_url": _text(True, pa.Check.str_matches(r"^https?://\S+$")),
        "decision_date": _text(False, pa.Check.str_matches(_DATE), _calendar()),
        "reported_date": _text(True, pa.Check.str_matches(_DATE), _calendar()),
        "jurisdiction": _text(False, pa.Check.str_matches(r"^[A-Z]{2}$")),
        "authority": _text(False, pa.Check.str_length(min_value=1)),
        "platform": _text(False, pa.Check.str_length(min_value=1)),
        "parent_company": _text(True),
        "action_type": _text(False, pa.Check.str_length(min_value=1)),
        "violation": _text(True),
        "legal_basis": _text(True),
        "amount": _text(True, pa.Check.str_matches(_NUMBER), pa.Check.str_matches(r"^-?\d+(\.\d{1,2})?$")),
        "amount_qualifier": _text(True),
        "currency": _text(True, pa.Check.str_matches(r"^[A-Z]{3}$")),
        "reported_usd": _text(True, pa.Check.str_matches(_NUMBER), pa.Check.str_matches(_FITS)),
        "reported_eur": _text(True, pa.Check.str_matches(_NUMBER), pa.Check.str_matches(_FITS)),
        "status": _text(True),
    },
    checks=[
        pa.Check(lambda df: _every_text(df, lambda s: ~s.str.contains(_CONTROL)), name="no_control_chars"),
        pa.Check(lambda df: _every_text(df, lambda s: ~s.str.contains(_MARKUP)), name="no_markup"),
        pa.Check(lambda df: _every_text(df, lambda s: s.str.len() <= MAX_TEXT), name="plausible_length"),
    ],
    strict=True,
    name="ParsedEnforcementAction",
)


def _monetary_rule(df: pd.DataFrame) -> pd.Series:
    monetary = df["action_type"].isin(catalog.MONETARY_ACTION_TYPES)
    has_amount = df["amount_exact"].notna() & df["currency"].notna()
    neither = df["amount_exact"].isna() & df["currency"].isna()
    return (monetary & has_amount) | (~monetary & neither) | ((df["action_type"] == "other") & has_amount)


ACTION_COLUMNS = {
    **{c: col for c, col in PARSED.columns.items() if c not in ("decision_date", "reported_date", "amount")},
    "action_id": pa.Column(str, pa.Check.str_matches(r"^fa_[0-9a-f]{16}$"), unique=True),
    "decision_date": pa.Column("datetime64[ns]", pa.Check.ge(pd.Timestamp(EARLIEST_DECISION))),
    "reported_date": pa.Column("datetime64[ns]", nullable=True),
    "jurisdiction": _text(False, pa.Check.isin(sorted(JURISDICTIONS))),
    "platform_reported": _text(),
    "is_known_platform": pa.Column(bool),
    "platform_candidates": _text(True),
    "action_type": _text(False, pa.Check.isin(catalog.ACTION_TYPES)),
    "violation": _text(False, pa.Check.isin(catalog.VIOLATIONS)),
    "amount": pa.Column(float, nullable=True),
    "amount_exact": _text(True, pa.Check(lambda s: ~s.str.startswith("-") & s.str.contains("[1-9]"))),
    "is_outlier": pa.Column(bool),
    "currency": _text(True, pa.Check.isin(sorted(CURRENCIES))),
    "reported_usd": pa.Column(float, pa.Check.ge(0), nullable=True),
    "reported_eur": pa.Column(float, pa.Check.ge(0), nullable=True),
    "status": _text(False, pa.Check.isin(catalog.STATUSES)),
}
_BATCH_CHECKS = [
    pa.Check(lambda df: df["decision_date"] <= df.attrs["batch_date"], name="decision_not_after_batch"),
    pa.Check(_monetary_rule, name="amount_matches_action_type"),
]
ACTION = pa.DataFrameSchema(ACTION_COLUMNS, checks=_BATCH_CHECKS, strict=True, name="EnforcementAction")
_PROVENANCE = [
    "amount_usd",
    "amount_eur",
    "fx_rate_usd",
    "fx_rate_eur",
    "fx_rate_date",
    "fx_source",
    "fx_quality",
]


def _provenance(df: pd.DataFrame) -> pd.Series:
    present = df[_PROVENANCE].notna()
    converted = (df["fx_status"] == catalog.FX_CONVERTED).to_numpy()
    return pd.Series(np.where(converted, present.all(axis=1), (~present).all(axis=1)), index=df.index)


CONVERTED = pa.DataFrameSchema(
    {
        **ACTION_COLUMNS,
        **{
            c: pa.Column(float, pa.Check.ge(0), nullable=True)
            for c in ("amount_usd", "amount_eur", "amount_usd_real")
        },
        **{c: pa.Column(float, pa.Check.gt(0), nullable=True) for c in ("fx_rate_usd", "fx_rate_eur")},
        "fx_rate_date": pa.Column("datetime64[ns]", nullable=True),
        "fx_next_rate_date": pa.Column("datetime64[ns]", nullable=True),
        "fx_source": _text(True),
        "fx_status": _text(
            False, pa.Check.isin([catalog.FX_CONVERTED, catalog.FX_NO_RATE, catalog.FX_NOT_MONETARY])
        ),
        "fx_quality": _text(True, pa.Check.isin(list(catalog.FX_QUALITIES))),
        "fx_note": _text(True),
    },
    checks=[
        *_BATCH_CHECKS,
        pa.Check(_provenance, name="converted_rows_carry_provenance"),
        pa.Check(lambda df: ~(df["fx_rate_date"] > df["decision_date"]), name="rate_not_after_decision"),
        pa.Check(lambda df: df["fx_next_rate_date"].isna() | (df["fx_quality"] == "interpolated_weekly")),
        pa.Check(lambda df: (df["fx_status"] != catalog.FX_NO_RATE) | df["fx_note"].notna(), name="say_why"),
    ],
    strict=True,
    name="ConvertedEnforcementAction",
)


def split_valid(
    frame: pd.DataFrame, schema: pa.DataFrameSchema, *, stage: str
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Validate with ``lazy=True``; return the passing rows, and the failing ones with their reasons."""
    try:
        schema.validate(frame, lazy=True)
        return frame, pd.DataFrame({"source_line": pd.Series(dtype=int), "stage": stage, "reasons": ""})
    except SchemaErrors as errors:
        cases = errors.failure_cases
    if cases["index"].isna().any():
        raise ValueError(
            f"batch breaks {schema.name}: {cases[cases['index'].isna()].head(5).to_dict('records')}"
        )
    cases = cases.assign(reason=cases["column"].fillna("").astype(str) + ": " + cases["check"].astype(str))
    reasons = cases.groupby("index")["reason"].agg(lambda r: "; ".join(dict.fromkeys(r)))
    bad = frame.index.isin(reasons.index)
    rejected = frame.loc[bad, ["source_line"]].assign(stage=stage)
    rejected["reasons"] = reasons.reindex(rejected.index).to_numpy()
    return frame.loc[~bad], rejected
