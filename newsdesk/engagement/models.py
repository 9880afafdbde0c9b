"""Reader engagement: reactions, read counts and reading history.

Readers are identified only by a random first-party cookie id (``nd_reader``):
no account, no personal data.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from newsdesk.newsroom.models import Story

READER_ID_MAX = 32


class Reaction(models.Model):
    """One reader's reaction to one story (at most one per reader and story)."""

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="reactions")
    reader = models.CharField(max_length=READER_ID_MAX)
    kind = models.CharField(max_length=32)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["story", "reader"], name="reaction_one_per_reader"),
        ]
        indexes = [models.Index(fields=["story", "kind"], name="reaction_story_kind")]

    def __str__(self) -> str:
        return f"{self.kind} on {self.story_id}"


class StoryReads(models.Model):
    """Counted human reads of a story (written in batches, never per view)."""

    story = models.OneToOneField(
        Story, on_delete=models.CASCADE, primary_key=True, related_name="read_count"
    )
    reads = models.PositiveBigIntegerField(default=0)
    last_read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "story reads"

    def __str__(self) -> str:
        return f"{self.story_id}: {self.reads}"


class ReaderRead(models.Model):
    """One counted read in a reader's history, for Recommended for you.

    Not kept for readers who send Do-Not-Track or Global Privacy Control, and
    pruned after ``NEWSDESK_HISTORY_DAYS``.
    """

    reader = models.CharField(max_length=READER_ID_MAX)
    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="+")
    read_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["reader", "-read_at"], name="readerread_reader_recent"),
            models.Index(fields=["story", "-read_at"], name="readerread_story_recent"),
            models.Index(fields=["read_at"], name="readerread_read_at"),
        ]

    def __str__(self) -> str:
        return f"{self.reader} read {self.story_id}"
