"""A live story's page costs the same queries with 30 entries as with 5,000 (issue 6, "Pages").

Entries are bulk-inserted (the page reads them; how they were written does
not matter here) with several authors, so a query per entry or per author
would show up as a difference between the two stories.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

pytestmark = pytest.mark.django_db


@pytest.fixture
def authors(make_journalist: Any) -> list[Any]:
    return [make_journalist(f"writer{n}", role="reporter") for n in range(4)]


def _story_with(section: Any, editor: Any, authors: list[Any], count: int) -> Any:
    from newsdesk.newsroom.models import Entry
    from newsdesk.newsroom.services import story_create

    story = story_create(
        section=section, headline=f"Live updates: {count} entries", author=editor, live=True
    )
    start = timezone.now() - datetime.timedelta(hours=1)
    Entry.objects.bulk_create(
        [
            Entry(
                story=story,
                author=authors[n % len(authors)],
                body=f"Update {n}",
                body_html=f"<p>Update {n}</p>",
                title=f"Title {n}" if n % 7 == 0 else "",
                published_at=start + datetime.timedelta(milliseconds=n),
                key_event=n % 11 == 0,
                corrected=n % 13 == 0,
                pinned=n == 3,
            )
            for n in range(count)
        ],
        batch_size=1000,
    )
    return story


def _queries(client: Any, path: str, **params: Any) -> tuple[int, Any]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, params)
    assert response.status_code == 200
    return len(captured), response


def test_first_page_of_5000_entries_costs_the_queries_of_30(
    client: Any, section: Any, editor: Any, authors: list[Any]
) -> None:
    small = _story_with(section, editor, authors, 30)
    large = _story_with(section, editor, authors, 5000)
    client.get(small.get_absolute_url())  # warm per-process lookups (content types, sections)

    small_count, _ = _queries(client, small.get_absolute_url())
    large_count, response = _queries(client, large.get_absolute_url())

    assert large_count == small_count
    html = response.content.decode()
    assert html.count("data-entry-id=") == 20 + 1  # one page and the pinned entry
    assert "Update 4999" in html and "Update 4979" not in html


def test_an_older_page_and_an_entry_permalink_cost_the_same_at_any_size(
    client: Any, section: Any, editor: Any, authors: list[Any]
) -> None:
    from newsdesk.newsroom.models import Entry

    small = _story_with(section, editor, authors, 30)
    large = _story_with(section, editor, authors, 5000)
    client.get(small.get_absolute_url())
    small_first = Entry.objects.filter(story=small).order_by("published_at").first()
    large_first = Entry.objects.filter(story=large).order_by("published_at").first()
    small_anchor = Entry.objects.filter(story=small).order_by("-published_at")[20]
    large_anchor = Entry.objects.filter(story=large).order_by("-published_at")[2500]

    older_small, _ = _queries(client, small.get_absolute_url(), before=small_anchor.pk)
    older_large, response = _queries(client, large.get_absolute_url(), before=large_anchor.pk)
    assert older_large == older_small
    assert response.content.decode().count("data-entry-id=") == 20 + 1

    deep_small, _ = _queries(client, small.get_absolute_url(), entry=small_first.pk)
    deep_large, response = _queries(client, large.get_absolute_url(), entry=large_first.pk)
    assert deep_large == deep_small
    assert f'id="entry-{large_first.pk}"' in response.content.decode()
