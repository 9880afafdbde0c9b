"""Open stream connections: how frames reach a reader's socket.

Under uvicorn's httptools protocol, :class:`TransportStream` writes each
frame straight to the connection's transport, already framed as an HTTP
chunk, and never awaits: the fan-out is one ``transport.write`` per reader
(DESIGN.md, "Fan-out"). Any other ASGI server gets :class:`QueuedStream`, a
bounded queue drained through the ASGI ``send``. Both drop a reader that
cannot keep up instead of buffering for it: it reconnects and resumes from
the log.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from typing import Any

from .hub import Frame

Scope = dict[str, Any]
Message = dict[str, Any]

_UVICORN_HTTPTOOLS = "uvicorn.protocols.http.httptools_impl"


class TransportStream:
    """A stream written directly to uvicorn's transport (httptools protocol)."""

    def __init__(self, cycle: Any, *, limit: int) -> None:
        self._cycle = cycle
        self._transport = cycle.transport
        self._chunked = bool(cycle.chunked_encoding)
        self._limit = limit
        self._behind = 0
        # A keep-alive response turned to close means uvicorn began its
        # graceful shutdown (HttpToolsProtocol.shutdown).
        self._watch_keep_alive = bool(cycle.keep_alive)
        self.cursor = 0
        self.reason: str | None = None

    def send(self, frame: Frame) -> None:
        if frame.seq is not None:
            if frame.seq <= self.cursor:
                return
            self.cursor = frame.seq
        transport = self._transport
        if self.reason is not None or transport.is_closing():
            return
        transport.write(frame.chunk if self._chunked else frame.raw)
        if transport.get_write_buffer_size():
            # The kernel's socket buffer is full: count frames waiting in user
            # space, and let go of a reader that stays behind.
            self._behind += 1
            if self._behind > self._limit:
                self.reason = "slow"
                transport.abort()
        else:
            self._behind = 0

    async def replay(self, frame: Frame) -> None:
        """Send during replay: wait for the socket instead of dropping the reader."""
        self.send(frame)
        self._behind = 0
        flow = self._cycle.flow
        if flow.write_paused and not self._cycle.disconnected:
            await flow.drain()

    def close(self, reason: str) -> None:
        if self.reason is None:
            self.reason = reason
        self._cycle.message_event.set()  # wakes the handler's receive()

    def server_stopping(self) -> bool | None:
        if not self._watch_keep_alive:
            return None
        return not self._cycle.keep_alive

    async def wait(self, receive: Any) -> str:
        """Wait until the client goes away or the stream is closed; return why."""
        while self.reason is None:
            message = await receive()
            if message["type"] == "http.disconnect":
                return self.reason or "disconnect"
        return self.reason


class QueuedStream:
    """A stream behind any ASGI server: a bounded queue drained by ``send``."""

    def __init__(self, send: Any, *, limit: int) -> None:
        self._asgi_send = send
        self._queue: deque[bytes] = deque()
        self._wake = asyncio.Event()
        self._limit = limit
        self.cursor = 0
        self.reason: str | None = None

    def send(self, frame: Frame) -> None:
        if frame.seq is not None:
            if frame.seq <= self.cursor:
                return
            self.cursor = frame.seq
        if self.reason is not None:
            return
        if len(self._queue) >= self._limit:
            self.close("slow")
            return
        self._queue.append(frame.raw)
        self._wake.set()

    async def replay(self, frame: Frame) -> None:
        if frame.seq is not None:
            if frame.seq <= self.cursor:
                return
            self.cursor = frame.seq
        await self._asgi_send({"type": "http.response.body", "body": frame.raw, "more_body": True})

    def close(self, reason: str) -> None:
        if self.reason is None:
            self.reason = reason
        self._wake.set()

    def server_stopping(self) -> bool | None:
        return None

    async def wait(self, receive: Any) -> str:
        async def disconnected() -> None:
            while (await receive())["type"] != "http.disconnect":
                pass

        watcher = asyncio.create_task(disconnected())
        watcher.add_done_callback(lambda _: self.close("disconnect"))
        try:
            while True:
                await self._wake.wait()
                self._wake.clear()
                while self._queue and self.reason is None:
                    body = self._queue.popleft()
                    await self._asgi_send(
                        {"type": "http.response.body", "body": body, "more_body": True}
                    )
                if self.reason is not None:
                    return self.reason
        finally:
            watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watcher


def stream_open(*, send: Any, limit: int) -> TransportStream | QueuedStream:
    """The best stream for this server, after the response headers were sent."""
    cycle = getattr(send, "__self__", None)
    if (
        cycle is not None
        and type(cycle).__module__ == _UVICORN_HTTPTOOLS
        and all(
            hasattr(cycle, name)
            for name in ("transport", "flow", "message_event", "chunked_encoding", "keep_alive")
        )
    ):
        return TransportStream(cycle, limit=limit)
    return QueuedStream(send, limit=limit)
