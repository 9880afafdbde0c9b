"""Appending to and reading from the story event log."""

from __future__ import annotations

from typing import Any

from django.db import connection, transaction

from newsdesk.newsroom.models import Story

from .models import StoryEvent


def event_append(*, story: Story, kind: str, data: dict[str, Any]) -> StoryEvent:
    """Append an event to the story's log inside the caller's transaction.

    The sequence number comes from one atomic ``UPDATE ... RETURNING`` on the
    story row: the row lock serialises concurrent publishers on PostgreSQL, and
    SQLite runs one writer at a time (``transaction_mode=IMMEDIATE``), so the
    numbers are strictly increasing without gaps. The broker hears of the
    event only after the transaction commits.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("event_append must run inside transaction.atomic()")
    seq = _next_seq(story.pk)
    story.last_seq = seq
    event = StoryEvent.objects.create(story_id=story.pk, seq=seq, kind=kind, data=data)
    transaction.on_commit(lambda: _announce(event))
    return event


def _next_seq(story_id: int) -> int:
    table = Story._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f'UPDATE "{table}" SET "last_seq" = "last_seq" + 1 WHERE "id" = %s RETURNING "last_seq"',
            [story_id],
        )
        row = cursor.fetchone()
    if row is None:
        raise Story.DoesNotExist(f"story {story_id} does not exist")
    return int(row[0])


def _announce(event: StoryEvent) -> None:
    from .brokers import broker_publish

    broker_publish(event_as_message(event))


def event_as_message(event: StoryEvent) -> dict[str, Any]:
    """The event as the broker carries it and the delta returns it."""
    return {
        "story": event.story_id,
        "seq": event.seq,
        "kind": event.kind,
        "data": event.data,
        "at": event.created_at.isoformat(),
    }


def events_after(*, story_id: int, after: int, limit: int = 1000) -> list[dict[str, Any]]:
    """Events of a story with ``seq > after``, oldest first, at most ``limit``."""
    rows = (
        StoryEvent.objects.filter(story_id=story_id, seq__gt=after)
        .order_by("seq")
        .only("story_id", "seq", "kind", "data", "created_at")[:limit]
    )
    return [event_as_message(row) for row in rows]


def story_head(*, story_id: int) -> int | None:
    """The story's last sequence number, or None when the story does not exist."""
    return Story.objects.filter(pk=story_id).values_list("last_seq", flat=True).first()


def story_visible_head(*, story_id: int) -> int | None:
    """The story's last sequence number, or None when readers cannot see it."""
    return (
        Story.objects.filter(pk=story_id, status__in=Story.VISIBLE_STATUSES)
        .values_list("last_seq", flat=True)
        .first()
    )


def story_heads(*, story_ids: list[int]) -> dict[int, tuple[int, bool]]:
    """``(last sequence number, visible to readers)`` of each existing story in ``story_ids``."""
    rows = Story.objects.filter(pk__in=story_ids).values_list("pk", "last_seq", "status")
    return {pk: (seq, status in Story.VISIBLE_STATUSES) for pk, seq, status in rows}
