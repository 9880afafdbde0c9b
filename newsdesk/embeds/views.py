"""The desk's "try again" for an embed whose provider could not be reached."""

from __future__ import annotations

from django.contrib import messages
from django.db import DatabaseError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from newsdesk.desk.views import (
    DB_DOWN_SAVE,
    database_down,
    journalist_required,
    story_for,
    wants_json,
    write_failed,
)
from newsdesk.newsroom.errors import NewsroomError

from . import providers, services
from .models import Embed


@journalist_required
@require_POST
def embed_retry(request: HttpRequest, story_id: int, embed_id: int) -> HttpResponse:
    """Ask the provider again and re-render the story's entries that show the embed."""
    story = story_for(request, story_id)
    embed = Embed.objects.filter(pk=embed_id).first()
    if embed is None:
        raise Http404("No such embed.")
    try:
        entries = services.embed_retry(embed=embed, story=story, actor=request.user)
    except NewsroomError as error:
        return write_failed(request, story, error)
    except DatabaseError:
        return database_down(request, story, DB_DOWN_SAVE)
    embed.refresh_from_db()
    provider = providers.BY_NAME.get(embed.provider)
    label = provider.label if provider else "The provider"
    loaded = embed.status == Embed.Status.OK
    if loaded:
        count = len(entries)
        detail = f"Loaded from {label}; {count} {'entry' if count == 1 else 'entries'} updated."
    else:
        detail = (
            f"Still not loaded from {label}: {embed.failure} "
            "Readers see a plain link; try again later."
        )
    if wants_json(request):
        return JsonResponse(
            {"loaded": loaded, "entries": [e.pk for e in entries], "detail": detail},
            status=200,
        )
    messages.success(request, detail)
    return redirect(reverse("desk:story_detail", args=[story.pk]) + "#entries")
