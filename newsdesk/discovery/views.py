"""Recommended for you (per reader, never cached for others) and clearing history."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from newsdesk.engagement.readers import reader_id_get, request_same_origin, tracking_refused
from newsdesk.engagement.services import reader_history_clear
from newsdesk.newsroom.models import Story

from .selectors import recommended_for


@require_GET
def recommended(request: HttpRequest) -> HttpResponse:
    """The reader's recommendations: an HTML fragment for the page script, or a page without JS."""
    story = None
    raw = request.GET.get("story", "")
    if raw.isdigit() and 0 < int(raw) < 2**63:
        story = (
            Story.objects.select_related("section")
            .filter(pk=int(raw), status__in=Story.VISIBLE_STATUSES)
            .first()
        )
    result = recommended_for(
        reader=reader_id_get(request), story=story, history_on=not tracking_refused(request)
    )
    fragment = request.GET.get("fragment") == "1"
    template = "discovery/recommended.html" if fragment else "discovery/for_you.html"
    response = render(request, template, {"recommended": result, "story": story})
    response["Cache-Control"] = "private, no-store"
    response["Vary"] = "Cookie, DNT, Sec-GPC"
    return response


# Cookie-identified like reactions: same-origin check instead of a per-reader token.
@csrf_exempt
@require_POST
def history_clear(request: HttpRequest) -> HttpResponse:
    """Forget this reader's reading history, then go back."""
    if not request_same_origin(request):
        return HttpResponse("Only this site's pages can clear your history.", status=403)
    reader = reader_id_get(request)
    if reader:
        reader_history_clear(reader=reader)
    target = request.POST.get("next", "/")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    return HttpResponseRedirect(target)
