"""What a reader sees: the live story page in Debian's Chromium, fed by the real stream."""

from __future__ import annotations

import httpx
import pytest

from .conftest import WAIT, api_publish

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.slow]

LONG = "A long paragraph from the summit floor, with every detail a reader wants. " * 12


@pytest.fixture
def story_page(server, live_story, publish, page):
    """The live story (30 entries, tall enough to scroll) open in the browser."""
    for n in range(30):
        publish(live_story, f"Earlier update {n}. {LONG}", title=f"Earlier {n}")
    page.set_default_timeout(WAIT * 1000)
    page.goto(server.url + live_story.get_absolute_url())
    page.wait_for_selector("#story[data-events-url]")
    return page


def _first_entry_id(page) -> str:
    return page.eval_on_selector("[data-entries] > article.entry", "el => el.dataset.entryId")


def test_published_entry_appears_at_the_top_without_reload(
    story_page, server, live_story, editor, token_for
):
    page = story_page
    page.evaluate("window.__sameDocument = true")

    entry = api_publish(server.url, token_for(editor), live_story.pk, "Breaking: talks resume.")

    page.wait_for_selector(f"[data-entries] > #entry-{entry['id']}")
    assert _first_entry_id(page) == str(entry["id"])
    assert page.evaluate("window.__sameDocument") is True  # no reload happened
    assert "talks resume" in page.inner_text("[data-announcer]")


def test_scrolled_down_reader_gets_a_pill_and_keeps_their_place(
    story_page, server, live_story, editor, token_for
):
    page = story_page
    token = token_for(editor)
    # Make sure the stream is connected before scrolling: one entry at the top.
    first = api_publish(server.url, token, live_story.pk, "Warm-up update.")
    page.wait_for_selector(f"#entry-{first['id']}")
    page.evaluate("window.scrollTo(0, document.body.scrollHeight / 2)")
    page.wait_for_function("window.scrollY > 0")
    reading = page.evaluate(
        """() => [...document.querySelectorAll('[data-entries] > article.entry')]
            .find(el => el.getBoundingClientRect().top >= 0).id"""
    )
    top_before = page.evaluate(f"document.getElementById('{reading}').getBoundingClientRect().top")

    entry = api_publish(server.url, token, live_story.pk, "Held while the reader reads.")

    pill = page.wait_for_selector(".live-pill:not([hidden])")
    assert pill.inner_text() == "1 new update"
    assert page.query_selector(f"#entry-{entry['id']}") is None
    assert page.title().startswith("(1) ")
    top_after = page.evaluate(f"document.getElementById('{reading}').getBoundingClientRect().top")
    assert top_after == top_before

    pill.click()

    page.wait_for_selector(f"[data-entries] > #entry-{entry['id']}")
    assert _first_entry_id(page) == str(entry["id"])
    assert page.is_hidden(".live-pill")
    assert not page.title().startswith("(")


def test_correction_replaces_the_entry_in_place(story_page, server, live_story, editor, token_for):
    page = story_page
    token = token_for(editor)
    entry = api_publish(server.url, token, live_story.pk, "Talks end at six.")
    page.wait_for_selector(f"#entry-{entry['id']}")
    position = page.evaluate(
        f"[...document.querySelectorAll('[data-entries] > article')].indexOf("
        f"document.getElementById('entry-{entry['id']}'))"
    )

    response = httpx.patch(
        f"{server.url}/api/stories/{live_story.pk}/entries/{entry['id']}",
        json={"version": entry["version"], "body": "Talks end at seven."},
        headers={"Authorization": f"Bearer {token}"},
        timeout=WAIT,
    )
    assert response.status_code == 200, response.text

    page.wait_for_function(
        f"document.getElementById('entry-{entry['id']}').innerText.includes('seven')"
    )
    article = page.query_selector(f"#entry-{entry['id']}")
    assert article.get_attribute("data-version") == str(entry["version"] + 1)
    assert article.query_selector(".entry__updated") is not None
    assert len(page.query_selector_all(f"[data-entries] > #entry-{entry['id']}")) == 1
    assert (
        page.evaluate(
            f"[...document.querySelectorAll('[data-entries] > article')].indexOf("
            f"document.getElementById('entry-{entry['id']}'))"
        )
        == position
    )
