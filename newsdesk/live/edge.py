"""The ASGI edge in front of Django.

Paths whose traffic grows with the audience are answered here without
entering Django's request cycle (DESIGN.md, "Shape of the system"): the story
event stream, media files, cached pages, ``/healthz`` and ``/metrics``.
Everything else goes to Django. The process's runtime (hub, broker,
background worker, page cache, media files: ``newsdesk/config/runtime.py``)
is built and started by the ASGI lifespan and left in the lifespan state, where
``newsdesk serve``'s protocols find it; a server without lifespan support
gets it built on the first request.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from typing import Any

from django.db import DatabaseError

from . import metrics
from .hub import db_call
from .streams import UNAVAILABLE, AsgiStream, Invalid, stream_position

logger = logging.getLogger(__name__)

STREAM_PATH = re.compile(r"^/stories/(?P<story_id>[0-9]{1,18})/events/?$")
RUNTIME_KEY = "newsdesk.runtime"  # in the lifespan state (uvicorn_compat.RUNTIME_KEY)


class Edge:
    """ASGI application: streams, media, cached pages and health checks here, the rest in Django."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.runtime: Any = None
        self._starting = asyncio.Lock()
        self._stopped = False

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        kind = scope["type"]
        if kind == "lifespan":
            await self._lifespan(scope, receive, send)
            return
        if kind != "http":
            await self.app(scope, receive, send)
            return
        runtime = self.runtime
        if runtime is None:
            if self._stopped:  # a request arriving after the lifespan's shutdown
                await _json(send, 503, UNAVAILABLE)
                return
            runtime = await self.start()
        path, method = scope["path"], scope["method"]
        if path == "/healthz" and method in {"GET", "HEAD"}:
            await _plain(send, 200, b"ok", head=method == "HEAD")
            return
        if path == "/readyz" and method in {"GET", "HEAD"}:
            await self._readyz(send, runtime)
            return
        if path == "/metrics" and method == "GET":
            body = metrics.render(runtime.hub).encode()
            await _plain(send, 200, body, content_type=metrics.CONTENT_TYPE)
            return
        if path.startswith("/media/"):
            await runtime.media.asgi(scope, send)
            return
        match = STREAM_PATH.match(path)
        if match and method == "GET":
            await self._stream(scope, receive, send, int(match["story_id"]), runtime)
            return
        await runtime.pages(scope, receive, send)

    # --- operations ---------------------------------------------------------------

    async def _readyz(self, send: Any, runtime: Any) -> None:
        """200 when the database and the broker answer, else 503 naming what failed."""
        checks = {
            "database": await _database_ready(),
            "broker": await asyncio.to_thread(runtime.broker.ready),
        }
        status = 200 if all(checks.values()) else 503
        await _json(send, status, {"ready": status == 200, "checks": checks})

    # --- lifespan -----------------------------------------------------------------

    async def _lifespan(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                try:
                    runtime = await self.start()
                except Exception as error:
                    logger.exception("Start-up failed")
                    await send({"type": "lifespan.startup.failed", "message": str(error)})
                    return
                if isinstance(scope.get("state"), dict):
                    # uvicorn hands this state to the protocols it builds.
                    scope["state"][RUNTIME_KEY] = runtime
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await self.stop()
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def start(self) -> Any:
        """Build and start this process's runtime (once)."""
        async with self._starting:
            if self.runtime is None:
                from newsdesk.config.runtime import Runtime

                runtime = Runtime(app=self.app)
                await runtime.start()
                self.runtime = runtime
            return self.runtime

    async def stop(self) -> None:
        """Close every stream so clients reconnect elsewhere; stop the runtime."""
        runtime, self.runtime = self.runtime, None
        self._stopped = True
        if runtime is not None:
            await runtime.stop()

    # --- the stream -------------------------------------------------------------

    async def _stream(
        self, scope: dict[str, Any], receive: Any, send: Any, story_id: int, runtime: Any
    ) -> None:
        headers = dict(scope.get("headers") or [])
        try:
            position = stream_position(
                query_string=scope.get("query_string", b""),
                last_event_id=headers.get(b"last-event-id"),
            )
        except Invalid as error:
            await _json(send, 400, {"error": "invalid", "detail": str(error)})
            return
        stream = AsgiStream(runtime.hub, runtime.limits, send)
        stream.open(story_id, position)
        await stream.run(receive)


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
