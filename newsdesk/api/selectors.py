"""Reads the API needs beyond the newsroom's own selectors: visibility per caller, keyset pages."""

from __future__ import annotations

import base64
import binascii
import datetime
import json
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce

from newsdesk.engagement.selectors import reaction_counts
from newsdesk.newsroom.models import Section, Story
from newsdesk.newsroom.permissions import journalist_of
from newsdesk.newsroom.selectors import section_descendant_ids

from .schemas import MAX_ID

User = get_user_model()


class BadCursor(ValueError):
    """A cursor this API did not hand out."""


def _stories() -> QuerySet[Story]:
    return Story.objects.select_related("section").prefetch_related(
        Prefetch(
            "authors",
            queryset=User.objects.select_related("journalist").order_by("pk"),
            to_attr="author_list",
        )
    )


def _visible_to(qs: QuerySet[Story], user: Any) -> QuerySet[Story]:
    journalist = journalist_of(user)
    if journalist is not None and journalist.is_editor:
        return qs
    visible = Q(status__in=Story.VISIBLE_STATUSES)
    if journalist is not None:
        visible |= Q(assignees=user)
    # distinct(): the join through assignees could repeat a story.
    return qs.filter(visible).distinct() if journalist is not None else qs.filter(visible)


def story_get_for(*, user: Any, story_id: int, authors: bool = True) -> Story | None:
    """The story if this caller may read it: readers see published stories, the newsroom its drafts.

    ``authors=False`` skips loading the bylines, for calls that only write entries.
    """
    if not 0 < story_id <= MAX_ID:
        return None
    stories = _stories() if authors else Story.objects.select_related("section")
    return _visible_to(stories, user).filter(pk=story_id).first()


def section_resolve(*, ref: str) -> Section | None:
    """A section by path (``world/asia``) or by slug when the slug is unambiguous."""
    ref = ref.strip().strip("/")
    if not ref or "\x00" in ref or len(ref) > 400:
        return None
    section = Section.objects.filter(path=ref).first()
    if section is not None or "/" in ref:
        return section
    matches = list(Section.objects.filter(slug=ref)[:2])
    return matches[0] if len(matches) == 1 else None


def _cursor_encode(sort_at: datetime.datetime, pk: int) -> str:
    raw = json.dumps([sort_at.isoformat(), pk], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _cursor_decode(cursor: str) -> tuple[datetime.datetime, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        sort_at, pk = json.loads(raw)
        when = datetime.datetime.fromisoformat(sort_at)
    except (binascii.Error, ValueError, TypeError) as error:
        raise BadCursor(cursor) from error
    if not isinstance(pk, int) or isinstance(pk, bool) or not 0 < pk <= MAX_ID:
        raise BadCursor(cursor)
    if when.tzinfo is None:
        raise BadCursor(cursor)
    return when, pk


def story_page_for(
    *,
    user: Any,
    section: Section | None = None,
    status: str | None = None,
    cursor: str | None = None,
    limit: int = 20,
) -> tuple[list[Story], str | None]:
    """One page of the stories this caller may read, newest first, and the next page's cursor.

    Stories are ordered by publication time (creation time for drafts, which
    have none), then id; the cursor is that pair for the last story of the
    page, so paging is stable while new stories appear at the top.

    Raises ``BadCursor`` for a cursor this API did not hand out.
    """
    qs = _visible_to(_stories(), user).annotate(sort_at=Coalesce("published_at", "created_at"))
    if section is not None:
        qs = qs.filter(section_id__in=section_descendant_ids(section=section))
    if status is not None:
        qs = qs.filter(status=status)
    if cursor:
        when, pk = _cursor_decode(cursor)
        qs = qs.filter(Q(sort_at__lt=when) | Q(sort_at=when, pk__lt=pk))
    rows = list(qs.order_by("-sort_at", "-pk")[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    last = rows[-1] if rows else None
    return rows, (_cursor_encode(last.sort_at, last.pk) if more and last else None)


def story_reactions(*, story: Story) -> dict[str, int]:
    """Reaction kind to count for the story, as the story JSON reports it (engagement owns them)."""
    return reaction_counts(story_id=story.pk)
