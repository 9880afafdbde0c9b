"""Reads the reader pages need beyond the newsroom's shared selectors."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db.models import Max

from newsdesk.newsroom.models import Entry, Story


def entry_id_at(*, story: Story, position: int) -> int | None:
    """The id of the visible entry at ``position`` in the stream (0 is the newest)."""
    if position < 0:
        return None
    ids = (
        Entry.objects.visible()
        .filter(story=story)
        .order_by("-published_at", "-pk")
        .values_list("pk", flat=True)[position : position + 1]
    )
    return next(iter(ids), None)


def entry_latest_times(*, stories: Iterable[Story]) -> dict[int, datetime.datetime]:
    """The time of each story's newest visible entry, in one query."""
    ids = [story.pk for story in stories]
    if not ids:
        return {}
    rows = (
        Entry.objects.visible()
        .filter(story_id__in=ids)
        .values("story_id")
        .annotate(latest=Max("published_at"))
        .values_list("story_id", "latest")
    )
    return dict(rows)


def story_heads(*, story_ids: Iterable[int]) -> dict[int, int]:
    """The event-log head (``last_seq``) of each story readers may see, in one query."""
    return dict(
        Story.objects.filter(pk__in=list(story_ids), status__in=Story.VISIBLE_STATUSES).values_list(
            "pk", "last_seq"
        )
    )
