"""Who may do what: every desk view and every API call, for every kind of subject.

The tables below are the audit: one row per action, one column per subject,
each cell the HTTP status that subject gets. A test runs each cell against a
fresh newsroom (``conftest.newsroom``): one live story, an editor, a reporter
assigned to it (``rep_on``), a reporter who is not (``rep_off``), a signed-in
account with no newsroom role (``reader``), and nobody (``anon``). API columns
add a token never issued (``bad``) and the editor's expired and revoked tokens.

Desk: 302 for anonymous is the redirect to the sign-in page; 302 for a
permitted POST is the redirect back to the story after the change.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.urls import reverse

from newsdesk.engagement.reactions import reaction_kinds

from .conftest import Newsroom

# --- the desk ------------------------------------------------------------------------

DESK_SUBJECTS = ("anon", "reader", "rep_on", "rep_off", "editor")
SUBJECT_USER = {
    "anon": None,
    "reader": "reader",
    "rep_on": "reporter_on",
    "rep_off": "reporter_off",
    "editor": "editor",
}

# action: (method, url name, which entry the URL names, form data)
DESK_ACTIONS: dict[str, tuple[str, str, str | None, dict[str, Any]]] = {
    "story list": ("get", "desk:story_list", None, {}),
    "create story": (
        "post",
        "desk:story_create",
        None,
        {"headline": "New story", "kind": "live", "standfirst": "", "body": "", "status": ""},
    ),
    "open story": ("get", "desk:story_detail", None, {}),
    "publish entry": ("post", "desk:entry_publish", None, {"body": "Breaking.", "title": ""}),
    "preview entry": ("post", "desk:entry_preview", None, {"body": "*Preview*"}),
    "edit headline": ("post", "desk:story_update", None, {"headline": "Changed", "version": 1}),
    "end coverage": ("post", "desk:story_status", None, {"status": "ended"}),
    "edit key points": ("post", "desk:key_points", None, {"points": "One\nTwo", "version": 1}),
    "assign reporters": ("post", "desk:story_assign", None, {"reporters": []}),
    "row of own entry": ("get", "desk:entry_row", "reporter", {}),
    "open own entry": ("get", "desk:entry_edit", "reporter", {}),
    "open editor's entry": ("get", "desk:entry_edit", "editor", {}),
    "correct own entry": (
        "post",
        "desk:entry_edit",
        "reporter",
        {"body": "Corrected.", "title": "", "version": 1},
    ),
    "correct editor's entry": (
        "post",
        "desk:entry_edit",
        "editor",
        {"body": "Corrected.", "title": "", "version": 1},
    ),
    "delete own entry": ("post", "desk:entry_delete", "reporter", {}),
    "delete editor's entry": ("post", "desk:entry_delete", "editor", {}),
    "pin own entry": ("post", "desk:entry_pin", "reporter", {"pinned": "1"}),
    "key event on own entry": ("post", "desk:entry_key_event", "reporter", {"key_event": "1"}),
    "key event on editor's entry": (
        "post",
        "desk:entry_key_event",
        "editor",
        {"key_event": "1"},
    ),
}

# fmt: off
DESK_MATRIX: dict[str, tuple[int, int, int, int, int]] = {
    #                               anon reader rep_on rep_off editor
    "story list":                  (302, 403,   200,   200,    200),
    "create story":                (302, 403,   403,   403,    302),
    "open story":                  (302, 403,   200,   403,    200),
    "publish entry":               (302, 403,   302,   403,    302),
    "preview entry":               (302, 403,   200,   403,    200),
    "edit headline":               (302, 403,   403,   403,    302),
    "end coverage":                (302, 403,   403,   403,    302),
    "edit key points":             (302, 403,   403,   403,    302),
    "assign reporters":            (302, 403,   403,   403,    302),
    "row of own entry":            (302, 403,   200,   403,    200),
    "open own entry":              (302, 403,   200,   403,    200),
    "open editor's entry":         (302, 403,   403,   403,    200),
    "correct own entry":           (302, 403,   302,   403,    302),
    "correct editor's entry":      (302, 403,   403,   403,    302),
    "delete own entry":            (302, 403,   302,   403,    302),
    "delete editor's entry":       (302, 403,   403,   403,    302),
    "pin own entry":               (302, 403,   403,   403,    302),
    "key event on own entry":      (302, 403,   302,   403,    302),
    "key event on editor's entry": (302, 403,   403,   403,    302),
}
# fmt: on


def _desk_cases() -> list[Any]:
    assert DESK_MATRIX.keys() == DESK_ACTIONS.keys()
    return [
        pytest.param(action, subject, expected, id=f"{action}-{subject}")
        for action, row in DESK_MATRIX.items()
        for subject, expected in zip(DESK_SUBJECTS, row, strict=True)
    ]


def desk_request(newsroom: Newsroom, client: Any, action: str) -> Any:
    method, name, which, data = DESK_ACTIONS[action]
    story = newsroom.story
    kwargs: dict[str, Any] = {"story_id": story.pk}
    if which is not None:
        entry = newsroom.reporter_entry if which == "reporter" else newsroom.editor_entry
        kwargs["entry_id"] = entry.pk
    if name == "desk:story_list" or name == "desk:story_create":
        kwargs = {}
    data = dict(data)
    if name == "desk:story_create":
        data["section"] = story.section_id
    if name == "desk:story_update":
        data.update(standfirst=story.standfirst, version=story.version)
    return getattr(client, method)(reverse(name, kwargs=kwargs), data)


@pytest.mark.parametrize(("action", "subject", "expected"), _desk_cases())
def test_desk_answers_each_subject_as_the_matrix_says(
    newsroom: Newsroom, sign_in: Any, action: str, subject: str, expected: int
) -> None:
    user = newsroom.user(SUBJECT_USER[subject] or "")
    response = desk_request(newsroom, sign_in(user), action)

    assert response.status_code == expected, response.content[:500]
    if subject == "anon":
        assert response["Location"].startswith(reverse("desk:login"))
    elif expected == 302:
        assert response["Location"].startswith(reverse("desk:story_detail", args=[0])[:-2])


def test_desk_refusals_change_nothing(newsroom: Newsroom, sign_in: Any) -> None:
    """Every refused write in the matrix leaves the story, entries and key points as they were."""
    from newsdesk.live.models import StoryEvent

    before = StoryEvent.objects.filter(story=newsroom.story).count()
    client = sign_in(newsroom.reporter_off)
    for action, (method, *_rest) in DESK_ACTIONS.items():
        if method == "post":
            assert desk_request(newsroom, client, action).status_code == 403, action
    newsroom.story.refresh_from_db()
    assert newsroom.story.headline == "Live updates: Harbour summit talks"
    assert newsroom.story.status == "live"
    assert StoryEvent.objects.filter(story=newsroom.story).count() == before


# --- the API -------------------------------------------------------------------------

API_SUBJECTS = ("anon", "reader", "rep_on", "rep_off", "editor", "bad", "expired", "revoked")
TOKEN_OF = {
    "anon": None,
    "reader": "reader",
    "rep_on": "reporter_on",
    "rep_off": "reporter_off",
    "editor": "editor",
    "bad": "bad",
    "expired": "expired",
    "revoked": "revoked",
}

# call: (method, path template, JSON body or None)
API_CALLS: dict[str, tuple[str, str, Any]] = {
    "list sections": ("get", "/api/sections", None),
    "create section": ("post", "/api/sections", {"name": "Sport"}),
    "list stories": ("get", "/api/stories", None),
    "create story": ("post", "/api/stories", {"headline": "New", "section": "world/asia"}),
    "read story": ("get", "/api/stories/{story}", None),
    "read draft": ("get", "/api/stories/{draft}", None),
    "change story": ("patch", "/api/stories/{story}", {"headline": "Changed"}),
    "list entries": ("get", "/api/stories/{story}/entries", None),
    "publish entry": ("post", "/api/stories/{story}/entries", {"body": "Breaking."}),
    "read entry": ("get", "/api/stories/{story}/entries/{reporter_entry}", None),
    "correct own entry": (
        "patch",
        "/api/stories/{story}/entries/{reporter_entry}",
        {"body": "Corrected.", "version": 1},
    ),
    "correct editor's entry": (
        "patch",
        "/api/stories/{story}/entries/{editor_entry}",
        {"body": "Corrected.", "version": 1},
    ),
    "pin own entry": (
        "patch",
        "/api/stories/{story}/entries/{reporter_entry}",
        {"pinned": True, "version": 1},
    ),
    "delete own entry": ("delete", "/api/stories/{story}/entries/{reporter_entry}", None),
    "delete editor's entry": ("delete", "/api/stories/{story}/entries/{editor_entry}", None),
    "read key points": ("get", "/api/stories/{story}/key-points", None),
    "replace key points": ("put", "/api/stories/{story}/key-points", [{"text": "New point"}]),
    "event delta": ("get", "/api/stories/{story}/events?after=0", None),
    "read reactions": ("get", "/api/stories/{story}/reactions", None),
    "react": ("post", "/api/stories/{story}/reactions", {"kind": "{kind}"}),
}

# fmt: off
API_MATRIX: dict[str, tuple[int, int, int, int, int, int, int, int]] = {
    #                          anon reader rep_on rep_off editor bad  expired revoked
    "list sections":          (200, 200,   200,   200,    200,   401, 401,    401),
    "create section":         (401, 403,   403,   403,    201,   401, 401,    401),
    "list stories":           (200, 200,   200,   200,    200,   401, 401,    401),
    "create story":           (401, 403,   403,   403,    201,   401, 401,    401),
    "read story":             (200, 200,   200,   200,    200,   401, 401,    401),
    "read draft":             (404, 404,   200,   404,    200,   401, 401,    401),
    "change story":           (401, 403,   403,   403,    200,   401, 401,    401),
    "list entries":           (200, 200,   200,   200,    200,   401, 401,    401),
    "publish entry":          (401, 403,   201,   403,    201,   401, 401,    401),
    "read entry":             (200, 200,   200,   200,    200,   401, 401,    401),
    "correct own entry":      (401, 403,   200,   403,    200,   401, 401,    401),
    "correct editor's entry": (401, 403,   403,   403,    200,   401, 401,    401),
    "pin own entry":          (401, 403,   403,   403,    200,   401, 401,    401),
    "delete own entry":       (401, 403,   204,   403,    204,   401, 401,    401),
    "delete editor's entry":  (401, 403,   403,   403,    204,   401, 401,    401),
    "read key points":        (200, 200,   200,   200,    200,   401, 401,    401),
    "replace key points":     (401, 403,   403,   403,    200,   401, 401,    401),
    "event delta":            (200, 200,   200,   200,    200,   401, 401,    401),
    # Reader endpoints: the reader is a cookie, a token is neither needed nor read.
    "read reactions":         (200, 200,   200,   200,    200,   200, 200,    200),
    "react":                  (200, 200,   200,   200,    200,   200, 200,    200),
}
# fmt: on


def _api_cases() -> list[Any]:
    assert API_MATRIX.keys() == API_CALLS.keys()
    return [
        pytest.param(call, subject, expected, id=f"{call}-{subject}")
        for call, row in API_MATRIX.items()
        for subject, expected in zip(API_SUBJECTS, row, strict=True)
    ]


@pytest.fixture
def draft(newsroom: Newsroom) -> Any:
    """A draft live story with the assigned reporter on it."""
    from newsdesk.newsroom.services import story_assign, story_create

    story = story_create(
        section=newsroom.story.section,
        headline="Draft: not yet out",
        author=newsroom.editor,
        live=True,
        status="draft",
    )
    story_assign(story=story, actor=newsroom.editor, reporters=[newsroom.reporter_on])
    return story


def api_request(newsroom: Newsroom, draft: Any, client: Any, call: str, token: str | None) -> Any:
    method, template, body = API_CALLS[call]
    path = template.format(
        story=newsroom.story.pk,
        draft=draft.pk,
        reporter_entry=newsroom.reporter_entry.pk,
        editor_entry=newsroom.editor_entry.pk,
    )
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if body is None:
        return getattr(client, method)(path, headers=headers)
    text = json.dumps(body).replace("{kind}", reaction_kinds()[0][0])
    return getattr(client, method)(path, text, content_type="application/json", headers=headers)


@pytest.mark.parametrize(("call", "subject", "expected"), _api_cases())
def test_api_answers_each_subject_as_the_matrix_says(
    newsroom: Newsroom, draft: Any, client: Any, call: str, subject: str, expected: int
) -> None:
    token = newsroom.tokens[TOKEN_OF[subject]] if TOKEN_OF[subject] else None
    response = api_request(newsroom, draft, client, call, token)

    assert response.status_code == expected, response.content[:500]
    if expected >= 400:
        error = response.json()
        assert set(error) == {"error", "detail"}
        assert error["error"] == {401: "unauthorized", 403: "forbidden", 404: "not_found"}[expected]
        assert error["detail"].endswith((".", ")")), error["detail"]


def test_api_refusals_change_nothing(newsroom: Newsroom, draft: Any, client: Any) -> None:
    """No refused write leaves a trace: no new event, no changed story, no new section."""
    from newsdesk.live.models import StoryEvent
    from newsdesk.newsroom.models import Section, Story

    events = StoryEvent.objects.count()
    stories, sections = Story.objects.count(), Section.objects.count()
    for subject in ("anon", "reader", "rep_off", "bad", "expired", "revoked"):
        token = newsroom.tokens[TOKEN_OF[subject]] if TOKEN_OF[subject] else None
        for call, (method, _path, _body) in API_CALLS.items():
            if method != "get" and call not in {"react"}:
                response = api_request(newsroom, draft, client, call, token)
                assert response.status_code in {401, 403}, (call, subject)
    assert StoryEvent.objects.count() == events
    assert (Story.objects.count(), Section.objects.count()) == (stories, sections)
