"""The desk's photo library and story images.

``/desk/media/`` lists the library (HTML, or JSON for desk.js's picker) and
takes uploads: desk.js sends one file per request and gets the photo back as
JSON (with the composer's card for it, rendered here so that the page and the
script show a photo the same way); a plain form is answered with a redirect.
Every upload goes through ``media.services.media_create``, which judges the
file by its content and says in a sentence why it refuses one.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db import DatabaseError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from newsdesk.media import services as media_services
from newsdesk.media.models import Media
from newsdesk.media.selectors import media_get
from newsdesk.newsroom import services
from newsdesk.newsroom.errors import NewsroomError

from .forms import PhotoForm
from .photos import AttachedPhoto, EntryPhotos
from .views import (
    DB_DOWN_SAVE,
    database_down,
    editor_only,
    int_or_none,
    journalist_required,
    library_page,
    photo_limits,
    status_for,
    story_for,
    upload_bounded,
    wants_json,
    write_failed,
)

NO_FILE = "Choose a photo to upload."


def photo_json(request: HttpRequest, photo: AttachedPhoto) -> dict[str, Any]:
    """A photo as desk.js needs it: its description, a thumbnail and the composer's card."""
    media = photo.media
    return {
        "id": media.pk,
        "filename": media.filename,
        "width": media.width,
        "height": media.height,
        "alt": media.alt,
        "caption": media.caption,
        "credit": media.credit,
        "decorative": media.decorative,
        "described": media.described,
        "version": media.version,
        "thumb": photo.thumb and {k: photo.thumb[k] for k in ("url", "width", "height")},
        "card": render_to_string(
            "desk/_photo_card.html", {"photo": photo, "number": 1}, request
        ).strip(),
    }


def media_for(media_id: int) -> Media:
    media = media_get(media_id=media_id)
    if media is None:
        raise Http404("There is no such photo in the library.")
    return media


def library_html(
    request: HttpRequest,
    *,
    status: int = 200,
    error: str = "",
    typed: tuple[int, Any] | None = None,
) -> HttpResponse:
    """The library page; ``typed`` is a photo's description form sent back with its text."""
    page = library_page(request)
    rows = []
    for media in page["photos"]:
        row = AttachedPhoto.of(media, user=request.user)
        if typed is not None and typed[0] == media.pk:
            data = typed[1]
            row.alt = data.get("alt", "")
            row.caption = data.get("caption", "")
            row.credit = data.get("credit", "")
            row.decorative = bool(data.get("decorative"))
            row.version = int_or_none(data.get("version")) or media.version
        rows.append(row)
    context = {**page, "rows": rows, "error": error, "photo_limits": photo_limits()}
    return render(request, "desk/media_library.html", context, status=status)


def safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


@upload_bounded
@journalist_required
@require_http_methods(["GET", "POST"])
def media_library(request: HttpRequest) -> HttpResponse:
    """GET: the library, newest first (``q`` searches). POST: upload ``file`` (or several)."""
    if request.method == "GET":
        if wants_json(request):
            page = library_page(request)
            items = [
                photo_json(request, AttachedPhoto.of(m, user=request.user)) for m in page["photos"]
            ]
            return JsonResponse({"items": items, "next": page["next"]})
        return library_html(request)
    files = request.FILES.getlist("file") + request.FILES.getlist("files")
    if not files:
        if wants_json(request):
            return JsonResponse({"error": "invalid", "detail": NO_FILE}, status=400)
        return library_html(request, status=400, error=NO_FILE)
    photos = EntryPhotos()
    try:
        photos.upload(
            files,
            user=request.user,
            alt=request.POST.get("alt", ""),
            caption=request.POST.get("caption", ""),
            credit=request.POST.get("credit", ""),
            decorative=bool(request.POST.get("decorative")),
        )
    except DatabaseError:
        if wants_json(request):
            return JsonResponse({"error": "unavailable", "detail": DB_DOWN_SAVE}, status=503)
        return render(request, "desk/refused.html", {"detail": DB_DOWN_SAVE}, status=503)
    if wants_json(request):
        if photos.refused:
            refusal = photos.refused[0]
            body = {"error": refusal.error.code, "detail": refusal.detail}
            return JsonResponse(body, status=status_for(refusal.error))
        return JsonResponse(
            {**photo_json(request, photos.photos[0]), "detail": "Uploaded."}, status=201
        )
    for refusal in photos.refused:
        messages.error(request, f"{refusal.filename} was not uploaded: {refusal.detail}")
    if photos.photos:
        count = len(photos.photos)
        messages.success(request, "Photo uploaded." if count == 1 else f"{count} photos uploaded.")
    first = f"#photo-{photos.photos[0].pk}" if photos.photos else ""
    return redirect(safe_next(request, reverse("desk:media_library") + first))


@journalist_required
@require_POST
def media_describe(request: HttpRequest, media_id: int) -> HttpResponse:
    """Save a photo's alt text, caption, credit and decorative mark (version checked)."""
    media = media_for(media_id)
    form = PhotoForm(request.POST)
    if not form.is_valid():
        return library_html(
            request,
            status=400,
            error="The description was not saved.",
            typed=(media.pk, request.POST),
        )
    data = form.cleaned_data
    try:
        media_services.media_update(
            media=media,
            actor=request.user,
            version=data["version"],
            alt=data["alt"],
            caption=data["caption"],
            credit=data["credit"],
            decorative=data["decorative"],
        )
    except NewsroomError as error:
        return library_html(
            request, status=status_for(error), error=error.detail, typed=(media.pk, request.POST)
        )
    except DatabaseError:
        return library_html(request, status=503, error=DB_DOWN_SAVE, typed=(media.pk, request.POST))
    messages.success(request, "Description saved.")
    return redirect(reverse("desk:media_library") + f"#photo-{media.pk}")


@journalist_required
@require_POST
def media_delete(request: HttpRequest, media_id: int) -> HttpResponse:
    """Delete a photo nothing uses; the refusal names what uses it."""
    media = media_for(media_id)
    try:
        media_services.media_delete(media=media, actor=request.user)
    except NewsroomError as error:
        return library_html(request, status=status_for(error), error=error.detail)
    except DatabaseError:
        return library_html(request, status=503, error=DB_DOWN_SAVE)
    messages.success(request, "Photo deleted.")
    return redirect("desk:media_library")


@journalist_required
@require_http_methods(["GET", "POST"])
def story_image(request: HttpRequest, story_id: int) -> HttpResponse:
    """Choose the story's image from the library (editors), or clear it."""
    story = story_for(request, story_id)
    editor_only(request, story)
    if request.method == "GET":
        context = {**library_page(request), "story": story, "photo_limits": photo_limits()}
        return render(request, "desk/story_image.html", context)
    raw = request.POST.get("image", "").strip()
    image = int_or_none(raw) if raw else None
    if raw and image is None:
        context = {
            **library_page(request),
            "story": story,
            "photo_limits": photo_limits(),
            "error": "Choose a photo from the library.",
        }
        return render(request, "desk/story_image.html", context, status=400)
    try:
        services.story_update(story=story, actor=request.user, image=image)
    except NewsroomError as error:
        return write_failed(request, story, error)
    except DatabaseError:
        return database_down(request, story, DB_DOWN_SAVE)
    if image is None:
        messages.success(request, "Story image cleared: the newest entry photo stands in for it.")
    else:
        messages.success(request, "Story image set.")
    return redirect(reverse("desk:story_detail", args=[story.pk]) + "#story-image")
