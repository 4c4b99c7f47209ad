"""Variants of an unknown platform's name are one platform, through `fines ingest`, in any order.

The companies and figures are plainly synthetic ("Quillbyte" is no real company); two feeds report
them under different spellings, as a court export and a tracker do.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from etl import catalog

HEADER = "source,source_record_id,source_url,decision_date,jurisdiction,authority,platform,action_type,amount,currency"
COURT = "synthetic court export"
TRACKER = "synthetic tracker"


def _csv(path: Path, source: str, rows: list[tuple[str, str, str, str]]) -> Path:
    """Fines of one source: (record id, decision date, platform as written, amount in rubles)."""
    lines = [
        f"{source},{rid},https://example.org/{rid},{day},RU,Synthetic Court,{name},fine,{amount},RUB"
        for rid, day, name, amount in rows
    ]
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def feeds(tmp_path: Path) -> dict[str, Path]:
    """The court writes "QUILLBYTE Ltd" once; the tracker writes "Quillbyte" for the same fine and another."""
    return {
        "court": _csv(tmp_path / "court.csv", COURT, [("c-1", "2021-04-06", "QUILLBYTE Ltd", "1000000")]),
        "tracker": _csv(
            tmp_path / "tracker.csv",
            TRACKER,
            [("t-1", "2021-04-06", "Quillbyte", "1000000"), ("t-2", "2022-02-01", "Quillbyte", "3000000")],
        ),
    }


def _ingest(paths: list[Path], warehouse: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from etl.console.cli import main

    monkeypatch.setenv("FINES_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("FINES_WAREHOUSE", raising=False)
    for path in paths:
        code = main(
            ["ingest", str(path), "--format", "csv", "--as-of", "2026-11-29", "--warehouse", str(warehouse)]
        )
        assert code in (0, None)


def _state(warehouse: Path) -> dict[str, list[tuple]]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return {
            "actions": con.execute(
                f"select action_id, platform, amount::varchar from {catalog.ENFORCEMENT_ACTIONS} order by all"
            ).fetchall(),
            "records": con.execute(
                f"select feed, platform, platform_reported from {catalog.ACTION_SOURCES} order by all"
            ).fetchall(),
            "by_platform": con.execute(
                f"select platform, action_count from {catalog.FINES_BY_PLATFORM} order by all"
            ).fetchall(),
            "unresolved": con.execute(
                f"select platform_reported, platform from {catalog.UNRESOLVED_PLATFORMS} order by all"
            ).fetchall(),
        }


@pytest.mark.parametrize("order", [("court", "tracker"), ("tracker", "court")])
def test_spellings_of_an_unknown_platform_are_one_platform_whatever_the_order(
    feeds, order, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """Both feeds' records are stored under the spelling most of them use; the shared fine counts once."""
    warehouse = tmp_path / f"{'-'.join(order)}.duckdb"
    _ingest([feeds[name] for name in order], warehouse, monkeypatch, tmp_path)
    state = _state(warehouse)
    assert state["records"] == [
        ("court", "Quillbyte", "QUILLBYTE Ltd"),
        ("tracker", "Quillbyte", "Quillbyte"),
        ("tracker", "Quillbyte", "Quillbyte"),
    ]
    assert [row[1:] for row in state["actions"]] == [("Quillbyte", "1000000.00"), ("Quillbyte", "3000000.00")]
    assert state["by_platform"] == [("Quillbyte", 2)]
    # each spelling an action is anchored on is listed for review, with the spelling it counts under
    assert set(state["unresolved"]) <= {("QUILLBYTE Ltd", "Quillbyte"), ("Quillbyte", "Quillbyte")}
    assert ("Quillbyte", "Quillbyte") in state["unresolved"]


def test_the_outcome_is_the_same_in_either_order(feeds, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Same action ids, spellings and marts whichever feed loads first."""
    one, two = tmp_path / "one.duckdb", tmp_path / "two.duckdb"
    _ingest([feeds["court"], feeds["tracker"]], one, monkeypatch, tmp_path)
    _ingest([feeds["tracker"], feeds["court"]], two, monkeypatch, tmp_path)
    assert _state(one) == _state(two)


def test_a_reloaded_feed_that_changes_its_spelling_moves_the_other_records(
    feeds, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """The tracker later writes "QUILLBYTE Ltd": now most records use it, and the court's record follows.

    The result equals a fresh warehouse loaded with the final files only.
    """
    warehouse, fresh = tmp_path / "w.duckdb", tmp_path / "fresh.duckdb"
    _ingest([feeds["court"], feeds["tracker"]], warehouse, monkeypatch, tmp_path)
    assert _state(warehouse)["by_platform"] == [("Quillbyte", 2)]
    renamed = _csv(
        feeds["tracker"],
        TRACKER,
        [
            ("t-1", "2021-04-06", "QUILLBYTE Ltd", "1000000"),
            ("t-2", "2022-02-01", "Quillbyte Ltd.", "3000000"),
        ],
    )
    _ingest([renamed], warehouse, monkeypatch, tmp_path)
    state = _state(warehouse)
    assert {platform for _, platform, _ in state["records"]} == {"QUILLBYTE Ltd"}
    assert state["by_platform"] == [("QUILLBYTE Ltd", 2)]
    _ingest([feeds["court"], renamed], fresh, monkeypatch, tmp_path)
    assert _state(fresh) == state


@pytest.mark.parametrize(
    "names",
    [("Quillbyte", "Quillbyte Pay"), ("Quillbyte India", "Quillbyte France"), ("-", "—")],
)
def test_different_unknown_companies_stay_apart(names, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Only legal forms are dropped: a second word, a country or a name without letters keeps two apart.

    Each feed reports one equal fine, so a wrong key would also merge the two fines into one.
    """
    one, two = names
    first = _csv(tmp_path / "court.csv", COURT, [("c-1", "2021-04-06", one, "1000000")])
    second = _csv(tmp_path / "tracker.csv", TRACKER, [("t-1", "2021-04-06", two, "1000000")])
    warehouse = tmp_path / "w.duckdb"
    _ingest([first, second], warehouse, monkeypatch, tmp_path)
    assert _state(warehouse)["by_platform"] == sorted([(one, 1), (two, 1)])


def test_a_warehouse_stored_before_the_rule_is_set_right_by_its_next_load(
    feeds, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """Records left under their own spelling (as before the rule) are respelled by any later load."""
    warehouse, fresh = tmp_path / "w.duckdb", tmp_path / "fresh.duckdb"
    _ingest([feeds["court"], feeds["tracker"]], warehouse, monkeypatch, tmp_path)
    with duckdb.connect(str(warehouse)) as con:  # the court's record as an older load stored it
        con.execute(f"update {catalog.ACTION_SOURCES} set platform = platform_reported")
    other = _csv(tmp_path / "other.csv", "synthetic registry", [("r-1", "2023-05-01", "Zorblax", "5000")])
    _ingest([other], warehouse, monkeypatch, tmp_path)
    _ingest([feeds["court"], feeds["tracker"], other], fresh, monkeypatch, tmp_path)
    assert _state(warehouse)["records"] == _state(fresh)["records"]
    assert _state(warehouse)["by_platform"] == [("Quillbyte", 2), ("Zorblax", 1)]
