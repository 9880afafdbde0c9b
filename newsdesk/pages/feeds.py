"""RSS and Atom feeds (django.contrib.syndication): the site, each section, each live story.

A live story's feed has one item per visible entry, newest first. An item's id
is the entry's permalink, so a correction changes the item's ``updated`` time
and content in place; feed readers never see it as a new item.
"""

from __future__ import annotations

from typing import Any

from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils import feedgenerator
from django.utils.feedgenerator import rfc3339_date
from django.utils.html import escape, format_html

from newsdesk import conf
from newsdesk.newsroom import selectors
from newsdesk.newsroom.characters import xml_clean
from newsdesk.newsroom.models import Entry, Section, Story

from . import seo

FEED_ITEMS = 30


def _xml_safe(value: Any) -> Any:
    if isinstance(value, str):
        return xml_clean(value)
    if isinstance(value, list | tuple):
        return type(value)(_xml_safe(item) for item in value)
    if isinstance(value, dict):
        return {key: _xml_safe(item) for key, item in value.items()}
    return value


class XmlSafeFeed(feedgenerator.SyndicationFeed):
    """Drops from every text what XML 1.0 cannot carry, so a feed is well-formed
    whatever is stored (rows written before the services refused such characters)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*_xml_safe(args), **{k: _xml_safe(v) for k, v in kwargs.items()})

    def add_item(self, *args: Any, **kwargs: Any) -> None:
        super().add_item(*_xml_safe(args), **{k: _xml_safe(v) for k, v in kwargs.items()})


class AtomFeed(XmlSafeFeed, feedgenerator.Atom1Feed):
    """Atom 1.0, well-formed whatever is stored."""


class RssWithUpdated(XmlSafeFeed, feedgenerator.Rss201rev2Feed):
    """RSS 2.0 with ``<atom:updated>`` on items (RSS itself has no updated time) and each
    item's photo as Media RSS ``<media:content>`` (https://www.rssboard.org/media-rss)."""

    def rss_attributes(self) -> dict[str, str]:
        return {**super().rss_attributes(), "xmlns:media": "http://search.yahoo.com/mrss/"}

    def add_item_elements(self, handler: Any, item: dict[str, Any]) -> None:
        super().add_item_elements(handler, item)
        if item.get("updateddate") is not None:
            handler.addQuickElement("atom:updated", rfc3339_date(item["updateddate"]))
        picture = item.get("picture")
        if picture:
            handler.addQuickElement("media:content", "", picture)


def _picture(photo: Any, origin: str) -> tuple[dict[str, str], feedgenerator.Enclosure] | None:
    """A photo's preview rendition as Media RSS attributes and an enclosure."""
    rendition = photo.rendition(seo.PREVIEW_WIDTH) if photo is not None else None
    if rendition is None:
        return None
    url = seo.absolute(rendition["url"], origin=origin)
    mime = "image/png" if rendition["format"] == "png" else "image/jpeg"
    attributes = {
        "url": url,
        "medium": "image",
        "type": mime,
        "width": str(rendition["width"]),
        "height": str(rendition["height"]),
    }
    return attributes, feedgenerator.Enclosure(url, str(rendition["bytes"]), mime)


class _BaseFeed(Feed):
    """Absolute links from NEWSDESK_SITE_URL (or the request), and the site's name."""

    feed_type: type[feedgenerator.SyndicationFeed] = RssWithUpdated
    kind = "rss"

    def __call__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        self.origin = seo.site_origin(request)
        response = super().__call__(request, *args, **kwargs)
        # Feed readers poll; a short shared cache absorbs them.
        response.headers["Cache-Control"] = "public, max-age=60"
        return response

    def _absolute(self, url: str) -> str:
        return seo.absolute(url, origin=self.origin)

    def item_photo(self, item: Any) -> Any:
        """The photo that goes with an item, or None."""
        return None

    def item_enclosures(self, item: Any) -> list[feedgenerator.Enclosure]:
        picture = _picture(self.item_photo(item), self.origin)
        return [picture[1]] if picture else []

    def item_extra_kwargs(self, item: Any) -> dict[str, Any]:
        picture = _picture(self.item_photo(item), self.origin)
        return {"picture": picture[0] if picture else None}

    def author_name(self, obj: Any) -> str:
        return conf.get("SITE_NAME")


class _StoryItems:
    """Items that are stories (site and section feeds)."""

    def item_title(self, item: Story) -> str:
        return item.headline

    def item_description(self, item: Story) -> str:
        # Feed readers render a description as HTML (Atom marks it type="html"):
        # plain text is escaped so that a headline's "<script>" stays text.
        return escape(seo.story_description(item))

    def item_link(self, item: Story) -> str:
        return self._absolute(item.get_absolute_url())  # type: ignore[attr-defined]

    def item_guid(self, item: Story) -> str:
        return self.item_link(item)

    def item_pubdate(self, item: Story) -> Any:
        return item.published_at or item.created_at

    def item_updateddate(self, item: Story) -> Any:
        return item.updated_at

    def item_categories(self, item: Story) -> list[str]:
        return [item.section.name]

    def item_photo(self, item: Story) -> Any:
        return getattr(item, "thumbnail", None)


class SiteFeed(_StoryItems, _BaseFeed):
    """The newest stories of the whole site."""

    def title(self) -> str:
        return conf.get("SITE_NAME")

    def description(self) -> str:
        return f"The latest stories from {conf.get('SITE_NAME')}."

    def link(self) -> str:
        return self._absolute("/")

    def feed_url(self) -> str:
        return self._absolute(reverse(f"publishing:site_{self.kind}"))

    def items(self) -> list[Story]:
        stories = list(selectors.story_list_published()[:FEED_ITEMS])
        return selectors.stories_thumbnails_attach(stories=stories)


class SectionFeed(_StoryItems, _BaseFeed):
    """The newest stories of a section and the sections under it."""

    def get_object(self, request: HttpRequest, section_path: str) -> Section:
        section = selectors.section_by_path(path=section_path)
        if section is None:
            raise Http404("No such section.")
        return section

    def title(self, obj: Section) -> str:
        return f"{obj.name} | {conf.get('SITE_NAME')}"

    def description(self, obj: Section) -> str:
        return escape(f"The latest {obj.name} stories from {conf.get('SITE_NAME')}.")

    def link(self, obj: Section) -> str:
        return self._absolute(obj.get_absolute_url())

    def feed_url(self, obj: Section) -> str:
        return self._absolute(
            reverse(f"publishing:section_{self.kind}", kwargs={"section_path": obj.path})
        )

    def items(self, obj: Section) -> list[Story]:
        stories = list(selectors.story_list_published(section=obj)[:FEED_ITEMS])
        return selectors.stories_thumbnails_attach(stories=stories)


class StoryFeed(_BaseFeed):
    """A live story's entries, newest first, each with its own permalink."""

    def get_object(self, request: HttpRequest, story_id: int) -> Story:
        story = selectors.story_get(story_id=story_id)
        if story is None or not story.is_visible or not story.live:
            raise Http404("No such live story.")
        return story

    def title(self, obj: Story) -> str:
        return obj.headline

    def description(self, obj: Story) -> str:
        return escape(obj.standfirst or obj.headline)

    def link(self, obj: Story) -> str:
        return self._absolute(obj.get_absolute_url())

    def feed_url(self, obj: Story) -> str:
        return self._absolute(reverse(f"publishing:story_{self.kind}", kwargs={"story_id": obj.pk}))

    def feed_guid(self, obj: Story) -> str:
        return self.link(obj)

    def items(self, obj: Story) -> list[Entry]:
        entries, _ = selectors.entry_page(story=obj, limit=FEED_ITEMS)
        return entries

    def item_title(self, item: Entry) -> str:
        return seo.entry_headline(item)

    def item_description(self, item: Entry) -> str:
        figures = [
            format_html(
                '<figure><img src="{}" width="{}" height="{}" alt="{}">{}</figure>',
                seo.absolute(r["url"], origin=self.origin),
                r["width"],
                r["height"],
                "" if photo.decorative else photo.alt,
                format_html(
                    "<figcaption>{}</figcaption>",
                    " ".join(filter(None, [photo.caption, photo.credit])),
                )
                if photo.caption or photo.credit
                else "",
            )
            for photo in item.photos
            if (r := photo.rendition(800)) is not None
        ]
        return item.body_html + "".join(figures)

    def item_photo(self, item: Entry) -> Any:
        photos = item.photos
        return photos[0] if photos else None

    def item_link(self, item: Entry) -> str:
        return self._absolute(f"{item.story.get_absolute_url()}?entry={item.pk}#entry-{item.pk}")

    def item_guid(self, item: Entry) -> str:
        return seo.entry_url(story=item.story, entry=item, origin=self.origin)

    def item_guid_is_permalink(self, item: Entry) -> bool:
        return True

    def item_pubdate(self, item: Entry) -> Any:
        return item.published_at

    def item_updateddate(self, item: Entry) -> Any:
        return item.updated_at

    def item_author_name(self, item: Entry) -> str | None:
        if item.author is None:
            return None
        return seo.byline(item.author)


class SiteAtomFeed(SiteFeed):
    feed_type = AtomFeed
    kind = "atom"
    subtitle = SiteFeed.description


class SectionAtomFeed(SectionFeed):
    feed_type = AtomFeed
    kind = "atom"
    subtitle = SectionFeed.description


class StoryAtomFeed(StoryFeed):
    feed_type = AtomFeed
    kind = "atom"
    subtitle = StoryFeed.description


_KINDS = (("atom", "Atom", "application/atom+xml"), ("rss", "RSS", "application/rss+xml"))


def feed_links(
    *, section: Section | None = None, story: Story | None = None
) -> list[dict[str, str]]:
    """The feeds a page advertises (``<link rel="alternate">``), most specific first."""
    links: list[dict[str, str]] = []
    if story is not None and story.live:
        for kind, label, mime in _KINDS:
            href = reverse(f"publishing:story_{kind}", kwargs={"story_id": story.pk})
            links.append({"href": href, "type": mime, "title": f"{story.headline} ({label})"})
    if section is not None:
        for kind, label, mime in _KINDS:
            href = reverse(f"publishing:section_{kind}", kwargs={"section_path": section.path})
            links.append({"href": href, "type": mime, "title": f"{section.name} ({label})"})
    name = conf.get("SITE_NAME")
    for kind, label, mime in _KINDS:
        links.append(
            {"href": reverse(f"publishing:site_{kind}"), "type": mime, "title": f"{name} ({label})"}
        )
    return links
