"""A reader that stops reading is let go; the others keep getting everything."""

from __future__ import annotations

import threading

import pytest

from conftest import start_server

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

# Enough bytes (about 12 MB) to fill the kernel's socket buffers on both sides
# (the server's send buffer grows to 4 MB) and then the stream's own limit
# (64 KiB waiting in the server).
ENTRIES = 300
BODY = ("Paragraph of a long dispatch from the harbour summit. " * 340).strip()


@pytest.mark.parametrize("adapter", ["serve", "asgi"])
def test_slow_reader_is_dropped_while_others_get_every_event(
    adapter, live_story, publish, sse_open
):
    srv = start_server(env={"NEWSDESK_STREAM_BUFFER_BYTES": "65536"}, asgi=adapter == "asgi")
    try:
        url = live_story.get_events_url()
        slow = sse_open(srv.url, url, receive_buffer=4096)
        readers = [sse_open(srv.url, url) for _ in range(2)]
        for client in [slow, *readers]:
            client.wait_for(lambda events, c=client: c.comments >= 1, what="the opening comment")
        results: dict[int, list[str]] = {}

        def read(index: int) -> None:
            events = readers[index].wait_for_count(ENTRIES)
            results[index] = [e.id for e in events]

        threads = [threading.Thread(target=read, args=(i,)) for i in range(len(readers))]
        for thread in threads:
            thread.start()
        # Published from this process: the server finds them in the log (its
        # poll), in bursts, as a busy newsroom would produce them.
        for n in range(ENTRIES):
            publish(live_story, f"{n}. {BODY}")
        for thread in threads:
            thread.join()

        expected = [str(n) for n in range(1, ENTRIES + 1)]
        assert results == {0: expected, 1: expected}
        # Only now does the slow reader read: it finds the server let it go
        # part-way (a reset or an end), never the whole backlog.
        try:
            slow.read_to_end()
        except ConnectionResetError:
            slow.ended = True
        assert slow.ended
        assert not slow.finished  # dropped, not a clean end of the stream
        assert len(slow.events) < ENTRIES
    finally:
        srv.stop()
