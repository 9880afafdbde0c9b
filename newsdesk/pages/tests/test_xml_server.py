"""Every XML output of a real server is well-formed, whatever characters older rows hold.

The services refuse characters XML 1.0 cannot carry (newsdesk/newsroom/characters.py);
rows written before they did are put straight into the database here.
"""

from __future__ import annotations

from typing import Any

import httpx
import lxml.etree
import pytest

from conftest import Server
from newsdesk.newsroom.models import Entry, Section, Story

pytestmark = pytest.mark.django_db(transaction=True)

# NUL cannot be stored in PostgreSQL's text at all, so no older row holds it.
BAD = "\x01\x08\x0b\x1f\ufffe\uffff"


@pytest.fixture
def older_rows(live_story: Any, article: Any, publish: Any, editor: Any) -> Story:
    """A live story, its section, an entry and an article, all holding BAD."""
    entry = publish(live_story, "Ferries resume.", title="Harbour open")
    Story.objects.filter(pk__in=[live_story.pk, article.pk]).update(
        headline=f"Harbour{BAD} talks", standfirst=f"Talks{BAD} resume"
    )
    Section.objects.filter(pk=live_story.section_id).update(name=f"Asia{BAD}")
    Entry.objects.filter(pk=entry.pk).update(
        title=f"Harbour{BAD} open", body=f"Ferries{BAD}", body_html=f"<p>Ferries{BAD}</p>"
    )
    live_story.refresh_from_db()
    return live_story


def test_new_text_is_refused_with_a_sentence_and_xml_is_well_formed_whatever_is_stored(
    server: Server, older_rows: Story, editor: Any, token_for: Any
) -> None:
    refused = httpx.patch(
        f"{server.url}/api/stories/{older_rows.pk}",
        json={"headline": "Harbour\x0b talks"},
        headers={"Authorization": f"Bearer {token_for(editor)}"},
        timeout=20,
    )
    assert refused.status_code == 400
    assert refused.json()["detail"] == (
        "The headline contains an invisible character that pages and feeds cannot carry "
        "(U+000B, character 8). Remove it and try again: it may hold printable characters, "
        "spaces and tabs."
    )

    section = older_rows.section.path
    paths = [
        "/feeds/rss.xml",
        "/feeds/atom.xml",
        f"/feeds/section/{section}/rss.xml",
        f"/feeds/section/{section}/atom.xml",
        f"/feeds/story/{older_rows.pk}/rss.xml",
        f"/feeds/story/{older_rows.pk}/atom.xml",
        "/sitemap.xml",
        "/sitemap-sections.xml",
        "/sitemap-stories.xml",
        "/sitemap-news.xml",
    ]
    for path in paths:
        response = httpx.get(f"{server.url}{path}", timeout=20)
        assert response.status_code == 200, (path, response.text[:300])
        root = lxml.etree.fromstring(response.content)  # raises when not well-formed
        text = lxml.etree.tostring(root, encoding="unicode")
        assert not any(c in text for c in BAD), path
    news = httpx.get(f"{server.url}/sitemap-news.xml", timeout=20).text
    assert "<news:title>Harbour talks</news:title>" in news
    story_feed = httpx.get(f"{server.url}/feeds/story/{older_rows.pk}/atom.xml", timeout=20)
    assert "Harbour open" in story_feed.text
