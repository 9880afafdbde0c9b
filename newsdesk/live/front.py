"""The listener's first look at each connection: streams stay here, the rest goes on.

``newsdesk serve`` gives uvicorn ``newsdesk.config.listener.Listener`` (this
protocol) as its HTTP protocol. It reads a connection's request head: a plain
``GET /stories/<id>/events`` becomes a :class:`StreamConnection`, the
transport adapter of the stream core (``streams.py``): the socket and the
core's few fields, with no ASGI cycle, task or parser behind it (DESIGN.md,
"Fan-out"). Anything else, including every request it is not sure about, is
handed with its bytes unchanged to the next protocol (uvicorn's httptools
protocol with early answers, ``newsdesk/config/uvicorn_compat.py``), and
from there to the edge and Django. One port, one URL.

Every uvicorn object this module touches goes through ``uvicorn_compat``;
the process's runtime (hub, stream limits) comes from the lifespan state
uvicorn hands to each protocol.
"""

from __future__ import annotations

import asyncio
import contextlib
import http
import json
import logging
import re
from typing import Any

from newsdesk.config import uvicorn_compat

from .hub import Frame, Hub
from .streams import (
    PREAMBLE,
    STREAM_HEADERS,
    UNAVAILABLE,
    Invalid,
    Stream,
    StreamLimits,
    stream_position,
)

logger = logging.getLogger(__name__)

HEAD_LIMIT = 16 * 1024  # longer request heads go to httptools, which answers 431
_STREAM_TARGET = re.compile(rb"^/stories/([0-9]{1,18})/events/?(?:\?(.*))?$", re.DOTALL)
_PREFIX = b"GET /stories/"
_NOT_FOR_US = frozenset({b"content-length", b"transfer-encoding", b"upgrade", b"expect"})

# The stream's response head (the edge's headers, chunked) and its opening comment.
_RESPONSE_HEAD = (
    b"HTTP/1.1 200 OK\r\n"
    + b"".join(b"%s: %s\r\n" % pair for pair in STREAM_HEADERS)
    + b"transfer-encoding: chunked\r\n\r\n"
    + PREAMBLE.chunk
)
_LAST_CHUNK = b"0\r\n\r\n"
# Control characters httptools refuses in a request head (all but HTAB, and CR LF
# between lines): RFC 9110, section 5.5.
_CONTROL = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def parse_head(head: bytes) -> tuple[int, bytes, bytes | None] | None:
    """``(story id, query string, Last-Event-ID)`` of a plain stream request, else None.

    ``head`` is the request line and header lines without the blank line.
    Only what is certainly a bodiless HTTP/1.1 GET of the stream path is
    taken; anything unusual returns None and goes to the full HTTP parser.
    """
    if _CONTROL.search(head):
        return None  # the full parser refuses it (400), as it does on every other path
    lines = head.split(b"\r\n")
    parts = lines[0].split(b" ")
    if len(parts) != 3 or parts[0] != b"GET" or parts[2] != b"HTTP/1.1":
        return None
    match = _STREAM_TARGET.match(parts[1])
    if match is None:
        return None
    last_event_id = None
    for line in lines[1:]:
        name, colon, value = line.partition(b":")
        if not colon or not name or name != name.strip() or b" " in name:
            return None
        name = name.lower()
        if name in _NOT_FOR_US or (name == b"connection" and b"upgrade" in value.lower()):
            return None
        if name == b"last-event-id":
            if last_event_id is not None:
                return None
            last_event_id = value.strip(b" \t")
    return int(match[1]), match[2] or b"", last_event_id


class FrontProtocol(asyncio.Protocol):
    """uvicorn's HTTP protocol class for ``newsdesk serve``: routes each new connection.

    Connections that are not streams go to ``next_protocol``, built with the
    arguments uvicorn gave this one.
    """

    next_protocol: type[asyncio.Protocol] = uvicorn_compat.EarlyProtocol

    def __init__(
        self,
        config: Any,
        server_state: Any,
        app_state: dict[str, Any],
        _loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        self.config = config
        self.server_state = server_state
        self.app_state = app_state
        self.loop = _loop or asyncio.get_event_loop()
        self.transport: Any = None
        self.buffer = b""
        self.timer: asyncio.TimerHandle | None = None
        self.deadline = 0.0

    # --- asyncio.Protocol ---------------------------------------------------------

    def connection_made(self, transport: Any) -> None:
        self.transport = transport
        uvicorn_compat.connection_track(self.server_state, self)
        # The request head must be complete by then, whichever protocol reads it.
        runtime = uvicorn_compat.runtime_of(self.app_state)
        timeout = uvicorn_compat.HEADER_TIMEOUT if runtime is None else runtime.header_timeout
        self.deadline = self.loop.time() + timeout
        self.timer = self.loop.call_at(self.deadline, self._timed_out)

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        buffer = self.buffer
        if not buffer.startswith(_PREFIX[: len(buffer)]):
            self._hand_over()
            return
        end = buffer.find(b"\r\n\r\n")
        if end < 0:
            if len(buffer) > HEAD_LIMIT:
                self._hand_over()
            return
        request = parse_head(buffer[:end]) if end + 4 == len(buffer) else None
        if request is None:
            self._hand_over()  # pipelined bytes, a body, or anything unusual
            return
        self._stop_timer()
        self._open(*request)

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_timer()
        uvicorn_compat.connection_untrack(self.server_state, self)

    def shutdown(self) -> None:
        """uvicorn's graceful shutdown: a connection still sending its head is closed."""
        self.transport.close()

    # --- routing ------------------------------------------------------------------

    def _hand_over(self) -> None:
        """Give the connection and its bytes so far to the next protocol."""
        self._stop_timer()
        uvicorn_compat.connection_untrack(self.server_state, self)
        protocol = self.next_protocol(  # type: ignore[call-arg]
            self.config, self.server_state, self.app_state, self.loop
        )
        protocol.head_deadline = self.deadline  # type: ignore[attr-defined]
        self.transport.set_protocol(protocol)
        protocol.connection_made(self.transport)
        buffer, self.buffer = self.buffer, b""
        protocol.data_received(buffer)

    def _open(self, story_id: int, query: bytes, last_event_id: bytes | None) -> None:
        uvicorn_compat.connection_untrack(self.server_state, self)
        transport = self.transport
        try:
            position = stream_position(query_string=query, last_event_id=last_event_id)
        except Invalid as error:
            _answer(transport, 400, {"error": "invalid", "detail": str(error)})
            return
        runtime = uvicorn_compat.runtime_of(self.app_state)
        if runtime is None:
            _answer(transport, 503, UNAVAILABLE)
            return
        stream = StreamConnection(transport, runtime.hub, runtime.limits, self.server_state)
        transport.set_protocol(stream)
        uvicorn_compat.connection_track(self.server_state, stream)
        stream.open(story_id, position)

    def _timed_out(self) -> None:
        self.timer = None
        self.transport.close()

    def _stop_timer(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None


class StreamConnection(Stream, asyncio.Protocol):
    """The stream core written straight to the connection's transport, as HTTP chunks."""

    __slots__ = ("transport", "server_state")

    def __init__(self, transport: Any, hub: Hub, limits: StreamLimits, server_state: Any) -> None:
        super().__init__(hub, limits)
        self.transport = transport
        self.server_state = server_state

    # --- the core's adapter -------------------------------------------------------

    def _start(self) -> None:
        self.transport.write(_RESPONSE_HEAD)

    def _refuse(self, status: int, body: dict[str, str]) -> None:
        _answer(self.transport, status, body)

    def _write(self, frame: Frame) -> None:
        self.transport.write(frame.chunk)

    def _buffered(self) -> int:
        return int(self.transport.get_write_buffer_size())

    def _end(self, *, clean: bool) -> None:
        transport = self.transport
        if clean:
            transport.write(_LAST_CHUNK)
            transport.close()  # after what is queued is flushed
        else:
            transport.abort()  # a reader that is not reading gets no goodbye

    def shutdown(self) -> None:
        """uvicorn's graceful shutdown: end the stream so the client reconnects elsewhere."""
        self.close("shutdown")

    # --- asyncio.Protocol ---------------------------------------------------------

    def data_received(self, data: bytes) -> None:
        pass  # a reader has nothing more to say; pipelined requests are not served

    def eof_received(self) -> bool:
        return False  # the client closed its side: close ours

    def connection_lost(self, exc: Exception | None) -> None:
        self.lost()
        uvicorn_compat.connection_untrack(self.server_state, self)


def _answer(transport: Any, status: int, body: dict[str, str]) -> None:
    """A whole JSON response, then close the connection."""
    payload = json.dumps(body).encode()
    phrase = http.HTTPStatus(status).phrase.encode()
    transport.write(
        b"HTTP/1.1 %d %s\r\ncontent-type: application/json\r\ncontent-length: %d\r\n"
        b"cache-control: no-store\r\nconnection: close\r\n\r\n%s"
        % (status, phrase, len(payload), payload)
    )
    with contextlib.suppress(Exception):
        transport.close()
