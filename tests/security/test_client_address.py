"""A client cannot choose its own address: X-Forwarded-For is believed only from trusted proxies.

Against real server processes on 127.0.0.1, the address uvicorn once trusted
by default. Each request below claims a new address in X-Forwarded-For; by
default (``NEWSDESK_PROXY_HOPS=0``) every limit must still see one client.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from conftest import Server, clear_of_a_window_edge, start_server

pytestmark = pytest.mark.django_db(transaction=True)

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36"
WAIT = 20.0


@pytest.fixture
def forwarding_server(request: Any, transactional_db: Any) -> Iterator[Server]:
    """A server with low limits, and the proxy settings the test's parameter gives."""
    env = {
        "NEWSDESK_REACTION_IP_RATE": "3",
        "NEWSDESK_SEARCH_IP_RATE": "3",
        "NEWSDESK_VIEW_IP_STORY_RATE": "2",
        "NEWSDESK_VIEWS_FLUSH_THRESHOLD": "1",
        "NEWSDESK_BACKGROUND": "1",
        **getattr(request, "param", {}),
    }
    srv = start_server(env=env)
    try:
        yield srv
    finally:
        srv.stop()


def forwarded(n: int) -> dict[str, str]:
    return {"X-Forwarded-For": f"198.51.100.{n}", "User-Agent": BROWSER}


def react(srv: Server, story_id: int, n: int) -> int:
    """A reaction from a new reader (no cookie) claiming a new address."""
    response = httpx.post(
        f"{srv.url}/api/stories/{story_id}/reactions",
        json={"kind": "sad"},
        headers=forwarded(n),
        timeout=WAIT,
    )
    return response.status_code


def search(srv: Server, n: int) -> int:
    response = httpx.get(f"{srv.url}/search?q=harbour", headers=forwarded(n), timeout=WAIT)
    return response.status_code


def sign_in_fails(srv: Server, n: int) -> int:
    """A wrong password for edna, claiming a new address; the status of the answer."""
    with httpx.Client(base_url=srv.url, timeout=WAIT, headers=forwarded(n)) as client:
        form = client.get("/desk/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text)
        assert token is not None
        answer = client.post(
            "/desk/login/",
            data={"csrfmiddlewaretoken": token[1], "username": "edna", "password": "wrong"},
        )
        return answer.status_code


def read(srv: Server, story_id: int, n: int) -> None:
    response = httpx.post(
        f"{srv.url}/engagement/stories/{story_id}/read", headers=forwarded(n), timeout=WAIT
    )
    assert response.status_code == 204


def reads_of(story_id: int) -> int:
    from newsdesk.engagement.models import StoryReads

    row = StoryReads.objects.filter(story_id=story_id).first()
    return row.reads if row else 0


def test_x_forwarded_for_from_an_untrusted_peer_changes_no_limit(
    forwarding_server: Server, live_story: Any, article: Any, editor: Any
) -> None:
    srv = forwarding_server
    clear_of_a_window_edge()
    # Reactions and searches: three a minute from one address, whatever it claims to be.
    assert [react(srv, live_story.pk, n) for n in range(4)] == [200, 200, 200, 429]
    assert [search(srv, n) for n in range(4)] == [200, 200, 200, 429]

    # Sign-in: the fifth failure locks the name out for the address, whatever it claims.
    assert [sign_in_fails(srv, n) for n in range(6)] == [200] * 4 + [429, 429]

    # Read counting: two reads of a story a day from one address.
    for n in range(4):
        read(srv, live_story.pk, n)
    # Reads are written in the order they came: once the article's read (after
    # them) is written, every counted read of the live story is written too.
    read(srv, article.pk, 99)
    deadline = time.monotonic() + WAIT
    while reads_of(article.pk) < 1 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert reads_of(article.pk) == 1
    assert reads_of(live_story.pk) == 2


@pytest.mark.parametrize("forwarding_server", [{"NEWSDESK_PROXY_HOPS": "1"}], indirect=True)
def test_behind_one_trusted_proxy_each_forwarded_address_is_its_own_client(
    forwarding_server: Server, live_story: Any, editor: Any
) -> None:
    srv = forwarding_server
    clear_of_a_window_edge()
    assert [react(srv, live_story.pk, n) for n in range(4)] == [200] * 4
    assert [search(srv, n) for n in range(4)] == [200] * 4
    assert [sign_in_fails(srv, n) for n in range(6)] == [200] * 6
    # Four from one forwarded address are one client again.
    assert [react(srv, live_story.pk, 7) for _ in range(4)] == [200, 200, 200, 429]


@pytest.mark.parametrize(
    "forwarding_server",
    [{"NEWSDESK_PROXY_HOPS": "1", "NEWSDESK_TRUSTED_PROXIES": "10.0.0.0/8"}],
    indirect=True,
)
def test_a_peer_outside_the_trusted_proxies_is_the_client(
    forwarding_server: Server, live_story: Any
) -> None:
    clear_of_a_window_edge()
    assert [react(forwarding_server, live_story.pk, n) for n in range(4)] == [200, 200, 200, 429]
