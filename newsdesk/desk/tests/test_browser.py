"""The desk in a real browser against a real server process."""

from __future__ import annotations

import pytest

from newsdesk.newsroom import services
from newsdesk.newsroom.models import Entry


@pytest.mark.browser
def test_editor_publishes_with_ctrl_enter_and_the_story_page_shows_it(
    server, page, make_journalist, section
):
    from playwright.sync_api import expect

    editor = make_journalist("bea", role="editor")
    story = services.story_create(
        section=section, headline="Live updates: Ferry strike", author=editor, live=True
    )

    page.goto(f"{server.url}/desk/stories/{story.pk}/")
    page.get_by_label("Username").fill("bea")
    page.get_by_label("Password").fill("pass-word-123")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Live updates: Ferry strike")

    body = page.get_by_label("Entry (Markdown)")
    body.fill("Ferries resume at **noon**, the union says.")
    body.press("Control+Enter")

    expect(page.locator("[data-desk-status]")).to_have_text("Published.")
    expect(page.locator("[data-desk-entries] .desk-entry")).to_have_count(1)
    expect(page.locator("[data-desk-entries]")).to_contain_text(
        "Ferries resume at noon, the union says."
    )
    expect(body).to_have_value("")
    expect(body).to_be_focused()
    entry = Entry.objects.get(story=story)
    assert entry.body == "Ferries resume at **noon**, the union says."

    page.goto(server.url + story.get_absolute_url())
    expect(page.locator("body")).to_contain_text("Ferries resume at noon, the union says.")
