"""Oversized, empty, wrongly typed and malformed requests: a 4xx with a clear message, never a 500."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.urls import reverse

from newsdesk.engagement.reactions import reaction_kinds

from .conftest import Newsroom

MIB = 1024 * 1024


def api_call(client: Any, method: str, path: str, body: Any = None, **extra: Any) -> Any:
    headers = extra.pop("headers", {})
    if body is None:
        return getattr(client, method)(path, headers=headers, **extra)
    data = body if isinstance(body, bytes | str) else json.dumps(body)
    content_type = extra.pop("content_type", "application/json")
    return getattr(client, method)(path, data, content_type=content_type, headers=headers, **extra)


def assert_api_error(response: Any, status: int, code: str, words: str = "") -> None:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error", "detail"}
    assert body["error"] == code
    assert body["detail"].strip().endswith((".", ")")), body["detail"]
    assert words.lower() in body["detail"].lower(), body["detail"]


# (name, method, path template, body, status, code, words in the detail)
API_CASES: list[tuple[str, str, str, Any, int, str, str]] = [
    ("not JSON", "post", "/api/stories/{story}/entries", b"{body", 400, "invalid", "not valid JSON"),
    ("empty body", "post", "/api/stories/{story}/entries", b"", 400, "invalid", "JSON"),
    ("JSON null", "post", "/api/stories/{story}/entries", b"null", 400, "invalid", "object"),
    ("list for object", "post", "/api/stories", [1, 2], 400, "invalid", "object"),
    ("string for object", "post", "/api/sections", '"Sport"', 400, "invalid", "object"),
    ("not UTF-8", "post", "/api/stories/{story}/entries", b'{"body": "\xff\xfe"}', 400, "invalid", "UTF-8"),
    ("lone surrogate", "post", "/api/stories/{story}/entries", b'{"body": "\\ud800"}', 400, "invalid", "Unicode"),
    ("number for text", "post", "/api/stories/{story}/entries", {"body": 1}, 400, "invalid", "body field must be text"),
    ("string for boolean", "post", "/api/stories/{story}/entries", {"body": "x", "pinned": "true"}, 400, "invalid", "true or false"),
    ("null for text", "post", "/api/stories", {"headline": None, "section": "asia"}, 400, "invalid", "headline"),
    ("missing field", "post", "/api/stories", {"section": "asia"}, 400, "invalid", "headline field is required"),
    ("unknown field", "post", "/api/stories/{story}/entries", {"body": "x", "bdy": "y"}, 400, "invalid", "'bdy'"),
    ("empty entry", "post", "/api/stories/{story}/entries", {"body": "  "}, 400, "invalid", "empty"),
    ("entry too long", "post", "/api/stories/{story}/entries", {"body": "x" * 20_001}, 400, "invalid", "limit is 20,000"),
    ("headline too long", "patch", "/api/stories/{story}", {"headline": "h" * 201}, 400, "invalid", "limit is 200"),
    ("unknown status", "patch", "/api/stories/{story}", {"status": "published"}, 400, "invalid", "live"),
    ("version as text", "patch", "/api/stories/{story}", {"headline": "x", "version": "1"}, 400, "invalid", "whole number"),
    ("version huge", "patch", "/api/stories/{story}", {"headline": "x", "version": 2**70}, 400, "invalid", "version"),
    ("stale version", "patch", "/api/stories/{story}/entries/{entry}", {"body": "x", "version": 99}, 409, "conflict", "version"),
    ("too many key points", "put", "/api/stories/{story}/key-points", [{"text": "p"}] * 13, 400, "invalid", "12"),
    ("key point too long", "put", "/api/stories/{story}/key-points", [{"text": "k" * 301}], 400, "invalid", "300"),
    ("key point not object", "put", "/api/stories/{story}/key-points", ["text"], 400, "invalid", "object"),
    ("unknown parent", "post", "/api/sections", {"name": "Sport", "parent": "nowhere"}, 400, "invalid", "matches no section"),
    ("slug only symbols", "post", "/api/sections", {"name": "!!!"}, 400, "invalid", "letter or digit"),
    ("oversized body", "post", "/api/stories/{story}/entries", b'{"body": "' + b"x" * (MIB + 10) + b'"}', 413, "too_large", "larger than"),
    ("limit zero", "get", "/api/stories?limit=0", None, 400, "invalid", "at least 1"),
    ("limit huge", "get", "/api/stories?limit=100000", None, 400, "invalid", "at most 100"),
    ("limit text", "get", "/api/stories/{story}/entries?limit=ten", None, 400, "invalid", "whole number"),
    ("bad cursor", "get", "/api/stories?cursor=%00%ff", None, 400, "invalid", "cursor"),
    ("long cursor", "get", "/api/stories?cursor=" + "a" * 500, None, 400, "invalid", "cursor"),
    ("unknown status filter", "get", "/api/stories?status=bogus", None, 400, "invalid", "status"),
    ("before not an entry", "get", "/api/stories/{story}/entries?before=999999", None, 400, "invalid", "before"),
    ("before negative", "get", "/api/stories/{story}/entries?before=-5", None, 400, "invalid", "before"),
    ("story id huge", "get", "/api/stories/99999999999999999999999999", None, 404, "not_found", ""),
    ("story id zero", "get", "/api/stories/0", None, 404, "not_found", "story 0"),
    ("entry id huge", "get", "/api/stories/{story}/entries/99999999999999999999", None, 404, "not_found", ""),
    ("wrong method", "delete", "/api/stories/{story}", None, 405, "method_not_allowed", "not allowed"),
    ("unknown call", "get", "/api/no/such/thing", None, 404, "not_found", "/api/docs"),
    ("reaction not JSON", "post", "/api/stories/{story}/reactions", b"kind=x", 400, "invalid", "JSON"),
    ("reaction kind number", "post", "/api/stories/{story}/reactions", {"kind": 5}, 400, "invalid", ""),
    ("reaction kind unknown", "post", "/api/stories/{story}/reactions", {"kind": "<script>"}, 400, "invalid", ""),
    ("reaction body huge", "post", "/api/stories/{story}/reactions", {"kind": "x" * 5000}, 400, "invalid", "large"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("method", "template", "body", "status", "code", "words"),
    [pytest.param(*case[1:], id=case[0]) for case in API_CASES],
)
def test_api_answers_bad_input_with_a_json_4xx(
    client: Any,
    newsroom: Newsroom,
    method: str,
    template: str,
    body: Any,
    status: int,
    code: str,
    words: str,
) -> None:
    path = template.format(story=newsroom.story.pk, entry=newsroom.editor_entry.pk)
    headers = {"Authorization": f"Bearer {newsroom.tokens['editor']}"}
    assert_api_error(api_call(client, method, path, body, headers=headers), status, code, words)


@pytest.mark.parametrize(
    "header",
    [
        "Token abc",
        "Bearer",
        "Bearer   ",
        "Basic ZWRuYTpwYXNz",
        "Bearer " + "x" * 5000,
        "bearer\x00x",
    ],
)
def test_malformed_authorization_headers_are_401(
    client: Any, newsroom: Newsroom, header: str
) -> None:
    response = client.get("/api/stories", headers={"Authorization": header})
    assert_api_error(response, 401, "unauthorized", "token")


def test_a_content_length_that_is_not_a_number_is_400(client: Any, newsroom: Newsroom) -> None:
    response = client.post(
        f"/api/stories/{newsroom.story.pk}/entries",
        b'{"body": "x"}',
        content_type="application/json",
        headers={"Authorization": f"Bearer {newsroom.tokens['editor']}"},
        CONTENT_LENGTH="lots",
    )
    assert_api_error(response, 400, "invalid", "Content-Length")


@pytest.mark.parametrize(
    "after",
    [
        "-1",
        "abc",
        "1.5",
        "1e3",
        "",
        "0x10",
        "99999999999999999999999",
        "١٢",
        "1%20%2B1",
        "%00",
    ],
)
def test_malformed_after_on_the_delta_is_400(client: Any, newsroom: Newsroom, after: str) -> None:
    response = client.get(f"/api/stories/{newsroom.story.pk}/events?after={after}")
    assert_api_error(response, 400, "invalid", "after")


def test_after_beyond_the_head_resets_instead_of_failing(client: Any, newsroom: Newsroom) -> None:
    response = client.get(f"/api/stories/{newsroom.story.pk}/events?after=1000000")
    assert response.status_code == 200
    assert response.json()["reset"] is True and response.json()["events"] == []


# --- the desk ------------------------------------------------------------------------

# (name, url name, whose entry, form data, words on the page)
DESK_CASES: list[tuple[str, str, str | None, dict[str, Any], str]] = [
    ("empty entry", "desk:entry_publish", None, {}, "required"),
    ("blank entry", "desk:entry_publish", None, {"body": "   "}, "required"),
    ("entry too long", "desk:entry_publish", None, {"body": "x" * 20_001}, "20,000"),
    ("title too long", "desk:entry_publish", None, {"body": "x", "title": "t" * 201}, "200"),
    ("empty story", "desk:story_create", None, {}, "required"),
    ("unknown section", "desk:story_create", None, {"section": "999", "headline": "x", "kind": "live"}, "valid choice"),
    ("section not a number", "desk:story_create", None, {"section": "abc", "headline": "x", "kind": "live"}, "valid choice"),
    ("unknown kind", "desk:story_create", None, {"section": "{section}", "headline": "x", "kind": "blog"}, "valid choice"),
    ("empty headline change", "desk:story_update", None, {}, "required"),
    ("version as text", "desk:story_update", None, {"headline": "x", "version": "one"}, "story was not changed"),
    ("headline too long", "desk:story_update", None, {"headline": "h" * 201, "version": "{version}"}, "200"),
    ("unknown status", "desk:story_status", None, {"status": "bogus"}, "bogus"),
    ("no status", "desk:story_status", None, {}, "status"),
    ("too many key points", "desk:key_points", None, {"points": "\n".join(["p"] * 13), "version": "1"}, "12"),
    ("key points version text", "desk:key_points", None, {"points": "p", "version": "x"}, "key points were not saved"),
    ("unknown reporter", "desk:story_assign", None, {"reporters": ["999999"]}, "valid choice"),
    ("reporter not a number", "desk:story_assign", None, {"reporters": ["abc"]}, "valid"),
    ("correction without a version", "desk:entry_edit", "editor", {}, "which version"),
    ("empty correction", "desk:entry_edit", "editor", {"body": " ", "version": "1"}, "cannot be empty"),
    ("correction version text", "desk:entry_edit", "editor", {"body": "x", "version": "v"}, "correction was not saved"),
    ("correction too long", "desk:entry_edit", "editor", {"body": "x" * 20_001, "version": "1"}, "20,000"),
    ("preview too long", "desk:entry_preview", None, {"body": "x" * 20_001}, "20,000"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "which", "data", "words"),
    [pytest.param(*case[1:], id=case[0]) for case in DESK_CASES],
)
def test_desk_answers_bad_forms_with_400_and_says_why(
    client: Any, newsroom: Newsroom, name: str, which: str | None, data: dict[str, Any], words: str
) -> None:
    client.force_login(newsroom.editor)
    kwargs: dict[str, Any] = {} if name == "desk:story_create" else {"story_id": newsroom.story.pk}
    if which:
        kwargs["entry_id"] = newsroom.editor_entry.pk
    form = {
        key: value.format(section=newsroom.story.section_id, version=newsroom.story.version)
        if isinstance(value, str)
        else value
        for key, value in data.items()
    }

    response = client.post(reverse(name, kwargs=kwargs), form)

    assert response.status_code == 400, response.content[:300]
    assert words.lower() in response.content.decode().lower()


def test_desk_refuses_a_body_over_the_upload_limit(client: Any, newsroom: Newsroom) -> None:
    client.force_login(newsroom.editor)
    response = client.post(
        reverse("desk:entry_publish", args=[newsroom.story.pk]), {"body": "x" * (3 * MIB)}
    )
    assert response.status_code == 400


def test_desk_refuses_too_many_fields(client: Any, newsroom: Newsroom) -> None:
    client.force_login(newsroom.editor)
    fields = {f"f{n}": "x" for n in range(1500)}
    response = client.post(reverse("desk:entry_publish", args=[newsroom.story.pk]), fields)
    assert response.status_code == 400


def test_desk_ids_out_of_range_are_404(client: Any, newsroom: Newsroom) -> None:
    client.force_login(newsroom.editor)
    huge = 2**70
    assert client.get(f"/desk/stories/{huge}/").status_code == 404
    assert client.get(f"/desk/stories/{newsroom.story.pk}/entries/{huge}/").status_code == 404
    assert client.post(f"/desk/stories/{newsroom.story.pk}/entries/{huge}/pin/").status_code == 404


# --- reader endpoints --------------------------------------------------------------------


def test_reaction_form_with_an_unknown_kind_is_400(client: Any, newsroom: Newsroom) -> None:
    url = reverse("engagement:reaction_form", args=[newsroom.story.pk])
    response = client.post(url, {"kind": "<b>nope</b>"})
    assert response.status_code == 400
    assert response.content.strip()


def test_reaction_for_a_story_that_does_not_exist_is_404(client: Any, newsroom: Newsroom) -> None:
    kind = reaction_kinds()[0][0]
    response = api_call(client, "post", "/api/stories/99999999/reactions", {"kind": kind})
    assert_api_error(response, 404, "not_found")
    huge = reverse("engagement:reaction_form", args=[2**70])
    assert client.post(huge, {"kind": kind}).status_code == 404


@pytest.mark.parametrize("body", [b"", b"\xff" * 100, b"x" * 100_000])
def test_read_beacon_takes_any_body_without_failing(
    client: Any, newsroom: Newsroom, body: bytes
) -> None:
    url = reverse("engagement:read_beacon", args=[newsroom.story.pk])
    assert client.post(url, body, content_type="text/plain").status_code == 204
    assert client.get(f"/engagement/stories/{2**70}/read").status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/search?q=" + "x" * 10_000,
        "/search?q=%00",
        "/search?q=%ff%fe",
        '/search?q=")(*&^%$#@!',
        "/search?q=a&q=b",
        "/oembed?url=javascript:alert(1)",
        "/oembed?url=http://testserver/embed/99999999999999999999/",
        "/oembed?url=http://testserver/&maxwidth=-1",
        "/embed/99999999999999999999/",
        "/embed/1/?limit=-5&accent=red;}&theme=<script>",
        "/feeds/story/99999999999999999999/rss.xml",
        "/feeds/section/%00/rss.xml",
        "/world/asia/?page=abc",
        "/world/asia/?page=-1",
        "/world/asia/?page=99999999999999999999",
    ],
)
def test_reader_urls_with_junk_never_fail(client: Any, newsroom: Newsroom, url: str) -> None:
    response = client.get(url)
    assert 200 <= response.status_code < 500, (url, response.status_code)


# PostgreSQL refuses NUL in any text it is sent, so each of these once risked a 500.
NUL_GETS = [
    "/feeds/section/world%00/rss.xml",
    "/search?q=a%00b",
    "/oembed?url=http://testserver/world%00/",
    "/api/stories?section=world%00",
    "/api/stories?cursor=%00",
    "/api/stories?status=live%00",
    "/api/sections?x=%00",
    "/admin/auth/user/?q=%00",
    "/admin/newsroom/story/?q=%00",
    "/desk/?before=%00",
]


@pytest.mark.parametrize("url", NUL_GETS)
def test_nul_bytes_in_addresses_are_refused_not_500(
    client: Any, newsroom: Newsroom, url: str
) -> None:
    newsroom.editor.is_staff = newsroom.editor.is_superuser = True
    newsroom.editor.save()
    client.force_login(newsroom.editor)
    response = client.get(url)
    assert response.status_code < 500, url


def test_nul_bytes_in_sign_in_and_api_bodies_are_refused_not_500(
    client: Any, newsroom: Newsroom
) -> None:
    response = client.post(reverse("desk:login"), {"username": "ed\x00na", "password": "x\x00"})
    assert response.status_code == 200
    assert "null characters" in response.content.decode().lower()
    token = {"Authorization": f"Bearer {newsroom.tokens['editor']}"}
    for path, body, detail in [
        ("/api/sections", {"name": "Sp\x00ort", "slug": "sport"}, "U+0000"),
        ("/api/stories", {"headline": "H\x00", "section": "world/asia"}, "U+0000"),
        ("/api/stories", {"headline": "H", "section": "world\x00/asia"}, "matches no section"),
        (f"/api/stories/{newsroom.story.pk}/entries", {"body": "a\x00b"}, "U+0000"),
    ]:
        response = api_call(client, "post", path, body, headers=token)
        assert response.status_code == 400, (path, response.content[:300])
        assert detail in response.json()["detail"]
