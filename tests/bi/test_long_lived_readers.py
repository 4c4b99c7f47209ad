"""Long-lived readers in another process see each publish: new connections at once, pools at checkout."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from etl.config import BUNDLED_FEEDS, Settings
from etl.running import pipeline
from etl.sources.feeds import Feed
from tests.conftest import AS_OF

DATA = BUNDLED_FEEDS.parent
CSV = Feed(name="reference_sample", format="csv", location=str(DATA / "sample_actions.csv"))
JSONL = Feed(name="reference_jsonl", format="jsonl", location=str(DATA / "sample_actions.jsonl"))
ROOT = Path(__file__).resolve().parents[2]


def _start_reader(mode: str, warehouse: Path, go: Path) -> tuple[subprocess.Popen, dict]:
    reader = subprocess.Popen(
        [sys.executable, "-m", "tests.bi.long_lived_reader", mode, str(warehouse), str(go)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    line = reader.stdout.readline()
    if not line:
        pytest.fail(f"{mode} reader died: {reader.stderr.read()[-2000:]}")
    return reader, json.loads(line)


def _finish(reader: subprocess.Popen) -> dict:
    out, err = reader.communicate(timeout=120)
    assert reader.returncode == 0, err[-2000:]
    return json.loads(out.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def published_twice(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, dict, int]:
    """Both readers hold connections to the first state while this process publishes a second."""
    tmp_path = tmp_path_factory.mktemp("readers")
    settings = Settings(
        warehouse=tmp_path / "data" / "warehouse.duckdb", data_dir=tmp_path / "data", feeds_file=BUNDLED_FEEDS
    )
    pipeline.run(settings, [CSV], as_of=AS_OF)
    go = tmp_path / "published"
    readers = [_start_reader(mode, settings.warehouse, go) for mode in ("duckdb", "sqlalchemy")]
    pipeline.run(settings, [CSV, JSONL], as_of=AS_OF)
    go.touch()
    raw, pooled = (_finish(reader) for reader, _ in readers)
    with duckdb.connect(str(settings.warehouse), read_only=True) as con:
        after = con.execute("select count(*) from core.enforcement_actions").fetchall()[0][0]
    assert after == raw["before"] + 5  # the JSON Lines feed's five actions
    return raw, pooled, after


def test_new_duckdb_connection_sees_publish_while_a_held_one_keeps_its_snapshot(published_twice):
    """A process holding a connection: that one keeps the old state, a new one reads the new state at once."""
    raw, _, after = published_twice
    assert raw["held"] == raw["held_after"] == raw["before"]
    assert (raw["new_connection"]["count"], raw["new_connection"]["reads"]) == (after, 1)


def test_pool_with_refresh_on_checkout_hands_out_the_new_state_at_the_next_checkout(published_twice):
    """The first checkout after a publish reads it; a connection checked out across it keeps its snapshot."""
    _, pooled, after = published_twice
    assert (pooled["refresh_on_checkout"]["count"], pooled["refresh_on_checkout"]["reads"]) == (after, 1)
    assert pooled["checked_out"] == pooled["before"]
    assert pooled["checked_out_returned"] == after


def test_pool_recycle_alone_catches_up_within_its_recycle_time(published_twice):
    """With no code hook, ``pool_recycle`` bounds staleness: the 2 s setting caught up within about 2 s."""
    _, pooled, after = published_twice
    assert pooled["pool_recycle"]["count"] == after
    assert pooled["pool_recycle"]["seconds"] < 5
    assert pooled["plain_pool"] == pooled["before"]  # why pools need one of the two
