"""Run the next step of a slice pipeline on a thread of its own, one slice behind the step before.

``fines run`` parses and validates a slice, then converts it (:class:`etl.money.fx.Converter`).
Done one after the other, the machine's second core idles through much of each; with the
converter on its own thread, slice *n* is converted while slice *n + 1* is parsed. At most one
slice waits between the two, so memory stays bounded by the slice size, as before.

The thread runs in a copy of the caller's context (:mod:`contextvars`), so what the steps read
from it (the processing deadline, validation settings) is what they would read in the caller.
"""

from __future__ import annotations

import contextvars
import queue
import threading

import polars as pl

from etl.parsing.slices import Sink

_DONE = None  # put on the queue after the last slice


class BackgroundSink:
    """A :class:`etl.parsing.slices.Sink` that hands each slice to ``sink`` on a worker thread.

    An error of ``sink`` is raised in the caller, by the next ``write`` or by ``close``; slices
    given after it are not passed on. ``close`` waits for the worker and closes ``sink``.
    """

    def __init__(self, sink: Sink, *, name: str = "next step") -> None:
        self.sink = sink
        self._slices: queue.Queue[pl.DataFrame | None] = queue.Queue(maxsize=1)
        self._error: BaseException | None = None  # the worker's error, until the caller raises it
        self._failed = False  # from the worker's first error on, slices are no longer passed on
        self._closed = False
        context = contextvars.copy_context()
        self._thread = threading.Thread(target=context.run, args=(self._work,), name=name, daemon=True)
        self._thread.start()

    @property
    def rows(self) -> int:
        """Rows the wrapped sink has taken so far."""
        return self.sink.rows

    def _work(self) -> None:
        while (frame := self._slices.get()) is not _DONE:
            if not self._failed:
                try:
                    self.sink.write(frame)
                except BaseException as error:  # noqa: BLE001 - handed to the caller, which raises it
                    self._error, self._failed = error, True

    def _raise(self) -> None:
        if self._error is not None:
            error, self._error = self._error, None
            raise error

    def write(self, frame: pl.DataFrame) -> None:
        """Queue one slice (waiting while the worker is still on the one before); raise its earlier error."""
        self._raise()
        self._slices.put(frame)

    def close(self) -> None:
        """Wait for the queued slices, close the wrapped sink, and raise any error of the worker."""
        if self._closed:
            return
        self._closed = True
        self._slices.put(_DONE)
        self._thread.join()
        try:
            self._raise()
        finally:
            self.sink.close()
