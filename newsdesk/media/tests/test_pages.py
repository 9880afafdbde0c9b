"""Photos where readers meet them: the story page, link previews, structured data, feeds, lists."""

from __future__ import annotations

import json

import feedparser
import pytest
from lxml import html as lxml_html

from newsdesk.newsroom import services

from . import images


@pytest.fixture
def photographed(live_story, editor, upload):
    """A live story with two entries: a plain one, then a newer one with a captioned photo."""
    photo = upload(
        images.jpeg(1600, 1000), alt="Ferries at the quay", caption="Morning", credit="Ann Lee"
    )
    services.entry_publish(story=live_story, author=editor, body="Talks open.")
    entry = services.entry_publish(
        story=live_story, author=editor, body="The quay fills up.", media=[photo.pk]
    )
    return live_story, entry, photo


def _tree(response):
    return lxml_html.fromstring(response.content)


def test_the_story_page_shows_the_photo_with_its_caption_and_size(client, photographed):
    story, entry, photo = photographed
    tree = _tree(client.get(story.get_absolute_url()))
    figure = tree.cssselect(f"#entry-{entry.pk} figure.photo")[0]
    img = figure.cssselect("img")[0]
    assert img.get("alt") == "Ferries at the quay"
    assert (img.get("width"), img.get("height")) == ("1600", "1000")
    # The newest entry is on the first screen: its photo is not lazy.
    assert img.get("loading") == "eager"
    assert figure.cssselect("source")[0].get("type") == "image/webp"
    assert "480w" in img.get("srcset") and "1600w" in img.get("srcset")
    assert figure.cssselect("figcaption")[0].text_content().split() == ["Morning", "Ann", "Lee"]


def test_link_previews_use_the_newest_entry_photo_at_1200(client, photographed):
    story, _, photo = photographed
    tree = _tree(client.get(story.get_absolute_url()))
    og = tree.cssselect('meta[property="og:image"]')[0].get("content")
    assert og.startswith("http://testserver/media/") and og.endswith("-1200.jpg")
    assert tree.cssselect('meta[property="og:image:width"]')[0].get("content") == "1200"
    assert tree.cssselect('meta[property="og:image:alt"]')[0].get("content") == photo.alt
    assert tree.cssselect('meta[name="twitter:card"]')[0].get("content") == "summary_large_image"
    blobs = [json.loads(s.text) for s in tree.cssselect('script[type="application/ld+json"]')]
    posting = next(b for b in blobs if b["@type"] == "LiveBlogPosting")
    assert posting["image"][0]["url"] == og
    with_photo = [u for u in posting["liveBlogUpdate"] if "image" in u]
    assert len(with_photo) == 1
    assert with_photo[0]["image"][0]["creditText"] == "Ann Lee"


def test_a_story_without_photos_keeps_a_plain_summary_card(client, live_story, publish):
    publish(live_story, "No pictures yet.")
    tree = _tree(client.get(live_story.get_absolute_url()))
    assert tree.cssselect('meta[name="twitter:card"]')[0].get("content") == "summary"


def test_feeds_carry_the_photo_as_enclosure_and_media_content(client, photographed):
    story, entry, photo = photographed
    parsed = feedparser.parse(client.get(f"/feeds/story/{story.pk}/rss.xml").content)
    item = next(i for i in parsed.entries if i.link.endswith(f"#entry-{entry.pk}"))
    assert item.enclosures[0]["type"] == "image/jpeg"
    assert item.enclosures[0]["href"].endswith("-1200.jpg")
    assert item.media_content[0]["width"] == "1200"
    assert 'alt="Ferries at the quay"' in item.description
    site = feedparser.parse(client.get("/feeds/rss.xml").content)
    assert site.entries[0].enclosures[0]["href"] == item.enclosures[0]["href"]
    atom = feedparser.parse(client.get(f"/feeds/story/{story.pk}/atom.xml").content)
    assert any(link.get("rel") == "enclosure" for link in atom.entries[0].links)


def test_home_section_and_related_lists_show_a_thumbnail(client, photographed):
    story, _, _ = photographed
    for path in ("/", story.section.get_absolute_url()):
        tree = _tree(client.get(path))
        item = tree.cssselect(".story-item--with-image")[0]
        thumb = item.cssselect("img")[0]
        assert thumb.get("alt") == ""  # the headline link beside it says it all
        assert thumb.get("width") and thumb.get("height")
        assert thumb.get("loading") == "lazy"
