"""The ASGI edge in front of Django.

Paths whose traffic grows with the audience are answered here without
entering Django's request cycle (DESIGN.md, "Shape of the system"): the story
event stream and ``/healthz``. Everything else goes to Django. The edge also
owns the process's hub and broker, started and stopped by the ASGI lifespan
(Django's ASGI handler does not speak lifespan, so it never sees it).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
from typing import Any
from urllib.parse import parse_qs

from django.db import DatabaseError

from newsdesk import conf

from . import hub as hub_module
from . import kinds, metrics, sse
from .hub import Frame, Hub, catch_up, db_call
from .streams import stream_open

logger = logging.getLogger(__name__)

STREAM_PATH = re.compile(r"^/stories/(?P<story_id>[0-9]{1,18})/events/?$")
RETRY_MS = 3000
_NUMBER = re.compile(r"^[0-9]{1,18}$")

STREAM_HEADERS = [
    (b"content-type", b"text/event-stream; charset=utf-8"),
    (b"cache-control", b"no-store"),
    (b"x-accel-buffering", b"no"),
    (b"x-content-type-options", b"nosniff"),
]
UNAVAILABLE = {
    "error": "unavailable",
    "detail": "Live updates are unavailable for a moment; the page retries by itself.",
}
NOT_FOUND = {"error": "not_found", "detail": "There is no such live story."}
PREAMBLE = Frame(sse.encode(retry=RETRY_MS, comment="newsdesk stream"))


class Invalid(ValueError):
    """A request the stream answers with 400."""


def stream_position(*, query_string: bytes, last_event_id: bytes | None) -> int | None | str:
    """Where a stream resumes: a sequence number, None (the head) or ``"reset"``.

    ``Last-Event-ID`` (sent by a reconnecting EventSource) wins over
    ``?after=`` (the page's sequence number when it was rendered). A malformed
    header gets a reset, since the browser made it up from an earlier stream;
    a malformed ``after`` is the caller's mistake and raises :class:`Invalid`.
    """
    if last_event_id is not None and last_event_id.strip():
        text = last_event_id.decode("latin-1").strip()
        return int(text) if _NUMBER.match(text) else "reset"
    values = parse_qs(query_string.decode("latin-1"), keep_blank_values=True).get("after")
    if not values:
        return None
    if len(values) > 1 or not _NUMBER.match(values[0]):
        raise Invalid("The after parameter must be one whole number of 0 or more.")
    return int(values[0])


class Edge:
    """ASGI application: the stream and health check here, the rest in Django."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.hub: Hub | None = None
        self.broker: Any = None
        self._starting = asyncio.Lock()

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        kind = scope["type"]
        if kind == "lifespan":
            await self._lifespan(receive, send)
            return
        if kind == "http":
            path = scope["path"]
            if path == "/healthz" and scope["method"] in {"GET", "HEAD"}:
                await _plain(send, 200, b"ok", head=scope["method"] == "HEAD")
                return
            if path == "/readyz" and scope["method"] in {"GET", "HEAD"}:
                await self._readyz(send)
                return
            if path == "/metrics" and scope["method"] == "GET":
                body = metrics.render(self.hub).encode()
                await _plain(send, 200, body, content_type=metrics.CONTENT_TYPE)
                return
            match = STREAM_PATH.match(path)
            if match and scope["method"] == "GET":
                await self._stream(scope, receive, send, int(match["story_id"]))
                return
        await self.app(scope, receive, send)

    # --- operations ---------------------------------------------------------------

    async def _readyz(self, send: Any) -> None:
        """200 when the database and the broker answer, else 503 naming what failed."""
        checks = {"database": await _database_ready(), "broker": False}
        if self.broker is not None:
            checks["broker"] = await asyncio.to_thread(self.broker.ready)
        status = 200 if all(checks.values()) else 503
        await _json(send, status, {"ready": status == 200, "checks": checks})

    # --- lifespan -----------------------------------------------------------------

    async def _lifespan(self, receive: Any, send: Any) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                try:
                    await self.start()
                except Exception as error:
                    logger.exception("Start-up failed")
                    await send({"type": "lifespan.startup.failed", "message": str(error)})
                    return
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await self.stop()
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def start(self) -> None:
        """Build the broker from settings, install it, start the hub."""
        async with self._starting:
            if self.hub is not None:
                return
            from .brokers import broker_from_settings, broker_install

            hub = Hub(
                poll_seconds=conf.get_float("LOG_POLL_SECONDS"),
                heartbeat_seconds=conf.get_float("HEARTBEAT_SECONDS"),
            )
            broker = broker_from_settings()
            await hub.start()
            await broker.start(hub.deliver, on_reconnect=hub.resync)
            broker_install(broker)
            self.hub, self.broker = hub, broker
            hub_module.hub_install(hub)
            # Flushing buffered reads and recomputing Related run beside the
            # streams, never inside a reader's request.
            from newsdesk.discovery.worker import worker_started

            worker_started()

    async def stop(self) -> None:
        """Close every stream so clients reconnect elsewhere; stop the broker."""
        hub, broker = self.hub, self.broker
        self.hub = self.broker = None
        if hub is not None:
            hub_module.hub_uninstall(hub)
            await hub.stop()
        if broker is not None:
            from .brokers import broker_uninstall

            broker_uninstall(broker)
            await broker.stop()

    # --- the stream -------------------------------------------------------------

    async def _stream(self, scope: dict[str, Any], receive: Any, send: Any, story_id: int) -> None:
        headers = dict(scope.get("headers") or [])
        try:
            position = stream_position(
                query_string=scope.get("query_string", b""),
                last_event_id=headers.get(b"last-event-id"),
            )
        except Invalid as error:
            await _json(send, 400, {"error": "invalid", "detail": str(error)})
            return
        if self.hub is None:
            await self.start()  # a server without lifespan support
        hub = self.hub
        if hub is None or hub.closing:
            await _json(send, 503, UNAVAILABLE)
            return
        channel = hub.join(story_id)
        stream = None
        try:
            try:
                visible = await asyncio.shield(hub.check(channel))
            except DatabaseError:
                logger.exception("Opening a stream of story %s failed", story_id)
                await _json(send, 503, UNAVAILABLE)
                return
            if not visible:
                await _json(send, 404, NOT_FOUND)
                return
            await send({"type": "http.response.start", "status": 200, "headers": STREAM_HEADERS})
            stream = stream_open(send=send, limit=conf.get_int("STREAM_BUFFER"))
            await stream.replay(PREAMBLE)
            if position == "reset":
                await self._reset(stream, send, "invalid")
                return
            stream.cursor = channel.last_seq if position is None else position
            reason = await catch_up(hub, channel, stream, limit=conf.get_int("REPLAY_LIMIT"))
            if reason is not None:
                await self._reset(stream, send, reason)
                return
            reason = await stream.wait(receive)
            if reason in {"shutdown", "gone"}:
                await _finish(send, stream)
        finally:
            hub.leave(channel, stream)

    async def _reset(self, stream: Any, send: Any, reason: str) -> None:
        frame = Frame(sse.encode_json(event=kinds.RESET, data={"reason": reason}))
        await stream.replay(frame)
        await _finish(send, stream)


async def _finish(send: Any, stream: Any) -> None:
    # End the chunked body so the client sees a clean end and reconnects.
    cycle = getattr(send, "__self__", None)
    flow = getattr(cycle, "flow", None)
    if flow is not None and flow.write_paused:
        cycle.transport.abort()  # a reader that is not reading gets no goodbye
        return
    with contextlib.suppress(OSError):
        await send({"type": "http.response.body", "body": b"", "more_body": False})


def _database_ping() -> bool:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return True


async def _database_ready() -> bool:
    try:
        return bool(await db_call(_database_ping))
    except DatabaseError:
        return False


async def _plain(
    send: Any,
    status: int,
    body: bytes,
    *,
    head: bool = False,
    content_type: str = "text/plain; charset=utf-8",
) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", content_type.encode()),
                (b"content-length", str(len(body)).encode()),
                (b"cache-control", b"no-store"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": b"" if head else body})


async def _json(send: Any, status: int, data: dict[str, Any]) -> None:
    body = json.dumps(data).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"cache-control", b"no-store"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
