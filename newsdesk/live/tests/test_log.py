"""The story event log: gapless per-story sequence numbers, also under concurrency."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.db import connection

from newsdesk.live import kinds
from newsdesk.live.log import events_after, story_head
from newsdesk.live.models import StoryEvent

ROOT = Path(__file__).resolve().parents[3]


def _seqs(story) -> list[int]:
    return list(
        StoryEvent.objects.filter(story=story).order_by("seq").values_list("seq", flat=True)
    )


@pytest.mark.django_db(transaction=True)
def test_threads_publishing_at_once_get_seqs_one_to_n_without_gap_or_duplicate(live_story, editor):
    from newsdesk.newsroom.services import entry_publish

    threads_count, per_thread = 8, 6
    errors: list[BaseException] = []
    start = threading.Barrier(threads_count)

    def work(n: int) -> None:
        try:
            start.wait()
            for i in range(per_thread):
                entry_publish(story=live_story, author=editor, body=f"Thread {n} entry {i}.")
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    total = threads_count * per_thread
    assert errors == []
    assert _seqs(live_story) == list(range(1, total + 1))
    assert story_head(story_id=live_story.pk) == total


@pytest.mark.django_db(transaction=True)
@pytest.mark.slow
def test_processes_publishing_at_once_get_seqs_one_to_n(live_story, editor):
    from conftest import database_url_for_tests

    script = (
        "import django, sys; django.setup()\n"
        "from django.contrib.auth import get_user_model\n"
        "from newsdesk.newsroom.models import Story\n"
        "from newsdesk.newsroom.services import entry_publish\n"
        f"story = Story.objects.get(pk={live_story.pk})\n"
        f"author = get_user_model().objects.get(pk={editor.pk})\n"
        "for i in range(10):\n"
        "    entry_publish(story=story, author=author, body=f'{sys.argv[1]} {i}')\n"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "newsdesk.config.settings",
        "NEWSDESK_DATABASE_URL": database_url_for_tests(),
    }
    processes = [
        subprocess.Popen([sys.executable, "-c", script, f"p{n}"], env=env, cwd=ROOT)
        for n in range(4)
    ]
    assert [p.wait(timeout=120) for p in processes] == [0, 0, 0, 0]

    assert _seqs(live_story) == list(range(1, 41))


@pytest.mark.django_db
def test_every_reader_visible_change_appends_one_event_in_order(live_story, editor, publish):
    from newsdesk.newsroom.services import (
        entry_correct,
        entry_delete,
        entry_pin,
        key_points_replace,
        story_set_status,
        story_update,
    )

    entry = publish(live_story, "First.")
    entry_correct(entry=entry, actor=editor, body="First, corrected.", version=entry.version)
    entry_pin(entry=entry, actor=editor)
    entry_pin(entry=entry, actor=editor, pinned=False)
    key_points_replace(story=live_story, actor=editor, points=["One", "Two"])
    story_update(story=live_story, actor=editor, headline="Live updates: Summit ends")
    story_set_status(story=live_story, actor=editor, status="ended")
    entry_delete(entry=entry, actor=editor)

    events = events_after(story_id=live_story.pk, after=0)
    assert [e["kind"] for e in events] == [
        kinds.ENTRY_PUBLISHED,
        kinds.ENTRY_CORRECTED,
        kinds.ENTRY_PINNED,
        kinds.ENTRY_UNPINNED,
        kinds.KEY_POINTS_CHANGED,
        kinds.STORY_CHANGED,
        kinds.STATUS_CHANGED,
        kinds.ENTRY_DELETED,
    ]
    assert [e["seq"] for e in events] == list(range(1, 9))
    assert "corrected" in events[1]["data"]["html"]
    assert events[6]["data"]["status"] == "ended"
