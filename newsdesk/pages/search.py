"""The site search page (``/search?q=``); the search itself is ``newsdesk.search.selectors``."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from newsdesk.newsroom.selectors import stories_thumbnails_attach
from newsdesk.proxies import client_ip
from newsdesk.search.selectors import MAX_PAGE, MAX_QUERY, story_search
from newsdesk.search.services import search_rate_check

RATE_LIMITED = (
    "Too many searches from your network in the last minute; wait a minute and try again."
)


@require_GET
def search_view(request: HttpRequest) -> HttpResponse:
    """Ranked stories and entries with highlighted snippets, ten to a page."""
    query = request.GET.get("q", "")
    raw_page = request.GET.get("page", "1")
    page = int(raw_page) if raw_page.isdigit() and 0 < int(raw_page) <= MAX_PAGE else 1
    wait = search_rate_check(ip=client_ip(request)) if query.strip() else 0
    if wait:
        context = {"refused": RATE_LIMITED, "query": query[:MAX_QUERY]}
        response = render(request, "pages/search.html", context, status=429)
        response.headers["Retry-After"] = str(wait)
    else:
        results = story_search(query=query, page=page)
        stories_thumbnails_attach(stories=[hit.story for hit in results.hits])
        context = {"results": results, "query": results.query}
        response = render(request, "pages/search.html", context)
    # Result pages are thin and endless: keep them out of search engines.
    response.headers["X-Robots-Tag"] = "noindex"
    return response
