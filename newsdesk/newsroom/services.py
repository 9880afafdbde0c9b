"""Every write to the newsroom's content: the only place that changes stories.

Each service validates, writes, and appends the reader-visible change to the
story's event log in the same transaction (``live.log.event_append``).
"""

from __future__ import annotations

import logging
from typing import Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from newsdesk.embeds.services import entry_body_render
from newsdesk.live import kinds, log
from newsdesk.live.metrics import COUNTERS
from newsdesk.media import limits as media_limits
from newsdesk.media.models import Media

from . import limits
from .characters import character_refused, newlines_normalise
from .errors import ConflictError, PermissionDenied, ValidationError
from .fragments import entry_fragment, key_points_fragment
from .models import Entry, EntryMedia, Journalist, KeyPoints, Section, Story
from .permissions import can_edit_entry, can_manage_story, can_pin, can_post_in, is_editor
from .rendering import markdown_inline_to_html, markdown_to_html

User = get_user_model()
logger = logging.getLogger(__name__)

# A keyword left out (no change), as opposed to None (clear the value).
UNSET: Any = object()


def event_append(*, story: Story, kind: str, data: dict[str, Any]) -> Any:
    """Append to the story's event log; once committed, count the event and log it."""
    event = log.event_append(story=story, kind=kind, data=data)
    transaction.on_commit(lambda: _event_committed(event))
    return event


def _event_committed(event: Any) -> None:
    COUNTERS.event_published()
    logger.info(
        "Published %s, story %s seq %s",
        event.kind,
        event.story_id,
        event.seq,
        extra={"story": event.story_id, "seq": event.seq, "kind": event.kind},
    )


# --- validation helpers -----------------------------------------------------


# Fields whose text may run over several lines; every other field is one line.
_MULTILINE_FIELDS = frozenset({"body", "standfirst"})


def _text(value: Any, *, field: str, max_length: int, required: bool = False) -> str:
    """Checked text for ``field``: characters feeds can carry (``characters``), length, presence."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationError(f"The {field} must be text.", field=field)
    value = newlines_normalise(value).strip()
    refused = character_refused(value, multiline=field in _MULTILINE_FIELDS)
    if refused:
        raise ValidationError(f"The {field} {refused}", field=field)
    if required and not value:
        raise ValidationError(f"The {field} cannot be empty.", field=field)
    if len(value) > max_length:
        raise ValidationError(
            f"The {field} is {len(value):,} characters long; the limit is {max_length:,}.",
            field=field,
        )
    return value


def _slug(value: str, *, field: str = "slug") -> str:
    slug = slugify(value)[: limits.SLUG_MAX].strip("-")
    if not slug:
        raise ValidationError(f"The {field} needs at least one letter or digit.", field=field)
    if slug.isdigit():
        raise ValidationError(f"The {field} cannot be only digits.", field=field)
    return slug


def _unique_story_slug(base: str) -> str:
    slug, n = base, 1
    while Story.objects.filter(slug=slug).exists():
        n += 1
        suffix = f"-{n}"
        slug = base[: limits.SLUG_MAX - len(suffix)] + suffix
    return slug


# --- journalists ----------------------------------------------------------------


def journalist_create(
    *,
    username: str,
    password: str | None = None,
    role: str = Journalist.Role.REPORTER,
    display_name: str = "",
    email: str = "",
) -> Journalist:
    """Create a newsroom user with a role; editors may also use Django's admin."""
    if role not in Journalist.Role.values:
        raise ValidationError(f"Unknown role {role!r}: use editor or reporter.", field="role")
    username = _text(username, field="username", max_length=150, required=True)
    with transaction.atomic():
        if User.objects.filter(username=username).exists():
            raise ValidationError(f"A user called {username!r} already exists.", field="username")
        user = User.objects.create_user(username=username, email=email, password=password)
        user.is_staff = role == Journalist.Role.EDITOR
        user.is_superuser = role == Journalist.Role.EDITOR
        user.save(update_fields=["is_staff", "is_superuser"])
        return Journalist.objects.create(user=user, role=role, display_name=display_name)


# --- sections -------------------------------------------------------------------


def section_create(
    *, name: str, slug: str = "", parent: Section | None = None, position: int = 0
) -> Section:
    """Create a section, nested under ``parent`` when given."""
    name = _text(name, field="name", max_length=limits.SECTION_NAME_MAX, required=True)
    slug = _slug(slug or name)
    path = f"{parent.path}/{slug}" if parent else slug
    if Section.objects.filter(path=path).exists():
        raise ConflictError(f"A section already lives at /{path}/.", field="slug")
    try:
        with transaction.atomic():
            return Section.objects.create(
                name=name, slug=slug, parent=parent, path=path, position=position
            )
    except IntegrityError as error:
        raise ConflictError(f"A section already lives at /{path}/.", field="slug") from error


# --- stories --------------------------------------------------------------------


def _check_status(live: bool, status: str) -> str:
    allowed = Story.LIVE_STATUSES if live else Story.ARTICLE_STATUSES
    if status not in allowed:
        names = ", ".join(allowed)
        kind = "A live story" if live else "An article"
        raise ValidationError(f"{kind} can be {names}; not {status!r}.", field="status")
    return status


def story_create(
    *,
    section: Section,
    headline: str,
    author: Any,
    standfirst: str = "",
    body: str = "",
    live: bool = True,
    status: str | None = None,
    slug: str = "",
    image: int | None = None,
) -> Story:
    """Create a live story or an article. Without ``status``: live, or published."""
    if not can_manage_story(author):
        raise PermissionDenied("Only editors can create stories.")
    headline = _text(headline, field="headline", max_length=limits.HEADLINE_MAX, required=True)
    standfirst = _text(standfirst, field="standfirst", max_length=limits.STANDFIRST_MAX)
    body = _text(body, field="body", max_length=limits.ARTICLE_BODY_MAX)
    if status is None:
        status = Story.Status.LIVE if live else Story.Status.PUBLISHED
    status = _check_status(live, status)
    photo = _image(image)
    now = timezone.now()
    with transaction.atomic():
        story = Story.objects.create(
            image=photo,
            section=section,
            headline=headline,
            slug=_unique_story_slug(_slug(slug or headline)),
            standfirst=standfirst,
            body=body,
            body_html=markdown_to_html(body) if body else "",
            live=live,
            status=status,
            created_at=now,
            updated_at=now,
            published_at=now if status != Story.Status.DRAFT else None,
            coverage_start=now if status == Story.Status.LIVE else None,
            coverage_end=now if status == Story.Status.ENDED else None,
        )
        story.authors.add(author)
    return story


def story_update(
    *,
    story: Story,
    actor: Any,
    version: int | None = None,
    headline: str | None = None,
    standfirst: str | None = None,
    body: str | None = None,
    status: str | None = None,
    section: Section | None = None,
    image: Any = UNSET,
) -> Story:
    """Change a story's headline, standfirst, body, section, image or status.

    With ``version``, a stale edit (someone saved in between) is refused.
    """
    if not can_manage_story(actor, story):
        raise PermissionDenied("Only editors can change a story.")
    changes: dict[str, Any] = {}
    if headline is not None:
        changes["headline"] = _text(
            headline, field="headline", max_length=limits.HEADLINE_MAX, required=True
        )
    if standfirst is not None:
        changes["standfirst"] = _text(
            standfirst, field="standfirst", max_length=limits.STANDFIRST_MAX
        )
    if body is not None:
        changes["body"] = _text(body, field="body", max_length=limits.ARTICLE_BODY_MAX)
    if section is not None:
        changes["section"] = section
    if image is not UNSET:
        changes["image"] = _image(image)
    if status is not None:
        _check_status(story.live, status)
    with transaction.atomic():
        locked = Story.objects.select_for_update().get(pk=story.pk)
        if version is not None and version != locked.version:
            raise ConflictError(
                "Someone else changed this story since you opened it "
                f"(you had version {version}, it is now {locked.version}). "
                "Reload to see their changes, then make yours again."
            )
        content_changed = False
        for field, value in changes.items():
            if getattr(locked, field) != value:
                setattr(locked, field, value)
                content_changed = True
        if "body" in changes:
            locked.body_html = markdown_to_html(locked.body) if locked.body else ""
        now = timezone.now()
        if content_changed:
            locked.version += 1
            locked.updated_at = now
            locked.save()
            event_append(
                story=locked,
                kind=kinds.STORY_CHANGED,
                data={
                    "headline": locked.headline,
                    "standfirst": locked.standfirst,
                    "version": locked.version,
                    "updated_at": now.isoformat(),
                },
            )
        if status is not None and status != locked.status:
            _status_apply(locked, status, now)
    story.refresh_from_db()
    return story


def _status_apply(story: Story, status: str, now: Any) -> None:
    story.status = status
    story.updated_at = now
    if status in Story.VISIBLE_STATUSES and story.published_at is None:
        story.published_at = now
    if status == Story.Status.LIVE:
        story.coverage_start = story.coverage_start or now
        story.coverage_end = None
    elif status == Story.Status.ENDED:
        story.coverage_end = now
    story.save()
    event_append(
        story=story,
        kind=kinds.STATUS_CHANGED,
        data={
            "status": status,
            "coverage_start": story.coverage_start.isoformat() if story.coverage_start else None,
            "coverage_end": story.coverage_end.isoformat() if story.coverage_end else None,
        },
    )


def story_set_status(*, story: Story, actor: Any, status: str) -> Story:
    """Open coverage (live), end it (ended), publish or unpublish (draft)."""
    return story_update(story=story, actor=actor, status=status)


def story_assign(*, story: Story, actor: Any, reporters: list[Any]) -> Story:
    """Replace the list of reporters who may post in the story."""
    if not can_manage_story(actor, story):
        raise PermissionDenied("Only editors can assign reporters.")
    story.assignees.set(reporters)
    return story


# --- photos in entries and stories -------------------------------------------------


def _media_list(value: Any, *, field: str = "media") -> list[Media]:
    """The photos a list of ids names, in order; refused with a sentence when one is not usable."""
    if not isinstance(value, list | tuple) or not all(
        isinstance(v, int) and not isinstance(v, bool) for v in value
    ):
        raise ValidationError(f"The {field} must be a list of photo ids.", field=field)
    if len(value) > media_limits.ENTRY_MEDIA_MAX:
        raise ValidationError(
            f"An entry can show at most {media_limits.ENTRY_MEDIA_MAX} photos; "
            f"this one has {len(value)}.",
            field=field,
        )
    if len(set(value)) != len(value):
        raise ValidationError(f"The {field} lists the same photo twice.", field=field)
    found = {m.pk: m for m in Media.objects.library().filter(pk__in=value)}
    missing = [str(v) for v in value if v not in found]
    if missing:
        raise ValidationError(
            f"There is no photo {', '.join(missing)} in the library; upload it first.",
            field=field,
        )
    photos = [found[v] for v in value]
    for number, photo in enumerate(photos, start=1):
        if not photo.described:
            name = f" ({photo.filename})" if photo.filename else ""
            raise ValidationError(
                f"Photo {number}{name} has no alt text. Describe it for readers who cannot "
                "see it, or mark it as decorative, then publish again.",
                field=field,
            )
    return photos


def _media_set(entry: Entry, photos: list[Media]) -> None:
    EntryMedia.objects.filter(entry=entry).delete()
    EntryMedia.objects.bulk_create(
        [EntryMedia(entry=entry, media=m, position=n) for n, m in enumerate(photos)]
    )
    # The fragment renders from this, with no further query.
    rows = [EntryMedia(entry=entry, media=m, position=n) for n, m in enumerate(photos)]
    entry._prefetched_objects_cache = {
        **getattr(entry, "_prefetched_objects_cache", {}),
        "attachments": rows,
    }


def _image(value: Any) -> Media | None:
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValidationError("The image must be a photo id.", field="image")
    photo = Media.objects.library().filter(pk=value).first()
    if photo is None:
        raise ValidationError(f"There is no photo {value} in the library.", field="image")
    return photo


def entries_media_changed(*, media: Media) -> int:
    """Re-send every visible entry showing ``media``, so open pages show its new file or words."""
    entries = (
        Entry.objects.visible()
        .filter(attachments__media=media)
        .select_related("story", "author__journalist")
        .prefetch_related("attachments__media")
        .distinct()
    )
    count = 0
    for entry in entries:
        entry.__dict__.pop("_fragment", None)
        event_append(story=entry.story, kind=kinds.ENTRY_CORRECTED, data=_entry_payload(entry))
        count += 1
    return count


# --- entries --------------------------------------------------------------------


def _entry_payload(entry: Entry) -> dict[str, Any]:
    return {
        "entry_id": entry.pk,
        "version": entry.version,
        "pinned": entry.pinned,
        "key_event": entry.key_event,
        "published_at": entry.published_at.isoformat(),
        "updated_at": entry.updated_at.isoformat(),
        "html": entry_fragment(entry),
    }


def _touch(story: Story, now: Any) -> None:
    Story.objects.filter(pk=story.pk).update(updated_at=now)
    story.updated_at = now


def _unpin_others(story: Story, keep: Entry | None) -> None:
    others = Entry.objects.visible().filter(story=story, pinned=True)
    if keep is not None:
        others = others.exclude(pk=keep.pk)
    for other in others.select_related("story", "author__journalist"):
        other.pinned = False
        other.save(update_fields=["pinned"])
        event_append(story=story, kind=kinds.ENTRY_UNPINNED, data=_entry_payload(other))


def entry_publish(
    *,
    story: Story,
    author: Any,
    body: str,
    title: str = "",
    key_event: bool = False,
    pinned: bool = False,
    media: list[int] | None = None,
) -> Entry:
    """Publish a live entry (Markdown, then its photos in order) at the top of a live story."""
    if not story.live:
        raise ValidationError("This story is an article; it has no live entries.", field="story")
    if not can_post_in(author, story):
        raise PermissionDenied("You are not assigned to this story, so you cannot post in it.")
    if pinned and not is_editor(author):
        raise PermissionDenied("Only editors can pin an entry.")
    photos = _media_list(media) if media else []
    body = _text(body, field="body", max_length=limits.ENTRY_BODY_MAX, required=not photos)
    title = _text(title, field="title", max_length=limits.ENTRY_TITLE_MAX)
    html = entry_body_render(body=body) if body else ""
    if not html and not photos:
        raise ValidationError("The body has no visible text.", field="body")
    now = timezone.now()
    with transaction.atomic():
        entry = Entry.objects.create(
            story=story,
            author=author,
            title=title,
            body=body,
            body_html=html,
            published_at=now,
            updated_at=now,
            key_event=bool(key_event),
            pinned=bool(pinned),
        )
        _media_set(entry, photos)
        if pinned:
            _unpin_others(story, keep=entry)
        _touch(story, now)
        event_append(story=story, kind=kinds.ENTRY_PUBLISHED, data=_entry_payload(entry))
    return entry


def entry_correct(
    *,
    entry: Entry,
    actor: Any,
    version: int | None,
    body: str | None = None,
    title: str | None = None,
    key_event: bool | None = None,
    media: list[int] | None = None,
) -> Entry:
    """Correct an entry in place. A stale ``version`` is refused, never overwritten."""
    if not can_edit_entry(actor, entry):
        raise PermissionDenied("You can only change your own entries in stories you are on.")
    changes: dict[str, Any] = {}
    photos = _media_list(media) if media is not None else None
    if body is not None:
        changes["body"] = _text(body, field="body", max_length=limits.ENTRY_BODY_MAX)
        changes["body_html"] = entry_body_render(body=changes["body"]) if changes["body"] else ""
    if title is not None:
        changes["title"] = _text(title, field="title", max_length=limits.ENTRY_TITLE_MAX)
    if key_event is not None:
        changes["key_event"] = bool(key_event)
    with transaction.atomic():
        locked = (
            Entry.objects.select_for_update(of=("self",))
            .select_related("story", "author__journalist")
            .get(pk=entry.pk)
        )
        if locked.is_deleted:
            raise ConflictError("This entry has been deleted; there is nothing to correct.")
        if version is not None and version != locked.version:
            raise ConflictError(
                "Someone else changed this entry since you opened it "
                f"(you had version {version}, it is now {locked.version}). "
                "Your text was not saved: copy it, reload, and apply it again."
            )
        changed = {f: v for f, v in changes.items() if getattr(locked, f) != v}
        current = [m.pk for m in locked.photos]
        if photos is not None and [m.pk for m in photos] != current:
            _media_set(locked, photos)
            changed["media"] = photos
        shown_photos = photos if photos is not None else current
        if not (changes.get("body_html", locked.body_html) or shown_photos):
            empty = not changes.get("body", locked.body)
            raise ValidationError(
                "The body cannot be empty." if empty else "The body has no visible text.",
                field="body",
            )
        if changed:
            now = timezone.now()
            for field, value in changed.items():
                if field != "media":
                    setattr(locked, field, value)
            if {"body", "title", "media"} & changed.keys():
                locked.corrected = True
            locked.version += 1
            locked.updated_at = now
            locked.save()
            _touch(locked.story, now)
            event_append(
                story=locked.story, kind=kinds.ENTRY_CORRECTED, data=_entry_payload(locked)
            )
    return locked


def entry_delete(*, entry: Entry, actor: Any) -> Entry:
    """Soft-delete an entry: it leaves every page and stream, the row stays for the record."""
    if not can_edit_entry(actor, entry):
        raise PermissionDenied("You can only delete your own entries in stories you are on.")
    with transaction.atomic():
        locked = (
            Entry.objects.select_for_update(of=("self",)).select_related("story").get(pk=entry.pk)
        )
        if locked.is_deleted:
            return locked
        now = timezone.now()
        locked.deleted_at = now
        locked.pinned = False
        locked.save(update_fields=["deleted_at", "pinned"])
        _touch(locked.story, now)
        event_append(story=locked.story, kind=kinds.ENTRY_DELETED, data={"entry_id": locked.pk})
    return locked


def entry_pin(*, entry: Entry, actor: Any, pinned: bool = True) -> Entry:
    """Pin an entry above the stream (unpinning any other), or unpin it."""
    if not can_pin(actor, entry):
        raise PermissionDenied("Only editors can pin or unpin entries.")
    with transaction.atomic():
        locked = (
            Entry.objects.select_for_update(of=("self",))
            .select_related("story", "author__journalist")
            .get(pk=entry.pk)
        )
        if locked.is_deleted:
            raise ConflictError("This entry has been deleted; it cannot be pinned.")
        if locked.pinned == pinned:
            return locked
        if pinned:
            _unpin_others(locked.story, keep=locked)
        locked.pinned = pinned
        locked.save(update_fields=["pinned"])
        event_append(
            story=locked.story,
            kind=kinds.ENTRY_PINNED if pinned else kinds.ENTRY_UNPINNED,
            data=_entry_payload(locked),
        )
    return locked


# --- key points -----------------------------------------------------------------


def key_points_replace(
    *, story: Story, actor: Any, points: list[str], version: int | None = None
) -> KeyPoints:
    """Replace the "What to know" list with a new version.

    With ``version`` (the version the editor started from), a stale edit is refused.
    """
    if not can_manage_story(actor, story):
        raise PermissionDenied("Only editors can change the key points.")
    if not isinstance(points, list):
        raise ValidationError("Key points must be a list.", field="key_points")
    if len(points) > limits.KEY_POINTS_MAX_COUNT:
        raise ValidationError(
            f"There are {len(points)} key points; the limit is {limits.KEY_POINTS_MAX_COUNT}.",
            field="key_points",
        )
    cleaned = []
    for number, point in enumerate(points, start=1):
        text = _text(point, field=f"key point {number}", max_length=limits.KEY_POINT_MAX)
        if text:
            cleaned.append({"text": text, "html": markdown_inline_to_html(text)})
    with transaction.atomic():
        locked = Story.objects.select_for_update().get(pk=story.pk)
        current = KeyPoints.objects.filter(story=locked).order_by("-version").first()
        current_version = current.version if current else 0
        if version is not None and version != current_version:
            raise ConflictError(
                "Someone else changed the key points since you opened them "
                f"(you had version {version}, they are now at {current_version}). "
                "Reload, then make your change again."
            )
        key_points = KeyPoints.objects.create(
            story=locked, version=current_version + 1, points=cleaned, created_by=actor
        )
        now = timezone.now()
        _touch(locked, now)
        event_append(
            story=locked,
            kind=kinds.KEY_POINTS_CHANGED,
            data={
                "version": key_points.version,
                "points": [p["text"] for p in cleaned],
                "html": key_points_fragment(locked, key_points),
            },
        )
    return key_points
