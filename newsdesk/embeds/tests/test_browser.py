"""What a reader's browser does with embed cards: nothing to the provider until asked, no jump."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest

from conftest import Server, start_server
from newsdesk.live.tests.conftest import WAIT, api_publish

from .standin import StandIn, json_route

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
    """A server process whose providers' oEmbed endpoints are the stand-in's."""
    oembed_standin.routes["/oembed"] = json_route(ANSWER)
    server = start_server()
    try:
        yield server
    finally:
        server.stop()


def hermetic(page: Any, server: Server) -> list[str]:
    """Record every request the page makes; answer those off this site with a network error."""
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.route(
        lambda url: not url.startswith(server.url),
        lambda route: route.abort("internetdisconnected"),
    )
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
    page.evaluate(
        """async () => {
          await document.fonts.ready;
          await Promise.all([...document.images].map(i => i.complete ? 0 : i.decode().catch(() => 0)));
        }"""
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
