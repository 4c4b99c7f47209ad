"""Reading, parsing and normalising feed files; rejects carry every reason."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from etl.parsing import transform
from etl.parsing.decoding import FeedFormatError
from etl.parsing.validate import ContractError
from etl.sources.feeds import Feed
from tests.conftest import AS_OF, FIXTURES

BAD_ROWS = FIXTURES / "feeds" / "synthetic_bad_rows.csv"


def _feed(path: Path, **options: object) -> Feed:
    return Feed(name="test_feed", format="csv", location=str(path), **options)


def _rejects(result: transform.TransformResult) -> dict[int, list[str]]:
    frame = pl.read_parquet(result.rejects_path)
    return {row["source_line"]: row["reasons"] for row in frame.iter_rows(named=True)}


def test_bad_row_is_quarantined_with_all_three_reasons(tmp_path: Path):
    """Negative amount, unknown currency and future date: one reject, three reasons."""
    result = transform.run(_feed(BAD_ROWS), BAD_ROWS, as_of=AS_OF, out_dir=tmp_path)
    reasons = _rejects(result)[1]
    assert any(r.startswith("amount_exact: amount_is_positive") for r in reasons)
    assert any(r.startswith("currency: currency_is_iso_4217") for r in reasons)
    assert "decision_not_after_batch_date" in reasons
    assert len(reasons) == 3


def test_counts_reconcile_and_nothing_is_lost(tmp_path: Path):
    """Rows in = valid + duplicates + rejected, and each reject keeps its record's original text."""
    result = transform.run(_feed(BAD_ROWS), BAD_ROWS, as_of=AS_OF, out_dir=tmp_path)
    assert (result.rows_in, result.valid, result.duplicates, result.rejected) == (6, 2, 1, 3)
    rejects = pl.read_parquet(result.rejects_path)
    assert sorted(rejects["source_line"].to_list()) == [1, 3, 4]
    payload = rejects.filter(pl.col("source_line") == 4)["payload"][0]
    assert payload == BAD_ROWS.read_text(encoding="utf-8").splitlines()[4]  # line 5: record 4
    assert _rejects(result)[3] == ["decision_date: date_exists_in_calendar (got '2021-02-30')"]


def test_action_ids_are_stable_across_runs(tmp_path: Path):
    """The same record gets the same action_id every run, from any folder."""
    first = transform.run(_feed(BAD_ROWS), BAD_ROWS, as_of=AS_OF, out_dir=tmp_path / "a")
    second = transform.run(_feed(BAD_ROWS), BAD_ROWS, as_of=AS_OF, out_dir=tmp_path / "b")
    ids = pl.read_parquet(first.actions_path)["action_id"]
    assert ids.to_list() == pl.read_parquet(second.actions_path)["action_id"].to_list()
    assert ids.str.contains(r"^fa_[0-9a-f]{16}$").all()


def test_column_mapping_and_extra_columns_kept_in_payload(tmp_path: Path):
    """A feed in another shape maps its columns; unknown columns stay in the payload."""
    path = tmp_path / "other.csv"
    path.write_text(
        "Date,Country,Court,Company,Kind,Sum,Ccy,Link,Comment\n"
        "2021-04-06,RU,Synthetic court,ExampleTube,fine,1000,RUB,https://example.org/x,kept\n",
        encoding="utf-8",
    )
    columns = {
        "decision_date": "Date",
        "jurisdiction": "Country",
        "authority": "Court",
        "platform": "Company",
        "action_type": "Kind",
        "amount": "Sum",
        "currency": "Ccy",
        "source_url": "Link",
    }
    result = transform.run(_feed(path, columns=columns), path, as_of=AS_OF, out_dir=tmp_path / "o")
    actions = pl.read_parquet(result.actions_path)
    assert actions["platform"].to_list() == ["ExampleTube"]
    assert actions["source"].to_list() == ["test_feed"]
    assert json.loads(actions["payload"][0])["Comment"] == "kept"


def test_undecodable_bytes_name_feed_file_and_offset(tmp_path: Path):
    """Bytes that are not UTF-8 give an error with the byte offset."""
    path = tmp_path / "broken.csv"
    path.write_bytes(b"decision_date,platform\n2021-04-06,Tik\xff\xfeTok\n")
    with pytest.raises(FeedFormatError, match=r"test_feed: .*broken.csv: .*byte offset 37"):
        transform.run(_feed(path), path, as_of=AS_OF, out_dir=tmp_path / "o")


def test_windows_1251_feed_is_read_when_configured(tmp_path: Path):
    """A Russian source in windows-1251 reads correctly when the feed says so."""
    path = tmp_path / "ru.csv"
    text = (
        "source,decision_date,jurisdiction,authority,platform,action_type,amount,currency\n"
        "synthetic-test,2021-04-06,RU,Таганский районный суд,TikTok,fine,2500000,RUB\n"
    )
    path.write_bytes(text.encode("windows-1251"))
    result = transform.run(_feed(path, encoding="windows-1251"), path, as_of=AS_OF, out_dir=tmp_path / "o")
    assert pl.read_parquet(result.actions_path)["authority"].to_list() == ["Таганский районный суд"]


@pytest.mark.parametrize("content", ["", "   \n"])
def test_empty_file_is_a_clear_error(tmp_path: Path, content: str):
    """An empty file is refused, naming the feed and file."""
    path = tmp_path / "empty.csv"
    path.write_text(content)
    with pytest.raises(FeedFormatError, match="test_feed: .*empty.csv: file is empty"):
        transform.run(_feed(path), path, as_of=AS_OF, out_dir=tmp_path / "o")


def test_missing_required_column_fails_the_batch(tmp_path: Path):
    """A changed upstream format (no decision_date) fails the whole batch, not each row silently."""
    path = tmp_path / "changed.csv"
    path.write_text("platform,amount\nTikTok,1\n")
    with pytest.raises(ContractError, match="test_feed"):
        transform.run(_feed(path), path, as_of=AS_OF, out_dir=tmp_path / "o")
