"""Site search on whichever database the suite runs on (SQLite FTS5 or PostgreSQL).

Run it on both: plain ``pytest`` for SQLite, and with NEWSDESK_DATABASE_URL set
to a PostgreSQL URL for PostgreSQL.
"""

from __future__ import annotations

import re

import lxml.html
import pytest
from django.db import connection

from newsdesk.newsroom import services
from newsdesk.search.selectors import highlight, story_search
from newsdesk.search.services import search_index_install, search_index_rebuild


def hit_keys(results) -> list[tuple[str, int]]:
    return [
        ("entry", hit.entry.pk) if hit.entry is not None else ("story", hit.story.pk)
        for hit in results.hits
    ]


@pytest.fixture
def newsroom(section, editor, live_story, publish):
    """Stories and entries about a harbour, a ferry and a bridge."""
    headline = services.story_create(
        section=section,
        headline="Harbour reopens after storm",
        standfirst="Boats return to the harbour.",
        body="The harbour master said repairs took a week.",
        author=editor,
        live=False,
    )
    body_only = services.story_create(
        section=section,
        headline="Ferry timetable changes",
        body="Some sailings now leave from the old harbour pier.",
        author=editor,
        live=False,
    )
    bridge = services.story_create(
        section=section,
        headline="Bridge toll scrapped",
        body="Drivers cheer.",
        author=editor,
        live=False,
    )
    entry = publish(live_story, "Crowds gather at the harbour wall as talks begin.")
    other = publish(live_story, "Delegates break for lunch.")
    return {
        "headline": headline,
        "body_only": body_only,
        "bridge": bridge,
        "entry": entry,
        "other": other,
        "live": live_story,
    }


def test_search_finds_stories_and_entries_ranked_headline_first(newsroom):
    results = story_search(query="harbour", page=1)

    keys = hit_keys(results)
    assert set(keys) == {
        ("story", newsroom["headline"].pk),
        ("story", newsroom["body_only"].pk),
        ("story", newsroom["live"].pk),  # "harbour summit" in its headline and standfirst
        ("entry", newsroom["entry"].pk),
    }
    assert results.total == 4
    # The story with "harbour" in its headline, standfirst and body outranks the
    # one that mentions it once in the body.
    assert keys.index(("story", newsroom["headline"].pk)) < keys.index(
        ("story", newsroom["body_only"].pk)
    )
    scores = [hit.score for hit in results.hits]
    assert scores == sorted(scores, reverse=True)


def test_search_highlights_matches_in_snippets(newsroom):
    results = story_search(query="crowds", page=1)

    assert hit_keys(results) == [("entry", newsroom["entry"].pk)]
    hit = results.hits[0]
    assert "<mark>Crowds</mark> gather at the harbour wall" in hit.snippet
    assert hit.url == (
        f"{newsroom['live'].get_absolute_url()}?entry={hit.entry.pk}#entry-{hit.entry.pk}"
    )


def test_search_matches_word_forms(newsroom):
    results = story_search(query="gathering crowd", page=1)
    assert hit_keys(results) == [("entry", newsroom["entry"].pk)]


def test_snippets_are_escaped_so_entries_cannot_inject_markup(live_story, publish):
    publish(live_story, "Tunnel `<script>alert(1)</script>` <img src=x onerror=alert(2)> found.")

    hit = story_search(query="tunnel", page=1).hits[0]

    # Only <mark> survives as markup; the text itself is escaped (or, on
    # PostgreSQL, ts_headline drops what its parser reads as tags).
    assert "<script" not in hit.snippet and "<img" not in hit.snippet
    assert set(re.findall(r"<(/?\w+)", hit.snippet)) == {"mark", "/mark"}
    assert "alert(1)" in hit.snippet
    assert "<mark>Tunnel</mark>" in hit.snippet


def test_highlight_keeps_only_mark_tags():
    assert highlight("a \x02<b>\x03 & c") == "a <mark>&lt;b&gt;</mark> &amp; c"
    assert highlight("## Heading\n> quoted **bold** `code` [link](http://x)") == (
        "Heading quoted bold code link"
    )


def test_drafts_and_deleted_entries_are_not_found(section, editor, live_story, publish):
    services.story_create(
        section=section,
        headline="Secret zeppelin plan",
        author=editor,
        live=False,
        status="draft",
    )
    entry = publish(live_story, "A zeppelin was seen.")
    assert hit_keys(story_search(query="zeppelin", page=1)) == [("entry", entry.pk)]

    services.entry_delete(entry=entry, actor=editor)

    assert story_search(query="zeppelin", page=1).hits == []


def test_corrections_and_headline_changes_reach_the_index(live_story, publish, editor):
    entry = publish(live_story, "The minister spoke about trains.")
    services.entry_correct(
        entry=entry, actor=editor, version=entry.version, body="The minister spoke about trams."
    )
    services.story_update(story=live_story, actor=editor, headline="Live: Volcano watch")

    assert story_search(query="trains", page=1).hits == []
    assert hit_keys(story_search(query="trams", page=1)) == [("entry", entry.pk)]
    assert hit_keys(story_search(query="volcano", page=1)) == [("story", live_story.pk)]


def test_web_style_queries_phrases_and_exclusions(newsroom):
    phrase = story_search(query='"harbour wall"', page=1)
    assert hit_keys(phrase) == [("entry", newsroom["entry"].pk)]

    excluded = story_search(query="harbour -storm", page=1)
    assert ("story", newsroom["headline"].pk) not in hit_keys(excluded)
    assert ("story", newsroom["body_only"].pk) in hit_keys(excluded)


@pytest.mark.parametrize("query", ["", "   ", '"', "-", "***", "AND OR NOT", "(", "a\x00b"])
def test_odd_queries_never_fail(newsroom, query):
    results = story_search(query=query, page=1)
    # None of these holds a word any story or entry contains.
    assert (results.total, results.hits) == (0, [])


def test_results_are_paginated_without_overlap(section, editor):
    for n in range(23):
        services.story_create(
            section=section,
            headline=f"Meteor sighting number {n}",
            author=editor,
            live=False,
        )

    pages = [story_search(query="meteor", page=n, per_page=10) for n in (1, 2, 3)]

    assert [len(p.hits) for p in pages] == [10, 10, 3]
    assert pages[0].total == 23 and pages[0].num_pages == 3
    assert pages[0].has_next and not pages[0].has_previous
    assert not pages[2].has_next and pages[2].has_previous
    keys = [k for p in pages for k in hit_keys(p)]
    assert len(set(keys)) == 23


def test_search_page_renders_ranked_highlighted_results(client, newsroom):
    response = client.get("/search", {"q": "crowds"})
    assert response.status_code == 200
    doc = lxml.html.fromstring(response.content)

    assert doc.xpath("//input[@name='q']/@value") == ["crowds"]
    hits = doc.xpath("//*[@data-search-hit]")
    assert [h.get("data-id") for h in hits] == [str(newsroom["entry"].pk)]
    assert hits[0].xpath(".//mark/text()") == ["Crowds"]
    link = hits[0].xpath(".//h2/a/@href")[0]
    assert link.startswith(newsroom["live"].get_absolute_url())
    assert doc.xpath("//title/text()")[0].startswith("Search: crowds")
    assert response["X-Robots-Tag"] == "noindex"


def test_search_page_links_to_the_next_page(client, section, editor):
    for n in range(12):
        services.story_create(
            section=section, headline=f"Comet report {n}", author=editor, live=False
        )
    doc = lxml.html.fromstring(client.get("/search", {"q": "comet"}).content)
    next_href = doc.xpath("//a[@rel='next']/@href")[0]

    second = lxml.html.fromstring(client.get(f"/search{next_href}").content)

    assert len(doc.xpath("//*[@data-search-hit]")) == 10
    assert len(second.xpath("//*[@data-search-hit]")) == 2
    assert second.xpath("//ol/@start") == ["11"]
    assert client.get("/search", {"q": "comet", "page": "x"}).status_code == 200


def test_empty_and_unmatched_searches_say_so(client, db):
    assert client.get("/search").status_code == 200
    doc = lxml.html.fromstring(client.get("/search", {"q": "xylophone"}).content)
    assert "Nothing matches" in doc.xpath("string(//*[@id='search-summary'])")


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the FTS5 index exists on SQLite")
def test_sqlite_index_is_repaired_after_triggers_are_lost(live_story, publish):
    entry = publish(live_story, "Walrus spotted.")
    # Django rebuilds a SQLite table to alter it, which drops its triggers.
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER search_entry_fts_ai")
    late = publish(live_story, "Second walrus spotted.")
    assert hit_keys(story_search(query="walrus", page=1)) == [("entry", entry.pk)]

    assert search_index_install() == ["search_entry_fts"]

    assert set(hit_keys(story_search(query="walrus", page=1))) == {
        ("entry", entry.pk),
        ("entry", late.pk),
    }
    search_index_rebuild()
    assert len(story_search(query="walrus", page=1).hits) == 2


@pytest.fixture
def one_minute(monkeypatch):
    """The rate check sees one instant, so a test's searches never straddle two minutes."""
    import time

    from newsdesk.pages import search as view

    check, now = view.search_rate_check, time.time()
    monkeypatch.setattr(view, "search_rate_check", lambda **kwargs: check(**kwargs, now=now))


def test_searches_are_rate_limited_per_address_with_a_sentence(
    client, newsroom, monkeypatch, one_minute
):
    monkeypatch.setenv("NEWSDESK_SEARCH_IP_RATE", "2")
    statuses = [client.get("/search", {"q": "harbour"}).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    refused = client.get("/search", {"q": "harbour", "page": "2"})
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    alert = lxml.html.document_fromstring(refused.content).xpath('//*[@role="alert"]')
    assert alert[0].text_content().startswith("Too many searches from your network")
    assert b"data-search-hit" not in refused.content
    # The empty search page costs nothing and is never refused; another address is its own.
    assert client.get("/search").status_code == 200
    elsewhere = client.get("/search", {"q": "harbour"}, REMOTE_ADDR="203.0.113.5")
    assert elsewhere.status_code == 200
