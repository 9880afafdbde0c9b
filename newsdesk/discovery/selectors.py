"""Every read of discovery: Ranking, Related, Recommended for you."""

from __future__ import annotations

import datetime
import math
import time
from dataclasses import dataclass, field

from django.db.models import QuerySet

from newsdesk import conf
from newsdesk.engagement.models import ReaderRead
from newsdesk.newsroom.models import Section, Story
from newsdesk.newsroom.selectors import section_descendant_ids

from . import recommend
from .models import RelatedStory, StoryRank

HISTORY_RECENT = 50
COREADERS_MAX = 500
COREAD_ROWS_MAX = 5000
POPULAR_POOL = 50


def _visible() -> QuerySet[Story]:
    return Story.objects.filter(status__in=Story.VISIBLE_STATUSES).select_related("section")


def stories_most_read(
    *, section: Section | None = None, limit: int | None = None, exclude: list[int] | None = None
) -> list[Story]:
    """Ranking: visible stories by decayed unique human reads; a section includes its sub-sections."""
    limit = limit or conf.get_int("RELATED_COUNT")
    qs = StoryRank.objects.filter(story__status__in=Story.VISIBLE_STATUSES)
    if section is not None:
        qs = qs.filter(story__section_id__in=section_descendant_ids(section=section))
    if exclude:
        qs = qs.exclude(story_id__in=exclude)
    ranks = qs.select_related("story__section").order_by("-log_score", "-story_id")[:limit]
    return [rank.story for rank in ranks]


def stories_related(*, story: Story, limit: int | None = None) -> list[Story]:
    """Related: the stored neighbours of the story that readers can still see."""
    limit = limit or conf.get_int("RELATED_COUNT")
    links = (
        RelatedStory.objects.filter(story_id=story.pk, related__status__in=Story.VISIBLE_STATUSES)
        .exclude(related_id=story.pk)
        .select_related("related__section")
        .order_by("position")[:limit]
    )
    return [link.related for link in links]


@dataclass
class Recommended:
    """Recommended for you: the stories, why, and whether they are personal."""

    items: list[tuple[Story, Story | None]] = field(default_factory=list)
    personal: bool = False
    history_off: bool = False
    read_count: int = 0


def _popular_pool(exclude: set[int]) -> dict[int, float]:
    rows = list(
        StoryRank.objects.filter(story__status__in=Story.VISIBLE_STATUSES)
        .exclude(story_id__in=exclude)
        .order_by("-log_score")
        .values_list("story_id", "log_score")[:POPULAR_POOL]
    )
    if not rows:
        return {}
    top = rows[0][1]
    return {story_id: math.exp(score - top) for story_id, score in rows}


def recommended_for(
    *,
    reader: str | None,
    story: Story | None = None,
    history_on: bool = True,
    limit: int | None = None,
    now: float | None = None,
) -> Recommended:
    """Recommended for you from the reader's recent reads; Ranking for a new reader.

    Never a story the reader already read, nor the story being read. A bounded
    number of queries whatever the history's length.
    """
    limit = limit or conf.get_int("RELATED_COUNT")
    now = time.time() if now is None else now
    exclude = {story.pk} if story is not None else set()
    reads: list[tuple[int, float]] = []
    if reader and history_on:
        reads = [
            (story_id, at.timestamp())
            for story_id, at in ReaderRead.objects.filter(reader=reader)
            .order_by("-read_at")
            .values_list("story_id", "read_at")[:HISTORY_RECENT]
        ]
    result = Recommended(history_off=not history_on, read_count=len({s for s, _ in reads}))
    read_ids = {story_id for story_id, _ in reads}
    if not reads:
        result.items = [(s, None) for s in stories_most_read(limit=limit, exclude=list(exclude))]
        return result
    weights = recommend.read_weights(reads, now=now)
    content: dict[int, list[tuple[int, float]]] = {}
    for story_id, related_id, sim in RelatedStory.objects.filter(story_id__in=read_ids).values_list(
        "story_id", "related_id", "similarity"
    ):
        content.setdefault(story_id, []).append((related_id, sim))
    coread = _coread(reader=reader or "", read_ids=read_ids, now=now)
    popularity = _popular_pool(exclude | read_ids)
    # Ask for spares: some candidates may have been unpublished since.
    scored = recommend.recommendations_score(
        weights=weights,
        content=content,
        coread=coread,
        popularity=popularity,
        exclude=exclude,
        limit=limit * 2,
    )
    wanted = {r.story_id for r in scored} | {r.because_id for r in scored if r.because_id}
    by_id = {s.pk: s for s in _visible().filter(pk__in=wanted)}
    for rec in scored:
        candidate = by_id.get(rec.story_id)
        if candidate is None or candidate.pk in read_ids:
            continue
        because = by_id.get(rec.because_id) if rec.because_id else None
        result.items.append((candidate, because))
        if len(result.items) == limit:
            break
    result.personal = True
    return result


def _coread(*, reader: str, read_ids: set[int], now: float) -> dict[int, list[tuple[int, float]]]:
    """Per read story X, the other stories its other recent readers read, with counts."""
    since = datetime.datetime.fromtimestamp(now, tz=datetime.UTC) - datetime.timedelta(
        days=conf.get_int("HISTORY_DAYS")
    )
    coreaders = (
        ReaderRead.objects.filter(story_id__in=read_ids, read_at__gte=since)
        .exclude(reader=reader)
        .values("reader")
        .distinct()[:COREADERS_MAX]
    )
    rows = ReaderRead.objects.filter(reader__in=coreaders, read_at__gte=since).values_list(
        "reader", "story_id"
    )[:COREAD_ROWS_MAX]
    shelves: dict[str, set[int]] = {}
    for who, story_id in rows:
        shelves.setdefault(who, set()).add(story_id)
    return recommend.coread_counts(shelves.values(), read_ids)
