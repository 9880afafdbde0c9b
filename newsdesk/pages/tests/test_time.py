"""Times are stored in UTC and rendered in the site's zone, exactly, across DST changes."""

from __future__ import annotations

import datetime
import zoneinfo

import lxml.html
import pytest

from newsdesk.newsroom.models import Entry, Story

UTC = datetime.UTC
LONDON = zoneinfo.ZoneInfo("Europe/London")


def at(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text).replace(tzinfo=UTC)


def place(story: Story, entry: Entry, when: datetime.datetime) -> None:
    Entry.objects.filter(pk=entry.pk).update(published_at=when, updated_at=when)


def entry_time(doc, entry: Entry) -> tuple[str, str]:
    node = doc.xpath(f"//article[@id='entry-{entry.pk}']//a[contains(@class,'entry__time')]/time")[
        0
    ]
    return node.get("datetime"), " ".join(node.text_content().split())


def story_doc(client, story: Story):
    response = client.get(story.get_absolute_url())
    assert response.status_code == 200
    return lxml.html.fromstring(response.content)


def test_entries_around_the_spring_change_show_london_time(client, live_story, publish):
    """Last Sunday of March 2024: 01:00 UTC clocks go from 01:00 GMT to 02:00 BST."""
    before = publish(live_story, "Just before the change.")
    after = publish(live_story, "Just after the change.")
    place(live_story, before, at("2024-03-31T00:59:00"))
    place(live_story, after, at("2024-03-31T01:01:00"))

    doc = story_doc(client, live_story)

    assert entry_time(doc, before) == ("2024-03-31T00:59:00+00:00", "00:59 GMT, 31 Mar")
    assert entry_time(doc, after) == ("2024-03-31T02:01:00+01:00", "02:01 BST, 31 Mar")


def test_entries_in_the_repeated_autumn_hour_keep_exact_instants(client, live_story, publish):
    """Last Sunday of October 2024: 01:00-02:00 local happens twice, BST then GMT."""
    first = publish(live_story, "01:30 BST.")
    second = publish(live_story, "01:30 GMT.")
    place(live_story, first, at("2024-10-27T00:30:00"))
    place(live_story, second, at("2024-10-27T01:30:00"))

    doc = story_doc(client, live_story)

    # The same wall-clock time twice: the zone name and <time datetime> tell them apart.
    assert entry_time(doc, first) == ("2024-10-27T01:30:00+01:00", "01:30 BST, 27 Oct")
    assert entry_time(doc, second) == ("2024-10-27T01:30:00+00:00", "01:30 GMT, 27 Oct")
    stamps = [datetime.datetime.fromisoformat(entry_time(doc, e)[0]) for e in (first, second)]
    assert stamps[1] - stamps[0] == datetime.timedelta(hours=1)


def test_story_dates_name_the_zone_in_force_on_that_day(client, live_story):
    Story.objects.filter(pk=live_story.pk).update(
        published_at=at("2024-10-26T23:30:00"), updated_at=at("2024-10-27T02:15:00")
    )

    doc = story_doc(client, live_story)

    published = doc.xpath("//time[@data-published]")[0]
    updated = doc.xpath("//time[@data-updated]")[0]
    assert published.get("datetime") == "2024-10-27T00:30:00+01:00"
    assert published.text_content() == "27 October 2024, 00:30 BST"
    assert updated.get("datetime") == "2024-10-27T02:15:00+00:00"
    assert updated.text_content() == "27 October 2024, 02:15 GMT"


def test_every_time_on_the_page_is_in_one_zone(client, live_story, publish, editor):
    from newsdesk.newsroom import services

    winter = publish(live_story, "Winter.")
    summer = publish(live_story, "Summer.")
    place(live_story, winter, at("2024-01-15T12:00:00"))
    place(live_story, summer, at("2024-07-15T12:00:00"))
    services.entry_correct(entry=winter, actor=editor, version=winter.version, body="Winter!")

    doc = story_doc(client, live_story)
    stamps = doc.xpath("//time/@datetime")

    assert len(stamps) >= 5
    for stamp in stamps:
        moment = datetime.datetime.fromisoformat(stamp)
        assert moment.utcoffset() == moment.astimezone(LONDON).utcoffset(), stamp


def test_site_zone_is_configurable(client, live_story, publish, settings):
    settings.TIME_ZONE = "America/New_York"
    entry = publish(live_story, "Across the Atlantic.")
    # US clocks change on the second Sunday of March: 2024-03-10 07:00 UTC.
    place(live_story, entry, at("2024-03-10T07:30:00"))

    doc = story_doc(client, live_story)

    assert entry_time(doc, entry) == ("2024-03-10T03:30:00-04:00", "03:30 EDT, 10 Mar")


@pytest.mark.parametrize("path_kind", ["embed", "search"])
def test_other_pages_render_the_same_zone(client, live_story, publish, path_kind):
    entry = publish(live_story, "Aurora overhead.")
    place(live_story, entry, at("2024-07-01T21:45:00"))
    path = f"/embed/{live_story.pk}/" if path_kind == "embed" else "/search?q=aurora"

    doc = lxml.html.fromstring(client.get(path).content)

    assert "2024-07-01T22:45:00+01:00" in doc.xpath("//time/@datetime")


@pytest.mark.browser
def test_reader_sees_times_in_their_own_zone_with_exact_datetime_kept(
    server, browser, live_story, publish
):
    old = publish(live_story, "Yesterday's update.")
    place(live_story, old, at("2024-03-31T01:01:00"))
    fresh = publish(live_story, "Fresh update.")
    context = browser.new_context(timezone_id="America/New_York", locale="en-US")
    try:
        page = context.new_page()
        page.goto(server.url + live_story.get_absolute_url())
        old_time = page.locator(f"#entry-{old.pk} .entry__time time")
        fresh_time = page.locator(f"#entry-{fresh.pk} .entry__time time")
        old_time.and_(page.locator("[data-local-zone]")).wait_for()

        # 01:01 UTC on 31 March is 02:01 BST in London and 21:01 EDT the day before in New York.
        assert old_time.get_attribute("datetime") == "2024-03-31T02:01:00+01:00"
        assert old_time.get_attribute("data-local-zone") == "America/New_York"
        assert " ".join(old_time.inner_text().split()) == "Mar 30, 21:01 EDT"
        # A fresh entry reads as relative time (the live script); the exact
        # time, in the reader's zone, is its tooltip.
        fresh_time.and_(page.locator("[data-local-zone]")).wait_for()
        assert fresh_time.inner_text() == "just now"
        assert fresh_time.get_attribute("title").endswith(("EST", "EDT"))
        # Story dates name the reader's zone too.
        published = page.locator("time[data-published]")
        assert published.get_attribute("data-local-zone") == "America/New_York"
        assert published.inner_text().endswith(("EST", "EDT"))
    finally:
        context.close()
