"""The reader pages as HTML: home, sections and story pages, read without JavaScript."""

from __future__ import annotations

import datetime

import lxml.html
import pytest

from newsdesk.newsroom import services
from newsdesk.newsroom.models import Story


def texts(doc, xpath: str) -> list[str]:
    return [" ".join(node.text_content().split()) for node in doc.xpath(xpath)]


def entry_ids(doc) -> list[int]:
    return [int(x) for x in doc.xpath("//*[@data-entries]/article/@data-entry-id")]


def make_article(section, editor, headline: str, **options) -> Story:
    return services.story_create(
        section=section, headline=headline, author=editor, live=False, body="Text.", **options
    )


# --- base template and home ------------------------------------------------------------


def test_every_page_has_language_skip_link_masthead_and_section_navigation(
    get_html, section, article
):
    _, doc = get_html("/")
    assert doc.get("lang") == "en"
    skip = doc.xpath("//a[contains(@class, 'skip-link')]")[0]
    target = skip.get("href").lstrip("#")
    assert doc.xpath(f"//main[@id='{target}']")
    assert doc.xpath("//header//a[@class='masthead__name']/@href") == ["/"]
    assert texts(doc, "//nav[@aria-label='Sections']//a") == ["Home", "World"]
    assert doc.xpath("//footer")
    assert doc.xpath("//link[@rel='stylesheet']/@href") == ["/static/pages/site.css"]


def test_stylesheet_is_served(client):
    response = client.get("/static/pages/site.css")
    assert response.status_code == 200
    assert b":focus-visible" in b"".join(response.streaming_content)


def test_home_shows_live_stories_first_with_badge_and_latest_entry_time(
    get_html, section, editor, live_story, article, publish
):
    entry = publish(live_story, "Talks resume.")
    _, doc = get_html("/")
    live_box = doc.xpath("//section[contains(@class, 'live-now')]")[0]
    first_section = doc.xpath("//main//section")[0]
    assert first_section is live_box
    item = live_box.xpath(".//article")[0]
    assert texts(item, ".//h3//a") == [live_story.headline]
    assert texts(item, ".//*[contains(@class, 'badge--live')]") == ["Live"]
    assert item.xpath(".//time/@datetime") == [entry.published_at.astimezone().isoformat()]


def test_home_groups_latest_stories_by_root_section(get_html, section, editor):
    business = services.section_create(name="Business")
    make_article(section, editor, "Asia story")
    make_article(business, editor, "Business story")
    services.story_create(
        section=business, headline="Draft story", author=editor, live=False, status="draft"
    )
    _, doc = get_html("/")
    groups = doc.xpath("//section[contains(@class, 'section-group')]")
    headings = [texts(g, ".//h2")[0] for g in groups]
    assert headings == ["Business", "World"]
    assert texts(groups[0], ".//h3//a") == ["Business story"]
    assert texts(groups[1], ".//h3//a") == ["Asia story"]
    assert "Draft story" not in doc.text_content()


def test_home_without_stories_says_so(get_html, db):
    _, doc = get_html("/")
    assert "Nothing has been published yet." in doc.text_content()


# --- sections --------------------------------------------------------------------------


def test_section_page_has_breadcrumb_and_lists_nested_sections(get_html, section, editor):
    world = section.parent
    services.section_create(name="Japan", parent=section)
    make_article(section, editor, "Asia story")
    _, doc = get_html("/world/")
    assert texts(doc, "//h1") == ["World"]
    assert texts(doc, "//nav[@aria-label='Breadcrumb']/ol/li") == ["Home", "World"]
    assert texts(doc, "//nav[contains(@class, 'subsections')]//a") == ["Asia"]
    # The root section lists its sub-sections' stories.
    assert texts(doc, "//div[@class='story-list']//h3//a") == ["Asia story"]

    _, doc = get_html("/world/asia/")
    crumbs = doc.xpath("//nav[@aria-label='Breadcrumb']/ol/li/a")
    assert [(a.text_content(), a.get("href")) for a in crumbs] == [
        ("Home", "/"),
        ("World", world.get_absolute_url()),
        ("Asia", "/world/asia/"),
    ]
    assert crumbs[-1].get("aria-current") == "page"
    assert texts(doc, "//nav[contains(@class, 'subsections')]//a") == ["Japan"]


def test_section_page_paginates_newest_first(get_html, client, section, editor):
    for n in range(1, 26):
        make_article(section, editor, f"Story {n}")
    _, doc = get_html("/world/asia/")
    headlines = texts(doc, "//div[@class='story-list']//h3//a")
    assert headlines == [f"Story {n}" for n in range(25, 5, -1)]
    assert doc.xpath("//nav[@aria-label='Pagination']//a[@rel='next']/@href") == ["?page=2"]

    _, doc = get_html("/world/asia/", {"page": 2})
    assert texts(doc, "//div[@class='story-list']//h3//a") == [
        f"Story {n}" for n in range(5, 0, -1)
    ]
    assert doc.xpath("//nav[@aria-label='Pagination']//a[@rel='prev']/@href") == ["?page=1"]
    assert not doc.xpath("//a[@rel='next']")


@pytest.mark.parametrize("page", ["3", "0", "abc", "-1", "1.5", "99999999999999999999"])
def test_section_page_out_of_range_or_malformed_is_404(client, section, editor, page):
    make_article(section, editor, "Only story")
    response = client.get("/world/asia/", {"page": page})
    assert response.status_code == 404


def test_section_page_hides_drafts(get_html, section, editor):
    services.story_create(section=section, headline="Secret draft", author=editor, status="draft")
    _, doc = get_html("/world/asia/")
    assert "Secret draft" not in doc.text_content()
    assert "No stories in Asia yet." in doc.text_content()


def test_unknown_paths_get_the_friendly_404(client, section):
    for path in ("/nowhere/", "/world/nowhere/", "/world/asia/2024/01/01/no-such-story/"):
        response = client.get(path)
        assert response.status_code == 404
        doc = lxml.html.fromstring(response.content)
        assert texts(doc, "//h1") == ["We can’t find that page"]
        assert doc.xpath("//a[@href='/world/']")


# --- story page --------------------------------------------------------------------------


def test_story_page_carries_the_live_script_hooks(get_html, live_story, publish):
    publish(live_story, "First")
    live_story.refresh_from_db()
    _, doc = get_html(live_story.get_absolute_url())
    main = doc.xpath("//main")[0]
    assert main.get("id") == "story"
    assert main.get("data-story-id") == str(live_story.pk)
    assert main.get("data-events-url") == live_story.get_events_url()
    assert main.get("data-last-seq") == str(live_story.last_seq) == "1"
    assert texts(main, ".//h1[@data-headline]") == [live_story.headline]
    assert texts(main, ".//*[@data-standfirst]") == [live_story.standfirst]
    badge = main.xpath(".//*[@data-status-badge]")[0]
    assert (badge.text_content(), badge.get("data-status")) == ("LIVE", "live")
    assert main.xpath(".//time[@data-updated]/@datetime")
    assert main.xpath(".//*[@data-key-points]")
    assert main.xpath(".//*[@data-pinned]")
    assert main.xpath(".//*[@data-entries]")
    announcer = main.xpath(".//*[@data-announcer]")[0]
    assert announcer.get("aria-live") == "polite"
    assert "visually-hidden" in announcer.get("class")
    assert main.xpath(".//*[@data-reactions]")
    assert main.xpath(".//*[@data-discovery]")
    assert doc.xpath("//script[@src='/static/live/live.js'][@defer]")


def test_story_page_shows_breadcrumb_byline_and_times_in_the_site_time_zone(
    get_html, settings, live_story
):
    settings.TIME_ZONE = "Asia/Tokyo"
    _, doc = get_html(live_story.get_absolute_url())
    assert texts(doc, "//nav[@aria-label='Breadcrumb']/ol/li") == ["Home", "World", "Asia"]
    assert texts(doc, "//*[@class='story__byline']") == ["By Edna"]
    published = doc.xpath("//time[@data-published]")[0]
    assert (
        published.get("datetime")
        == live_story.published_at.astimezone(
            datetime.timezone(datetime.timedelta(hours=9))
        ).isoformat()
    )
    assert published.get("datetime").endswith("+09:00")
    assert "JST" in published.text_content()
    assert doc.xpath("//time[@data-updated]/@datetime")[0].endswith("+09:00")


def test_story_page_lists_entries_newest_first_with_permalinks(get_html, live_story, publish):
    first = publish(live_story, "First", title="Opening")
    second = publish(live_story, "Second")
    third = publish(live_story, "Third", key_event=True)
    url = live_story.get_absolute_url()
    _, doc = get_html(url)
    assert entry_ids(doc) == [third.pk, second.pk, first.pk]
    article = doc.xpath(f"//article[@id='entry-{first.pk}']")[0]
    assert article.get("data-version") == "1"
    assert article.xpath(".//a[@class='entry__time']/@href") == [
        f"{url}?entry={first.pk}#entry-{first.pk}"
    ]
    assert article.xpath(".//time/@datetime") == [first.published_at.astimezone().isoformat()]
    assert texts(article, ".//h3") == ["Opening"]
    assert texts(article, ".//*[@class='entry__byline']") == ["Edna"]
    assert "entry--key" in doc.xpath(f"//article[@id='entry-{third.pk}']/@class")[0]


def test_corrected_entry_shows_updated_mark(get_html, live_story, publish, editor):
    entry = publish(live_story, "Twelve injured")
    untouched = publish(live_story, "Other news")
    services.entry_correct(entry=entry, actor=editor, version=1, body="Thirteen injured")
    _, doc = get_html(live_story.get_absolute_url())
    corrected = doc.xpath(f"//article[@id='entry-{entry.pk}']")[0]
    assert corrected.get("data-version") == "2"
    assert "Thirteen injured" in corrected.text_content()
    assert texts(corrected, ".//*[@class='entry__updated']")[0].startswith("Updated ")
    assert corrected.xpath(".//*[@class='entry__updated']/time/@datetime")
    assert not doc.xpath(f"//article[@id='entry-{untouched.pk}']//*[@class='entry__updated']")


def test_pinned_entry_is_shown_once_above_the_stream(get_html, live_story, publish):
    older = publish(live_story, "Pinned guidance", pinned=True)
    newer = publish(live_story, "Latest news")
    _, doc = get_html(live_story.get_absolute_url())
    assert len(doc.xpath(f"//*[@id='entry-{older.pk}']")) == 1
    assert doc.xpath("//*[@data-pinned]/article/@id") == [f"entry-{older.pk}"]
    assert entry_ids(doc) == [newer.pk]
    assert texts(doc, "//*[@data-pinned]//*[contains(@class, 'badge--pinned')]") == ["Pinned"]
    # The pinned box comes before the stream in reading order.
    pinned_box, stream = doc.xpath("//*[@data-pinned] | //*[@data-entries]")
    assert pinned_box.get("data-pinned") is not None and stream.get("data-entries") is not None


def test_deleted_entries_are_absent(get_html, live_story, publish, editor):
    kept = publish(live_story, "Kept")
    gone = publish(live_story, "Retracted claim")
    services.entry_delete(entry=gone, actor=editor)
    _, doc = get_html(live_story.get_absolute_url())
    assert entry_ids(doc) == [kept.pk]
    assert "Retracted claim" not in doc.text_content()


def test_key_points_box_shows_the_current_version(get_html, live_story, editor):
    services.key_points_replace(story=live_story, actor=editor, points=["Old point"])
    services.key_points_replace(story=live_story, actor=editor, points=["*One*", "Two"])
    _, doc = get_html(live_story.get_absolute_url())
    box = doc.xpath("//section[@class='key-points']")[0]
    assert texts(box, ".//h2") == ["What to know"]
    assert texts(box, ".//*[@data-key-points]/ul/li") == ["One", "Two"]
    assert box.xpath(".//*[@data-key-points]/ul/li/em")
    assert box.xpath(".//*[@data-key-points]/ul/@data-version") == ["2"]


def test_story_without_key_points_or_pinned_has_empty_containers(client, live_story):
    html = client.get(live_story.get_absolute_url()).content.decode()
    # Empty, so CSS :empty hides them until the live script fills them.
    assert '<div class="key-points__body" data-key-points></div>' in html
    assert '<div class="pinned" data-pinned></div>' in html
    assert "No updates yet." in html


def test_load_older_pages_through_45_entries_to_the_oldest(
    get_html, settings, live_story, publish_many
):
    entries = publish_many(live_story, 45)
    newest_first = [e.pk for e in reversed(entries)]
    url = live_story.get_absolute_url()
    seen: list[int] = []
    _, doc = get_html(url)
    pages = 1
    while True:
        seen.extend(entry_ids(doc))
        links = doc.xpath("//a[@data-load-older]")
        if not links:
            break
        assert links[0].text_content() == "Older updates"
        href = links[0].get("href")
        assert href.startswith(f"{url}?before=")
        _, doc = get_html(href)
        assert doc.xpath("//a[@data-latest]/@href") == [url]
        pages += 1
    assert pages == 3
    assert seen == newest_first
    assert "Update 1" in doc.text_content()


def test_entry_permalink_opens_the_page_holding_a_deep_entry(get_html, live_story, publish_many):
    entries = publish_many(live_story, 45)
    deep = entries[2]  # "Update 3": position 42, on the third page
    _, doc = get_html(live_story.get_absolute_url(), {"entry": deep.pk})
    ids = entry_ids(doc)
    assert deep.pk in ids
    assert ids == [e.pk for e in reversed(entries[:5])]
    assert not doc.xpath("//a[@data-load-older]")

    # An entry on the first page opens the first page.
    _, doc = get_html(live_story.get_absolute_url(), {"entry": entries[-1].pk})
    assert entry_ids(doc)[0] == entries[-1].pk
    # Page boundaries: the 20th newest is on page one, the 21st on page two.
    _, doc = get_html(live_story.get_absolute_url(), {"entry": entries[-20].pk})
    assert entry_ids(doc)[-1] == entries[-20].pk
    _, doc = get_html(live_story.get_absolute_url(), {"entry": entries[-21].pk})
    assert entry_ids(doc)[0] == entries[-21].pk


def test_entry_permalink_to_a_deleted_or_unknown_entry_opens_the_first_page(
    client, get_html, live_story, publish, editor
):
    entry = publish(live_story, "Soon gone")
    kept = publish(live_story, "Kept")
    services.entry_delete(entry=entry, actor=editor)
    path = live_story.get_absolute_url()
    for query in ({"entry": entry.pk}, {"entry": 999999}, {"before": 999999}, {"before": kept.pk}):
        # The story's own URL (one cached page), not a new render per unknown value.
        response = client.get(path, query)
        assert (response.status_code, response["Location"]) == (302, path), query
    _, doc = get_html(path)
    assert entry_ids(doc) == [kept.pk]


def test_the_first_page_of_a_section_has_one_url(client, live_story):
    path = live_story.section.get_absolute_url()
    response = client.get(path, {"page": 1})
    assert (response.status_code, response["Location"]) == (301, path)


@pytest.mark.parametrize("query", ["before=abc", "before=-3", "entry=abc", "before=0"])
def test_malformed_cursors_are_404_not_500(client, live_story, query):
    response = client.get(f"{live_story.get_absolute_url()}?{query}")
    assert response.status_code == 404


def test_draft_story_is_404_for_readers(client, section, editor):
    draft = services.story_create(
        section=section, headline="Not yet", author=editor, live=True, status="draft"
    )
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_wrong_section_or_date_redirects_permanently_to_the_canonical_url(
    client, section, live_story
):
    services.section_create(name="Sport")
    canonical = live_story.get_absolute_url()
    day = live_story.created_at.astimezone(datetime.UTC).date()
    wrong = [
        f"/sport/{day:%Y/%m/%d}/{live_story.slug}/",
        f"/world/{day:%Y/%m/%d}/{live_story.slug}/",
        f"/world/asia/1999/01/02/{live_story.slug}/",
    ]
    for path in wrong:
        response = client.get(path)
        assert response.status_code == 301, path
        assert response["Location"] == canonical
    response = client.get(f"/sport/1999/01/02/{live_story.slug}/?entry=5")
    assert response["Location"] == f"{canonical}?entry=5"


def test_ended_story_shows_ended_badge(get_html, live_story, editor):
    services.story_set_status(story=live_story, actor=editor, status="ended")
    _, doc = get_html(live_story.get_absolute_url())
    badge = doc.xpath("//*[@data-status-badge]")[0]
    assert (badge.text_content(), badge.get("data-status")) == ("ENDED", "ended")


def test_article_shows_its_body_instead_of_entries(get_html, article):
    _, doc = get_html(article.get_absolute_url())
    assert texts(doc, "//div[@class='story__body']/p") == [
        "The new line opened on Monday.",
        "Passengers cheered.",
    ]
    assert not doc.xpath("//*[@data-entries] | //*[@data-status-badge] | //*[@data-key-points]")
    assert doc.xpath("//main[@id='story']/@data-story-id") == [str(article.pk)]


def test_head_has_canonical_link_and_description(get_html, live_story, publish):
    publish(live_story, "Older.")
    newer = publish(live_story, "Newer.")
    _, doc = get_html(live_story.get_absolute_url(), {"before": newer.pk})
    assert doc.xpath("//link[@rel='canonical']/@href") == [
        f"http://testserver{live_story.get_absolute_url()}"
    ]
    assert doc.xpath("//meta[@name='description']/@content") == [live_story.standfirst]


def test_story_page_query_count_does_not_grow_with_entries(
    client, django_assert_max_num_queries, section, editor, publish_many
):
    counts = []
    for count in (5, 50):
        story = services.story_create(section=section, headline=f"Live {count}", author=editor)
        entries = publish_many(story, count)
        services.entry_pin(entry=entries[0], actor=editor)
        services.entry_correct(entry=entries[-1], actor=editor, version=1, body="Corrected")
        services.key_points_replace(story=story, actor=editor, points=["A", "B"])
        with django_assert_max_num_queries(15) as captured:
            response = client.get(story.get_absolute_url())
        counts.append(len(captured))
        doc = lxml.html.fromstring(response.content)
        assert doc.xpath("//*[@data-pinned]/article/@id") == [f"entry-{entries[0].pk}"]
        assert len(entry_ids(doc)) == min(count - 1, 20)
    assert counts[0] == counts[1]


# --- hostile input --------------------------------------------------------------------------


XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def assert_inert(doc) -> None:
    for script in doc.xpath("//script"):
        # Only the site's own files, and data blocks (JSON-LD) that browsers never run.
        if script.get("type") == "application/ld+json":
            assert "<" not in script.text_content()
        else:
            assert script.get("src", "").startswith("/static/"), lxml.html.tostring(script)
            assert not script.text_content().strip()
    assert not doc.xpath("//*[@onerror or @onload or @onclick]")
    assert not doc.xpath("//a[starts-with(normalize-space(@href), 'javascript:')]")
    assert not doc.xpath("//img[@src='x']")


def test_hostile_text_is_rendered_inert(get_html, section, editor, publish):
    story = services.story_create(
        section=section, headline=f"Live: {XSS}", standfirst=f"Standfirst {XSS}", author=editor
    )
    publish(
        story,
        f'{XSS}\n\n[click](javascript:alert(1)) <a href="javascript:alert(2)">raw</a>',
        title=f"Title {XSS}",
    )
    services.key_points_replace(
        story=story, actor=editor, points=[f"Point {XSS}", "[k](javascript:alert(3))"]
    )
    response, doc = get_html(story.get_absolute_url())
    assert_inert(doc)
    assert texts(doc, "//h1") == [f"Live: {XSS}"]
    assert f"Standfirst {XSS}" in texts(doc, "//*[@data-standfirst]")
    assert texts(doc, "//h3[@class='entry__title']") == [f"Title {XSS}"]
    assert b"<script>alert" not in response.content
    # The same headline on the home page and in the section list.
    for path in ("/", "/world/asia/"):
        _, doc = get_html(path)
        assert_inert_listing(doc)


def assert_inert_listing(doc) -> None:
    assert_inert(doc)
    assert any("<script>" in t for t in texts(doc, "//h3"))


def test_server_error_page_renders_without_a_request_context(rf):
    from django.views.defaults import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == 500
    doc = lxml.html.fromstring(response.content)
    assert texts(doc, "//h1") == ["Something went wrong on our side"]
    assert doc.xpath("//link[@rel='stylesheet']/@href") == ["/static/pages/site.css"]
    assert doc.xpath("//main//a[@href='/']")
