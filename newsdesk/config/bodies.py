"""Chunked request bodies for Django under a2wsgi.

WSGI reads a body by its ``Content-Length``; a request sent with
``Transfer-Encoding: chunked`` (``curl --data-binary @-``, many HTTP libraries)
has none, so Django would read it as empty (``WSGIRequest`` bounds
``wsgi.input`` by ``CONTENT_LENGTH``, 0 when absent). :class:`ChunkedBodies`
reads such a body first, memory-bounded (spooled to a temporary file past
``MEMORY``), refuses one over ``LIMIT`` with 413, and hands Django the same
request with its ``Content-Length``: every view then sees the body as if it
had been sent with one.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]

# Larger than any body a view accepts (the API refuses more than 1 MiB itself, by
# the Content-Length given here; a photo upload is bounded by NEWSDESK_MEDIA_MAX_BYTES,
# which config/asgi.py adds room for); a chunked body is read whole before Django runs.
LIMIT = 32 * 1024 * 1024
MEMORY = 1024 * 1024
CHUNK = 64 * 1024


def _chunked(headers: list[tuple[bytes, bytes]]) -> bool:
    has_length = any(name == b"content-length" for name, _ in headers)
    return not has_length and any(name == b"transfer-encoding" for name, _ in headers)


class ChunkedBodies:
    """ASGI middleware in front of a WSGI app: a chunked body gets its Content-Length."""

    LIMIT = LIMIT

    def __init__(self, app: App, *, limit: int = LIMIT, memory: int = MEMORY) -> None:
        self.app = app
        self.limit = limit
        self.memory = memory

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not _chunked(scope["headers"]):
            await self.app(scope, receive, send)
            return
        with tempfile.SpooledTemporaryFile(max_size=self.memory) as body:
            size = 0
            more = True
            while more:
                message = await receive()
                if message["type"] == "http.disconnect":
                    return
                chunk = message.get("body", b"")
                size += len(chunk)
                if size > self.limit:
                    await _too_large(scope, send, self.limit)
                    return
                body.write(chunk)
                more = bool(message.get("more_body"))
            body.seek(0)
            headers = [(n, v) for n, v in scope["headers"] if n != b"transfer-encoding"]
            headers.append((b"content-length", str(size).encode()))
            done = False

            async def replay() -> Message:
                nonlocal done
                if done:
                    return await receive()
                chunk = body.read(CHUNK)
                done = body.tell() >= size
                return {"type": "http.request", "body": chunk, "more_body": not done}

            await self.app({**scope, "headers": headers}, replay, send)


async def _too_large(scope: Scope, send: Send, limit: int) -> None:
    detail = f"The request body is larger than {limit:,} bytes."
    if scope["path"].startswith("/api/"):
        content, kind = (
            json.dumps({"error": "too_large", "detail": detail}).encode(),
            b"application/json",
        )
    else:
        content, kind = detail.encode(), b"text/plain; charset=utf-8"
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", kind),
                (b"content-length", str(len(content)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": content})
