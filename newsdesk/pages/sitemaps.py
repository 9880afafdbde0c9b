"""Sitemaps (django.contrib.sitemaps) and a Google News sitemap.

``/sitemap.xml`` is an index of the section and story sitemaps (paged at
Django's 50,000-URL limit) and of ``/sitemap-news.xml``, which lists the
stories published in the last two days, as Google News asks:
https://developers.google.com/search/docs/crawling-indexing/sitemaps/news-sitemap
"""

from __future__ import annotations

import datetime
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import sitemap as sitemap_view
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone

from newsdesk import conf
from newsdesk.newsroom import selectors
from newsdesk.newsroom.characters import xml_clean
from newsdesk.newsroom.models import Section, Story

from . import seo

NEWS_WINDOW = datetime.timedelta(days=2)
# Google News reads at most 1,000 URLs per news sitemap.
NEWS_LIMIT = 1000


def _xml_safe(response: HttpResponse) -> HttpResponse:
    """Drop what XML 1.0 cannot carry from the rendered sitemap, whatever is stored."""

    def clean(rendered: HttpResponse) -> None:
        rendered.content = xml_clean(rendered.content.decode()).encode()

    if isinstance(response, TemplateResponse):
        response.add_post_render_callback(clean)
    return response


class _SiteUrlSitemap(Sitemap):
    """Locations on NEWSDESK_SITE_URL when set, else the request's host and scheme."""

    def get_protocol(self, protocol: str | None = None) -> str:
        configured = conf.get("SITE_URL").strip()
        if configured:
            return urlsplit(configured).scheme
        return super().get_protocol(protocol)

    def get_domain(self, site: Any = None) -> str:
        configured = conf.get("SITE_URL").strip()
        if configured:
            return urlsplit(configured).netloc
        return super().get_domain(site)


class SectionSitemap(_SiteUrlSitemap):
    changefreq = "hourly"

    def items(self) -> Any:
        return Section.objects.order_by("path")


class StorySitemap(_SiteUrlSitemap):
    def items(self) -> Any:
        return selectors.story_list_published().order_by("-published_at", "-id")

    def lastmod(self, item: Story) -> datetime.datetime:
        return item.updated_at

    def changefreq(self, item: Story) -> str:
        return "always" if item.is_live_now else "daily"


SITEMAPS: dict[str, type[Sitemap]] = {"sections": SectionSitemap, "stories": StorySitemap}


def sitemap_index(request: HttpRequest) -> HttpResponse:
    """The sitemap index: each page of each sitemap, then the news sitemap."""
    origin = seo.site_origin(request)
    entries: list[dict[str, Any]] = []
    for name, cls in SITEMAPS.items():
        site = cls()
        url = seo.absolute(reverse("publishing:sitemap", kwargs={"section": name}), origin=origin)
        last_mod = site.get_latest_lastmod()
        entries.append({"location": url, "last_mod": last_mod})
        for page in range(2, site.paginator.num_pages + 1):
            entries.append({"location": f"{url}?p={page}", "last_mod": last_mod})
    entries.append(
        {
            "location": seo.absolute(reverse("publishing:sitemap_news"), origin=origin),
            "last_mod": None,
        }
    )
    return _xml_safe(
        TemplateResponse(
            request,
            "pages/sitemap_index.xml",
            {"sitemaps": entries},
            content_type="application/xml",
        )
    )


def sitemap_section(request: HttpRequest, section: str) -> HttpResponse:
    """One of the sitemaps the index lists."""
    return _xml_safe(
        sitemap_view(request, sitemaps=SITEMAPS, section=section, template_name="pages/sitemap.xml")
    )


def news_sitemap_stories(*, now: datetime.datetime | None = None) -> list[Story]:
    """Stories published in the last two days, newest first (Google News sitemap)."""
    since = (now or timezone.now()) - NEWS_WINDOW
    return list(
        selectors.story_list_published()
        .filter(published_at__gte=since)
        .order_by("-published_at", "-id")[:NEWS_LIMIT]
    )


def sitemap_news(request: HttpRequest) -> HttpResponse:
    """The Google News sitemap (``news:`` namespace)."""
    origin = seo.site_origin(request)
    urls = [
        {
            "location": seo.absolute(story.get_absolute_url(), origin=origin),
            "lastmod": story.updated_at,
            "published": story.published_at,
            "title": story.headline,
        }
        for story in news_sitemap_stories()
    ]
    return _xml_safe(
        TemplateResponse(
            request,
            "pages/sitemap_news.xml",
            {
                "urls": urls,
                "publication_name": conf.get("SITE_NAME"),
                # news:language is an ISO 639 code: "en", not "en-gb" (zh-cn / zh-tw excepted).
                "language": settings.LANGUAGE_CODE.split("-")[0],
            },
            content_type="application/xml",
        )
    )
