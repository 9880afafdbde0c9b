"""Every read of engagement data."""

from __future__ import annotations

from django.db.models import Count

from .models import Reaction, StoryReads
from .reactions import reaction_kinds


def reaction_counts(*, story_id: int) -> dict[str, int]:
    """Reaction kind to count for the story, every configured kind present (0 when none)."""
    counts = {kind: 0 for kind, _ in reaction_kinds()}
    rows = (
        Reaction.objects.filter(story_id=story_id)
        .values("kind")
        .annotate(n=Count("pk"))
        .values_list("kind", "n")
    )
    for kind, n in rows:
        if kind in counts:  # a kind since removed from the settings is not shown
            counts[kind] = n
    return counts


def reaction_of_reader(*, story_id: int, reader: str | None) -> str | None:
    """The reader's current reaction to the story, if any."""
    if not reader:
        return None
    return (
        Reaction.objects.filter(story_id=story_id, reader=reader)
        .values_list("kind", flat=True)
        .first()
    )


def story_reads(*, story_id: int) -> int:
    """Counted human reads of the story (reads still in the buffer are not yet included)."""
    return StoryReads.objects.filter(story_id=story_id).values_list("reads", flat=True).first() or 0


def story_reads_many(*, story_ids: list[int]) -> dict[int, int]:
    """Counted reads for several stories at once (for the desk's story list)."""
    return dict(StoryReads.objects.filter(story_id__in=story_ids).values_list("story_id", "reads"))
