"""Reads the desk needs beyond the newsroom's shared selectors."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet

from newsdesk.newsroom import selectors
from newsdesk.newsroom.models import Journalist, Story


def story_list_with_entry_counts(*, user: Any) -> QuerySet[Story]:
    """The user's desk stories, each annotated with ``entry_total`` (visible entries)."""
    return selectors.story_list_for_desk(user=user).annotate(
        entry_total=Count("entries", filter=Q(entries__deleted_at__isnull=True), distinct=True)
    )


def reporter_list() -> QuerySet[Any]:
    """Active users with the reporter role, by username: the people an editor can assign."""
    return (
        get_user_model()
        .objects.filter(is_active=True, journalist__role=Journalist.Role.REPORTER)
        .select_related("journalist")
        .order_by("username")
    )
