"""The event-log delta: ``GET /api/stories/{id}/events?after=N``."""

from __future__ import annotations

import pytest

from newsdesk.newsroom.services import story_create


def _events(story, **params):
    return f"/api/stories/{story.pk}/events", params


def test_delta_returns_events_after_n_in_order(anon, live_story, publish):
    for n in range(3):
        publish(live_story, f"Update {n}")
    response = anon.get(f"/api/stories/{live_story.pk}/events", after=1)
    assert response.status_code == 200
    data = response.json()
    assert data["story"] == live_story.pk
    assert data["last_seq"] == 3
    assert data["reset"] is False
    assert [e["seq"] for e in data["events"]] == [2, 3]
    event = data["events"][0]
    assert set(event) == {"seq", "kind", "data", "at"}
    assert event["kind"] == "entry-published"
    assert 'class="entry' in event["data"]["html"]


def test_delta_without_after_starts_from_the_beginning(anon, live_story, publish):
    publish(live_story, "One")
    data = anon.get(f"/api/stories/{live_story.pk}/events").json()
    assert [e["seq"] for e in data["events"]] == [1]


def test_delta_at_head_is_empty(anon, live_story, publish):
    publish(live_story, "One")
    data = anon.get(f"/api/stories/{live_story.pk}/events", after=1).json()
    assert data == {"story": live_story.pk, "last_seq": 1, "events": [], "reset": False}


def test_delta_ahead_of_head_resets(anon, live_story, publish):
    publish(live_story, "One")
    data = anon.get(f"/api/stories/{live_story.pk}/events", after=9).json()
    assert data["reset"] is True
    assert data["events"] == []
    assert data["last_seq"] == 1


def test_delta_too_far_behind_resets(anon, live_story, publish, monkeypatch):
    monkeypatch.setenv("NEWSDESK_REPLAY_LIMIT", "2")
    for n in range(4):
        publish(live_story, f"Update {n}")
    behind = anon.get(f"/api/stories/{live_story.pk}/events", after=1).json()
    assert behind["reset"] is True and behind["events"] == []
    close = anon.get(f"/api/stories/{live_story.pk}/events", after=2).json()
    assert close["reset"] is False
    assert [e["seq"] for e in close["events"]] == [3, 4]


@pytest.mark.parametrize("after", ["-1", "abc", "1.5", "", "99999999999999999999999999"])
def test_delta_rejects_malformed_after_with_400(anon, live_story, after):
    response = anon.get(f"/api/stories/{live_story.pk}/events", after=after)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid"
    assert "after" in response.json()["detail"]


def test_delta_is_cacheable_for_anonymous_readers_with_etag(anon, live_story, publish):
    publish(live_story, "One")
    path = f"/api/stories/{live_story.pk}/events"
    response = anon.get(path, after=0)
    assert response["Cache-Control"] == "public, max-age=2, s-maxage=2, stale-while-revalidate=5"
    etag = response["ETag"]
    assert etag.startswith('"')
    again = anon.client.get(path, {"after": 0}, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again["ETag"] == etag
    publish(live_story, "Two")
    changed = anon.client.get(path, {"after": 0}, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed["ETag"] != etag


def test_delta_for_newsroom_token_is_private(api, live_story):
    response = api.get(f"/api/stories/{live_story.pk}/events")
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("private")


def test_delta_of_draft_is_404_for_readers_but_open_to_editors(anon, api, section, editor):
    draft = story_create(section=section, headline="Draft", author=editor, status="draft")
    assert anon.get(f"/api/stories/{draft.pk}/events").status_code == 404
    assert api.get(f"/api/stories/{draft.pk}/events").status_code == 200


def test_delta_of_unknown_story_is_404(anon, db):
    response = anon.get("/api/stories/31337/events", after=0)
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"


def test_event_appended_during_a_poll_comes_in_the_next_poll_exactly_once(
    anon, live_story, publish, monkeypatch
):
    import newsdesk.api.api as api_module
    from newsdesk.live.log import events_after

    publish(live_story, "One")

    def racing_events_after(**kwargs):
        monkeypatch.setattr(api_module, "events_after", events_after)
        publish(live_story, "Two, published while the first poll runs")
        return events_after(**kwargs)

    monkeypatch.setattr(api_module, "events_after", racing_events_after)
    first = anon.get(f"/api/stories/{live_story.pk}/events", after=0).json()
    assert first["last_seq"] == 1
    assert [e["seq"] for e in first["events"]] == [1]
    second = anon.get(f"/api/stories/{live_story.pk}/events", after=first["last_seq"]).json()
    assert [e["seq"] for e in second["events"]] == [2]
