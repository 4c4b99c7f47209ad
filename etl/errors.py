"""The one base class of errors a user can fix, and how any error is told in one line.

Kept free of imports beyond the standard library so that the command line can name it without
loading the pipeline.
"""

from __future__ import annotations

import sys

from etl.console.terminal import escape

DEBUG_HINT = "rerun with FINES_DEBUG=1 to see the traceback"
_LIMIT = 1000  # characters: an error is a line, not a dump of the data that caused it


class UserError(Exception):
    """A problem with the input, the settings or the warehouse, stated in one line that names it."""


def out_of_memory(error: BaseException | None) -> BaseException | None:
    """DuckDB's out-of-memory error behind ``error``, or None.

    An aborted transaction's follow-up error hides it in its context. DuckDB is not imported
    here: when no module has imported it, no error can be one of its.
    """
    duckdb = sys.modules.get("duckdb")
    while duckdb is not None and error is not None:
        if isinstance(error, duckdb.OutOfMemoryException):
            return error
        error = error.__cause__ or error.__context__
    return None


def first_line(error: BaseException) -> str:
    """The first line of an error's message, or "(no message)"."""
    text = str(error).strip()
    return text.splitlines()[0] if text else "(no message)"


def _flat(text: str) -> str:
    line = " ".join(part.strip() for part in text.splitlines() if part.strip())
    line = escape(line)
    return line if len(line) <= _LIMIT else line[: _LIMIT - 3] + "..."


def describe(error: BaseException) -> str:
    """One line saying what went wrong, with control characters from the data escaped.

    A :class:`UserError` says it all in its message. A file system error names the path and the
    reason. DuckDB running out of memory names the setting that bounds it. Anything else is a
    defect of ours: its type and message, with a hint to see the traceback.
    """
    if isinstance(error, UserError):
        return _flat(str(error))
    memory = out_of_memory(error)
    if memory is not None:  # the settings' to fix, not ours: FINES_DUCKDB_MEMORY too small for the work
        reason = first_line(memory)
        return _flat(f"DuckDB ran out of memory ({reason}); nothing was published: raise FINES_DUCKDB_MEMORY")
    if isinstance(error, OSError) and error.strerror:
        where = f"{error.filename}: " if error.filename is not None else ""
        if error.filename2 is not None:
            where = f"{error.filename} -> {error.filename2}: "
        return _flat(f"{where}{error.strerror.lower()}")
    message = _flat(str(error)) or "(no message)"
    return f"unexpected {type(error).__name__}: {message} ({DEBUG_HINT})"
