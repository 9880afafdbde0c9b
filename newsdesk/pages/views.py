"""Reader pages: home, sections and stories, complete without JavaScript."""

from __future__ import annotations

from typing import Any

from django.core.paginator import InvalidPage, Paginator
from django.db.models import prefetch_related_objects
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponsePermanentRedirect,
    HttpResponseRedirect,
)
from django.shortcuts import render

from newsdesk import conf
from newsdesk.newsroom import selectors
from newsdesk.newsroom.fragments import key_points_fragment
from newsdesk.newsroom.models import Story

from . import selectors as page_selectors
from .edgecache import page_mark

STORIES_PER_PAGE = 20
HOME_LIVE_STORIES = 6
HOME_STORIES_PER_SECTION = 5


def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


def _absolute(request: HttpRequest, path: str) -> str:
    origin = conf.get("SITE_URL").rstrip("/")
    return f"{origin}{path}" if origin else request.build_absolute_uri(path)


def _query_int(request: HttpRequest, name: str) -> int | None:
    """A positive integer query parameter; absent is None, anything else not a number is a 404."""
    raw = request.GET.get(name)
    if raw is None or raw == "":
        return None
    if not raw.isdigit() or int(raw) < 1:
        raise Http404(f"{name} must be a positive whole number.")
    return int(raw)


def home(request: HttpRequest) -> HttpResponse:
    live = selectors.story_list_live_now(limit=HOME_LIVE_STORIES)
    latest = page_selectors.entry_latest_times(stories=live)
    for story in live:
        story.latest_entry_at = latest.get(story.pk)
    selectors.stories_thumbnails_attach(stories=live)
    live_ids = [story.pk for story in live]
    groups = []
    for root in selectors.section_list(roots_only=True):
        stories = list(
            selectors.story_list_published(section=root).exclude(pk__in=live_ids)[
                :HOME_STORIES_PER_SECTION
            ]
        )
        if stories:
            selectors.stories_thumbnails_attach(stories=stories)
            groups.append({"section": root, "stories": stories})
    response = render(
        request,
        "pages/home.html",
        {
            "live_stories": live,
            "groups": groups,
            "canonical_url": _absolute(request, "/"),
            "meta_description": f"The latest news and live coverage from {conf.get('SITE_NAME')}.",
        },
    )
    return page_mark(response)


def section_detail(request: HttpRequest, section_path: str) -> HttpResponse:
    section = selectors.section_by_path(path=section_path)
    if section is None:
        raise Http404("No such section.")
    path = section.get_absolute_url()
    if request.GET.get("page") == "1":
        return HttpResponsePermanentRedirect(path)  # page 1 is the section's own URL
    number = _query_int(request, "page") or 1
    paginator = Paginator(selectors.story_list_published(section=section), STORIES_PER_PAGE)
    try:
        page = paginator.page(number)
    except InvalidPage as exc:
        raise Http404("No such page.") from exc
    page.object_list = selectors.stories_thumbnails_attach(stories=list(page.object_list))
    trail = section.ancestors()
    response = render(
        request,
        "pages/section.html",
        {
            "section": section,
            "trail": trail,
            "current_root": trail[0],
            "children": list(selectors.section_list(parent=section)),
            "page": page,
            "canonical_url": _absolute(request, path if number == 1 else f"{path}?page={number}"),
            "meta_description": f"The latest stories in {section.name}.",
        },
    )
    return page_mark(response, params=("page",))


def _before_cursor(*, story: Story, position: int, per_page: int) -> int | None:
    """The ``before`` cursor of the page holding the entry at ``position``, as "Load older" pages."""
    if position < per_page:
        return None
    start = position - position % per_page
    return page_selectors.entry_id_at(story=story, position=start - 1)


def story_detail(
    request: HttpRequest, section_path: str, year: str, month: str, day: str, slug: str
) -> HttpResponse:
    story = selectors.story_get_visible(slug=slug)
    if story is None:
        raise Http404("No such story.")
    # Read with the story, before any entry: a change committed after this
    # point has a higher sequence number, so the live script replays it.
    last_seq = story.last_seq
    path = story.get_absolute_url()
    if request.path_info != path:
        query = request.META.get("QUERY_STRING", "")
        return HttpResponsePermanentRedirect(f"{path}?{query}" if query else path)

    authors = list(getattr(story, "author_list", []))
    prefetch_related_objects(authors, "journalist")
    trail = story.section.ancestors()
    context: dict[str, Any] = {
        "story": story,
        "last_seq": last_seq,
        "main_id": "story",
        "trail": trail,
        "current_root": trail[0],
        "bylines": [_byline(user) for user in authors],
        "canonical_url": _absolute(request, path),
        "meta_description": story.standfirst,
    }
    params: tuple[str, ...] = ()
    if story.live:
        live = _live_context(request, story)
        if live is None:
            # A ?before= or ?entry= that names no entry of this story (or no
            # older ones): the story's own URL, so such links share one page.
            return HttpResponseRedirect(path)
        context.update(live)
        params = ("before", "entry")
    # The page cache keeps it until the story's log moves past last_seq.
    response = render(request, "pages/story.html", context)
    return page_mark(response, story_id=story.pk, seq=last_seq, params=params)


def _byline(user: Any) -> str:
    journalist = getattr(user, "journalist", None)
    return journalist.byline if journalist else (user.get_full_name() or user.get_username())


def _live_context(request: HttpRequest, story: Story) -> dict[str, Any] | None:
    """The live stream's page, or None when ``before``/``entry`` name no entry to show."""
    per_page = conf.get_int("ENTRIES_PER_PAGE")
    before = _query_int(request, "before")
    if before is None:
        wanted = _query_int(request, "entry")
        if wanted is not None:
            position = selectors.entry_position(story=story, entry_id=wanted)
            if position is None:
                return None
            before = _before_cursor(story=story, position=position, per_page=per_page)
    key_points = selectors.key_points_current(story=story)
    pinned = selectors.entry_pinned(story=story)
    if pinned is not None:
        pinned.story = story
    rows, cursor = selectors.entry_page(story=story, before=before, limit=per_page)
    if before is not None and not rows:
        return None
    return {
        "key_points": key_points,
        # Stripped so the empty box matches CSS :empty and hides itself.
        "key_points_html": key_points_fragment(story, key_points).strip(),
        "pinned": pinned,
        # The pinned entry sits above the stream, once.
        "entries": [entry for entry in rows if not entry.pinned],
        "older_cursor": cursor,
        "before": before,
    }
