"""The listener's first look at each connection: streams stay here, the rest goes to uvicorn.

``newsdesk serve`` gives uvicorn :class:`FrontProtocol` as its HTTP protocol.
It reads a connection's request head: a plain ``GET /stories/<id>/events``
becomes a :class:`StreamConnection`, a small object holding the socket, its
cursor and its channel, with no ASGI cycle, task or parser behind it
(DESIGN.md, "Fan-out"). Anything else, including every request it is not
sure about, is handed with its bytes unchanged to uvicorn's httptools
protocol, and from there to the edge and Django. One port, one URL.

A stream that cannot open at once (its story not yet checked in this
process, or a position the ring does not hold) waits on the hub's shared
check or reads the log in a task; the common case, a reader joining a
story already on air, opens without awaiting anything.
"""

from __future__ import annotations

import asyncio
import contextlib
import http
import json
import logging
import os
import re
from functools import partial
from typing import Any

import django
from django.apps import apps
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

# uvicorn imports its protocol class before the application, in each worker.
if not apps.ready:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsdesk.config.settings")
    django.setup()

from newsdesk import conf  # noqa: E402

from . import kinds, sse  # noqa: E402
from .edge import (  # noqa: E402
    NOT_FOUND,
    PREAMBLE,
    STREAM_HEADERS,
    UNAVAILABLE,
    Invalid,
    stream_position,
)
from .hub import Channel, Frame, Hub, catch_up, hub_current  # noqa: E402

logger = logging.getLogger(__name__)

HEAD_LIMIT = 16 * 1024  # longer request heads go to httptools, which answers 431
HEAD_TIMEOUT = 10.0  # seconds a client has to send its request head
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

    Connections that are not streams go to ``next_protocol``, uvicorn's
    httptools protocol or a subclass of it (``newsdesk.config.listener``
    puts the page cache's there).
    """

    next_protocol: type[HttpToolsProtocol] = HttpToolsProtocol

    def __init__(
        self,
        config: Any,
        server_state: Any,
        app_state: dict[str, Any],
        _loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        if not config.loaded:
            config.load()
        self.config = config
        self.server_state = server_state
        self.app_state = app_state
        self.loop = _loop or asyncio.get_event_loop()
        self.transport: Any = None
        self.buffer = b""
        self.timer: asyncio.TimerHandle | None = None

    # --- asyncio.Protocol ---------------------------------------------------------

    def connection_made(self, transport: Any) -> None:
        self.transport = transport
        self.server_state.connections.add(self)
        self.timer = self.loop.call_later(HEAD_TIMEOUT, self._timed_out)

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
        self.server_state.connections.discard(self)

    def shutdown(self) -> None:
        """uvicorn's graceful shutdown: a connection still sending its head is closed."""
        self.transport.close()

    # --- routing ------------------------------------------------------------------

    def _hand_over(self) -> None:
        """Give the connection and its bytes so far to uvicorn's httptools protocol."""
        self._stop_timer()
        self.server_state.connections.discard(self)
        protocol = self.next_protocol(self.config, self.server_state, self.app_state, self.loop)
        self.transport.set_protocol(protocol)
        protocol.connection_made(self.transport)
        buffer, self.buffer = self.buffer, b""
        protocol.data_received(buffer)

    def _open(self, story_id: int, query: bytes, last_event_id: bytes | None) -> None:
        self.server_state.connections.discard(self)
        transport = self.transport
        try:
            position = stream_position(query_string=query, last_event_id=last_event_id)
        except Invalid as error:
            _answer(transport, 400, {"error": "invalid", "detail": str(error)})
            return
        hub = hub_current()
        if hub is None or hub.closing:
            _answer(transport, 503, UNAVAILABLE)
            return
        stream = StreamConnection(
            transport, hub, self.server_state.connections, limit=conf.get_int("STREAM_BUFFER")
        )
        transport.set_protocol(stream)
        self.server_state.connections.add(stream)
        stream.join(story_id, position)

    def _timed_out(self) -> None:
        self.timer = None
        self.transport.close()

    def _stop_timer(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None


class StreamConnection(asyncio.Protocol):
    """One reader's stream: the socket, its cursor, its channel. Kept small on purpose."""

    __slots__ = (
        "transport",
        "hub",
        "connections",
        "channel",
        "cursor",
        "reason",
        "behind",
        "task",
        "drained",
        "limit",
    )

    def __init__(self, transport: Any, hub: Hub, connections: set[Any], *, limit: int) -> None:
        self.transport = transport
        self.limit = limit  # frames waiting in user space before a reader counts as too slow
        self.hub = hub
        self.connections = connections
        self.channel: Channel | None = None
        self.cursor = 0
        self.reason: str | None = None
        self.behind = 0
        self.task: asyncio.Task[None] | None = None
        self.drained: asyncio.Future[None] | None = None

    # --- opening ------------------------------------------------------------------

    def join(self, story_id: int, position: int | str | None) -> None:
        channel = self.channel = self.hub.join(story_id)
        checked = self.hub.check(channel)
        if checked.done():
            self._checked(position, checked)
        else:
            checked.add_done_callback(partial(self._checked, position))

    def _checked(self, position: int | str | None, checked: asyncio.Future[bool]) -> None:
        channel = self.channel
        if channel is None or self.reason is not None:
            return  # the reader left while the story was being checked
        if checked.cancelled() or checked.exception() is not None:
            if not checked.cancelled():
                logger.error(
                    "Opening a stream of story %s failed: %s", channel.story_id, checked.exception()
                )
            self._refuse(503, UNAVAILABLE)
            return
        if not checked.result():
            self._refuse(404, NOT_FOUND)
            return
        self.transport.write(_RESPONSE_HEAD)
        if position == "reset":
            self._reset("invalid")
            return
        assert channel.last_seq is not None  # set by the check
        self.cursor = channel.last_seq if position is None else int(position)
        if self.cursor <= channel.last_seq and self.hub.go_live(channel, self):
            return
        self.task = asyncio.ensure_future(self._catch_up(channel))

    async def _catch_up(self, channel: Channel) -> None:
        try:
            reason = await catch_up(self.hub, channel, self, limit=conf.get_int("REPLAY_LIMIT"))
        except asyncio.CancelledError:
            return
        except Exception:
            logger.exception("Replaying story %s's events failed", channel.story_id)
            self.transport.abort()  # the client reconnects and resumes from its last event
            return
        finally:
            self.task = None
        if reason is not None:
            self._reset(reason)

    def _refuse(self, status: int, body: dict[str, str]) -> None:
        self._leave()
        _answer(self.transport, status, body)

    def _reset(self, reason: str) -> None:
        frame = sse.encode_json(event=kinds.RESET, data={"reason": reason})
        self.transport.write(sse.chunk(frame) + _LAST_CHUNK)
        self.close("reset")

    def _leave(self) -> None:
        channel, self.channel = self.channel, None
        if channel is not None:
            self.hub.leave(channel, self)

    # --- the hub's Stream ---------------------------------------------------------

    def send(self, frame: Frame) -> None:
        if frame.seq is not None:
            if frame.seq <= self.cursor:
                return
            self.cursor = frame.seq
        transport = self.transport
        if self.reason is not None or transport.is_closing():
            return
        transport.write(frame.chunk)
        if transport.get_write_buffer_size():
            # The kernel's buffer is full: let go of a reader that stays behind.
            self.behind += 1
            if self.behind > self.limit:
                self.reason = "slow"
                transport.abort()
        else:
            self.behind = 0

    async def replay(self, frame: Frame) -> None:
        """Send during replay, waiting for the socket instead of dropping the reader."""
        self.send(frame)
        self.behind = 0
        if self.transport.get_write_buffer_size() and not self.transport.is_closing():
            self.drained = asyncio.get_running_loop().create_future()
            await self.drained

    def close(self, reason: str) -> None:
        if self.reason is not None:
            return
        self.reason = reason
        if self.task is not None:
            self.task.cancel()
        transport = self.transport
        if reason == "reset":
            transport.close()  # after the reset frame and the last chunk are flushed
        elif reason == "slow" or transport.get_write_buffer_size():
            transport.abort()  # a reader that is not reading gets no goodbye
        else:
            transport.write(_LAST_CHUNK)
            transport.close()

    def server_stopping(self) -> bool | None:
        return None  # uvicorn calls shutdown() on this connection itself

    def shutdown(self) -> None:
        """uvicorn's graceful shutdown: end the stream so the client reconnects elsewhere."""
        self.close("shutdown")

    # --- asyncio.Protocol ---------------------------------------------------------

    def data_received(self, data: bytes) -> None:
        pass  # a reader has nothing more to say; pipelined requests are not served

    def eof_received(self) -> bool:
        return False  # the client closed its side: close ours

    def pause_writing(self) -> None:
        pass

    def resume_writing(self) -> None:
        drained, self.drained = self.drained, None
        if drained is not None and not drained.done():
            drained.set_result(None)

    def connection_lost(self, exc: Exception | None) -> None:
        if self.reason is None:
            self.reason = "disconnect"
        if self.task is not None:
            self.task.cancel()
        self.resume_writing()
        self._leave()
        self.connections.discard(self)


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
