"""Progress per feed and stage: a live display on a terminal, plain lines otherwise, nothing with --quiet.

The end-to-end tests run the installed ``fines`` entry point on the bundled sample feed, once
with its output on a real pseudo-terminal and once on pipes.
"""

from __future__ import annotations

import io
import os
import pty
import select
import subprocess
import sys
from pathlib import Path

import pytest

from etl.running import progress

FINES = Path(sys.executable).parent / "fines"
SAMPLE = Path(__file__).resolve().parents[2] / "etl" / "data" / "sample_actions.csv"
AS_OF = "2026-11-29"


def _events(shown: progress.Progress) -> None:
    shown.begin(["alpha", "beta\x1b[2J"])
    for stage in progress.STAGES[:-1]:
        shown.stage("alpha", stage)
    shown.finish("alpha", "ok")
    shown.stage("beta\x1b[2J", "fetch")
    shown.finish("beta\x1b[2J", "failed")
    shown.stage(None, "marts")
    shown.finish(None, "published")
    shown.close()


def test_plain_lines_when_the_output_is_not_a_terminal():
    """A pipe gets one escaped 'progress:' line per event, with the feed's position in the run."""
    out = io.StringIO()
    shown = progress.for_output(out)
    assert isinstance(shown, progress.LogLines)
    _events(shown)
    lines = out.getvalue().splitlines()
    assert lines[0] == "progress: 2 feed(s): alpha, beta\\x1b[2J"
    stages = len(progress.STAGES) - 1
    assert lines[1 : 1 + stages] == [f"progress: alpha (1/2): {stage}" for stage in progress.STAGES[:-1]]
    assert "progress: beta\\x1b[2J (2/2): fetch" in lines and "progress: beta\\x1b[2J: failed" in lines
    assert lines[-2:] == ["progress: run: marts", "progress: run: published"]
    assert "\x1b" not in out.getvalue()


def test_quiet_shows_nothing_even_on_a_terminal():
    """--quiet: the silent reporter, whatever the stream."""
    main, replica = pty.openpty()
    with os.fdopen(replica, "w") as terminal:
        assert progress.for_output(terminal, quiet=True) is progress.SILENT
    os.close(main)


def _read_all(fd: int, timeout: float = 1.0) -> bytes:
    chunks = []
    while select.select([fd], [], [], timeout)[0]:  # EOF and EIO end the loop below
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # the other side closed
            break
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks)


def test_live_display_on_a_terminal_names_each_feed_and_outcome():
    """A real pseudo-terminal gets rich's display with every feed, its outcome, escaped names."""
    main, replica = pty.openpty()
    with os.fdopen(replica, "w") as terminal:
        shown = progress.for_output(terminal)
        assert isinstance(shown, progress.Live)
        _events(shown)
    screen = _read_all(main).decode("utf-8", "replace")
    os.close(main)
    assert "alpha: ok" in screen and "beta\\x1b[2J: failed" in screen and "run: published" in screen
    assert "\x1b[2J" not in screen  # the feed name's escape sequence never reaches the terminal


def test_progress_module_does_not_import_rich():
    """Importing the module (as the pipeline does) leaves rich unloaded: it loads for a terminal only."""
    code = "import sys, etl.running.progress; print('rich' in sys.modules)"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == "False"


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """An environment with its own data folder and warehouse."""
    return {
        **os.environ,
        "FINES_DATA_DIR": str(tmp_path / "data"),
        "FINES_WAREHOUSE": str(tmp_path / "w.duckdb"),
    }


def test_ingest_on_pipes_logs_every_stage_and_quiet_logs_none(env: dict[str, str]):
    """Not a terminal: 'progress:' lines on stderr for fetch ... marts; results stay on stdout; --quiet: none."""
    args = [str(FINES), "ingest", str(SAMPLE), "--format", "csv", "--feed", "sample", "--as-of", AS_OF]
    shown = subprocess.run(args, capture_output=True, text=True, env=env, timeout=300, check=False)
    assert shown.returncode == 0, shown.stderr
    lines = [line for line in shown.stderr.splitlines() if line.startswith("progress: ")]
    stages = ["fetch", "parse+validate+convert", "load"]
    assert lines == [
        "progress: 1 feed(s): sample",
        *[f"progress: sample (1/1): {stage}" for stage in stages],
        "progress: sample: ok",
        "progress: run: marts",
        "progress: run: published",
    ]
    assert "progress" not in shown.stdout and "Fines by platform" in shown.stdout
    quiet = subprocess.run(
        [*args, "--quiet"], capture_output=True, text=True, env=env, timeout=300, check=False
    )
    assert quiet.returncode == 0 and "progress" not in quiet.stderr + quiet.stdout
    assert "Fines by platform" in quiet.stdout


def test_run_on_a_terminal_shows_the_live_display(env: dict[str, str], tmp_path: Path):
    """`fines run` with a pseudo-terminal as its output: rich draws each feed's line, then the results."""
    registry = tmp_path / "feeds.toml"
    registry.write_text(f'[feeds.sample]\nformat = "csv"\nlocation = "{SAMPLE}"\n', encoding="utf-8")
    main, replica = pty.openpty()
    process = subprocess.Popen(
        [str(FINES), "run", "--config", str(registry), "--as-of", AS_OF],
        stdin=subprocess.DEVNULL, stdout=replica, stderr=replica, env={**env, "TERM": "xterm"},
    )  # fmt: skip
    os.close(replica)
    chunks = []
    while process.poll() is None:  # keep draining, or the child blocks on a full terminal buffer
        chunks.append(_read_all(main, timeout=0.2))
    chunks.append(_read_all(main, timeout=0.2))
    os.close(main)
    screen = b"".join(chunks).decode("utf-8", "replace")
    assert process.returncode == 0, screen[-2000:]
    assert "sample: ok" in screen and "run: published" in screen and "Fines by platform" in screen
    assert "progress: " not in screen  # the terminal gets the display, not the plain lines
    assert "\x1b[" in screen  # drawn with cursor control by rich
