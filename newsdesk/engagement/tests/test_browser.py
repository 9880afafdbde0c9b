"""A reader's reaction reaches every open copy of the story, in Debian's Chromium."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.slow]

WAIT_MS = 20_000
DESKTOP_CHROME = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Safari/537.36"
)


def test_a_reaction_click_updates_the_count_on_another_open_page(
    server: Any, browser: Any, live_story: Any, publish: Any
) -> None:
    url = server.url + live_story.get_absolute_url()
    reader, watcher = browser.new_context(), browser.new_context()
    try:
        watching = watcher.new_page()
        watching.set_default_timeout(WAIT_MS)
        watching.goto(url)
        count = '[data-reactions] [data-reaction-count="very-good"]'
        assert watching.inner_text(count) == "0"
        # Reactions are not replayed from the log: wait until the watcher's
        # stream is live by seeing an entry arrive on it.
        entry = publish(live_story, "Talks resume after a short break.")
        watching.wait_for_selector(f"#entry-{entry.pk}")

        reading = reader.new_page()
        reading.set_default_timeout(WAIT_MS)
        reading.goto(url)
        button = '[data-reactions] [data-reaction="very-good"]'
        reading.click(button)
        # The count may come over the stream before the click's own answer marks
        # the button pressed: wait for each state itself.
        reading.wait_for_function(
            "sel => document.querySelector(sel).textContent === '1'", arg=count
        )
        reading.wait_for_function(
            "sel => document.querySelector(sel).getAttribute('aria-pressed') === 'true'",
            arg=button,
        )

        watching.wait_for_function(
            "sel => document.querySelector(sel).textContent === '1'", arg=count
        )
        # Clicking the chosen reaction again takes it back, everywhere.
        reading.click(button)
        watching.wait_for_function(
            "sel => document.querySelector(sel).textContent === '0'", arg=count
        )
    finally:
        reader.close()
        watcher.close()


@pytest.fixture
def flushing_server(transactional_db: Any) -> Iterator[Any]:
    """A server process whose background worker writes buffered reads every second."""
    from conftest import start_server

    srv = start_server(env={"NEWSDESK_BACKGROUND": "1", "NEWSDESK_VIEWS_FLUSH_SECONDS": "1"})
    try:
        yield srv
    finally:
        srv.stop()


def test_opening_a_story_counts_one_read_and_a_reload_none(
    flushing_server: Any, browser: Any, article: Any, live_story: Any
) -> None:
    from newsdesk.engagement.selectors import story_reads

    # Headless Chromium says "HeadlessChrome": a bot, rightly not counted. The
    # reader here is a person's browser.
    context = browser.new_context(user_agent=DESKTOP_CHROME)
    try:
        page = context.new_page()
        page.set_default_timeout(WAIT_MS)
        # The second visit is a reload within the dedupe window; then another story.
        for story in (article, article, live_story):
            with page.expect_response(lambda r: "/read" in r.url and r.status == 204):
                page.goto(flushing_server.url + story.get_absolute_url())
        assert any(c["name"] == "nd_reader" for c in context.cookies())
    finally:
        context.close()
    # Buffered reads are written in the order they came, each batch in one
    # transaction: once the other story's read is written, so is any read of the
    # article counted before it.
    deadline = time.monotonic() + WAIT_MS / 1000
    while story_reads(story_id=live_story.pk) == 0 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert story_reads(story_id=live_story.pk) == 1
    assert story_reads(story_id=article.pk) == 1
