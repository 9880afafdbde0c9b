"""Stories: list with cursors, create, read, change; who sees drafts."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from newsdesk.engagement.reactions import reaction_kinds
from newsdesk.newsroom.models import Story
from newsdesk.newsroom.services import story_create

STORY_FIELDS = {
    "id",
    "slug",
    "headline",
    "standfirst",
    "body",
    "section",
    "status",
    "live",
    "url",
    "events_url",
    "reactions",
    "published_at",
    "updated_at",
    "coverage_start",
    "coverage_end",
    "version",
    "last_seq",
    "authors",
}


def _make(section, editor, headline, **options):
    return story_create(section=section, headline=headline, author=editor, **options)


def test_story_json_has_the_contract_fields(anon, live_story):
    response = anon.get(f"/api/stories/{live_story.pk}")
    assert response.status_code == 200
    data = response.json()
    assert STORY_FIELDS <= set(data)
    assert data["id"] == live_story.pk
    assert data["url"] == live_story.get_absolute_url()
    assert data["events_url"] == live_story.get_events_url() == f"/stories/{live_story.pk}/events"
    assert data["section"] == "world/asia"
    assert data["status"] == "live"
    assert data["live"] is True
    assert data["reactions"] == {kind: 0 for kind, _ in reaction_kinds()}
    assert data["authors"] == [{"name": "Edna"}]
    assert data["coverage_start"] is not None


def test_story_json_counts_reactions(anon, live_story):
    from newsdesk.engagement.services import reaction_set

    kind = reaction_kinds()[0][0]
    reaction_set(story=live_story, reader="reader-one", kind=kind)
    reaction_set(story=live_story, reader="reader-two", kind=kind)
    assert anon.get(f"/api/stories/{live_story.pk}").json()["reactions"][kind] == 2
    listed = anon.get("/api/stories").json()["items"]
    assert next(s for s in listed if s["id"] == live_story.pk)["reactions"][kind] == 2


def test_create_live_story_starts_live(api, section):
    response = api.post(
        "/api/stories",
        {"headline": "Live updates: Storm", "section": "world/asia", "standfirst": "Follow it."},
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["status"] == "live"
    assert data["live"] is True
    assert data["url"].startswith("/world/asia/")
    assert Story.objects.get(pk=data["id"]).headline == "Live updates: Storm"


def test_create_article_starts_published_with_rendered_body(api, section):
    response = api.post(
        "/api/stories",
        {"headline": "Budget passes", "section": "asia", "live": False, "body": "It *passed*."},
    )
    assert response.status_code == 201
    data = response.json()
    assert data["status"] == "published"
    assert data["body"] == "It *passed*."
    assert data["html"] == "<p>It <em>passed</em>.</p>"


def test_create_draft_is_hidden_from_readers_but_listed_for_editors(api, anon, section):
    draft = api.post(
        "/api/stories", {"headline": "Embargoed", "section": "asia", "status": "draft"}
    )
    assert draft.status_code == 201
    story_id = draft.json()["id"]
    assert anon.get(f"/api/stories/{story_id}").status_code == 404
    assert story_id not in [s["id"] for s in anon.get("/api/stories").json()["items"]]
    assert story_id in [s["id"] for s in api.get("/api/stories").json()["items"]]
    assert api.get(f"/api/stories/{story_id}").json()["status"] == "draft"


def test_reporter_sees_drafts_of_assigned_stories_only(
    reporter_api, section, editor, reporter, assign
):
    mine = _make(section, editor, "Assigned draft", status="draft")
    other = _make(section, editor, "Other draft", status="draft")
    assign(mine, reporter)
    ids = [s["id"] for s in reporter_api.get("/api/stories").json()["items"]]
    assert mine.pk in ids
    assert other.pk not in ids
    assert reporter_api.get(f"/api/stories/{other.pk}").status_code == 404


@pytest.mark.parametrize(
    ("payload", "fragment"),
    [
        ({"section": "asia"}, "The headline field is required."),
        ({"headline": "X"}, "The section field is required."),
        ({"headline": 7, "section": "asia"}, "The headline field must be text."),
        ({"headline": "X", "section": "asia", "live": "yes"}, "must be true or false"),
        ({"headline": "X", "section": "asia", "headlne": "typo"}, "'headlne' is not a field"),
        ({"headline": "   ", "section": "asia"}, "The headline cannot be empty."),
        ({"headline": "x" * 201, "section": "asia"}, "the limit is 200"),
        ({"headline": "X", "section": "asia", "status": "ended", "live": False}, "An article can"),
        ({"headline": "X", "section": "nowhere"}, "matches no section"),
        ({"headline": "X", "section": "asia", "live": False, "body": "b" * 100_001}, "limit"),
    ],
)
def test_create_story_rejects_bad_input_with_400(api, section, payload, fragment):
    response = api.post("/api/stories", payload)
    assert response.status_code == 400, response.content
    assert response.json()["error"] == "invalid"
    assert fragment in response.json()["detail"]


def test_patch_changes_headline_and_bumps_version(api, live_story):
    response = api.patch(
        f"/api/stories/{live_story.pk}", {"headline": "Live updates: Deal agreed", "version": 1}
    )
    assert response.status_code == 200
    assert response.json()["headline"] == "Live updates: Deal agreed"
    assert response.json()["version"] == 2


def test_patch_status_ends_coverage(api, live_story):
    response = api.patch(f"/api/stories/{live_story.pk}", {"status": "ended"})
    assert response.status_code == 200
    assert response.json()["status"] == "ended"
    assert response.json()["coverage_end"] is not None


def test_patch_article_body(api, article):
    response = api.patch(f"/api/stories/{article.pk}", {"body": "**New** text"})
    assert response.status_code == 200
    assert response.json()["html"] == "<p><strong>New</strong> text</p>"


def test_patch_with_stale_version_is_409(api, live_story):
    assert (
        api.patch(f"/api/stories/{live_story.pk}", {"headline": "One", "version": 1}).status_code
        == 200
    )
    response = api.patch(f"/api/stories/{live_story.pk}", {"headline": "Two", "version": 1})
    assert response.status_code == 409
    assert response.json()["error"] == "conflict"
    assert Story.objects.get(pk=live_story.pk).headline == "One"


@pytest.mark.parametrize(
    ("payload", "fragment"),
    [
        ({"headline": None}, "must be text"),
        ({"headline": ""}, "cannot be empty"),
        ({"status": "published"}, "A live story can"),
        ({"version": "1"}, "whole number"),
        ({"version": 0}, "at least 1"),
        ({"standfirst": "s" * 601}, "the limit is 600"),
    ],
)
def test_patch_rejects_bad_input_with_400(api, live_story, payload, fragment):
    response = api.patch(f"/api/stories/{live_story.pk}", payload)
    assert response.status_code == 400
    assert fragment in response.json()["detail"]


def test_reporter_cannot_patch_story(reporter_api, live_story, assign, reporter):
    assign(live_story, reporter)
    response = reporter_api.patch(f"/api/stories/{live_story.pk}", {"headline": "Mine now"})
    assert response.status_code == 403


def test_unknown_story_is_404(api, anon):
    for client in (api, anon):
        assert client.get("/api/stories/999999").status_code == 404
        assert client.get("/api/stories/99999999999999999999999").status_code == 404
    assert api.patch("/api/stories/999999", {"headline": "X"}).json()["error"] == "not_found"


# --- listing and cursors ------------------------------------------------------------


def test_list_is_newest_first(anon, section, editor):
    older = _make(section, editor, "Older")
    newer = _make(section, editor, "Newer")
    Story.objects.filter(pk=older.pk).update(
        published_at=timezone.now() - datetime.timedelta(hours=1)
    )
    ids = [s["id"] for s in anon.get("/api/stories").json()["items"]]
    assert ids.index(newer.pk) < ids.index(older.pk)


@pytest.mark.parametrize("limit", [1, 2, 3, 100])
def test_cursor_paging_returns_every_story_exactly_once(anon, section, editor, limit):
    stories = [_make(section, editor, f"Story {n}") for n in range(7)]
    # Ties on the publication time must still page cleanly (the id breaks them).
    same = timezone.now() - datetime.timedelta(minutes=5)
    Story.objects.filter(pk__in=[s.pk for s in stories[2:5]]).update(published_at=same)
    _make(section, editor, "Hidden draft", status="draft")
    seen: list[int] = []
    cursor = None
    pages = 0
    while True:
        params = {"limit": limit, **({"cursor": cursor} if cursor else {})}
        page = anon.get("/api/stories", **params).json()
        assert len(page["items"]) <= limit
        seen += [s["id"] for s in page["items"]]
        cursor = page["next"]
        pages += 1
        if cursor is None:
            break
    assert sorted(seen) == sorted(s.pk for s in stories)
    assert len(seen) == len(set(seen))
    # A full last page already says there is nothing after it.
    assert pages == -(-len(stories) // limit)


def test_list_filters_by_section_path_or_slug_including_subsections(anon, section, editor):
    from newsdesk.newsroom.services import section_create

    sport = section_create(name="Sport")
    in_asia = _make(section, editor, "In Asia")
    in_sport = _make(sport, editor, "In Sport")
    world_ids = [s["id"] for s in anon.get("/api/stories", section="world").json()["items"]]
    assert in_asia.pk in world_ids and in_sport.pk not in world_ids
    asia_ids = [s["id"] for s in anon.get("/api/stories", section="world/asia").json()["items"]]
    assert asia_ids == [in_asia.pk]
    assert [s["id"] for s in anon.get("/api/stories", section="sport").json()["items"]] == [
        in_sport.pk
    ]


def test_list_filters_by_status(api, live_story, article):
    items = api.get("/api/stories", status="published").json()["items"]
    assert [s["id"] for s in items] == [article.pk]


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"limit": 0}, 400),
        ({"limit": 101}, 400),
        ({"limit": "ten"}, 400),
        ({"cursor": "not-a-cursor"}, 400),
        ({"cursor": "W10"}, 400),
        ({"cursor": "x" * 500}, 400),
        ({"status": "archived"}, 400),
        ({"section": "atlantis"}, 404),
        ({"section": "bad\x00section"}, 404),
    ],
)
def test_list_rejects_bad_parameters(anon, live_story, params, status):
    response = anon.get("/api/stories", **params)
    assert response.status_code == status
    assert set(response.json()) == {"error", "detail"}


def test_list_rejects_cursor_with_valid_encoding_but_wrong_content(anon, live_story):
    import base64
    import json

    forged = base64.urlsafe_b64encode(json.dumps(["2020-01-01T00:00:00", True]).encode())
    response = anon.get("/api/stories", cursor=forged.decode())
    assert response.status_code == 400
    assert response.json()["error"] == "invalid"
