from __future__ import annotations

import time
from typing import Any

import pytest

from newsdesk.discovery.models import StoryRank
from newsdesk.engagement import counting
from newsdesk.engagement.buffer import MemoryReadBuffer, RedisReadBuffer, read_buffer
from newsdesk.engagement.models import ReaderRead
from newsdesk.engagement.readers import reader_cookie_value
from newsdesk.engagement.selectors import story_reads
from newsdesk.engagement.services import read_record, reads_flush

pytestmark = pytest.mark.django_db

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36"
GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"


def beacon(client: Any, story: Any, *, ip: str = "127.0.0.1", **headers: str) -> Any:
    return client.post(
        f"/engagement/stories/{story.pk}/read",
        headers={"User-Agent": BROWSER, **headers},
        REMOTE_ADDR=ip,
    )


def read(story: Any, reader: str, *, ip: str = "10.0.0.1", ua: str = BROWSER, at: float) -> str:
    return read_record(story_id=story.pk, reader=reader, ip=ip, user_agent=ua, now=at)


def test_beacon_counts_a_read_after_the_batch_is_written(reader_client: Any, article: Any) -> None:
    assert beacon(reader_client, article).status_code == 204
    assert story_reads(story_id=article.pk) == 0  # buffered, not yet written
    assert reads_flush() == 1
    assert story_reads(story_id=article.pk) == 1


def test_noscript_image_beacon_counts_too(reader_client: Any, article: Any) -> None:
    response = reader_client.get(
        f"/engagement/stories/{article.pk}/read", headers={"User-Agent": BROWSER}
    )
    assert response["Content-Type"] == "image/gif"
    assert reads_flush() == 1


def test_beacon_gives_a_new_reader_a_cookie(client: Any, article: Any) -> None:
    response = beacon(client, article)
    cookie = response.cookies["nd_reader"].value
    reads_flush()
    assert reader_cookie_value(ReaderRead.objects.get().reader) == cookie


def test_reloads_within_the_window_are_one_read(reader_client: Any, article: Any) -> None:
    for _ in range(5):
        beacon(reader_client, article)
    assert reads_flush() == 1


def test_a_read_after_the_window_counts_again(article: Any) -> None:
    start = time.time()
    window = counting.ReadLimits.from_settings().dedupe_seconds
    assert read(article, "reader-a-aaaaaaaaaaaaaa", at=start) == counting.COUNTED
    assert read(article, "reader-a-aaaaaaaaaaaaaa", at=start + 60) == counting.REPEAT
    assert read(article, "reader-a-aaaaaaaaaaaaaa", at=start + window + 1) == counting.COUNTED


def test_declared_bots_are_not_counted(client: Any, article: Any) -> None:
    client.post(f"/engagement/stories/{article.pk}/read", headers={"User-Agent": GOOGLEBOT})
    client.post(f"/engagement/stories/{article.pk}/read", headers={"User-Agent": ""})
    assert reads_flush() == 0


def test_an_ip_rotating_reader_ids_stops_counting(
    article: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEWSDESK_VIEW_IP_READERS", "5")
    now = time.time()
    verdicts = [
        read(article, f"scraper-{n:04d}-aaaaaaaaaa", ip="10.9.9.9", at=now) for n in range(8)
    ]
    assert verdicts.count(counting.COUNTED) <= 5
    assert verdicts[-1] == counting.IP_READERS
    # A human on another address is unaffected.
    assert read(article, "human-aaaaaaaaaaaaaaaa", ip="10.1.1.1", at=now) == counting.COUNTED


def test_one_ip_pushing_one_story_is_capped_per_day(
    article: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEWSDESK_VIEW_IP_STORY_RATE", "3")
    start = 1_800_000_000.0  # an arbitrary day, several hours from its end
    verdicts = [
        read(article, f"slow-{n:04d}-aaaaaaaaaaaaa", ip="10.7.7.7", at=start + n * 600)
        for n in range(6)
    ]
    assert verdicts == [counting.COUNTED] * 3 + [counting.IP_STORY_RATE] * 3


def test_an_ip_over_its_hourly_rate_stops_counting(
    article: Any, live_story: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEWSDESK_VIEW_IP_RATE", "2")
    now = time.time()
    assert read(article, "reader-a-aaaaaaaaaaaaaa", at=now) == counting.COUNTED
    assert read(live_story, "reader-a-aaaaaaaaaaaaaa", at=now) == counting.COUNTED
    assert read(article, "reader-b-aaaaaaaaaaaaaa", at=now) == counting.IP_RATE


def test_counting_a_view_costs_no_database_query(
    client: Any, article: Any, django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(0):
        for n in range(20):
            client.cookies["nd_reader"] = reader_cookie_value(f"reader-{n:03d}-aaaaaaaaaaaa")
            assert beacon(client, article, ip=f"10.0.{n}.1").status_code == 204
    assert read_buffer().pending() == 20


def test_a_batch_of_reads_is_written_in_a_bounded_number_of_queries(
    article: Any, live_story: Any, django_assert_max_num_queries: Any
) -> None:
    now = time.time()
    for n in range(200):
        read(
            article if n % 2 else live_story,
            f"reader-{n:03d}-aaaaaaaaaaaa",
            ip=f"10.0.{n}.1",
            at=now,
        )
    with django_assert_max_num_queries(20):
        assert reads_flush() == 200
    assert story_reads(story_id=article.pk) == 100
    assert story_reads(story_id=live_story.pk) == 100
    assert ReaderRead.objects.count() == 200


def test_flushing_feeds_ranking_scores(article: Any, live_story: Any) -> None:
    now = time.time()
    for n in range(3):
        read(article, f"reader-{n:03d}-aaaaaaaaaaaa", ip=f"10.0.{n}.1", at=now)
    read(live_story, "reader-999-aaaaaaaaaaaa", at=now)
    reads_flush()
    assert (
        StoryRank.objects.get(story=article).log_score
        > StoryRank.objects.get(story=live_story).log_score
    )


def test_do_not_track_counts_the_read_but_keeps_no_history(client: Any, article: Any) -> None:
    beacon(client, article, DNT="1")
    client.cookies["nd_reader"] = reader_cookie_value("reader-gpc-aaaaaaaaaaaa")
    beacon(client, article, **{"Sec-GPC": "1"})
    assert reads_flush() == 2
    assert story_reads(story_id=article.pk) == 2
    assert not ReaderRead.objects.exists()


def test_cross_site_beacons_are_ignored(reader_client: Any, article: Any) -> None:
    beacon(reader_client, article, **{"Sec-Fetch-Site": "cross-site"})
    assert reads_flush() == 0


def test_reads_of_drafts_or_unknown_stories_are_dropped(
    reader_client: Any, section: Any, editor: Any
) -> None:
    from newsdesk.newsroom.services import story_create

    draft = story_create(section=section, headline="Not yet", author=editor, status="draft")
    beacon(reader_client, draft)
    reader_client.post("/engagement/stories/987654/read", headers={"User-Agent": BROWSER})
    assert reads_flush() == 0


@pytest.mark.django_db(transaction=True)
def test_background_worker_flushes_on_threshold(
    article: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from newsdesk.config.runtime import worker_running

    monkeypatch.setenv("NEWSDESK_BACKGROUND", "1")
    monkeypatch.setenv("NEWSDESK_VIEWS_FLUSH_THRESHOLD", "3")
    monkeypatch.setenv("NEWSDESK_VIEWS_FLUSH_SECONDS", "3600")  # only the threshold flushes
    now = time.time()
    with worker_running():
        for n in range(3):
            read(article, f"reader-{n:03d}-aaaaaaaaaaaa", ip=f"10.0.{n}.1", at=now)
        deadline = time.monotonic() + 30
        while story_reads(story_id=article.pk) < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
    assert story_reads(story_id=article.pk) == 3


def test_memory_buffer_drains_once() -> None:
    buffer = MemoryReadBuffer()
    buffer.add((1, "a", 1.0))
    buffer.add((2, "", 2.0))
    assert buffer.drain() == [(1, "a", 1.0), (2, "", 2.0)]
    assert buffer.drain() == []


@pytest.mark.redis
def test_redis_buffers_of_several_processes_add_up(redis_server: Any) -> None:
    url = redis_server.url
    first, second = RedisReadBuffer(url), RedisReadBuffer(url)
    first.drain()
    first.add((1, "a", 1.0))
    second.add((1, "b", 2.0))
    assert first.pending() == 2
    assert sorted(second.drain()) == [(1, "a", 1.0), (1, "b", 2.0)]
    assert first.drain() == []
