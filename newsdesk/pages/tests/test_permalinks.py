"""Entry permalinks (``?entry=<id>#entry-<id>``) open the page holding the entry, however deep."""

from __future__ import annotations

import datetime

import feedparser
import lxml.html
import pytest
from django.utils import timezone

from newsdesk.newsroom import services
from newsdesk.newsroom.models import Entry
from newsdesk.search.selectors import story_search

TOTAL = 520


def entry_ids(doc) -> list[int]:
    return [int(x) for x in doc.xpath("//*[@data-entries]/article/@data-entry-id")]


def get_doc(client, path: str):
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return lxml.html.fromstring(response.content)


@pytest.fixture
def deep_story(live_story, editor) -> tuple:
    """The live story with 520 entries a minute apart; returns (story, ids newest first)."""
    start = timezone.now() - datetime.timedelta(days=1)
    Entry.objects.bulk_create(
        Entry(
            story=live_story,
            author=editor,
            body=f"Update {n}",
            body_html=f"<p>Update {n}</p>",
            published_at=start + datetime.timedelta(minutes=n),
            updated_at=start + datetime.timedelta(minutes=n),
        )
        for n in range(1, TOTAL + 1)
    )
    ids = list(
        Entry.objects.filter(story=live_story)
        .order_by("-published_at", "-pk")
        .values_list("pk", flat=True)
    )
    assert len(ids) == TOTAL
    return live_story, ids


def test_permalink_opens_the_page_holding_an_entry_500_deep(client, deep_story, monkeypatch):
    monkeypatch.setenv("NEWSDESK_ENTRIES_PER_PAGE", "20")
    story, ids = deep_story
    target = ids[505]

    doc = get_doc(client, f"{story.get_absolute_url()}?entry={target}")

    shown = entry_ids(doc)
    assert target in shown
    assert doc.xpath(f"//article[@id='entry-{target}']")
    # The page is the stream's last page of 20 (positions 500-519), newest first.
    assert shown == ids[500:520]
    assert not doc.xpath("//a[@data-load-older]")
    assert doc.xpath("//a[@data-latest]/@href") == [story.get_absolute_url()]


def test_permalink_page_is_the_page_load_older_reaches(client, deep_story, monkeypatch):
    monkeypatch.setenv("NEWSDESK_ENTRIES_PER_PAGE", "50")
    story, ids = deep_story
    target = ids[503]

    # Follow "Older updates" from the top, as a reader without the permalink would.
    path = story.get_absolute_url()
    pages = 0
    while True:
        doc = get_doc(client, path)
        pages += 1
        if target in entry_ids(doc):
            break
        path = doc.xpath("//a[@data-load-older]/@href")[0]
    reached = entry_ids(doc)

    linked = entry_ids(get_doc(client, f"{story.get_absolute_url()}?entry={target}"))

    assert pages == 11
    assert linked == reached


def test_every_entry_links_to_its_own_permalink(client, live_story, publish):
    entry = publish(live_story, "Linked.")
    doc = get_doc(client, live_story.get_absolute_url())

    href = doc.xpath(f"//article[@id='entry-{entry.pk}']//a[contains(@class, 'entry__time')]/@href")
    assert href == [f"{live_story.get_absolute_url()}?entry={entry.pk}#entry-{entry.pk}"]


def test_permalinks_to_missing_entries_open_the_latest_updates(
    client, deep_story, section, editor, publish
):
    story, ids = deep_story
    other = services.story_create(section=section, headline="Other live", author=editor)
    foreign = publish(other, "Elsewhere.")
    deleted = Entry.objects.get(pk=ids[300])
    services.entry_delete(entry=deleted, actor=editor)
    latest = entry_ids(get_doc(client, story.get_absolute_url()))

    for wanted in (foreign.pk, deleted.pk, 99999999):
        # Redirected to the story's own URL: such links share its one cached page.
        response = client.get(f"{story.get_absolute_url()}?entry={wanted}")
        assert (response.status_code, response["Location"]) == (302, story.get_absolute_url())
        assert entry_ids(get_doc(client, response["Location"])) == latest
    assert client.get(f"{story.get_absolute_url()}?entry=abc").status_code == 404


def test_feed_search_and_page_links_share_one_permalink_that_resolves(client, deep_story):
    story, ids = deep_story
    target = ids[510]
    Entry.objects.filter(pk=target).update(body="Unique narwhal update")
    permalink = f"{story.get_absolute_url()}?entry={target}#entry-{target}"

    hit = story_search(query="narwhal", page=1).hits[0]
    feed = feedparser.parse(client.get(f"/feeds/story/{story.pk}/atom.xml").content)

    assert hit.url == permalink
    assert (
        feed.entries[0].link
        == f"http://testserver{story.get_absolute_url()}?entry={ids[0]}#entry-{ids[0]}"
    )
    path, anchor = permalink.split("#")
    assert get_doc(client, path).xpath(f"//article[@id='{anchor}']")


@pytest.mark.browser
def test_hash_link_to_an_older_entry_opens_its_page_scrolled_to_it(server, page, deep_story):
    story, ids = deep_story
    target = ids[505]

    page.goto(f"{server.url}{story.get_absolute_url()}#entry-{target}")
    entry = page.locator(f"#entry-{target}")
    entry.wait_for()

    assert page.url.endswith(f"?entry={target}#entry-{target}")
    assert entry.is_visible()
    assert entry.evaluate(
        "el => { const r = el.getBoundingClientRect(); return r.top < innerHeight && r.bottom > 0; }"
    )
