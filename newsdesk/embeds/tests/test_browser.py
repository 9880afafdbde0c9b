"""What a reader's browser does with embed cards: nothing to the provider until asked, no jump."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.files.storage import default_storage

from conftest import Server, start_server
from newsdesk.live.tests.conftest import WAIT, api_publish
from newsdesk.media.tests import images

from .standin import StandIn, body_route, json_route

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.slow]

VIDEO = "https://youtu.be/dQw4w9WgXcQ"
POST = "https://x.com/jack/status/20"
MAP = "https://www.openstreetmap.org/?mlat=51.5007&mlon=-0.1246#map=17/51.5007/-0.1246"
ANSWER = {
    "title": "Harbour summit: the arrival",
    "author_name": "Newsdesk Video",
    "width": 480,
    "height": 270,
    "html": "<blockquote><p>Delegations arrive at the quay.</p></blockquote>",
}


@pytest.fixture
def embed_server(oembed_standin: StandIn, transactional_db: Any) -> Iterator[Server]:
    """A server process whose providers' oEmbed endpoints (and thumbnails) are the stand-in's."""
    oembed_standin.routes["/thumb.jpg"] = body_route(images.jpeg(480, 360), "image/jpeg")
    thumbnail = f"{oembed_standin.url}/thumb.jpg"
    oembed_standin.routes["/oembed"] = json_route({**ANSWER, "thumbnail_url": thumbnail})
    server = start_server()
    try:
        yield server
    finally:
        server.stop()


def _media_file(route: Any) -> None:
    # The page's /media/ requests are answered here from the media root this test's processes
    # share (one data directory), whichever of them wrote the thumbnail: serving renditions is
    # the edge's part (docs/media.md) and is tested there.
    name = urlsplit(route.request.url).path.removeprefix(settings.MEDIA_URL)
    path = Path(default_storage.path(name))
    if path.is_file():
        route.fulfill(path=path, headers={"Cache-Control": "public, max-age=31536000, immutable"})
    else:
        route.fulfill(status=404)


def hermetic(page: Any, server: Server) -> list[str]:
    """Record every request the page makes; answer those off this site with a network error."""
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.route(
        lambda url: not url.startswith(server.url),
        lambda route: route.abort("internetdisconnected"),
    )
    page.route(f"{server.url}{settings.MEDIA_URL}**", _media_file)
    page.set_default_timeout(WAIT * 1000)
    return requests


def off_site(requests: list[str], server: Server) -> list[str]:
    return [url for url in requests if not url.startswith(server.url)]


def test_cards_ask_the_provider_for_nothing_until_the_reader_clicks(
    embed_server: Server, live_story: Any, publish: Any, page: Any
) -> None:
    publish(live_story, f"Arrival footage:\n\n{VIDEO}\n\nAnd the reaction:\n\n{POST}\n\n{MAP}")
    requests = hermetic(page, embed_server)

    page.goto(embed_server.url + live_story.get_absolute_url())
    page.wait_for_load_state("networkidle")
    page.wait_for_selector(".embed-card--video .embed-card__always")  # embeds.js has run

    assert off_site(requests, embed_server) == []
    assert page.locator("iframe").count() == 0
    # The thumbnails came, from this site.
    thumbnails = page.locator(".embed-card__thumb img")
    assert thumbnails.count() == 2  # the video's and the post's
    assert all(
        src.startswith("/media/")
        for src in thumbnails.evaluate_all("l => l.map(i => i.getAttribute('src'))")
    )
    resources = page.evaluate("performance.getEntriesByType('resource').map(e => e.name)")
    assert resources and all(url.startswith(embed_server.url) for url in resources)

    video = page.locator(".embed-card--video")
    with page.expect_request(lambda r: "youtube-nocookie.com" in r.url) as asked:
        video.get_by_role("link", name="Play video").click()

    frame = video.locator("iframe")
    assert frame.get_attribute("src") == (
        "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1"
    )
    assert asked.value.url == frame.get_attribute("src")
    assert {urlsplit(url).hostname for url in off_site(requests, embed_server)} == {
        "www.youtube-nocookie.com"
    }
    # The other cards are still cards.
    assert page.locator(".embed-card--post iframe, .embed-card--map iframe").count() == 0


def test_always_load_from_a_provider_is_remembered_in_this_browser(
    embed_server: Server, live_story: Any, publish: Any, page: Any
) -> None:
    publish(live_story, f"{POST}\n\nThe video:\n\n{VIDEO}")
    requests = hermetic(page, embed_server)
    url = embed_server.url + live_story.get_absolute_url()
    page.goto(url)

    with page.expect_request(lambda r: "platform.twitter.com" in r.url):
        page.get_by_label("Always load from X").click()

    assert page.locator(".embed-card--post iframe").get_attribute("src") == (
        "https://platform.twitter.com/embed/Tweet.html?id=20&dnt=true"
    )
    assert page.evaluate("localStorage.getItem('newsdesk:embeds:always')") == '["x"]'

    requests.clear()
    with page.expect_request(lambda r: "platform.twitter.com" in r.url):
        page.goto(url)
    page.wait_for_selector(".embed-card--post iframe")
    assert page.locator(".embed-card--video iframe").count() == 0
    assert {urlsplit(u).hostname for u in off_site(requests, embed_server)} == {
        "platform.twitter.com"
    }

    page.get_by_role("button", name="Stop loading from X by itself").click()
    assert page.evaluate("localStorage.getItem('newsdesk:embeds:always')") == "[]"


# Resolves once fonts are ready and every image has loaded (or failed).
IMAGES_LOADED = """async () => {
  await document.fonts.ready;
  await Promise.all([...document.images].map(i => i.loading === 'lazy' && !i.complete
    ? (i.loading = 'eager', i.decode().catch(() => 0)) : i.decode().catch(() => 0)));
}"""


def page_box(locator: Any) -> list[float]:
    """Where an element is on the page (not the viewport): left, top, width, height."""
    return locator.evaluate(
        "e => { const r = e.getBoundingClientRect();"
        " return [r.left + scrollX, r.top + scrollY, r.width, r.height]; }"
    )


# Every layout shift from the start of the page whose moved element is in the stream of
# entries (the cards and everything after them). The story header's dates are rewritten
# into the reader's time zone by another script; that is not under test here.
RECORD_SHIFTS = """
window.__shifts = [];
new PerformanceObserver(list => {
  for (const entry of list.getEntries()) for (const source of entry.sources) {
    if (entry.hadRecentInput) continue;  // the reader's own click
    const parent = source.node && source.node.parentElement;
    if (parent && parent.closest('[data-entries], [data-pinned]'))
      window.__shifts.push([entry.value, parent.className]);
  }
}).observe({type: 'layout-shift', buffered: true});
"""


def test_a_page_with_embeds_does_not_shift_as_it_loads_and_the_frame_takes_the_cards_box(
    embed_server: Server, live_story: Any, publish: Any, page: Any
) -> None:
    publish(live_story, "An earlier update, below the embeds.")
    publish(live_story, f"{VIDEO}\n\n{POST}\n\n{MAP}")
    hermetic(page, embed_server)
    page.add_init_script(RECORD_SHIFTS)

    page.goto(embed_server.url + live_story.get_absolute_url())
    page.wait_for_load_state("networkidle")
    page.wait_for_selector(".embed-card--video .embed-card__always")
    page.evaluate(IMAGES_LOADED)

    assert page.evaluate("window.__shifts") == []

    below = page.locator("[data-entries] > article.entry").nth(1)
    for kind in ["video", "post", "map"]:
        card = page.locator(f".embed-card--{kind}")
        box = card.locator("[data-embed-box]")
        before = page_box(box), page_box(below)

        card.locator("[data-embed-load]").click()

        frame = card.locator("iframe")
        frame.wait_for()
        assert (page_box(box), page_box(below)) == before, kind
        # The frame fills the box inside its border.
        assert frame.evaluate("f => [f.offsetWidth, f.offsetHeight]") == box.evaluate(
            "b => [b.clientWidth, b.clientHeight]"
        ), kind
    page.evaluate(IMAGES_LOADED)
    assert page.evaluate("window.__shifts") == []


def test_an_entry_with_an_embed_arriving_live_keeps_its_box_while_it_settles(
    embed_server: Server, live_story: Any, publish: Any, editor: Any, token_for: Any, page: Any
) -> None:
    publish(live_story, "An earlier update.")
    hermetic(page, embed_server)
    page.emulate_media(reduced_motion="reduce")
    # Before any of the page's scripts: note each card's box, and the entry below it, at the
    # moment the live script inserts it (this observer runs before the embed script's).
    page.add_init_script(
        """
        window.__arrivals = [];
        new MutationObserver(records => {
          for (const record of records) for (const node of record.addedNodes) {
            if (!(node instanceof Element) || !node.matches('article.entry')) continue;
            const card = node.querySelector('[data-embed-card]');
            if (!card) continue;
            const below = node.nextElementSibling;
            window.__arrivals.push({
              id: node.id,
              card: card.getBoundingClientRect().toJSON(),
              below: below.getBoundingClientRect().toJSON(),
              decorated: !!card.querySelector('.embed-card__always'),
            });
          }
        }).observe(document, {childList: true, subtree: true});
        """
    )
    page.goto(embed_server.url + live_story.get_absolute_url())
    token = token_for(editor)
    warm = api_publish(embed_server.url, token, live_story.pk, "The stream is connected.")
    page.wait_for_selector(f"#entry-{warm['id']}")

    entry = api_publish(embed_server.url, token, live_story.pk, f"Just in:\n\n{VIDEO}")

    card = page.wait_for_selector(f"#entry-{entry['id']} .embed-card .embed-card__always")
    page.evaluate(IMAGES_LOADED)
    assert page.locator(f"#entry-{entry['id']} .embed-card__thumb img").evaluate(
        "i => i.complete && i.naturalWidth > 0"
    )
    [arrival] = page.evaluate("window.__arrivals")
    assert arrival["id"] == f"entry-{entry['id']}" and not arrival["decorated"]
    settled = page.evaluate(
        f"""() => {{
          const node = document.getElementById('entry-{entry["id"]}');
          return {{
            card: node.querySelector('[data-embed-card]').getBoundingClientRect().toJSON(),
            below: node.nextElementSibling.getBoundingClientRect().toJSON(),
          }};
        }}"""
    )
    assert settled == {"card": arrival["card"], "below": arrival["below"]}
    assert card is not None
