"""Chunked request bodies get a Content-Length before Django (newsdesk.config.bodies)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from conftest import run_coroutine
from newsdesk.config.bodies import ChunkedBodies


class Recorder:
    """An inner ASGI app that reads the whole body and remembers what it saw."""

    def __init__(self) -> None:
        self.headers: dict[bytes, bytes] | None = None
        self.body = b""

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        self.headers = dict(scope["headers"])
        more = True
        while more:
            message = await receive()
            self.body += message.get("body", b"")
            more = message.get("more_body", False)
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})


def call(
    app: Any, messages: list[dict[str, Any]], *, headers: list[tuple[bytes, bytes]], path: str = "/"
) -> list[dict[str, Any]]:
    sent: list[dict[str, Any]] = []
    queue = list(messages)

    async def receive() -> dict[str, Any]:
        return queue.pop(0) if queue else {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": path, "headers": headers}
    run_coroutine(app(scope, receive, send))
    return sent


CHUNKED = [(b"transfer-encoding", b"chunked"), (b"content-type", b"application/json")]


def parts(body: bytes, size: int) -> list[dict[str, Any]]:
    pieces = [body[i : i + size] for i in range(0, len(body), size)] or [b""]
    return [
        {"type": "http.request", "body": piece, "more_body": n < len(pieces) - 1}
        for n, piece in enumerate(pieces)
    ]


@pytest.mark.parametrize("memory", [1 << 20, 10])  # in memory, and spooled to a file
def test_a_chunked_body_reaches_the_app_whole_with_its_length(memory: int) -> None:
    inner = Recorder()
    body = b'{"body": "' + b"x" * 300_000 + b'"}'
    sent = call(ChunkedBodies(inner, memory=memory), parts(body, 4096), headers=CHUNKED)
    assert sent[0]["status"] == 204
    assert inner.body == body
    assert inner.headers is not None
    assert inner.headers[b"content-length"] == str(len(body)).encode()
    assert b"transfer-encoding" not in inner.headers


def test_an_empty_chunked_body_has_length_zero() -> None:
    inner = Recorder()
    call(ChunkedBodies(inner), parts(b"", 1), headers=CHUNKED)
    assert inner.headers is not None and inner.headers[b"content-length"] == b"0"
    assert inner.body == b""


def test_a_body_with_a_length_passes_untouched() -> None:
    inner = Recorder()
    headers = [(b"content-length", b"2")]
    call(ChunkedBodies(inner), parts(b"{}", 1), headers=headers)
    assert inner.headers == {b"content-length": b"2"}
    assert inner.body == b"{}"


@pytest.mark.parametrize(
    ("path", "kind", "detail"),
    [
        ("/api/stories", b"application/json", "The request body is larger than 100 bytes."),
        (
            "/desk/login/",
            b"text/plain; charset=utf-8",
            "The request body is larger than 100 bytes.",
        ),
    ],
)
def test_a_chunked_body_over_the_limit_is_413_and_never_reaches_the_app(
    path: str, kind: bytes, detail: str
) -> None:
    inner = Recorder()
    sent = call(ChunkedBodies(inner, limit=100), parts(b"x" * 101, 10), headers=CHUNKED, path=path)
    assert inner.headers is None
    assert sent[0]["status"] == 413
    assert dict(sent[0]["headers"])[b"content-type"] == kind
    text = sent[1]["body"].decode()
    assert (json.loads(text)["detail"] if path.startswith("/api/") else text) == detail


def test_a_client_gone_mid_body_never_reaches_the_app() -> None:
    inner = Recorder()
    sent = call(ChunkedBodies(inner), parts(b"x" * 100, 10)[:3], headers=CHUNKED)
    assert inner.headers is None and sent == []
