"""Bearer tokens: who may call what, and how refusals read."""

from __future__ import annotations

import datetime
import io

from django.core.management import call_command

from newsdesk.api.models import ApiToken
from newsdesk.api.services import token_create, token_revoke


def _entry_call(client, story):
    return client.post(f"/api/stories/{story.pk}/entries", {"body": "Talks resume at noon."})


def test_newsroom_call_without_token_is_401_with_json_error(anon, live_story):
    response = _entry_call(anon, live_story)
    assert response.status_code == 401
    assert response.json()["error"] == "unauthorized"
    assert "Bearer" in response.json()["detail"]


def test_unknown_token_is_401(as_token, live_story):
    response = _entry_call(as_token("nd_not-a-real-token"), live_story)
    assert response.status_code == 401
    assert response.json() == {
        "error": "unauthorized",
        "detail": "The API token is unknown, expired or revoked; ask an editor for a new one.",
    }


def test_authorization_header_without_bearer_scheme_is_401(client, editor, token_for, live_story):
    raw = token_for(editor)
    response = client.post(
        f"/api/stories/{live_story.pk}/entries",
        '{"body": "x"}',
        content_type="application/json",
        headers={"Authorization": f"Token {raw}"},
    )
    assert response.status_code == 401
    assert response.json()["error"] == "unauthorized"


def test_revoked_token_is_401(as_token, editor, live_story):
    token, raw = token_create(user=editor, name="wire")
    assert _entry_call(as_token(raw), live_story).status_code == 201
    token_revoke(token=token)
    response = _entry_call(as_token(raw), live_story)
    assert response.status_code == 401
    assert response.json()["error"] == "unauthorized"


def test_expired_token_is_401(as_token, editor, live_story):
    _, raw = token_create(user=editor, expires_in=datetime.timedelta(seconds=-1))
    response = _entry_call(as_token(raw), live_story)
    assert response.status_code == 401
    assert response.json()["error"] == "unauthorized"


def test_token_of_deactivated_user_is_401(as_token, editor, live_story):
    _, raw = token_create(user=editor)
    editor.is_active = False
    editor.save(update_fields=["is_active"])
    assert _entry_call(as_token(raw), live_story).status_code == 401


def test_token_of_user_outside_newsroom_is_403(as_token, django_user_model, live_story):
    outsider = django_user_model.objects.create_user(username="reader", password="x-y-z-123")
    _, raw = token_create(user=outsider)
    response = _entry_call(as_token(raw), live_story)
    assert response.status_code == 403
    assert response.json()["error"] == "forbidden"


def test_bad_token_on_a_read_is_401_rather_than_silently_anonymous(as_token, live_story):
    response = as_token("nd_wrong").get(f"/api/stories/{live_story.pk}")
    assert response.status_code == 401


def test_token_use_is_recorded(api, editor):
    assert api.get("/api/stories").status_code == 200
    assert ApiToken.objects.get(user=editor).last_used_at is not None


def test_reporter_not_assigned_cannot_post(reporter_api, live_story):
    response = _entry_call(reporter_api, live_story)
    assert response.status_code == 403
    assert response.json()["error"] == "forbidden"
    assert "not assigned" in response.json()["detail"]


def test_reporter_assigned_can_post(reporter_api, live_story, assign, reporter):
    assign(live_story, reporter)
    response = _entry_call(reporter_api, live_story)
    assert response.status_code == 201
    assert response.json()["author"] == {"name": "Rory"}


def test_reporter_cannot_create_stories_or_sections(reporter_api, section):
    story = reporter_api.post("/api/stories", {"headline": "Mine", "section": "asia"})
    assert story.status_code == 403
    assert story.json()["error"] == "forbidden"
    created = reporter_api.post("/api/sections", {"name": "Sport"})
    assert created.status_code == 403
    assert created.json()["error"] == "forbidden"


def test_createeditor_token_on_last_line_works_as_bearer_token(as_token, live_story):
    out = io.StringIO()
    call_command("createeditor", "wiredesk", "--token", stdout=out)
    raw = out.getvalue().strip().splitlines()[-1]
    response = _entry_call(as_token(raw), live_story)
    assert response.status_code == 201, response.content
    assert response.json()["author"]["name"] == "wiredesk"
