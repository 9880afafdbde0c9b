"""Builders for what search engines and link previews read: JSON-LD, Open Graph, URLs.

Each builder takes model instances and an origin and returns plain dicts, so
the page template, tests and any other caller get the same structured data.
Property choices follow schema.org and Google's structured-data guides:
https://schema.org/LiveBlogPosting, https://schema.org/NewsArticle,
https://developers.google.com/search/docs/appearance/structured-data/article.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from html import unescape
from typing import Any

from django.http import HttpRequest
from django.templatetags.static import static
from django.utils.html import strip_tags
from django.utils.text import Truncator

from newsdesk import conf
from newsdesk.newsroom.models import Entry, Section, Story

SCHEMA = "https://schema.org"
DESCRIPTION_WORDS = 40


def site_origin(request: HttpRequest | None) -> str:
    """The public origin (``https://news.example``): NEWSDESK_SITE_URL, else the request's."""
    configured = conf.get("SITE_URL").strip().rstrip("/")
    if configured:
        return configured
    if request is None:
        return ""
    return f"{request.scheme}://{request.get_host()}"


def absolute(url: str, *, origin: str) -> str:
    """``url`` made absolute against ``origin`` (already absolute URLs pass through)."""
    if url.startswith(("http://", "https://")):
        return url
    return f"{origin}{url}"


def logo_url(*, origin: str) -> str:
    """The publisher logo: NEWSDESK_SITE_LOGO_URL, else the bundled one."""
    return conf.get("SITE_LOGO_URL").strip() or absolute(static("pages/logo.png"), origin=origin)


# Google asks for images at least 1200 pixels wide for large previews.
PREVIEW_WIDTH = 1200


def image_object(*, photo: Any, origin: str) -> dict[str, Any] | None:
    """A photo as schema.org ImageObject at preview size (absolute URL, its width and height)."""
    rendition = photo.rendition(PREVIEW_WIDTH)
    if rendition is None:
        return None
    data: dict[str, Any] = {
        "@type": "ImageObject",
        "url": absolute(rendition["url"], origin=origin),
        "width": rendition["width"],
        "height": rendition["height"],
    }
    if photo.caption or photo.alt:
        data["caption"] = photo.caption or photo.alt
    if photo.credit:
        data["creditText"] = photo.credit
    return data


def entry_url(*, story: Story, entry: Entry, origin: str) -> str:
    """An entry's permanent address: the story page and its anchor."""
    return f"{absolute(story.get_absolute_url(), origin=origin)}#entry-{entry.pk}"


def text_of(html: str) -> str:
    """Plain text of sanitised HTML, whitespace collapsed."""
    return re.sub(r"\s+", " ", unescape(strip_tags(html))).strip()


def entry_headline(entry: Entry) -> str:
    """The entry's title, else the start of its text (schema.org headline, at most 110 characters)."""
    return Truncator(entry.title or text_of(entry.body_html)).chars(110)


def story_description(story: Story) -> str:
    """What a link preview shows under the headline."""
    if story.standfirst:
        return story.standfirst
    return Truncator(text_of(story.body_html)).words(DESCRIPTION_WORDS)


def publisher(*, origin: str) -> dict[str, Any]:
    """The site as a schema.org NewsMediaOrganization with its logo."""
    return {
        "@type": "NewsMediaOrganization",
        "name": conf.get("SITE_NAME"),
        "url": f"{origin}/",
        "logo": {"@type": "ImageObject", "url": logo_url(origin=origin)},
    }


def byline(user: Any) -> str:
    """The name a journalist publishes under."""
    journalist = getattr(user, "journalist", None)
    return journalist.byline if journalist is not None else user.get_username()


def _person(user: Any) -> dict[str, Any]:
    return {"@type": "Person", "name": byline(user)}


def _authors(story: Story) -> list[dict[str, Any]]:
    users = getattr(story, "author_list", None)
    if users is None:
        users = list(story.authors.select_related("journalist"))
    if users:
        return [_person(user) for user in users]
    # Google asks for an author; a story without a named one is the newsroom's.
    return [{"@type": "Organization", "name": conf.get("SITE_NAME")}]


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _about(story: Story, *, origin: str) -> dict[str, Any]:
    # Story has no dedicated subject field; its section is what it is about.
    return {
        "@type": "Thing",
        "name": story.section.name,
        "url": absolute(story.section.get_absolute_url(), origin=origin),
    }


def blog_posting(*, story: Story, entry: Entry, origin: str) -> dict[str, Any]:
    """One live entry as a schema.org BlogPosting (an item of ``liveBlogUpdate``)."""
    data: dict[str, Any] = {
        "@type": "BlogPosting",
        "@id": entry_url(story=story, entry=entry, origin=origin),
        "headline": entry_headline(entry),
        "datePublished": _iso(entry.published_at),
        "dateModified": _iso(entry.updated_at),
        "articleBody": text_of(entry.body_html),
        "url": entry_url(story=story, entry=entry, origin=origin),
    }
    if entry.author is not None:
        data["author"] = _person(entry.author)
    images = [i for i in (image_object(photo=p, origin=origin) for p in entry.photos) if i]
    if images:
        data["image"] = images
    return data


def live_blog_posting(
    *, story: Story, entries: Iterable[Entry], origin: str, image: Any = None
) -> dict[str, Any]:
    """A live story as schema.org LiveBlogPosting, ``liveBlogUpdate`` being the given entries."""
    url = absolute(story.get_absolute_url(), origin=origin)
    updates: list[dict[str, Any]] = []
    seen: set[int] = set()
    for entry in entries:
        if entry.pk in seen:
            continue
        seen.add(entry.pk)
        updates.append(blog_posting(story=story, entry=entry, origin=origin))
    data: dict[str, Any] = {
        "@context": SCHEMA,
        "@type": "LiveBlogPosting",
        "@id": url,
        "url": url,
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "headline": Truncator(story.headline).chars(110),
        "description": story_description(story),
        # The first publication time: fixed for the life of the story.
        "datePublished": _iso(story.published_at or story.created_at),
        "dateModified": _iso(story.updated_at),
        "coverageStartTime": _iso(story.coverage_start or story.published_at),
        "author": _authors(story),
        "publisher": publisher(origin=origin),
        "about": _about(story, origin=origin),
        "liveBlogUpdate": updates,
    }
    if story.status == Story.Status.ENDED and story.coverage_end is not None:
        data["coverageEndTime"] = _iso(story.coverage_end)
    picture = image_object(photo=image, origin=origin) if image is not None else None
    if picture:
        data["image"] = [picture]
    return data


def news_article(*, story: Story, origin: str, image: Any = None) -> dict[str, Any]:
    """An ordinary article as schema.org NewsArticle."""
    url = absolute(story.get_absolute_url(), origin=origin)
    picture = image_object(photo=image, origin=origin) if image is not None else None
    return {
        **({"image": [picture]} if picture else {}),
        "@context": SCHEMA,
        "@type": "NewsArticle",
        "@id": url,
        "url": url,
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "headline": Truncator(story.headline).chars(110),
        "description": story_description(story),
        "datePublished": _iso(story.published_at or story.created_at),
        "dateModified": _iso(story.updated_at),
        "author": _authors(story),
        "publisher": publisher(origin=origin),
        "about": _about(story, origin=origin),
        "articleSection": story.section.name,
        "articleBody": text_of(story.body_html),
    }


def breadcrumb_list(*, section: Section, origin: str, story: Story | None = None) -> dict[str, Any]:
    """schema.org BreadcrumbList: Home, each section from the root, then the story."""
    crumbs: list[tuple[str, str]] = [("Home", "/")]
    crumbs += [(s.name, s.get_absolute_url()) for s in section.ancestors()]
    if story is not None:
        crumbs.append((story.headline, story.get_absolute_url()))
    return {
        "@context": SCHEMA,
        "@type": "BreadcrumbList",
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": number,
                "name": name,
                "item": absolute(url, origin=origin),
            }
            for number, (name, url) in enumerate(crumbs, start=1)
        ],
    }


def website(*, origin: str) -> dict[str, Any]:
    """The site as schema.org WebSite, with its search (a sitelinks search box)."""
    return {
        "@context": SCHEMA,
        "@type": "WebSite",
        "name": conf.get("SITE_NAME"),
        "url": f"{origin}/",
        "publisher": publisher(origin=origin),
        "potentialAction": {
            "@type": "SearchAction",
            "target": {
                "@type": "EntryPoint",
                "urlTemplate": f"{origin}/search?q={{search_term_string}}",
            },
            "query-input": "required name=search_term_string",
        },
    }


def json_ld_html(data: dict[str, Any] | list[dict[str, Any]]) -> str:
    """JSON for an inline ``<script type="application/ld+json">``.

    ``<``, ``>`` and ``&`` become JSON unicode escapes, so no value (a headline
    holding ``</script>``) can end the script element early; parsers read the
    same string. https://html.spec.whatwg.org/#restrictions-for-contents-of-script-elements
    """
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )
