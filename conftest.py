"""Fixtures shared by every test.

Factories for newsroom objects, API clients, and ``server``: a real
``newsdesk`` server process (uvicorn, the edge, Django) on a free port, reading
the same test database, for tests that need real sockets (streams, browsers);
``redis_server``: a private redis-server on a free port, so that concurrent
runs never share a Redis database.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent


def _required(service: str) -> bool:
    """CI sets NEWSDESK_REQUIRE_SERVICES so that a missing service fails, not skips."""
    wanted = os.environ.get("NEWSDESK_REQUIRE_SERVICES", "")
    return service in {s.strip() for s in wanted.split(",")} or wanted == "all"


def skip_or_fail(service: str, reason: str) -> None:
    """Skip on a laptop without ``service``; fail in CI, where it must be there."""
    if _required(service):
        pytest.fail(f"{reason} (NEWSDESK_REQUIRE_SERVICES requires {service})")
    pytest.skip(reason)


# --- database ---------------------------------------------------------------------


@pytest.fixture(scope="session")
def django_db_modify_db_settings() -> None:
    """Keep SQLite's test database in a file, so server processes can open it too."""
    from django.conf import settings

    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3") and not db.get("TEST", {}).get("NAME"):
        path = Path(tempfile.mkdtemp(prefix="newsdesk-test-")) / "test.sqlite3"
        db.setdefault("TEST", {})["NAME"] = str(path)


@pytest.fixture(autouse=True)
def counters_cleared() -> None:
    """Each test starts with empty rate limits and read windows (the ``counters`` cache):
    every test client calls from 127.0.0.1, so one test's searches or reactions
    would otherwise count against the next."""
    from django.core.cache import caches

    caches["counters"].clear()


# --- newsroom factories -------------------------------------------------------------


@pytest.fixture(autouse=True)
def fast_password_hashing(request: Any) -> None:
    """Hash passwords that only this process can see with a cheap hasher.

    PBKDF2 costs about 0.2 s a hash, and most tests make several journalists and
    sign some in. Tests whose data is committed (``transactional_db``) and browser
    tests keep the real hashers: a server process, which knows only those, may
    sign their users in.
    """
    marker = request.node.get_closest_marker("django_db")
    committed = "transactional_db" in request.fixturenames or (
        marker is not None and bool(marker.kwargs.get("transaction", marker.args[:1] == (True,)))
    )
    if committed or request.node.get_closest_marker("browser") is not None:
        return
    settings = request.getfixturevalue("settings")
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def make_journalist(db: Any):
    """Make a newsroom user: ``make_journalist("ann", role="reporter")``."""
    from newsdesk.newsroom.services import journalist_create

    def make(username: str, *, role: str = "editor", password: str = "pass-word-123") -> Any:
        return journalist_create(
            username=username, password=password, role=role, display_name=username.title()
        ).user

    return make


@pytest.fixture
def editor(make_journalist: Any) -> Any:
    """An editor (password ``pass-word-123``)."""
    return make_journalist("edna", role="editor")


@pytest.fixture
def reporter(make_journalist: Any) -> Any:
    """A reporter, not yet assigned to any story."""
    return make_journalist("rory", role="reporter")


@pytest.fixture
def section(db: Any) -> Any:
    """World > Asia: returns the Asia section."""
    from newsdesk.newsroom.services import section_create

    world = section_create(name="World")
    return section_create(name="Asia", parent=world)


@pytest.fixture
def live_story(section: Any, editor: Any) -> Any:
    """A live story in World > Asia, coverage running."""
    from newsdesk.newsroom.services import story_create

    return story_create(
        section=section,
        headline="Live updates: Harbour summit talks",
        standfirst="Follow the latest updates on the harbour summit.",
        author=editor,
        live=True,
    )


@pytest.fixture
def article(section: Any, editor: Any) -> Any:
    """A published ordinary article in World > Asia."""
    from newsdesk.newsroom.services import story_create

    return story_create(
        section=section,
        headline="Rail link opens after decade of delays",
        standfirst="The line cuts the journey to forty minutes.",
        body="The new line opened on Monday.\n\nPassengers cheered.",
        author=editor,
        live=False,
    )


@pytest.fixture
def publish(editor: Any):
    """Publish entries into a story: ``publish(story, "text", **options)``."""
    from newsdesk.newsroom.services import entry_publish

    def do(story: Any, body: str, *, author: Any = None, **options: Any) -> Any:
        return entry_publish(story=story, author=author or editor, body=body, **options)

    return do


@pytest.fixture
def media_root(settings: Any, tmp_path: Path) -> Path:
    """Photos stored in a directory of this test's own (not the suite's data directory)."""
    root = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(root), "base_url": "/media/", "allow_overwrite": True},
        },
    }
    return root


@pytest.fixture
def upload(media_root: Path, editor: Any):
    """Put a photo in the library: ``upload(images.jpeg(), alt="...")`` returns the Media."""
    from newsdesk.media.services import media_create

    def do(data: bytes, *, actor: Any = None, **fields: Any) -> Any:
        fields.setdefault("alt", "Ferry at the quay")
        return media_create(data=data, actor=actor or editor, **fields)

    return do


@pytest.fixture
def token_for():
    """Make an API token for a user: ``token_for(user)`` returns the raw token."""
    from newsdesk.api.services import token_create

    def make(user: Any) -> str:
        return token_create(user=user, name="test")[1]

    return make


@pytest.fixture
def api(client: Any, editor: Any, token_for: Any):
    """A Django test client calling the JSON API as the editor (Bearer token)."""
    return ApiClient(client, token_for(editor))


class ApiClient:
    """Thin JSON wrapper over Django's test client, with a Bearer token."""

    def __init__(self, client: Any, token: str | None) -> None:
        self.client = client
        self.token = token

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(path, params, headers=self._headers())

    def _send(self, method: str, path: str, data: Any) -> Any:
        import json

        body = data if isinstance(data, (str, bytes)) else json.dumps(data)
        return getattr(self.client, method)(
            path, body, content_type="application/json", headers=self._headers()
        )

    def post(self, path: str, data: Any = None) -> Any:
        return self._send("post", path, data if data is not None else {})

    def patch(self, path: str, data: Any) -> Any:
        return self._send("patch", path, data)

    def put(self, path: str, data: Any) -> Any:
        return self._send("put", path, data)

    def delete(self, path: str) -> Any:
        return self.client.delete(path, headers=self._headers())


# --- real server processes ------------------------------------------------------------


def run_coroutine(coroutine: Any) -> Any:
    """``asyncio.run`` in a thread of its own: a browser test earlier in the session
    leaves Playwright's event loop running in the main thread."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def database_url_for_tests() -> str:
    """A URL pointing at the database the test run created."""
    from django.db import connection

    settings = connection.settings_dict
    if settings["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{settings['NAME']}"
    user = settings.get("USER") or ""
    password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
    auth = f"{user}{password}@" if user else ""
    host = settings.get("HOST") or "127.0.0.1"
    port = settings.get("PORT") or 5432
    return f"postgres://{auth}{host}:{port}/{settings['NAME']}"


def clear_of_a_window_edge() -> None:
    """Rate windows are clock minutes (hours, days): wait, when the next minute is
    close, until it has begun, so that a test's requests fall in a single window."""
    left = 60 - time.time() % 60
    if left < 10:
        time.sleep(left + 0.1)


@dataclass
class Server:
    """A running server process: ``url`` is its origin."""

    process: subprocess.Popen[bytes]
    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def output(self) -> str:
        return self.log.read_text(errors="replace")


def _listener_pid_is(port: int, pid: int) -> bool:
    """Whether the socket listening on 127.0.0.1:``port`` is process ``pid``'s (Linux /proc).

    Another test run on the machine may have taken the port between
    :func:`free_port` and the server's bind; its server must not pass for ours.
    """
    inodes = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local, state, inode = fields[1], fields[3], fields[9]
        if state == "0A" and int(local.rsplit(":", 1)[1], 16) == port:
            inodes.add(f"socket:[{inode}]")
    try:
        links = {os.readlink(fd) for fd in Path(f"/proc/{pid}/fd").iterdir()}
    except OSError:
        return False
    return bool(inodes & links)


def start_server(
    *,
    env: dict[str, str] | None = None,
    workers: int = 1,
    port: int | None = None,
    asgi: bool = False,
) -> Server:
    """Start ``newsdesk serve`` against the test database and wait until it answers.

    ``asgi=True`` starts plain uvicorn on ``newsdesk.config.asgi:application``
    instead: every request, streams included, then takes the ASGI path, as
    under any other ASGI server. Without a ``port``, a free one is picked, and
    picked again when another process took it before the server could bind it.
    """
    for _ in range(5):
        server = _server_started(env=env, workers=workers, port=port or free_port(), asgi=asgi)
        if server is not None or port is not None:
            break
    if server is None:
        raise RuntimeError("server could not bind a free port five times")
    return server


def _server_started(
    *, env: dict[str, str] | None, workers: int, port: int, asgi: bool
) -> Server | None:
    """The started server, or None when its port was taken by another process."""
    log = Path(tempfile.mkstemp(prefix="newsdesk-server-", suffix=".log")[1])
    full_env = {
        **os.environ,
        "NEWSDESK_DATABASE_URL": database_url_for_tests(),
        "NEWSDESK_LOG_LEVEL": "WARNING",
        "NEWSDESK_LOG_POLL_SECONDS": os.environ.get("NEWSDESK_LOG_POLL_SECONDS", "1"),
        **(env or {}),
    }
    command = ["newsdesk.cli", "serve", "--port", str(port), "--workers", str(workers)]
    if asgi:
        command = ["uvicorn", "newsdesk.config.asgi:application", "--port", str(port)]
        command += ["--lifespan", "on", "--no-access-log", "--log-level", "warning"]
        # As newsdesk serve: whom to believe about addresses is newsdesk.proxies' to say.
        command += ["--no-proxy-headers"]
    process = subprocess.Popen(
        [sys.executable, "-m", *command],
        env=full_env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        cwd=ROOT,
    )
    server = Server(process, port, log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            if "address already in use" in server.output():
                return None
            raise RuntimeError(f"server exited early:\n{server.output()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
                sock.sendall(b"GET /healthz HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
                if sock.recv(12).startswith(b"HTTP/1.1 200") and _listener_pid_is(
                    port, process.pid
                ):
                    return server
        except OSError:
            pass
        time.sleep(0.1)
    server.stop()
    raise RuntimeError(f"server did not start:\n{server.output()}")


@pytest.fixture(params=["serve", "asgi"])
def stream_server(request: Any, transactional_db: Any) -> Iterator[Server]:
    """A real server for the stream suite, once per stream adapter.

    ``serve``: ``newsdesk serve``, whose listener keeps streams on the
    transport; ``asgi``: plain uvicorn, where the edge streams through ASGI
    ``send`` as under any other ASGI server.
    """
    srv = start_server(asgi=request.param == "asgi")
    try:
        yield srv
    finally:
        srv.stop()


@pytest.fixture
def server(transactional_db: Any) -> Iterator[Server]:
    """A real server process on a free port, sharing this test's database.

    Data a test makes must be committed (``transactional_db``) for the server
    to see it.
    """
    srv = start_server()
    try:
        yield srv
    finally:
        srv.stop()


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """Debian's Chromium, or skip (fail in CI) when it is not installed."""
    path = os.environ.get("NEWSDESK_CHROMIUM", "/usr/bin/chromium")
    if not Path(path).exists():
        skip_or_fail("chromium", f"Chromium not found at {path} (apt-get install chromium)")
    return path


@pytest.fixture(scope="session")
def browser(chromium_path: str) -> Iterator[Any]:
    """A headless Chromium driven by Playwright, shared by the session."""
    # Playwright's sync API runs an event loop in this thread; the ORM calls the
    # tests make around it are still synchronous and safe.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_or_fail("chromium", "playwright is not installed")
    with sync_playwright() as p:
        instance = p.chromium.launch(
            executable_path=chromium_path,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        try:
            yield instance
        finally:
            instance.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh browser page (its own cookies)."""
    context = browser.new_context()
    pg = context.new_page()
    try:
        yield pg
    finally:
        context.close()


# --- a private Redis ----------------------------------------------------------------


@dataclass
class RedisServer:
    """A private redis-server process on a free port."""

    port: int
    directory: Path
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.directory),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(7).startswith(b"+PONG"):
                        return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None


@pytest.fixture
def redis_server() -> Iterator[RedisServer]:
    """A private redis-server (skip, or fail in CI, when it is not installed)."""
    if shutil.which("redis-server") is None:
        skip_or_fail("redis", "redis-server is not installed (apt-get install redis-server)")
    server = RedisServer(free_port(), Path(tempfile.mkdtemp(prefix="newsdesk-redis-")))
    server.start()
    try:
        yield server
    finally:
        server.stop()
