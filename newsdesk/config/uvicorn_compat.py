"""Every use Newsdesk makes of uvicorn beyond ``uvicorn.run``, in one module.

``newsdesk serve`` answers streams, cached pages and media files before
uvicorn builds an ASGI request (DESIGN.md, "Shape of the system"). That needs
uvicorn's protocol API, which is not public: the protocol factory's
arguments, the server state's connection set and date line, and the
httptools protocol's parser callbacks and per-connection state. Each is
named in the tables below and used only here; ``pyproject.toml`` pins
uvicorn to the versions CI runs (oldest and newest, ``make test-uvicorn-oldest``),
and :func:`compat_check` (run by ``newsdesk serve`` before it listens, and by
``newsdesk/config/tests/test_uvicorn_compat.py``) raises :class:`CompatError`
naming every attribute that moved, instead of falling back silently.
"""

from __future__ import annotations

import asyncio
import os
import socket
from dataclasses import dataclass
from typing import Any, Protocol

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

# The key under which the ASGI lifespan leaves the process's runtime in the
# lifespan state (newsdesk/config/runtime.py); uvicorn hands that state to
# every protocol it builds.
RUNTIME_KEY = "newsdesk.runtime"
HEADER_TIMEOUT = 10.0  # seconds, without a runtime (NEWSDESK_HEADER_TIMEOUT_SECONDS)

# What this module calls or reads on uvicorn's objects.
PROTOCOL_METHODS = (
    "connection_made",
    "connection_lost",
    "data_received",
    "on_message_begin",
    "on_headers_complete",
    "on_body",
    "on_message_complete",
    "on_response_complete",
    "shutdown",
    "_unset_keepalive_if_required",
)
PROTOCOL_ATTRIBUTES = (
    "parser",
    "cycle",
    "pipeline",
    "flow",
    "scheme",
    "url",
    "headers",
    "transport",
    "loop",
    "server_state",
    "app_state",
    "timeout_keep_alive_task",
)
PARSER_METHODS = ("get_method", "get_http_version", "should_keep_alive", "should_upgrade")
FLOW_ATTRIBUTES = ("write_paused",)
SERVER_STATE_ATTRIBUTES = ("connections", "default_headers", "total_requests")


class CompatError(RuntimeError):
    """The installed uvicorn lacks something this module uses."""


# --- the server state -----------------------------------------------------------------------


def connection_track(server_state: Any, connection: Any) -> None:
    """Count ``connection`` among the server's: graceful shutdown calls its ``shutdown()``."""
    server_state.connections.add(connection)


def connection_untrack(server_state: Any, connection: Any) -> None:
    server_state.connections.discard(connection)


def runtime_of(app_state: dict[str, Any]) -> Any:
    """The runtime the lifespan left in the state uvicorn gives protocols, or None."""
    return app_state.get(RUNTIME_KEY)


class ServerLines:
    """uvicorn's ``date`` and ``server`` header lines, encoded again only when they change.

    uvicorn replaces its default-headers list once a second, so the list's
    identity says when to encode again.
    """

    __slots__ = ("source", "lines")

    def __init__(self) -> None:
        self.source: Any = None
        self.lines = b""

    def current(self, server_state: Any) -> bytes:
        headers = server_state.default_headers
        if headers is not self.source:
            self.source = headers
            self.lines = b"".join(b"%s: %s\r\n" % pair for pair in headers)
        return self.lines


SERVER_LINES = ServerLines()


# --- early answers ----------------------------------------------------------------------------


@dataclass(slots=True)
class EarlyRequest:
    """A request head, as an early responder sees it."""

    method: bytes
    target: bytes
    scheme: str
    headers: list[tuple[bytes, bytes]]
    keep_alive: bool
    server_lines: bytes  # the date and server header lines every response carries


@dataclass(slots=True)
class EarlyAnswer:
    """A whole response: ``head``, then ``length`` bytes of ``fd`` from ``offset``, or ``body``.

    With a file, ``body`` may be None: the bytes are read from the file when
    ``sendfile`` cannot be used (TLS, bytes already waiting in the transport).
    """

    head: bytes
    body: bytes | None = b""
    fd: int | None = None
    offset: int = 0
    length: int = 0


class EarlyResponder(Protocol):
    def __call__(self, request: EarlyRequest) -> EarlyAnswer | None: ...


class EarlyProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol, with a responder that may answer from the request head.

    A request the responder answers never becomes an ASGI request: no scope,
    task or cycle. Its head goes out with ``MSG_MORE`` and its body with
    ``sendfile``, so the kernel copies it from its own memory, as nginx
    does. Anything else (a miss, a body, a pipelined request behind a
    running one, an upgrade) goes on exactly as in uvicorn.

    Every request head must arrive within ``NEWSDESK_HEADER_TIMEOUT_SECONDS``
    of its first byte (the first request's, of the connection's opening:
    ``head_deadline``, set by the listener), or the connection is closed:
    uvicorn's keep-alive timer stops at a request's first byte and nothing
    else limits a head sent a line at a time.
    """

    head_deadline: float | None = None  # loop time by which the next head must be complete

    def __init__(
        self,
        config: Any,
        server_state: Any,
        app_state: dict[str, Any],
        _loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        super().__init__(config, server_state, app_state, _loop)
        runtime = runtime_of(app_state)
        self.responder: EarlyResponder | None = runtime.early if runtime is not None else None
        self.header_timeout = runtime.header_timeout if runtime is not None else HEADER_TIMEOUT
        self.head_timer: asyncio.TimerHandle | None = None
        self.head_open = False  # a request head has begun and is not complete
        self.answered = False
        self.sock: socket.socket | None = None

    def connection_made(self, transport: Any) -> None:  # type: ignore[override]
        super().connection_made(transport)
        # The first head is due from the connection's opening (the listener's
        # deadline when it handed the connection on).
        if self.head_deadline is None:
            self.head_deadline = self.loop.time() + self.header_timeout
        self.head_open = True

    def connection_lost(self, exc: Exception | None) -> None:
        self._head_timer_stop()
        if self.sock is not None:
            self.sock.close()
            self.sock = None
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        # A timer only for a head still incomplete after the bytes that came:
        # a head that arrives whole (nearly every one) costs none.
        if self.head_open and self.head_timer is None and self.head_deadline is not None:
            self.head_timer = self.loop.call_at(self.head_deadline, self._head_timed_out)

    def on_message_begin(self) -> None:
        self.answered = False
        if not self.head_open:
            self.head_open = True
            self.head_deadline = self.loop.time() + self.header_timeout
        super().on_message_begin()

    def _head_timer_stop(self) -> None:
        self.head_open = False
        self.head_deadline = None
        if self.head_timer is not None:
            self.head_timer.cancel()
            self.head_timer = None

    def _head_timed_out(self) -> None:
        self.head_timer = None
        if not self.transport.is_closing():
            self.transport.close()

    def on_headers_complete(self) -> None:
        self._head_timer_stop()
        # A keep-alive timer armed by an earlier answer must not close this request.
        self._unset_keepalive_if_required()
        responder = self.responder
        if (
            responder is not None
            and (self.cycle is None or self.cycle.response_complete)
            and not self.pipeline
            and not self.flow.write_paused
            and not self.parser.should_upgrade()
        ):
            method = self.parser.get_method()
            if method in (b"GET", b"HEAD"):
                keep_alive = (
                    self.parser.get_http_version() == "1.1" and self.parser.should_keep_alive()
                )
                request = EarlyRequest(
                    method,
                    self.url,
                    self.scheme or "http",
                    self.headers,
                    keep_alive,
                    SERVER_LINES.current(self.server_state),
                )
                answer = responder(request)
                if answer is not None:
                    self.answered = True
                    self._send(answer, keep_alive=keep_alive)
                    return
        super().on_headers_complete()

    def on_body(self, body: bytes) -> None:
        if not self.answered:
            super().on_body(body)

    def on_message_complete(self) -> None:
        if not self.answered:
            super().on_message_complete()

    def _send(self, answer: EarlyAnswer, *, keep_alive: bool) -> None:
        if not (answer.fd is not None and answer.length and self._send_file(answer)):
            body = answer.body
            if body is None:
                body = os.pread(answer.fd, answer.length, answer.offset)  # type: ignore[arg-type]
            self.transport.write(answer.head + body)
        if keep_alive:
            self.on_response_complete()
        else:
            self.server_state.total_requests += 1
            self.transport.close()

    def _send_file(self, answer: EarlyAnswer) -> bool:
        """Send the head and the file straight to the socket; False when it cannot."""
        transport = self.transport
        if self.scheme != "http" or transport.get_write_buffer_size():
            return False  # TLS, or bytes already waiting in the transport: keep the order
        sock = self.sock
        if sock is None:
            raw = transport.get_extra_info("socket")
            if raw is None or raw.family not in (socket.AF_INET, socket.AF_INET6):
                return False
            # A duplicate descriptor: closing it never closes the connection's own.
            sock = self.sock = socket.fromfd(raw.fileno(), raw.family, socket.SOCK_STREAM)
        head, fd, offset, size = answer.head, answer.fd, answer.offset, answer.length
        assert fd is not None
        try:
            sent = sock.send(head, socket.MSG_MORE)
            if sent < len(head):
                transport.write(head[sent:] + _file_bytes(answer, 0))
                return True
            try:
                sent = os.sendfile(sock.fileno(), fd, offset, size)
            except BlockingIOError:
                sent = 0
        except OSError:
            transport.abort()  # the client went away; uvicorn cleans up as for any lost connection
            return True
        if sent < size:
            transport.write(_file_bytes(answer, sent))  # the socket is full: the rest waits
        return True


def _file_bytes(answer: EarlyAnswer, start: int) -> bytes:
    if answer.body is not None:
        return answer.body[start:]
    return os.pread(answer.fd, answer.length - start, answer.offset + start)  # type: ignore[arg-type]


# --- the check --------------------------------------------------------------------------------


class _Transport(asyncio.Transport):
    """Enough of a transport for a protocol to be built and inspected."""

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return {"peername": ("127.0.0.1", 1), "sockname": ("127.0.0.1", 2)}.get(name, default)

    def is_closing(self) -> bool:
        return False

    def close(self) -> None:
        pass

    def get_write_buffer_size(self) -> int:
        return 0


def compat_check() -> None:
    """Raise :class:`CompatError` naming every attribute of uvicorn this module uses and lacks."""
    from uvicorn.config import Config
    from uvicorn.server import ServerState

    async def app(scope: Any, receive: Any, send: Any) -> None:
        pass

    missing = [
        f"HttpToolsProtocol.{name}"
        for name in PROTOCOL_METHODS
        if not callable(getattr(HttpToolsProtocol, name, None))
    ]
    state = ServerState()
    missing += [f"ServerState.{n}" for n in SERVER_STATE_ATTRIBUTES if not hasattr(state, n)]
    loop = asyncio.new_event_loop()
    try:
        config = Config(app, http=EarlyProtocol, ws="none", lifespan="off", log_config=None)
        protocol = EarlyProtocol(config, state, {}, loop)
        protocol.connection_made(_Transport())
        protocol.on_message_begin()  # the per-request state (url, headers) starts here
        missing += [
            f"HttpToolsProtocol().{n}" for n in PROTOCOL_ATTRIBUTES if not hasattr(protocol, n)
        ]
        parser = getattr(protocol, "parser", None)
        missing += [
            f"HttpToolsProtocol().parser.{n}"
            for n in PARSER_METHODS
            if not callable(getattr(parser, n, None))
        ]
        flow = getattr(protocol, "flow", None)
        missing += [f"FlowControl.{n}" for n in FLOW_ATTRIBUTES if not hasattr(flow, n)]
        protocol.connection_lost(None)
    except (TypeError, AttributeError) as error:
        missing.append(f"the protocol API itself ({error})")
    finally:
        loop.close()
    if missing:
        import uvicorn

        raise CompatError(
            f"uvicorn {uvicorn.__version__} lacks what newsdesk serve uses: {', '.join(missing)}."
            " Install a uvicorn version within the range pyproject.toml allows."
        )
