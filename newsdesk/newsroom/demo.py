"""The demo newsroom that ``newsdesk demo`` and ``newsdesk loaddemo`` load, once.

The content lives in ``demo_content``; this module writes it through the
services, so every story, entry and event-log row is what the desk would have
produced. The loader is a list of steps (``demo_steps``) sharing one
``DemoNewsroom``: a later step (reading history for the discovery lists, say)
reads what the earlier ones made and adds its own.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from newsdesk.cli import DEMO_PASSWORD, DEMO_USERNAME
from newsdesk.live import kinds
from newsdesk.live.log import story_head
from newsdesk.live.models import StoryEvent
from newsdesk.media.services import media_create

from . import demo_content as content
from .demo_photos import demo_photo
from .fragments import entry_fragment
from .models import Entry, KeyPoints, Section, Story
from .services import (
    entry_correct,
    entry_delete,
    entry_publish,
    journalist_create,
    key_points_replace,
    section_create,
    story_assign,
    story_create,
    story_set_status,
)


class Writer(Protocol):
    def write(self, text: str, /) -> Any: ...


@dataclass
class DemoNewsroom:
    """What the loader has made so far; each step reads it and adds to it."""

    now: datetime.datetime
    users: dict[str, Any] = field(default_factory=dict)
    sections: dict[str, Section] = field(default_factory=dict)
    live_stories: list[Story] = field(default_factory=list)
    articles: list[Story] = field(default_factory=list)

    @property
    def stories(self) -> list[Story]:
        return [*self.live_stories, *self.articles]


DemoStep = Callable[[DemoNewsroom], None]


def demo_steps() -> list[DemoStep]:
    """The loader's steps in order; each may use what the steps before it made.

    A step is any ``(newsroom: DemoNewsroom) -> None`` callable; steps that need
    the stories (reading history for the discovery lists) go after
    ``demo_articles``. All of them run in the loader's one transaction.
    """
    from newsdesk.discovery.demo import demo_reading_history

    return [demo_journalists, demo_sections, demo_live_stories, demo_articles, demo_reading_history]


def demo_is_loaded() -> bool:
    """True when the demo editor or any of the demo's sections already exists."""
    paths = [spec.path for spec in content.SECTIONS]
    return (
        get_user_model().objects.filter(username=DEMO_USERNAME).exists()
        or Section.objects.filter(path__in=paths).exists()
    )


def demo_load(*, stdout: Writer | None = None) -> bool:
    """Load the demo newsroom in one transaction; False, changing nothing, if it is there."""
    with transaction.atomic():
        if demo_is_loaded():
            _say(stdout, "The demo newsroom is already loaded; nothing changed.")
            return False
        newsroom = DemoNewsroom(now=timezone.now())
        for step in demo_steps():
            step(newsroom)
    _say(stdout, demo_summary(newsroom))
    return True


def demo_summary(newsroom: DemoNewsroom) -> str:
    """A few lines saying what the loader made."""
    entries = Entry.objects.visible().filter(story__in=newsroom.live_stories).count()
    running = sum(1 for story in newsroom.live_stories if story.status == Story.Status.LIVE)
    editors = [u for u, j in _journalists(newsroom) if j.is_editor]
    reporters = [u for u, j in _journalists(newsroom) if not j.is_editor]
    return "\n".join(
        [
            f"Loaded the demo newsroom: {len(newsroom.sections)} sections, "
            f"{len(newsroom.users)} journalists, {len(newsroom.live_stories)} live stories "
            f"({running} running, {len(newsroom.live_stories) - running} ended) with "
            f"{entries} entries, {len(newsroom.articles)} articles.",
            f"Demo users (password {DEMO_PASSWORD!r}): editors {', '.join(editors)}; "
            f"reporters {', '.join(reporters)}.",
        ]
    )


def _journalists(newsroom: DemoNewsroom) -> list[tuple[str, Any]]:
    return [(name, user.journalist) for name, user in newsroom.users.items()]


def _say(stdout: Writer | None, text: str) -> None:
    if stdout is not None:
        stdout.write(text + "\n")


# --- steps ------------------------------------------------------------------------------


def demo_journalists(newsroom: DemoNewsroom) -> None:
    """The desk: two editors (one the demo sign-in) and two reporters."""
    for person in content.PEOPLE:
        journalist = journalist_create(
            username=person.username,
            password=DEMO_PASSWORD,
            role=person.role,
            display_name=person.byline,
            email=person.email,
        )
        newsroom.users[person.username] = journalist.user


def demo_sections(newsroom: DemoNewsroom) -> None:
    """Top-level sections, and World's regional children."""
    for spec in content.SECTIONS:
        newsroom.sections[spec.path] = section_create(
            name=spec.name,
            slug=spec.slug,
            parent=newsroom.sections[spec.parent] if spec.parent else None,
            position=spec.position,
        )


def demo_live_stories(newsroom: DemoNewsroom) -> None:
    """The running live story and the ended one, entry by entry, in the order they happened."""
    for spec in content.LIVE_STORIES:
        newsroom.live_stories.append(_live_story_load(newsroom, spec))


def demo_articles(newsroom: DemoNewsroom) -> None:
    """Ordinary articles across the sections, published over the past week."""
    for spec in content.ARTICLES:
        story = story_create(
            section=newsroom.sections[spec.section],
            headline=spec.headline,
            standfirst=spec.standfirst,
            body=spec.body,
            author=newsroom.users[spec.author],
            live=False,
        )
        at = newsroom.now - spec.at
        _backdate_story(story, at, coverage=False)
        newsroom.articles.append(story)


# --- backdating -------------------------------------------------------------------------
#
# The services stamp every write with the current time, as they must. A demo
# loaded in a second would then show forty entries published in the same
# minute, so this loader, and nothing else in Newsdesk, moves each write back
# to the moment the demo's timeline gives it, right after the service call:
# the row, the story's updated_at, and the event-log rows the call appended
# (their time, and the timestamps and HTML fragment in their data), so the log
# still replays exactly what the page shows.


def _backdate_story(story: Story, at: datetime.datetime, *, coverage: bool) -> None:
    fields: dict[str, Any] = {"created_at": at, "published_at": at, "updated_at": at}
    if coverage:
        fields["coverage_start"] = at
    Story.objects.filter(pk=story.pk).update(**fields)
    story.refresh_from_db()


def _events_backdate(story: Story, *, after: int, at: datetime.datetime) -> None:
    """Move the events appended since ``after`` to ``at``, re-rendering what they carry."""
    Story.objects.filter(pk=story.pk).update(updated_at=at)
    story.refresh_from_db()
    for event in StoryEvent.objects.filter(story=story, seq__gt=after).order_by("seq"):
        data = dict(event.data)
        if "html" in data and "entry_id" in data:
            entry = Entry.objects.select_related("story__section", "author__journalist").get(
                pk=data["entry_id"]
            )
            data.update(
                published_at=entry.published_at.isoformat(),
                updated_at=entry.updated_at.isoformat(),
                html=entry_fragment(entry),
            )
        elif event.kind == kinds.STATUS_CHANGED:
            data.update(
                coverage_start=_iso(story.coverage_start), coverage_end=_iso(story.coverage_end)
            )
        elif event.kind == kinds.STORY_CHANGED:
            data.update(updated_at=at.isoformat())
        StoryEvent.objects.filter(pk=event.pk).update(created_at=at, data=data)


def _iso(value: datetime.datetime | None) -> str | None:
    return value.isoformat() if value else None


# --- live stories -----------------------------------------------------------------------


def _live_story_load(newsroom: DemoNewsroom, spec: content.LiveStorySpec) -> Story:
    editor = newsroom.users[spec.editor]
    story = story_create(
        section=newsroom.sections[spec.section],
        headline=spec.headline,
        standfirst=spec.standfirst,
        author=editor,
        live=True,
    )
    # The permalink's date comes from created_at: set it before any fragment renders.
    _backdate_story(story, newsroom.now - spec.started, coverage=True)
    story_assign(
        story=story, actor=editor, reporters=[newsroom.users[name] for name in spec.reporters]
    )

    # Every write the story saw, as (when, tie-break, what, which); replayed in time order.
    timeline: list[tuple[datetime.datetime, int, str, Any]] = []
    for number, item in enumerate(spec.entries):
        published = newsroom.now - item.at
        timeline.append((published, len(timeline), "publish", number))
        if item.correction is not None:
            timeline.append((published + item.correction.after, len(timeline), "correct", number))
        if item.deleted_after is not None:
            timeline.append((published + item.deleted_after, len(timeline), "delete", number))
    for points in spec.key_points:
        timeline.append((newsroom.now - points.at, len(timeline), "key-points", points))
    if spec.ended is not None:
        timeline.append((newsroom.now - spec.ended, len(timeline), "end", None))
    timeline.sort(key=lambda action: (action[0], action[1]))

    entries: dict[int, Entry] = {}
    for at, _, action, subject in timeline:
        head = story_head(story_id=story.pk) or 0
        if action == "publish":
            item = spec.entries[subject]
            author = newsroom.users[item.author]
            photos = [
                media_create(
                    data=demo_photo(photo.drawing),
                    filename=f"{photo.drawing}.jpg",
                    alt=photo.alt,
                    caption=photo.caption,
                    credit=photo.credit,
                    actor=author,
                ).pk
                for photo in item.photos
            ]
            entry = entry_publish(
                story=story,
                author=author,
                body=item.body,
                title=item.title,
                key_event=item.key_event,
                pinned=item.pinned,
                media=photos,
            )
            Entry.objects.filter(pk=entry.pk).update(published_at=at, updated_at=at)
            entries[subject] = entry
        elif action == "correct":
            item = spec.entries[subject]
            assert item.correction is not None
            entry = entry_correct(
                entry=entries[subject],
                actor=newsroom.users[item.author],
                version=entries[subject].version,
                body=item.correction.body,
            )
            Entry.objects.filter(pk=entry.pk).update(updated_at=at)
            entries[subject] = entry
        elif action == "delete":
            entry_delete(entry=entries[subject], actor=editor)
            Entry.objects.filter(pk=entries[subject].pk).update(deleted_at=at)
        elif action == "key-points":
            key_points = key_points_replace(story=story, actor=editor, points=subject.points)
            KeyPoints.objects.filter(pk=key_points.pk).update(created_at=at)
        elif action == "end":
            story_set_status(story=story, actor=editor, status=Story.Status.ENDED)
            Story.objects.filter(pk=story.pk).update(coverage_end=at)
        _events_backdate(story, after=head, at=at)
    return story
