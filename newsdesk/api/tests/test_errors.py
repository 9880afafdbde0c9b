"""Every error is JSON ``{"error", "detail"}`` with a fitting 4xx; no input gives a 500."""

from __future__ import annotations

import json

import pytest
from django.db import OperationalError
from django.test import Client

from newsdesk.api.errors import MAX_BODY_BYTES
from newsdesk.newsroom.models import Entry, Story


def _is_error(response, status: int, code: str) -> None:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error", "detail"}
    assert body["error"] == code
    assert body["detail"].endswith((".", ")")), body["detail"]


def _raw_post(client: Client, path: str, body: bytes, token: str, **extra) -> object:
    return client.generic(
        "POST",
        path,
        body,
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
        **extra,
    )


def test_malformed_json_is_400(api, live_story):
    response = api.post(f"/api/stories/{live_story.pk}/entries", '{"body": "unterminated')
    _is_error(response, 400, "invalid")
    assert "not valid JSON" in response.json()["detail"]


def test_body_that_is_not_utf8_is_400(client, editor, token_for, live_story):
    response = _raw_post(
        client, f"/api/stories/{live_story.pk}/entries", b'{"body": "\xff\xfe"}', token_for(editor)
    )
    _is_error(response, 400, "invalid")


def test_lone_surrogate_in_json_is_400_and_nothing_is_stored(api, live_story):
    response = api.post(f"/api/stories/{live_story.pk}/entries", '{"body": "bad \\ud800 text"}')
    _is_error(response, 400, "invalid")
    assert "Unicode" in response.json()["detail"]
    assert Entry.objects.count() == 0


@pytest.mark.parametrize("body", ["[]", "null", "42", '"text"', "true", ""])
def test_json_that_is_not_an_object_is_400(api, section, body):
    response = api.post("/api/stories", body)
    _is_error(response, 400, "invalid")


@pytest.mark.parametrize(
    ("character", "code"),
    [
        ("\x00", "U+0000"),
        ("\x01", "U+0001"),
        ("\x0b", "U+000B"),
        ("\x1f", "U+001F"),
        ("\x85", "U+0085"),
        ("\ufffe", "U+FFFE"),
        ("\uffff", "U+FFFF"),
    ],
)
def test_characters_feeds_cannot_carry_are_refused_with_a_sentence(
    api, live_story, character, code
):
    response = api.post(f"/api/stories/{live_story.pk}/entries", {"body": f"ab{character}c"})
    _is_error(response, 400, "invalid")
    detail = response.json()["detail"]
    assert detail.startswith("The body contains an invisible character that pages and feeds")
    assert f"({code}, character 3)" in detail
    assert "line breaks" in detail
    assert Entry.objects.count() == 0


def test_a_line_break_in_a_one_line_field_is_refused_and_crlf_in_a_body_becomes_lf(api, live_story):
    path = f"/api/stories/{live_story.pk}/entries"
    response = api.post(path, {"body": "Text.", "title": "Two\nlines"})
    _is_error(response, 400, "invalid")
    assert response.json()["detail"] == "The title must be on one line: remove the line break."
    assert api.post(path, {"body": "One\r\nTwo\rThree\tTab"}).status_code == 201
    assert Entry.objects.get().body == "One\nTwo\nThree\tTab"


def test_oversized_body_is_413_before_it_is_read(api, live_story):
    body = json.dumps({"body": "x" * (MAX_BODY_BYTES + 1)})
    response = api.post(f"/api/stories/{live_story.pk}/entries", body)
    _is_error(response, 413, "too_large")
    assert Entry.objects.count() == 0


def test_large_but_allowed_body_reaches_the_length_check(api, live_story):
    response = api.post(f"/api/stories/{live_story.pk}/entries", {"body": "é" * 20_001})
    _is_error(response, 400, "invalid")
    assert "20,000" in response.json()["detail"]


def test_bad_content_length_is_400(client, editor, token_for, live_story):
    response = _raw_post(
        client,
        f"/api/stories/{live_story.pk}/entries",
        b'{"body": "x"}',
        token_for(editor),
        CONTENT_LENGTH="many",
    )
    _is_error(response, 400, "invalid")


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("put", "/api/stories/{id}", {"GET", "PATCH"}),
        ("delete", "/api/stories", {"GET", "POST"}),
        ("post", "/api/stories/{id}/events", {"GET"}),
        ("patch", "/api/sections", {"GET", "POST"}),
        ("post", "/api/stories/{id}/key-points", {"GET", "PUT"}),
    ],
)
def test_wrong_method_is_405_in_json_with_allow_header(api, live_story, method, path, allowed):
    path = path.format(id=live_story.pk)
    response = api.delete(path) if method == "delete" else getattr(api, method)(path, {})
    _is_error(response, 405, "method_not_allowed")
    assert {m.strip() for m in response["Allow"].split(",")} == allowed


@pytest.mark.parametrize(
    "path", ["/api/nope", "/api/stories/", "/api/stories/1/comments", "/api/", "/api/v2/stories"]
)
def test_unknown_api_path_is_404_in_json(anon, db, path):
    _is_error(anon.get(path), 404, "not_found")


def test_non_numeric_id_in_path_is_400(anon, db):
    _is_error(anon.get("/api/stories/abc"), 400, "invalid")


def test_unexpected_failure_is_json_without_traceback(anon, live_story, monkeypatch):
    import newsdesk.api.api as api_module

    def broken(**kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(api_module, "story_get_for", broken)
    response = anon.get(f"/api/stories/{live_story.pk}")
    _is_error(response, 500, "server_error")
    assert b"secret internals" not in response.content
    assert b"Traceback" not in response.content


def test_database_outage_is_503_in_json(anon, live_story, monkeypatch):
    import newsdesk.api.api as api_module

    def down(**kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(api_module, "story_get_for", down)
    _is_error(anon.get(f"/api/stories/{live_story.pk}"), 503, "unavailable")


def test_bearer_calls_need_no_csrf_token(editor, token_for, live_story):
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(
        f"/api/stories/{live_story.pk}/entries",
        {"body": "No CSRF cookie needed"},
        content_type="application/json",
        headers={"Authorization": f"Bearer {token_for(editor)}"},
    )
    assert response.status_code == 201


GARBAGE_BODIES = [
    b"",
    b"{",
    b"[]",
    b"null",
    b'{"body": null, "version": null, "points": null}',
    b'{"headline": {"$gt": ""}, "section": ["a"], "live": null}',
    b'{"body": "x", "version": 1e309}',
    b'{"body": "x", "version": -99999999999999999999999999}',
    b'{"points": [[{"text": "x"}]]}',
    b'[{"text": null}, 7]',
    b'{"name": "\\u0000", "slug": "\\u0000", "parent": "\\u0000"}',
    b'{"section": "../../etc", "headline": "x"}',
    b"\x00\x01\x02",
    b'{"title": "' + "\U0001f4a5".encode() * 50 + b'"}',
]
PATHS = [
    "/api/sections",
    "/api/stories",
    "/api/stories/{story}",
    "/api/stories/{story}/entries",
    "/api/stories/{story}/entries/{entry}",
    "/api/stories/{story}/entries/0",
    "/api/stories/-1/entries",
    "/api/stories/{story}/key-points",
    "/api/stories/{story}/events",
    "/api/stories/18446744073709551616",
]


def test_no_input_yields_a_server_error(client, editor, token_for, live_story, publish):
    entry = publish(live_story, "Target")
    token = token_for(editor)
    failures = []
    for template in PATHS:
        path = template.format(story=live_story.pk, entry=entry.pk)
        for method in ("GET", "POST", "PUT", "PATCH", "DELETE"):
            bodies = GARBAGE_BODIES if method in {"POST", "PUT", "PATCH"} else [b""]
            for body in bodies:
                response = client.generic(
                    method,
                    path,
                    body,
                    content_type="application/json",
                    headers={"Authorization": f"Bearer {token}"},
                )
                ok = response.status_code < 500 and (
                    response.status_code < 400
                    or set(json.loads(response.content)) == {"error", "detail"}
                )
                if not ok:
                    failures.append((method, path, body[:40], response.status_code))
    assert failures == []
    assert Story.objects.filter(pk=live_story.pk).exists()


@pytest.mark.parametrize(
    "query",
    [
        "?limit=%00",
        "?cursor=%00",
        "?section=%00",
        "?status=%00",
        "?cursor=%ff%fe",
        "?limit=1&limit=2",
        "?section=" + "a/" * 500,
    ],
)
def test_odd_query_strings_are_4xx_or_ok_never_5xx(anon, live_story, query):
    response = anon.client.get("/api/stories" + query)
    assert response.status_code < 500
    if response.status_code >= 400:
        assert set(response.json()) == {"error", "detail"}
