"""The shapes a run passes around: one feed's batch, and the report of a whole run."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date

from etl.loading.load import LoadResult


@dataclass
class RunReport:
    """What a run did, per feed, and the marts it built."""

    run_id: str
    as_of: date
    feeds: list[LoadResult] = field(default_factory=list)
    marts: dict[str, int] = field(default_factory=dict)

    @property
    def failed(self) -> list[LoadResult]:
        """Feeds whose batch was not applied."""
        return [result for result in self.feeds if result.status != "ok"]


@dataclass(frozen=True)
class Batch:
    """One feed's batch on its way to the warehouse, the same shape for ``fines`` and Airflow.

    ``preparation.parse_batch`` fills it (``actions_path``), ``preparation.convert_batch`` adds the
    conversion (``converted_path``, ``rates_path``); inside one process ``parse_batch`` does both
    in one pass and leaves ``actions_path`` None. Airflow tasks pass it between them as
    :meth:`to_dict`; inside one process it stays this object. Paths are strings so that the
    dict is plain JSON.
    """

    feed: str
    source_file: str
    rows_in: int
    duplicates: int
    actions_path: str | None  # None when parsing converted each slice too (one process)
    reject_paths: tuple[str, ...]
    converted_path: str | None = None
    rates_path: str | None = None
    fingerprint: str | None = None  # of the whole input (etl.running.unchanged); None: not stated

    def to_dict(self) -> dict[str, object]:
        """Plain values for XCom."""
        return {**asdict(self), "reject_paths": list(self.reject_paths)}

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> Batch:
        """The batch an Airflow task received as :meth:`to_dict`."""
        return cls(**{**data, "reject_paths": tuple(data["reject_paths"])})  # type: ignore[arg-type]
