"""The database unavailable during a publish: a real outage, not a mock.

On SQLite another connection holds the write lock (``BEGIN EXCLUSIVE``) longer
than the server's busy timeout: reads go on (WAL), every write times out with
"database is locked". On PostgreSQL the server reaches the database through
a TCP proxy started here, and the proxy is cut: open connections are reset,
new ones refused, so nothing at all reaches the database.

During the outage an editor publishes through the desk (a signed-in form
post with its CSRF token, as a browser without JavaScript sends it, and the
same post as the desk's script sends it) and a script publishes through the
API. The desk says so in a sentence and hands the text back; the API answers
503 in its JSON error format; the log and the entries agree (nothing
half-written). Once the database is back, the same publishes work and the
open stream gets exactly those events.

A reader's page, a sign-in and an API read during the same outage: whatever
needs the database is a 503 with a sentence and no traceback (the
middleware, ``newsdesk.config.middleware``), whatever only reads goes on
under SQLite's write lock, and everything works again afterwards.

The server's SQLite busy timeout is set short (``NEWSDESK_SQLITE_BUSY_TIMEOUT``)
so that a write gives up in seconds; how long it waits is not what is tested.
"""

from __future__ import annotations

import html
import re
import socket
import sqlite3
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx
import pytest

from conftest import database_url_for_tests, free_port, start_server

from .conftest import WAIT

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

DB_DOWN_PUBLISH = "The database is not reachable; your entry was not published. Try again."
DB_DOWN_READ = "The database is not reachable, so the desk cannot show this page. Try again."
DB_DOWN_PAGE = "The database is not reachable, so this page cannot be shown. Try again in a moment."
DB_DOWN_ACTION = "The database is not reachable; nothing was saved. Try again in a moment."
BUSY_TIMEOUT_SECONDS = "2"


class SqliteWriteLock:
    """Another connection holding SQLite's write lock: every other writer waits, then fails.

    A write waits the server's busy timeout (``NEWSDESK_SQLITE_BUSY_TIMEOUT``)
    for the lock, then fails, while this holds it. Readers go on (WAL).
    """

    def __init__(self, path: str) -> None:
        self.path = path
        self.connection: sqlite3.Connection | None = None

    def cut(self) -> None:
        self.connection = sqlite3.connect(self.path, timeout=0, isolation_level=None)
        self.connection.execute("BEGIN EXCLUSIVE")

    def restore(self) -> None:
        assert self.connection is not None
        self.connection.execute("ROLLBACK")
        self.close()

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None


class TcpProxy:
    """A TCP relay to the database that can be cut: connections reset, new ones refused."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.port = free_port()
        self._listener: socket.socket | None = None
        self._sockets: set[socket.socket] = set()
        self._lock = threading.Lock()

    def start(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # cut
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._sockets.update({client, upstream})
            for source, sink in [(client, upstream), (upstream, client)]:
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                self._close(sock)

    def _close(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.discard(sock)
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        sock.close()

    def cut(self) -> None:
        assert self._listener is not None
        # shutdown() wakes the thread blocked in accept(); close() alone leaves
        # the socket listening until accept() returns.
        try:
            self._listener.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self._listener.close()
        self._listener = None
        with self._lock:
            sockets = list(self._sockets)
        for sock in sockets:
            self._close(sock)

    def restore(self) -> None:
        self.start()

    def close(self) -> None:
        if self._listener is not None:
            self.cut()


@pytest.fixture
def outage(transactional_db: Any):
    """``(server, fault)``: a server process whose database ``fault.cut()`` takes away."""
    url = database_url_for_tests()
    if url.startswith("sqlite"):
        fault: Any = SqliteWriteLock(url.removeprefix("sqlite:///"))
        srv = start_server(env={"NEWSDESK_SQLITE_BUSY_TIMEOUT": BUSY_TIMEOUT_SECONDS})
    else:
        parts = urlsplit(url)
        fault = TcpProxy((parts.hostname or "127.0.0.1", parts.port or 5432))
        fault.start()
        netloc = parts.netloc.rsplit("@", 1)
        auth = f"{netloc[0]}@" if len(netloc) == 2 else ""
        through_proxy = urlunsplit(parts._replace(netloc=f"{auth}127.0.0.1:{fault.port}"))
        srv = start_server(env={"NEWSDESK_DATABASE_URL": through_proxy})
    try:
        yield srv, fault
    finally:
        srv.stop()
        fault.close()


def _csrf_token(page: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert match, "no CSRF token on the page"
    return match[1]


def _sign_in(origin: str, username: str) -> tuple[httpx.Client, str]:
    """A client signed in to the desk through the login form; and its CSRF token."""
    client = httpx.Client(base_url=origin, timeout=WAIT)
    login = client.get("/desk/login/")
    answer = client.post(
        "/desk/login/",
        data={
            "username": username,
            "password": "pass-word-123",
            "csrfmiddlewaretoken": _csrf_token(login.text),
        },
        headers={"Referer": f"{origin}/desk/login/"},
    )
    assert answer.status_code == 302, answer.text
    return client, client.cookies["csrftoken"]


def _consistent(story_id: int) -> list[tuple[int, str]]:
    """Check the log against the entries and the story's head; return the log."""
    from newsdesk.live.models import StoryEvent
    from newsdesk.newsroom.models import Entry, Story

    log = list(StoryEvent.objects.filter(story_id=story_id).order_by("seq"))
    assert [e.seq for e in log] == list(range(1, len(log) + 1))
    assert Story.objects.get(pk=story_id).last_seq == len(log)
    published = [e.data["entry_id"] for e in log if e.kind == "entry-published"]
    entries = list(Entry.objects.filter(story_id=story_id).order_by("pk"))
    assert sorted(published) == [e.pk for e in entries]  # every entry has its event and back
    return [(e.seq, Entry.objects.get(pk=e.data["entry_id"]).body) for e in log]


def test_publish_during_a_database_outage_leaves_nothing_half_written_and_a_retry_works(
    outage, live_story, editor, token_for, sse_open
):
    srv, fault = outage
    token = token_for(editor)
    api_headers = {"Authorization": f"Bearer {token}"}
    desk, csrf = _sign_in(srv.url, editor.username)
    publish_url = f"/desk/stories/{live_story.pk}/publish/"
    entry_url = f"/api/stories/{live_story.pk}/entries"
    bodies = {
        "form": "From the desk form: <the ferry> is *back* & running.",
        "script": "From the desk's script: talks resume.",
        "api": "From the wire: harbour reopens.",
    }

    def desk_post(kind: str) -> httpx.Response:
        headers = {"Referer": f"{srv.url}/desk/stories/{live_story.pk}/", "X-CSRFToken": csrf}
        if kind == "script":
            headers["Accept"] = "application/json"
        return desk.post(
            publish_url,
            data={"body": bodies[kind], "title": f"{kind} title", "action": "publish"},
            headers=headers,
        )

    def api_post() -> httpx.Response:
        return httpx.post(
            f"{srv.url}{entry_url}", json={"body": bodies["api"]}, headers=api_headers, timeout=WAIT
        )

    def publish_all() -> dict[str, httpx.Response]:
        with ThreadPoolExecutor(3) as pool:
            form = pool.submit(desk_post, "form")
            script = pool.submit(desk_post, "script")
            api = pool.submit(api_post)
            return {"form": form.result(), "script": script.result(), "api": api.result()}

    try:
        reader = sse_open(srv.url, live_story.get_events_url())
        reader.wait_for(lambda events: reader.comments >= 1, what="the opening comment")
        first = httpx.post(
            f"{srv.url}{entry_url}", json={"body": "Before."}, headers=api_headers, timeout=WAIT
        )
        assert first.status_code == 201
        assert [e.id for e in reader.wait_for_count(1)] == ["1"]

        fault.cut()
        during = publish_all()
        page = desk.get(f"/desk/stories/{live_story.pk}/")
        fault.restore()

        form, script, api = during["form"], during["script"], during["api"]
        assert form.status_code == 503
        assert DB_DOWN_PUBLISH in html.unescape(form.text)
        # The text comes back in the composer, so nothing typed is lost.
        assert html.escape(bodies["form"], quote=False) in form.text
        assert "form title" in form.text
        assert script.status_code == 503
        assert script.json() == {"error": "unavailable", "detail": DB_DOWN_PUBLISH}
        assert api.status_code == 503
        assert api.headers["retry-after"] == "5"
        assert api.json()["error"] == "unavailable"
        assert "nothing was saved" in api.json()["detail"]
        assert _consistent(live_story.pk) == [(1, "Before.")]
        if isinstance(fault, SqliteWriteLock):
            assert page.status_code == 200  # reads go on while a writer holds the lock
        else:
            assert page.status_code == 503
            assert DB_DOWN_READ in html.unescape(page.text)

        after = publish_all()
        assert after["form"].status_code == 302
        assert after["script"].status_code == 201
        assert after["api"].status_code == 201

        log = _consistent(live_story.pk)
        assert sorted(body for _, body in log[1:]) == sorted(bodies.values())
        events = reader.wait_for_count(4)
        assert [(int(e.id), e.json()["entry_id"]) for e in events] == [
            (seq, entry) for seq, entry in _log_entries(live_story.pk)
        ]
    finally:
        desk.close()


def _log_entries(story_id: int) -> list[tuple[int, int]]:
    from newsdesk.live.models import StoryEvent

    return [
        (e.seq, e.data["entry_id"])
        for e in StoryEvent.objects.filter(story_id=story_id).order_by("seq")
    ]


def test_pages_sign_in_and_api_reads_during_a_database_outage_are_503s_then_work(
    outage, article, editor, token_for
):
    srv, fault = outage
    api_headers = {"Authorization": f"Bearer {token_for(editor)}"}
    story_url = article.get_absolute_url()
    api_url = f"{srv.url}/api/stories/{article.pk}"
    visitor = httpx.Client(base_url=srv.url, timeout=WAIT)
    signed_in, _ = _sign_in(srv.url, editor.username)
    credentials = {"username": editor.username, "password": "pass-word-123"}

    def sign_in() -> httpx.Response:
        form = visitor.get("/desk/login/")  # a first visit: no session to read
        assert form.status_code == 200
        return visitor.post(
            "/desk/login/",
            data={**credentials, "csrfmiddlewaretoken": _csrf_token(form.text)},
            headers={"Referer": f"{srv.url}/desk/login/"},
        )

    def requests() -> dict[str, httpx.Response]:
        with ThreadPoolExecutor(4) as pool:
            calls = {
                "page": pool.submit(visitor.get, story_url),
                "login page": pool.submit(signed_in.get, "/desk/login/"),
                "sign in": pool.submit(sign_in),
                "api": pool.submit(httpx.get, api_url, headers=api_headers, timeout=WAIT),
            }
            return {name: call.result() for name, call in calls.items()}

    try:
        fault.cut()
        try:
            during = requests()
        finally:
            fault.restore()
        visitor.cookies.clear()
        after = requests()
    finally:
        visitor.close()
        signed_in.close()

    for name, response in during.items():
        assert "Traceback" not in response.text, name
    sign_in_down = during["sign in"]
    assert sign_in_down.status_code == 503
    assert sign_in_down.headers["Retry-After"] == "5"
    assert DB_DOWN_ACTION in html.unescape(sign_in_down.text)
    if isinstance(fault, SqliteWriteLock):
        # Reads go on while a writer holds the lock; the token's last-used
        # time, the one write of an API read, is given up.
        assert during["page"].status_code == 200
        assert during["login page"].status_code == 200
        assert during["api"].status_code == 200
        assert "Could not record the use of API token" in srv.output()
    else:
        for name in ("page", "login page"):
            assert during[name].status_code == 503, name
            assert during[name].headers["Retry-After"] == "5"
            assert DB_DOWN_PAGE in html.unescape(during[name].text), name
        assert during["api"].status_code == 503
        assert during["api"].json()["error"] == "unavailable"
    log = srv.output()
    assert log.count("Database unavailable: POST /desk/login/ answered 503") == 1
    assert "Traceback" in log  # the log has the exception the pages leave out

    assert after["page"].status_code == 200
    assert article.headline in html.unescape(after["page"].text)
    assert after["login page"].status_code == 200
    assert after["sign in"].status_code == 302
    assert after["api"].status_code == 200
    assert after["api"].json()["id"] == article.pk
