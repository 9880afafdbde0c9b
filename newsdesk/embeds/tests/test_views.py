"""The desk's side of embeds: the preview shows cards, "Try again" for a provider that failed."""

from __future__ import annotations

from typing import Any

import lxml.html
import pytest
from django.test import Client
from django.urls import reverse

from newsdesk.embeds.models import Embed

from .standin import StandIn, json_route

pytestmark = pytest.mark.django_db

VIDEO = "https://youtu.be/dQw4w9WgXcQ"
ANSWER = {"title": "The arrival", "author_name": "Newsdesk Video", "width": 640, "height": 360}


@pytest.fixture
def editor_client(editor: Any) -> Client:
    client = Client()
    client.force_login(editor)
    return client


@pytest.fixture
def failed_entry(oembed_standin: StandIn, live_story: Any, publish: Any) -> Any:
    """An entry whose video could not be asked about when it was published."""
    oembed_standin.routes["/oembed"] = json_route({}, status=503)
    return publish(live_story, f"Footage from the quay:\n\n{VIDEO}")


def retry_url(story: Any, embed: Embed) -> str:
    return reverse("embeds:retry", args=[story.pk, embed.pk])


def test_the_desk_offers_try_again_on_an_entry_showing_a_plain_link(
    editor_client: Client, live_story: Any, failed_entry: Any
) -> None:
    embed = Embed.objects.get()

    page = editor_client.get(reverse("desk:story_detail", args=[live_story.pk]))

    row = lxml.html.fromstring(page.content).get_element_by_id(f"desk-entry-{failed_entry.pk}")
    [form] = row.xpath(".//form[contains(@class, 'desk-entry__embed')]")
    assert form.get("action") == retry_url(live_story, embed)
    assert "Not loaded from YouTube: YouTube answered with an error (HTTP 503)." in (
        form.text_content()
    )


def test_an_entry_whose_embed_loaded_has_no_try_again(
    oembed_standin: StandIn, editor_client: Client, live_story: Any, publish: Any
) -> None:
    oembed_standin.routes["/oembed"] = json_route(ANSWER)
    publish(live_story, VIDEO)

    page = editor_client.get(reverse("desk:story_detail", args=[live_story.pk]))

    assert b"desk-entry__embed" not in page.content


def test_try_again_loads_the_snapshot_and_says_so(
    oembed_standin: StandIn, editor_client: Client, live_story: Any, failed_entry: Any
) -> None:
    oembed_standin.routes["/oembed"] = json_route(ANSWER)

    response = editor_client.post(retry_url(live_story, Embed.objects.get()), follow=True)

    assert response.status_code == 200
    assert b"Loaded from YouTube; 1 entry updated." in response.content
    failed_entry.refresh_from_db()
    assert 'data-embed-status="ok"' in failed_entry.body_html
    assert b"desk-entry__embed" not in response.content


def test_try_again_while_the_provider_is_still_down_says_so(
    oembed_standin: StandIn, editor_client: Client, live_story: Any, failed_entry: Any
) -> None:
    response = editor_client.post(
        retry_url(live_story, Embed.objects.get()), headers={"Accept": "application/json"}
    )

    assert response.status_code == 200
    assert response.json() == {
        "loaded": False,
        "entries": [failed_entry.pk],
        "detail": "Still not loaded from YouTube: YouTube answered with an error (HTTP 503). "
        "Readers see a plain link; try again later.",
    }


def test_try_again_is_for_journalists_on_the_story_and_only_by_post(
    client: Client,
    editor_client: Client,
    reporter: Any,
    make_journalist: Any,
    live_story: Any,
    failed_entry: Any,
) -> None:
    url = retry_url(live_story, Embed.objects.get())
    assert client.post(url).status_code == 302  # to the sign-in page
    reader = make_journalist("nora", role="reporter")
    reader.journalist.delete()
    client.force_login(reader)
    assert client.post(url).status_code == 403
    client.force_login(reporter)  # a reporter not on this story
    assert client.post(url).status_code == 403
    assert editor_client.get(url).status_code == 405
    assert editor_client.post(retry_url(live_story, Embed(pk=999))).status_code == 404


def test_the_preview_shows_the_card_readers_will_get(
    oembed_standin: StandIn, editor_client: Client, live_story: Any
) -> None:
    oembed_standin.routes["/oembed"] = json_route(ANSWER)

    response = editor_client.post(
        reverse("desk:entry_preview", args=[live_story.pk]), {"body": f"Look:\n\n{VIDEO}"}
    )

    assert response.status_code == 200
    assert b'data-embed-status="ok"' in response.content
    assert b"The arrival" in response.content
