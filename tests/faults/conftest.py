"""Fixtures for the fault suites: many readers at once, over real sockets.

Use ``AsyncSse`` when a test holds dozens or thousands of streams (one event
loop, no thread per reader); use ``ResumingReader`` for a reader that must
end up with an exact sequence: it reconnects after a dropped connection with
``Last-Event-ID``, as a browser's EventSource does, and records every event
id it was sent. The live suite's ``sse_open`` (one blocking socket per
stream) and private ``redis_server`` are reused here.
"""

from __future__ import annotations

import asyncio
import json
import re
import socket
import struct
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from newsdesk.live import sse
from newsdesk.live.tests.conftest import redis_server, sse_open  # noqa: F401 - fixtures

WAIT = 30.0  # seconds before a test gives up waiting (a hang guard, not a threshold)


@dataclass
class Event:
    kind: str
    data: str
    id: str | None

    def json(self) -> Any:
        return json.loads(self.data)


class StreamClosed(Exception):
    """The connection ended; ``clean`` when the server ended the chunked body."""

    def __init__(self, clean: bool) -> None:
        super().__init__("clean end" if clean else "connection lost")
        self.clean = clean


class AsyncSse:
    """One stream over an asyncio socket: HTTP/1.1 by hand, chunked, parsed as SSE."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._reader = reader
        self._writer = writer
        self.status = 0
        self.headers: dict[str, str] = {}
        self.body = b""
        self.comments = 0
        self._decoder = sse.Decoder()
        self._ready: list[Event] = []

    @classmethod
    async def open(cls, origin: str, path: str, headers: dict[str, str] | None = None) -> AsyncSse:
        """Connect, send the request and read the status line and headers."""
        host, port = origin.removeprefix("http://").split(":")
        reader, writer = await asyncio.wait_for(
            asyncio.open_connection(host, int(port), limit=1 << 20), WAIT
        )
        client = cls(reader, writer)
        lines = [f"GET {path} HTTP/1.1", f"Host: {host}:{port}", "Accept: text/event-stream"]
        lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
        try:
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), WAIT)
        except asyncio.IncompleteReadError as error:
            client.close()
            raise StreamClosed(clean=False) from error
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        client.status = int(status_line.split()[1])
        for line in header_lines:
            name, _, value = line.partition(":")
            if name:
                client.headers[name.strip().lower()] = value.strip()
        if not client.headers.get("content-type", "").startswith("text/event-stream"):
            length = int(client.headers.get("content-length", "0"))
            client.body = await asyncio.wait_for(reader.readexactly(length), WAIT)
        return client

    async def next_event(self) -> Event:
        """The next event; raises :class:`StreamClosed` when the stream ends."""
        while not self._ready:
            await self._read_chunk()
        return self._ready.pop(0)

    async def opened(self) -> None:
        """Wait for the opening comment: the server has registered the stream."""
        while self.comments == 0:
            await self._read_chunk()

    async def _read_chunk(self) -> None:
        try:
            size_line = await asyncio.wait_for(self._reader.readline(), WAIT)
            if not size_line.endswith(b"\n"):
                raise StreamClosed(clean=False)
            size = int(size_line.split(b";")[0], 16)
            if size == 0:
                raise StreamClosed(clean=True)
            payload = await asyncio.wait_for(self._reader.readexactly(size + 2), WAIT)
        except (asyncio.IncompleteReadError, ConnectionError) as error:
            raise StreamClosed(clean=False) from error
        self._feed(payload[:-2].decode())

    def _feed(self, text: str) -> None:
        self._ready.extend(Event(*event) for event in self._decoder.feed(text))
        self.comments = self._decoder.comments

    def close(self, *, abort: bool = False) -> None:
        """Hang up; ``abort`` resets the connection (RST) instead of a FIN."""
        sock = self._writer.get_extra_info("socket")
        if abort and sock is not None:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self._writer.transport.abort() if abort else self._writer.close()


@dataclass
class ResumingReader:
    """A reader of one story that resumes from its last event id after every break.

    It joins at ``after`` (the sequence number of the page it loaded, as the
    story page does with ``?after=``) and records each event id it is sent,
    across reconnections, in ``ids``. ``origins`` are tried in turn when a
    connection is refused, like a load balancer taking a dead node out.
    """

    origins: Sequence[str]
    path: str
    after: int
    name: str = "reader"
    ids: list[int] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    connections: int = 0
    drops: int = 0
    statuses: list[int] = field(default_factory=list)
    stream: AsyncSse | None = None
    _origin: int = 0

    @property
    def last(self) -> int:
        return self.ids[-1] if self.ids else self.after

    async def connect(self) -> AsyncSse:
        """Open the stream (resuming when this reader has read before) on a live origin."""
        headers = {"Last-Event-ID": str(self.last)} if self.connections else {}
        path = self.path if self.connections else f"{self.path}?after={self.after}"
        for _ in range(len(self.origins) * 50):
            origin = self.origins[self._origin % len(self.origins)]
            try:
                stream = await AsyncSse.open(origin, path, headers)
            except (OSError, StreamClosed):
                self._origin += 1
                await asyncio.sleep(0.05)
                continue
            self.statuses.append(stream.status)
            if stream.status != 200:
                raise AssertionError(f"{self.name}: {stream.status} {stream.body!r}")
            self.connections += 1
            self.stream = stream
            return stream
        raise AssertionError(f"{self.name}: no origin accepted a connection")

    async def follow(self, until: int | None = None) -> None:
        """Read, reconnecting whenever the connection breaks, until event ``until`` (or forever)."""
        while until is None or self.last < until:
            stream = self.stream or await self.connect()
            try:
                event = await stream.next_event()
            except StreamClosed:
                self.drops += 1
                self.stream = None
                continue
            self.record(event)

    def record(self, event: Event) -> None:
        if event.kind == "reset":
            raise AssertionError(f"{self.name} was told to reset: {event.data}")
        self.events.append(event)
        self.ids.append(int(event.id or 0))

    def hang_up(self, *, abort: bool = False) -> None:
        if self.stream is not None:
            self.stream.close(abort=abort)
            self.stream = None


async def wait_until(condition: Any, what: str, patience: float = WAIT) -> None:
    """Poll ``condition()`` until it holds; fail after ``patience`` seconds (a hang guard)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + patience
    while not condition():
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.02)


def story_log(story_id: int) -> list[tuple[int, str, Any]]:
    """The story's event log as ``(seq, kind, entry id)``, in order."""
    from newsdesk.live.models import StoryEvent

    rows = StoryEvent.objects.filter(story_id=story_id).order_by("seq")
    return [(e.seq, e.kind, e.data.get("entry_id")) for e in rows]


def as_log(events: Sequence[Event]) -> list[tuple[int, str, Any]]:
    """What a reader was sent, in the shape of :func:`story_log`."""
    return [(int(e.id or 0), e.kind, e.json().get("entry_id")) for e in events]


async def publish_async(
    client: httpx.AsyncClient, token: str, story_id: int, body: str
) -> dict[str, Any]:
    """Publish an entry through the JSON API; fail on anything but 201."""
    response = await client.post(
        f"/api/stories/{story_id}/entries",
        json={"body": body},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 201, response.text
    return response.json()


async def metrics_when_idle(origin: str) -> str:
    """The process's /metrics once it has let go of every stream (fail after WAIT)."""
    async with httpx.AsyncClient(base_url=origin, timeout=WAIT) as client:
        deadline = asyncio.get_running_loop().time() + WAIT
        while True:
            text = (await client.get("/metrics")).text
            readers = metric(text, "newsdesk_stream_readers")
            if readers == 0 and metric(text, "newsdesk_stream_stories") == 0:
                return text
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"the process still holds streams:\n{text}")
            await asyncio.sleep(0.1)


def rss_kib(pid: int) -> int:
    """The process's resident set size in KiB (``VmRSS`` in /proc/<pid>/status)."""
    text = Path(f"/proc/{pid}/status").read_text()
    match = re.search(r"^VmRSS:\s+(\d+) kB$", text, re.MULTILINE)
    assert match, text
    return int(match[1])


def metric(text: str, name: str) -> float:
    """One sample of a Prometheus text exposition."""
    match = re.search(rf"^{re.escape(name)} (\S+)$", text, re.MULTILINE)
    assert match, f"{name} not in /metrics:\n{text}"
    return float(match[1])
