"""An HTTP server on 127.0.0.1 that serves feed payloads with faults injected on request.

Each path has a plan: a list of behaviours, one per request; the last one repeats. The soak
sets the plan before every run and counts what was injected.
"""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SLOW_BYTE_S = 0.3  # a slow payload sends one byte this often: only a whole-fetch deadline ends it


class FaultServer:
    """Serves ``payloads[path]`` according to ``plan[path]``: ok, 5xx, reset, truncated, slow, or raw bytes."""

    def __init__(self, payloads: dict[str, bytes]) -> None:
        self.payloads = payloads
        self.plan: dict[str, list[str]] = {}
        self.bodies: dict[str, bytes] = {}  # per-run payload override (a bomb, malformed rows)
        self.injected: Counter[str] = Counter()
        self.requests = 0
        self.lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - the http.server API
                server.serve(self)

            def log_message(self, *args: object) -> None:
                pass

        class Quiet(ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, request: object, client_address: object) -> None:
                pass  # a client that went away mid-payload is what some faults are about

        self.httpd = Quiet(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        """The URL of one path."""
        return f"http://127.0.0.1:{self.httpd.server_address[1]}{path}"

    def set_plan(self, path: str, behaviours: list[str], body: bytes | None = None) -> None:
        """Behaviours for the next requests of ``path``; ``body`` replaces its payload until the next plan."""
        with self.lock:
            self.plan[path] = list(behaviours)
            if body is None:
                self.bodies.pop(path, None)
            else:
                self.bodies[path] = body

    def _next(self, path: str) -> tuple[str, bytes]:
        with self.lock:
            self.requests += 1
            plan = self.plan.get(path) or ["ok"]
            behaviour = plan.pop(0) if len(plan) > 1 else plan[0]
            if behaviour != "ok":
                self.injected[behaviour] += 1
            return behaviour, self.bodies.get(path, self.payloads.get(path, b""))

    def serve(self, handler: BaseHTTPRequestHandler) -> None:
        """Answer one request as planned."""
        behaviour, body = self._next(handler.path)
        if behaviour in ("500", "503"):
            handler.send_response(int(behaviour))
            handler.send_header("Content-Length", "13")
            handler.end_headers()
            handler.wfile.write(b"upstream down")
            return
        if behaviour == "reset":
            handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            handler.close_connection = True
            handler.connection.close()
            return
        handler.send_response(200)
        handler.send_header(
            "Content-Type", "application/octet-stream"
        )  # a bomb comes without Content-Encoding
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        with contextlib.suppress(OSError):
            if behaviour == "truncated":
                handler.wfile.write(body[: len(body) // 2])
                handler.wfile.flush()
                handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                handler.close_connection = True
                handler.connection.close()
            elif behaviour == "slow":
                for byte in body[:200]:
                    handler.wfile.write(bytes([byte]))
                    handler.wfile.flush()
                    time.sleep(SLOW_BYTE_S)
                handler.close_connection = True
            else:
                handler.wfile.write(body)

    def close(self) -> None:
        """Stop serving."""
        self.httpd.shutdown()
        self.httpd.server_close()
