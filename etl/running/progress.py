"""Progress of a run, per feed and stage: a live display on a terminal, plain lines elsewhere.

:mod:`etl.running.pipeline` calls a :class:`Progress` at each stage boundary (fetch, parse, validate
and convert, load, then the marts). ``fines run`` and ``fines ingest`` pick one with
:func:`for_output`: a rich live display when the output is a terminal, one plain line per event
when it is not (CI logs, a pipe), nothing with ``--quiet``. Airflow tasks and library callers
get :data:`SILENT` and keep their plain logging. Only the standard library is imported here;
rich loads only when a terminal will show it, so the command starts fast.
"""

from __future__ import annotations

import sys
from typing import TextIO

# Stage names as shown; a run goes through them in this order.
STAGES = ("fetch", "parse+validate+convert", "load", "marts")
RUN = "run"  # the name shown for stages of the whole run (the marts), not of one feed


class Progress:
    """Where a run reports its progress. This base class reports nothing (``--quiet``, Airflow)."""

    def begin(self, feeds: list[str]) -> None:
        """A run over these feeds starts."""

    def stage(self, feed: str | None, stage: str) -> None:
        """``feed`` (None: the whole run) enters ``stage`` (one of :data:`STAGES`)."""

    def finish(self, feed: str | None, outcome: str) -> None:
        """``feed`` (None: the whole run) is done: ``ok``, ``failed``, ``circuit_open``..."""

    def close(self) -> None:
        """The run is over (successfully or not): release the display."""


SILENT = Progress()


class LogLines(Progress):
    """One plain line per event, for output that is not a terminal (CI, Airflow, a pipe)."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.feeds: list[str] = []

    def _line(self, text: str) -> None:
        from etl.console.terminal import escape

        self.stream.write(f"progress: {escape(text)}\n")
        self.stream.flush()

    def begin(self, feeds: list[str]) -> None:  # noqa: D102
        self.feeds = list(feeds)
        self._line(f"{len(feeds)} feed(s): {', '.join(feeds) or '-'}")

    def stage(self, feed: str | None, stage: str) -> None:  # noqa: D102
        position = f" ({self.feeds.index(feed) + 1}/{len(self.feeds)})" if feed in self.feeds else ""
        self._line(f"{feed or RUN}{position}: {stage}")

    def finish(self, feed: str | None, outcome: str) -> None:  # noqa: D102
        self._line(f"{feed or RUN}: {outcome}")


class Live(Progress):
    """A rich live display: one line per feed with its stage, and a bar over every stage of the run."""

    def __init__(self, stream: TextIO) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, SpinnerColumn, TextColumn
        from rich.progress import Progress as RichProgress

        self.display = RichProgress(
            SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
            console=Console(file=stream), transient=False,
        )  # fmt: skip
        self.tasks: dict[str, object] = {}

    def _task(self, name: str) -> object:
        if name not in self.tasks:
            self.tasks[name] = self.display.add_task(self._describe(name, "waiting"), total=len(STAGES))
        return self.tasks[name]

    def _describe(self, name: str, text: str) -> str:
        from rich.markup import escape as markup_escape

        from etl.console.terminal import escape

        return markup_escape(f"{escape(name)}: {text}")

    def begin(self, feeds: list[str]) -> None:  # noqa: D102
        self.display.start()
        for feed in [*feeds, RUN]:
            self.display.update(self._task(feed), description=self._describe(feed, "waiting"))

    def stage(self, feed: str | None, stage: str) -> None:  # noqa: D102
        name = feed or RUN
        done = STAGES.index(stage) if stage in STAGES else 0
        self.display.update(self._task(name), completed=done, description=self._describe(name, stage))

    def finish(self, feed: str | None, outcome: str) -> None:  # noqa: D102
        name = feed or RUN
        self.display.update(
            self._task(name), completed=len(STAGES), description=self._describe(name, outcome)
        )

    def close(self) -> None:  # noqa: D102
        self.display.stop()


def for_output(stream: TextIO | None = None, *, quiet: bool = False) -> Progress:
    """The progress display that fits ``stream`` (default: standard error).

    Args:
        stream: where progress goes; results stay on standard output.
        quiet: show nothing.

    Returns:
        :data:`SILENT` when quiet, :class:`Live` on a terminal, else :class:`LogLines`.
    """
    stream = stream if stream is not None else sys.stderr
    if quiet:
        return SILENT
    return Live(stream) if stream.isatty() else LogLines(stream)
