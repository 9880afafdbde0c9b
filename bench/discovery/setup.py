"""A throwaway Newsdesk database for the evaluation (SQLite in a temporary directory)."""

from __future__ import annotations

import datetime
import os
import tempfile


def django_setup() -> None:
    """Configure Django on a fresh SQLite database with the background worker off."""
    os.environ.setdefault("NEWSDESK_DATA_DIR", tempfile.mkdtemp(prefix="newsdesk-bench-"))
    os.environ["NEWSDESK_BACKGROUND"] = "0"
    os.environ.pop("NEWSDESK_DATABASE_URL", None)
    os.environ.pop("NEWSDESK_REDIS_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsdesk.config.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def stories_create(count: int, *, published: list[float]) -> list[int]:
    """``count`` published articles through the newsroom services; their ids in order."""
    from django.contrib.auth import get_user_model

    from newsdesk.newsroom.models import Section, Story
    from newsdesk.newsroom.services import journalist_create, section_create, story_create

    user = get_user_model().objects.filter(username="bench-editor").first()
    if user is None:
        user = journalist_create(username="bench-editor", role="editor").user
    section = Section.objects.filter(path="bench").first() or section_create(name="Bench")
    ids = []
    for n in range(count):
        story = story_create(section=section, headline=f"Bench story {n}", author=user, live=False)
        at = datetime.datetime.fromtimestamp(published[n], tz=datetime.UTC)
        Story.objects.filter(pk=story.pk).update(published_at=at, created_at=at)
        ids.append(story.pk)
    return ids
