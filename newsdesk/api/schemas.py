"""Shapes of the JSON API: what each call accepts and returns.

Input schemas are strict (``"true"`` is not a boolean, ``1`` is not text) and
refuse unknown fields, so a typo in a field name is an error instead of a
silent no-op. Lengths and allowed values are checked by the newsroom services,
which word the messages.
"""

from __future__ import annotations

import datetime
from typing import Annotated, Any

from ninja import Schema
from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, StrictStr, model_validator

# Ids and sequence numbers are 64-bit in the database; anything larger is no id.
MAX_ID = 2**63 - 1
VERSION_MAX = 2**31 - 1


class StrictIn(BaseModel):
    """Request bodies: plain pydantic, no ORM-object reading."""

    model_config = ConfigDict(strict=True, extra="forbid")


# --- errors -----------------------------------------------------------------------


class ErrorOut(Schema):
    error: str = Field(description="Machine-readable code: invalid, unauthorized, forbidden, ...")
    detail: str = Field(description="A sentence saying what went wrong and how to fix it.")


# --- sections ---------------------------------------------------------------------


class SectionOut(Schema):
    id: int
    name: str
    slug: str
    path: str = Field(description="Slugs from the root section down, joined by '/'.")
    parent: str | None = Field(description="The parent section's path, or null.")
    url: str


class SectionPage(Schema):
    items: list[SectionOut]
    next: str | None


class SectionCreate(StrictIn):
    name: StrictStr
    slug: StrictStr = ""
    parent: StrictStr = Field(default=None, description="Slug or path of the parent section.")  # type: ignore[assignment]


# --- stories ----------------------------------------------------------------------


class AuthorOut(Schema):
    name: str


class StoryOut(Schema):
    id: int
    slug: str
    headline: str
    standfirst: str
    body: str = Field(description="Markdown body of an article; empty for a live story.")
    html: str = Field(description="The body rendered and sanitised.")
    section: str = Field(description="The section's path, e.g. world/asia.")
    status: str = Field(description="draft, live or ended (live); draft or published (article).")
    live: bool
    url: str = Field(description="The reader page, absolute path.")
    events_url: str = Field(description="The story's Server-Sent Events stream.")
    reactions: dict[str, int] = Field(description="Reaction kind to count.")
    published_at: datetime.datetime | None
    updated_at: datetime.datetime
    coverage_start: datetime.datetime | None
    coverage_end: datetime.datetime | None
    version: int = Field(description="Send back with a change to detect conflicting edits.")
    last_seq: int = Field(description="Head of the story's event log.")
    authors: list[AuthorOut]
    image: int | None = Field(description="The story's own photo (a media id), or null.")
    image_url: str | None = Field(
        description="Link-preview picture (1200 wide): the story's photo, else the newest entry photo."
    )


class StoryPage(Schema):
    items: list[StoryOut]
    next: str | None = Field(description="Pass as ?cursor= for the next page; null at the end.")


class StoryCreate(StrictIn):
    headline: StrictStr
    section: StrictStr = Field(description="Slug or path of the section.")
    standfirst: StrictStr = ""
    body: StrictStr = Field(default="", description="Markdown; for an article.")
    live: StrictBool = True
    status: StrictStr = Field(
        default=None, description="Default: live for a live story, published for an article."
    )  # type: ignore[assignment]
    slug: StrictStr = ""
    image: StrictInt | None = Field(
        default=None, ge=1, le=MAX_ID, description="A photo id for link previews and lists."
    )


class StoryPatch(StrictIn):
    headline: StrictStr = None  # type: ignore[assignment]
    standfirst: StrictStr = None  # type: ignore[assignment]
    body: StrictStr = None  # type: ignore[assignment]
    status: StrictStr = None  # type: ignore[assignment]
    section: StrictStr = Field(
        default=None, description="Slug or path of the section to move the story to."
    )  # type: ignore[assignment]
    image: StrictInt | None = Field(
        default=None, ge=1, le=MAX_ID, description="A photo id; null removes the story's photo."
    )
    version: StrictInt = Field(
        default=None, ge=1, le=VERSION_MAX, description="The version the change is based on."
    )  # type: ignore[assignment]


# --- entries ----------------------------------------------------------------------


class EntryOut(Schema):
    id: int
    story: int
    title: str
    body: str = Field(description="Markdown, as written.")
    html: str = Field(
        description="The entry's <article> as the story page and the stream render it (sanitised)."
    )
    body_html: str = Field(description="The body alone, rendered and sanitised.")
    author: AuthorOut | None
    published_at: datetime.datetime
    updated_at: datetime.datetime
    version: int
    corrected: bool
    key_event: bool
    pinned: bool
    url: str = Field(description="Permalink: the story page and the entry's anchor.")
    media: list[int] = Field(description="Ids of the photos shown after the body, in order.")
    media_items: list[dict[str, Any]] = Field(
        description="Those photos with their renditions (as GET /api/media/{id})."
    )


class EntryPage(Schema):
    items: list[EntryOut]
    next: str | None = Field(description="Pass as ?before= for older entries; null at the end.")


MediaIds = list[Annotated[StrictInt, Field(ge=1, le=MAX_ID)]]


class EntryCreate(StrictIn):
    body: StrictStr = Field(default="", description="Markdown; may be empty when photos are given.")
    title: StrictStr = ""
    key_event: StrictBool = False
    pinned: StrictBool = False
    media: MediaIds = Field(
        default=None,
        description="Photo ids (from POST /api/media), shown after the body in this order.",
    )  # type: ignore[assignment]


class EntryPatch(StrictIn):
    version: StrictInt = Field(
        ge=1, le=VERSION_MAX, description="The version the correction is based on."
    )
    body: StrictStr = None  # type: ignore[assignment]
    title: StrictStr = None  # type: ignore[assignment]
    key_event: StrictBool = None  # type: ignore[assignment]
    pinned: StrictBool = None  # type: ignore[assignment]
    media: MediaIds = Field(
        default=None, description="Replace the entry's photos (an empty list removes them)."
    )  # type: ignore[assignment]


# --- key points -------------------------------------------------------------------


class KeyPointIn(StrictIn):
    text: StrictStr


class KeyPointsIn(StrictIn):
    """A bare list of points, or ``{"points": [...], "version": n}``."""

    points: list[KeyPointIn]
    version: StrictInt = Field(
        default=None,
        ge=0,
        le=VERSION_MAX,
        description="The version the new list is based on (0 before the first).",
    )  # type: ignore[assignment]

    @model_validator(mode="before")
    @classmethod
    def _accept_bare_list(cls, data: Any) -> Any:
        if isinstance(data, list):
            return {"points": data}
        return data


class KeyPointOut(Schema):
    text: str
    html: str


class KeyPointsOut(Schema):
    story: int
    version: int
    points: list[KeyPointOut]


# --- events -----------------------------------------------------------------------


class EventOut(Schema):
    seq: int
    kind: str
    data: dict[str, Any]
    at: str


class EventsOut(Schema):
    story: int
    last_seq: int = Field(description="Head of the log: pass as ?after= next time.")
    events: list[EventOut]
    reset: bool = Field(description="True: too far behind (or ahead); reload the page.")
