"""The stream end to end: a real server process, real sockets, the real API.

``stream_server`` runs each test once per stream adapter: ``newsdesk serve``
(the transport adapter) and plain uvicorn (the ASGI adapter).
"""

from __future__ import annotations

import json

import pytest

from .conftest import api_publish

pytestmark = pytest.mark.django_db(transaction=True)


def test_stream_answers_event_stream_headers_and_preamble(stream_server, live_story, sse_open):
    client = sse_open(stream_server.url, live_story.get_events_url())

    assert client.status == 200
    assert client.response_headers["content-type"] == "text/event-stream; charset=utf-8"
    assert client.response_headers["cache-control"] == "no-store"
    assert client.response_headers["x-accel-buffering"] == "no"
    client.wait_for(lambda events: client.comments >= 1, what="the opening comment")


def test_published_entry_reaches_open_stream_with_its_id_and_html(
    stream_server, live_story, editor, token_for, sse_open
):
    client = sse_open(stream_server.url, live_story.get_events_url())
    client.wait_for(lambda events: client.comments >= 1, what="the opening comment")

    entry = api_publish(
        stream_server.url, token_for(editor), live_story.pk, "Talks **resume** at noon."
    )

    (event,) = client.wait_for_count(1)
    assert event.event == "entry-published"
    assert event.id == "1"
    data = event.json()
    assert data["entry_id"] == entry["id"]
    assert "<strong>resume</strong>" in data["html"]


def test_every_reader_gets_every_entry_once_in_order(
    stream_server, live_story, editor, token_for, sse_open
):
    readers = [sse_open(stream_server.url, live_story.get_events_url()) for _ in range(5)]
    for reader in readers:
        reader.wait_for(lambda events, r=reader: r.comments >= 1, what="the opening comment")
    token = token_for(editor)

    for n in range(12):
        api_publish(stream_server.url, token, live_story.pk, f"Update number {n}.")

    for reader in readers:
        events = reader.wait_for_count(12)
        assert [e.id for e in events] == [str(n) for n in range(1, 13)]


def test_reconnect_with_last_event_id_replays_missed_entries_once(
    stream_server, live_story, publish, sse_open
):
    for n in range(5):
        publish(live_story, f"Before the reader dropped {n}.")
    client = sse_open(
        stream_server.url, live_story.get_events_url() + "?after=0", headers={"Last-Event-ID": "2"}
    )

    events = client.wait_for_count(3)
    publish(live_story, "After the reader came back.")
    events = client.wait_for_count(4)

    assert [e.id for e in events] == ["3", "4", "5", "6"]


def test_after_parameter_replays_from_the_log_then_continues_live(
    stream_server, live_story, publish, sse_open
):
    for n in range(3):
        publish(live_story, f"Earlier update {n}.")
    client = sse_open(stream_server.url, live_story.get_events_url() + "?after=1")

    client.wait_for_count(2)
    publish(live_story, "Later update.")
    events = client.wait_for_count(3)

    assert [e.id for e in events] == ["2", "3", "4"]
    assert [e.event for e in events] == ["entry-published"] * 3


def test_stream_of_unknown_or_draft_story_is_a_json_404(stream_server, live_story, sse_open):
    from newsdesk.newsroom.services import story_set_status

    unknown = sse_open(stream_server.url, "/stories/999999/events")
    assert unknown.status == 404
    assert json.loads(unknown.read_body())["error"] == "not_found"

    story_set_status(story=live_story, actor=live_story.authors.first(), status="draft")
    draft = sse_open(stream_server.url, live_story.get_events_url())
    assert draft.status == 404


def test_malformed_after_is_a_json_400(stream_server, live_story, sse_open):
    client = sse_open(stream_server.url, live_story.get_events_url() + "?after=soon")

    assert client.status == 400
    body = json.loads(client.read_body())
    assert body["error"] == "invalid"
    assert body["detail"]


def test_reader_too_far_behind_gets_reset_and_the_stream_ends(
    stream_server, live_story, publish, sse_open, monkeypatch
):
    for n in range(4):
        publish(live_story, f"Update {n}.")
    # REPLAY_LIMIT is read per request in the server; this server keeps the
    # default, so a position far ahead of the head shows the same path.
    client = sse_open(stream_server.url, live_story.get_events_url() + "?after=40")

    events = client.read_to_end()

    assert [e.event for e in events] == ["reset"]
    assert events[0].json() == {"reason": "ahead"}
    assert client.ended


def test_malformed_last_event_id_gets_reset(stream_server, live_story, sse_open):
    client = sse_open(
        stream_server.url, live_story.get_events_url(), headers={"Last-Event-ID": "x1"}
    )

    events = client.read_to_end()

    assert [e.event for e in events] == ["reset"]


def test_healthz_is_answered_by_the_edge(stream_server, sse_open):
    client = sse_open(stream_server.url, "/healthz")

    assert client.status == 200
    assert client.read_body() == b"ok"


def test_server_shutdown_ends_open_streams_cleanly(live_story, sse_open):
    from conftest import start_server

    srv = start_server()
    try:
        client = sse_open(srv.url, live_story.get_events_url())
        client.wait_for(lambda events: client.comments >= 1, what="the opening comment")
        srv.process.terminate()
        client.read_to_end()
        assert client.finished
        srv.process.wait(timeout=30)
    finally:
        srv.stop()
    # uvicorn cancels responses still open after its grace period; streams must not be.
    assert "timeout graceful shutdown exceeded" not in srv.output()


@pytest.mark.slow
def test_workers_without_redis_converge_through_the_log(live_story, editor, token_for, sse_open):
    from conftest import start_server

    srv = start_server(workers=2)
    try:
        readers = [sse_open(srv.url, live_story.get_events_url()) for _ in range(6)]
        for reader in readers:
            reader.wait_for(lambda events, r=reader: r.comments >= 1, what="the opening comment")
        token = token_for(editor)
        for n in range(3):
            api_publish(srv.url, token, live_story.pk, f"Update {n}.")
        for reader in readers:
            assert [e.id for e in reader.wait_for_count(3)] == ["1", "2", "3"]
    finally:
        srv.stop()
