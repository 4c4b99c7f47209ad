"""Each contract rule passes a valid row and really fires on a minimal invalid one."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pandera.polars as pa
import polars as pl
import pytest
from pandera.errors import SchemaErrors

from schemas.enforcement_actions import MONEY, EnforcementAction, ParsedEnforcementAction

PARSED_ROW = {
    "feed": "f",
    "source_kind": "structured",
    "source_line": 1,
    "payload": "{}",
    "batch_date": dt.date(2026, 11, 29),
    "source": "s",
    "source_record_id": "r1",
    "source_url": "https://example.org/a",
    "decision_date": "2021-04-06",
    "reported_date": None,
    "jurisdiction": "RU",
    "authority": "Tagansky District Court",
    "platform": "TikTok",
    "parent_company": "ByteDance",
    "action_type": "fine",
    "violation": "content_removal",
    "legal_basis": None,
    "amount": "2500000",
    "amount_qualifier": None,
    "currency": "RUB",
    "reported_usd": "32700",
    "reported_eur": None,
    "status": "imposed",
}
ACTION_ROW = {
    "action_id": "fa_0123456789abcdef",
    "feed": "f",
    "source_kind": "structured",
    "source_line": 1,
    "payload": "{}",
    "batch_date": dt.date(2026, 11, 29),
    "source": "s",
    "source_record_id": "r1",
    "source_url": "https://example.org/a",
    "decision_date": dt.date(2021, 4, 6),
    "reported_date": None,
    "jurisdiction": "RU",
    "authority": "Tagansky District Court",
    "platform": "TikTok",
    "platform_reported": "TikTok",
    "is_known_platform": True,
    "platform_candidates": None,
    "amount_qualifier": None,
    "parent_company": "ByteDance",
    "action_type": "fine",
    "violation": "content_removal",
    "legal_basis": None,
    "amount": Decimal("2500000"),
    "amount_exact": "2500000",
    "is_outlier": False,
    "currency": "RUB",
    "reported_usd": Decimal("32700"),
    "reported_eur": None,
    "status": "imposed",
}
PARSED_SCHEMA = {
    k: (pl.Int64 if k == "source_line" else pl.Date if k == "batch_date" else pl.String) for k in PARSED_ROW
}
ACTION_SCHEMA = {
    **{k: pl.String for k in ACTION_ROW},
    "source_line": pl.Int64,
    "batch_date": pl.Date,
    "decision_date": pl.Date,
    "reported_date": pl.Date,
    "is_known_platform": pl.Boolean,
    "is_outlier": pl.Boolean,
    "amount": MONEY,
    "reported_usd": MONEY,
    "reported_eur": MONEY,
}


def _failed_checks(model: type[pa.DataFrameModel], frame: pl.DataFrame) -> set[str]:
    with pytest.raises(SchemaErrors) as caught:
        model.validate(frame, lazy=True)
    return set(caught.value.failure_cases["check"].to_list())


def test_valid_rows_pass_both_contracts():
    """A real, well-formed row passes parse and action contracts."""
    ParsedEnforcementAction.validate(pl.DataFrame([PARSED_ROW], schema=PARSED_SCHEMA), lazy=True)
    EnforcementAction.validate(pl.DataFrame([ACTION_ROW], schema=ACTION_SCHEMA), lazy=True)


@pytest.mark.parametrize(
    ("change", "check"),
    [
        ({"decision_date": "06.04.2021"}, "str_matches"),
        ({"decision_date": "2021-02-30"}, "date_exists_in_calendar"),
        ({"amount": "2.5 million"}, "str_matches"),
        ({"reported_usd": "1" * 37}, "amount_fits_decimal_38_2"),
        ({"amount": "10.001"}, "amount_has_at_most_2_decimals"),
        ({"source_url": "javascript:alert(1)"}, "str_matches"),
        ({"jurisdiction": "Russia"}, "str_matches"),
        ({"authority": "Court\x07"}, "text_free_of_control_characters"),
        ({"platform": None}, "not_nullable"),
    ],
)
def test_parsed_contract_fires(change: dict, check: str):
    """Each syntax rule of the parsed contract rejects a minimal bad value."""
    frame = pl.DataFrame([{**PARSED_ROW, **change}], schema=PARSED_SCHEMA)
    assert any(check in failed for failed in _failed_checks(ParsedEnforcementAction, frame))


@pytest.mark.parametrize(
    ("change", "check"),
    [
        ({"amount": Decimal("-5"), "amount_exact": "-5"}, "amount_is_positive"),
        ({"amount": Decimal("0"), "amount_exact": "0"}, "amount_is_positive"),
        ({"amount": Decimal("1"), "amount_exact": "2"}, "amount_is_exact_or_outlier"),
        ({"amount": None, "amount_exact": "2" + "0" * 36}, "amount_is_exact_or_outlier"),
        ({"currency": "XYZ"}, "currency_is_iso_4217"),
        ({"jurisdiction": "ZZ"}, "jurisdiction_is_iso_3166_or_eu"),
        ({"decision_date": dt.date(2027, 1, 1)}, "decision_not_after_batch_date"),
        ({"decision_date": dt.date(1989, 12, 31)}, "greater_than_or_equal_to(1990-01-01)"),
        ({"action_type": "fined"}, "isin"),
        ({"status": "pending"}, "isin"),
        ({"action_type": "block"}, "amount_matches_action_type"),
        ({"amount": None, "amount_exact": None, "currency": None}, "amount_matches_action_type"),
        ({"action_id": "not-an-id"}, "str_matches"),
    ],
)
def test_action_contract_fires(change: dict, check: str):
    """Each domain rule of the action contract rejects a minimal bad row."""
    frame = pl.DataFrame([{**ACTION_ROW, **change}], schema=ACTION_SCHEMA)
    assert any(failed.startswith(check) for failed in _failed_checks(EnforcementAction, frame))


def test_historic_currency_and_eu_jurisdiction_are_valid():
    """Decisions in withdrawn currencies (DEM) and by EU institutions are allowed."""
    frame = pl.DataFrame([{**ACTION_ROW, "currency": "DEM", "jurisdiction": "EU"}], schema=ACTION_SCHEMA)
    EnforcementAction.validate(frame, lazy=True)


def test_non_monetary_action_without_amount_is_valid():
    """A block carries no amount and no currency."""
    frame = pl.DataFrame(
        [{**ACTION_ROW, "action_type": "block", "amount": None, "amount_exact": None, "currency": None}],
        schema=ACTION_SCHEMA,
    )
    EnforcementAction.validate(frame, lazy=True)


def test_duplicate_action_ids_fail():
    """action_id is unique within a batch."""
    frame = pl.DataFrame([ACTION_ROW, ACTION_ROW], schema=ACTION_SCHEMA)
    assert "field_uniqueness" in _failed_checks(EnforcementAction, frame)


def test_outlier_without_typed_amount_is_valid():
    """An amount beyond DECIMAL(38,2) is kept exactly when flagged as an outlier."""
    row = {**ACTION_ROW, "amount": None, "amount_exact": "2" + "0" * 36, "is_outlier": True}
    EnforcementAction.validate(pl.DataFrame([row], schema=ACTION_SCHEMA), lazy=True)


def test_converted_contract_fires_on_missing_provenance():
    """A row marked converted without its rate date and source is refused."""
    from schemas.enforcement_actions import ConvertedEnforcementAction

    row = {
        **ACTION_ROW, "amount_usd": Decimal("32627.17"), "amount_eur": Decimal("27622.05"),
        "fx_rate_usd": Decimal("0.0130508666"), "fx_rate_eur": Decimal("0.0110488203"),
        "fx_rate_date": None, "fx_source": None, "fx_status": "converted", "fx_quality": "exact_day",
        "fx_note": None,
    }  # fmt: skip
    schema = {
        **ACTION_SCHEMA, "amount_usd": MONEY, "amount_eur": MONEY, "fx_rate_usd": pl.Decimal(38, 18),
        "fx_rate_eur": pl.Decimal(38, 18), "fx_rate_date": pl.Date, "fx_source": pl.String,
        "fx_status": pl.String, "fx_quality": pl.String, "fx_note": pl.String,
    }  # fmt: skip
    frame = pl.DataFrame([row], schema=schema)
    assert "converted_rows_carry_provenance" in _failed_checks(ConvertedEnforcementAction, frame)
    good = pl.DataFrame([{**row, "fx_rate_date": dt.date(2021, 4, 6), "fx_source": "ecb"}], schema=schema)
    ConvertedEnforcementAction.validate(good, lazy=True)
    later = pl.DataFrame([{**row, "fx_rate_date": dt.date(2021, 4, 7), "fx_source": "ecb"}], schema=schema)
    assert "rate_not_after_decision_date" in _failed_checks(ConvertedEnforcementAction, later)
