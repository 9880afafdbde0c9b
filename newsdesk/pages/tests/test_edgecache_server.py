"""The page cache in real server processes: changes through the API, signed-in readers, Redis.

A page served from the cache says ``X-Cache: hit``; a render says ``miss``.
"Never stale" is checked the way a reader would meet it: once a change's
event has arrived on a stream, the next page has the change.
"""

from __future__ import annotations

import http.client
import socket
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from conftest import Server, start_server
from newsdesk.live.tests.conftest import (  # noqa: F401 - fixtures
    WAIT,
    api_publish,
    redis_server,
    sse_open,
)

pytestmark = pytest.mark.django_db(transaction=True)


def get(srv: Server, path: str, **headers: str) -> httpx.Response:
    return httpx.get(f"{srv.url}{path}", headers=headers, timeout=WAIT)


@pytest.fixture
def token(editor: Any, token_for: Any) -> str:
    return token_for(editor)


def _api(srv: Server, token: str, method: str, path: str, body: Any = None) -> httpx.Response:
    response = httpx.request(
        method,
        f"{srv.url}/api{path}",
        json=body,
        headers={"Authorization": f"Bearer {token}"},
        timeout=WAIT,
    )
    assert response.status_code < 300, response.text
    return response


def test_a_story_page_is_cached_and_never_shown_without_a_published_correction_or_deletion(
    server: Server, live_story: Any, token: str
) -> None:
    path = live_story.get_absolute_url()
    assert get(server, path).headers["x-cache"] == "miss"
    cached = get(server, path)
    assert cached.headers["x-cache"] == "hit"

    entry = api_publish(server.url, token, live_story.pk, "Ferries resume at the harbour.")
    published = get(server, path)
    assert "Ferries resume at the harbour." in published.text
    assert published.headers["x-cache"] == "miss"
    assert get(server, path).headers["x-cache"] == "hit"

    _api(
        server,
        token,
        "PATCH",
        f"/stories/{live_story.pk}/entries/{entry['id']}",
        {"body": "Ferries resume at the north harbour.", "version": entry["version"]},
    )
    corrected = get(server, path)
    assert "Ferries resume at the north harbour." in corrected.text
    assert corrected.headers["x-cache"] == "miss"

    _api(server, token, "DELETE", f"/stories/{live_story.pk}/entries/{entry['id']}")
    deleted = get(server, path)
    assert "north harbour" not in deleted.text
    assert deleted.headers["x-cache"] == "miss"


def test_revalidation_with_the_etag_is_answered_304(server: Server, live_story: Any) -> None:
    path = live_story.get_absolute_url()
    first = get(server, path)
    etag = first.headers["etag"]
    assert "s-maxage=" in first.headers["cache-control"]
    assert "stale-while-revalidate=" in first.headers["cache-control"]

    revalidated = get(server, path, **{"If-None-Match": etag})
    assert revalidated.status_code == 304
    assert revalidated.content == b""
    assert revalidated.headers["etag"] == etag


def test_signed_in_editors_get_django_and_their_pages_are_never_kept(
    server: Server, live_story: Any, editor: Any, client: Any
) -> None:
    client.force_login(editor)
    session = client.cookies["sessionid"].value
    path = live_story.get_absolute_url()

    signed_in = get(server, path, Cookie=f"sessionid={session}")
    assert signed_in.status_code == 200
    assert "x-cache" not in signed_in.headers
    assert get(server, path, Cookie=f"sessionid={session}").headers.get("x-cache") is None
    assert get(server, path).headers["x-cache"] == "miss"  # nothing of theirs was kept
    desk = get(server, "/desk/", Cookie=f"sessionid={session}")
    assert "x-cache" not in desk.headers


def test_home_and_section_pages_are_cached(server: Server, live_story: Any) -> None:
    for path in ("/", live_story.section.get_absolute_url()):
        assert get(server, path).headers["x-cache"] == "miss"
        again = get(server, path)
        assert again.headers["x-cache"] == "hit"
        assert live_story.headline in again.text


# --- answered from the request head (newsdesk serve's early answers) ---------------------------


def test_hits_from_the_parser_keep_the_connection_and_its_framing(
    server: Server, live_story: Any, publish: Any
) -> None:
    publish(live_story, "A long entry. " * 400)  # a page well over one socket write
    path = live_story.get_absolute_url()
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=WAIT)
    answers = []
    for method, headers in [
        ("GET", {}),
        ("GET", {}),
        ("HEAD", {}),
        ("GET", {"X-Any": "1"}),
    ]:
        connection.request(method, path, headers=headers)
        response = connection.getresponse()
        answers.append((response.status, dict(response.getheaders()), response.read()))
    first, hit, head, again = answers
    assert first[1]["x-cache"] == "miss" and hit[1]["x-cache"] == "hit"
    assert hit[2] == first[2] and again[2] == first[2]
    assert int(hit[1]["content-length"]) == len(hit[2]) > 20_000
    assert head[0] == 200 and head[2] == b""
    connection.request("GET", path, headers={"If-None-Match": hit[1]["etag"]})
    revalidated = connection.getresponse()
    assert (revalidated.status, revalidated.read()) == (304, b"")
    connection.close()


def test_pipelined_requests_are_answered_in_order(
    server: Server, live_story: Any, article: Any
) -> None:
    story_path = live_story.get_absolute_url()
    article_path = article.get_absolute_url()
    get(server, story_path)  # now cached; the article is not
    host = f"127.0.0.1:{server.port}"
    requests = b"".join(
        f"GET {path} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode()
        for path in (article_path, story_path, article_path)
    )
    with socket.create_connection(("127.0.0.1", server.port), timeout=WAIT) as sock:
        sock.sendall(requests)
        bodies = _read_responses(sock, 3)
    assert article.headline.encode() in bodies[0]
    assert live_story.headline.encode() in bodies[1]
    assert article.headline.encode() in bodies[2]


# --- several processes, one Redis ---------------------------------------------------------


@pytest.fixture
def redis_pair(redis_server: Any) -> Iterator[list[Server]]:  # noqa: F811
    """Two ``newsdesk serve`` processes sharing Redis (broker and page cache) and the database."""
    # No log poll during the test: what a process learns, it learns through Redis.
    env = {"NEWSDESK_REDIS_URL": redis_server.url, "NEWSDESK_LOG_POLL_SECONDS": "3600"}
    servers = [start_server(env=env), start_server(env=env)]
    try:
        yield servers
    finally:
        for srv in servers:
            srv.stop()


@pytest.mark.redis
def test_processes_share_one_render_and_none_serves_it_after_the_event_arrives(
    redis_pair: list[Server],
    live_story: Any,
    token: str,
    sse_open: Any,  # noqa: F811
) -> None:
    first, second = redis_pair
    path = live_story.get_absolute_url()
    host = {"Host": "news.test"}  # as a load balancer in front of both would send it
    rendered = get(first, path, **host)
    assert rendered.headers["x-cache"] == "miss"
    shared = get(second, path, **host)
    assert shared.headers["x-cache"] == "hit"
    assert shared.headers["etag"] == rendered.headers["etag"]  # one render, with its nonce
    assert shared.content == rendered.content

    stream = sse_open(second.url, live_story.get_events_url())
    stream.wait_for(lambda events: stream.comments >= 1, what="the opening comment")
    api_publish(first.url, token, live_story.pk, "Polls close in the north.")
    stream.wait_for_count(1, kind="entry-published")
    assert "Polls close in the north." in get(second, path, **host).text
    assert "Polls close in the north." in get(first, path, **host).text


def _read_responses(sock: socket.socket, count: int) -> list[bytes]:
    """Read ``count`` Content-Length framed responses; return their bodies."""
    bodies: list[bytes] = []
    data = b""
    while len(bodies) < count:
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(65536)
            assert chunk, "the server closed the connection"
            data += chunk
        head, data = data.split(b"\r\n\r\n", 1)
        length = next(
            int(line.split(b":")[1])
            for line in head.split(b"\r\n")
            if line.lower().startswith(b"content-length:")
        )
        while len(data) < length:
            chunk = sock.recv(65536)
            assert chunk, "the server closed the connection"
            data += chunk
        bodies.append(data[:length])
        data = data[length:]
    return bodies


def test_a_reader_too_slow_for_one_write_still_gets_whole_pages_in_order(
    server: Server, live_story: Any, publish: Any
) -> None:
    for n in range(4):
        publish(live_story, f"Long entry {n}. " + "Words and more words. " * 800)
    path = live_story.get_absolute_url()
    expected = get(server, path).content
    assert get(server, path).headers["x-cache"] == "hit"
    request = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n\r\n".encode()
    with socket.socket() as sock:
        # A small receive window: the kernel takes part of a page, the rest waits in the server.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        sock.settimeout(WAIT)
        sock.connect(("127.0.0.1", server.port))
        # More pipelined pages than the kernel's send buffer holds (tcp_wmem's 4 MiB at most).
        sock.sendall(request * 60)
        time.sleep(0.2)  # not a threshold: lets the server fill the window before reading
        bodies = _read_responses(sock, 60)
    assert len(expected) > 90_000
    assert bodies == [expected] * 60


# --- what a hostile query string or Host header gets --------------------------------------


def test_parameters_a_page_does_not_read_share_its_one_render(
    server: Server, live_story: Any, publish: Any
) -> None:
    publish(live_story, "Only entry.")
    path = live_story.get_absolute_url()
    assert get(server, f"{path}?page=1").headers["x-cache"] == "miss"
    for query in ("page=8123", "page=zz", "utm_source=x", "", "page=1&utm_medium=y"):
        assert get(server, f"{path}?{query}").headers["x-cache"] == "hit", query
    # Values that name nothing go to the page's own URL instead of a new render.
    for query in ("entry=99999999", "before=99999999"):
        answer = get(server, f"{path}?{query}")
        assert (answer.status_code, answer.headers["location"]) == (302, path), query
    section = live_story.section.get_absolute_url()
    first_page = get(server, f"{section}?page=1")
    assert (first_page.status_code, first_page.headers["location"]) == (301, section)


def test_a_host_django_refuses_is_refused_on_the_cached_path_too(
    transactional_db: Any, live_story: Any
) -> None:
    srv = start_server(
        env={
            "NEWSDESK_SITE_URL": "http://news.test",
            "NEWSDESK_ALLOWED_HOSTS": "news.test,127.0.0.1",
        }
    )
    try:
        path = live_story.get_absolute_url()
        assert get(srv, path, Host="news.test").headers["x-cache"] == "miss"
        assert get(srv, path, Host="news.test").headers["x-cache"] == "hit"
        for host in ("evil.test", "news.test.evil.test"):
            refused = get(srv, path, Host=host)
            assert refused.status_code == 400, host  # as Django answers a host it does not serve
            assert "x-cache" not in refused.headers
            head = httpx.head(f"{srv.url}{path}", headers={"Host": host}, timeout=WAIT)
            assert head.status_code == 400
    finally:
        srv.stop()
