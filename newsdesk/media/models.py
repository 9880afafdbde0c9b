"""The photo library: each photo and its renditions."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import models
from django.utils import timezone

from . import limits


class MediaQuerySet(models.QuerySet["Media"]):
    def library(self) -> MediaQuerySet:
        """Photos the newsroom uploaded (not embed thumbnails)."""
        return self.filter(kind=Media.Kind.PHOTO)


class Media(models.Model):
    """A photo: cleaned of metadata, stored as renditions with content-addressed names."""

    class Kind(models.TextChoices):
        PHOTO = "photo", "Photo"
        # A provider's thumbnail re-hosted for an embed card: not in the library.
        THUMBNAIL = "thumbnail", "Embed thumbnail"

    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.PHOTO)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    source_format = models.CharField(max_length=8, help_text="What the upload was: jpeg, png...")
    source_bytes = models.PositiveBigIntegerField(default=0)
    # [{"name", "width", "height", "format", "bytes"}], largest first.
    renditions = models.JSONField(default=list)
    filename = models.CharField(max_length=limits.FILENAME_MAX, blank=True)
    alt = models.TextField(
        blank=True, help_text="What the photo shows, for readers who cannot see it."
    )
    decorative = models.BooleanField(
        default=False, help_text="Adds nothing for a reader who cannot see it: no alt text needed."
    )
    caption = models.TextField(blank=True)
    credit = models.CharField(max_length=limits.CREDIT_MAX, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    objects = MediaQuerySet.as_manager()

    class Meta:
        verbose_name = "photo"
        verbose_name_plural = "photos"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["kind", "-created_at"], name="media_library")]

    def __str__(self) -> str:
        return self.alt[:60] or self.filename or f"Photo {self.pk}"

    # --- renditions -------------------------------------------------------------

    @property
    def described(self) -> bool:
        """Ready for readers: alt text, or marked decorative."""
        return bool(self.alt.strip()) or self.decorative

    def rendition_list(self, fmt: str | None = None) -> list[dict[str, Any]]:
        """Renditions (largest first) with their URLs, of one format when given."""
        return [
            {**r, "url": default_storage.url(r["name"])}
            for r in self.renditions
            if fmt is None or r["format"] == fmt
        ]

    @property
    def fallback_format(self) -> str:
        """The format every browser shows: JPEG, or PNG for pictures with transparency."""
        formats = {r["format"] for r in self.renditions}
        return "jpeg" if "jpeg" in formats else "png"

    def rendition(self, width: int, fmt: str | None = None) -> dict[str, Any] | None:
        """The smallest rendition at least ``width`` wide (else the largest) in ``fmt``."""
        options = self.rendition_list(fmt or self.fallback_format)
        if not options:
            return None
        wide_enough = [r for r in options if r["width"] >= width]
        return wide_enough[-1] if wide_enough else options[0]

    @property
    def url(self) -> str:
        """The largest rendition in the fallback format."""
        best = self.rendition(10**6)
        return best["url"] if best else ""

    def srcset(self, fmt: str) -> str:
        return ", ".join(f"{r['url']} {r['width']}w" for r in reversed(self.rendition_list(fmt)))
