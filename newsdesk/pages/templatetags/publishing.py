"""``{% publishing_head %}``: what a page's ``<head>`` tells search engines, previews and
feed readers; ``|zone_name``: the site zone's abbreviation at a given instant.

It reads the page's own context (``story``, ``entries``, ``pinned`` on a story
page; ``section`` on a section page), so views need not know about it.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe

from newsdesk import conf
from newsdesk.newsroom.models import Section, Story
from newsdesk.newsroom.selectors import story_image

from .. import seo
from ..feeds import feed_links

register = template.Library()


def _story_meta(request: Any, context: Any, story: Story, origin: str) -> dict[str, Any]:
    url = seo.absolute(story.get_absolute_url(), origin=origin)
    photo = story_image(story=story)
    if story.live:
        shown = []
        pinned = context.get("pinned")
        if pinned is not None:
            shown.append(pinned)
        shown += list(context.get("entries") or [])
        main = seo.live_blog_posting(story=story, entries=shown, origin=origin, image=photo)
    else:
        main = seo.news_article(story=story, origin=origin, image=photo)
    oembed = None
    if story.live:
        query = urlencode({"url": url, "format": "json"})
        oembed = f"{reverse('publishing:oembed')}?{query}"
    return {
        "canonical": url,
        "description": seo.story_description(story),
        "title": story.headline,
        "og_type": "article",
        "published": story.published_at,
        "modified": story.updated_at,
        "section_name": story.section.name,
        "json_ld": [main, seo.breadcrumb_list(section=story.section, story=story, origin=origin)],
        "feeds": feed_links(section=story.section, story=story),
        "oembed": oembed,
        "picture": seo.image_object(photo=photo, origin=origin) if photo is not None else None,
        "picture_alt": (photo.alt if photo is not None and not photo.decorative else ""),
    }


def _section_meta(section: Section, origin: str) -> dict[str, Any]:
    return {
        "canonical": seo.absolute(section.get_absolute_url(), origin=origin),
        "description": f"The latest stories in {section.name}.",
        "title": section.name,
        "og_type": "website",
        "json_ld": [seo.breadcrumb_list(section=section, origin=origin)],
        "feeds": feed_links(section=section),
    }


def _site_meta(request: Any, origin: str) -> dict[str, Any]:
    name = conf.get("SITE_NAME")
    data: list[dict[str, Any]] = []
    if request is not None and request.path == "/":
        data.append(seo.website(origin=origin))
    return {
        "canonical": None,
        "description": None,
        "title": name,
        "og_type": "website",
        "json_ld": data,
        "feeds": feed_links(),
    }


@register.simple_tag(takes_context=True)
def embed_code(context: Any, story: Story) -> str:
    """The iframe snippet that embeds ``story`` on a partner's page (for the desk)."""
    from ..embed import embed_snippet

    return embed_snippet(story=story, request=context.get("request"))


@register.filter
def zone_name(value: Any) -> str:
    """The current zone's abbreviation (GMT, BST) in force at ``value``.

    Django's ``date:"T"`` prints nothing during the hour that repeats when
    clocks go back (``django.utils.dateformat`` drops the zone of an ambiguous
    time); the converted datetime's ``fold`` (PEP 495) says which hour it is.
    """
    if value is None or timezone.is_naive(value):
        return ""
    return timezone.localtime(value).tzname() or ""


@register.inclusion_tag("pages/_publishing_head.html", takes_context=True)
def publishing_head(context: Any) -> dict[str, Any]:
    """Canonical URL, description, Open Graph, Twitter card, JSON-LD and feed links."""
    request = context.get("request")
    origin = seo.site_origin(request)
    story = context.get("story")
    section = context.get("section")
    if isinstance(story, Story):
        meta = _story_meta(request, context, story, origin)
    elif isinstance(section, Section):
        meta = _section_meta(section, origin)
    else:
        meta = _site_meta(request, origin)
    # A view's own canonical URL (a section's page 2) and description win.
    meta["canonical"] = context.get("canonical_url") or meta["canonical"]
    meta["description"] = context.get("meta_description") or meta["description"]
    meta["json_ld_html"] = [mark_safe(seo.json_ld_html(item)) for item in meta.pop("json_ld")]  # noqa: S308
    meta.update(
        {
            "site_name": conf.get("SITE_NAME"),
            "image": seo.logo_url(origin=origin),
            "picture": meta.get("picture"),
            "twitter_site": conf.get("TWITTER_SITE").strip(),
            # The Content-Security-Policy nonce (django-csp) for the JSON-LD script elements.
            "csp_nonce": getattr(request, "csp_nonce", ""),
        }
    )
    return meta
