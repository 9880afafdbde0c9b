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


@pytest.mark.browser
def test_colleagues_entries_appear_change_and_leave_the_desk_live(
    server, page, make_journalist, section
):
    from playwright.sync_api import expect

    editor = make_journalist("bea", role="editor")
    colleague = make_journalist("cal", role="editor")
    story = services.story_create(
        section=section, headline="Live updates: Flood warning", author=editor, live=True
    )
    page.goto(f"{server.url}/desk/login/?next=/desk/stories/{story.pk}/")
    page.get_by_label("Username").fill("bea")
    page.get_by_label("Password").fill("pass-word-123")
    page.get_by_role("button", name="Sign in").click()
    entries = page.locator("[data-desk-entries]")
    expect(page.get_by_text("No entries yet.")).to_be_visible()

    entry = services.entry_publish(story=story, author=colleague, body="River *peaks* at 4m.")
    row = page.locator(f"#desk-entry-{entry.pk}")
    expect(row).to_contain_text("River peaks at 4m.", timeout=20_000)
    # The desk's own row, with this editor's buttons, not just the reader fragment.
    expect(row.get_by_role("button", name="Pin")).to_be_visible()
    expect(page.locator("[data-desk-status]")).to_have_text("New entry published.")

    services.entry_correct(entry=entry, actor=colleague, version=1, body="River peaks at 4.2m.")
    expect(row).to_contain_text("River peaks at 4.2m.", timeout=20_000)
    expect(row).to_have_attribute("data-version", "2")

    services.entry_delete(entry=entry, actor=colleague)
    expect(row).to_have_count(0, timeout=20_000)
    expect(entries.locator(".desk-entry")).to_have_count(0)
