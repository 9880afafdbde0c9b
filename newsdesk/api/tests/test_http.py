"""The API over a real socket, as a wire-ingest script uses it (``newsdesk serve``)."""

from __future__ import annotations

import httpx

from newsdesk.api.errors import MAX_BODY_BYTES


def test_script_publishes_and_reader_polls_the_delta_over_http(
    server, live_story, editor, token_for
):
    token = token_for(editor)
    with httpx.Client(base_url=server.url, timeout=20) as http:
        published = http.post(
            f"/api/stories/{live_story.pk}/entries",
            json={"body": "Wire: talks *resume*", "key_event": True},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert published.status_code == 201, published.text
        entry_id = published.json()["id"]

        delta = http.get(f"/api/stories/{live_story.pk}/events", params={"after": 0})
        assert delta.status_code == 200
        assert delta.headers["cache-control"].startswith("public, max-age=2")
        assert [e["data"]["entry_id"] for e in delta.json()["events"]] == [entry_id]

        again = http.get(
            f"/api/stories/{live_story.pk}/events",
            params={"after": 0},
            headers={"If-None-Match": delta.headers["etag"]},
        )
        assert again.status_code == 304

        listed = http.get(f"/api/stories/{live_story.pk}/entries").json()
        assert [e["id"] for e in listed["items"]] == [entry_id]


def test_errors_over_http_are_json(server, live_story, editor, token_for):
    headers = {"Authorization": f"Bearer {token_for(editor)}", "Content-Type": "application/json"}
    path = f"/api/stories/{live_story.pk}/entries"
    with httpx.Client(base_url=server.url, timeout=20) as http:
        malformed = http.post(path, content=b"{nope", headers=headers)
        assert malformed.status_code == 400
        assert malformed.json()["error"] == "invalid"

        oversized = http.post(path, content=b"x" * (MAX_BODY_BYTES + 10), headers=headers)
        assert oversized.status_code == 413
        assert oversized.json()["error"] == "too_large"

        anonymous = http.post(path, json={"body": "x"})
        assert anonymous.status_code == 401
        assert anonymous.json()["error"] == "unauthorized"

        wrong_method = http.put(path, json={})
        assert wrong_method.status_code == 405
        assert wrong_method.json()["error"] == "method_not_allowed"


def test_a_chunked_body_is_read_as_if_it_had_a_content_length(
    server, live_story, editor, token_for
):
    """As ``curl --data-binary @-`` and many HTTP libraries send a body: in chunks, no length."""
    headers = {"Authorization": f"Bearer {token_for(editor)}", "Content-Type": "application/json"}
    path = f"/api/stories/{live_story.pk}/entries"

    def chunks(body: bytes, size: int = 7):
        for start in range(0, len(body), size):
            yield body[start : start + size]

    with httpx.Client(base_url=server.url, timeout=20) as http:
        request = http.build_request(
            "POST",
            path,
            content=chunks(b'{"body": "Wire: talks resume in chunks"}'),
            headers=headers,
        )
        assert request.headers["transfer-encoding"] == "chunked"
        assert "content-length" not in request.headers
        published = http.send(request)
        assert published.status_code == 201, published.text
        assert published.json()["body"] == "Wire: talks resume in chunks"

        oversized = http.post(
            path, content=chunks(b"x" * (MAX_BODY_BYTES + 10), 65536), headers=headers
        )
        assert oversized.status_code == 413
        assert oversized.json()["error"] == "too_large"
