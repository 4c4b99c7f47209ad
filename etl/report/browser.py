"""Open a local page in headless Chromium and record what it did, over the DevTools protocol.

The protocol runs over a pipe (``--remote-debugging-pipe``: JSON messages ending in a NUL
byte on file descriptors 3 and 4), so no port is opened and nothing beyond the standard
library is needed. Used by the report's browser test and by ``scripts/report_screenshot.py``;
the ``fines`` command never starts a browser.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

# Flags for a headless run on a build machine: no sandbox (root in containers), no GPU, and
# none of the background traffic (updates, sync, QUIC probes) a desktop browser starts.
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--hide-scrollbars",
    "--remote-debugging-pipe",
)


class BrowserError(RuntimeError):
    """Chromium is missing, exited, or did not answer in time."""


@dataclass
class PageVisit:
    """What happened while a page loaded."""

    url: str
    requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    text: str = ""
    svg_count: int = 0
    screenshot: bytes = b""
    probes: dict[str, object] = field(default_factory=dict)  # results of the caller's expressions


def find_chromium() -> str | None:
    """The Chromium executable on PATH (Debian's ``chromium``), or None."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


class _Pipe:
    """One DevTools session over the pipe: commands out, replies and events in."""

    def __init__(self, to_browser: int, from_browser: int, *, timeout: float) -> None:
        self._out, self._in, self._timeout = to_browser, from_browser, timeout
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict] = []

    def _message(self, deadline: float) -> dict:
        while b"\0" not in self._buffer:
            if time.monotonic() > deadline:
                raise BrowserError("Chromium did not answer in time")
            chunk = os.read(self._in, 1 << 16)
            if not chunk:
                raise BrowserError("Chromium closed the DevTools pipe")
            self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(raw)

    def send(self, method: str, params: dict | None = None, *, session: str | None = None) -> dict:
        self._next_id += 1
        message: dict = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._out, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + self._timeout
        while True:
            reply = self._message(deadline)
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise BrowserError(f"{method}: {reply['error'].get('message')}")
                return reply.get("result", {})
            self.events.append(reply)

    def wait_for(self, method: str) -> dict:
        deadline = time.monotonic() + self._timeout
        for event in self.events:
            if event.get("method") == method:
                return event
        while True:
            event = self._message(deadline)
            self.events.append(event)
            if event.get("method") == method:
                return event


def _record(visit: PageVisit, events: list[dict]) -> None:
    for event in events:
        method, params = event.get("method"), event.get("params", {})
        if method == "Network.requestWillBeSent":
            visit.requests.append(params["request"]["url"])
        elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            visit.console_errors.append(" ".join(str(a.get("value", "")) for a in params.get("args", [])))
        elif method == "Runtime.exceptionThrown":
            visit.console_errors.append(params["exceptionDetails"].get("text", "exception"))
        elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
            visit.console_errors.append(params["entry"].get("text", ""))


def _evaluate(pipe: _Pipe, expression: str, *, session: str) -> object:
    wrapped = f"JSON.stringify({expression})"
    value = pipe.send("Runtime.evaluate", {"expression": wrapped, "returnByValue": True}, session=session)
    if "exceptionDetails" in value:
        raise BrowserError(f"{expression}: {value['exceptionDetails'].get('text')}")
    return json.loads(value["result"]["value"])


def _visit(pipe: _Pipe, url: str, *, width: int, height: int | None, probes: dict[str, str]) -> PageVisit:
    target = pipe.send("Target.createTarget", {"url": "about:blank"})["targetId"]
    session = pipe.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
    for domain in ("Page", "Runtime", "Log", "Network"):
        pipe.send(f"{domain}.enable", session=session)
    pipe.send("Emulation.setDeviceMetricsOverride",
              {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": False}, session=session)  # fmt: skip
    pipe.events.clear()
    pipe.send("Page.navigate", {"url": url}, session=session)
    pipe.wait_for("Page.loadEventFired")
    visit = PageVisit(url=url)
    visit.text = _evaluate(pipe, "document.body.innerText", session=session)
    visit.svg_count = _evaluate(pipe, "document.querySelectorAll('svg').length", session=session)
    visit.probes = {name: _evaluate(pipe, expr, session=session) for name, expr in probes.items()}
    capture: dict = {"format": "png", "captureBeyondViewport": True}
    if height is not None:
        capture["clip"] = {"x": 0, "y": 0, "width": width, "height": height, "scale": 1}
    shot = pipe.send("Page.captureScreenshot", capture, session=session)
    visit.screenshot = base64.b64decode(shot["data"])
    _record(visit, pipe.events)
    pipe.send("Target.closeTarget", {"targetId": target})
    return visit


def visit_pages(
    paths: list[Path],
    *,
    width: int = 1280,
    height: int | None = None,
    timeout: float = 60.0,
    probes: dict[str, str] | None = None,
) -> list[PageVisit]:
    """Load each local page in one headless Chromium and record requests, console errors, a screenshot.

    Args:
        paths: HTML files to open (as file:// URLs), in order.
        width: viewport width in CSS pixels.
        height: screenshot only the top this many pixels (default: the whole page).
        timeout: seconds to wait for any one answer from the browser.
        probes: JavaScript expressions evaluated on each loaded page, by name; their JSON
            results land in :attr:`PageVisit.probes`.

    Returns:
        One :class:`PageVisit` per path.

    Raises:
        BrowserError: no Chromium on PATH, or it failed or stopped answering.
    """
    executable = find_chromium()
    if executable is None:
        raise BrowserError("no chromium on PATH (Debian: apt-get install chromium)")
    to_browser_read, to_browser = os.pipe()
    from_browser, from_browser_write = os.pipe()

    def child_fds() -> None:  # the protocol's fixed descriptors: 3 reads commands, 4 writes replies
        commands = fcntl.fcntl(to_browser_read, fcntl.F_DUPFD, 10)  # out of the way of 3 and 4
        replies = fcntl.fcntl(from_browser_write, fcntl.F_DUPFD, 10)
        os.dup2(commands, 3)
        os.dup2(replies, 4)

    with tempfile.TemporaryDirectory(prefix="fines-chromium-") as profile:
        process = subprocess.Popen(  # noqa: S603 - a fixed executable and flags, no shell
            [executable, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            close_fds=False,  # else 3 and 4 would be closed after child_fds ran
            preexec_fn=child_fds,  # noqa: PLW1509 - runs before exec, no threads involved
        )
        os.close(to_browser_read)
        os.close(from_browser_write)
        pipe = _Pipe(to_browser, from_browser, timeout=timeout)
        try:
            return [
                _visit(pipe, path.resolve().as_uri(), width=width, height=height, probes=probes or {})
                for path in paths
            ]
        finally:
            try:
                pipe.send("Browser.close")
            except (BrowserError, OSError):
                pass
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            os.close(to_browser)
            os.close(from_browser)
