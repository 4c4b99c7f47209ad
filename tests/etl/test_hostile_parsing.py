"""Hostile payloads are never misread, and quarantine keeps each record as written.

Ambiguous amounts, mixed encodings, swallowed records, duplicate keys and headers are reported.

All feed rows here are plainly synthetic (``synthetic-test``, example.org, ExampleTube).
"""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl
import pytest

from etl.parsing import transform
from etl.parsing.decoding import FeedFormatError
from etl.parsing.news_scope import PLAN_FINE, plan_fine_end
from etl.parsing.news_sentences import _ABBREVIATIONS, _BOUNDARY, split_sentences
from etl.sources.feeds import Feed, RegistryError, load_registry
from tests.conftest import AS_OF

HEADER = "source,source_record_id,decision_date,jurisdiction,authority,platform,action_type,amount,currency"


def _row(record_id: str, amount: str, *, platform: str = "ExampleTube") -> str:
    quoted = f'"{amount}"' if "," in amount else amount
    return f"synthetic-test,{record_id},2021-04-06,RU,Synthetic court,{platform},fine,{quoted},RUB"


def _run(
    tmp_path: Path, body: str | bytes, *, fmt: str = "csv", **options: object
) -> transform.TransformResult:
    path = tmp_path / f"feed.{fmt}"
    path.write_bytes(body if isinstance(body, bytes) else body.encode("utf-8"))
    feed = Feed(name="hostile", format=fmt, location=str(path), **options)
    return transform.run(feed, path, as_of=AS_OF, out_dir=tmp_path / "out")


def _amounts(result: transform.TransformResult) -> dict[str, str]:
    actions = pl.read_parquet(result.actions_path)
    return dict(zip(actions["source_record_id"], actions["amount_exact"], strict=True))


def _rejects(result: transform.TransformResult) -> dict[int, tuple[str, list[str]]]:
    frame = pl.read_parquet(result.rejects_path)
    return {r["source_line"]: (r["payload"], r["reasons"]) for r in frame.iter_rows(named=True)}


def test_decimal_comma_is_never_guessed_without_a_declaration(tmp_path: Path):
    """'2,5' and '1,234' in a feed declaring no separator are quarantined saying why, not read as 25 or 1234."""
    rows = [_row("r1", "2,5"), _row("r2", "1,234"), _row("r3", "2,500,000"), _row("r4", "2 500 000")]
    result = _run(tmp_path, "\n".join([HEADER, *rows]) + "\n")
    assert _amounts(result) == {"r3": "2500000", "r4": "2500000"}
    rejects = _rejects(result)
    assert sorted(rejects) == [1, 2]
    payload, reasons = rejects[1]
    assert payload == _row("r1", "2,5")
    assert reasons == [
        "amount '2,5' has a decimal comma, but the feed does not declare decimal_separator = \",\""
    ]
    assert rejects[2][1][0].startswith("amount '1,234' is ambiguous: 1234 with a decimal point, 1.234 with a")


def test_declared_decimal_comma_reads_european_amounts(tmp_path: Path):
    """With decimal_separator = ',' the feed's '2,5' is 2.5 and '2.500.000,00' is 2500000.00."""
    rows = [_row("r1", "2,5"), _row("r2", "2.500.000,00"), _row("r3", "2 500 000"), _row("r4", "2,500,000")]
    result = _run(tmp_path, "\n".join([HEADER, *rows]) + "\n", decimal_separator=",")
    assert _amounts(result) == {"r1": "2.5", "r2": "2500000.00", "r3": "2500000"}
    assert _rejects(result)[4][1] == ["amount '2,500,000' is not a number with decimal separator ','"]


def test_declared_decimal_point_reads_comma_groups(tmp_path: Path):
    """With decimal_separator = '.', '1,234' is 1234 and '2,5' is refused as not a number."""
    rows = [_row("r1", "1,234"), _row("r2", "2,5")]
    result = _run(tmp_path, "\n".join([HEADER, *rows]) + "\n", decimal_separator=".")
    assert _amounts(result) == {"r1": "1234"}
    assert _rejects(result)[2][1] == ["amount '2,5' is not a number with decimal separator '.'"]


def test_registry_field_decimal_separator(tmp_path: Path):
    """The registry declares the separator per feed; anything but '.' or ',' is refused naming the field."""
    registry = tmp_path / "feeds.toml"
    registry.write_text('[feeds.eu]\nformat = "csv"\nlocation = "x.csv"\ndecimal_separator = ","\n')
    assert load_registry(registry)[0].decimal_separator == ","
    registry.write_text('[feeds.eu]\nformat = "csv"\nlocation = "x.csv"\ndecimal_separator = ";"\n')
    with pytest.raises(RegistryError, match="field 'decimal_separator'"):
        load_registry(registry)


def test_gdpr_tracker_amount_with_decimal_comma_is_quarantined(tmp_path: Path):
    """The tracker groups thousands with commas; '2,5' there is not read as 25."""
    header = (
        "ETid,Country,Date of Decision,Fine [€],Controller/Processor,Sector,Quoted Art.,Type,Summary,Source"
    )
    good = 'ETid-1,IRELAND,2023-05-12,"1,200,000",ExampleTube Ltd,Media,Art. 5,t,s,https://example.org/1'
    bad = 'ETid-2,IRELAND,2023-05-13,"2,5",ExampleTube Ltd,Media,Art. 5,t,s,https://example.org/2'
    result = _run(tmp_path, f"{header}\n{good}\n{bad}\n", fmt="gdpr-tracker")
    assert _amounts(result) == {"ETid-1": "1200000"}
    assert _rejects(result)[2] == (bad, ["amount '2,5' is not a number with decimal separator '.'"])


def test_mixed_utf8_and_windows_1251_rows_are_refused_naming_lines(tmp_path: Path):
    """With encoding 'auto', UTF-8 rows among windows-1251 ones are reported, not stored garbled."""
    body = (
        HEADER.encode()
        + b"\n"
        + _row("r1", "1000", platform="Суд").encode("cp1251")
        + b"\n"
        + _row("r2", "1000", platform="Компания").encode("utf-8")
        + b"\n"
    )
    with pytest.raises(FeedFormatError, match=r"mixed text encodings: line\(s\) 3 are UTF-8, line\(s\) 2"):
        _run(tmp_path, body, encoding="auto")


def test_windows_1251_file_alone_still_loads(tmp_path: Path):
    """A file wholly in windows-1251 is detected and read as before."""
    body = "\n".join([HEADER, _row("r1", "1000", platform="Компания Пример"), _row("r2", "2000")]) + "\n"
    result = _run(tmp_path, body.encode("cp1251"), encoding="auto")
    assert pl.read_parquet(result.actions_path)["platform_reported"].to_list() == [
        "Компания Пример",
        "ExampleTube",
    ]


def test_record_that_swallowed_a_line_is_quarantined_naming_it(tmp_path: Path):
    """A stray quote makes the next record part of a text field: the record is flagged, not loaded."""
    stray = 'synthetic-test,r1,2021-04-06,RU,"Synthetic court,ExampleTube,fine,1000,RUB'
    swallowed = 'synthetic-test,r2,2021-04-06,RU,Synthetic court",ExampleTube,fine,2000,RUB'
    result = _run(tmp_path, "\n".join([HEADER, stray, swallowed, _row("r3", "3000")]) + "\n")
    assert _amounts(result) == {"r3": "3000"}
    payload, reasons = _rejects(result)[1]
    assert payload == f"{stray}\n{swallowed}"
    assert reasons == [
        "line 2: a quoted field runs over line 3, which reads as a whole record of its own (9 fields): "
        "a stray quote may have swallowed it"
    ]


def test_multi_line_text_field_is_not_flagged(tmp_path: Path):
    """A quoted field with a line break that is plain text (not a record) still loads."""
    row = 'synthetic-test,r1,2021-04-06,RU,"Synthetic court\nsecond line",ExampleTube,fine,1000,RUB'
    result = _run(tmp_path, f"{HEADER}\n{row}\n")
    assert _amounts(result) == {"r1": "1000"} and result.rejected == 0


def test_duplicate_csv_header_refuses_the_file(tmp_path: Path):
    """Two columns named 'amount' are reported; neither is picked silently."""
    body = f"{HEADER},amount\n{_row('r1', '1000')},5\n"
    with pytest.raises(
        FeedFormatError, match=r"line 1: the header names columns more than once: \['amount'\]"
    ):
        _run(tmp_path, body)


def test_duplicate_json_key_is_quarantined_naming_the_line(tmp_path: Path):
    """A JSON Lines record with 'amount' twice is quarantined as written; its neighbours load."""
    base = '"source": "synthetic-test", "decision_date": "2021-04-06", "jurisdiction": "RU", '
    base += (
        '"authority": "Synthetic court", "platform": "ExampleTube", "action_type": "fine", "currency": "RUB"'
    )
    good = '{"source_record_id": "r1", ' + base + ', "amount": 1000}'
    doubled = '{"source_record_id": "r2", ' + base + ', "amount": 1000, "amount": 1000000}'
    result = _run(tmp_path, f"{good}\n{doubled}\n", fmt="jsonl")
    assert _amounts(result) == {"r1": "1000"}
    assert _rejects(result)[2] == (
        doubled,
        ["line 2: duplicate keys ['amount']: which value is meant is unknown"],
    )


def test_jsonl_quarantine_keeps_the_original_line(tmp_path: Path):
    """A non-standard constant is quarantined with the line as written, not a re-serialised payload."""
    base = '"source": "synthetic-test", "decision_date": "2021-04-06", "jurisdiction": "RU", '
    base += (
        '"authority": "Synthetic court", "platform": "ExampleTube", "action_type": "fine", "currency": "RUB"'
    )
    line = '{"source_record_id": "r1", ' + base + ',   "amount":  Infinity }'
    result = _run(tmp_path, line + "\n", fmt="jsonl")
    assert _rejects(result)[1] == (line, ["line 1: non-standard JSON constant Infinity: not a number"])


@pytest.mark.parametrize(
    "sentence",
    [
        "The regulator plans to fine Google 47.5 billion won and Apple 20.5 billion won.",
        "A proposed fine of $5 million, then a preliminary penalty of €3 million and €2 million.",
        "Regulators moved to impose 10 million rubles and then fined it 2 million rubles.",
        "It was fined 3 million euros and 4 million euros, with no plan to do more.",
    ],
)
def test_plan_fine_end_agrees_with_searching_each_prefix(sentence: str):
    """One scan gives, for every position, what PLAN_FINE.search(sentence, 0, position) gave."""
    end = plan_fine_end(sentence)
    for position in range(len(sentence) + 1):
        assert (position >= end) == bool(PLAN_FINE.search(sentence, 0, position)), position


def _split_by_chunks(text: str) -> list[str]:
    """split_sentences as it was, splitting the whole chunk at every boundary (quadratic)."""
    sentences = []
    for paragraph in re.split(r"\n\s*\n", text):
        start = 0
        for m in _BOUNDARY.finditer(paragraph):
            chunk = paragraph[start : m.start(1)]
            last = (chunk.split() or [""])[-1].strip("\"'”’)]([“‘").rstrip(".").lower()
            if m.group(0)[0] == "." and (last in _ABBREVIATIONS or len(last) == 1):
                continue
            sentences.append(chunk)
            start = m.end(1)
        sentences.append(paragraph[start:])
    return [s.strip() for s in sentences if s.strip()]


@pytest.mark.parametrize(
    "text",
    [
        "The U.S. regulator fined X. Corp. on Jan. 5. It paid. Then J. Doe appealed!  Art. 5 applies.",
        "A. B. C. D. E. Fine.\n\nNo. 7 (\"Quoted.\") Next one? Yes.\u00a0Then.\tTabbed. 'Q.' Done.",
        "Ends without a stop",
    ],
)
def test_split_sentences_splits_as_before(text: str):
    """Reading only the last word before each boundary splits exactly as splitting the whole chunk did."""
    assert split_sentences(text) == _split_by_chunks(text)
