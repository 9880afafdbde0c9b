"""Snapshots of embedded posts and videos, taken when an entry is published."""

from __future__ import annotations

from django.db import models


class Embed(models.Model):
    """What a provider said about one URL, kept so that readers never have to ask it.

    Keyed by the canonical URL (``providers.provider_match``). ``ok``: the card
    shows this snapshot and can load the provider's frame; ``failed``: the
    provider could not be asked (``failure`` says why) and the card is a plain
    link until the desk tries again.
    """

    class Status(models.TextChoices):
        OK = "ok", "Snapshot taken"
        FAILED = "failed", "Provider unreachable"

    url = models.CharField(max_length=2000, unique=True)
    provider = models.CharField(max_length=32)
    status = models.CharField(max_length=8, choices=Status.choices)
    title = models.CharField(max_length=300, blank=True)
    author_name = models.CharField(max_length=200, blank=True)
    author_url = models.CharField(max_length=2000, blank=True)
    text = models.TextField(blank=True)
    # The provider's thumbnail, re-hosted through the photo pipeline (metadata stripped,
    # renditions served by this site): the reader's page never loads it from the provider.
    thumbnail = models.ForeignKey(
        "media.Media", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    frame_url = models.CharField(max_length=2000, blank=True)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    fetched_at = models.DateTimeField(null=True, blank=True)
    failure = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.url
