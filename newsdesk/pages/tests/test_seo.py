"""Structured data, Open Graph and canonical URLs, extracted from rendered pages with extruct."""

from __future__ import annotations

import datetime

import extruct
import lxml.html
import pytest

from newsdesk.newsroom import services
from newsdesk.pages import seo

ORIGIN = "http://testserver"


def extract(client, path: str) -> tuple[dict, object]:
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    html = response.content.decode()
    data = extruct.extract(html, base_url=f"{ORIGIN}{path}", syntaxes=["json-ld", "opengraph"])
    return data, lxml.html.fromstring(html)


def of_type(data: dict, kind: str) -> dict:
    found = [item for item in data["json-ld"] if item.get("@type") == kind]
    assert len(found) == 1, [item.get("@type") for item in data["json-ld"]]
    return found[0]


def parse_time(value: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(value)


def visible_entry_ids(doc) -> list[int]:
    """Entry ids in page order: the pinned entry, then the stream."""
    return [
        int(x)
        for x in doc.xpath(
            "//*[@data-pinned]/article/@data-entry-id | //*[@data-entries]/article/@data-entry-id"
        )
    ]


def test_live_story_carries_live_blog_posting_with_every_property(
    client, live_story, publish, editor
):
    services.story_update(story=live_story, actor=editor, standfirst="Follow the summit.")
    first = publish(live_story, "Delegations **arrive**.", title="Arrivals")
    second = publish(live_story, "Talks begin.")
    live_story.refresh_from_db()

    data, doc = extract(client, live_story.get_absolute_url())
    blog = of_type(data, "LiveBlogPosting")

    url = f"{ORIGIN}{live_story.get_absolute_url()}"
    assert blog["headline"] == live_story.headline
    assert blog["description"] == "Follow the summit."
    assert parse_time(blog["datePublished"]) == live_story.published_at
    assert parse_time(blog["dateModified"]) == live_story.updated_at
    assert parse_time(blog["coverageStartTime"]) == live_story.coverage_start
    assert "coverageEndTime" not in blog
    assert blog["mainEntityOfPage"] == {"@type": "WebPage", "@id": url}
    assert blog["author"] == [{"@type": "Person", "name": "Edna"}]
    publisher = blog["publisher"]
    assert publisher["name"] == "The Newsdesk Times"
    assert publisher["logo"]["url"] == f"{ORIGIN}/static/pages/logo.png"
    assert client.get("/static/pages/logo.png").status_code == 200
    assert blog["about"]["name"] == "Asia"

    updates = blog["liveBlogUpdate"]
    assert [u["url"] for u in updates] == [
        f"{url}#entry-{second.pk}",
        f"{url}#entry-{first.pk}",
    ]
    assert all(u["@type"] == "BlogPosting" for u in updates)
    assert updates[1]["headline"] == "Arrivals"
    assert updates[0]["headline"] == "Talks begin."
    assert updates[1]["articleBody"] == "Delegations arrive."
    assert parse_time(updates[1]["datePublished"]) == first.published_at
    # Each update's URL is a permalink that exists on the page.
    for update in updates:
        anchor = update["url"].split("#", 1)[1]
        assert doc.xpath(f"//article[@id='{anchor}']")


def test_date_published_stays_fixed_while_date_modified_follows_updates(
    client, live_story, publish
):
    data, _ = extract(client, live_story.get_absolute_url())
    before = of_type(data, "LiveBlogPosting")
    publish(live_story, "Later news.")

    data, _ = extract(client, live_story.get_absolute_url())
    after = of_type(data, "LiveBlogPosting")

    assert after["datePublished"] == before["datePublished"]
    assert parse_time(after["dateModified"]) > parse_time(before["dateModified"])


def test_ended_story_has_coverage_end_time(client, live_story, editor, publish):
    publish(live_story, "Final update.")
    services.story_set_status(story=live_story, actor=editor, status="ended")
    live_story.refresh_from_db()

    data, _ = extract(client, live_story.get_absolute_url())
    blog = of_type(data, "LiveBlogPosting")

    assert parse_time(blog["coverageEndTime"]) == live_story.coverage_end
    assert parse_time(blog["coverageStartTime"]) == live_story.coverage_start


@pytest.mark.parametrize("older_page", [False, True])
def test_live_blog_updates_match_the_visible_entries_on_each_page(
    client, live_story, publish_many, editor, older_page, settings, monkeypatch
):
    monkeypatch.setenv("NEWSDESK_ENTRIES_PER_PAGE", "5")
    entries = publish_many(live_story, 12)
    services.entry_pin(entry=entries[3], actor=editor)
    path = live_story.get_absolute_url()
    if older_page:
        _, doc = extract(client, path)
        path = doc.xpath("//a[@data-load-older]/@href")[0]

    data, doc = extract(client, path)
    blog = of_type(data, "LiveBlogPosting")
    shown = visible_entry_ids(doc)

    assert len(shown) >= 5
    assert [int(u["url"].rsplit("#entry-", 1)[1]) for u in blog["liveBlogUpdate"]] == shown
    by_id = {e.pk: e for e in entries}
    for update in blog["liveBlogUpdate"]:
        entry = by_id[int(update["url"].rsplit("#entry-", 1)[1])]
        assert update["articleBody"] == entry.body
        assert parse_time(update["datePublished"]) == entry.published_at


def test_article_carries_news_article(client, article):
    data, _ = extract(client, article.get_absolute_url())
    news = of_type(data, "NewsArticle")

    assert news["headline"] == article.headline
    assert news["mainEntityOfPage"]["@id"] == f"{ORIGIN}{article.get_absolute_url()}"
    assert parse_time(news["datePublished"]) == article.published_at
    assert news["publisher"]["logo"]["url"].endswith("/static/pages/logo.png")
    assert news["author"][0]["name"] == "Edna"
    assert "Passengers cheered." in news["articleBody"]
    assert not [i for i in data["json-ld"] if i.get("@type") == "LiveBlogPosting"]


def test_breadcrumb_list_follows_the_visible_breadcrumb(client, live_story):
    data, doc = extract(client, live_story.get_absolute_url())
    crumbs = of_type(data, "BreadcrumbList")["itemListElement"]

    visible = [
        (" ".join(a.text_content().split()), a.get("href"))
        for a in doc.xpath("//nav[@aria-label='Breadcrumb']//a")
    ]
    assert [(c["name"], c["item"]) for c in crumbs[: len(visible)]] == [
        (name, f"{ORIGIN}{href}") for name, href in visible
    ]
    assert [c["position"] for c in crumbs] == list(range(1, len(crumbs) + 1))
    assert crumbs[-1]["item"] == f"{ORIGIN}{live_story.get_absolute_url()}"

    data, _ = extract(client, "/world/asia/")
    section_crumbs = of_type(data, "BreadcrumbList")["itemListElement"]
    assert [c["name"] for c in section_crumbs] == ["Home", "World", "Asia"]


def test_open_graph_twitter_and_canonical_tags(client, live_story, monkeypatch):
    monkeypatch.setenv("NEWSDESK_TWITTER_SITE", "@newsdesk")
    data, doc = extract(client, f"{live_story.get_absolute_url()}?utm_source=x")

    og = dict(data["opengraph"][0]["properties"])
    url = f"{ORIGIN}{live_story.get_absolute_url()}"
    assert og["og:title"] == live_story.headline
    assert og["og:type"] == "article"
    assert og["og:url"] == url
    assert og["og:description"] == live_story.standfirst
    assert og["og:site_name"] == "The Newsdesk Times"
    assert og["og:image"].endswith("/static/pages/logo.png")
    assert doc.xpath("//link[@rel='canonical']/@href") == [url]
    meta = {m.get("name"): m.get("content") for m in doc.xpath("//meta[@name]")}
    assert meta["twitter:card"] == "summary"
    assert meta["twitter:title"] == live_story.headline
    assert meta["twitter:site"] == "@newsdesk"
    assert meta["description"] == live_story.standfirst
    assert parse_time(og["article:published_time"]) == live_story.published_at


def test_json_ld_cannot_be_broken_out_of_by_a_headline(client, section, editor):
    headline = 'Live: </script><script>alert("x")</script> & more'
    story = services.story_create(section=section, headline=headline, author=editor, live=True)

    data, doc = extract(client, story.get_absolute_url())

    assert of_type(data, "LiveBlogPosting")["headline"] == headline
    assert not doc.xpath("//script[contains(., 'alert(')][not(@type='application/ld+json')]")
    raw = client.get(story.get_absolute_url()).content.decode()
    assert "</script><script>alert" not in raw


def test_json_ld_html_escapes_markup_characters():
    text = seo.json_ld_html({"headline": "a</script>&<!--"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert text == '{"headline":"a\\u003c/script\\u003e\\u0026\\u003c!--"}'


def test_home_page_describes_the_site_with_a_search_action(client, live_story):
    data, _ = extract(client, "/")
    site = of_type(data, "WebSite")
    assert (
        site["potentialAction"]["target"]["urlTemplate"]
        == f"{ORIGIN}/search?q={{search_term_string}}"
    )
