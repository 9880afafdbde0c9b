"""newsdesk serve's listener: one header timeout for every connection and every request."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from typing import Any

import pytest

from conftest import Server, start_server

WAIT = 30.0  # a hang guard, not a threshold


@pytest.fixture
def quick_server(transactional_db: Any) -> Iterator[Server]:
    srv = start_server(env={"NEWSDESK_HEADER_TIMEOUT_SECONDS": "1"})
    try:
        yield srv
    finally:
        srv.stop()


def _closed_while_dribbling(sock: socket.socket) -> bool:
    """Send a header line every 0.2 s until the server closes the connection (or WAIT)."""
    sock.settimeout(0.2)
    deadline = time.monotonic() + WAIT
    n = 0
    while time.monotonic() < deadline:
        try:
            sock.sendall(b"X-Dribble-%d: a\r\n" % n)
            n += 1
            if sock.recv(65536) == b"":
                return True
        except TimeoutError:
            continue
        except (ConnectionResetError, BrokenPipeError):
            return True
    return False


@pytest.mark.parametrize(
    "first_line",
    [b"GET / HTTP/1.1\r\n", b"GET /stories/1/events HTTP/1.1\r\n", b"POST /api/x HTTP/1.1\r\n"],
)
def test_a_first_request_head_sent_a_line_at_a_time_is_cut_off(quick_server, first_line):
    with socket.create_connection(("127.0.0.1", quick_server.port), timeout=WAIT) as sock:
        sock.sendall(first_line)
        assert _closed_while_dribbling(sock)


def test_a_later_request_head_on_a_kept_alive_connection_is_cut_off_too(quick_server):
    with socket.create_connection(("127.0.0.1", quick_server.port), timeout=WAIT) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n")
        answer = b""
        while not answer.endswith(b"ok"):
            answer += sock.recv(65536)
        assert answer.startswith(b"HTTP/1.1 200")
        sock.sendall(b"GET / HTTP/1.1\r\n")
        assert _closed_while_dribbling(sock)


def test_a_head_sent_in_time_is_answered(quick_server):
    with socket.create_connection(("127.0.0.1", quick_server.port), timeout=WAIT) as sock:
        for part in (b"GET /healthz HTTP/1.1\r\n", b"Host: t\r\n", b"\r\n"):
            sock.sendall(part)
        assert sock.recv(65536).startswith(b"HTTP/1.1 200")
