"""Fixtures for the live tests: a raw-socket SSE client and API publishing.

Use ``SseClient`` for anything that reads a stream over a real socket: it
speaks HTTP/1.1 by hand (chunked decoding, SSE parsing), so a test sees the
exact bytes a browser would and can hold a socket without reading it.
"""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from conftest import redis_server  # noqa: F401 - the root fixture, still importable from here
from newsdesk.live import sse

WAIT = 30.0  # seconds before a test gives up waiting for bytes (a hang guard, not a threshold)


@dataclass
class SseEvent:
    event: str = "message"
    data: str = ""
    id: str | None = None

    def json(self) -> Any:
        return json.loads(self.data)


@dataclass
class SseClient:
    """A stream reader over a raw socket; ``events`` collects what has been parsed."""

    origin: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    receive_buffer: int | None = None
    status: int = 0
    response_headers: dict[str, str] = field(default_factory=dict)
    events: list[SseEvent] = field(default_factory=list)
    comments: int = 0
    ended: bool = False
    finished: bool = False  # the server ended the chunked body (not just the socket)
    body: bytes = b""

    def __post_init__(self) -> None:
        host, port = self.origin.removeprefix("http://").split(":")
        self.sock = socket.socket()
        if self.receive_buffer:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, self.receive_buffer)
        self.sock.settimeout(WAIT)
        self.sock.connect((host, int(port)))
        lines = [f"GET {self.path} HTTP/1.1", f"Host: {host}:{port}", "Accept: text/event-stream"]
        lines += [f"{k}: {v}" for k, v in self.headers.items()]
        self.sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        self._raw = b""
        self._chunked = False
        self._text = ""
        self._decoder = sse.Decoder()

    def start(self) -> SseClient:
        """Read the status line and headers."""
        while b"\r\n\r\n" not in self._raw:
            self._recv()
        head, self._raw = self._raw.split(b"\r\n\r\n", 1)
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        self.status = int(status_line.split()[1])
        for line in header_lines:
            name, _, value = line.partition(":")
            self.response_headers[name.strip().lower()] = value.strip()
        self._chunked = self.response_headers.get("transfer-encoding", "") == "chunked"
        if not self._chunked:
            self.body = self._raw
        return self

    def _recv(self) -> None:
        data = self.sock.recv(65536)
        if not data:
            self.ended = True
            raise EOFError("the server closed the connection")
        self._raw += data

    def read_body(self) -> bytes:
        """For a non-stream answer with Content-Length: the whole body."""
        length = int(self.response_headers.get("content-length", "0"))
        while len(self._raw) < length:
            self._recv()
        return self._raw[:length]

    def _dechunk(self) -> None:
        while True:
            if not self._chunked:
                self._feed(self._raw.decode())
                self._raw = b""
                return
            head, sep, rest = self._raw.partition(b"\r\n")
            if not sep:
                return
            size = int(head.split(b";")[0], 16)
            if size == 0:
                self.ended = self.finished = True
                self._raw = b""
                return
            if len(rest) < size + 2:
                return
            self._feed(rest[:size].decode())
            self._raw = rest[size + 2 :]

    def _feed(self, text: str) -> None:
        for event, data, id_ in self._decoder.feed(text):
            self.events.append(SseEvent(event, data, id_))
        self.comments = self._decoder.comments

    def pump(self) -> None:
        """Read once from the socket and parse what arrived."""
        self._recv()
        self._dechunk()

    def wait_for(self, predicate: Any, *, what: str = "events") -> list[SseEvent]:
        """Read until ``predicate(events)`` holds; fail after WAIT seconds."""
        deadline = time.monotonic() + WAIT
        self._dechunk()
        while not predicate(self.events):
            if time.monotonic() > deadline or self.ended:
                raise AssertionError(f"stream did not deliver {what}; got {self.events!r}")
            try:
                self.pump()
            except EOFError:
                if predicate(self.events):
                    break
                raise AssertionError(f"stream closed before {what}; got {self.events!r}") from None
        return self.events

    def wait_for_count(self, count: int, *, kind: str | None = None) -> list[SseEvent]:
        def enough(events: list[SseEvent]) -> bool:
            return len([e for e in events if kind is None or e.event == kind]) >= count

        return self.wait_for(enough, what=f"{count} {kind or ''} events")

    def read_to_end(self) -> list[SseEvent]:
        deadline = time.monotonic() + WAIT
        self._dechunk()
        while not self.ended and time.monotonic() < deadline:
            try:
                self.pump()
            except EOFError:
                break
        return self.events

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def sse_open() -> Iterator[Any]:
    """Open streams: ``sse_open(server.url, path, headers={...})`` returns a started client."""
    clients: list[SseClient] = []

    def open_(origin: str, path: str, **options: Any) -> SseClient:
        client = SseClient(origin, path, **options)
        clients.append(client)
        return client.start()

    yield open_
    for client in clients:
        client.close()


def api_publish(origin: str, token: str, story_id: int, body: str, **fields: Any) -> dict[str, Any]:
    """Publish an entry through the JSON API of a running server."""
    response = httpx.post(
        f"{origin}/api/stories/{story_id}/entries",
        json={"body": body, **fields},
        headers={"Authorization": f"Bearer {token}"},
        timeout=WAIT,
    )
    assert response.status_code == 201, response.text
    return response.json()
