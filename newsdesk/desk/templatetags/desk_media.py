"""Small photo helpers for desk templates."""

from __future__ import annotations

from typing import Any

from django import template

from newsdesk.media.models import Media

register = template.Library()

# Desk thumbnails are at most about 10rem wide: the smallest rendition fills them.
THUMB_WIDTH = 480


@register.simple_tag
def thumb_of(media: Media | None) -> dict[str, Any] | None:
    """The rendition a desk thumbnail of ``media`` uses (url, width, height), or None."""
    return media.rendition(THUMB_WIDTH) if media is not None else None
