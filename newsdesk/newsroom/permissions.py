"""Who may do what in the newsroom: editors anything, reporters their assigned stories."""

from __future__ import annotations

from typing import Any

from .models import Entry, Journalist, Story


def journalist_of(user: Any) -> Journalist | None:
    """The user's newsroom profile, or None for readers and anonymous users."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    try:
        return user.journalist
    except Journalist.DoesNotExist:
        return None


def is_editor(user: Any) -> bool:
    journalist = journalist_of(user)
    return journalist is not None and journalist.is_editor


def is_newsroom(user: Any) -> bool:
    return journalist_of(user) is not None


def can_manage_story(user: Any, story: Story | None = None) -> bool:
    """Create stories, change headline, status and key points: editors only."""
    return is_editor(user)


def can_post_in(user: Any, story: Story) -> bool:
    """Publish entries: editors, and reporters assigned to the story."""
    journalist = journalist_of(user)
    if journalist is None:
        return False
    if journalist.is_editor:
        return True
    return story.assignees.filter(pk=user.pk).exists()


def can_edit_entry(user: Any, entry: Entry) -> bool:
    """Correct, delete: editors any entry; reporters their own, in a story they are on."""
    journalist = journalist_of(user)
    if journalist is None:
        return False
    if journalist.is_editor:
        return True
    return entry.author_id == user.pk and can_post_in(user, entry.story)


def can_pin(user: Any, entry: Entry) -> bool:
    """Pinning shapes the whole page: editors only."""
    return is_editor(user)
