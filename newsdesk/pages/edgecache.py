"""The page cache: reader pages answered before Django, never stale after an event.

Django renders a page in milliseconds; a live story's audience asks for it
thousands of times a second (DESIGN.md, "Shape of the system"). So the ASGI
application is ``Edge(PageCache(django))``: a request for a cached page is
answered here with stored bytes, and only a miss reaches Django.

What is cached: a ``GET`` or ``HEAD`` of a page whose view called
:func:`page_mark` (home, sections, story pages), answered ``200`` without
``Set-Cookie`` or ``Vary: Cookie``, for a request that carries no session,
CSRF or messages cookie and no ``Authorization``: the body is the same for
every reader. Logged-in users and the desk always go to Django.

Freshness. A story page records the story's event sequence number it was
rendered at. Every process's hub records the last sequence number the broker
brought for each story (``Hub.heads``), at the moment it writes that event to
its streams; a page whose story moved past its number is a miss. So once a
change's event is sent to readers of a process, that process never serves
the page without it. A periodic look at the database (every
``LOG_POLL_SECONDS``, for stories with pages held here) covers what a broker
lost, and processes without Redis. Home and section pages, and what a story
page shows besides its own log (reaction counts, Most read), are reused for
at most ``PAGE_CACHE_SECONDS`` / ``PAGE_CACHE_STORY_SECONDS``.

Sharing. A render goes to Django's ``default`` cache (Redis when
``NEWSDESK_REDIS_URL`` is set) so other processes reuse it, and to a small
in-process LRU of ready-to-write bytes, so a hit touches neither Redis nor
Django. Concurrent misses of one page wait for one render.

Headers. The content-security-policy header is stored with the body, so the
nonce in the page and the header match (one nonce per render, shared by the
readers of that render). Each render gets a strong ``ETag`` (a hash of the
body); ``If-None-Match`` is answered ``304``. ``Cache-Control: public,
max-age=0, s-maxage=N, stale-while-revalidate=M`` lets a CDN hold the page
briefly; browsers revalidate every time. ``X-Cache`` says ``hit`` or ``miss``.

The hit path costs no Django, no thread hop and no header encoding. Under
``newsdesk serve`` :meth:`PageCache.early` answers a hit from the request
head, before any ASGI request exists, with ``sendfile`` from the page's
memory file (``newsdesk/config/uvicorn_compat.py`` does the sending); under
any other ASGI server the middleware sends the stored headers and body as two
ASGI messages (docs/page-cache.md).

The process's runtime (``newsdesk/config/runtime.py``) owns the cache and
hands it the hub whose story heads say when a story page went stale.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import socket
import time
import urllib.parse
import weakref
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import httptools

from newsdesk import conf
from newsdesk.config.uvicorn_compat import EarlyAnswer, EarlyRequest
from newsdesk.live.hub import Hub, db_call

logger = logging.getLogger(__name__)

MARK = "X-Newsdesk-Page"  # set by a view (page_mark), removed here before the response leaves
_MARK = MARK.lower().encode()
# The only query parameters reader pages read (story: before, entry; section: page).
# Others (utm_source, ...) do not change the page, so they are not part of its key.
KEY_PARAMS = frozenset({"before", "entry", "page"})
# Paths that are never reader pages: no lookup, not even in Redis.
NOT_PAGES = ("/api/", "/desk/", "/admin/", "/static/", "/stories/")
MAX_BODY = 2 * 1024 * 1024
SHARED_PREFIX = "newsdesk:page:"
RAW_KEYS = 10_000  # raw request targets remembered with their keys (then forgotten at once)
RAW_KEY_TARGET = 512  # longer targets are parsed every time, never remembered
_UNKNOWN: Any = object()
_DROPPED_RESPONSE_HEADERS = frozenset(
    {_MARK, b"content-length", b"etag", b"cache-control", b"x-cache", b"date", b"server"}
)
_HIT = b"x-cache: hit\r\n"
_OK = b"HTTP/1.1 200 OK\r\n"
_NOT_MODIFIED = b"HTTP/1.1 304 Not Modified\r\n"
_MEMFD = hasattr(os, "memfd_create") and hasattr(os, "sendfile") and hasattr(socket, "MSG_MORE")


def page_mark(
    response: Any,
    *,
    story_id: int | None = None,
    seq: int = 0,
    params: tuple[str, ...] = (),
) -> Any:
    """Let the page cache keep ``response``: a story's page at event ``seq``, or a site page.

    ``params`` are the query parameters the view read: requests for the same
    path that differ only in others share this render.
    """
    mark = "site" if story_id is None else f"story={story_id};seq={seq}"
    response[MARK] = f"{mark};params={','.join(params)}"
    return response


Mark = tuple[int | None, int, frozenset[str]]


def _parse_mark(value: bytes) -> Mark | None:
    """``(story id or None, seq, params)`` from a view's mark, or None when it is malformed."""
    try:
        parts = value.decode("ascii").split(";")
        params = KEY_PARAMS  # a mark that does not say: any parameter a page may read
        if parts[-1].startswith("params="):
            listed = parts.pop().removeprefix("params=")
            params = frozenset(listed.split(",")) if listed else frozenset()
            if not params <= KEY_PARAMS:
                return None
        if parts == ["site"]:
            return None, 0, params
        story_part, seq_part = parts
        name, story = story_part.split("=")
        seq_name, seq = seq_part.split("=")
        if name != "story" or seq_name != "seq":
            return None
        return int(story), int(seq), params
    except ValueError:
        return None


# --- requests ---------------------------------------------------------------------


@dataclass(slots=True)
class Request:
    """What the cache reads of a request's headers."""

    host: bytes = b""
    forwarded: bytes | None = None  # X-Forwarded-Proto
    forwarded_host: bytes | None = None  # X-Forwarded-Host
    if_none_match: bytes | None = None


def request_read(headers: list[tuple[bytes, bytes]], personal: frozenset[bytes]) -> Request | None:
    """The request's host and validators, or None when it is not anonymous and plain.

    None for a session, CSRF or messages cookie (``personal``), credentials,
    a body, or a protocol upgrade: Django answers those.
    """
    request = Request()
    for name, value in headers:
        if name == b"host":
            request.host = value
        elif name == b"if-none-match":
            request.if_none_match = value
        elif name == b"cookie":
            for part in value.split(b";"):
                if part.partition(b"=")[0].strip() in personal:
                    return None
        elif name == b"x-forwarded-proto":
            request.forwarded = value
        elif name == b"x-forwarded-host":
            request.forwarded_host = value
        elif name in _NOT_PLAIN:
            return None
    return request


_NOT_PLAIN = frozenset(
    {b"authorization", b"upgrade", b"expect", b"content-length", b"transfer-encoding"}
)


def forwarded_scheme(value: bytes, proxy_ssl_header: tuple[str, str] | None) -> str | None:
    """The scheme Django derives from X-Forwarded-Proto, or None when Django ignores the header.

    With ``SECURE_PROXY_SSL_HEADER`` (production) Django trusts the header
    itself; without, it uses the scope's scheme (uvicorn's choice).
    """
    if not proxy_ssl_header or proxy_ssl_header[0] != "HTTP_X_FORWARDED_PROTO":
        return None
    first = value.decode("latin-1").split(",", 1)[0].strip()
    return "https" if first == proxy_ssl_header[1] else "http"


def query_key(query: bytes, params: frozenset[str] = KEY_PARAMS) -> str:
    """The query parameters in ``params``, decoded as Django decodes them."""
    if not query or not params:
        return ""
    pairs = urllib.parse.parse_qsl(
        query.decode("latin-1"), keep_blank_values=True, encoding="utf-8", errors="replace"
    )
    return urllib.parse.urlencode([(k, v) for k, v in pairs if k in params])


def host_allowed(host: bytes, allowed_hosts: list[str]) -> bool:
    """Whether Django's ``HttpRequest.get_host()`` accepts ``host`` (else it answers 400)."""
    from django.http.request import split_domain_port, validate_host

    try:
        text = host.decode("ascii")
    except UnicodeDecodeError:
        return False
    domain, _port = split_domain_port(text)
    return bool(domain) and validate_host(domain, allowed_hosts)


def _etag_matches(header: bytes | None, etag: bytes) -> bool:
    """If-None-Match's weak comparison (RFC 9110, section 13.1.2)."""
    if header is None:
        return False
    for candidate in header.split(b","):
        candidate = candidate.strip()
        if candidate == b"*" or candidate.removeprefix(b"W/") == etag:
            return True
    return False


# --- pages ------------------------------------------------------------------------


class Page:
    """One render: what is stored, and the bytes a hit writes, built once."""

    __slots__ = (
        "story_id",
        "seq",
        "params",
        "expires",
        "etag",
        "headers",
        "tail",
        "split",
        "head_304",
        "fd",
        "__weakref__",
    )

    def __init__(
        self,
        story_id: int | None,
        seq: int,
        expires: float,
        etag: bytes,
        headers: list[tuple[bytes, bytes]],
        body: bytes,
        params: frozenset[str] = KEY_PARAMS,
    ) -> None:
        self.story_id = story_id
        self.seq = seq
        self.params = params  # the query parameters its view read
        self.expires = expires  # wall-clock time, comparable across processes
        self.etag = etag
        self.headers = headers  # what the response carries besides date and server
        # Everything after uvicorn's status, date and server lines: header
        # lines, the blank line, the body (not kept a second time).
        head = b"".join(b"%s: %s\r\n" % pair for pair in headers) + _HIT + b"\r\n"
        self.tail = head + body
        self.split = len(head)
        revalidation = [p for p in headers if p[0] in _REVALIDATION_HEADERS]
        self.head_304 = b"".join(b"%s: %s\r\n" % pair for pair in revalidation) + _HIT
        self.fd: int | None = None

    @property
    def body(self) -> bytes:
        return self.tail[self.split :]

    @property
    def size(self) -> int:
        """Bytes it holds in memory: the response, twice once it has a memory file."""
        return len(self.tail) * (2 if self.fd is not None else 1)

    def wire(
        self, *, server_lines: bytes, head_only: bool, not_modified: bool, close: bool
    ) -> bytes:
        """The whole HTTP/1.1 response; ``server_lines`` are the server's date and name."""
        if not_modified:
            ending = b"connection: close\r\n\r\n" if close else b"\r\n"
            return _NOT_MODIFIED + server_lines + self.head_304 + ending
        ok = _OK + server_lines
        if close:
            head = ok + self.tail[: self.split - 2] + b"connection: close\r\n\r\n"
            return head if head_only else head + self.body
        if head_only:
            return ok + self.tail[: self.split]
        return ok + self.tail

    def file(self) -> int | None:
        """A memory file holding ``tail``, for ``sendfile``; None where there is none (not Linux)."""
        if self.fd is None and _MEMFD:
            try:
                fd = os.memfd_create("newsdesk-page", os.MFD_CLOEXEC)
            except OSError:
                return None  # out of descriptors: this hit is written the plain way
            try:
                view = memoryview(self.tail)
                while view:
                    view = view[os.write(fd, view) :]
            except OSError:
                os.close(fd)
                return None
            self.fd = fd
            weakref.finalize(self, os.close, fd)
        return self.fd

    def shared(self) -> dict[str, Any]:
        """What goes to the shared cache."""
        return {
            "story": self.story_id,
            "seq": self.seq,
            "expires": self.expires,
            "etag": self.etag,
            "headers": self.headers,
            "body": self.body,
            "params": sorted(self.params),
        }

    @classmethod
    def from_shared(cls, data: Any) -> Page | None:
        try:
            return cls(
                data["story"],
                data["seq"],
                data["expires"],
                data["etag"],
                data["headers"],
                data["body"],
                frozenset(data["params"]) & KEY_PARAMS,
            )
        except (KeyError, TypeError):
            return None


_REVALIDATION_HEADERS = frozenset({b"etag", b"cache-control", b"vary"})


# --- the cache ------------------------------------------------------------------------


class PageCache:
    """ASGI middleware: cached reader pages before Django; renders stored on the way out.

    Its settings are read when it is built (once per process, by the runtime).
    ``hub`` is the process's running hub; without one, story pages are never
    served from the cache (nothing would tell this process of a change).
    """

    def __init__(self, app: Any, *, hub: Hub | None = None) -> None:
        from django.conf import settings

        self.app = app
        self.hub = hub
        self.enabled = conf.get("PAGE_CACHE").strip().lower() in {"1", "true", "yes", "on"}
        self.site_url = conf.get("SITE_URL").strip().rstrip("/")
        self.poll_seconds = conf.get_float("LOG_POLL_SECONDS")
        self.local_pages = max(conf.get_int("PAGE_CACHE_LOCAL_PAGES"), 0)
        self.local_bytes = max(conf.get_int("PAGE_CACHE_LOCAL_BYTES"), 0)
        self.local_size = 0
        # The cached path is answered only for hosts Django would answer (its
        # get_host() check), whatever origin the key holds.
        self.allowed_hosts = list(settings.ALLOWED_HOSTS)
        if settings.DEBUG and not self.allowed_hosts:
            self.allowed_hosts = [".localhost", "127.0.0.1", "[::1]"]
        self.forwarded_host = bool(settings.USE_X_FORWARDED_HOST)
        self.hosts: dict[bytes, bool] = {}
        # The query parameters each path's view reads, from its renders' marks.
        self.params: dict[str, frozenset[str]] = {}
        self.personal = frozenset(
            {settings.SESSION_COOKIE_NAME.encode(), settings.CSRF_COOKIE_NAME.encode(), b"messages"}
        )
        self.proxy_ssl_header = settings.SECURE_PROXY_SSL_HEADER
        self.local: OrderedDict[str, Page] = OrderedDict()
        # Story heads this process read from the database or rendered at; the
        # hub's heads (what the broker brought) are the other half.
        self.heads: dict[int, int] = {}
        self.inflight: dict[str, asyncio.Future[Page | None]] = {}
        self.raw_keys: dict[tuple[str, bytes, bytes, bytes | None], str | None] = {}
        self._polled = time.monotonic()
        self._polling: asyncio.Task[None] | None = None
        self._shared: Any = None

    def key(
        self, *, scheme: str, path: str, query: bytes, request: Request, before_proxy: bool = False
    ) -> str | None:
        """The cache key of a page request, or None when it is not for a cacheable page.

        The key holds what a page depends on: the scheme Django sees (which
        decides its HTTPS redirect), the origin its absolute URLs use
        (``NEWSDESK_SITE_URL``, else the request's host), the path, and the
        query parameters the views read. ``before_proxy`` says ``scheme`` is
        the connection's own, before uvicorn applied a trusted proxy's
        ``X-Forwarded-Proto``: such a request then has no key here and takes
        the ASGI path.
        """
        if not path.endswith("/") or path.startswith(NOT_PAGES):
            return None
        if not self.host_ok(request):
            return None  # Django answers 400, as for any request
        if request.forwarded is not None:
            derived = forwarded_scheme(request.forwarded, self.proxy_ssl_header)
            if derived is not None:
                scheme = derived
            elif before_proxy:
                return None
        origin = self.site_url or request.host.decode("latin-1").lower()
        params = self.params.get(path, KEY_PARAMS)
        return f"{scheme} {origin}{path}?{query_key(query, params)}"

    def host_ok(self, request: Request) -> bool:
        """Whether Django would accept the request's host (``ALLOWED_HOSTS``)."""
        host = request.host
        if self.forwarded_host and request.forwarded_host is not None:
            host = request.forwarded_host
        known = self.hosts.get(host)
        if known is None:
            known = host_allowed(host, self.allowed_hosts)
            if len(self.hosts) >= RAW_KEYS:
                self.hosts.clear()
            self.hosts[host] = known
        return known

    def learn_params(self, path: str, params: frozenset[str]) -> None:
        """Remember which query parameters the view of ``path`` reads."""
        if self.params.get(path) != params:
            if len(self.params) >= RAW_KEYS:
                self.params.clear()
            self.params[path] = params
            self.raw_keys.clear()  # keys remembered before this include parameters it ignores

    # --- freshness --------------------------------------------------------------

    def fresh(self, page: Page, now: float) -> bool:
        """True while ``page`` may be served: within its time and behind no event."""
        if now >= page.expires:
            return False
        story_id = page.story_id
        if story_id is None:
            return True
        hub = self.hub
        if hub is None or hub.closing:
            return False  # no broker feed: nothing would tell this process of a change
        known = self.heads.get(story_id)
        if known is None or page.seq < known:
            return False
        return page.seq >= hub.heads.get(story_id, 0)

    def lookup_local(self, key: str) -> Page | None:
        """A fresh page from this process's memory, or None."""
        page = self.local.get(key)
        if page is None or not self.fresh(page, time.time()):
            return None
        self.local.move_to_end(key)
        return page

    def keep_local(self, key: str, page: Page) -> None:
        """Keep ``page`` in this process's memory, within its page count and bytes."""
        old = self.local.pop(key, None)
        if old is not None:
            self.local_size -= old.size
        page.file()  # the memory file a hit sends, counted from the start
        self.local[key] = page
        self.local_size += page.size
        while self.local and (
            len(self.local) > self.local_pages or self.local_size > self.local_bytes
        ):
            _, dropped = self.local.popitem(last=False)
            self.local_size -= dropped.size

    def drop_local(self, key: str) -> None:
        page = self.local.pop(key, None)
        if page is not None:
            self.local_size -= page.size

    def _learn_head(self, story_id: int, seq: int) -> None:
        if seq > self.heads.get(story_id, -1):
            self.heads[story_id] = seq

    # --- the hit path, without an ASGI request (newsdesk serve) -----------------------

    def early(self, request: EarlyRequest) -> EarlyAnswer | None:
        """The whole response to a request head for a fresh cached page, or None."""
        found = self.find(scheme=request.scheme, target=request.target, headers=request.headers)
        if found is None:
            return None
        page, seen = found
        not_modified = _etag_matches(seen.if_none_match, page.etag)
        head_only = request.method == b"HEAD"
        if not (not_modified or head_only) and request.keep_alive:
            fd = page.file()
            return EarlyAnswer(
                head=_OK + request.server_lines,
                body=page.tail,
                fd=fd,
                length=len(page.tail) if fd is not None else 0,
            )
        data = page.wire(
            server_lines=request.server_lines,
            head_only=head_only,
            not_modified=not_modified,
            close=not request.keep_alive,
        )
        return EarlyAnswer(head=data)

    def find(
        self, *, scheme: str, target: bytes, headers: list[tuple[bytes, bytes]]
    ) -> tuple[Page, Request] | None:
        """The fresh cached page a raw request (target and headers) asks for, or None.

        Only plain requests are answered here: one with a body, or with a
        forwarded protocol that only uvicorn's proxy handling can judge, goes
        the long way, through ASGI.
        """
        if not self.enabled:
            return None
        request = request_read(headers, self.personal)
        if request is None:
            return None
        # Keys of raw requests seen before: a hit skips parsing its target again.
        raw = (scheme, target, request.host, request.forwarded)
        key = self.raw_keys.get(raw, _UNKNOWN)
        if key is _UNKNOWN:
            key = self._raw_key(scheme, target, request)
            if len(target) <= RAW_KEY_TARGET:
                if len(self.raw_keys) >= RAW_KEYS:
                    self.raw_keys.clear()
                self.raw_keys[raw] = key
        if key is None:
            return None
        page = self.lookup_local(key)
        if page is None:
            return None
        self._poll_soon()
        return page, request

    def _raw_key(self, scheme: str, target: bytes, request: Request) -> str | None:
        if b"?" in target or b"%" in target or not target.startswith(b"/"):
            try:
                url = httptools.parse_url(target)
            except httptools.HttpParserInvalidURLError:
                return None
            path = url.path.decode("latin-1")
            if "%" in path:
                path = urllib.parse.unquote(path)  # as uvicorn builds the scope's path
            query = url.query or b""
        else:
            path, query = target.decode("latin-1"), b""
        return self.key(scheme=scheme, path=path, query=query, request=request, before_proxy=True)

    # --- ASGI -------------------------------------------------------------------------

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD") or not self.enabled:
            await self.app(scope, receive, _Unmarked(send))
            return
        request = request_read(scope.get("headers") or [], self.personal)
        key = None
        if request is not None:
            key = self.key(
                scheme=scope.get("scheme", "http"),
                path=scope["path"],
                query=scope.get("query_string", b""),
                request=request,
            )
        if request is None or key is None:
            await self.app(scope, receive, _Unmarked(send))
            return
        self._poll_soon()
        page = self.lookup_local(key)
        if page is None:
            waiting = self.inflight.get(key)
            if waiting is not None:
                page = await asyncio.shield(waiting)
                if page is not None and not self.fresh(page, time.time()):
                    page = None  # rendered before an event that has since arrived
            elif scope["method"] == "GET":  # a HEAD's render is not kept: servers drop its body
                page = await self._fill(key, scope, receive, send, request)
                if page is _SENT:
                    return
        if page is None:
            # Not a cacheable answer (a redirect, a 404) or a render already stale:
            # this request renders for itself.
            await self.app(scope, receive, _Unmarked(send))
            return
        await self._send_page(scope, send, page, request)

    async def _fill(
        self, key: str, scope: dict[str, Any], receive: Any, send: Any, request: Request
    ) -> Any:
        """Find the page in the shared cache or render it; concurrent requests wait for this one."""
        future: asyncio.Future[Page | None] = asyncio.get_running_loop().create_future()
        self.inflight[key] = future
        page: Page | None = None
        try:
            page = await self._lookup_shared(key)
            if page is not None:
                self.keep_local(self._canonical(scope, request, page) or key, page)
                return page
            capture = _Capture(send)
            await self.app(scope, receive, capture)
            page = capture.page()
            if page is None:
                await capture.release()
                return _SENT
            if page.story_id is not None:
                self._learn_head(page.story_id, page.seq)
            # Kept under the key of the parameters the view read, so requests
            # that differ in others (?page= on a story) share this render.
            canonical = self._canonical(scope, request, page) or key
            self.keep_local(canonical, page)
            future.set_result(page)  # requests waiting for this render go on now
            # Shared before the answer leaves, so a request this reader makes
            # next, to any process, finds it.
            await self._store_shared(canonical, page)
            await self._send_page(scope, send, page, request, miss=True)
            return _SENT
        finally:
            if self.inflight.get(key) is future:
                del self.inflight[key]
            if not future.done():
                future.set_result(page)

    def _canonical(self, scope: dict[str, Any], request: Request, page: Page) -> str | None:
        self.learn_params(scope["path"], page.params)
        return self.key(
            scheme=scope.get("scheme", "http"),
            path=scope["path"],
            query=scope.get("query_string", b""),
            request=request,
        )

    async def _send_page(
        self,
        scope: dict[str, Any],
        send: Any,
        page: Page,
        request: Request,
        *,
        miss: bool = False,
    ) -> None:
        not_modified = _etag_matches(request.if_none_match, page.etag)
        head_only = scope["method"] == "HEAD"
        if not_modified:
            headers = [p for p in page.headers if p[0] in _REVALIDATION_HEADERS]
            status, body = 304, b""
        else:
            headers, status, body = list(page.headers), 200, page.body
        headers.append((b"x-cache", b"miss" if miss else b"hit"))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": b"" if head_only else body})

    # --- the shared cache -------------------------------------------------------------

    def _shared_cache(self) -> Any:
        """Django's default cache, or None when it is this process's memory anyway."""
        if self._shared is None:
            from django.core.cache import caches
            from django.core.cache.backends.dummy import DummyCache
            from django.core.cache.backends.locmem import LocMemCache

            cache = caches["default"]
            self._shared = False if isinstance(cache, LocMemCache | DummyCache) else cache
        return self._shared or None

    async def _lookup_shared(self, key: str) -> Page | None:
        cache = self._shared_cache()
        if cache is None:
            return None
        try:
            data = await asyncio.to_thread(cache.get, SHARED_PREFIX + _digest(key))
        except Exception:  # a cache outage makes a miss, never an error page
            logger.exception("Reading the shared page cache failed")
            return None
        page = Page.from_shared(data) if data is not None else None
        if page is None:
            return None
        if page.story_id is not None and page.story_id not in self.heads:
            try:
                await self._check_heads([page.story_id])
            except Exception:  # no head to compare with: render, and let Django report
                logger.exception("Reading story %s's head for the page cache failed", page.story_id)
                return None
        return page if self.fresh(page, time.time()) else None

    async def _store_shared(self, key: str, page: Page) -> None:
        cache = self._shared_cache()
        if cache is None:
            return
        timeout = max(page.expires - time.time(), 1)
        try:
            await asyncio.to_thread(cache.set, SHARED_PREFIX + _digest(key), page.shared(), timeout)
        except Exception:  # the page is served all the same; only sharing it failed
            logger.exception("Writing the shared page cache failed")

    # --- the database's view of story heads -------------------------------------------

    async def _check_heads(self, story_ids: list[int]) -> None:
        from .selectors import story_heads

        heads = await db_call(story_heads, story_ids=story_ids)
        for story_id in story_ids:
            head = heads.get(story_id)
            if head is None:
                # Gone or no longer visible: forget its pages.
                self.heads.pop(story_id, None)
                for key in [k for k, p in self.local.items() if p.story_id == story_id]:
                    self.drop_local(key)
            else:
                self._learn_head(story_id, head)

    def _poll_soon(self) -> None:
        """Every LOG_POLL_SECONDS, read the heads of stories with pages here (a lost event's net)."""
        now = time.monotonic()
        if now - self._polled < self.poll_seconds:
            return
        if self._polling is not None and not self._polling.done():
            return
        self._polled = now
        ids = sorted({p.story_id for p in self.local.values() if p.story_id is not None})
        if ids:
            self._polling = asyncio.get_running_loop().create_task(self._poll(ids))

    async def _poll(self, story_ids: list[int]) -> None:
        try:
            await self._check_heads(story_ids)
        except Exception:  # the next poll retries; until then the broker keeps pages fresh
            logger.exception("Reading story heads for the page cache failed")


_SENT = object()  # _fill answered the request itself


def _digest(key: str) -> str:
    return hashlib.blake2b(key.encode("utf-8", "surrogateescape"), digest_size=20).hexdigest()


# --- responses from Django ---------------------------------------------------------------


class _Unmarked:
    """An ASGI send that removes a view's page mark from responses the cache does not keep."""

    __slots__ = ("send",)

    def __init__(self, send: Any) -> None:
        self.send = send

    async def __call__(self, message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            headers = message.get("headers") or []
            if any(name.lower() == _MARK for name, _ in headers):
                message = {**message, "headers": [h for h in headers if h[0].lower() != _MARK]}
        await self.send(message)


class _Capture:
    """An ASGI send that holds back a marked, cacheable response to make a :class:`Page` of it.

    Anything else goes straight through (without the mark).
    """

    def __init__(self, send: Any) -> None:
        self.send = send
        self.start: dict[str, Any] | None = None
        self.mark: Mark | None = None
        self.chunks: list[bytes] = []
        self.size = 0
        self.complete = False
        self.passing = False

    async def __call__(self, message: dict[str, Any]) -> None:
        if self.passing:
            await self.send(message)
            return
        if message["type"] == "http.response.start":
            headers = message.get("headers") or []
            mark = None
            kept = []
            for name, value in headers:
                lowered = name.lower()
                if lowered == _MARK:
                    mark = _parse_mark(value)
                else:
                    kept.append((lowered, value))
            self.start = {**message, "headers": kept}
            if mark is None or not _storable(message.get("status", 200), kept):
                await self.release()
                return
            self.mark = mark
            return
        if message["type"] == "http.response.body":
            body = message.get("body", b"")
            self.chunks.append(body)
            self.size += len(body)
            if self.size > MAX_BODY:
                await self.release()
                return
            if not message.get("more_body", False):
                self.complete = True

    async def release(self) -> None:
        """Send what was held back and let the rest through."""
        if self.passing:
            return
        self.passing = True
        if self.start is not None:
            await self.send(self.start)
            chunks, self.chunks = self.chunks, []
            for chunk in chunks:
                await self.send({"type": "http.response.body", "body": chunk, "more_body": True})
            if self.complete:
                await self.send({"type": "http.response.body", "body": b"", "more_body": False})

    def page(self) -> Page | None:
        """The held response as a page, or None when nothing cacheable was held."""
        if self.passing or not self.complete or self.start is None or self.mark is None:
            return None
        story_id, seq, params = self.mark
        body = b"".join(self.chunks)
        etag = b'"%s"' % hashlib.blake2b(body, digest_size=16).hexdigest().encode()
        if story_id is None:
            ttl = conf.get_float("PAGE_CACHE_SECONDS")
        else:
            ttl = conf.get_float("PAGE_CACHE_STORY_SECONDS")
        control = "public, max-age=0, s-maxage={}, stale-while-revalidate={}".format(
            conf.get_int("PAGE_CACHE_SHARED_SECONDS"), conf.get_int("PAGE_CACHE_STALE_SECONDS")
        )
        headers = [h for h in self.start["headers"] if h[0] not in _DROPPED_RESPONSE_HEADERS]
        headers += [
            (b"content-length", str(len(body)).encode()),
            (b"etag", etag),
            (b"cache-control", control.encode()),
        ]
        return Page(story_id, seq, time.time() + ttl, etag, headers, body, params)


def _storable(status: int, headers: list[tuple[bytes, bytes]]) -> bool:
    """A 200 for everyone: no cookie set, no variation by cookie, no private cache-control."""
    if status != 200:
        return False
    for name, value in headers:
        if name == b"set-cookie":
            return False
        if name == b"vary" and (b"cookie" in value.lower() or b"*" in value):
            return False
        if name == b"cache-control" and any(
            word in value.lower() for word in (b"private", b"no-store", b"no-cache")
        ):
            return False
    return True
