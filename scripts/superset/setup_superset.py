"""Apache Superset on 127.0.0.1 over the warehouse: its own pinned virtualenv, metadata, server.

    python3 scripts/superset/setup_superset.py [--port 8088] [--home data/superset]

installs Superset 6.1 into ``.venv-superset`` (or ``$FINES_SUPERSET_VENV``) from
``requirements.txt`` when that file changed, initialises its metadata once per install (a
template copied into each home, so a test does not pay for ``db upgrade`` and ``init`` again),
and serves it on 127.0.0.1 until Ctrl-C. The BI test (tests/bi/test_superset.py) uses the same
functions. Superset is kept out of the project's virtualenv: it pins SQLAlchemy 1.4 and more.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
REQUIREMENTS = HERE / "requirements.txt"
CONFIG = HERE / "superset_config.py"
ADMIN_USER, ADMIN_PASSWORD = "admin", "admin"  # a local, loopback-only server
MARKER = "requirements.sha256"
TEMPLATE = "metadata-template"


def venv_dir() -> Path:
    """Where Superset's virtualenv lives: ``$FINES_SUPERSET_VENV``, else ``.venv-superset``."""
    return Path(os.environ.get("FINES_SUPERSET_VENV") or ROOT / ".venv-superset")


def requirements_hash() -> str:
    """The SHA-256 of the pinned requirements: a changed pin rebuilds the virtualenv."""
    return hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()


def superset_env(home: Path, venv: Path) -> dict[str, str]:
    """The environment Superset's commands run in: our config, its home, its virtualenv first on PATH."""
    return {
        **os.environ,
        "SUPERSET_CONFIG_PATH": str(CONFIG),
        "FINES_SUPERSET_HOME": str(home),
        "PATH": f"{venv / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
        "PYTHONDONTWRITEBYTECODE": "1",
    }


def _run(args: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(args, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(args[:3])} failed ({result.returncode}): {result.stderr[-3000:]}")


def ensure_venv(venv: Path | None = None) -> Path:
    """Install Superset from the pinned requirements unless this exact set is installed already.

    Returns:
        The virtualenv's folder.

    Raises:
        RuntimeError: a step of the install or of the metadata initialisation failed.
    """
    venv = venv or venv_dir()
    marker = venv / MARKER
    if marker.exists() and marker.read_text().strip() == requirements_hash():
        return venv
    print(f"installing Superset into {venv} (a few minutes, once per requirements.txt)", flush=True)
    _run([sys.executable, "-m", "venv", "--clear", str(venv)], dict(os.environ))
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--no-deps"]
    _run([*pip, "-r", str(REQUIREMENTS)], dict(os.environ))
    _init_template(venv)
    marker.write_text(requirements_hash())
    return venv


def _init_template(venv: Path) -> None:
    """Create, migrate and seed one metadata database that every home starts from."""
    template = venv / TEMPLATE
    shutil.rmtree(template, ignore_errors=True)
    template.mkdir()
    env = superset_env(template, venv)
    superset = str(venv / "bin" / "superset")
    _run([superset, "db", "upgrade"], env)
    _run(
        [superset, "fab", "create-admin", "--username", ADMIN_USER, "--password", ADMIN_PASSWORD,
         "--firstname", "Fines", "--lastname", "Admin", "--email", "admin@localhost"],
        env,
    )  # fmt: skip
    _run([superset, "init"], env)


def init_home(home: Path, venv: Path) -> Path:
    """A Superset home with initialised metadata (copied from the install's template)."""
    home.mkdir(parents=True, exist_ok=True)
    if not (home / "superset.db").exists():
        shutil.copyfile(venv / TEMPLATE / "superset.db", home / "superset.db")
    return home


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(home: Path, venv: Path, port: int, *, log: Path | None = None) -> subprocess.Popen:
    """Start Superset's web server on 127.0.0.1:port and wait until it answers its health check.

    Raises:
        RuntimeError: the server exited or did not answer within three minutes.
    """
    out = open(log, "w") if log else None  # noqa: SIM115 - the server outlives this function
    process = subprocess.Popen(
        [str(venv / "bin" / "superset"), "run", "--host", "127.0.0.1", "--port", str(port), "--with-threads"],
        env=superset_env(home, venv), stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"superset exited with {process.returncode}; see {log}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=5) as response:
                if response.status == 200:
                    return process
        except OSError:
            time.sleep(0.5)
    process.terminate()
    raise RuntimeError(f"superset did not answer on 127.0.0.1:{port} within 180 s; see {log}")


def main() -> int:
    """Install if needed, then serve Superset on 127.0.0.1 until interrupted."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8088)
    parser.add_argument("--home", type=Path, default=ROOT / "data" / "superset")
    args = parser.parse_args()
    venv = ensure_venv()
    home = init_home(args.home, venv)
    server = start(home, venv, args.port, log=home / "superset.log")
    warehouse = Path(os.environ.get("FINES_WAREHOUSE") or ROOT / "data" / "warehouse.duckdb").absolute()
    print(f"Superset on http://127.0.0.1:{args.port} (user {ADMIN_USER}, password {ADMIN_PASSWORD}).")
    print(f"Add the warehouse as: duckdb:///{warehouse}?access_mode=read_only&enable_external_access=false")
    try:
        server.wait()
    except KeyboardInterrupt:
        server.terminate()
    return 0


if __name__ == "__main__":
    sys.exit(main())
