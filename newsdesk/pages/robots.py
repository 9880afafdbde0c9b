"""``/robots.txt``: crawl everything readers see, not the newsroom's tools."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

from . import seo

DISALLOWED = ("/desk/", "/admin/", "/api/", "/search", "/embed/")


@require_GET
def robots_txt(request: HttpRequest) -> HttpResponse:
    """Allow all, keep crawlers out of the desk, admin, API and search results, list the sitemaps."""
    origin = seo.site_origin(request)
    lines = ["User-agent: *", "Allow: /"]
    lines += [f"Disallow: {path}" for path in DISALLOWED]
    lines.append("")
    for name in ("publishing:sitemap_index", "publishing:sitemap_news"):
        lines.append(f"Sitemap: {seo.absolute(reverse(name), origin=origin)}")
    response = HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response
