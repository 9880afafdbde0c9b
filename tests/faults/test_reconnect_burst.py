"""Thousands of reconnects in a burst against one server process: no error, no leak.

Readers connect and hang up in concurrent waves, as a page full of readers
does when a proxy restarts: some at the head, some resuming with ``?after=``
or ``Last-Event-ID`` (replayed from the log), half of them hanging up with a
reset (RST), half with a FIN. Every connection must be a 200 stream with the
right events; afterwards the process counts no readers and its resident
memory is back near where a warm-up burst left it (a leak check: per
connection state left behind would grow with the 3,000 connections).
"""

from __future__ import annotations

import asyncio
import random
from collections import Counter

import pytest

from conftest import run_coroutine, start_server

from .conftest import AsyncSse, metric, metrics_when_idle, rss_kib

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

EVENTS = 20
WAVE = 100  # connections open at once
WARM_UP = 600
BURST = 3000
# A leak check, not a measurement: 3,000 connections leaving even 2 KiB each
# behind would add about 6 MiB.
MARGIN_KIB = 4 * 1024
STEADY_KIB = 1024


async def _cycle(origin: str, path: str, rng: random.Random, outcomes: Counter) -> None:
    """One reader: connect (maybe resuming), read what it is owed, hang up."""
    start = rng.randrange(EVENTS + 1)
    how = rng.choice(["head", "after", "last-event-id"])
    if how == "head":
        stream = await AsyncSse.open(origin, path)
    elif how == "after":
        stream = await AsyncSse.open(origin, f"{path}?after={start}")
    else:
        stream = await AsyncSse.open(origin, path, {"Last-Event-ID": str(start)})
    try:
        outcomes[stream.status] += 1
        if stream.status != 200:
            return
        await stream.opened()
        if how != "head":
            ids = [int((await stream.next_event()).id or 0) for _ in range(EVENTS - start)]
            assert ids == list(range(start + 1, EVENTS + 1)), (how, start, ids)
        outcomes["complete"] += 1
    finally:
        stream.close(abort=rng.random() < 0.5)


async def _burst(origin: str, path: str, cycles: int, seed: int) -> Counter:
    rng = random.Random(seed)
    outcomes: Counter = Counter()
    for first in range(0, cycles, WAVE):
        size = min(WAVE, cycles - first)
        await asyncio.gather(*(_cycle(origin, path, rng, outcomes) for _ in range(size)))
    return outcomes


def test_thousands_of_reconnects_leave_no_error_and_no_leak(live_story, publish, record_property):
    for n in range(EVENTS):
        publish(live_story, f"Update {n}.")
    srv = start_server()
    path = live_story.get_events_url()
    try:

        async def scenario() -> tuple[Counter, int, Counter, int, int, str]:
            # Warm up until the process's memory stops growing: the allocator's
            # arenas and the code paths' lazy imports reach their working size.
            warm: Counter = Counter()
            baseline = rss_kib(srv.process.pid)
            for seed in range(1, 6):
                warm += await _burst(srv.url, path, WARM_UP, seed=seed)
                await metrics_when_idle(srv.url)
                previous, baseline = baseline, rss_kib(srv.process.pid)
                if baseline - previous < STEADY_KIB:
                    break
            burst = await _burst(srv.url, path, BURST, seed=100)
            metrics = await metrics_when_idle(srv.url)
            return warm, seed, burst, baseline, rss_kib(srv.process.pid), metrics

        warm, warm_ups, burst, baseline, after, metrics = run_coroutine(scenario())
    finally:
        srv.stop()

    record_property("rss_baseline_kib", baseline)
    record_property("rss_after_kib", after)
    assert warm == Counter({200: WARM_UP * warm_ups, "complete": WARM_UP * warm_ups})
    assert burst == Counter({200: BURST, "complete": BURST})
    assert metric(metrics, "newsdesk_stream_readers") == 0
    assert after - baseline < MARGIN_KIB, f"RSS {baseline} KiB -> {after} KiB"
    assert "Traceback" not in srv.output()
