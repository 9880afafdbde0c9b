"""The photo library in the JSON API: ``/api/media`` (newsroom tokens only).

An upload is ``multipart/form-data`` with the picture in ``file`` and
optional ``alt``, ``caption``, ``credit`` and ``decorative``; the answer is the
photo with its renditions. What the file is, is judged by its content.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field, StrictBool, StrictInt, StrictStr

from newsdesk.api.auth import newsroom_token
from newsdesk.api.errors import ApiError
from newsdesk.api.schemas import MAX_ID, VERSION_MAX, ErrorOut, StrictIn

from . import processing, selectors, services
from .models import Media

router = Router(tags=["media"])

ERRORS = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    413: ErrorOut,
    415: ErrorOut,
}
Limit = Query[int, {"ge": 1, "le": 100, "description": "Items per page, 1 to 100."}]
Before = Query[int | None, {"ge": 1, "le": MAX_ID, "description": "A photo id: page below it."}]


class RenditionOut(Schema):
    url: str
    width: int
    height: int
    format: str = Field(description="webp, jpeg or png.")


class MediaOut(Schema):
    id: int
    url: str = Field(description="The largest rendition in JPEG (PNG for transparency).")
    width: int
    height: int
    alt: str
    decorative: bool = Field(description="True: no alt text needed (adds nothing for readers).")
    caption: str
    credit: str
    filename: str
    renditions: list[RenditionOut] = Field(description="Every rendition, largest first.")
    created_at: Any
    updated_at: Any
    version: int


class MediaPage(Schema):
    items: list[MediaOut]
    next: str | None


class MediaPatch(StrictIn):
    alt: StrictStr = None  # type: ignore[assignment]
    caption: StrictStr = None  # type: ignore[assignment]
    credit: StrictStr = None  # type: ignore[assignment]
    decorative: StrictBool = None  # type: ignore[assignment]
    version: StrictInt = Field(
        default=None, ge=1, le=VERSION_MAX, description="The version the change is based on."
    )  # type: ignore[assignment]


def media_json(media: Media) -> dict[str, Any]:
    """A photo as the API shows it."""
    return {
        "id": media.pk,
        "url": media.url,
        "width": media.width,
        "height": media.height,
        "alt": media.alt,
        "decorative": media.decorative,
        "caption": media.caption,
        "credit": media.credit,
        "filename": media.filename,
        "renditions": [
            {"url": r["url"], "width": r["width"], "height": r["height"], "format": r["format"]}
            for r in media.rendition_list()
        ],
        "created_at": media.created_at,
        "updated_at": media.updated_at,
        "version": media.version,
    }


def _media(media_id: int) -> Media:
    media = selectors.media_get(media_id=media_id)
    if media is None:
        raise ApiError(404, f"There is no photo {media_id}.")
    return media


@router.get("/media", response={200: MediaPage, **ERRORS}, auth=newsroom_token)
def media_list(
    request: HttpRequest, q: str | None = None, before: Before = None, limit: Limit = 30
) -> dict[str, Any]:
    """The photo library, newest first; ``q`` searches alt text, caption, credit and file name."""
    rows, cursor = selectors.media_search(q=q or "", before=before, limit=limit)
    return {
        "items": [media_json(m) for m in rows],
        "next": str(cursor) if cursor is not None else None,
    }


@router.post("/media", response={201: MediaOut, **ERRORS}, auth=newsroom_token)
def media_upload(
    request: HttpRequest,
    file: File[UploadedFile],
    alt: Form[str] = "",
    caption: Form[str] = "",
    credit: Form[str] = "",
    decorative: Form[bool] = False,
) -> Status[dict[str, Any]]:
    """Upload a photo (JPEG, PNG, WebP, GIF or HEIC): its metadata is removed, renditions made."""
    max_bytes, _ = services.media_limits()
    if file.size is not None and file.size > max_bytes:
        raise ApiError(413, processing.too_big(file.size, max_bytes))
    media = services.media_create(
        data=file.read(),
        filename=file.name or "",
        alt=alt,
        caption=caption,
        credit=credit,
        decorative=decorative,
        actor=request.auth,  # type: ignore[attr-defined]
    )
    return Status(201, media_json(media))


@router.get("/media/{media_id}", response={200: MediaOut, **ERRORS}, auth=newsroom_token)
def media_read(request: HttpRequest, media_id: int) -> dict[str, Any]:
    """One photo."""
    return media_json(_media(media_id))


@router.patch("/media/{media_id}", response={200: MediaOut, **ERRORS}, auth=newsroom_token)
def media_update(request: HttpRequest, media_id: int, payload: MediaPatch) -> dict[str, Any]:
    """Change alt text, caption, credit or the decorative mark; entries showing it change live."""
    media = services.media_update(
        media=_media(media_id),
        actor=request.auth,  # type: ignore[attr-defined]
        version=payload.version,
        alt=payload.alt,
        caption=payload.caption,
        credit=payload.credit,
        decorative=payload.decorative,
    )
    return media_json(media)


@router.delete("/media/{media_id}", response={204: None, **ERRORS}, auth=newsroom_token)
def media_delete(request: HttpRequest, media_id: int) -> HttpResponse:
    """Delete a photo that no entry or story uses (409 naming them otherwise)."""
    services.media_delete(media=_media(media_id), actor=request.auth)  # type: ignore[attr-defined]
    return HttpResponse(status=204)
