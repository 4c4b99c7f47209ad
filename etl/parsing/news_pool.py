"""The candidates of a news feed's items, read in worker processes when the feed is large.

Extraction (etl/parsing/news.py) is pure Python and bound by the CPU: about a third of a
millisecond per item that reports a fine, 15 CPU seconds for 20 MB of such items. A feed whose
items hold ``POOL_MIN_CHARS`` characters or more is read by ``workers`` processes, in chunks of
about ``CHUNK_CHARS`` characters; the candidates come back in item order, the same as reading
the items one by one in this process (which is what a smaller feed, or ``workers`` 1, does).

Workers are spawned, not forked: a fork would copy Polars' and DuckDB's threads in whatever
state they are in. On any error in this process (the feed's processing deadline, Ctrl-C) the
workers are killed, not waited for; a worker that dies fails the feed with one line.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from etl.errors import UserError
from etl.parsing.news import Candidate, extract_candidates

POOL_MIN_CHARS = 1_000_000  # below this (about 1 CPU s), starting workers (0.2 s each) saves little
CHUNK_CHARS = 250_000  # items sent to a worker at a time: about 0.2 CPU s of work

Texts = Sequence[tuple[str, str]]  # each item's title and summary


class WorkerDied(UserError, RuntimeError):
    """A worker process reading news items ended without an answer (killed, out of memory)."""


def extract_items(
    texts: Texts, *, workers: int = 1, min_chars: int = POOL_MIN_CHARS, chunk_chars: int = CHUNK_CHARS
) -> list[list[Candidate]]:
    """Each item's candidates (``extract_candidates`` of its title and summary), in item order.

    Args:
        texts: each item's title and summary.
        workers: processes to read in when the items hold ``min_chars`` characters or more.
        min_chars: the size from which workers are used.
        chunk_chars: characters of items sent to a worker at a time.

    Raises:
        WorkerDied: a worker process ended without answering.
    """
    size = sum(len(title) + len(summary) for title, summary in texts)
    chunks = list(_chunks(texts, chunk_chars))
    if workers <= 1 or size < min_chars or len(chunks) < 2:
        return _read(texts)
    context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(min(workers, len(chunks)), mp_context=context)
    try:
        # submit, not map: map cancels what is left when it fails, and a cancelled future then breaks
        # the executor's own clean-up of the killed workers (InvalidStateError in its thread)
        futures = [pool.submit(_read, chunk) for chunk in chunks]
        found = [candidates for future in futures for candidates in future.result()]
    except BaseException as error:
        _kill(pool)
        if isinstance(error, BrokenProcessPool):
            raise WorkerDied(
                "a worker process reading news items ended without an answer (killed or out of memory); "
                "FINES_PARSE_WORKERS=1 reads them in one process"
            ) from None
        raise
    pool.shutdown()
    return found


def _read(texts: Texts) -> list[list[Candidate]]:
    return [extract_candidates(title, summary) for title, summary in texts]


def _chunks(texts: Texts, chunk_chars: int) -> Iterator[Texts]:
    start, size = 0, 0
    for index, (title, summary) in enumerate(texts):
        size += len(title) + len(summary)
        if size >= chunk_chars:
            yield texts[start : index + 1]
            start, size = index + 1, 0
    if start < len(texts):
        yield texts[start:]


def _kill(pool: ProcessPoolExecutor) -> None:
    """Kill the workers; what they had queued fails with them (Python 3.14 has ``kill_workers``, 3.11 not)."""
    for process in list((pool._processes or {}).values()):  # noqa: SLF001 - shutdown() clears it
        process.kill()
    pool.shutdown(wait=False)
