"""No picture from a stranger's server on a reader's page (issue 12, finding 8).

Photos are uploaded, cleaned and served by Newsdesk (or its bucket); Markdown
image syntax becomes a link; and the Content-Security-Policy's img-src names
this site and its media storage only, checked on a real server's cached page.
"""

from __future__ import annotations

from typing import Any

import httpx
from lxml import html as lxml_html

from conftest import start_server


def _img_src(response: httpx.Response) -> list[str]:
    return [img.get("src") for img in lxml_html.fromstring(response.content).iter("img")]


def _policy(response: httpx.Response) -> dict[str, list[str]]:
    out = {}
    for part in response.headers["content-security-policy"].split(";"):
        words = part.split()
        if words:
            out[words[0]] = words[1:]
    return out


def test_a_hot_linked_image_is_a_link_and_the_policy_allows_no_stranger(
    transactional_db: Any, live_story: Any, publish: Any
):
    publish(live_story, "The scene: ![smoke over the port](https://tracker.example/pixel.gif)")
    server = start_server(env={"NEWSDESK_MEDIA_URL": "https://cdn.news.example/photos/"})
    try:
        url = server.url + live_story.get_absolute_url()
        first = httpx.get(url, timeout=10)
        cached = httpx.get(url, timeout=10)
    finally:
        server.stop()
    for response in (first, cached):
        assert response.status_code == 200
        assert not [src for src in _img_src(response) if "tracker.example" in src]
        link = lxml_html.fromstring(response.content).xpath(
            '//a[@href="https://tracker.example/pixel.gif"]'
        )
        assert link and link[0].text_content() == "Image: smoke over the port"
        assert _policy(response)["img-src"] == ["'self'", "data:", "https://cdn.news.example"]
    assert cached.headers["x-cache"] == "hit"
