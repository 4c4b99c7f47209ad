"""Workers that time one stage of the pipeline each, plus the one that writes a synthetic feed.

Each runs in its own child process (``python -m bench.run --worker NAME``; ``bench/run.py``
dispatches on the name after ``w_``). A stage reads the Parquet the previous stage wrote
(not timed) and times only its own call.
"""

from __future__ import annotations

from pathlib import Path

from bench.child import AS_OF, FEED, Timer, _feed, _stage_result, _where
from etl.loading import models


def w_generate(spec: dict) -> dict:
    from bench.generate import generate

    return generate(Path(spec["csv"]), spec["rows"], seed=spec["seed"], start=spec["start"])


def w_floor(spec: dict) -> dict:
    import duckdb

    db = Path(spec["db"])
    db.unlink(missing_ok=True)
    con = duckdb.connect(str(db))
    options = "header = true, all_varchar = true" if spec["all_varchar"] else "header = true"
    with Timer() as timer:
        con.execute(f"create table actions_raw as select * from read_csv(?, {options})", [spec["csv"]])
    rows = con.execute("select count(*) from actions_raw").fetchone()[0]
    con.close()
    db.unlink(missing_ok=True)
    return _stage_result(timer, rows=rows, duckdb=duckdb.__version__)


def w_read(spec: dict) -> dict:
    from etl.parsing import transform

    csv, out = Path(spec["csv"]), Path(spec["dir"])
    feed = _feed(csv)
    with Timer() as timer:
        raw = transform.read_feed(csv, feed=feed)
        transform.check_columns(raw, feed=feed, where=_where(csv))
        if hasattr(transform, "split_extraction_issues"):
            raw, _ = transform.split_extraction_issues(raw)
        parsed = transform.parse_rows(raw, feed=feed, as_of=AS_OF)
    parsed.write_parquet(out / "parsed.parquet")
    return _stage_result(timer, rows=raw.height)


def w_validate(spec: dict) -> dict:
    import polars as pl

    from etl.parsing.validate import split_valid
    from schemas.enforcement_actions import ParsedEnforcementAction

    out = Path(spec["dir"])
    parsed = pl.read_parquet(out / "parsed.parquet")
    with Timer() as timer:
        valid, rejected = split_valid(parsed, ParsedEnforcementAction, stage="parse", where=spec["csv"])
    valid.write_parquet(out / "parsed_valid.parquet")
    rejected.write_parquet(out / "rejects_parse.parquet")
    return _stage_result(timer, rows=parsed.height, rejected=rejected.height)


def w_normalize(spec: dict) -> dict:
    import polars as pl

    from etl.parsing import transform
    from etl.parsing.validate import split_valid
    from schemas.enforcement_actions import EnforcementAction

    out = Path(spec["dir"])
    parsed = pl.read_parquet(out / "parsed_valid.parquet")
    with Timer() as timer:
        aliases, owners = transform.load_tables()
        normalized = transform.normalize(parsed, aliases=aliases, owners=owners)
        actions, duplicates, conflicts = transform.drop_duplicates(normalized)
        valid, rejected = split_valid(actions, EnforcementAction, stage="normalize", where=spec["csv"])
        rejected = pl.concat([conflicts, rejected])
    valid.write_parquet(out / "actions.parquet")
    rejected.write_parquet(out / "rejects_normalize.parquet")
    return _stage_result(timer, rows=parsed.height, duplicates=duplicates, rejected=rejected.height)


def w_prepare(spec: dict) -> dict:
    from etl.config import load_settings
    from etl.loading import load, stored_rates
    from etl.money import rates

    out = Path(spec["dir"])
    (out / "warehouse.duckdb").unlink(missing_ok=True)
    settings = load_settings()
    with Timer() as timer:
        rates_path = rates.rates_for_run(settings)  # the run's rates, then migrate and load them
        con = load.connect(settings.warehouse)
        load.migrate(con)
        stored_rates.load_rates(con, rates_path)
        con.close()
    return _stage_result(timer, rates_path=str(rates_path))


def w_convert(spec: dict) -> dict:
    import etl.parsing.validate  # noqa: F401 - fx.run imports these lazily; keep import time out of the timing
    import schemas.enforcement_actions  # noqa: F401
    from etl.money import fx

    out = Path(spec["dir"])
    with Timer() as timer:
        result = fx.run(out / "actions.parquet", Path(spec["rates_path"]), out_dir=out, where=spec["csv"])
    return _stage_result(timer, **result)


def w_load(spec: dict) -> dict:
    from etl.loading import load

    out = Path(spec["dir"])
    con = load.connect(out / "warehouse.duckdb")  # migrated, with rates: see w_prepare
    with Timer() as timer:
        result = load.load_batch(
            con,
            feed=FEED,
            run_id="run_bench_stages",
            batch_date=AS_OF,
            source_file=spec["csv"],
            converted_path=out / "converted.parquet",
            reject_paths=[
                out / "rejects_parse.parquet",
                out / "rejects_normalize.parquet",
                out / "convert_rejects.parquet",
            ],
            rows_in=spec["rows"],
            duplicates=spec["duplicates"],
            threshold=0.5,
        )
    con.close()
    return _stage_result(timer, result=result.as_dict())


def w_marts(spec: dict) -> dict:
    import schemas.marts  # noqa: F401 - build_marts imports it lazily; keep import time out of the timing
    from etl.loading import load

    con = load.connect(Path(spec["dir"]) / "warehouse.duckdb")
    with Timer() as timer:
        counts = models.build_marts(con)
    con.close()
    return _stage_result(timer, marts=counts)
