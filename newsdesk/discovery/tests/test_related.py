from __future__ import annotations

import time
from typing import Any

import pytest

from newsdesk.discovery.models import RelatedStory
from newsdesk.discovery.selectors import stories_related
from newsdesk.discovery.services import related_refresh
from newsdesk.newsroom.services import story_create, story_set_status

pytestmark = pytest.mark.django_db


def test_related_lists_similar_stories_first(newsroom: dict[str, Any]) -> None:
    related_refresh()
    related = stories_related(story=newsroom["football"])
    assert related[0] == newsroom["football-fans"]
    summit = [s.slug for s in stories_related(story=newsroom["tariffs"])[:2]]
    assert set(summit) <= {"summit", "summit-copy", "ministers"}


def test_related_never_lists_the_story_itself(newsroom: dict[str, Any]) -> None:
    related_refresh()
    for story in newsroom.values():
        assert story not in stories_related(story=story, limit=20)
    assert not RelatedStory.objects.filter(story_id=models_f("related_id")).exists()


def models_f(name: str) -> Any:
    from django.db.models import F

    return F(name)


def test_related_never_lists_drafts(newsroom: dict[str, Any], section: Any, editor: Any) -> None:
    draft = story_create(
        section=section,
        headline="Harbour summit tariffs draft analysis",
        standfirst="Shipping tariffs at the harbour summit, a draft.",
        author=editor,
        live=False,
        status="draft",
    )
    related_refresh()
    for story in newsroom.values():
        assert draft not in stories_related(story=story, limit=20)
    assert not RelatedStory.objects.filter(related=draft).exists()


def test_a_story_unpublished_after_the_refresh_disappears_at_once(
    newsroom: dict[str, Any], editor: Any
) -> None:
    related_refresh()
    assert newsroom["football-fans"] in stories_related(story=newsroom["football"])
    story_set_status(story=newsroom["football-fans"], actor=editor, status="draft")
    assert newsroom["football-fans"] not in stories_related(story=newsroom["football"])


def test_near_duplicates_are_collapsed(newsroom: dict[str, Any]) -> None:
    related_refresh()
    for key in ("tariffs", "ministers"):
        listed = {s.slug for s in stories_related(story=newsroom[key], limit=20)}
        assert not {"summit", "summit-copy"} <= listed
    # A copy of the story itself is not "related".
    assert newsroom["summit-copy"] not in stories_related(story=newsroom["summit"], limit=20)


def test_related_list_is_one_query(
    newsroom: dict[str, Any], django_assert_num_queries: Any
) -> None:
    related_refresh()
    with django_assert_num_queries(1):
        urls = [s.get_absolute_url() for s in stories_related(story=newsroom["summit"])]
    assert urls


@pytest.mark.django_db(transaction=True)
def test_publishing_recomputes_related_in_the_background(
    section: Any, editor: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from newsdesk.config.runtime import worker_running

    monkeypatch.setenv("NEWSDESK_BACKGROUND", "1")
    with worker_running():  # as a serving process's runtime does at start-up
        _publish_and_wait_for_related(section, editor)


def _publish_and_wait_for_related(section: Any, editor: Any) -> None:
    first = story_create(
        section=section,
        headline="Volcano erupts near the island village",
        body="Lava from the volcano reached the island village.",
        author=editor,
        live=False,
    )
    second = story_create(
        section=section,
        headline="Island village evacuated as volcano erupts",
        body="Villagers left the island as the volcano erupted overnight.",
        author=editor,
        live=False,
    )
    deadline = time.monotonic() + 60
    while not stories_related(story=first) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert stories_related(story=first) == [second]
