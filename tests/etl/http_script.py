"""A real HTTP server on 127.0.0.1 with scripted replies, shared by the fetch tests."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Reply:
    """One scripted answer; ``trickle_s`` sends the body, ``header_trickle_s`` the head, a byte at a time."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0
    trickle_s: float = 0.0
    header_trickle_s: float = 0.0


class Script:
    """Replies per path, in order; the last reply repeats. Records each request's headers."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.replies: dict[str, list[Reply]] = {}
        self.requests: dict[str, list[dict[str, str]]] = {}
        self.lock = threading.Lock()
        self.stop = threading.Event()  # ends trickling replies when the test is over

    def on(self, path: str, *replies: Reply) -> str:
        self.replies[path] = list(replies)
        return f"http://127.0.0.1:{self.port}{path}"

    def take(self, path: str, headers: dict[str, str]) -> Reply:
        with self.lock:
            self.requests.setdefault(path, []).append(headers)
            queue = self.replies.get(path) or [Reply(404)]
            return queue.pop(0) if len(queue) > 1 else queue[0]

    def hits(self, path: str) -> list[dict[str, str]]:
        return self.requests.get(path, [])


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        script: Script = self.server.script  # type: ignore[attr-defined]
        headers = {key.lower(): value for key, value in self.headers.items()}
        reply = script.take(self.path, headers)
        time.sleep(reply.delay_s)
        head = [f"HTTP/1.1 {reply.status} X", *(f"{k}: {v}" for k, v in reply.headers.items())]
        if reply.status != 304:
            head.append(f"Content-Length: {len(reply.body)}")
        raw_head = ("\r\n".join(head) + "\r\n\r\n").encode()
        try:
            self._send(raw_head, reply.header_trickle_s, script.stop)
            if reply.status != 304:
                self._send(reply.body, reply.trickle_s, script.stop)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (timeout, deadline); that is the point of some tests
        self.close_connection = True

    def _send(self, data: bytes, pause_s: float, stop: threading.Event) -> None:
        if not pause_s:
            self.wfile.write(data)
            return
        for index in range(len(data)):
            if stop.is_set():
                return
            self.wfile.write(data[index : index + 1])
            self.wfile.flush()
            stop.wait(pause_s)

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def serve() -> Iterator[Script]:
    """Run the scripted server for the duration of a test."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    httpd.script = Script(httpd.server_address[1])  # type: ignore[attr-defined]
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield httpd.script  # type: ignore[attr-defined]
    finally:
        httpd.script.stop.set()  # type: ignore[attr-defined]
        httpd.shutdown()
        httpd.server_close()
        thread.join()
