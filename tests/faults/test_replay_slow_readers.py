"""Readers resuming from the start of a long story that never read: counted, bounded, dropped.

A story of 900 entries of about 2 KB; 300 connections ask for it from
``?after=0`` with a tiny receive buffer and never read a byte. Replay must
obey the same slow-reader rule as live fan-out: every such reader counts in
the readers gauge while it is held, the process's memory stays near its
baseline (the replay holds a shared page of frames and what the connection
buffers, never a batch of rows per reader), ``/metrics`` keeps answering,
and each reader is let go once its connection has stayed full for
``NEWSDESK_STREAM_STALL_SECONDS``. Run against both stream adapters.
"""

from __future__ import annotations

import socket
import time

import httpx
import pytest

from conftest import start_server

from .conftest import WAIT, metric, rss_kib

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

ENTRIES = 900
READERS = 300
BODY = ("A dispatch from the harbour summit, with quotes and figures. " * 33).strip()  # ~2 KB
# What 300 readers may add at most: each may hold what its connection buffers
# (64 KiB past the kernel) and the replay pages are shared. Holding the rows
# or frames of the whole story per reader (1.8 MB each) would add 500 MB.
MARGIN_KIB = 96 * 1024
STALL_SECONDS = "3"


def _metrics(origin: str) -> str:
    return httpx.get(f"{origin}/metrics", timeout=WAIT).text


def _open_silent(port: int, path: str) -> socket.socket:
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1024)
    sock.settimeout(WAIT)
    sock.connect(("127.0.0.1", port))
    sock.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
    return sock


@pytest.mark.parametrize("adapter", ["serve", "asgi"])
def test_replaying_readers_that_never_read_are_counted_bounded_and_dropped(
    adapter, live_story, publish, record_property
):
    for n in range(ENTRIES):
        publish(live_story, f"{n}. {BODY}")
    srv = start_server(env={"NEWSDESK_STREAM_STALL_SECONDS": STALL_SECONDS}, asgi=adapter == "asgi")
    path = f"{live_story.get_events_url()}?after=0"
    sockets: list[socket.socket] = []
    try:
        # Warm up: one reader that reads replays the whole story (code paths,
        # the shared replay pages), then leaves.
        with httpx.stream("GET", f"{srv.url}{path}", timeout=WAIT) as warm:
            seen = 0
            for line in warm.iter_lines():
                seen += line.startswith("id: ")
                if seen == ENTRIES:
                    break
        deadline = time.monotonic() + WAIT
        while metric(_metrics(srv.url), "newsdesk_stream_readers") != 0:
            assert time.monotonic() < deadline, "the warm-up reader was never let go"
            time.sleep(0.05)
        baseline = rss_kib(srv.process.pid)

        sockets = [_open_silent(srv.port, path) for _ in range(READERS)]
        peak = baseline
        counted_all = False
        deadline = time.monotonic() + 4 * WAIT
        while True:
            text = _metrics(srv.url)  # answers while every reader is held
            peak = max(peak, rss_kib(srv.process.pid))
            readers = metric(text, "newsdesk_stream_readers")
            dropped = metric(text, "newsdesk_slow_readers_dropped_total")
            # Every silent reader is either held (and counted) or let go as slow.
            counted_all = counted_all or readers + dropped == READERS
            if dropped == READERS and readers == 0:
                break
            assert time.monotonic() < deadline, f"readers {readers}, dropped {dropped}"
            time.sleep(0.1)
    finally:
        for sock in sockets:
            sock.close()
        srv.stop()

    record_property("rss_baseline_kib", baseline)
    record_property("rss_peak_kib", peak)
    assert counted_all
    assert peak - baseline < MARGIN_KIB, f"RSS {baseline} KiB -> {peak} KiB"
    assert "Traceback" not in srv.output()
