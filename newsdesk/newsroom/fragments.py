"""Server-rendered HTML fragments shared by the page and the event stream.

The story page includes the same templates, so a live entry and a reloaded
entry can never differ.
"""

from __future__ import annotations

from django.template.loader import render_to_string

from .models import Entry, KeyPoints, Story


def entry_fragment(entry: Entry) -> str:
    """The ``<article>`` of one live entry, as the story page renders it.

    Kept on the instance for its version, so the event and the API answer of
    one publish render it once.
    """
    memo = entry.__dict__.get("_fragment")
    if memo is not None and memo[0] == (entry.version, entry.pinned, entry.key_event):
        return memo[1]
    html = render_to_string("newsroom/fragments/entry.html", {"entry": entry, "story": entry.story})
    entry.__dict__["_fragment"] = ((entry.version, entry.pinned, entry.key_event), html)
    return html


def key_points_fragment(story: Story, key_points: KeyPoints | None) -> str:
    """The "What to know" box's inner list."""
    return render_to_string(
        "newsroom/fragments/key_points.html", {"story": story, "key_points": key_points}
    )
