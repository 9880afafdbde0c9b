"""``{% discovery_lists story as lists %}``: Related and Ranking for a story page."""

from __future__ import annotations

from typing import Any

from django import template

from newsdesk.discovery.selectors import stories_most_read, stories_related
from newsdesk.newsroom.selectors import stories_thumbnails_attach

register = template.Library()


@register.simple_tag
def discovery_lists(story: Any) -> dict[str, Any]:
    """Related stories and the site's Ranking, two queries, the same for every reader."""
    return {
        "related": stories_thumbnails_attach(stories=stories_related(story=story)),
        "ranking": stories_most_read(),
        "fallback": stories_most_read(exclude=[story.pk]),
    }
