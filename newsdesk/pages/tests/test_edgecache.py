"""The page cache as ASGI middleware, in front of a stand-in for Django that counts renders.

Whether a request was answered from the cache is read from the renders
counted (and ``X-Cache``), never from timings. Tests against real servers,
real events and Redis are in ``test_edgecache_server.py``.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from conftest import run_coroutine
from newsdesk.live.hub import Hub
from newsdesk.pages.edgecache import MARK, PageCache

PAGE = b"<!doctype html><title>Live</title><script nonce=%s>1</script>"


@dataclass
class Views:
    """A stand-in for Django: answers every request with ``respond(scope)`` and counts renders."""

    respond: Callable[[dict[str, Any]], tuple[int, list[tuple[bytes, bytes]], bytes]]
    renders: int = 0
    gate: asyncio.Event | None = None
    paths: list[str] = field(default_factory=list)

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        self.renders += 1
        self.paths.append(scope["path"])
        if self.gate is not None:
            await self.gate.wait()
        status, headers, body = self.respond(scope)
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})


def page_for(
    *,
    story: int | None = None,
    seq: int = 0,
    extra: list[tuple[bytes, bytes]] | None = None,
    params: tuple[str, ...] | None = None,
    size: int = 0,
) -> Callable[[dict[str, Any]], tuple[int, list[tuple[bytes, bytes]], bytes]]:
    """A view rendering a marked page with a fresh CSP nonce each time, as django-csp does."""
    count = 0

    def respond(scope: dict[str, Any]) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        nonlocal count
        count += 1
        nonce = b"n%d" % count
        body = PAGE % nonce + scope["query_string"] + b"x" * size
        mark = b"site" if story is None else b"story=%d;seq=%d" % (story, seq)
        if params is not None:
            mark += b";params=" + ",".join(params).encode()
        return (
            200,
            [
                (b"Content-Type", b"text/html; charset=utf-8"),
                (b"Content-Length", str(len(body)).encode()),
                (b"Content-Security-Policy", b"script-src 'self' 'nonce-%s'" % nonce),
                (MARK.encode(), mark),
                *(extra or []),
            ],
            body,
        )

    return respond


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes


async def call(
    app: Any,
    path: str,
    *,
    method: str = "GET",
    query: bytes = b"",
    headers: list[tuple[bytes, bytes]] | None = None,
    host: bytes = b"news.test",
) -> Answer:
    """One request through the ASGI app, as uvicorn would make it."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query,
        "headers": [(b"host", host), *(headers or [])],
        "client": ("127.0.0.1", 40000),
        "server": ("127.0.0.1", 8000),
    }
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(scope, receive, send)
    start = sent[0]
    return Answer(
        status=start["status"],
        headers={k.decode().lower(): v.decode() for k, v in start["headers"]},
        body=b"".join(m.get("body", b"") for m in sent[1:]),
    )


@pytest.fixture(autouse=True)
def _settings(monkeypatch: pytest.MonkeyPatch) -> None:
    # The cache's own look at the database would need one; these tests have none.
    monkeypatch.setenv("NEWSDESK_LOG_POLL_SECONDS", "3600")
    monkeypatch.delenv("NEWSDESK_SITE_URL", raising=False)
    monkeypatch.delenv("NEWSDESK_PAGE_CACHE", raising=False)


@pytest.fixture
def hub() -> Iterator[Hub]:
    """The process's hub, as a running server's runtime hands it to the cache."""
    yield Hub(poll_seconds=3600, heartbeat_seconds=3600)


def run(coroutine: Any) -> Any:
    return run_coroutine(coroutine)


def test_second_request_is_a_hit_with_the_same_bytes_and_no_render() -> None:
    views = Views(page_for())
    cache = PageCache(views)

    async def scenario() -> tuple[Answer, Answer]:
        return await call(cache, "/"), await call(cache, "/")

    first, second = run(scenario())
    assert views.renders == 1
    assert (first.headers["x-cache"], second.headers["x-cache"]) == ("miss", "hit")
    assert second.body == first.body
    assert second.headers["etag"] == first.headers["etag"]
    assert MARK.lower() not in first.headers and MARK.lower() not in second.headers


def test_a_hit_carries_the_nonce_of_its_own_render_and_cache_headers() -> None:
    cache = PageCache(Views(page_for()))

    async def scenario() -> Answer:
        await call(cache, "/")
        return await call(cache, "/")

    hit = run(scenario())
    header_nonce = re.search(r"nonce-(\w+)", hit.headers["content-security-policy"])[1]
    assert f"nonce={header_nonce}".encode() in hit.body
    control = hit.headers["cache-control"]
    assert control.startswith("public, max-age=0, ")
    assert "s-maxage=10" in control and "stale-while-revalidate=30" in control
    assert re.fullmatch(r'"[0-9a-f]{32}"', hit.headers["etag"])
    assert int(hit.headers["content-length"]) == len(hit.body)


def test_if_none_match_is_answered_304_without_a_body() -> None:
    views = Views(page_for())
    cache = PageCache(views)

    async def scenario() -> list[Answer]:
        first = await call(cache, "/")
        etag = first.headers["etag"].encode()
        return [
            await call(cache, "/", headers=[(b"if-none-match", etag)]),
            await call(cache, "/", headers=[(b"if-none-match", b'"other", W/' + etag)]),
            await call(cache, "/", headers=[(b"if-none-match", b'"other"')]),
        ]

    exact, listed, other = run(scenario())
    assert (exact.status, exact.body) == (304, b"")
    assert exact.headers["etag"] and "s-maxage" in exact.headers["cache-control"]
    assert listed.status == 304
    assert other.status == 200 and other.body
    assert views.renders == 1


def test_head_is_answered_from_the_get_render_without_a_body() -> None:
    views = Views(page_for())
    cache = PageCache(views)

    async def scenario() -> tuple[Answer, Answer]:
        return await call(cache, "/"), await call(cache, "/", method="HEAD")

    get, head = run(scenario())
    assert head.status == 200 and head.body == b""
    assert head.headers["content-length"] == str(len(get.body))
    assert views.renders == 1


def test_a_story_page_is_rendered_again_once_the_hub_hears_a_later_event(hub: Hub) -> None:
    views = Views(page_for(story=7, seq=5))
    cache = PageCache(views, hub=hub)

    async def scenario() -> list[Answer]:
        answers = [await call(cache, "/world/live/"), await call(cache, "/world/live/")]
        hub.deliver({"story": 6, "seq": 40, "kind": "entry-published"})  # another story
        answers.append(await call(cache, "/world/live/"))
        hub.deliver({"story": 7, "seq": 6, "kind": "entry-published"})
        answers.append(await call(cache, "/world/live/"))
        return answers

    answers = run(scenario())
    assert [a.headers["x-cache"] for a in answers] == ["miss", "hit", "hit", "miss"]
    assert views.renders == 2


def test_without_a_hub_a_story_page_is_never_served_from_the_cache() -> None:
    views = Views(page_for(story=7, seq=5))
    cache = PageCache(views)

    async def scenario() -> None:
        await call(cache, "/world/live/")
        await call(cache, "/world/live/")

    run(scenario())
    assert views.renders == 2  # nothing would tell this process of a change


def test_concurrent_misses_wait_for_one_render() -> None:
    views = Views(page_for(), gate=None)
    cache = PageCache(views)

    async def scenario() -> list[Answer]:
        views.gate = asyncio.Event()
        requests = [asyncio.create_task(call(cache, "/")) for _ in range(10)]
        await asyncio.sleep(0)
        await asyncio.sleep(0)
        views.gate.set()
        return await asyncio.gather(*requests)

    answers = run(scenario())
    assert views.renders == 1
    assert {a.status for a in answers} == {200}
    assert len({a.body for a in answers}) == 1
    assert sorted(a.headers["x-cache"] for a in answers) == ["hit"] * 9 + ["miss"]


@pytest.mark.parametrize(
    "status, extra",
    [
        (200, [(b"Set-Cookie", b"nd_reader=abc; HttpOnly")]),
        (200, [(b"Vary", b"Cookie")]),
        (200, [(b"Cache-Control", b"private")]),
        (200, [(b"Cache-Control", b"no-store")]),
        (404, []),
        (301, []),
    ],
)
def test_responses_not_meant_for_everyone_are_not_kept(
    status: int, extra: list[tuple[bytes, bytes]]
) -> None:
    render = page_for(extra=extra)

    def respond(scope: dict[str, Any]) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        _, headers, body = render(scope)
        return status, headers, body

    views = Views(respond)
    cache = PageCache(views)

    async def scenario() -> list[Answer]:
        return [await call(cache, "/"), await call(cache, "/")]

    answers = run(scenario())
    assert views.renders == 2
    for answer in answers:
        assert answer.status == status
        assert "x-cache" not in answer.headers
        assert MARK.lower() not in answer.headers


def test_an_unmarked_page_is_not_kept() -> None:
    def respond(scope: dict[str, Any]) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        return 200, [(b"content-type", b"text/html")], b"search results"

    views = Views(respond)
    cache = PageCache(views)

    async def scenario() -> None:
        await call(cache, "/search/")
        await call(cache, "/search/")

    run(scenario())
    assert views.renders == 2


@pytest.mark.parametrize(
    "personal",
    [
        [(b"cookie", b"sessionid=abc")],
        [(b"cookie", b"nd_reader=r1; csrftoken=xyz")],
        [(b"cookie", b"messages=hello")],
        [(b"authorization", b"Bearer token")],
    ],
)
def test_signed_in_requests_go_to_django_and_their_renders_are_not_kept(
    personal: list[tuple[bytes, bytes]],
) -> None:
    views = Views(page_for())
    cache = PageCache(views)

    async def scenario() -> list[Answer]:
        return [
            await call(cache, "/", headers=personal),
            await call(cache, "/", headers=personal),
            await call(cache, "/"),
        ]

    signed_in, again, anonymous = run(scenario())
    assert views.renders == 3
    assert "x-cache" not in signed_in.headers and "x-cache" not in again.headers
    assert MARK.lower() not in signed_in.headers
    assert anonymous.headers["x-cache"] == "miss"


def test_a_reader_cookie_alone_still_gets_the_shared_page() -> None:
    views = Views(page_for())
    cache = PageCache(views)

    async def scenario() -> Answer:
        await call(cache, "/")
        return await call(cache, "/", headers=[(b"cookie", b"nd_reader=r1abcdefghijklmnop")])

    assert run(scenario()).headers["x-cache"] == "hit"
    assert views.renders == 1


def test_desk_api_and_admin_paths_are_never_looked_up() -> None:
    views = Views(page_for())
    cache = PageCache(views)

    async def scenario() -> None:
        for path in ("/desk/", "/api/stories/", "/admin/", "/no-slash"):
            await call(cache, path)
            await call(cache, path)

    run(scenario())
    assert views.renders == 8


def test_the_key_holds_the_parameters_pages_read_decoded_as_django_does() -> None:
    views = Views(page_for())
    cache = PageCache(views)

    async def scenario() -> list[Answer]:
        return [
            await call(cache, "/s/"),
            await call(cache, "/s/", query=b"utm_source=social"),  # not read by any page
            await call(cache, "/s/", query=b"before=12"),
            await call(cache, "/s/", query=b"bef%6Fre=12"),  # Django reads it as before=12
            await call(cache, "/s/", query=b"page=2&utm_source=x"),
        ]

    answers = run(scenario())
    assert [a.headers["x-cache"] for a in answers] == ["miss", "hit", "miss", "hit", "miss"]
    assert views.renders == 3


def test_the_request_origin_is_part_of_the_key_unless_the_site_url_is_set(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    views = Views(page_for())
    cache = PageCache(views)

    async def by_host() -> list[str]:
        return [
            (await call(cache, "/", host=b"a.test")).headers["x-cache"],
            (await call(cache, "/", host=b"b.test")).headers["x-cache"],
            (await call(cache, "/", host=b"A.test")).headers["x-cache"],
        ]

    assert run(by_host()) == ["miss", "miss", "hit"]

    monkeypatch.setenv("NEWSDESK_SITE_URL", "https://news.example")
    fixed = PageCache(Views(page_for()))

    async def with_site_url() -> list[str]:
        return [
            (await call(fixed, "/", host=b"a.test")).headers["x-cache"],
            (await call(fixed, "/", host=b"b.test")).headers["x-cache"],
        ]

    assert run(with_site_url()) == ["miss", "hit"]


def test_an_expired_page_is_rendered_again() -> None:
    views = Views(page_for())
    cache = PageCache(views)

    async def scenario() -> list[str]:
        first = await call(cache, "/")
        for page in cache.local.values():
            page.expires = 0.0  # its PAGE_CACHE_SECONDS are over
        second = await call(cache, "/")
        return [first.headers["x-cache"], second.headers["x-cache"]]

    assert run(scenario()) == ["miss", "miss"]
    assert views.renders == 2


def test_switched_off_every_request_renders_and_the_mark_never_leaves(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("NEWSDESK_PAGE_CACHE", "0")
    views = Views(page_for())
    cache = PageCache(views)

    async def scenario() -> list[Answer]:
        return [await call(cache, "/"), await call(cache, "/")]

    answers = run(scenario())
    assert views.renders == 2
    for answer in answers:
        assert "x-cache" not in answer.headers and MARK.lower() not in answer.headers


def test_the_local_memory_keeps_only_the_most_recent_pages(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("NEWSDESK_PAGE_CACHE_LOCAL_PAGES", "2")
    views = Views(page_for())
    cache = PageCache(views)

    async def scenario() -> list[str]:
        for path in ("/a/", "/b/", "/a/", "/c/"):  # /b/ is the least recently used
            await call(cache, path)
        return [(await call(cache, p)).headers["x-cache"] for p in ("/a/", "/c/", "/b/")]

    assert run(scenario()) == ["hit", "hit", "miss"]


def test_parameters_a_page_does_not_read_share_its_render() -> None:
    views = Views(page_for(story=None, params=("page",)))
    cache = PageCache(views)

    async def scenario() -> list[str]:
        queries = [b"before=1", b"", b"entry=7&before=2", b"page=2", b"page=2&before=9"]
        return [(await call(cache, "/s/", query=q)).headers["x-cache"] for q in queries]

    # The first render (asked with ?before=1) says its view reads only ?page=.
    assert run(scenario()) == ["miss", "hit", "hit", "miss", "hit"]
    assert views.renders == 2


def test_the_local_memory_is_bounded_by_bytes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSDESK_PAGE_CACHE_LOCAL_BYTES", "25000")
    views = Views(page_for(size=10_000))
    cache = PageCache(views)

    async def scenario() -> list[str]:
        for path in ("/a/", "/b/", "/c/", "/d/"):
            await call(cache, path)
        return [(await call(cache, p)).headers["x-cache"] for p in ("/d/", "/a/")]

    assert run(scenario()) == ["hit", "miss"]
    assert cache.local_size <= 25000
    assert sum(page.size for page in cache.local.values()) == cache.local_size


@pytest.mark.parametrize(
    "host, allowed",
    [
        (b"news.test", True),
        (b"www.news.test:8000", True),
        (b"evil.test", False),
        (b"news.test.evil.test", False),
        (b"", False),
        (b"bad host", False),
    ],
)
def test_the_cached_path_checks_the_host_as_django_does(
    settings: Any, monkeypatch: pytest.MonkeyPatch, host: bytes, allowed: bool
) -> None:
    settings.ALLOWED_HOSTS = ["news.test", ".news.test"]
    monkeypatch.setenv("NEWSDESK_SITE_URL", "https://news.test")
    views = Views(page_for())
    cache = PageCache(views)

    async def scenario() -> list[Answer]:
        await call(cache, "/", host=b"news.test")
        return [await call(cache, "/", host=host), await call(cache, "/", host=host)]

    answers = run(scenario())
    if allowed:
        assert [a.headers["x-cache"] for a in answers] == ["hit", "hit"]
    else:  # Django answers (400), never the cache
        assert all("x-cache" not in a.headers for a in answers)
        assert views.renders == 3
