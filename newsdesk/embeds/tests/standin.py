"""A local stand-in for providers' servers: a real HTTP server in a thread.

Each route answers as a provider might (good oEmbed data, slow, huge, not JSON,
a redirect...); every request is recorded, so a test can prove one was never
made. Used by the outbound, service and browser tests.
"""

from __future__ import annotations

import json
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

Route = Callable[["_Handler", "StandIn"], None]


@dataclass
class Request:
    path: str
    query: dict[str, str]
    headers: dict[str, str]


@dataclass
class StandIn:
    """The server: ``url`` is its origin; ``routes`` maps a path to what it answers."""

    routes: dict[str, Route] = field(default_factory=dict)
    requests: list[Request] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)
    server: ThreadingHTTPServer | None = None

    @property
    def port(self) -> int:
        assert self.server is not None
        return int(self.server.server_address[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> StandIn:
        standin = self

        class Handler(_Handler):
            owner = standin

        self.server = _Server(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def close(self) -> None:
        self.stop.set()
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()

    def paths(self) -> list[str]:
        return [r.path for r in self.requests]


class _Server(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        # Clients that give up (timeouts, size limits) reset connections: that is the test.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    owner: StandIn
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        parts = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        self.owner.requests.append(Request(parts.path, query, dict(self.headers.items())))
        route = self.owner.routes.get(parts.path)
        if route is None:
            self.answer(404, b"not here", "text/plain")
            return
        route(self, self.owner)

    def answer(self, status: int, body: bytes, content_type: str, **headers: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base's name
        pass


# --- what a route can answer ---------------------------------------------------------


def json_route(data: Any, *, status: int = 200) -> Route:
    def route(handler: _Handler, owner: StandIn) -> None:
        handler.answer(status, json.dumps(data).encode(), "application/json")

    return route


def body_route(body: bytes, content_type: str, *, status: int = 200) -> Route:
    def route(handler: _Handler, owner: StandIn) -> None:
        handler.answer(status, body, content_type)

    return route


def redirect_route(location: str) -> Route:
    def route(handler: _Handler, owner: StandIn) -> None:
        handler.answer(302, b"", "text/plain", Location=location)

    return route


def slow_route(seconds: float, data: Any = None) -> Route:
    """Says nothing for ``seconds`` (or until the test ends), then answers."""

    def route(handler: _Handler, owner: StandIn) -> None:
        if owner.stop.wait(seconds):
            return
        handler.answer(200, json.dumps(data or {}).encode(), "application/json")

    return route


def trickle_route() -> Route:
    """Sends its headers, then one byte at a time, never finishing (until the test ends)."""

    def route(handler: _Handler, owner: StandIn) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", "1000000")
        handler.end_headers()
        try:
            while not owner.stop.wait(0.05):
                handler.wfile.write(b" ")
                handler.wfile.flush()
        except OSError:
            return

    return route


def chunked_route(total: int, content_type: str = "application/json") -> Route:
    """``total`` bytes without a Content-Length (chunked), so only counting can stop it."""

    def route(handler: _Handler, owner: StandIn) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Transfer-Encoding", "chunked")
        handler.end_headers()
        chunk = b"[" * 65536
        try:
            for _ in range(total // len(chunk) + 1):
                handler.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
            handler.wfile.write(b"0\r\n\r\n")
        except OSError:
            return

    return route
