"""Runs never collide: keys unique across DAGs, work files renamed into place, no future batch.

Airflow's run id is unique only within one DAG: scheduled runs of every DAG share
``scheduled__2026-12-01T00:00:00+00:00``. These tests run the steps the DAG tasks call (real
files, a real DuckDB warehouse) with two DAG ids and the same run id, and end with
``airflow dags test`` of two ingest DAGs and ``fines_pipeline`` on one logical date.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import pendulum
import polars as pl
import pytest

from etl.config import Settings
from etl.parsing.slices import PartWriter
from etl.running import pipeline, steps
from etl.sources.feeds import enabled_feeds
from etl.sources.workfiles import PARTIAL, staged_files
from tests.conftest import write_registry
from tests.dags.conftest import airflow_env, new_airflow_home

DATA = Path(__file__).parents[2] / "etl" / "data"
SCHEDULED = "scheduled__2026-12-01T00:00:00+00:00"
AS_OF = date(2026, 11, 30)


@pytest.fixture
def registry(settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Two feeds of real sample data (CSV and JSON Lines)."""
    path = write_registry(
        tmp_path / "feeds.toml",
        {
            "csv_feed": {"format": "csv", "location": str(DATA / "sample_actions.csv")},
            "jsonl_feed": {"format": "jsonl", "location": str(DATA / "sample_actions.jsonl")},
        },
    )
    monkeypatch.setenv("FINES_FEEDS", str(path))
    return path


def _task_chain(feed: str, *, dag_id: str, run_id: str = SCHEDULED) -> dict:
    """Extract -> transform -> convert of one feed, as an ingest DAG's tasks call them."""
    landed = steps.extract(feed, as_of=AS_OF)
    parsed = steps.transform_batch(landed, as_of=AS_OF, run_id=run_id, dag_id=dag_id)
    return steps.convert_feed_batch(parsed, run_id=run_id)


def _run_log(settings: Settings) -> list[tuple]:
    with duckdb.connect(str(settings.warehouse), read_only=True) as con:
        return con.execute(
            "select run_id, feed, status, dag_id, dag_run_id, rows_in from ops.run_log order by all"
        ).fetchall()


def test_run_key_is_unique_across_dags_and_the_same_for_every_try():
    """Same Airflow run id, two DAGs: two keys; the same DAG and run: one key; lookalike ids stay apart."""
    a, b = steps.run_key(SCHEDULED, dag_id="ingest_a"), steps.run_key(SCHEDULED, dag_id="ingest_b")
    assert a != b and a == steps.run_key(SCHEDULED, dag_id="ingest_a")
    assert steps.run_key("x:1", dag_id="d") != steps.run_key("x_1", dag_id="d")
    assert all(c.isalnum() or c in "_.-" for c in a) and a.startswith("ingest_a__scheduled__2026-12-01")


def test_two_dags_with_one_run_id_write_distinct_work_folders_and_keep_both_run_logs(
    settings: Settings, registry: Path
):
    """ingest_csv_feed and fines_pipeline on the same schedule: separate work files, every run-log row kept."""
    alone = _task_chain("csv_feed", dag_id="ingest_csv_feed")
    steps.load_and_publish([alone], as_of=AS_OF, run_id=SCHEDULED, dag_id="ingest_csv_feed")
    together = [_task_chain(feed, dag_id="fines_pipeline") for feed in ("csv_feed", "jsonl_feed")]
    assert Path(alone["converted_path"]).parent != Path(together[0]["converted_path"]).parent
    steps.load_and_publish(together, as_of=AS_OF, run_id=SCHEDULED, dag_id="fines_pipeline")

    rows = _run_log(settings)
    assert [(feed, dag) for _, feed, _, dag, _, _ in rows] == [
        ("csv_feed", "fines_pipeline"),
        ("jsonl_feed", "fines_pipeline"),
        ("csv_feed", "ingest_csv_feed"),
    ]
    assert {run_id for *_, run_id, _ in rows} == {SCHEDULED}  # Airflow's own id, kept alongside
    assert len({key for key, *_ in rows}) == 2
    # The first DAG's work files were not overwritten by the second's.
    assert pl.read_parquet(alone["converted_path"]).height > 0


def test_a_retried_load_replaces_its_own_run_log_row_and_a_replay_keeps_the_dag(
    settings: Settings, registry: Path
):
    """Another try of the same DAG run's load rewrites its own rows; `fines run --replay KEY` too."""
    batch = _task_chain("csv_feed", dag_id="ingest_csv_feed")
    for _ in range(2):
        steps.load_and_publish([batch], as_of=AS_OF, run_id=SCHEDULED, dag_id="ingest_csv_feed")
    (row,) = _run_log(settings)
    key, feed, status, dag_id, dag_run_id, rows_in = row
    assert (feed, status, dag_id, dag_run_id) == ("csv_feed", "ok", "ingest_csv_feed", SCHEDULED)

    report = pipeline.replay(settings, enabled_feeds(registry), run_id=key)
    assert [r.status for r in report.feeds] == ["ok"]
    assert _run_log(settings) == [row]


def test_a_failure_recorded_by_the_callback_does_not_replace_another_dags_row(
    settings: Settings, registry: Path
):
    """The failure callback of one DAG writes under its own key, next to another DAG's ok row."""
    batch = _task_chain("csv_feed", dag_id="ingest_csv_feed")
    steps.load_and_publish([batch], as_of=AS_OF, run_id=SCHEDULED, dag_id="ingest_csv_feed")
    steps.record_task_failure(["csv_feed"], run_id=SCHEDULED, dag_id="fines_pipeline", as_of=AS_OF, error="x")
    assert sorted((dag, status) for _, _, status, dag, _, _ in _run_log(settings)) == [
        ("fines_pipeline", "failed"),
        ("ingest_csv_feed", "ok"),
    ]


def test_a_work_file_is_replaced_whole_or_not_at_all(
    settings: Settings, registry: Path, monkeypatch: pytest.MonkeyPatch
):
    """A write that fails half way (disk full) leaves the previous complete files and no partial folder."""
    first = steps.transform_batch(steps.extract("csv_feed", as_of=AS_OF), as_of=AS_OF, run_id="r")
    before = {p: Path(p).read_bytes() for p in [first["actions_path"], *first["reject_paths"]]}
    real_write, calls = PartWriter.write, []

    def disk_full_on_second_file(writer: PartWriter, frame: pl.DataFrame) -> None:
        calls.append(writer.path)
        if len(calls) == 2:  # the second file of the batch: rejects after actions
            writer.path.write_bytes(b"PAR1 truncated")
            raise OSError(28, "No space left on device")
        real_write(writer, frame)

    monkeypatch.setattr(PartWriter, "write", disk_full_on_second_file)
    with pytest.raises(OSError, match="No space left"):
        steps.transform_batch(steps.extract("csv_feed", as_of=AS_OF), as_of=AS_OF, run_id="r")
    assert {p: Path(p).read_bytes() for p in before} == before
    work = Path(first["actions_path"]).parent
    assert not list(work.glob(f"{PARTIAL}*"))


def test_a_partial_folder_left_by_a_killed_process_is_removed_next_time(tmp_path: Path):
    """Kill -9 mid-write leaves a private folder; the next write there removes it (its pid is gone)."""
    killed = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=True
    )
    import socket

    left = tmp_path / f"{PARTIAL}{socket.gethostname()}-{killed.stdout.strip()}-abc"
    left.mkdir(parents=True)
    (left / "actions.parquet").write_bytes(b"half")
    ours = tmp_path / f"{PARTIAL}{socket.gethostname()}-{os.getpid()}-live"
    ours.mkdir()
    with staged_files(tmp_path) as staging:
        (staging / "actions.parquet").write_bytes(b"whole")
    assert (tmp_path / "actions.parquet").read_bytes() == b"whole"
    assert not left.exists() and ours.exists()  # a live process's folder is left alone


@dataclass
class _TI:
    dag_id: str = "ingest_demo"


@dataclass
class _Run:
    run_after: pendulum.DateTime = pendulum.datetime(2026, 12, 1, 0, 5, tz="UTC")


def test_a_future_as_of_param_is_refused_in_one_line(dagbag):
    """as_of after the run's own date (run_after) fails the task at once; up to that day it is taken."""
    import fines_defaults

    def context(as_of: str | None) -> dict:
        return {"params": {"as_of": as_of}, "dag_run": _Run(), "ti": _TI(), "run_id": SCHEDULED}

    assert fines_defaults.run_date(context("2026-12-01")) == date(2026, 12, 1)
    assert fines_defaults.run_date(context(None)) == date(2026, 12, 1)
    with pytest.raises(fines_defaults.FutureRunDate) as refused:
        fines_defaults.run_date(context("2027-06-01"))
    assert str(refused.value) == (
        "as_of 2027-06-01 is after this run's date 2026-12-01 (dag_run.run_after): "
        "a batch cannot be dated in the future"
    )
    from airflow.sdk.exceptions import AirflowFailException

    assert isinstance(refused.value, AirflowFailException)  # no retries: they cannot help


@pytest.mark.parametrize(
    "command", [["run"], ["ingest", str(DATA / "sample_actions.csv"), "--format", "csv"]]
)
def test_cli_refuses_a_future_as_of_in_one_line(settings: Settings, command: list[str]):
    """`fines run|ingest --as-of <tomorrow>` exits non-zero with one error line; nothing is written."""
    tomorrow = date.fromordinal(date.today().toordinal() + 1).isoformat()
    done = subprocess.run(
        [sys.executable, "-m", "etl.console.cli", *command, "--as-of", tomorrow],
        capture_output=True, text=True, env={**os.environ}, check=False,
    )  # fmt: skip
    errors = [line for line in done.stderr.splitlines() if "error" in line]
    assert done.returncode != 0 and "Traceback" not in done.stderr
    expected = f"argument --as-of: {tomorrow} is in the future (today is {date.today()})"
    assert len(errors) == 1 and expected in errors[0], done.stderr
    assert not settings.warehouse.exists()


# `airflow dags test` names its run after the wall clock, whatever logical date it is given;
# DAG.test(run_after=...) is what it calls, with the run date (so the run id) fixed.
DAG_TEST = """
import json, sys
import pendulum
from airflow.utils.cli import get_bagged_dag
dag = get_bagged_dag(bundle_names=None, dag_id=sys.argv[1])
run = dag.test(run_after=pendulum.parse(sys.argv[2]), run_conf=json.loads(sys.argv[3]))
print("run", run.run_id, run.state)
sys.exit(0 if run.state == "success" else 1)
"""


@pytest.mark.integration
def test_dag_runs_of_two_ingest_dags_and_the_pipeline_with_one_run_id_keep_every_record(
    tmp_path: Path, migrated_db: Path
):
    """Two ingest DAGs and fines_pipeline run with the same run id (DAG.test): all 4 run-log rows, 3 work folders."""
    env = airflow_env(new_airflow_home(tmp_path, migrated_db), tmp_path / "data")
    feeds = ["reference_sample", "reference_jsonl"]
    run_after = "2026-11-20T06:00:00+00:00"
    for dag_id in [*(f"ingest_{feed}" for feed in feeds), "fines_pipeline"]:
        conf = json.dumps({"as_of": "2026-11-20", **({"feeds": feeds} if dag_id == "fines_pipeline" else {})})
        run = subprocess.run(
            [sys.executable, "-c", DAG_TEST, dag_id, run_after, conf],
            env=env, capture_output=True, text=True, timeout=600, check=False,
        )  # fmt: skip
        assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    with duckdb.connect(env["FINES_WAREHOUSE"], read_only=True) as con:
        rows = con.execute("select dag_id, dag_run_id, feed, status from ops.run_log order by all").fetchall()
    assert {run_id for _, run_id, _, _ in rows} == {f"manual__{run_after}"}  # one run id for all three
    assert sorted((dag, feed) for dag, _, feed, _ in rows) == sorted(
        [("ingest_reference_sample", "reference_sample"), ("ingest_reference_jsonl", "reference_jsonl")]
        + [("fines_pipeline", feed) for feed in feeds]
    )
    assert {status for *_, status in rows} == {"ok"}
    assert len(list((tmp_path / "data" / "work").iterdir())) == 3  # one work folder per DAG run
