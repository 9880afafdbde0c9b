from __future__ import annotations

import json
import time
from typing import Any

import pytest
from django.template.loader import render_to_string

from newsdesk.engagement import services
from newsdesk.engagement.models import Reaction
from newsdesk.engagement.push import PUSH_INTERVAL_SECONDS
from newsdesk.engagement.readers import reader_cookie_value
from newsdesk.engagement.selectors import reaction_counts
from newsdesk.engagement.services import reaction_set

pytestmark = pytest.mark.django_db


def react(client: Any, story: Any, kind: Any, **headers: str) -> Any:
    return client.post(
        f"/api/stories/{story.pk}/reactions",
        json.dumps({"kind": kind}),
        content_type="application/json",
        headers=headers,
    )


def test_a_reader_has_one_reaction_per_story(reader_client: Any, live_story: Any) -> None:
    assert react(reader_client, live_story, "sad").status_code == 200
    response = react(reader_client, live_story, "sad")
    assert response.json()["counts"] == {"very-good": 0, "informative": 0, "sad": 1}
    assert Reaction.objects.filter(story=live_story).count() == 1


def test_a_reader_can_change_their_reaction(reader_client: Any, live_story: Any) -> None:
    react(reader_client, live_story, "sad")
    response = react(reader_client, live_story, "informative")
    assert response.json() == {
        "counts": {"very-good": 0, "informative": 1, "sad": 0},
        "mine": "informative",
    }


@pytest.mark.parametrize("empty", [None, ""])
def test_a_reader_can_remove_their_reaction(
    reader_client: Any, live_story: Any, empty: Any
) -> None:
    react(reader_client, live_story, "very-good")
    response = react(reader_client, live_story, empty)
    assert response.json()["counts"]["very-good"] == 0
    assert not Reaction.objects.filter(story=live_story).exists()


def test_different_readers_add_up(client: Any, live_story: Any) -> None:
    for n in range(3):
        client.cookies["nd_reader"] = reader_cookie_value(f"reader-{n}-aaaaaaaaaaaaaa")
        react(client, live_story, "very-good")
    assert reaction_counts(story_id=live_story.pk)["very-good"] == 3


def test_first_reaction_sets_a_random_signed_reader_cookie(client: Any, live_story: Any) -> None:
    response = react(client, live_story, "sad")
    cookie = response.cookies["nd_reader"]
    reader = Reaction.objects.get().reader
    assert len(reader) >= 16 and cookie["httponly"]
    assert cookie.value == reader_cookie_value(reader) != reader


@pytest.mark.parametrize(
    "forged",
    [
        "reader-one-aaaaaaaaaa",  # the right shape, never issued
        "reader-one-aaaaaaaaaa:" + "A" * 43,  # a made-up signature
        reader_cookie_value("reader-one-aaaaaaaaaa")[:-1] + "x",
    ],
)
def test_a_reader_id_the_server_did_not_sign_is_not_that_reader(
    client: Any, live_story: Any, forged: str
) -> None:
    client.cookies["nd_reader"] = reader_cookie_value("reader-one-aaaaaaaaaa")
    react(client, live_story, "sad")
    client.cookies["nd_reader"] = forged
    response = react(client, live_story, "")
    # A new reader, given a cookie of its own; the signed reader's reaction stands.
    assert response.cookies["nd_reader"].value != forged
    assert Reaction.objects.get(story=live_story).reader == "reader-one-aaaaaaaaaa"


def test_unknown_kind_is_refused_with_a_sentence(reader_client: Any, live_story: Any) -> None:
    response = react(reader_client, live_story, "angry")
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "invalid" and "very-good" in body["detail"]


@pytest.mark.parametrize("body", ["not json", "[1]", "{}", '{"kind": 5}'])
def test_malformed_bodies_are_refused(reader_client: Any, live_story: Any, body: str) -> None:
    response = reader_client.post(
        f"/api/stories/{live_story.pk}/reactions", body, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid"


def test_cross_site_requests_are_refused(reader_client: Any, live_story: Any) -> None:
    response = react(reader_client, live_story, "sad", Origin="https://evil.example")
    assert response.status_code == 403 and response.json()["error"] == "forbidden"
    response = react(reader_client, live_story, "sad", **{"Sec-Fetch-Site": "cross-site"})
    assert response.status_code == 403
    assert not Reaction.objects.exists()


def test_same_origin_requests_are_accepted(reader_client: Any, live_story: Any) -> None:
    response = react(
        reader_client,
        live_story,
        "sad",
        Origin="http://testserver",
        **{"Sec-Fetch-Site": "same-origin"},
    )
    assert response.status_code == 200


def test_drafts_cannot_be_reacted_to(reader_client: Any, section: Any, editor: Any) -> None:
    from newsdesk.newsroom.services import story_create

    draft = story_create(section=section, headline="Secret", author=editor, status="draft")
    response = react(reader_client, draft, "sad")
    assert response.status_code == 404 and response.json()["error"] == "not_found"


@pytest.fixture
def one_window(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rate windows are clock minutes: the check sees one instant, so that a test's
    requests never straddle two windows (and start afresh in the second)."""
    check, now = services.reaction_rate_check, time.time()
    monkeypatch.setattr(services, "reaction_rate_check", lambda **kwargs: check(**kwargs, now=now))


def test_reactions_are_rate_limited_per_reader(
    reader_client: Any, live_story: Any, monkeypatch: pytest.MonkeyPatch, one_window: None
) -> None:
    monkeypatch.setenv("NEWSDESK_REACTION_READER_RATE", "3")
    statuses = [
        react(reader_client, live_story, kind).status_code
        for kind in ["sad", "informative", "sad", "informative"]
    ]
    assert statuses == [200, 200, 200, 429]
    assert react(reader_client, live_story, "sad").json()["error"] == "rate_limited"


def test_reactions_are_rate_limited_per_ip(
    client: Any, live_story: Any, monkeypatch: pytest.MonkeyPatch, one_window: None
) -> None:
    monkeypatch.setenv("NEWSDESK_REACTION_IP_RATE", "2")
    statuses = []
    for n in range(3):
        client.cookies["nd_reader"] = reader_cookie_value(f"reader-{n}-aaaaaaaaaaaaaa")
        statuses.append(react(client, live_story, "sad").status_code)
    assert statuses == [200, 200, 429]


def test_one_address_may_react_under_a_bounded_number_of_reader_ids(
    client: Any, live_story: Any, monkeypatch: pytest.MonkeyPatch, one_window: None
) -> None:
    monkeypatch.setenv("NEWSDESK_REACTION_IP_READERS", "3")
    statuses = []
    for n in range(5):
        client.cookies["nd_reader"] = reader_cookie_value(f"reader-{n}-aaaaaaaaaaaaaa")
        statuses.append(react(client, live_story, "sad").status_code)
    assert statuses == [200, 200, 200, 429, 429]
    assert "from your network" in react(client, live_story, "sad").json()["detail"]
    # A reader already seen from the address stays welcome.
    client.cookies["nd_reader"] = reader_cookie_value("reader-0-aaaaaaaaaaaaaa")
    assert react(client, live_story, "informative").status_code == 200
    # Another address is another count.
    client.cookies["nd_reader"] = reader_cookie_value("reader-9-aaaaaaaaaaaaaa")
    elsewhere = client.post(
        f"/api/stories/{live_story.pk}/reactions",
        json.dumps({"kind": "sad"}),
        content_type="application/json",
        REMOTE_ADDR="203.0.113.5",
    )
    assert elsewhere.status_code == 200


def test_current_reaction_and_counts_can_be_read(reader_client: Any, live_story: Any) -> None:
    react(reader_client, live_story, "informative")
    body = reader_client.get(f"/api/stories/{live_story.pk}/reactions").json()
    assert body == {"counts": {"very-good": 0, "informative": 1, "sad": 0}, "mine": "informative"}


def test_form_post_without_javascript_reacts_and_returns_to_the_story(
    reader_client: Any, live_story: Any
) -> None:
    response = reader_client.post(
        f"/engagement/stories/{live_story.pk}/reactions", {"kind": "very-good"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"{live_story.get_absolute_url()}#reactions"
    assert reaction_counts(story_id=live_story.pk)["very-good"] == 1
    reader_client.post(f"/engagement/stories/{live_story.pk}/reactions", {"kind": ""})
    assert reaction_counts(story_id=live_story.pk)["very-good"] == 0


def test_form_post_from_another_site_is_refused(reader_client: Any, live_story: Any) -> None:
    response = reader_client.post(
        f"/engagement/stories/{live_story.pk}/reactions",
        {"kind": "sad"},
        headers={"Origin": "https://evil.example"},
    )
    assert response.status_code == 403
    assert not Reaction.objects.exists()


def test_bar_shows_every_kind_with_its_count(live_story: Any) -> None:
    reaction_set(story=live_story, reader="reader-x-aaaaaaaaaaaaaa", kind="very-good")
    html = render_to_string("engagement/reactions_bar.html", {"story": live_story})
    assert "data-reactions" in html
    assert 'Very good (<span data-reaction-count="very-good">1</span>)' in html
    assert 'Sad (<span data-reaction-count="sad">0</span>)' in html


def test_reaction_kinds_are_configurable(
    reader_client: Any, live_story: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEWSDESK_REACTIONS", "wow:Wow!,meh:Meh")
    response = react(reader_client, live_story, "wow")
    assert response.json()["counts"] == {"wow": 1, "meh": 0}


def test_a_change_pushes_live_counts_without_a_sequence_number(
    reader_client: Any,
    live_story: Any,
    recording_broker: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        react(reader_client, live_story, "sad")
    (message,) = recording_broker.messages
    assert message["story"] == live_story.pk
    assert message["kind"] == "reactions"
    assert "seq" not in message
    assert message["data"] == {"counts": {"very-good": 0, "informative": 0, "sad": 1}}


def test_rapid_changes_are_coalesced_into_one_trailing_push(
    client: Any,
    live_story: Any,
    recording_broker: Any,
    django_capture_on_commit_callbacks: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from newsdesk.engagement import push

    timers = []
    original = push.reactions_push

    def spy(**kwargs: Any) -> Any:
        timer = original(**kwargs)
        if timer is not None:
            timers.append(timer)
        return timer

    monkeypatch.setattr(push, "reactions_push", spy)
    for n in range(5):
        client.cookies["nd_reader"] = reader_cookie_value(f"reader-{n}-aaaaaaaaaaaaaa")
        with django_capture_on_commit_callbacks(execute=True):
            react(client, live_story, "informative")
    # The first change went out at once; the other four wait for one trailing push.
    assert len(recording_broker.messages) == 1
    assert len(timers) == 1
    timers[0].join(timeout=5 * PUSH_INTERVAL_SECONDS)
    assert len(recording_broker.messages) == 2
    assert recording_broker.messages[-1]["data"]["counts"]["informative"] == 5
