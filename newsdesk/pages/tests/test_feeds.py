"""RSS and Atom feeds, read back with feedparser as a feed reader would."""

from __future__ import annotations

import datetime

import feedparser
import pytest
from django.db.models import F

from newsdesk.newsroom import services
from newsdesk.newsroom.models import Entry


def parse(client, path: str):
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    return response, feed


def entry_link(story, entry) -> str:
    return f"http://testserver{story.get_absolute_url()}?entry={entry.pk}#entry-{entry.pk}"


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_story_feed_lists_entries_newest_first_with_own_permalinks(
    client, live_story, publish, kind
):
    first = publish(live_story, "The delegations arrive at the harbour.", title="Arrivals")
    second = publish(live_story, "Talks **begin** behind closed doors.")
    third = publish(live_story, "A first statement is expected at noon.")

    response, feed = parse(client, f"/feeds/story/{live_story.pk}/{kind}.xml")

    assert response["Content-Type"].startswith(f"application/{kind}+xml")
    assert feed.feed.title == live_story.headline
    assert [item.link for item in feed.entries] == [
        entry_link(live_story, e) for e in (third, second, first)
    ]
    ids = [item.id for item in feed.entries]
    assert len(set(ids)) == 3
    assert feed.entries[2].title == "Arrivals"
    assert feed.entries[1].title == "Talks begin behind closed doors."
    assert "<strong>begin</strong>" in feed.entries[1].summary


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_correction_updates_the_item_in_place_instead_of_adding_one(
    client, live_story, publish, editor, kind
):
    publish(live_story, "The summit opens on Monday.")
    wrong = publish(live_story, "The minister arrived at 9am.")
    publish(live_story, "Crowds gather outside.")
    # Feeds carry whole seconds: age the entries so the correction is visibly later.
    Entry.objects.filter(story=live_story).update(
        published_at=F("published_at") - datetime.timedelta(hours=1),
        updated_at=F("updated_at") - datetime.timedelta(hours=1),
    )
    _, before = parse(client, f"/feeds/story/{live_story.pk}/{kind}.xml")

    corrected = services.entry_correct(
        entry=wrong, actor=editor, version=wrong.version, body="The minister arrived at 10am."
    )
    assert corrected.updated_at - corrected.published_at > datetime.timedelta(minutes=59)
    _, after = parse(client, f"/feeds/story/{live_story.pk}/{kind}.xml")

    assert [i.id for i in after.entries] == [i.id for i in before.entries]
    item = after.entries[1]
    assert "10am" in item.summary and "9am" not in item.summary
    updated = datetime.datetime(*item.updated_parsed[:6], tzinfo=datetime.UTC)
    published = datetime.datetime(*item.published_parsed[:6], tzinfo=datetime.UTC)
    assert updated == corrected.updated_at.replace(microsecond=0)
    assert published == corrected.published_at.replace(microsecond=0)
    untouched = after.entries[0]
    assert untouched.updated_parsed == untouched.published_parsed


def test_deleted_entries_leave_the_story_feed(client, live_story, publish, editor):
    keep = publish(live_story, "Kept.")
    gone = publish(live_story, "Posted by mistake.")
    services.entry_delete(entry=gone, actor=editor)

    _, feed = parse(client, f"/feeds/story/{live_story.pk}/atom.xml")

    assert [item.link for item in feed.entries] == [entry_link(live_story, keep)]


def test_story_feed_is_404_for_drafts_articles_and_unknown_ids(client, section, editor, article):
    draft = services.story_create(
        section=section, headline="Not yet", author=editor, live=True, status="draft"
    )
    for story_id in (draft.pk, article.pk, 999999):
        assert client.get(f"/feeds/story/{story_id}/rss.xml").status_code == 404


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_site_and_section_feeds_list_visible_stories_newest_first(
    client, section, editor, live_story, article, kind
):
    other_root = services.section_create(name="Sport")
    sport = services.story_create(
        section=other_root, headline="Final goes to extra time", author=editor, live=False
    )
    services.story_create(
        section=section, headline="Hidden draft", author=editor, live=False, status="draft"
    )

    _, site = parse(client, f"/feeds/{kind}.xml")
    _, world = parse(client, f"/feeds/section/world/{kind}.xml")
    _, asia = parse(client, f"/feeds/section/world/asia/{kind}.xml")

    assert [i.title for i in site.entries] == [
        sport.headline,
        article.headline,
        live_story.headline,
    ]
    # A section's feed holds its sub-sections' stories too.
    assert [i.title for i in world.entries] == [article.headline, live_story.headline]
    assert [i.title for i in asia.entries] == [article.headline, live_story.headline]
    assert asia.entries[0].link == f"http://testserver{article.get_absolute_url()}"
    assert client.get(f"/feeds/section/nowhere/{kind}.xml").status_code == 404


def test_feed_links_use_the_configured_site_url(client, live_story, publish, monkeypatch):
    entry = publish(live_story, "Hello.")
    monkeypatch.setenv("NEWSDESK_SITE_URL", "https://news.example")

    _, feed = parse(client, f"/feeds/story/{live_story.pk}/atom.xml")

    assert feed.entries[0].link == (
        f"https://news.example{live_story.get_absolute_url()}?entry={entry.pk}#entry-{entry.pk}"
    )
    assert feed.feed.link == f"https://news.example{live_story.get_absolute_url()}"


def test_pages_advertise_their_feeds_for_autodiscovery(get_html, live_story):
    _, doc = get_html(live_story.get_absolute_url())
    links = {
        (link.get("type"), link.get("href")) for link in doc.xpath("//head/link[@rel='alternate']")
    }
    assert ("application/atom+xml", f"/feeds/story/{live_story.pk}/atom.xml") in links
    assert ("application/rss+xml", f"/feeds/story/{live_story.pk}/rss.xml") in links
    assert ("application/atom+xml", "/feeds/section/world/asia/atom.xml") in links
    assert ("application/rss+xml", "/feeds/rss.xml") in links

    _, home = get_html("/")
    assert home.xpath("//head/link[@rel='alternate'][@type='application/atom+xml']/@href") == [
        "/feeds/atom.xml"
    ]
