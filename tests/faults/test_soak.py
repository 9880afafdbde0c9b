"""A bounded soak: publishing through the API while readers join, drop and leave at random.

For ``NEWSDESK_SOAK_SECONDS`` (20 in ``make test``; ``make soak`` runs it for
five minutes) a script publishes entries through the API of a real server
process, and readers come and go: each joins at the sequence number of the
page it "loaded" (``?after=``), now and then loses its connection (a reset
or a clean hang-up) and comes back after a pause with ``Last-Event-ID``, and
leaves after a number of events of its own choosing. At the end every
reader's record must be exactly the log between its join and its leave
point: nothing missing, nothing twice, nothing out of order.
"""

from __future__ import annotations

import asyncio
import os
import random

import httpx
import pytest

from conftest import run_coroutine, start_server

from .conftest import (
    WAIT,
    ResumingReader,
    StreamClosed,
    as_log,
    metrics_when_idle,
    publish_async,
    story_log,
    wait_until,
)

SOAK_SECONDS = float(os.environ.get("NEWSDESK_SOAK_SECONDS", "20"))
READERS = 25  # readers connected at any moment, give or take
DROP_CHANCE = 0.05  # per event received
STAY_CHANCE = 0.2  # readers that stay until the end...
STAYERS = 5  # ...up to this many, so that readers keep coming and going

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.slow,
    pytest.mark.timeout(SOAK_SECONDS + 120),
]


class SoakReader(ResumingReader):
    """A reader with a plan: leave after event ``leave_at`` (None: stay until the end)."""

    leave_at: int | None = None
    hang_ups: int = 0

    async def live(self, rng: random.Random) -> None:
        while self.leave_at is None or self.last < self.leave_at:
            stream = self.stream or await self.connect()
            try:
                event = await stream.next_event()
            except StreamClosed:
                self.drops += 1
                self.stream = None
                continue
            self.record(event)
            if rng.random() < DROP_CHANCE:
                self.hang_up(abort=rng.random() < 0.5)
                self.hang_ups += 1
                await asyncio.sleep(rng.uniform(0, 0.5))
        self.hang_up()


def test_every_reader_sees_exactly_the_published_sequence_of_its_window(
    live_story, editor, token_for, record_property
):
    srv = start_server()
    token = token_for(editor)
    path = live_story.get_events_url()
    rng = random.Random(int(os.environ.get("NEWSDESK_SOAK_SEED", "7")))
    readers: list[SoakReader] = []

    async def soak() -> int:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + SOAK_SECONDS
        published = 0
        tasks: list[asyncio.Task[None]] = []

        async def publisher() -> None:
            nonlocal published
            async with httpx.AsyncClient(base_url=srv.url, timeout=WAIT) as client:
                while loop.time() < deadline:
                    await publish_async(client, token, live_story.pk, f"Update {published + 1}.")
                    published += 1
                    await asyncio.sleep(rng.uniform(0.02, 0.25))

        publishing = asyncio.create_task(publisher())
        while loop.time() < deadline:
            if sum(not task.done() for task in tasks) < READERS:
                reader = SoakReader([srv.url], path, after=published, name=f"reader {len(readers)}")
                stayers = sum(r.leave_at is None for r in readers)
                if stayers >= STAYERS or rng.random() >= STAY_CHANCE:
                    reader.leave_at = published + rng.randint(1, 60)
                readers.append(reader)
                tasks.append(asyncio.create_task(reader.live(random.Random(rng.random()))))
            for task in tasks:
                if task.done():
                    task.result()  # a reader's failure fails the soak at once
            await asyncio.sleep(rng.uniform(0.01, 0.2))
        await publishing

        final = published
        for reader in readers:
            if reader.leave_at is None or reader.leave_at > final:
                reader.leave_at = final
        # Readers already at their (new) leave point may be waiting for an event.
        await wait_until(
            lambda: all(r.last >= (r.leave_at or 0) for r in readers),
            "every reader to reach its leave point",
        )
        for task in tasks:
            task.cancel()
        results = await asyncio.gather(*tasks, return_exceptions=True)
        errors = [r for r in results if not isinstance(r, asyncio.CancelledError | type(None))]
        assert errors == []
        for reader in readers:
            reader.hang_up()
        await metrics_when_idle(srv.url)
        return final

    try:
        final = run_coroutine(soak())
    finally:
        srv.stop()

    log = story_log(live_story.pk)
    assert [seq for seq, _, _ in log] == list(range(1, final + 1))
    for reader in readers:
        # The log between the reader's join point and its leave point, exactly.
        assert as_log(reader.events) == log[reader.after : reader.leave_at], reader.name
        assert set(reader.statuses) == {200}
    reconnects = sum(r.connections - 1 for r in readers)
    # Figures for the JUnit report (--junitxml): what the soak went through.
    record_property("seconds", SOAK_SECONDS)
    record_property("events_published", final)
    record_property("readers", len(readers))
    record_property("reconnects", reconnects)
    record_property("events_received", sum(len(r.ids) for r in readers))
    assert final > 0 and len(readers) > READERS and reconnects > 0
    assert "Traceback" not in srv.output()
