"""Embeds: a compact live view of a story for partners' pages, and oEmbed (https://oembed.com/).

The site sends ``X-Frame-Options: DENY`` and ``frame-ancestors 'none'``
everywhere; only the embed view may be framed, by any origin: it replaces the
policy's ``frame-ancestors`` with ``*`` and lets its nonced ``<style>`` element
(the partner's accent colour) through ``style-src``.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from csp.constants import NONCE
from csp.decorators import csp_replace, csp_update
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve, reverse
from django.utils.html import format_html
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_GET

from newsdesk import conf
from newsdesk.newsroom import selectors
from newsdesk.newsroom.models import Story

from . import seo

THEMES = ("light", "dark")
DEFAULT_ACCENT = "#c81e2d"
ACCENT_RE = re.compile(r"#?(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})")
DEFAULT_LIMIT = 10
MAX_LIMIT = 50
DEFAULT_WIDTH = 560
DEFAULT_HEIGHT = 640
MIN_SIZE = 200


def embed_theme(*, params: Any) -> dict[str, Any]:
    """The embed's look from its query string; anything invalid falls back to the default."""
    theme = params.get("theme", "light")
    accent = params.get("accent", "")
    limit = params.get("limit", "")
    return {
        "theme": theme if theme in THEMES else "light",
        "accent": f"#{accent.lstrip('#').lower()}"
        if ACCENT_RE.fullmatch(accent)
        else DEFAULT_ACCENT,
        "limit": min(int(limit), MAX_LIMIT)
        if limit.isdigit() and int(limit) > 0
        else DEFAULT_LIMIT,
    }


def _embeddable(story: Story | None) -> Story:
    if story is None or not story.is_visible or not story.live:
        raise Http404("No such live story.")
    return story


def embed_url(*, story: Story, origin: str) -> str:
    """The absolute URL of the story's embed view."""
    return seo.absolute(reverse("publishing:embed", kwargs={"story_id": story.pk}), origin=origin)


def embed_snippet(
    *,
    story: Story,
    request: HttpRequest | None,
    width: int | None = None,
    height: int | None = None,
) -> str:
    """The ``<iframe>`` a partner pastes into their page to embed the story."""
    src = embed_url(story=story, origin=seo.site_origin(request))
    return format_html(
        '<iframe src="{}" title="{}" width="{}" height="{}" style="border:0;max-width:100%"'
        ' loading="lazy" referrerpolicy="strict-origin-when-cross-origin"></iframe>',
        src,
        story.headline,
        width or DEFAULT_WIDTH,
        height or DEFAULT_HEIGHT,
    )


@require_GET
@xframe_options_exempt
@csp_replace({"frame-ancestors": ["*"]})
@csp_update({"style-src": [NONCE]})
def embed_view(request: HttpRequest, story_id: int) -> HttpResponse:
    """A compact live view of the story's stream, safe to frame on any site."""
    story = _embeddable(selectors.story_get(story_id=story_id))
    # Read before the entries, as the story page does: later changes replay from here.
    last_seq = story.last_seq
    look = embed_theme(params=request.GET)
    pinned = selectors.entry_pinned(story=story)
    if pinned is not None:
        pinned.story = story
    rows, _ = selectors.entry_page(story=story, limit=look["limit"])
    response = render(
        request,
        "pages/embed.html",
        {
            "story": story,
            "last_seq": last_seq,
            "pinned": pinned,
            "entries": [entry for entry in rows if not entry.pinned],
            "story_url": seo.absolute(story.get_absolute_url(), origin=seo.site_origin(request)),
            **look,
        },
    )
    return response


def _json_error(status: int, code: str, detail: str) -> JsonResponse:
    response = JsonResponse({"error": code, "detail": detail}, status=status)
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def _story_from_url(url: str, request: HttpRequest) -> Story | None:
    """The live story a reader or embed URL of this site points at, if any."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    hosts = {request.get_host().lower()}
    configured = conf.get("SITE_URL").strip()
    if configured:
        hosts.add(urlsplit(configured).netloc.lower())
    if parts.netloc.lower() not in hosts:
        return None
    try:
        match = resolve(parts.path or "/")
    except Resolver404:
        return None
    if match.view_name == "publishing:embed":
        return selectors.story_get(story_id=match.kwargs["story_id"])
    if match.view_name == "pages:story":
        story = selectors.story_get_visible(slug=match.kwargs["slug"])
        if story is not None and story.get_absolute_url() == parts.path:
            return story
    return None


def _dimension(request: HttpRequest, name: str, default: int) -> int:
    raw = request.GET.get(name, "")
    if not raw:
        return default
    if not raw.isdigit() or int(raw) < MIN_SIZE:
        raise ValueError(f"{name} must be a whole number of pixels, at least {MIN_SIZE}.")
    return min(int(raw), default)


@require_GET
def oembed_view(request: HttpRequest) -> HttpResponse:
    """oEmbed for live stories: ``/oembed?url=<story or embed URL>&format=json``."""
    url = request.GET.get("url", "").strip()
    if not url:
        return _json_error(400, "invalid", "Give the story's address as the url parameter.")
    fmt = request.GET.get("format", "json")
    if fmt != "json":
        # oEmbed spec, section 2.3.4: an unsupported format is 501 Not Implemented.
        return _json_error(501, "not_implemented", "Only format=json is supported.")
    try:
        width = _dimension(request, "maxwidth", DEFAULT_WIDTH)
        height = _dimension(request, "maxheight", DEFAULT_HEIGHT)
    except ValueError as error:
        return _json_error(400, "invalid", str(error))
    story = _story_from_url(url, request)
    if story is None or not story.is_visible or not story.live:
        return _json_error(404, "not_found", "That address is not a live story on this site.")
    origin = seo.site_origin(request)
    authors = [seo.byline(user) for user in getattr(story, "author_list", [])]
    data: dict[str, Any] = {
        "version": "1.0",
        "type": "rich",
        "title": story.headline,
        "provider_name": conf.get("SITE_NAME"),
        "provider_url": f"{origin}/",
        "html": embed_snippet(story=story, request=request, width=width, height=height),
        "width": width,
        "height": height,
        "cache_age": 3600,
    }
    if authors:
        data["author_name"] = ", ".join(authors)
    response = JsonResponse(data)
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response
