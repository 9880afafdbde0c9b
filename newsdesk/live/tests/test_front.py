"""The stream listener in front of uvicorn: what it takes, what it hands on, the shared check."""

from __future__ import annotations

import asyncio
import socket
import threading
from typing import Any

import httpx
import pytest

from newsdesk.live import hub as hub_module
from newsdesk.live.front import parse_head
from newsdesk.live.hub import Hub
from newsdesk.live.tests.conftest import WAIT

from .test_hub import RecordingStream, _run

# --- which requests the front keeps (pure) ----------------------------------------------


def test_a_plain_stream_request_is_kept_with_its_position():
    head = b"GET /stories/12/events?after=3 HTTP/1.1\r\nHost: x\r\nLast-Event-ID:  7 "
    assert parse_head(head) == (12, b"after=3", b"7")
    assert parse_head(b"GET /stories/5/events/ HTTP/1.1\r\nHost: x") == (5, b"", None)


@pytest.mark.parametrize(
    "head",
    [
        b"HEAD /stories/1/events HTTP/1.1\r\nHost: x",  # not GET
        b"GET /stories/1/events HTTP/1.0\r\nHost: x",  # no chunked encoding in HTTP/1.0
        b"GET /stories/%31/events HTTP/1.1\r\nHost: x",  # percent-encoded: the full parser decodes
        b"GET /stories/1/eventsx HTTP/1.1\r\nHost: x",
        b"GET /stories/1/events HTTP/1.1\r\nContent-Length: 3",  # a body
        b"GET /stories/1/events HTTP/1.1\r\nTransfer-Encoding: chunked",
        b"GET /stories/1/events HTTP/1.1\r\nConnection: Upgrade\r\nUpgrade: websocket",
        b"GET /stories/1/events HTTP/1.1\r\nHost : x",  # whitespace before the colon
        b"GET /stories/1/events HTTP/1.1\r\nno colon here",
        b"GET /stories/1/events HTTP/1.1\r\nLast-Event-ID: 1\r\nLast-Event-ID: 2",
        b"GET  /stories/1/events HTTP/1.1",
        b"GET /stories/1234567890123456789/events HTTP/1.1",
        b"GET /stories/1/events HTTP/1.1\r\nLast-Event-ID: 1\x002",  # a control character
        b"GET /stories/1/events HTTP/1.1\r\nX-Note: a\x0bb",
    ],
)
def test_anything_unusual_goes_to_the_full_http_parser(head):
    assert parse_head(head) is None


# --- one check per story, whatever the burst ----------------------------------------------


def test_a_burst_of_streams_shares_one_story_check(monkeypatch):
    calls: list[int] = []
    started = threading.Event()
    release = threading.Event()

    def visible_head(*, story_id: int) -> int:
        calls.append(story_id)
        started.set()
        release.wait(WAIT)
        return 4

    monkeypatch.setattr(hub_module.log, "story_visible_head", visible_head)

    async def scenario() -> tuple[list[bool], int | None]:
        hub = Hub(poll_seconds=3600, heartbeat_seconds=3600)
        channel = hub.join(9, RecordingStream())
        futures = [hub.check(hub.join(9, RecordingStream())) for _ in range(200)]
        await asyncio.to_thread(started.wait, WAIT)
        release.set()
        results = await asyncio.gather(*futures)
        assert hub.check(channel).done()  # later streams open without waiting
        return results, channel.last_seq

    results, head = _run(scenario)
    assert calls == [9]
    assert results == [True] * 200
    assert head == 4


def test_a_failed_check_is_asked_again_by_the_next_stream(monkeypatch):
    answers: list[Any] = [RuntimeError("database down"), 2]

    def visible_head(*, story_id: int) -> int:
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    monkeypatch.setattr(hub_module.log, "story_visible_head", visible_head)

    async def scenario() -> bool:
        hub = Hub(poll_seconds=3600, heartbeat_seconds=3600)
        channel = hub.join(3, RecordingStream())
        with pytest.raises(RuntimeError):
            await hub.check(channel)
        return await hub.check(channel)

    assert _run(scenario) is True
    assert answers == []


def test_a_story_sent_back_to_draft_ends_its_streams():
    async def scenario() -> tuple[str | None, bool]:
        hub = Hub(poll_seconds=3600, heartbeat_seconds=3600)
        stream = RecordingStream(cursor=0)
        channel = hub.join(1, stream)
        assert hub.go_live(channel, stream)
        message = {"story": 1, "seq": 1, "kind": "status-changed", "data": {"status": "draft"}}
        hub.deliver(message)
        return stream.closed, channel.checked is None

    closed, forgotten = _run(scenario)
    assert closed == "gone"
    assert forgotten


# --- over a real socket ------------------------------------------------------------------


def _raw(origin: str, request: bytes) -> bytes:
    host, port = origin.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=WAIT) as sock:
        sock.sendall(request)
        received = b""
        while b"\r\n\r\n" not in received:
            data = sock.recv(65536)
            if not data:
                break
            received += data
        return received


def test_requests_the_front_does_not_keep_still_reach_django(server, live_story):
    head = _raw(
        server.url, f"HEAD /stories/{live_story.pk}/events HTTP/1.1\r\nHost: t\r\n\r\n".encode()
    )
    assert head.startswith(b"HTTP/1.1 405")
    encoded = _raw(
        server.url, f"GET /%73tories/{live_story.pk}/events HTTP/1.1\r\nHost: t\r\n\r\n".encode()
    )
    assert encoded.startswith(b"HTTP/1.1 200")
    assert b"text/event-stream" in encoded
    page = httpx.get(f"{server.url}{live_story.get_absolute_url()}", timeout=WAIT)
    assert page.status_code == 200


def test_stream_from_the_front_carries_headers_and_resumes(server, live_story, publish, sse_open):
    for n in range(3):
        publish(live_story, f"Entry {n}")
    stream = sse_open(
        server.url, f"/stories/{live_story.pk}/events", headers={"Last-Event-ID": "1"}
    )
    assert stream.status == 200
    assert stream.response_headers["content-type"] == "text/event-stream; charset=utf-8"
    assert stream.response_headers["cache-control"] == "no-store"
    events = stream.wait_for_count(2, kind="entry-published")
    assert [e.id for e in events if e.event == "entry-published"] == ["2", "3"]


def test_draft_story_stream_ends_and_reopening_is_a_404(server, live_story, editor, sse_open):
    from newsdesk.newsroom.services import story_set_status

    stream = sse_open(server.url, f"/stories/{live_story.pk}/events")
    stream.wait_for(lambda events: True)
    story_set_status(story=live_story, actor=editor, status="draft")
    events = stream.read_to_end()
    assert [e.event for e in events][-1:] == ["status-changed"]
    assert stream.finished
    again = sse_open(server.url, f"/stories/{live_story.pk}/events")
    assert again.status == 404
