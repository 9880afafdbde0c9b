"""Stored results of discovery: decayed read scores and Related lists."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from newsdesk.newsroom.models import Story


class StoryRank(models.Model):
    """A story's decayed read count, stored as a log-score (see ``decay``).

    Ordering by ``log_score`` orders by decayed reads at any moment, so the
    value changes only when reads arrive.
    """

    story = models.OneToOneField(
        Story, on_delete=models.CASCADE, primary_key=True, related_name="rank"
    )
    log_score = models.FloatField(db_index=True)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.story_id}: {self.log_score:.3f}"


class RelatedStory(models.Model):
    """One neighbour in a story's Related list, computed in the background."""

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="related_links")
    related = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField()
    score = models.FloatField()
    similarity = models.FloatField()
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["story", "position"]
        constraints = [
            models.UniqueConstraint(fields=["story", "related"], name="related_unique_pair"),
        ]
        indexes = [models.Index(fields=["story", "position"], name="related_story_position")]

    def __str__(self) -> str:
        return f"{self.story_id} -> {self.related_id}"
