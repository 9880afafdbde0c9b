"""A server process killed mid-stream: its readers resume on another process, losing nothing.

Two ``newsdesk serve`` processes share the test database. Readers hold
streams on the first; entries are published through the second the whole
time; the first is killed with SIGKILL (no graceful shutdown, no goodbye).
The readers' connections break, they reconnect to the survivor with
``Last-Event-ID`` and must end up with the story's log exactly: every event
once, in order. With Redis the processes share the live feed through it;
without, each process's hub finds the other's events by polling the log.
"""

from __future__ import annotations

import asyncio
import os
import signal

import httpx
import pytest

from conftest import run_coroutine, start_server

from .conftest import WAIT, ResumingReader, as_log, publish_async, story_log, wait_until

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

READERS = 8
KILL_AFTER = 10  # events every reader has before the kill
PUBLISHED_AFTER_KILL = 20


@pytest.fixture(params=["log-poll", "redis"])
def two_processes(request):
    """Two server processes on the same database, sharing Redis or polling the log."""
    env = {"NEWSDESK_LOG_POLL_SECONDS": "1"}
    if request.param == "redis":
        redis = request.getfixturevalue("redis_server")
        # A poll far longer than the test: live events must come through Redis.
        env = {"NEWSDESK_REDIS_URL": redis.url, "NEWSDESK_LOG_POLL_SECONDS": "3600"}
    servers = [start_server(env=env), start_server(env=env)]
    try:
        yield servers
    finally:
        for srv in servers:
            srv.stop()


def test_readers_of_a_killed_process_resume_on_another_without_loss(
    two_processes, live_story, editor, token_for
):
    doomed, survivor = two_processes
    token = token_for(editor)
    path = live_story.get_events_url()
    readers = [
        ResumingReader([doomed.url, survivor.url], path, after=0, name=f"reader {n}")
        for n in range(READERS)
    ]

    async def scenario() -> dict[str, int]:
        for reader in readers:
            await (await reader.connect()).opened()
        tasks = [asyncio.create_task(reader.follow()) for reader in readers]
        published = {"before kill": 0, "after kill": 0}
        killed = asyncio.Event()

        async def publisher() -> None:
            async with httpx.AsyncClient(base_url=survivor.url, timeout=WAIT) as client:
                while published["after kill"] < PUBLISHED_AFTER_KILL:
                    n = sum(published.values())
                    await publish_async(client, token, live_story.pk, f"Update {n}.")
                    published["after kill" if killed.is_set() else "before kill"] += 1
                    await asyncio.sleep(0.02)

        publishing = asyncio.create_task(publisher())
        await wait_until(
            lambda: all(len(r.ids) >= KILL_AFTER for r in readers), "readers to get going"
        )
        os.kill(doomed.process.pid, signal.SIGKILL)
        killed.set()
        await publishing
        total = sum(published.values())
        await wait_until(
            lambda: all(r.last >= total for r in readers), "every reader to catch up", WAIT * 2
        )
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        for reader in readers:
            reader.hang_up()
        return published

    published = run_coroutine(scenario())

    assert doomed.process.wait(timeout=10) == -signal.SIGKILL
    log = story_log(live_story.pk)
    assert [seq for seq, _, _ in log] == list(range(1, sum(published.values()) + 1))
    for reader in readers:
        assert as_log(reader.events) == log, reader.name
        # Cut off by the kill, then served by the survivor.
        assert reader.drops >= 1 and reader.connections >= 2, reader.name
        assert set(reader.statuses) == {200}
    assert "Traceback" not in survivor.output()
