#!/usr/bin/env python3
"""Make the README's screenshot of the HTML report with the project's own commands.

    .venv/bin/python scripts/report_screenshot.py [--out docs/img/report.png]

Builds a throwaway warehouse from the bundled sample feeds (`fines run`), writes the report
(`fines report --html`) and photographs the top of its main page in headless Chromium
(Debian: `apt-get install chromium`). Nothing outside the temporary folder and --out changes.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from etl.report.browser import visit_pages

ROOT = Path(__file__).resolve().parent.parent
FINES = Path(sys.executable).with_name("fines")
AS_OF = "2026-11-29"  # a fixed run date, so the picture does not change from day to day


def main() -> int:
    """Build the sample warehouse, write the report, save the screenshot."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "img" / "report.png")
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=1700)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="fines-report-") as scratch:
        env = {k: v for k, v in os.environ.items() if not k.startswith("FINES_")}
        env |= {"FINES_DATA_DIR": str(Path(scratch) / "data")}
        for command in (["run", "--as-of", AS_OF], ["report", "--html", str(Path(scratch) / "site")]):
            done = subprocess.run([str(FINES), *command], env=env, capture_output=True, text=True)
            if done.returncode != 0:
                print(f"fines {command[0]} failed:\n{done.stderr}", file=sys.stderr)
                return 1
        (visit,) = visit_pages([Path(scratch) / "site" / "index.html"], width=args.width, height=args.height)
    if visit.console_errors:
        print(f"console errors: {visit.console_errors}", file=sys.stderr)
        return 1
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(visit.screenshot)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
