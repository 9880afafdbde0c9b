"""Reader endpoints outside the JSON API: the no-JS reaction form and the read beacon."""

from __future__ import annotations

import base64

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from newsdesk.newsroom.errors import NewsroomError
from newsdesk.newsroom.models import Story
from newsdesk.proxies import client_ip

from . import services
from .http import reaction_from_request
from .readers import (
    reader_cookie_set,
    reader_id_ensure,
    request_same_origin,
    tracking_refused,
)

# A transparent 1x1 GIF: the <noscript> read beacon.
PIXEL = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")


def _story(story_id: int) -> Story | None:
    if not 0 < story_id < 2**63:
        return None
    return (
        Story.objects.select_related("section")
        .filter(pk=story_id, status__in=Story.VISIBLE_STATUSES)
        .first()
    )


# The page holding this form is cached for every reader, so it cannot carry a
# per-reader CSRF token; the same-origin check (Origin / Sec-Fetch-Site) stands in.
@csrf_exempt
@require_http_methods(["POST"])
def reaction_form(request: HttpRequest, story_id: int) -> HttpResponse:
    """No-JS reaction: apply the form's ``kind`` and go back to the story."""
    if not request_same_origin(request):
        return HttpResponse("Reactions are only accepted from this site's pages.", status=403)
    story = _story(story_id)
    if story is None:
        return HttpResponse("There is no such story.", status=404, content_type="text/plain")
    kind = request.POST.get("kind", "")
    try:
        _, reader, new = reaction_from_request(request, story=story, kind=kind)
    except NewsroomError as error:
        status = 429 if error.code == "rate_limited" else 400
        return HttpResponse(error.detail, status=status, content_type="text/plain")
    response = HttpResponseRedirect(f"{story.get_absolute_url()}#reactions")
    if new:
        reader_cookie_set(response, reader)
    return response


@csrf_exempt
@require_http_methods(["GET", "POST"])
def read_beacon(request: HttpRequest, story_id: int) -> HttpResponse:
    """Record a read: POST from ``navigator.sendBeacon``, GET from the <noscript> image."""
    if request.method == "POST":
        response = HttpResponse(status=204)
    else:
        response = HttpResponse(PIXEL, content_type="image/gif")
    response["Cache-Control"] = "private, no-store"
    # A cross-site page must not be able to add reads with a visitor's cookie.
    # The story is not looked up here (no query per view): reads of ids that
    # are not visible stories are dropped when the batch is written.
    if not request_same_origin(request) or not 0 < story_id < 2**63:
        return response
    reader, new = reader_id_ensure(request)
    services.read_record(
        story_id=story_id,
        reader=reader,
        ip=client_ip(request),
        user_agent=request.headers.get("User-Agent", ""),
        history=not tracking_refused(request),
    )
    if new:
        reader_cookie_set(response, reader)
    return response
