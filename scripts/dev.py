#!/usr/bin/env python3
"""Set up the project's virtualenv and run the main job or the test suite.

    python3 scripts/dev.py demo     # set up, then run the pipeline on the bundled feeds
    python3 scripts/dev.py test     # set up (with Airflow), then lint and run every test
    python3 scripts/dev.py lock     # re-resolve constraints.txt in a scratch virtualenv

Only the standard library is used here: this runs on a machine that has nothing but Python.
Every install goes through ``constraints.txt`` (exact versions, the way Airflow's docs ask
Airflow to be installed), so users and CI get the same packages.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tempfile
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = Path(os.environ.get("FINES_VENV", ROOT / ".venv"))
CONSTRAINTS = ROOT / "constraints.txt"
AIRFLOW = "apache-airflow==3.3.2"


def _bin(name: str, env_dir: Path = VENV) -> str:
    return str(env_dir / "bin" / name)


def _run(*cmd: str, env: dict[str, str] | None = None) -> None:
    print("+", " ".join(cmd), flush=True)
    subprocess.run(cmd, check=True, cwd=ROOT, env=env)


def ensure_venv(extras: str) -> None:
    """Create ``.venv`` and install the project with ``extras``, unless already up to date."""
    if sys.version_info < (3, 11):  # noqa: UP036 - this script may be started by an older python3
        sys.exit(f"platform-fines needs Python 3.11 or newer, this is {sys.version.split()[0]}")
    if not (VENV / "bin" / "python").exists():
        print(f"creating virtualenv {VENV}", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    digest = hashlib.sha256(
        (ROOT / "pyproject.toml").read_bytes() + CONSTRAINTS.read_bytes() + extras.encode()
    ).hexdigest()
    stamp = VENV / f".platform-fines-{extras or 'base'}.stamp"
    if stamp.exists() and stamp.read_text() == digest:
        return
    target = f"{ROOT}[{extras}]" if extras else str(ROOT)
    _run(
        _bin("python"),
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        "-c",
        str(CONSTRAINTS),
        "-e",
        target,
    )
    stamp.write_text(digest)


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = f"{VENV / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    return env


def demo(args: list[str]) -> int:
    """Run the whole pipeline over the bundled sample feeds and print fines by platform."""
    ensure_venv("")
    env = _env()
    env.setdefault("FINES_DATA_DIR", str(ROOT / "data"))
    return subprocess.run([_bin("fines"), "run", *args], cwd=ROOT, env=env).returncode


def test(args: list[str]) -> int:
    """Lint, then run the whole test suite (Airflow integration tests included)."""
    ensure_venv("airflow,test")
    env = _env()
    _run(_bin("ruff"), "check", "etl", "schemas", "dags", "tests", "scripts", env=env)
    return subprocess.run([_bin("python"), "-m", "pytest", *args], cwd=ROOT, env=env).returncode


def lock(args: list[str]) -> int:
    """Resolve every dependency afresh and write the exact versions to constraints.txt."""
    with tempfile.TemporaryDirectory() as scratch:
        env_dir = Path(scratch) / "venv"
        venv.EnvBuilder(with_pip=True).create(env_dir)
        _run(_bin("python", env_dir), "-m", "pip", "install", "--quiet", f"{ROOT}[airflow,test]")
        frozen = subprocess.run(
            [_bin("python", env_dir), "-m", "pip", "freeze", "--exclude-editable"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    lines = [line for line in frozen.splitlines() if line and not line.lower().startswith("platform-fines")]
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    header = f"# Exact versions for Python {version}; regenerate with `python3 scripts/dev.py lock`.\n"
    CONSTRAINTS.write_text(header + "\n".join(lines) + "\n")
    print(f"wrote {len(lines)} pins to {CONSTRAINTS}")
    return 0


COMMANDS = {"demo": demo, "test": test, "lock": lock}


def main() -> int:
    """Dispatch ``demo``, ``test`` or ``lock``."""
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        print(__doc__)
        return 2
    try:
        return COMMANDS[sys.argv[1]](sys.argv[2:])
    except subprocess.CalledProcessError as error:
        print(f"dev.py: {' '.join(error.cmd)} failed with exit code {error.returncode}", file=sys.stderr)
        return error.returncode or 1


if __name__ == "__main__":
    sys.exit(main())
