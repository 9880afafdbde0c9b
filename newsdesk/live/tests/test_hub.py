"""The hub: in-order, exactly-once delivery from a lossy broker plus the log."""

from __future__ import annotations

import asyncio
import json
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from newsdesk.live import kinds
from newsdesk.live.hub import Frame, Hub
from newsdesk.live.log import events_after
from newsdesk.live.streams import Invalid, stream_position


class RecordingStream:
    """Keeps what the hub sends, with the same cursor rule as real streams."""

    def __init__(self, cursor: int = 0) -> None:
        self.cursor = cursor
        self.frames: list[Frame] = []
        self.closed: str | None = None
        self.reason: str | None = None
        self.paused = False

    def send(self, frame: Frame) -> None:
        if frame.seq is not None:
            if frame.seq <= self.cursor:
                return
            self.cursor = frame.seq
        self.frames.append(frame)

    async def writable(self) -> None:
        pass

    def close(self, reason: str) -> None:
        self.closed = reason

    @property
    def seqs(self) -> list[int | None]:
        return [f.seq for f in self.frames]


def _run(scenario: Any) -> Any:
    """Run a coroutine function in a thread of its own: a browser test in the same
    session keeps Playwright's event loop running in the main thread."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, scenario()).result()


def _hub() -> Hub:
    return Hub(poll_seconds=3600, heartbeat_seconds=3600)


async def _settle(hub: Hub) -> None:
    for _ in range(200):
        tasks = [c.filling for c in hub.channels.values() if c.filling is not None]
        if not tasks:
            return
        await asyncio.gather(*tasks)


def _messages(story) -> list[dict]:
    return events_after(story_id=story.pk, after=0)


@pytest.mark.django_db(transaction=True)
def test_gap_in_broker_messages_is_filled_from_the_log_in_order(live_story, publish):
    for n in range(3):
        publish(live_story, f"Update {n}.")
    messages = _messages(live_story)

    async def scenario() -> RecordingStream:
        hub = _hub()
        stream = RecordingStream()
        channel = hub.join(live_story.pk, stream)
        assert hub.go_live(channel, stream)
        hub.deliver(messages[2])  # seq 3 arrives; 1 and 2 were lost
        await _settle(hub)
        hub.deliver(messages[1])  # a late duplicate
        hub.deliver(messages[2])
        return stream

    stream = _run(scenario)
    assert stream.seqs == [1, 2, 3]


@pytest.mark.django_db(transaction=True)
def test_poll_catches_events_the_broker_never_delivered(live_story, publish):
    async def scenario() -> RecordingStream:
        hub = _hub()
        stream = RecordingStream()
        assert hub.go_live(hub.join(live_story.pk, stream), stream)
        await asyncio.to_thread(publish, live_story, "Lost by the broker.")
        await hub.poll()
        await _settle(hub)
        return stream

    stream = _run(scenario)
    assert stream.seqs == [1]


@pytest.mark.django_db(transaction=True)
def test_each_event_is_encoded_once_and_shared_by_every_stream(live_story, publish):
    publish(live_story, "Shared.")
    (message,) = _messages(live_story)

    async def scenario() -> list[RecordingStream]:
        hub = _hub()
        streams = [RecordingStream() for _ in range(3)]
        for stream in streams:
            channel = hub.join(live_story.pk, stream)
            hub.go_live(channel, stream)
        hub.deliver(message)
        return streams

    streams = _run(scenario)
    frames = [s.frames[0] for s in streams]
    assert all(frame is frames[0] for frame in frames)
    assert frames[0].raw.startswith(b"event: entry-published\nid: 1\ndata: {")


@pytest.mark.django_db(transaction=True)
def test_joining_stream_catches_up_from_the_ring_before_going_live(live_story, publish):
    for n in range(4):
        publish(live_story, f"Update {n}.")
    messages = _messages(live_story)

    async def scenario() -> RecordingStream:
        hub = _hub()
        first = RecordingStream()
        channel = hub.join(live_story.pk, first)
        hub.go_live(channel, first)
        for message in messages:
            hub.deliver(message)
        late = RecordingStream(cursor=1)  # replayed the log up to 1 before these arrived
        hub.join(live_story.pk, late)
        assert hub.go_live(channel, late)
        return late

    assert _run(scenario).seqs == [2, 3, 4]


def test_joining_stream_rereads_the_log_when_the_ring_lacks_events():
    async def scenario() -> bool:
        hub = _hub()
        ahead, behind = RecordingStream(cursor=500), RecordingStream(cursor=490)
        channel = hub.join(1, ahead)
        hub.go_live(channel, ahead)
        hub.join(1, behind)
        return hub.go_live(channel, behind)

    assert _run(scenario) is False


def test_reactions_are_forwarded_without_an_id():
    async def scenario() -> RecordingStream:
        hub = _hub()
        stream = RecordingStream()
        hub.go_live(hub.join(5, stream), stream)
        hub.deliver({"story": 5, "kind": kinds.REACTIONS, "data": {"counts": {"like": 3}}})
        return stream

    (frame,) = _run(scenario).frames
    assert frame.seq is None
    assert frame.raw == b'event: reactions\ndata: {"counts":{"like":3}}\n\n'


def test_stop_closes_every_live_stream_for_reconnection():
    async def scenario() -> list[RecordingStream]:
        hub = _hub()
        await hub.start()
        streams = [RecordingStream(), RecordingStream()]
        for n, stream in enumerate(streams):
            hub.go_live(hub.join(n, stream), stream)
        await hub.stop()
        return streams

    assert [s.closed for s in _run(scenario)] == ["shutdown", "shutdown"]


def test_last_event_id_wins_over_after_and_bad_values_reset_or_fail():
    assert stream_position(query_string=b"", last_event_id=None) is None
    assert stream_position(query_string=b"after=4", last_event_id=None) == 4
    assert stream_position(query_string=b"after=4", last_event_id=b"9") == 9
    assert stream_position(query_string=b"after=4", last_event_id=b"") == 4
    assert stream_position(query_string=b"", last_event_id=b"nine") == "reset"
    for bad in (b"after=", b"after=-1", b"after=1.5", b"after=1&after=2", b"after=x"):
        with pytest.raises(Invalid):
            stream_position(query_string=bad, last_event_id=None)


# --- Django alone (a request that reaches Django instead of the edge) ----------------


@pytest.mark.django_db
def test_django_alone_answers_the_stream_url_with_a_sentence_not_a_second_stream(
    client, live_story
):
    response = client.get(live_story.get_events_url(), {"after": 1})

    assert response.status_code == 404
    assert response["Cache-Control"] == "no-store"
    assert "newsdesk serve" in json.loads(response.content)["detail"]
