"""Every write of engagement: reactions, counted reads, reading history."""

from __future__ import annotations

import datetime
import logging
import time
from collections import defaultdict
from collections.abc import Iterable

from django.core.cache import caches
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from newsdesk import conf
from newsdesk.newsroom.errors import NotFound, ValidationError
from newsdesk.newsroom.models import Story

from . import counting
from .buffer import Read, read_buffer, reads_waiting
from .errors import RateLimited
from .models import Reaction, ReaderRead, StoryReads
from .reactions import reaction_kinds
from .selectors import reaction_counts

logger = logging.getLogger(__name__)

MINUTE = 60


# --- reactions ------------------------------------------------------------------------


def reaction_rate_check(*, reader: str, ip: str, now: float | None = None) -> None:
    """Refuse a reaction change beyond the per-reader or per-IP rate (per minute), or from a
    reader id beyond the first ``NEWSDESK_REACTION_IP_READERS`` its address showed this hour."""
    cache = caches["counters"]
    now = time.time() if now is None else now
    limit = conf.get_int("REACTION_IP_READERS")
    if not counting.reader_admitted(cache, scope="rx", ip=ip, reader=reader, now=now, limit=limit):
        raise RateLimited(
            "Too many readers have reacted from your network in the last hour; try again later."
        )
    minute = int(now // MINUTE)
    per_reader = counting.counter_incr(cache, f"rx:rate:r:{reader}:{minute}", 2 * MINUTE)
    per_ip = counting.counter_incr(cache, f"rx:rate:ip:{ip}:{minute}", 2 * MINUTE)
    if per_reader > conf.get_int("REACTION_READER_RATE") or per_ip > conf.get_int(
        "REACTION_IP_RATE"
    ):
        raise RateLimited("Too many reactions in a short time; wait a minute and try again.")


def reaction_set(*, story: Story, reader: str, kind: str | None) -> dict[str, int]:
    """Set, change or (with an empty ``kind``) remove the reader's reaction; return the counts."""
    if not story.is_visible:
        raise NotFound("There is no such story.")
    if kind is None:
        kind = ""
    if not isinstance(kind, str):
        raise ValidationError("The reaction must be text.", field="kind")
    kind = kind.strip()
    known = dict(reaction_kinds())
    if kind and kind not in known:
        names = ", ".join(known)
        raise ValidationError(f"Unknown reaction {kind!r}: use one of {names}.", field="kind")
    now = timezone.now()
    with transaction.atomic():
        if not kind:
            changed = Reaction.objects.filter(story=story, reader=reader).delete()[0] > 0
        else:
            updated = Reaction.objects.filter(story=story, reader=reader).exclude(kind=kind)
            changed = updated.update(kind=kind, updated_at=now) > 0
            if not changed and not Reaction.objects.filter(story=story, reader=reader).exists():
                Reaction.objects.create(
                    story=story, reader=reader, kind=kind, created_at=now, updated_at=now
                )
                changed = True
        counts = reaction_counts(story_id=story.pk)
        if changed:
            transaction.on_commit(lambda: _push(story.pk, counts))
    return counts


def _push(story_id: int, counts: dict[str, int]) -> None:
    from .push import reactions_push

    reactions_push(story_id=story_id, counts=counts)


# --- reads ------------------------------------------------------------------------------


def read_record(
    *,
    story_id: int,
    reader: str,
    ip: str,
    user_agent: str,
    history: bool = True,
    now: float | None = None,
) -> str:
    """Count one read if it is a human's first in the window; buffer it, never write it.

    Returns ``counting.COUNTED`` or why the read was not counted. With
    ``history`` off (Do-Not-Track), the read counts but is not kept against the
    reader.
    """
    now = time.time() if now is None else now
    verdict = counting.read_check(
        cache=caches["counters"],
        story_id=story_id,
        reader=reader,
        ip=ip,
        user_agent=user_agent,
        now=now,
        limits=counting.ReadLimits.from_settings(),
    )
    if verdict == counting.COUNTED:
        waiting = read_buffer().add((story_id, reader if history else "", now))
        if waiting >= conf.get_int("VIEWS_FLUSH_THRESHOLD"):
            reads_waiting.send(sender=Read, count=waiting)
    return verdict


def reads_flush() -> int:
    """Write every buffered read in one batch; return how many were written."""
    reads = read_buffer().drain()
    if not reads:
        return 0
    try:
        return reads_apply(reads)
    except Exception:
        # Put the batch back so a database outage loses no reads.
        buffer = read_buffer()
        for read in reads:
            buffer.add(read)
        raise


def reads_apply(reads: Iterable[Read]) -> int:
    """Add reads to the counts, the reading history and the decayed ranking scores."""
    from newsdesk.discovery.services import rank_add

    by_story: dict[int, list[float]] = defaultdict(list)
    history: list[tuple[str, int, float]] = []
    for story_id, reader, at in reads:
        by_story[int(story_id)].append(float(at))
        if reader:
            history.append((reader, int(story_id), float(at)))
    existing = set(
        Story.objects.filter(pk__in=by_story, status__in=Story.VISIBLE_STATUSES).values_list(
            "pk", flat=True
        )
    )
    total = 0
    with transaction.atomic():
        for story_id in sorted(existing):
            times = by_story[story_id]
            last = datetime.datetime.fromtimestamp(max(times), tz=datetime.UTC)
            updated = StoryReads.objects.filter(story_id=story_id).update(
                reads=F("reads") + len(times), last_read_at=last
            )
            if not updated:
                StoryReads.objects.create(story_id=story_id, reads=len(times), last_read_at=last)
            rank_add(story_id=story_id, reads_at=times)
            total += len(times)
        ReaderRead.objects.bulk_create(
            [
                ReaderRead(
                    reader=reader,
                    story_id=story_id,
                    read_at=datetime.datetime.fromtimestamp(at, tz=datetime.UTC),
                )
                for reader, story_id, at in history
                if story_id in existing
            ],
            batch_size=500,
        )
        cutoff = timezone.now() - datetime.timedelta(days=conf.get_int("HISTORY_DAYS"))
        ReaderRead.objects.filter(read_at__lt=cutoff).delete()
    return total


def reader_history_clear(*, reader: str) -> int:
    """Forget the reader's reading history; return how many reads were removed."""
    # Reads still waiting in the buffer stay counted but lose this reader's id.
    buffer = read_buffer()
    for story_id, who, at in buffer.drain():
        buffer.add((story_id, "" if who == reader else who, at))
    return ReaderRead.objects.filter(reader=reader).delete()[0]
