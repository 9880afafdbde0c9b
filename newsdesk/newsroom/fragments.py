"""Server-rendered HTML fragments shared by the page and the event stream.

The story page includes the same templates, so a live entry and a reloaded
entry can never differ.
"""

from __future__ import annotations

from django.template.loader import render_to_string

from .models import Entry, KeyPoints, Story


def entry_fragment(entry: Entry) -> str:
    """The ``<article>`` of one live entry, as the story page renders it."""
    return render_to_string("newsroom/fragments/entry.html", {"entry": entry, "story": entry.story})


def key_points_fragment(story: Story, key_points: KeyPoints | None) -> str:
    """The "What to know" box's inner list."""
    return render_to_string(
        "newsroom/fragments/key_points.html", {"story": story, "key_points": key_points}
    )
