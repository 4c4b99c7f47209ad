"""The per-feed processing deadline: parsing and validating one feed may take so long, no longer.

:func:`processing_deadline` bounds a block of work in two ways:

- **Preemptive**, when it can: in the main thread of a POSIX process (``fines``, an Airflow
  task: its ``execution_timeout`` timer is borrowed and given back with its time left), a
  ``SIGALRM`` timer raises
  :class:`DeadlineExceeded` in the middle of pure-Python work, such as a slow news parser,
  and repeats every quarter second until the block ends, should code in the way swallow it.
  Native code (a long Polars call) is interrupted as soon as it returns to Python.
- **Cooperative**, always: long loops may call :func:`check_deadline` between slices; and when
  the block ends after its deadline (the timer could not be armed, or its exception was
  swallowed on the way) the block still fails.

Either way the feed fails alone with one line naming it and the limit.
"""

from __future__ import annotations

import contextvars
import signal
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from etl.errors import UserError


class DeadlineExceeded(UserError, TimeoutError):
    """A feed's processing ran past its deadline; the message names the feed and the limit."""


@dataclass(frozen=True)
class _Due:
    feed: str
    seconds: float
    at: float  # time.monotonic() deadline

    def error(self) -> DeadlineExceeded:
        return DeadlineExceeded(
            f"feed {self.feed}: processing exceeded the deadline of {self.seconds:g} s "
            "(process_deadline in the registry, FINES_PROCESS_DEADLINE)"
        )


_REPEAT_S = 0.25  # the alarm repeats this often after the deadline until the block ends
_CURRENT: contextvars.ContextVar[_Due | None] = contextvars.ContextVar("processing_deadline", default=None)


def check_deadline() -> None:
    """Raise when the current feed's processing deadline has passed (no-op outside a deadline).

    Raises:
        DeadlineExceeded: naming the feed and the limit.
    """
    due = _CURRENT.get()
    if due is not None and time.monotonic() >= due.at:
        raise due.error()


def _timer_to_borrow(seconds: float) -> tuple[float, float] | None:
    """The interval timer as it is now, when this block may borrow it; None when it may not.

    Only the main thread receives SIGALRM. A timer already armed (Airflow's
    ``execution_timeout`` uses it) is borrowed only when it would fire after this deadline,
    and given back with the time it had left.
    """
    if not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        return None
    outer = signal.getitimer(signal.ITIMER_REAL)
    return outer if outer[0] == 0.0 or outer[0] > seconds else None


def _quiet(hook):  # noqa: ANN001, ANN202 - sys.unraisablehook's own signature
    """An unraisable-hook that drops an alarm landing in a garbage-collector callback.

    Such an alarm cannot propagate; the repeating timer interrupts the work again right after,
    so there is nothing to report but a confusing "Exception ignored" traceback.
    """

    def hook_without_deadlines(unraisable) -> None:  # noqa: ANN001
        if not isinstance(unraisable.exc_value, DeadlineExceeded):
            hook(unraisable)

    return hook_without_deadlines


def _disarm(previous: object, outer: tuple[float, float], started: float) -> None:
    """Stop the timer, put the previous handler back and re-arm a borrowed timer with its time left."""
    while True:
        try:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)  # type: ignore[arg-type]
            if outer[0]:
                left = max(outer[0] - (time.monotonic() - started), 0.001)
                signal.setitimer(signal.ITIMER_REAL, left, outer[1])
            return
        except DeadlineExceeded:
            continue  # cannot happen once ``done`` is set; kept so that disarming always completes


@contextmanager
def processing_deadline(feed: str, seconds: float) -> Iterator[None]:
    """Bound the processing of one feed to ``seconds`` of wall-clock time.

    Args:
        feed: the feed's name, for the message.
        seconds: the limit (> 0).

    Raises:
        DeadlineExceeded: the block ran past the limit.
        ValueError: ``seconds`` is not positive.
    """
    if not seconds > 0:
        raise ValueError(f"feed {feed}: the processing deadline must be > 0 s, got {seconds!r}")
    due = _Due(feed, seconds, time.monotonic() + seconds)
    token = _CURRENT.set(due)
    fired: list[bool] = []
    done = [False]  # set first thing when the block ends: from then on the alarm does nothing

    def on_alarm(signum: int, frame: object) -> None:
        if done[0]:
            return
        fired.append(True)
        raise due.error()

    outer = _timer_to_borrow(seconds)
    armed, started = outer is not None, time.monotonic()
    previous = signal.signal(signal.SIGALRM, on_alarm) if armed else None
    hook = sys.unraisablehook
    if armed:  # repeats until disarmed, in case code in the way swallows the first one
        sys.unraisablehook = _quiet(hook)
        signal.setitimer(signal.ITIMER_REAL, seconds, _REPEAT_S)
    try:
        yield
    except BaseException as error:
        done[0] = True
        if fired and not isinstance(error, DeadlineExceeded):  # turned into another error
            raise due.error() from None
        raise
    finally:
        done[0] = True
        if armed:
            _disarm(previous, outer, started)  # type: ignore[arg-type]
            sys.unraisablehook = hook
        _CURRENT.reset(token)
    if fired or time.monotonic() >= due.at:
        raise due.error()
