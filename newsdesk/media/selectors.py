"""Reads of the photo library, shared by the API and the desk."""

from __future__ import annotations

from django.db.models import Q

from .models import Media

# Words of a library search that count; the rest are ignored.
SEARCH_WORDS_MAX = 8


def media_search(
    *, q: str = "", before: int | None = None, limit: int = 30
) -> tuple[list[Media], int | None]:
    """Library photos, newest first, each word of ``q`` in alt text, caption, credit or file name.

    Returns one page and the cursor (a photo id) for the next, or None.
    """
    qs = Media.objects.library().order_by("-id")
    for word in q.split()[:SEARCH_WORDS_MAX]:
        qs = qs.filter(
            Q(alt__icontains=word)
            | Q(caption__icontains=word)
            | Q(credit__icontains=word)
            | Q(filename__icontains=word)
        )
    if before is not None:
        qs = qs.filter(pk__lt=before)
    rows = list(qs[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, (rows[-1].pk if more and rows else None)


def media_get(*, media_id: int) -> Media | None:
    """A library photo by id, or None (also for ids no database column can hold)."""
    if not 0 < media_id < 2**63:
        return None
    return Media.objects.library().filter(pk=media_id).first()
