"""Every read of the newsroom's content that pages, desk and API share."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from .models import Entry, KeyPoints, Section, Story


def _story_base() -> QuerySet[Story]:
    return Story.objects.select_related("section", "section__parent").prefetch_related(
        Prefetch("authors", to_attr="author_list")
    )


def section_by_path(*, path: str) -> Section | None:
    """The section at ``world/asia``, or None."""
    if "\x00" in path:
        # No section has one, and PostgreSQL refuses NUL in a query parameter.
        return None
    return Section.objects.select_related("parent").filter(path=path.strip("/")).first()


def section_list(*, parent: Section | None = None, roots_only: bool = False) -> QuerySet[Section]:
    """Sections ordered for navigation."""
    qs = Section.objects.select_related("parent")
    if parent is not None:
        qs = qs.filter(parent=parent)
    elif roots_only:
        qs = qs.filter(parent__isnull=True)
    return qs.order_by("position", "name")


def section_descendant_ids(*, section: Section) -> list[int]:
    """The section and every section under it."""
    return list(
        Section.objects.filter(
            Q(pk=section.pk) | Q(path__startswith=f"{section.path}/")
        ).values_list("pk", flat=True)
    )


def story_list_published(
    *, section: Section | None = None, live_only: bool = False
) -> QuerySet[Story]:
    """Stories readers can see, newest first; a section includes its sub-sections."""
    qs = _story_base().filter(status__in=Story.VISIBLE_STATUSES)
    if section is not None:
        qs = qs.filter(section_id__in=section_descendant_ids(section=section))
    if live_only:
        qs = qs.filter(live=True, status=Story.Status.LIVE)
    return qs.order_by("-published_at", "-id")


def story_list_live_now(*, limit: int = 10) -> list[Story]:
    """Live stories with coverage running, most recently updated first."""
    return list(
        _story_base()
        .filter(live=True, status=Story.Status.LIVE)
        .order_by("-updated_at", "-id")[:limit]
    )


def story_get_visible(*, slug: str) -> Story | None:
    """A story readers may see, by slug."""
    return _story_base().filter(slug=slug, status__in=Story.VISIBLE_STATUSES).first()


def story_get(*, story_id: int) -> Story | None:
    """Any story by id (drafts included): for the newsroom."""
    return _story_base().filter(pk=story_id).first()


def story_list_for_desk(*, user: Any) -> QuerySet[Story]:
    """Stories the user works on: all for editors, assigned ones for reporters."""
    from .permissions import is_editor

    qs = _story_base().prefetch_related("assignees")
    if not is_editor(user):
        qs = qs.filter(assignees=user)
    return qs.order_by("-updated_at", "-id")


def key_points_current(*, story: Story) -> KeyPoints | None:
    """The newest version of the story's "What to know" list."""
    return KeyPoints.objects.filter(story=story).order_by("-version").first()


def entry_pinned(*, story: Story) -> Entry | None:
    """The story's pinned entry, if any."""
    return (
        Entry.objects.visible()
        .select_related("author__journalist")
        .filter(story=story, pinned=True)
        .first()
    )


def entry_page(
    *, story: Story, before: int | None = None, limit: int = 20
) -> tuple[list[Entry], int | None]:
    """One page of a story's visible entries, newest first, and the cursor for the next.

    ``before`` is an entry id: the page starts just below that entry in the
    stream's order (published time, then id), so paging is stable while new
    entries arrive at the top. The cursor is None on the last page.
    """
    qs = Entry.objects.visible().select_related("author__journalist").filter(story=story)
    if before is not None:
        anchor = Entry.objects.filter(story=story, pk=before).values("published_at", "pk").first()
        if anchor is None:
            return [], None
        qs = qs.filter(
            Q(published_at__lt=anchor["published_at"])
            | Q(published_at=anchor["published_at"], pk__lt=anchor["pk"])
        )
    rows = list(qs.order_by("-published_at", "-pk")[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    for row in rows:
        row.story = story  # already loaded: no query per entry for the permalink
    return rows, (rows[-1].pk if more and rows else None)


def entry_get(*, story: Story, entry_id: int, include_deleted: bool = False) -> Entry | None:
    """One entry of the story."""
    qs = Entry.objects.select_related("author__journalist", "story").filter(story=story)
    if not include_deleted:
        qs = qs.visible()
    return qs.filter(pk=entry_id).first()


def entry_position(*, story: Story, entry_id: int) -> int | None:
    """How many visible entries sit above this one in the stream (for permalinks across pages)."""
    entry = Entry.objects.visible().filter(story=story, pk=entry_id).first()
    if entry is None:
        return None
    return (
        Entry.objects.visible()
        .filter(story=story)
        .filter(
            Q(published_at__gt=entry.published_at)
            | Q(published_at=entry.published_at, pk__gt=entry.pk)
        )
        .count()
    )


def entry_count(*, story: Story) -> int:
    """Visible entries in the story."""
    return Entry.objects.visible().filter(story=story).count()
