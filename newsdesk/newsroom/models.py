"""The newsroom's content: sections, stories, live entries, key points, journalists."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from . import limits


class Journalist(models.Model):
    """A newsroom member's profile: role and byline name."""

    class Role(models.TextChoices):
        EDITOR = "editor", "Editor"
        REPORTER = "reporter", "Reporter"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="journalist"
    )
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.REPORTER)
    display_name = models.CharField(max_length=120, blank=True)

    def __str__(self) -> str:
        return self.byline

    @property
    def byline(self) -> str:
        return self.display_name or self.user.get_full_name() or self.user.get_username()

    @property
    def is_editor(self) -> bool:
        return self.role == self.Role.EDITOR


class Section(models.Model):
    """A section of the site; sections nest (World > Asia)."""

    name = models.CharField(max_length=limits.SECTION_NAME_MAX)
    slug = models.SlugField(max_length=limits.SLUG_MAX)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    # The slugs from the root, joined by "/": one indexed lookup resolves a URL.
    path = models.CharField(max_length=400, unique=True, editable=False)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "slug"], name="section_unique_slug_in_parent"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return f"/{self.path}/"

    def ancestors(self) -> list[Section]:
        """Sections from the root down to this one, inclusive."""
        chain: list[Section] = []
        node: Section | None = self
        while node is not None:
            chain.append(node)
            node = node.parent
        return list(reversed(chain))


class Story(models.Model):
    """A live story (with entries) or an ordinary article (with a body)."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        LIVE = "live", "Live"
        ENDED = "ended", "Ended"
        PUBLISHED = "published", "Published"

    LIVE_STATUSES = (Status.DRAFT, Status.LIVE, Status.ENDED)
    ARTICLE_STATUSES = (Status.DRAFT, Status.PUBLISHED)
    VISIBLE_STATUSES = (Status.LIVE, Status.ENDED, Status.PUBLISHED)

    section = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="stories")
    headline = models.CharField(max_length=limits.HEADLINE_MAX)
    slug = models.SlugField(max_length=limits.SLUG_MAX, unique=True)
    standfirst = models.TextField(blank=True)
    body = models.TextField(blank=True, help_text="Markdown; for ordinary articles.")
    body_html = models.TextField(blank=True, editable=False)
    live = models.BooleanField(default=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    authors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="authored_stories"
    )
    assignees = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="assigned_stories",
        help_text="Reporters who may post in this story.",
    )
    created_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    coverage_start = models.DateTimeField(null=True, blank=True)
    coverage_end = models.DateTimeField(null=True, blank=True)
    # Optimistic concurrency for headline / standfirst / body edits.
    version = models.PositiveIntegerField(default=1)
    # Head of the story's event log: the last sequence number handed out.
    last_seq = models.PositiveBigIntegerField(default=0)
    # The photo shown in link previews and lists; without one, the newest entry photo.
    image = models.ForeignKey(
        "media.Media", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name_plural = "stories"
        ordering = ["-published_at", "-id"]
        indexes = [
            models.Index(fields=["status", "-published_at"], name="story_status_published"),
            models.Index(
                fields=["section", "status", "-published_at"], name="story_section_published"
            ),
        ]

    def __str__(self) -> str:
        return self.headline

    def get_absolute_url(self) -> str:
        # The date is the story's creation date in UTC: fixed for the story's life.
        day = self.created_at.astimezone(datetime.UTC).date()
        return f"/{self.section.path}/{day:%Y/%m/%d}/{self.slug}/"

    @property
    def is_visible(self) -> bool:
        return self.status in self.VISIBLE_STATUSES

    @property
    def is_live_now(self) -> bool:
        return self.live and self.status == self.Status.LIVE

    def get_events_url(self) -> str:
        return reverse("live:stream", kwargs={"story_id": self.pk})


class EntryQuerySet(models.QuerySet["Entry"]):
    def visible(self) -> EntryQuerySet:
        return self.filter(deleted_at__isnull=True)


class Entry(models.Model):
    """One timestamped update in a live story."""

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="entries")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="entries"
    )
    title = models.CharField(max_length=limits.ENTRY_TITLE_MAX, blank=True)
    body = models.TextField(help_text="Markdown.")
    body_html = models.TextField(editable=False)
    published_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    # Bumped by every correction; a stale version is refused (optimistic locking).
    version = models.PositiveIntegerField(default=1)
    corrected = models.BooleanField(default=False)
    key_event = models.BooleanField(default=False)
    pinned = models.BooleanField(default=False)
    deleted_at = models.DateTimeField(null=True, blank=True)

    objects = EntryQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "entries"
        ordering = ["-published_at", "-id"]
        indexes = [
            models.Index(fields=["story", "-published_at", "-id"], name="entry_story_stream"),
        ]

    def __str__(self) -> str:
        return self.title or self.body[:60]

    @property
    def anchor(self) -> str:
        return f"entry-{self.pk}"

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def photos(self) -> list[Any]:
        """The entry's photos in order (from the prefetch when the selector made one)."""
        cached = getattr(self, "_prefetched_objects_cache", {}).get("attachments")
        rows = cached if cached is not None else self.attachments.select_related("media")
        return [row.media for row in sorted(rows, key=lambda row: row.position)]


class EntryMedia(models.Model):
    """A photo shown in an entry, after its body, in order."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="attachments")
    media = models.ForeignKey("media.Media", on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["entry", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["entry", "position"], name="entrymedia_unique_position"
            ),
        ]
        indexes = [models.Index(fields=["media"], name="entrymedia_media")]

    def __str__(self) -> str:
        return f"{self.entry_id}: photo {self.media_id}"


class KeyPoints(models.Model):
    """One version of a story's "What to know" list; the newest version is current."""

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="key_point_versions")
    version = models.PositiveIntegerField()
    points = models.JSONField(default=list, help_text='A list of {"text": ..., "html": ...}.')
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name_plural = "key points"
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["story", "version"], name="keypoints_unique_version"),
        ]

    def __str__(self) -> str:
        return f"{self.story} v{self.version}"
