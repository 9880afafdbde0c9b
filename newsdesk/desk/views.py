"""The newsroom desk: story list, live composer, and the editors' story controls.

Every write goes through ``newsroom.services``. A ``NewsroomError`` comes back
as the page with its sentence and a fitting status (409 conflict, 403
forbidden, 400 invalid); the database being away is a 503 that keeps what the
journalist typed. JSON answers (``Accept: application/json``) serve desk.js.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.db import DatabaseError, InterfaceError, OperationalError, transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from newsdesk.embeds.selectors import embeds_failed_attach
from newsdesk.embeds.services import entry_body_render
from newsdesk.media import processing
from newsdesk.media import services as media_services
from newsdesk.media.errors import TooLarge, Unsupported
from newsdesk.media.selectors import media_search
from newsdesk.newsroom import limits, selectors, services
from newsdesk.newsroom.errors import (
    ConflictError,
    NewsroomError,
    NotFound,
    PermissionDenied,
    ValidationError,
)
from newsdesk.newsroom.models import Entry, Story
from newsdesk.newsroom.permissions import (
    can_edit_entry,
    can_manage_story,
    can_pin,
    can_post_in,
    is_editor,
    journalist_of,
)

from .forms import (
    AssignForm,
    EntryEditForm,
    EntryForm,
    KeyPointsForm,
    StoryCreateForm,
    StoryEditForm,
)
from .photos import EntryPhotos
from .selectors import story_list_with_entry_counts

logger = logging.getLogger(__name__)

ENTRIES_PER_PAGE = 50
# Photos listed at once by the library picker and pages.
LIBRARY_PAGE = 24
# Files one form may send at once without the script (which sends one per request).
FILES_AT_ONCE = 4
# A form's text fields and multipart framing, beyond its files.
UPLOAD_OVERHEAD_BYTES = 256 * 1024

DB_DOWN_PUBLISH = "The database is not reachable; your entry was not published. Try again."
DB_DOWN_SAVE = "The database is not reachable; your change was not saved. Try again."
DB_DOWN_READ = "The database is not reachable, so the desk cannot show this page. Try again."
# Fields of desk forms whose text is handed back when the database could not take it.
KEPT_FIELDS = [
    ("title", "Title"),
    ("body", "Entry"),
    ("headline", "Headline"),
    ("standfirst", "Standfirst"),
    ("points", "Key points"),
]
NO_ROLE = (
    "Your account has no newsroom role, so it cannot use the desk. "
    "Ask an editor to give you one, or sign in with another account."
)
NOT_ASSIGNED = "You are not assigned to this story, so you cannot work on it. Ask an editor."

ERROR_STATUS: list[tuple[type[NewsroomError], int]] = [
    (TooLarge, 413),
    (Unsupported, 415),
    (ConflictError, 409),
    (PermissionDenied, 403),
    (NotFound, 404),
    (ValidationError, 400),
]


class DeskForbidden(Exception):
    """Raised inside a desk view to answer with the 403 page and this sentence."""


def status_for(error: NewsroomError) -> int:
    for cls, status in ERROR_STATUS:
        if isinstance(error, cls):
            return status
    return 400


def wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def forbidden(request: HttpRequest, detail: str) -> HttpResponse:
    if wants_json(request):
        return JsonResponse({"error": "forbidden", "detail": detail}, status=403)
    return render(request, "desk/forbidden.html", {"detail": detail}, status=403)


def journalist_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Sign-in for everyone; the desk itself only for users with a newsroom role."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if journalist_of(request.user) is None:
                return forbidden(request, NO_ROLE)
            try:
                return view(request, *args, **kwargs)
            except DeskForbidden as error:
                return forbidden(request, str(error))
        except (OperationalError, InterfaceError) as error:
            # Not even the session could be read: the views' own handling
            # (which re-renders the story) cannot run either.
            logger.warning(
                "Desk %s %s: database unavailable: %s", request.method, request.path, error
            )
            return database_unreachable(request)

    return wrapped


def database_unreachable(request: HttpRequest) -> HttpResponse:
    """503 without touching the database, handing back any text the journalist sent."""
    if request.method != "POST":
        detail = DB_DOWN_READ
    elif request.resolver_match is not None and request.resolver_match.url_name == "entry_publish":
        detail = DB_DOWN_PUBLISH
    else:
        detail = DB_DOWN_SAVE
    if wants_json(request):
        return JsonResponse({"error": "unavailable", "detail": detail}, status=503)
    kept = [
        (label, request.POST[name])
        for name, label in KEPT_FIELDS
        if request.method == "POST" and request.POST.get(name, "").strip()
    ]
    story_id = request.resolver_match.kwargs.get("story_id") if request.resolver_match else None
    back = (
        reverse("desk:story_detail", args=[story_id])
        if story_id is not None
        else reverse("desk:story_list")
    )
    # ``user`` and ``messages`` would read the session from the database.
    context = {
        "error": detail,
        "kept": kept,
        "back": back,
        "user": AnonymousUser(),
        "messages": (),
    }
    response = render(request, "desk/unavailable.html", context, status=503)
    response["Retry-After"] = "5"
    return response


def story_for(request: HttpRequest, story_id: int) -> Story:
    """The story, if this user may work on it: 404 when unknown, 403 when not assigned."""
    story = selectors.story_get(story_id=story_id)
    if story is None:
        raise Http404("No such story.")
    if not can_post_in(request.user, story):
        raise DeskForbidden(NOT_ASSIGNED)
    return story


def entry_for(story: Story, entry_id: int) -> Entry:
    entry = selectors.entry_get(story=story, entry_id=entry_id)
    if entry is None:
        raise Http404("No such entry: it may have been deleted.")
    return entry


def editor_only(request: HttpRequest, story: Story) -> None:
    if not can_manage_story(request.user, story):
        raise DeskForbidden(
            "Only editors can change a story's headline, image, status, key points or reporters."
        )


def form_error(form: Any, error: NewsroomError) -> None:
    """Attach the service's sentence to the field it names, else to the whole form."""
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.detail)


def entry_rights(user: Any, story: Story, entries: list[Entry]) -> None:
    """Mark which buttons each entry gets.

    Mirrors ``can_edit_entry`` with the story check done once, instead of one
    assignment query per entry; the services check again on every write.
    """
    editor = is_editor(user)
    may_post = can_post_in(user, story)
    for entry in entries:
        entry.desk_can_edit = editor or (may_post and entry.author_id == user.pk)
        entry.desk_can_pin = can_pin(user, entry)
    embeds_failed_attach(entries=entries)


def entry_row_html(request: HttpRequest, story: Story, entry: Entry) -> str:
    entry.story = story
    entry_rights(request.user, story, [entry])
    return render_to_string("desk/_entry_row.html", {"entry": entry, "story": story}, request)


def int_or_none(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def upload_limit() -> int:
    """The largest body a desk form with files may send."""
    max_bytes, _ = media_services.media_limits()
    return max_bytes * FILES_AT_ONCE + UPLOAD_OVERHEAD_BYTES


def upload_bounded(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Refuse a body over ``upload_limit`` before anything reads it, then check CSRF.

    Django's CSRF middleware reads the form, hence every uploaded file, before the
    view runs; so such views are exempt from the middleware and ``csrf_protect``
    runs here, after the size check.
    """
    protected = csrf_protect(view)

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        length = int_or_none(request.META.get("CONTENT_LENGTH")) or 0
        limit = upload_limit()
        if length > limit:
            max_bytes, _ = media_services.media_limits()
            detail = (
                f"This sends {processing.size_text(length)} at once; the desk takes up to "
                f"{processing.size_text(limit)} ({processing.size_text(max_bytes)} a photo). "
                "Nothing was saved: go back and send fewer or smaller photos at a time."
            )
            if wants_json(request):
                return JsonResponse({"error": "too_large", "detail": detail}, status=413)
            context = {"detail": detail, "heading": "Too much at once"}
            return render(request, "desk/refused.html", context, status=413)
        return protected(request, *args, **kwargs)

    return csrf_exempt(wrapped)


def photo_limits() -> dict[str, Any]:
    """What the upload fields say about size, and what desk.js checks before sending."""
    max_bytes, _ = media_services.media_limits()
    return {"max_bytes": max_bytes, "max_text": processing.size_text(max_bytes)}


def library_page(request: HttpRequest, *, query: str = "") -> dict[str, Any]:
    """One page of the library for the pickers: ``q`` and ``before`` from the query string."""
    q = (query or request.GET.get("q", "")).strip()
    before = int_or_none(request.GET.get("before"))
    photos, cursor = media_search(q=q, before=before, limit=LIBRARY_PAGE)
    return {"q": q, "photos": photos, "next": cursor, "before": before}


# --- story list ------------------------------------------------------------------


def story_list_page(
    request: HttpRequest,
    *,
    form: StoryCreateForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    editor = is_editor(request.user)
    stories: list[Story] | None
    try:
        stories = list(story_list_with_entry_counts(user=request.user))
        if editor and form is None:
            form = StoryCreateForm()
    except DatabaseError:
        if status != 503:
            raise
        stories = None
    context = {"stories": stories, "form": form if editor else None, "error": error}
    return render(request, "desk/story_list.html", context, status=status)


@journalist_required
@require_GET
def story_list(request: HttpRequest) -> HttpResponse:
    return story_list_page(request)


@journalist_required
@require_POST
def story_create(request: HttpRequest) -> HttpResponse:
    if not can_manage_story(request.user):
        raise DeskForbidden("Only editors can create stories.")
    form = StoryCreateForm(request.POST)
    if not form.is_valid():
        return story_list_page(request, form=form, error="The story was not created.", status=400)
    data = form.cleaned_data
    live = data["kind"] == "live"
    try:
        story = services.story_create(
            section=data["section"],
            headline=data["headline"],
            author=request.user,
            standfirst=data["standfirst"],
            body="" if live else data["body"],
            live=live,
            status=data["status"] or None,
        )
    except NewsroomError as error:
        form_error(form, error)
        return story_list_page(request, form=form, error=error.detail, status=status_for(error))
    except DatabaseError:
        return story_list_page(request, form=form, error=DB_DOWN_SAVE, status=503)
    messages.success(request, f"Story created: {story.headline}")
    return redirect("desk:story_detail", story_id=story.pk)


# --- composer --------------------------------------------------------------------


def composer_page(
    request: HttpRequest,
    story: Story,
    *,
    status: int = 200,
    error: str = "",
    entry_form: EntryForm | None = None,
    story_form: StoryEditForm | None = None,
    key_points_form: KeyPointsForm | None = None,
    assign_form: AssignForm | None = None,
    preview_html: str | None = None,
    photos: EntryPhotos | None = None,
    library: dict[str, Any] | None = None,
) -> HttpResponse:
    """The story's desk page; with status 503 it renders what it can without the database."""
    user = request.user
    editor = is_editor(user)
    before = int_or_none(request.GET.get("before"))
    context: dict[str, Any] = {
        "story": story,
        "error": error,
        "is_editor": editor,
        "preview_html": preview_html,
        "before": before,
        "degraded": False,
        "entry_photos": photos or EntryPhotos(),
        "library": library,
        "photo_limits": photo_limits(),
    }
    if story.live and entry_form is None:
        entry_form = EntryForm(can_pin=editor)
    context["entry_form"] = entry_form
    try:
        entries, older = selectors.entry_page(story=story, before=before, limit=ENTRIES_PER_PAGE)
        entry_rights(user, story, entries)
        key_points = selectors.key_points_current(story=story)
        context.update(entries=entries, older=older, key_points=key_points)
        if editor:
            story_form = story_form or StoryEditForm(
                initial={
                    "headline": story.headline,
                    "standfirst": story.standfirst,
                    "body": story.body,
                    "version": story.version,
                },
                live=story.live,
            )
            key_points_form = key_points_form or KeyPointsForm(
                initial={
                    "points": "\n".join(p["text"] for p in key_points.points) if key_points else "",
                    "version": key_points.version if key_points else 0,
                }
            )
            assign_form = assign_form or AssignForm(
                initial={"reporters": list(story.assignees.all())}
            )
            # Evaluated here, inside the guard, rather than while the template renders.
            context["assign_form"] = assign_form
            context["assigned"] = list(story.assignees.select_related("journalist"))
            context["story_form"] = story_form
            context["key_points_form"] = key_points_form
            context["story_image"] = story.image if story.image_id else None
    except DatabaseError:
        if status != 503:
            raise
        context["degraded"] = True
    return render(request, "desk/story_detail.html", context, status=status)


def write_failed(
    request: HttpRequest,
    story: Story,
    error: NewsroomError,
    photos: EntryPhotos | None = None,
    **forms: Any,
) -> HttpResponse:
    """A service refused a write: its sentence, on the page or as JSON."""
    status = status_for(error)
    if wants_json(request):
        return JsonResponse({"error": error.code, "detail": error.detail}, status=status)
    for form in forms.values():
        if form is not None and form.is_bound:
            form_error(form, error)
    return composer_page(request, story, status=status, error=error.detail, photos=photos, **forms)


def database_down(
    request: HttpRequest,
    story: Story,
    detail: str,
    photos: EntryPhotos | None = None,
    **forms: Any,
) -> HttpResponse:
    if wants_json(request):
        return JsonResponse({"error": "unavailable", "detail": detail}, status=503)
    return composer_page(request, story, status=503, error=detail, photos=photos, **forms)


def photos_refused(photos: EntryPhotos) -> str:
    """The page's sentence when files were refused."""
    if len(photos.refused) == 1:
        return f"{photos.refused[0].filename} was not added: {photos.refused[0].detail}"
    return f"{len(photos.refused)} files were not added; each says why below."


def photos_handled(
    request: HttpRequest, photos: EntryPhotos, action: str
) -> tuple[bool, dict[str, Any] | None]:
    """The form's own photo work without the script; True when the page is to be shown again.

    Files sent are uploaded whatever the button; ``attach``, ``library`` and the
    move/remove buttons then show the form again instead of saving the entry.
    """
    photos.upload(request.FILES.getlist("files"), user=request.user)
    library = None
    if action == "library":
        library = library_page(request, query=request.POST.get("library-q", ""))
    again = photos.apply(action) or action in ("attach", "library")
    return again, library


@journalist_required
@require_GET
def story_detail(request: HttpRequest, story_id: int) -> HttpResponse:
    return composer_page(request, story_for(request, story_id))


@upload_bounded
@journalist_required
@require_POST
def entry_publish(request: HttpRequest, story_id: int) -> HttpResponse:
    story = story_for(request, story_id)
    form = EntryForm(request.POST, can_pin=is_editor(request.user))
    action = request.POST.get("action", "publish")
    try:
        photos = EntryPhotos.from_post(request.POST, user=request.user)
        again, library = photos_handled(request, photos, action)
    except DatabaseError:
        return database_down(request, story, DB_DOWN_PUBLISH, entry_form=form)
    if again:
        return composer_page(
            request,
            story,
            status=400 if photos.refused else 200,
            error=photos_refused(photos) if photos.refused else "",
            entry_form=form,
            photos=photos,
            library=library,
        )
    if not form.is_valid():
        if wants_json(request):
            detail = " ".join(str(e) for errors in form.errors.values() for e in errors)
            return JsonResponse({"error": "invalid", "detail": detail}, status=400)
        return composer_page(
            request,
            story,
            status=400,
            error="The entry was not published.",
            entry_form=form,
            photos=photos,
        )
    data = form.cleaned_data
    if action == "preview":
        return composer_page(
            request,
            story,
            entry_form=form,
            preview_html=entry_body_render(body=data["body"]),
            photos=photos,
        )
    if photos.refused:
        # The journalist meant these files to go with the entry: publish nothing yet.
        return composer_page(
            request,
            story,
            status=400,
            error=photos_refused(photos) + " The entry was not published.",
            entry_form=form,
            photos=photos,
        )
    try:
        with transaction.atomic():
            photos.describe(user=request.user)
            entry = services.entry_publish(
                story=story,
                author=request.user,
                body=data["body"],
                title=data["title"],
                key_event=data["key_event"],
                pinned=data.get("pinned", False),
                media=photos.ids,
            )
    except NewsroomError as error:
        return write_failed(request, story, error, photos=photos, entry_form=form)
    except DatabaseError:
        return database_down(request, story, DB_DOWN_PUBLISH, photos=photos, entry_form=form)
    if wants_json(request):
        return JsonResponse(
            {
                "entry_id": entry.pk,
                "version": entry.version,
                "html": entry_row_html(request, story, entry),
                "detail": "Published.",
            },
            status=201,
        )
    messages.success(request, "Published.")
    return redirect(reverse("desk:story_detail", args=[story.pk]) + "#composer")


@journalist_required
@require_POST
def entry_preview(request: HttpRequest, story_id: int) -> HttpResponse:
    """Render Markdown exactly as a published entry would be: sanitised HTML."""
    story_for(request, story_id)
    body = request.POST.get("body", "")
    if len(body) > limits.ENTRY_BODY_MAX:
        return HttpResponse(
            f"The entry is {len(body):,} characters long; the limit is {limits.ENTRY_BODY_MAX:,}.",
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    return HttpResponse(entry_body_render(body=body), content_type="text/html; charset=utf-8")


@journalist_required
@require_GET
def entry_row(request: HttpRequest, story_id: int, entry_id: int) -> HttpResponse:
    """One entry as the desk lists it, with this user's buttons (for live updates)."""
    story = story_for(request, story_id)
    entry = entry_for(story, entry_id)
    return HttpResponse(entry_row_html(request, story, entry))


@upload_bounded
@journalist_required
@require_http_methods(["GET", "POST"])
def entry_edit(request: HttpRequest, story_id: int, entry_id: int) -> HttpResponse:
    story = story_for(request, story_id)
    entry = entry_for(story, entry_id)
    if not can_edit_entry(request.user, entry):
        raise DeskForbidden("You can only change your own entries in stories you are on.")
    context: dict[str, Any] = {
        "story": story,
        "entry": entry,
        "error": "",
        "preview_html": None,
        "photo_limits": photo_limits(),
        "library": None,
    }
    if request.method == "GET":
        context["form"] = EntryEditForm(
            initial={
                "title": entry.title,
                "body": entry.body,
                "key_event": entry.key_event,
                "version": entry.version,
            }
        )
        context["entry_photos"] = EntryPhotos.of_entry(entry.photos, user=request.user)
        return render(request, "desk/entry_edit.html", context)
    form = EntryEditForm(request.POST)
    context["form"] = form
    action = request.POST.get("action", "save")
    try:
        photos = EntryPhotos.from_post(request.POST, user=request.user)
        again, context["library"] = photos_handled(request, photos, action)
    except DatabaseError:
        context["error"] = DB_DOWN_SAVE
        context["entry_photos"] = EntryPhotos.of_entry([], user=request.user)
        return render(request, "desk/entry_edit.html", context, status=503)
    context["entry_photos"] = photos
    if again:
        context["error"] = photos_refused(photos) if photos.refused else ""
        status = 400 if photos.refused else 200
        return render(request, "desk/entry_edit.html", context, status=status)
    if not form.is_valid():
        context["error"] = "The correction was not saved." + (
            " The form did not say which version of the entry you edited: reload the page "
            "and make the change again."
            if "version" in form.errors
            else ""
        )
        return render(request, "desk/entry_edit.html", context, status=400)
    data = form.cleaned_data
    if action == "preview":
        context["preview_html"] = entry_body_render(body=data["body"])
        return render(request, "desk/entry_edit.html", context)
    if photos.refused:
        context["error"] = photos_refused(photos) + " The correction was not saved."
        return render(request, "desk/entry_edit.html", context, status=400)
    try:
        with transaction.atomic():
            photos.describe(user=request.user)
            services.entry_correct(
                entry=entry,
                actor=request.user,
                version=data["version"],
                body=data["body"],
                title=data["title"],
                key_event=data["key_event"],
                media=photos.ids if photos.present else None,
            )
    except NewsroomError as error:
        form_error(form, error)
        context["error"] = error.detail
        # Show what is there now, so the journalist can merge by hand.
        context["current"] = selectors.entry_get(story=story, entry_id=entry.pk)
        return render(request, "desk/entry_edit.html", context, status=status_for(error))
    except DatabaseError:
        context["error"] = DB_DOWN_SAVE
        return render(request, "desk/entry_edit.html", context, status=503)
    messages.success(request, "Entry updated.")
    return redirect(reverse("desk:story_detail", args=[story.pk]) + f"#desk-entry-{entry.pk}")


def entry_action(
    request: HttpRequest,
    story_id: int,
    entry_id: int,
    act: Callable[[Entry], Any],
    done: str,
) -> HttpResponse:
    """Run one entry action (delete, pin, key event) and go back to the story."""
    story = story_for(request, story_id)
    entry = entry_for(story, entry_id)
    try:
        act(entry)
    except NewsroomError as error:
        return write_failed(request, story, error)
    except DatabaseError:
        return database_down(request, story, DB_DOWN_SAVE)
    messages.success(request, done)
    return redirect(reverse("desk:story_detail", args=[story.pk]) + "#entries")


@journalist_required
@require_POST
def entry_delete(request: HttpRequest, story_id: int, entry_id: int) -> HttpResponse:
    return entry_action(
        request,
        story_id,
        entry_id,
        lambda entry: services.entry_delete(entry=entry, actor=request.user),
        "Entry deleted.",
    )


@journalist_required
@require_POST
def entry_pin(request: HttpRequest, story_id: int, entry_id: int) -> HttpResponse:
    pinned = request.POST.get("pinned") == "1"
    return entry_action(
        request,
        story_id,
        entry_id,
        lambda entry: services.entry_pin(entry=entry, actor=request.user, pinned=pinned),
        "Entry pinned." if pinned else "Entry unpinned.",
    )


@journalist_required
@require_POST
def entry_key_event(request: HttpRequest, story_id: int, entry_id: int) -> HttpResponse:
    key_event = request.POST.get("key_event") == "1"
    # The button sets an explicit value and touches no text, so no version check:
    # repeating it, or racing a colleague's correction, cannot overwrite anything.
    return entry_action(
        request,
        story_id,
        entry_id,
        lambda entry: services.entry_correct(
            entry=entry, actor=request.user, version=None, key_event=key_event
        ),
        "Marked as a key event." if key_event else "No longer a key event.",
    )


# --- editors' story controls ---------------------------------------------------------


@journalist_required
@require_POST
def story_update(request: HttpRequest, story_id: int) -> HttpResponse:
    story = story_for(request, story_id)
    editor_only(request, story)
    form = StoryEditForm(request.POST, live=story.live)
    if not form.is_valid():
        return composer_page(
            request, story, status=400, error="The story was not changed.", story_form=form
        )
    data = form.cleaned_data
    try:
        services.story_update(
            story=story,
            actor=request.user,
            version=data["version"],
            headline=data["headline"],
            standfirst=data["standfirst"],
            body=None if story.live else data["body"],
        )
    except NewsroomError as error:
        return write_failed(request, story, error, story_form=form)
    except DatabaseError:
        return database_down(request, story, DB_DOWN_SAVE, story_form=form)
    messages.success(request, "Headline and standfirst saved.")
    return redirect("desk:story_detail", story_id=story.pk)


@journalist_required
@require_POST
def story_status(request: HttpRequest, story_id: int) -> HttpResponse:
    story = story_for(request, story_id)
    editor_only(request, story)
    status = request.POST.get("status", "")
    try:
        services.story_set_status(story=story, actor=request.user, status=status)
    except NewsroomError as error:
        return write_failed(request, story, error)
    except DatabaseError:
        return database_down(request, story, DB_DOWN_SAVE)
    messages.success(request, f"Status: {Story.Status(status).label}.")
    return redirect("desk:story_detail", story_id=story.pk)


@journalist_required
@require_POST
def key_points_update(request: HttpRequest, story_id: int) -> HttpResponse:
    story = story_for(request, story_id)
    editor_only(request, story)
    form = KeyPointsForm(request.POST)
    if not form.is_valid():
        return composer_page(
            request, story, status=400, error="The key points were not saved.", key_points_form=form
        )
    try:
        services.key_points_replace(
            story=story,
            actor=request.user,
            points=form.point_list(),
            version=form.cleaned_data["version"],
        )
    except NewsroomError as error:
        return write_failed(request, story, error, key_points_form=form)
    except DatabaseError:
        return database_down(request, story, DB_DOWN_SAVE, key_points_form=form)
    messages.success(request, "Key points saved.")
    return redirect(reverse("desk:story_detail", args=[story.pk]) + "#key-points")


@journalist_required
@require_POST
def story_assign(request: HttpRequest, story_id: int) -> HttpResponse:
    story = story_for(request, story_id)
    editor_only(request, story)
    form = AssignForm(request.POST)
    if not form.is_valid():
        return composer_page(
            request, story, status=400, error="The reporters were not assigned.", assign_form=form
        )
    try:
        services.story_assign(
            story=story, actor=request.user, reporters=list(form.cleaned_data["reporters"])
        )
    except NewsroomError as error:
        return write_failed(request, story, error, assign_form=form)
    except DatabaseError:
        return database_down(request, story, DB_DOWN_SAVE, assign_form=form)
    messages.success(request, "Reporters assigned.")
    return redirect(reverse("desk:story_detail", args=[story.pk]) + "#reporters")
