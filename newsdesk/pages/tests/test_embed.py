"""The embeddable live view, its framing headers, and the oEmbed endpoint."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import lxml.html
import pytest

from newsdesk.newsroom import services
from newsdesk.pages.embed import embed_snippet

ORIGIN = "http://testserver"


def oembed(client, **params):
    return client.get(f"/oembed?{urlencode(params)}")


def test_embed_page_may_be_framed_anywhere_and_the_story_page_nowhere(client, live_story):
    embed = client.get(f"/embed/{live_story.pk}/")
    page = client.get(live_story.get_absolute_url())

    assert embed.status_code == 200
    assert "X-Frame-Options" not in embed.headers
    assert "frame-ancestors *" in embed["Content-Security-Policy"].split("; ")
    assert page.status_code == 200
    assert page["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in page["Content-Security-Policy"].split("; ")
    assert client.get("/")["X-Frame-Options"] == "DENY"


def test_embed_page_shows_the_newest_entries_with_the_live_hooks(client, live_story, publish):
    entries = [publish(live_story, f"Update {n}") for n in range(1, 14)]
    live_story.refresh_from_db()

    response = client.get(f"/embed/{live_story.pk}/")
    doc = lxml.html.fromstring(response.content)

    main = doc.xpath("//main[@id='story']")[0]
    assert main.get("data-story-id") == str(live_story.pk)
    assert main.get("data-events-url") == live_story.get_events_url()
    assert main.get("data-last-seq") == str(live_story.last_seq)
    shown = [int(x) for x in doc.xpath("//*[@data-entries]/article/@data-entry-id")]
    assert shown == [e.pk for e in reversed(entries)][:10]
    assert doc.xpath("//*[@data-status-badge]/text()") == ["LIVE"]
    assert doc.xpath("//*[@data-announcer][@aria-live='polite']")
    assert doc.xpath("//script/@src") == [
        "/static/pages/localtime.js",
        "/static/live/live.js",
        "/static/embeds/embeds.js",
    ]
    # Links open the full story outside the partner's page.
    assert doc.xpath("//base/@target") == ["_blank"]
    assert doc.xpath("//meta[@name='robots']/@content") == ["noindex"]


@pytest.mark.parametrize(
    ("query", "theme", "accent", "count"),
    [
        ("", "light", "#c81e2d", 3),
        ("?theme=dark&accent=0A7&limit=2", "dark", "#0a7", 2),
        ("?theme=dark&accent=%23123abc", "dark", "#123abc", 3),
        ("?theme=</style><script>&accent=red;}</style><script>x()</script>", "light", "#c81e2d", 3),
        ("?accent=12345&limit=-4", "light", "#c81e2d", 3),
        ("?limit=500", "light", "#c81e2d", 3),
    ],
)
def test_embed_theme_comes_from_validated_query_parameters(
    client, live_story, publish, query, theme, accent, count
):
    for n in range(3):
        publish(live_story, f"Update {n}")

    response = client.get(f"/embed/{live_story.pk}/{query}")
    html = response.content.decode()
    doc = lxml.html.fromstring(response.content)

    assert response.status_code == 200
    assert doc.get("data-theme") == theme
    assert f"--accent: {accent};" in html
    assert len(doc.xpath("//*[@data-entries]/article")) == count
    assert "<script>x()" not in html


def test_embed_is_404_for_drafts_articles_and_unknown_stories(client, section, editor, article):
    draft = services.story_create(
        section=section, headline="Draft", author=editor, live=True, status="draft"
    )
    for story_id in (draft.pk, article.pk, 424242):
        assert client.get(f"/embed/{story_id}/").status_code == 404


def test_embed_snippet_is_an_iframe_of_the_embed_page(rf, live_story, monkeypatch):
    request = rf.get("/")
    snippet = embed_snippet(story=live_story, request=request)
    frame = lxml.html.fragment_fromstring(snippet)

    assert frame.tag == "iframe"
    assert frame.get("src") == f"{ORIGIN}/embed/{live_story.pk}/"
    assert frame.get("title") == live_story.headline
    assert frame.get("width") == "560" and frame.get("height") == "640"

    monkeypatch.setenv("NEWSDESK_SITE_URL", "https://news.example/")
    frame = lxml.html.fragment_fromstring(embed_snippet(story=live_story, request=request))
    assert frame.get("src") == f"https://news.example/embed/{live_story.pk}/"


def test_oembed_returns_the_iframe_for_a_story_url(client, live_story):
    url = f"{ORIGIN}{live_story.get_absolute_url()}"
    response = oembed(client, url=url, format="json")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Access-Control-Allow-Origin"] == "*"
    data = json.loads(response.content)
    assert data["version"] == "1.0"
    assert data["type"] == "rich"
    assert data["title"] == live_story.headline
    assert data["provider_name"] == "The Newsdesk Times"
    assert data["provider_url"] == f"{ORIGIN}/"
    assert data["author_name"] == "Edna"
    assert (data["width"], data["height"]) == (560, 640)
    frame = lxml.html.fragment_fromstring(data["html"])
    assert frame.get("src") == f"{ORIGIN}/embed/{live_story.pk}/"
    # The iframe it returns points at a page that answers and may be framed.
    embedded = client.get(frame.get("src")[len(ORIGIN) :])
    assert embedded.status_code == 200 and "X-Frame-Options" not in embedded.headers


def test_oembed_accepts_embed_urls_and_honours_max_sizes(client, live_story):
    response = oembed(
        client, url=f"{ORIGIN}/embed/{live_story.pk}/", maxwidth="400", maxheight="300"
    )
    data = json.loads(response.content)

    assert response.status_code == 200
    assert (data["width"], data["height"]) == (400, 300)
    frame = lxml.html.fragment_fromstring(data["html"])
    assert (frame.get("width"), frame.get("height")) == ("400", "300")


def test_pages_advertise_oembed_discovery(client, live_story):
    doc = lxml.html.fromstring(client.get(live_story.get_absolute_url()).content)
    href = doc.xpath("//link[@type='application/json+oembed']/@href")[0]
    assert client.get(href).status_code == 200


@pytest.mark.parametrize(
    ("params", "status", "code"),
    [
        ({}, 400, "invalid"),
        ({"url": "   "}, 400, "invalid"),
        ({"url": "{story}", "format": "xml"}, 501, "not_implemented"),
        ({"url": "{story}", "maxwidth": "wide"}, 400, "invalid"),
        ({"url": "{story}", "maxheight": "10"}, 400, "invalid"),
        ({"url": "https://elsewhere.example{path}"}, 404, "not_found"),
        ({"url": "javascript:alert(1)"}, 404, "not_found"),
        ({"url": "not a url at all"}, 404, "not_found"),
        ({"url": "http://testserver/no/such/2020/01/01/story/"}, 404, "not_found"),
        ({"url": "http://testserver/world/asia/"}, 404, "not_found"),
        ({"url": "http://testserver/embed/999999/"}, 404, "not_found"),
        ({"url": "{article}"}, 404, "not_found"),
    ],
)
def test_oembed_rejects_bad_requests_with_json_errors(
    client, live_story, article, params, status, code
):
    filled = {
        key: value.format(
            story=f"{ORIGIN}{live_story.get_absolute_url()}",
            path=live_story.get_absolute_url(),
            article=f"{ORIGIN}{article.get_absolute_url()}",
        )
        for key, value in params.items()
    }
    response = oembed(client, **filled)

    assert response.status_code == status
    body = json.loads(response.content)
    assert body["error"] == code
    assert body["detail"].endswith(".")


def test_oembed_refuses_a_story_url_under_the_wrong_section(client, live_story, editor):
    other = services.section_create(name="Sport")
    wrong = live_story.get_absolute_url().replace("/world/asia/", f"/{other.path}/")
    response = oembed(client, url=f"{ORIGIN}{wrong}")
    assert response.status_code == 404


def test_desk_story_page_offers_the_embed_code(client, live_story, editor):
    client.force_login(editor)
    doc = lxml.html.fromstring(client.get(f"/desk/stories/{live_story.pk}/").content)

    code = doc.xpath("//textarea[@data-embed-code]")[0].text_content()
    frame = lxml.html.fragment_fromstring(code)
    assert frame.tag == "iframe"
    assert frame.get("src") == f"{ORIGIN}/embed/{live_story.pk}/"
    assert doc.xpath("//button[@data-copy-embed]")


def test_desk_offers_no_embed_code_for_drafts(client, section, editor):
    draft = services.story_create(
        section=section, headline="Draft", author=editor, live=True, status="draft"
    )
    client.force_login(editor)
    doc = lxml.html.fromstring(client.get(f"/desk/stories/{draft.pk}/").content)
    assert not doc.xpath("//textarea[@data-embed-code]")


# --- in a real browser, on a partner's page ---------------------------------------------


@pytest.fixture
def partner():
    """A partner's web server on its own port (another origin); ``partner.html`` is its page."""
    import http.server
    import threading

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            body = state["html"].encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    state = {"html": ""}
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        state["url"] = f"http://127.0.0.1:{httpd.server_address[1]}/article"
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()


def partner_page(page, partner, server, *frames: str) -> None:
    """Open the partner's page framing the given paths of the server."""
    partner["html"] = "<!doctype html><title>Partner</title>" + "".join(
        f'<iframe id="f{n}" src="{server.url}{path}" width="500" height="600"></iframe>'
        for n, path in enumerate(frames)
    )
    page.goto(partner["url"])


@pytest.mark.browser
def test_partner_page_can_frame_the_embed_but_not_the_story_page(server, page, partner, live_story):
    partner_page(
        page,
        partner,
        server,
        f"/embed/{live_story.pk}/?accent=0a7&theme=dark",
        live_story.get_absolute_url(),
    )

    embed = page.frame_locator("#f0")
    assert embed.locator("[data-headline]").inner_text() == live_story.headline
    accent = embed.locator("html").evaluate(
        "el => getComputedStyle(el).getPropertyValue('--accent').trim()"
    )
    assert accent == "#0a7"
    # page.goto() returned on the partner's load event, which waits for both
    # frames: the story page's frame is loaded, and it was refused.
    assert page.frame_locator("#f1").locator("[data-headline]").count() == 0
    page.goto(server.url + live_story.get_absolute_url())
    assert page.locator("[data-headline]").inner_text() == live_story.headline


@pytest.mark.browser
def test_embed_page_shows_entries_published_through_the_api_live(
    server, page, partner, live_story, publish, editor, token_for
):
    import httpx

    publish(live_story, "Already there.")
    partner_page(page, partner, server, f"/embed/{live_story.pk}/")
    embed = page.frame_locator("#f0")
    assert embed.locator("[data-entries] article").count() == 1

    with httpx.Client(base_url=server.url, timeout=20) as http:
        response = http.post(
            f"/api/stories/{live_story.pk}/entries",
            json={"body": "Breaking: *agreement* signed."},
            headers={"Authorization": f"Bearer {token_for(editor)}"},
        )
    assert response.status_code == 201, response.text
    entry_id = response.json()["id"]

    arrived = embed.locator(f"#entry-{entry_id}")
    arrived.wait_for(timeout=20000)
    assert "agreement signed" in " ".join(arrived.inner_text().split()).replace("*", "")
    assert embed.locator("[data-entries] article").first.get_attribute("id") == f"entry-{entry_id}"
