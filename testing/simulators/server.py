"""A small threaded HTTP server that the API simulators share, with fault injection.

A simulator is a function from a parsed request to a ``Reply``. The server
adds what both platforms have in common: faults injected on matching paths
(an error status with its body and headers, a slow response), a log of the
requests it served so tests can count calls, and a clean start and stop
from a context manager.
"""

from __future__ import annotations

import json
import re
import socket
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from connectors.lifecycle import Lifecycle


@dataclass(frozen=True)
class Request:
    """What a simulator route sees."""

    method: str
    path: str
    params: dict[str, str]
    headers: dict[str, str]


@dataclass
class Reply:
    """A JSON response."""

    status: int
    body: Any
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Fault:
    """Make requests whose path matches ``path_pattern`` fail or slow down.

    The first ``after`` matching requests pass; the next ``times`` get the
    fault (``times=None``: every one after that).
    """

    path_pattern: str
    reply: Reply | None = None
    delay_s: float = 0.0
    after: int = 0
    times: int | None = 1
    matched: int = 0
    applied: int = 0

    def applies_to(self, path: str) -> bool:
        if not re.search(self.path_pattern, path):
            return False
        self.matched += 1
        if self.matched <= self.after:
            return False
        if self.times is not None and self.applied >= self.times:
            return False
        self.applied += 1
        return True


Route = Callable[[Request], Reply]


class SimulatorServer(Lifecycle):
    """Serves one simulator on a loopback port; use as a context manager."""

    def __init__(self, route: Route, port: int = 0) -> None:
        self.route = route
        self.faults: list[Fault] = []
        self.requests: list[Request] = []
        self._lock = threading.Lock()
        self._server = _QuietServer(("127.0.0.1", port), _handler_for(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT``."""
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def inject(self, fault: Fault) -> Fault:
        """Add a fault; returns it so a test can read how often it applied."""
        with self._lock:
            self.faults.append(fault)
        return fault

    def clear_faults(self) -> None:
        """Remove every injected fault."""
        with self._lock:
            self.faults.clear()

    def count(self, path_pattern: str) -> int:
        """How many requests served so far matched the pattern."""
        with self._lock:
            return sum(1 for request in self.requests if re.search(path_pattern, request.path))

    def handle(self, request: Request) -> Reply:
        """Apply a matching fault, else the route."""
        with self._lock:
            self.requests.append(request)
            fault = next((f for f in self.faults if f.applies_to(request.path)), None)
        if fault is not None:
            if fault.delay_s:
                time.sleep(fault.delay_s)
            if fault.reply is not None:
                return fault.reply
        return self.route(request)

    def start(self) -> SimulatorServer:
        """Start serving in a background thread."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and release the port."""
        self._server.shutdown()
        self._server.server_close()


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that gave up (a timeout test) is expected; anything else is printed."""
        error = sys.exc_info()[1]
        if not isinstance(error, ConnectionError):
            super().handle_error(request, client_address)


def _handler_for(simulator: SimulatorServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def setup(self) -> None:
            super().setup()
            # Headers and body go out in two writes: without this, Nagle's algorithm and
            # the client's delayed ACK add about 40 ms to every answer.
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            params = {key: values[-1] for key, values in parse_qs(parts.query).items()}
            request = Request(
                "GET", parts.path, params, {k.lower(): v for k, v in self.headers.items()}
            )
            try:
                reply = simulator.handle(request)
            except Exception as error:  # a bug in a simulator must show, not hang the client
                reply = Reply(500, {"error": f"simulator failure: {type(error).__name__}"})
            payload = json.dumps(reply.body).encode()
            self.send_response(reply.status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(payload)))
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: the simulator keeps its own request log."""

    return Handler
