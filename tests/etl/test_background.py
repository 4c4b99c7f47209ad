"""The converter's thread: slices in order, errors raised in the caller, the caller's context kept."""

from __future__ import annotations

import contextvars
import threading

import polars as pl
import pytest

from etl.running.background import BackgroundSink

SETTING: contextvars.ContextVar[str] = contextvars.ContextVar("setting", default="unset")


class Recorder:
    """A sink that keeps what it is given, and may fail on one slice or wait for a signal."""

    def __init__(self, *, fail_on: int | None = None, gate: threading.Event | None = None) -> None:
        self.rows, self.frames, self.settings, self.closed = 0, [], [], False
        self.fail_on, self.gate = fail_on, gate

    def write(self, frame: pl.DataFrame) -> None:
        if self.gate is not None:
            assert self.gate.wait(timeout=10), "the caller never went on while this slice was converted"
        if frame["n"][0] == self.fail_on:
            raise ValueError(f"slice {self.fail_on} breaks the converted contract")
        self.frames.append(frame)
        self.settings.append(SETTING.get())
        self.rows += frame.height

    def close(self) -> None:
        self.closed = True


def _slice(n: int) -> pl.DataFrame:
    return pl.DataFrame({"n": [n] * (n + 1)})


def test_slices_arrive_in_order_with_the_callers_context():
    SETTING.set("the caller's")
    recorder = Recorder()
    sink = BackgroundSink(recorder)
    for n in range(6):
        sink.write(_slice(n))
    sink.close()
    assert [frame["n"][0] for frame in recorder.frames] == list(range(6))
    assert sink.rows == sum(n + 1 for n in range(6)) and recorder.closed
    assert set(recorder.settings) == {"the caller's"}


def test_the_caller_goes_on_while_a_slice_is_converted():
    gate = threading.Event()
    recorder = Recorder(gate=gate)
    sink = BackgroundSink(recorder)
    sink.write(_slice(0))  # the worker takes it and waits for the gate
    sink.write(_slice(1))  # queued: the caller is not held up by the slice being converted
    gate.set()
    sink.close()
    assert recorder.rows == 3


def test_an_error_of_the_worker_is_raised_in_the_caller_and_later_slices_are_dropped():
    recorder = Recorder(fail_on=1)
    sink = BackgroundSink(recorder)

    def feed_all() -> None:
        try:
            for n in range(50):
                sink.write(_slice(n))
        finally:
            sink.close()  # as transform.run's finally does

    with pytest.raises(ValueError, match="slice 1 breaks the converted contract"):
        feed_all()
    sink.close()  # closed already: raises nothing more
    assert [frame["n"][0] for frame in recorder.frames] == [0] and recorder.closed
