"""Every read of the newsroom's content that pages, desk and API share."""

from __future__ import annotations

from typing import Any

from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery

from newsdesk.media.models import Media

from .models import Entry, EntryMedia, KeyPoints, Section, Story

# An entry's photos, in order, with their rows: one query for a whole page of entries.
ATTACHMENTS = Prefetch(
    "attachments", queryset=EntryMedia.objects.select_related("media").order_by("position")
)


def _story_base() -> QuerySet[Story]:
    return Story.objects.select_related("section", "section__parent", "image").prefetch_related(
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
        .prefetch_related(ATTACHMENTS)
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
    qs = (
        Entry.objects.visible()
        .select_related("author__journalist")
        .prefetch_related(ATTACHMENTS)
        .filter(story=story)
    )
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
    qs = (
        Entry.objects.select_related("author__journalist", "story")
        .prefetch_related(ATTACHMENTS)
        .filter(story=story)
    )
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


# --- photos -------------------------------------------------------------------------


def media_usage(*, media: Media) -> tuple[list[Entry], list[Story]]:
    """Visible entries and stories that show the photo (deleted entries keep it for the record)."""
    entries = list(
        Entry.objects.visible()
        .filter(attachments__media=media)
        .select_related("story")
        .distinct()
        .order_by("-published_at")
    )
    stories = list(Story.objects.filter(image=media).order_by("-id"))
    return entries, stories


def _newest_entry_photo() -> Subquery:
    return Subquery(
        EntryMedia.objects.filter(
            entry__story=OuterRef("pk"),
            entry__deleted_at__isnull=True,
        )
        .order_by("-entry__published_at", "-entry_id", "position")
        .values("media_id")[:1]
    )


def story_images(*, stories: list[Story]) -> dict[int, Media]:
    """Each story's picture: its own image, else the newest photo of its visible entries."""
    found: dict[int, Media] = {s.pk: s.image for s in stories if s.image_id and s.image}
    missing = sorted({s.pk for s in stories if s.pk not in found and s.live})
    if missing:
        fallback = dict(
            Story.objects.filter(pk__in=missing)
            .annotate(photo_id=_newest_entry_photo())
            .filter(photo_id__isnull=False)
            .values_list("pk", "photo_id")
        )
        photos = Media.objects.in_bulk(set(fallback.values()))
        for story_id, photo_id in fallback.items():
            if photo_id in photos:
                found[story_id] = photos[photo_id]
    return found


def story_image(*, story: Story) -> Media | None:
    """The story's picture for link previews, feeds and lists (see ``story_images``)."""
    return story_images(stories=[story]).get(story.pk)


def stories_thumbnails_attach(*, stories: list[Story]) -> list[Story]:
    """Set ``story.thumbnail`` (a photo or None) on each story for lists, in two queries at most."""
    images = story_images(stories=stories)
    for story in stories:
        story.thumbnail = images.get(story.pk)  # type: ignore[attr-defined]
    return stories
