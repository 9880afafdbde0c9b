"""Several server processes sharing one live feed through a real, private Redis."""

from __future__ import annotations

import pytest

from conftest import start_server

from .conftest import api_publish

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.redis, pytest.mark.slow]

# A log poll far longer than any test: what arrives must have come through Redis
# (or, after Redis came back, through the re-sync the reconnection triggers).
NO_POLL = "3600"


@pytest.fixture
def redis_servers(redis_server):
    """Two ``newsdesk serve`` processes on the same Redis and database."""
    env = {"NEWSDESK_REDIS_URL": redis_server.url, "NEWSDESK_LOG_POLL_SECONDS": NO_POLL}
    servers = [start_server(env=env), start_server(env=env)]
    try:
        yield servers
    finally:
        for srv in servers:
            srv.stop()


def _ready(client):
    client.wait_for(lambda events: client.comments >= 1, what="the opening comment")
    return client


def test_entry_published_through_one_process_reaches_reader_on_another(
    redis_servers, live_story, editor, token_for, sse_open
):
    reader_side, publisher_side = redis_servers
    reader = _ready(sse_open(reader_side.url, live_story.get_events_url()))

    entry = api_publish(publisher_side.url, token_for(editor), live_story.pk, "From process B.")

    (event,) = reader.wait_for_count(1)
    assert event.event == "entry-published"
    assert event.json()["entry_id"] == entry["id"]


def test_redis_restart_loses_and_duplicates_nothing(
    redis_server, redis_servers, live_story, editor, token_for, sse_open
):
    token = token_for(editor)
    readers = [
        _ready(sse_open(srv.url, live_story.get_events_url()))
        for srv in redis_servers
        for _ in range(3)
    ]
    api_publish(redis_servers[1].url, token, live_story.pk, "Before Redis went away.")
    for reader in readers:
        reader.wait_for_count(1)

    redis_server.stop()
    for n in range(3):
        api_publish(redis_servers[n % 2].url, token, live_story.pk, f"While Redis is down {n}.")
    redis_server.start()
    for n in range(3):
        api_publish(redis_servers[n % 2].url, token, live_story.pk, f"After Redis is back {n}.")

    for reader in readers:
        events = reader.wait_for_count(7)
        assert [e.id for e in events] == [str(n) for n in range(1, 8)]
        assert all(e.event == "entry-published" for e in events)
    for srv in redis_servers:
        assert "Traceback" not in srv.output()


def test_workers_share_the_feed_through_redis(
    redis_server, live_story, editor, token_for, sse_open
):
    srv = start_server(
        env={"NEWSDESK_REDIS_URL": redis_server.url, "NEWSDESK_LOG_POLL_SECONDS": NO_POLL},
        workers=2,
    )
    try:
        readers = [_ready(sse_open(srv.url, live_story.get_events_url())) for _ in range(8)]
        token = token_for(editor)
        for n in range(4):
            api_publish(srv.url, token, live_story.pk, f"Update {n}.")
        for reader in readers:
            assert [e.id for e in reader.wait_for_count(4)] == ["1", "2", "3", "4"]
    finally:
        srv.stop()
