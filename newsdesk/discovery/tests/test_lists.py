from __future__ import annotations

import time
from typing import Any

import pytest
from django.template.loader import render_to_string

from newsdesk.discovery.services import related_refresh
from newsdesk.engagement.services import read_record, reads_flush

pytestmark = pytest.mark.django_db

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36"


@pytest.fixture
def read_newsroom(newsroom: dict[str, Any]) -> dict[str, Any]:
    now = time.time()
    for n in range(4):
        read_record(
            story_id=newsroom["weather"].pk,
            reader=f"reader-{n:02d}-aaaaaaaaaaaa",
            ip=f"10.0.{n}.1",
            user_agent=BROWSER,
            now=now,
        )
    reads_flush()
    related_refresh()
    return newsroom


def test_story_page_shows_related_ranking_and_recommended(
    client: Any, read_newsroom: dict[str, Any]
) -> None:
    story = read_newsroom["football"]
    response = client.get(story.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "data-discovery" in html and "data-reactions" in html
    related = html[html.index("data-related") : html.index("data-ranking")]
    assert read_newsroom["football-fans"].headline in related
    assert story.headline not in related
    ranking = html[html.index("data-ranking") : html.index("data-recommended")]
    assert read_newsroom["weather"].headline in ranking
    recommended = html[html.index("data-recommended") :]
    assert "/discovery/for-you?story=" in recommended
    assert "Very good (" in html


def test_lists_take_a_fixed_number_of_queries(
    read_newsroom: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    story = read_newsroom["football"]
    with django_assert_max_num_queries(3):
        html = render_to_string("discovery/lists.html", {"story": story})
    assert read_newsroom["football-fans"].get_absolute_url() in html
