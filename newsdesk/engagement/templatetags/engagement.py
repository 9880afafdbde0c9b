"""``{% reactions_for story as bar %}``: the reaction kinds with their counts."""

from __future__ import annotations

from typing import Any

from django import template

from newsdesk.engagement.reactions import reaction_kinds
from newsdesk.engagement.selectors import reaction_counts

register = template.Library()


@register.simple_tag
def reactions_for(story: Any) -> list[dict[str, Any]]:
    """Each configured reaction as ``{"kind", "label", "count"}``, in display order."""
    counts = reaction_counts(story_id=story.pk)
    return [
        {"kind": kind, "label": label, "count": counts.get(kind, 0)}
        for kind, label in reaction_kinds()
    ]
