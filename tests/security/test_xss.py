"""Every payload in ``payloads.ALL`` through every text field of the desk and the API,
then every surface a reader or a machine sees checked inert: pages, search, embed,
RSS/Atom, JSON-LD, the API's HTML fields and the story event log.
"""

from __future__ import annotations

import json
import re
from typing import Any

import lxml.etree
import lxml.html
import pytest
from django.urls import reverse

from newsdesk.live.models import StoryEvent
from newsdesk.newsroom.models import Story

from . import payloads

MARKER = "zqmarker"
BAD_URL = re.compile(r"^(javascript|vbscript|data:(?!image/(png|gif|jpe?g|webp);))", re.I)
URL_ATTRS = {"href", "src", "action", "formaction", "xlink:href", "poster", "data", "srcdoc"}
# Inline HTML the sanitiser must never let through, wherever it appears.
FORBIDDEN_TAGS = {"iframe", "object", "embed", "form", "input", "svg", "math", "link", "meta"}


def _url_is_bad(value: str) -> bool:
    # Browsers ignore control characters and whitespace inside a scheme.
    squeezed = re.sub(r"[\x00-\x20\x7f]+", "", value)
    return bool(BAD_URL.match(squeezed))


def assert_fragment_inert(html: str, where: str) -> None:
    """User content (an entry, a feed item): no script, handler, style, frame or bad URL."""
    if not html.strip():
        return
    for element in lxml.html.fragments_fromstring(f"<div>{html}</div>")[0].iter():
        if not isinstance(element.tag, str):
            continue
        tag = element.tag.lower()
        assert tag not in {"script", "style", *FORBIDDEN_TAGS}, (where, tag, html[:300])
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), (where, name, html[:300])
            assert name.lower() != "style", (where, html[:300])
            if name.lower() in URL_ATTRS:
                assert not _url_is_bad(value), (where, name, value)


def assert_page_inert(content: bytes, where: str) -> None:
    """A whole page: only the site's own scripts, JSON-LD that parses, no handlers or bad URLs."""
    tree = lxml.html.document_fromstring(content)
    for script in tree.iter("script"):
        src = script.get("src")
        if src is not None:
            assert src.startswith("/static/"), (where, src)
            continue
        assert script.get("type") == "application/ld+json", (where, script.text)
        text = script.text or ""
        assert "</" not in text and "<!--" not in text, where
        json.loads(text)
    for style in tree.iter("style"):
        assert style.get("nonce"), where
        assert (style.text or "").strip().startswith(":root { --accent: #"), where
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        tag = element.tag.lower()
        if tag == "form":
            # The page's own forms (search, reactions) post to this site only.
            assert element.get("action", "").startswith("/"), (where, element.get("action"))
        elif tag in {"input", "button", "select", "textarea", "label"}:
            assert element.xpath("ancestor::form"), (where, tag)
        elif tag in FORBIDDEN_TAGS:
            # The page's own head: stylesheets, metadata, feed links.
            assert element.getparent().tag == "head", (where, tag)
            if tag == "meta":
                assert (element.get("http-equiv") or "").lower() != "refresh", where
            if tag == "link":
                href = element.get("href", "")
                assert href.startswith(("/", "http://testserver/")), (where, href)
            continue
        if tag == "base":
            assert set(element.attrib) == {"target"}, where
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), (where, tag, name)
            assert name.lower() != "style", (where, tag)
            if name.lower() in URL_ATTRS:
                assert not _url_is_bad(value), (where, tag, name, value)


def assert_feed_inert(content: bytes, where: str) -> None:
    """RSS/Atom: well-formed XML; every HTML-bearing element inert once a reader unescapes it."""
    root = lxml.etree.fromstring(content)
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        local = lxml.etree.QName(element).localname
        if local in {"description", "content", "summary", "encoded"} and element.text:
            assert_fragment_inert(element.text, f"{where} <{local}>")
        if local == "link":
            for value in (element.get("href"), element.text):
                assert value is None or not _url_is_bad(value.strip()), where


# --- writing the payload everywhere ------------------------------------------------


def _json(client: Any, method: str, path: str, token: str, body: Any) -> Any:
    response = getattr(client, method)(
        path,
        json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code < 500, (path, response.content[:300])
    if response.status_code >= 400:
        error = response.json()
        assert set(error) == {"error", "detail"} and error["detail"], (path, error)
    return response


def _form(client: Any, path: str, data: dict[str, Any]) -> Any:
    response = client.post(path, data)
    assert response.status_code < 500, (path, response.content[:300])
    if response.status_code == 400:
        if response["Content-Type"].startswith("text/plain"):
            assert response.content.endswith(b"."), path
        else:
            assert b'role="alert"' in response.content or b"errorlist" in response.content, path
    return response


def write_everywhere(client: Any, token: str, payload: str, section: Any, editor: Any) -> dict:
    """Push ``payload`` through every text field; return the stories it ended up in."""
    body = f"{payload}\n\n{MARKER}"
    made = _json(client, "post", "/api/sections", token, {"name": payload, "slug": "payload"})
    section_path = made.json()["path"] if made.status_code == 201 else section.path
    live = _json(
        client,
        "post",
        "/api/stories",
        token,
        {"headline": payload, "standfirst": payload, "section": section_path},
    )
    if live.status_code != 201:
        live = _json(
            client,
            "post",
            "/api/stories",
            token,
            {"headline": f"Live {MARKER}", "standfirst": payload, "section": section_path},
        )
    if live.status_code != 201:
        live = _json(
            client, "post", "/api/stories", token, {"headline": MARKER, "section": section_path}
        )
    story_id = live.json()["id"]
    entries = f"/api/stories/{story_id}/entries"
    entry = _json(client, "post", entries, token, {"body": body, "title": payload})
    if entry.status_code != 201:
        _json(client, "post", entries, token, {"body": body})
        _json(client, "post", entries, token, {"body": MARKER, "title": payload})
    _json(client, "post", entries, token, {"body": payload, "pinned": True, "key_event": True})
    _json(client, "put", f"/api/stories/{story_id}/key-points", token, [{"text": payload}])
    _json(client, "patch", f"/api/stories/{story_id}", token, {"standfirst": payload, "body": ""})
    article = _json(
        client,
        "post",
        "/api/stories",
        token,
        {"headline": f"Article {MARKER}", "body": body, "live": False, "section": section_path},
    )

    # The desk, signed in as the same editor.
    client.force_login(editor)
    story = Story.objects.get(pk=story_id)
    desk = f"/desk/stories/{story_id}"
    _form(client, f"{desk}/publish/", {"body": body, "title": payload})
    _form(client, f"{desk}/publish/", {"body": MARKER, "title": payload[:200]})
    _form(client, f"{desk}/key-points/", {"points": payload, "version": 2})
    _form(
        client,
        f"{desk}/story/",
        {"headline": payload[:200] or MARKER, "standfirst": payload, "version": story.version},
    )
    preview = _form(client, f"{desk}/preview/", {"body": payload})
    if preview.status_code == 200:
        assert_fragment_inert(preview.content.decode(), "desk preview")
    _form(
        client,
        reverse("desk:story_create"),
        {
            "section": story.section_id,
            "headline": payload[:200] or MARKER,
            "standfirst": payload[:600],
            "kind": "article",
            "body": body,
            "status": "published",
        },
    )
    client.logout()
    ids = [story_id] + ([article.json()["id"]] if article.status_code == 201 else [])
    return {"stories": Story.objects.filter(pk__in=ids) | Story.objects.exclude(live=True)}


@pytest.mark.parametrize(
    "payload",
    payloads.ALL,
    ids=[f"{n:03d}-{p[:24]!r}" for n, p in enumerate(payloads.ALL)],
)
def test_payload_is_inert_everywhere(
    client: Any, editor: Any, section: Any, token_for: Any, payload: str
) -> None:
    token = token_for(editor)
    stories = list(write_everywhere(client, token, payload, section, editor)["stories"])
    live = [story for story in stories if story.live]
    # The payload really went in: the live story page shows what was written.
    assert len(live) == 1
    assert MARKER.encode() in client.get(live[0].get_absolute_url()).content

    pages = {"/", f"/search?q={MARKER}", "/feeds/rss.xml"}
    for story in stories:
        pages |= {story.get_absolute_url(), story.section.get_absolute_url()}
        if story.live:
            pages.add(f"/embed/{story.pk}/")
    for url in sorted(pages):
        response = client.get(url)
        assert response.status_code == 200, url
        if url.endswith(".xml"):
            assert_feed_inert(response.content, url)
        else:
            assert_page_inert(response.content, url)
    reflected = client.get("/search", {"q": payload[:2000]})
    assert reflected.status_code == 200
    assert_page_inert(reflected.content, "search reflecting the payload")

    for story in stories:
        for feed in (
            f"/feeds/story/{story.pk}/rss.xml",
            f"/feeds/story/{story.pk}/atom.xml",
            f"/feeds/section/{story.section.path}/rss.xml",
            f"/feeds/section/{story.section.path}/atom.xml",
        ):
            response = client.get(feed)
            if response.status_code == 404 and "/story/" in feed and not story.live:
                continue
            assert response.status_code == 200, feed
            assert_feed_inert(response.content, feed)

        api = client.get(f"/api/stories/{story.pk}").json()
        assert_fragment_inert(api["html"], "API story html")
        for entry in client.get(f"/api/stories/{story.pk}/entries").json()["items"]:
            assert_fragment_inert(entry["html"], "API entry html")
            assert_fragment_inert(entry["body_html"], "API entry body_html")
        for point in client.get(f"/api/stories/{story.pk}/key-points").json()["points"]:
            assert_fragment_inert(point["html"], "API key point html")

    events = StoryEvent.objects.filter(story__in=stories)
    assert events.exists()
    for event in events:
        if "html" in event.data:
            assert_fragment_inert(event.data["html"], f"event {event.kind}")


@pytest.mark.parametrize("payload", payloads.REFUSED, ids=[repr(p[:12]) for p in payloads.REFUSED])
def test_payload_with_characters_feeds_cannot_carry_is_refused_by_every_api_field(
    client: Any, editor: Any, live_story: Any, token_for: Any, payload: str
) -> None:
    token = token_for(editor)
    story = f"/api/stories/{live_story.pk}"
    section = live_story.section.path
    for method, path, body in [
        ("post", "/api/sections", {"name": payload, "slug": "payload"}),
        ("post", "/api/stories", {"headline": payload, "section": section}),
        ("post", "/api/stories", {"headline": "H", "standfirst": payload, "section": section}),
        ("post", f"{story}/entries", {"body": payload}),
        ("post", f"{story}/entries", {"body": "B", "title": payload}),
        ("put", f"{story}/key-points", [{"text": payload}]),
        ("patch", story, {"headline": payload}),
    ]:
        response = _json(client, method, path, token, body)
        assert response.status_code == 400, (path, body)
        assert "invisible character" in response.json()["detail"], (path, body)
    assert not StoryEvent.objects.filter(story=live_story).exists()
