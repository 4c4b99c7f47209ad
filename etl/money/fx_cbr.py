"""Bank of Russia official rates (``XML_daily.asp``), crossed to EUR with the same file's EUR rate."""

from __future__ import annotations

import re
from datetime import datetime

import polars as pl
from defusedxml import ElementTree

from etl.money.fx_cross import LOCAL_SCHEMA, cross_through_eur
from etl.money.fx_rules import CBR, RATE, FxError


def parse_cbr_daily(*payloads: bytes) -> pl.DataFrame:
    """Parse Bank of Russia ``XML_daily.asp`` files into the long rates frame.

    The files are windows-1251 XML: ``<ValCurs Date="06.04.2021">`` holding ``<Valute>`` elements
    with ``CharCode``, ``Nominal`` and ``Value`` (RUB per ``Nominal`` units, decimal comma).
    ``ValCurs/@Date`` is the day the rates take effect. Each day is crossed to EUR with the same
    file's EUR rate; RUB itself is added (units per EUR = the EUR rate). Parsed with defusedxml:
    no DTD, no entity expansion.

    Returns:
        The long rates frame, source ``cbr``; ``published_rate`` is ``Value`` as written, with
        ``/Nominal`` when the quote is for more than one unit (``18,1234/100``).

    Raises:
        FxError: not a ``ValCurs`` document, or a malformed quote.
    """
    rows: dict[str, list] = {
        "rate_date": [],
        "currency": [],
        "value": [],
        "nominal": [],
        "published_rate": [],
    }
    for payload in payloads:
        root = ElementTree.fromstring(payload, forbid_dtd=True)
        if root.tag != "ValCurs" or "Date" not in root.attrib:
            raise FxError(f"CBR XML: expected <ValCurs Date=...>, found <{root.tag}>")
        day = datetime.strptime(root.attrib["Date"], "%d.%m.%Y").date()
        for valute in root.iter("Valute"):
            code, nominal, value = (
                valute.findtext(tag, "").strip() for tag in ("CharCode", "Nominal", "Value")
            )
            if not (
                re.fullmatch(r"[A-Z]{3}", code) and nominal.isdigit() and re.fullmatch(r"\d+(,\d+)?", value)
            ):
                raise FxError(f"CBR XML of {day}: malformed quote {code!r} {nominal!r} {value!r}")
            rows["rate_date"].append(day)
            rows["currency"].append(code)
            rows["value"].append(value.replace(",", "."))
            rows["nominal"].append(nominal)
            rows["published_rate"].append(value if nominal == "1" else f"{value}/{nominal}")
    local = pl.DataFrame(
        rows, schema={k: pl.String if k != "rate_date" else pl.Date for k in rows}
    ).with_columns(source=pl.lit(CBR), value=pl.col("value").cast(RATE), nominal=pl.col("nominal").cast(RATE))
    return cross_through_eur(local.select(list(LOCAL_SCHEMA)), home="RUB")
