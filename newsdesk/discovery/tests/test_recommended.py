from __future__ import annotations

import time
from typing import Any

import pytest

from newsdesk.discovery.selectors import recommended_for
from newsdesk.discovery.services import related_refresh
from newsdesk.engagement.models import ReaderRead
from newsdesk.engagement.readers import reader_cookie_value
from newsdesk.engagement.services import read_record, reads_flush

pytestmark = pytest.mark.django_db

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36"
ME = "reader-me-aaaaaaaaaaaaaa"


def reads(reader: str, *stories: Any, ip: str = "10.0.0.1", history: bool = True) -> None:
    now = time.time()
    for offset, story in enumerate(stories):
        read_record(
            story_id=story.pk,
            reader=reader,
            ip=ip,
            user_agent=BROWSER,
            history=history,
            now=now - 60 * (len(stories) - offset),
        )


@pytest.fixture
def audience(newsroom: dict[str, Any]) -> dict[str, Any]:
    """Ten other readers: most read the rail story, a few read football."""
    for n in range(10):
        reads(f"other-{n:02d}-aaaaaaaaaaaaa", newsroom["rail"], ip=f"10.1.{n}.1")
    for n in range(3):
        reads(
            f"fan-{n:02d}-aaaaaaaaaaaaaaa",
            newsroom["football"],
            newsroom["weather"],
            ip=f"10.2.{n}.1",
        )
    reads_flush()
    related_refresh()
    return newsroom


def slugs(result: Any) -> list[str]:
    return [story.slug for story, _ in result.items]


def test_a_new_reader_gets_the_ranking(audience: dict[str, Any]) -> None:
    result = recommended_for(reader=ME, story=audience["summit"])
    assert not result.personal
    assert slugs(result)[0] == "rail"
    assert "summit" not in slugs(result)


def test_recommendations_never_repeat_a_read_story(audience: dict[str, Any]) -> None:
    reads(ME, audience["summit"], audience["tariffs"], audience["rail"])
    reads_flush()
    result = recommended_for(reader=ME, story=audience["football"], limit=20)
    assert result.personal
    listed = slugs(result)
    assert listed
    assert not {"summit", "tariffs", "rail", "football"} & set(listed)


def test_recommendations_follow_the_readers_interests(audience: dict[str, Any]) -> None:
    reads(ME, audience["summit"], audience["tariffs"])
    reads_flush()
    result = recommended_for(reader=ME, limit=3)
    assert slugs(result)[0] == "ministers"
    story, because = result.items[0]
    assert because is not None and because.slug in {"summit", "tariffs"}


def test_co_reading_recommends_what_similar_readers_read(audience: dict[str, Any]) -> None:
    reads(ME, audience["football"])
    reads_flush()
    listed = slugs(recommended_for(reader=ME, limit=3))
    # football-fans is similar in content; weather was read by every football reader.
    assert {"football-fans", "weather"} <= set(listed)


def test_do_not_track_turns_history_off(client: Any, audience: dict[str, Any]) -> None:
    client.cookies["nd_reader"] = reader_cookie_value(ME)
    reads(ME, audience["summit"])
    reads_flush()
    response = client.get(
        "/discovery/for-you", {"story": audience["rail"].pk, "fragment": "1"}, headers={"DNT": "1"}
    )
    assert b"data-history-off" in response.content
    assert b"Because you read" not in response.content


def test_fragment_explains_and_offers_to_clear_history(
    client: Any, audience: dict[str, Any]
) -> None:
    client.cookies["nd_reader"] = reader_cookie_value(ME)
    reads(ME, audience["summit"], audience["tariffs"])
    reads_flush()
    response = client.get("/discovery/for-you", {"story": audience["rail"].pk, "fragment": "1"})
    assert response["Cache-Control"] == "private, no-store"
    html = response.content.decode()
    assert "Because you read" in html and "data-clear-history" in html
    cleared = client.post("/discovery/history/clear", {"next": audience["rail"].get_absolute_url()})
    assert cleared.status_code == 302
    assert cleared["Location"] == audience["rail"].get_absolute_url()
    assert not ReaderRead.objects.filter(reader=ME).exists()
    assert not recommended_for(reader=ME).personal


def test_clear_history_refuses_other_sites_and_foreign_redirects(
    client: Any, audience: dict[str, Any]
) -> None:
    client.cookies["nd_reader"] = reader_cookie_value(ME)
    reads(ME, audience["summit"])
    reads_flush()
    refused = client.post("/discovery/history/clear", headers={"Origin": "https://evil.example"})
    assert refused.status_code == 403
    assert ReaderRead.objects.filter(reader=ME).exists()
    response = client.post("/discovery/history/clear", {"next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_no_js_page_shows_recommendations(client: Any, audience: dict[str, Any]) -> None:
    client.cookies["nd_reader"] = reader_cookie_value(ME)
    reads(ME, audience["summit"])
    reads_flush()
    response = client.get("/discovery/for-you", {"story": audience["summit"].pk})
    assert response.status_code == 200
    assert b"Recommended for you" in response.content


def test_recommendations_take_a_bounded_number_of_queries(
    audience: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    reads(ME, audience["summit"], audience["football"], audience["rail"])
    reads_flush()
    with django_assert_max_num_queries(6):
        result = recommended_for(reader=ME, limit=5)
        [(s.get_absolute_url(), b and b.get_absolute_url()) for s, b in result.items]
