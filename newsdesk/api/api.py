"""The JSON API (django-ninja): the newsroom's powers for scripts and wire ingest.

Reads of published content work without a token; everything else needs
``Authorization: Bearer <token>``. Every write goes through
``newsdesk.newsroom.services``; errors come back as
``{"error": "<code>", "detail": "<sentence>"}`` (see ``errors.py``).
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from ninja import Body, NinjaAPI, Query, Status

from newsdesk import conf
from newsdesk.engagement.api import router as engagement_router
from newsdesk.live.log import events_after
from newsdesk.media.api import media_json
from newsdesk.media.api import router as media_router
from newsdesk.newsroom import selectors as newsroom_selectors
from newsdesk.newsroom import services
from newsdesk.newsroom.fragments import entry_fragment
from newsdesk.newsroom.models import Entry, Section, Story
from newsdesk.newsroom.permissions import is_editor, journalist_of

from .auth import newsroom_token, optional_token
from .errors import ApiError, JsonParser, install_handlers
from .schemas import (
    MAX_ID,
    EntryCreate,
    EntryOut,
    EntryPage,
    EntryPatch,
    ErrorOut,
    EventsOut,
    KeyPointsIn,
    KeyPointsOut,
    SectionCreate,
    SectionOut,
    SectionPage,
    StoryCreate,
    StoryOut,
    StoryPage,
    StoryPatch,
)
from .selectors import BadCursor, section_resolve, story_get_for, story_page_for, story_reactions

DESCRIPTION = """\
Live stories, their entries and key points, and the story event log.

* **Tokens.** Reads of published stories need nothing. Newsroom calls need
  `Authorization: Bearer <token>` (`newsdesk createeditor NAME --token` prints one).
  A token, when sent, must be valid (else 401); with a newsroom token, lists and
  reads include the drafts its owner can work on.
* **Errors** are always `{"error": "<code>", "detail": "<sentence>"}`: `invalid` (400),
  `unauthorized` (401), `forbidden` (403), `not_found` (404), `method_not_allowed` (405),
  `conflict` (409), `too_large` (413, bodies over 1 MiB; photos over `NEWSDESK_MEDIA_MAX_BYTES`),
  `unsupported_media_type` (415, an upload that is not a JPEG, PNG, WebP, GIF or HEIC picture),
  `unavailable` (503).
* **Input is strict**: `"true"` is not a boolean and `1` is not text; unknown fields
  are refused, so a misspelt field is an error rather than silently ignored.
* **Conflicts.** A change may carry the `version` it was based on; when someone
  saved in between, the call answers 409 and changes nothing. Entry corrections
  must carry it.
* **Lists** are `{"items": [...], "next": <cursor or null>}`: pass `next` back as
  `?cursor=` (stories) or `?before=` (entries).
* An entry's `html` is its `<article>` exactly as the story page and the live
  stream render it; `body_html` is the body alone. Both are sanitised.
* **Photos** are uploaded to `/api/media` (multipart: `file`, `alt`, `caption`, `credit`,
  `decorative`) and shown in entries by id (`media`, in order) and on stories (`image`).
"""

api = NinjaAPI(
    title="Newsdesk API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    parser=JsonParser(),
)
install_handlers(api)
api.add_router("/", engagement_router)
api.add_router("/", media_router)

READ_ERRORS = {400: ErrorOut, 401: ErrorOut, 404: ErrorOut}
WRITE_ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}
Limit = Query[int, {"ge": 1, "le": 100, "description": "Items per page, 1 to 100."}]
Before = Query[int | None, {"ge": 1, "le": MAX_ID, "description": "An entry id: page below it."}]
After = Query[int, {"ge": 0, "le": MAX_ID, "description": "The last sequence number seen."}]

# Readers poll the delta; a CDN may answer for a few seconds, and serve a
# slightly stale copy while it revalidates (RFC 5861).
EVENTS_CACHE_CONTROL = "public, max-age=2, s-maxage=2, stale-while-revalidate=5"


_DIGITS = re.compile(r"[0-9]+")


def whole_numbers_only(request: HttpRequest, *names: str) -> None:
    """Refuse number parameters written other than as plain digits, or given twice.

    Pydantic's lax parsing would read ``+1``, `` 1`` and ``1.0`` as 1, and a
    repeated parameter as its last value; the live stream refuses both, so the
    API does too (which value a cache or proxy honours is anyone's guess).
    """
    for name in names:
        values = request.GET.getlist(name)
        if len(values) > 1:
            raise ApiError(400, f"The {name} parameter must be given once.")
        if values and not _DIGITS.fullmatch(values[0]):
            raise ApiError(400, f"The {name} parameter must be a whole number.")


# --- JSON shapes ----------------------------------------------------------------------


def _byline(user: Any) -> dict[str, str] | None:
    if user is None:
        return None
    journalist = journalist_of(user)
    return {"name": journalist.byline if journalist else user.get_full_name() or "Newsdesk"}


def section_json(section: Section) -> dict[str, Any]:
    parent_path = section.path.rpartition("/")[0]
    return {
        "id": section.pk,
        "name": section.name,
        "slug": section.slug,
        "path": section.path,
        "parent": parent_path or None,
        "url": section.get_absolute_url(),
    }


def story_json(story: Story) -> dict[str, Any]:
    authors = getattr(story, "author_list", None)
    if authors is None:
        authors = list(story.authors.select_related("journalist").order_by("pk"))
    return {
        "id": story.pk,
        "slug": story.slug,
        "headline": story.headline,
        "standfirst": story.standfirst,
        "body": story.body,
        "html": story.body_html,
        "section": story.section.path,
        "status": story.status,
        "live": story.live,
        "url": story.get_absolute_url(),
        "events_url": story.get_events_url(),
        "reactions": story_reactions(story=story),
        "published_at": story.published_at,
        "updated_at": story.updated_at,
        "coverage_start": story.coverage_start,
        "coverage_end": story.coverage_end,
        "version": story.version,
        "last_seq": story.last_seq,
        "authors": [a for a in (_byline(user) for user in authors) if a],
        "image": story.image_id,
        "image_url": _preview_image_url(story),
    }


def _preview_image_url(story: Story) -> str | None:
    """The story's picture at link-preview size: its own image, else the newest entry photo."""
    photo = newsroom_selectors.story_image(story=story)
    if photo is None:
        return None
    rendition = photo.rendition(1200)
    return rendition["url"] if rendition else None


def entry_json(entry: Entry, story: Story) -> dict[str, Any]:
    photos = entry.photos
    return {
        "id": entry.pk,
        "story": story.pk,
        "title": entry.title,
        "body": entry.body,
        "html": entry_fragment(entry),
        "body_html": entry.body_html,
        "author": _byline(entry.author),
        "published_at": entry.published_at,
        "updated_at": entry.updated_at,
        "version": entry.version,
        "corrected": entry.corrected,
        "key_event": entry.key_event,
        "pinned": entry.pinned,
        "url": f"{story.get_absolute_url()}#{entry.anchor}",
        "media": [photo.pk for photo in photos],
        "media_items": [media_json(photo) for photo in photos],
    }


def key_points_json(story: Story) -> dict[str, Any]:
    current = newsroom_selectors.key_points_current(story=story)
    return {
        "story": story.pk,
        "version": current.version if current else 0,
        "points": [
            {"text": p.get("text", ""), "html": p.get("html", "")}
            for p in (current.points if current else [])
        ],
    }


# --- lookups --------------------------------------------------------------------------


def _story(request: HttpRequest, story_id: int, *, authors: bool = True) -> Story:
    user = request.auth  # type: ignore[attr-defined]
    story = story_get_for(user=user, story_id=story_id, authors=authors)
    if story is None:
        raise ApiError(404, f"There is no story {story_id}.")
    return story


def _entry(story: Story, entry_id: int) -> Entry:
    entry = None
    if 0 < entry_id <= MAX_ID:
        entry = newsroom_selectors.entry_get(story=story, entry_id=entry_id)
    if entry is None:
        raise ApiError(404, f"Story {story.pk} has no entry {entry_id}.")
    entry.story = story
    return entry


def _section(ref: str, *, field: str) -> Section:
    section = section_resolve(ref=ref)
    if section is None:
        raise ApiError(
            400,
            f"The {field} {ref[:80]!r} matches no section (or several: give its path, e.g. world/asia).",
        )
    return section


# --- sections -------------------------------------------------------------------------


@api.get("/sections", response={200: SectionPage, **READ_ERRORS}, auth=optional_token)
def sections_list(request: HttpRequest) -> dict[str, Any]:
    """Every section, in navigation order (one page)."""
    sections = newsroom_selectors.section_list().order_by("path")
    return {"items": [section_json(s) for s in sections], "next": None}


@api.post("/sections", response={201: SectionOut, **WRITE_ERRORS}, auth=newsroom_token)
def sections_create(request: HttpRequest, payload: SectionCreate) -> Status[dict[str, Any]]:
    """Create a section, under ``parent`` (a slug or path) when given. Editors only."""
    if not is_editor(request.auth):  # type: ignore[attr-defined]
        raise ApiError(403, "Only editors can create sections.")
    parent = _section(payload.parent, field="parent") if payload.parent is not None else None
    section = services.section_create(name=payload.name, slug=payload.slug, parent=parent)
    return Status(201, section_json(section))


# --- stories --------------------------------------------------------------------------


@api.get("/stories", response={200: StoryPage, **READ_ERRORS}, auth=optional_token)
def stories_list(
    request: HttpRequest,
    cursor: str | None = None,
    limit: Limit = 20,
    section: str | None = None,
    status: str | None = None,
) -> dict[str, Any]:
    """Stories newest first, a page at a time: readers see published ones, the newsroom drafts too."""
    whole_numbers_only(request, "limit")
    found = None
    if section is not None:
        found = section_resolve(ref=section)
        if found is None:
            raise ApiError(404, f"There is no section {section[:80]!r}.")
    if status is not None and status not in Story.Status.values:
        raise ApiError(
            400, f"The status parameter must be one of {', '.join(Story.Status.values)}."
        )
    if cursor is not None and len(cursor) > 200:
        raise ApiError(400, "The cursor is not one this API handed out.")
    try:
        stories, next_cursor = story_page_for(
            user=request.auth,  # type: ignore[attr-defined]
            section=found,
            status=status,
            cursor=cursor,
            limit=limit,
        )
    except BadCursor as error:
        raise ApiError(400, "The cursor is not one this API handed out.") from error
    return {"items": [story_json(s) for s in stories], "next": next_cursor}


@api.post("/stories", response={201: StoryOut, **WRITE_ERRORS}, auth=newsroom_token)
def stories_create(request: HttpRequest, payload: StoryCreate) -> Status[dict[str, Any]]:
    """Create a live story or an article; without a status it starts live (or published)."""
    story = services.story_create(
        section=_section(payload.section, field="section"),
        headline=payload.headline,
        author=request.auth,  # type: ignore[attr-defined]
        standfirst=payload.standfirst,
        body=payload.body,
        live=payload.live,
        status=payload.status,
        slug=payload.slug,
        image=payload.image,
    )
    return Status(201, story_json(_story(request, story.pk)))


@api.get("/stories/{story_id}", response={200: StoryOut, **READ_ERRORS}, auth=optional_token)
def stories_read(request: HttpRequest, story_id: int) -> dict[str, Any]:
    """One story."""
    return story_json(_story(request, story_id))


@api.patch("/stories/{story_id}", response={200: StoryOut, **WRITE_ERRORS}, auth=newsroom_token)
def stories_update(request: HttpRequest, story_id: int, payload: StoryPatch) -> dict[str, Any]:
    """Change headline, standfirst, body, section or status; with ``version``, a stale edit is refused."""
    story = _story(request, story_id)
    section = _section(payload.section, field="section") if payload.section is not None else None
    services.story_update(
        story=story,
        actor=request.auth,  # type: ignore[attr-defined]
        version=payload.version,
        headline=payload.headline,
        standfirst=payload.standfirst,
        body=payload.body,
        status=payload.status,
        section=section,
        image=payload.image if "image" in payload.model_fields_set else services.UNSET,
    )
    return story_json(_story(request, story_id))


# --- entries --------------------------------------------------------------------------


@api.get(
    "/stories/{story_id}/entries", response={200: EntryPage, **READ_ERRORS}, auth=optional_token
)
def entries_list(
    request: HttpRequest,
    story_id: int,
    before: Before = None,
    limit: Limit = 20,
) -> dict[str, Any]:
    """A page of the story's entries, newest first; ``before`` pages to older ones."""
    whole_numbers_only(request, "before", "limit")
    story = _story(request, story_id)
    if before is not None and not Entry.objects.filter(story=story, pk=before).exists():
        raise ApiError(400, f"The before parameter names no entry of story {story_id}.")
    entries, next_id = newsroom_selectors.entry_page(story=story, before=before, limit=limit)
    return {
        "items": [entry_json(e, story) for e in entries],
        "next": str(next_id) if next_id is not None else None,
    }


@api.post(
    "/stories/{story_id}/entries", response={201: EntryOut, **WRITE_ERRORS}, auth=newsroom_token
)
def entries_create(
    request: HttpRequest, story_id: int, payload: EntryCreate
) -> Status[dict[str, Any]]:
    """Publish an entry (Markdown) at the top of a live story."""
    story = _story(request, story_id, authors=False)
    entry = services.entry_publish(
        story=story,
        author=request.auth,  # type: ignore[attr-defined]
        body=payload.body,
        title=payload.title,
        key_event=payload.key_event,
        pinned=payload.pinned,
        media=payload.media,
    )
    return Status(201, entry_json(entry, story))


@api.get(
    "/stories/{story_id}/entries/{entry_id}",
    response={200: EntryOut, **READ_ERRORS},
    auth=optional_token,
)
def entries_read(request: HttpRequest, story_id: int, entry_id: int) -> dict[str, Any]:
    """One entry."""
    story = _story(request, story_id)
    return entry_json(_entry(story, entry_id), story)


@api.patch(
    "/stories/{story_id}/entries/{entry_id}",
    response={200: EntryOut, **WRITE_ERRORS},
    auth=newsroom_token,
)
def entries_update(
    request: HttpRequest, story_id: int, entry_id: int, payload: EntryPatch
) -> dict[str, Any]:
    """Correct an entry (body, title, key event) and pin or unpin it; a stale ``version`` is refused."""
    story = _story(request, story_id)
    entry = _entry(story, entry_id)
    user = request.auth  # type: ignore[attr-defined]
    corrects = any(
        v is not None for v in (payload.body, payload.title, payload.key_event, payload.media)
    )
    pins = payload.pinned is not None and payload.pinned != entry.pinned
    # One transaction: a refused pin leaves no half-applied correction behind.
    with transaction.atomic():
        if corrects:
            entry = services.entry_correct(
                entry=entry,
                actor=user,
                version=payload.version,
                body=payload.body,
                title=payload.title,
                key_event=payload.key_event,
                media=payload.media,
            )
        elif payload.version != entry.version:
            raise ApiError(
                409,
                "Someone else changed this entry since you opened it "
                f"(you had version {payload.version}, it is now {entry.version}). "
                "Reload, then make your change again.",
            )
        if pins:
            entry = services.entry_pin(entry=entry, actor=user, pinned=bool(payload.pinned))
    return entry_json(_entry(story, entry_id), story)


@api.delete(
    "/stories/{story_id}/entries/{entry_id}",
    response={204: None, **WRITE_ERRORS},
    auth=newsroom_token,
)
def entries_delete(request: HttpRequest, story_id: int, entry_id: int) -> HttpResponse:
    """Delete an entry: it leaves the page and every stream."""
    story = _story(request, story_id)
    services.entry_delete(entry=_entry(story, entry_id), actor=request.auth)  # type: ignore[attr-defined]
    return HttpResponse(status=204)


# --- key points -----------------------------------------------------------------------


@api.get(
    "/stories/{story_id}/key-points",
    response={200: KeyPointsOut, **READ_ERRORS},
    auth=optional_token,
)
def key_points_read(request: HttpRequest, story_id: int) -> dict[str, Any]:
    """The story's current "What to know" list."""
    return key_points_json(_story(request, story_id))


@api.put(
    "/stories/{story_id}/key-points",
    response={200: KeyPointsOut, **WRITE_ERRORS},
    auth=newsroom_token,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {
                        "oneOf": [
                            {
                                "type": "array",
                                "items": {"$ref": "#/components/schemas/KeyPointIn"},
                            },
                            {"$ref": "#/components/schemas/KeyPointsIn"},
                        ]
                    }
                }
            },
        }
    },
)
def key_points_replace(
    request: HttpRequest, story_id: int, payload: Body[KeyPointsIn]
) -> dict[str, Any]:
    """Replace the "What to know" list: a list of ``{"text": ...}``, or ``{"points": [...], "version": n}``."""
    story = _story(request, story_id)
    services.key_points_replace(
        story=story,
        actor=request.auth,  # type: ignore[attr-defined]
        points=[p.text for p in payload.points],
        version=payload.version,
    )
    return key_points_json(story)


# --- the event log delta --------------------------------------------------------------


@api.get(
    "/stories/{story_id}/events",
    response={200: EventsOut, 304: None, **READ_ERRORS},
    auth=optional_token,
)
def events_delta(
    request: HttpRequest,
    response: HttpResponse,
    story_id: int,
    after: After = 0,
) -> Any:
    """Events of the story's log after ``after``, oldest first; ``reset`` when the page must reload."""
    whole_numbers_only(request, "after")
    story = _story(request, story_id)
    head = story.last_seq
    limit = conf.get_int("REPLAY_LIMIT")
    reset = after > head or head - after > limit
    anonymous = not request.auth.is_authenticated  # type: ignore[attr-defined]
    # The log is append-only: (story, after, head, status) fixes the body.
    tag = hashlib.sha256(f"{story.pk}:{after}:{head}:{story.status}:{limit}".encode()).hexdigest()
    headers = {
        "ETag": f'"{tag[:32]}"',
        "Cache-Control": EVENTS_CACHE_CONTROL if anonymous else "private, no-cache",
        "Vary": "Authorization",
    }
    if headers["ETag"] in _if_none_match(request):
        return HttpResponse(status=304, headers=headers)
    for name, value in headers.items():
        response[name] = value
    events = [] if reset else events_after(story_id=story.pk, after=after, limit=limit)
    # Events appended since the head was read belong to the next poll: the body
    # must be exactly what (after, head) names, or the ETag would lie.
    events = [e for e in events if e["seq"] <= head]
    return {
        "story": story.pk,
        "last_seq": head,
        "events": [
            {"seq": e["seq"], "kind": e["kind"], "data": e["data"], "at": e["at"]} for e in events
        ],
        "reset": reset,
    }


def _if_none_match(request: HttpRequest) -> set[str]:
    header = request.headers.get("If-None-Match", "")
    return {tag.strip().removeprefix("W/") for tag in header.split(",") if tag.strip()}
