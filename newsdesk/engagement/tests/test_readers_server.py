"""Reader ids against a real server: signed by the server, and bounded per address for reactions."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from conftest import Server, clear_of_a_window_edge, start_server
from newsdesk.engagement.models import Reaction

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def reader_server(transactional_db: Any) -> Iterator[Server]:
    srv = start_server(env={"NEWSDESK_REACTION_IP_READERS": "3"})
    try:
        yield srv
    finally:
        srv.stop()


def react(srv: Server, story_id: int, kind: str, cookie: str | None = None) -> httpx.Response:
    return httpx.post(
        f"{srv.url}/api/stories/{story_id}/reactions",
        json={"kind": kind},
        cookies={"nd_reader": cookie} if cookie is not None else None,
        timeout=20,
    )


def test_a_reader_id_is_one_the_server_issued_and_one_address_has_a_bounded_number(
    reader_server: Server, live_story: Any
) -> None:
    clear_of_a_window_edge()
    first = react(reader_server, live_story.pk, "sad")
    assert first.status_code == 200
    reader = Reaction.objects.get(story=live_story).reader
    # Someone who learnt the id (or guessed its shape) tries to take the reaction back:
    # a new reader, given a cookie of its own.
    taken = react(reader_server, live_story.pk, "", cookie=reader)
    assert taken.status_code == 200
    assert taken.cookies["nd_reader"] != reader
    assert Reaction.objects.get(story=live_story).reader == reader

    # Three reader ids an hour from this address (two used above); new ones are refused.
    statuses = [react(reader_server, live_story.pk, "sad").status_code for _ in range(3)]
    assert statuses == [200, 429, 429]
    assert Reaction.objects.filter(story=live_story).count() == 2
    # The first reader, back with the cookie it was given, is still welcome.
    again = react(reader_server, live_story.pk, "informative", first.cookies["nd_reader"])
    assert again.status_code == 200
