"""The story event log: every reader-visible change, in order, per story."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class StoryEvent(models.Model):
    """One change to a story, numbered by the story's own gapless sequence."""

    story = models.ForeignKey("newsroom.Story", on_delete=models.CASCADE, related_name="events")
    seq = models.PositiveBigIntegerField()
    kind = models.CharField(max_length=40)
    data = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["story", "seq"]
        constraints = [
            # The backstop for "no duplicates": the sequence itself comes from an
            # atomic UPDATE ... RETURNING on the story row (see log.event_append).
            models.UniqueConstraint(fields=["story", "seq"], name="storyevent_unique_seq"),
        ]

    def __str__(self) -> str:
        return f"{self.story_id}#{self.seq} {self.kind}"
