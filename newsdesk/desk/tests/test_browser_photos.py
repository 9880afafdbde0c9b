"""Photos through the desk in a real browser against a real server process.

Rendition files are served at /media/ by the edge; here the reader page's
requests for them are held by the browser and answered from the files the
server stored, so the test decides when a picture's bytes arrive and can
measure the page before and after.
"""

from __future__ import annotations

import base64
import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from newsdesk.media.models import Media
from newsdesk.media.tests import images
from newsdesk.newsroom import services
from newsdesk.newsroom.models import Entry

pytestmark = pytest.mark.browser

# Records every layout shift of the page, with the time it happened.
LAYOUT_SHIFTS = """
window.__shifts = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    window.__shifts.push({value: e.value, startTime: e.startTime, recent: e.hadRecentInput});
  }
}).observe({type: "layout-shift", buffered: true});
"""

# Two frames drawn after now: any shift caused so far has been measured and reported.
TWO_FRAMES = (
    "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(null))))"
)


def sign_in(page: Any, server: Any, username: str, path: str) -> None:
    page.goto(f"{server.url}/desk/login/?next={path}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("pass-word-123")
    page.get_by_role("button", name="Sign in").click()


def rendition_file(url: str) -> Path:
    """The file the server stored for a rendition URL (its data directory is this suite's)."""
    path = re.sub(r"^https?://[^/]+", "", url).split("?")[0]
    return Path(settings.MEDIA_ROOT) / path.removeprefix(settings.MEDIA_URL)


def test_a_photo_uploaded_in_the_desk_reaches_an_open_reader_page_without_a_jump(
    server, page, browser, make_journalist, section
):
    from playwright.sync_api import expect

    editor = make_journalist("bea", role="editor")
    story = services.story_create(
        section=section, headline="Live updates: Ferry strike", author=editor, live=True
    )
    older = services.entry_publish(story=story, author=editor, body="Talks resume at noon.")

    # A reader has the story open; the pictures' bytes wait until the test lets them go.
    reader_context = browser.new_context()
    reader = reader_context.new_page()
    held: list[Any] = []
    reader.route("**/media/**", lambda route: held.append(route))
    reader.add_init_script(LAYOUT_SHIFTS)
    reader.goto(server.url + story.get_absolute_url())
    expect(reader.locator(f"#entry-{older.pk}")).to_be_visible()

    sign_in(page, server, "bea", f"/desk/stories/{story.pk}/")
    page.get_by_label("Entry (Markdown)").fill("Ferries are **back**.")
    page.get_by_label("Add photos").set_input_files(
        {"name": "quay.jpg", "mimeType": "image/jpeg", "buffer": images.jpeg(1200, 900)}
    )
    card = page.locator("[data-photo-card]")
    expect(card).to_have_count(1)
    expect(card.locator("legend")).to_have_text("Photo 1: quay.jpg")
    expect(page.locator("[data-photo-status]")).to_have_text(
        "quay.jpg uploaded. Add its alt text to publish."
    )

    # Publish says why it cannot publish yet, before any click, and the field is marked.
    publish = page.get_by_role("button", name="Publish", exact=True)
    reason = "Add alt text to photo 1 (quay.jpg), or mark it decorative, to publish."
    expect(publish).to_have_attribute("aria-disabled", "true")
    expect(publish).to_have_accessible_description(reason)
    expect(page.locator("[data-publish-blocker]")).to_have_text(reason)
    alt = card.get_by_label("Alt text", exact=True)
    expect(alt).to_have_attribute("aria-invalid", "true")
    expect(card.locator("[data-photo-problem]")).to_be_visible()

    # Ctrl+Enter is refused by the desk: the alt text field gets the focus.
    page.get_by_label("Entry (Markdown)").press("Control+Enter")
    expect(alt).to_be_focused()
    expect(page.locator("[data-desk-status]")).to_have_text(reason)
    assert not Entry.objects.filter(pk__gt=older.pk).exists()

    alt.fill("Passengers boarding the ferry at the quay")
    expect(publish).not_to_have_attribute("aria-disabled", "true")
    expect(page.locator("[data-publish-blocker]")).to_be_hidden()
    card.get_by_label("Caption").fill("The 9:10 sailing leaves on time.")
    card.get_by_label("Credit").fill("Bea Editor")
    publish.click()
    expect(page.locator("[data-desk-status]")).to_have_text("Published.")
    expect(page.locator("[data-photo-card]")).to_have_count(0)
    expect(page.get_by_label("Entry (Markdown)")).to_have_value("")

    entry = Entry.objects.get(story=story, pk__gt=older.pk)
    photo = Media.objects.get()
    assert [m.pk for m in entry.photos] == [photo.pk]
    assert (photo.alt, photo.caption, photo.credit) == (
        "Passengers boarding the ferry at the quay",
        "The 9:10 sailing leaves on time.",
        "Bea Editor",
    )
    desk_row = page.locator(f"#desk-entry-{entry.pk}")
    expect(desk_row.locator("figure figcaption")).to_contain_text("The 9:10 sailing")

    # On the open reader page: the figure arrives with its box reserved.
    arrived = reader.locator(f"#entry-{entry.pk}")
    figure = arrived.locator("figure.photo")
    expect(figure).to_be_visible(timeout=20_000)
    img = figure.locator("img")
    expect(img).to_have_attribute("width", "1200")
    expect(img).to_have_attribute("height", "900")
    expect(img).to_have_attribute("alt", "Passengers boarding the ferry at the quay")
    expect(figure.locator("figcaption")).to_have_text("The 9:10 sailing leaves on time. Bea Editor")
    expect(arrived.locator(".entry__body")).to_have_text("Ferries are back.")
    # Frames until the picture has been asked for (lazy: once its box is laid out near view).
    for _ in range(100):
        reader.evaluate(TWO_FRAMES)
        if held:
            break
    before = reader.evaluate(
        """([entryId, olderId]) => {
          const img = document.querySelector(`#entry-${entryId} figure img`);
          const below = document.getElementById(`entry-${olderId}`);
          return {mark: performance.now(), imgHeight: img.getBoundingClientRect().height,
                  imgWidth: img.getBoundingClientRect().width,
                  belowTop: below.getBoundingClientRect().top + window.scrollY,
                  loaded: img.complete && img.naturalWidth > 0};
        }""",
        [entry.pk, older.pk],
    )
    assert not before["loaded"]
    # The box is the photo's shape before a byte of it has arrived.
    assert before["imgHeight"] == pytest.approx(before["imgWidth"] * 900 / 1200, abs=1)

    # Now the picture's bytes arrive: nothing on the page moves.
    assert held, "the reader page asked for no rendition"
    for route in held:
        route.fulfill(path=str(rendition_file(route.request.url)))
    reader.wait_for_function(
        f"() => {{ const i = document.querySelector('#entry-{entry.pk} figure img');"
        " return i.complete && i.naturalWidth > 0; }"
    )
    reader.evaluate(TWO_FRAMES)
    after = reader.evaluate(
        """([entryId, olderId, mark]) => {
          const img = document.querySelector(`#entry-${entryId} figure img`);
          const below = document.getElementById(`entry-${olderId}`);
          return {imgHeight: img.getBoundingClientRect().height,
                  belowTop: below.getBoundingClientRect().top + window.scrollY,
                  shifts: window.__shifts.filter(s => s.startTime > mark)};
        }""",
        [entry.pk, older.pk, before["mark"]],
    )
    # Equal to well under one layout unit (1/64 px): what remains is floating-point noise.
    assert after["imgHeight"] == pytest.approx(before["imgHeight"], abs=0.01)
    assert after["belowTop"] == pytest.approx(before["belowTop"], abs=0.01)
    assert after["shifts"] == []
    reader_context.close()


def test_a_reporter_reuses_a_library_photo_without_uploading_it_again(
    server, page, make_journalist, section
):
    from playwright.sync_api import expect

    editor = make_journalist("bea", role="editor")
    reporter = make_journalist("rory", role="reporter")
    story = services.story_create(
        section=section, headline="Live updates: Port closure", author=editor, live=True
    )
    services.story_assign(story=story, actor=editor, reporters=[reporter])
    from newsdesk.media.services import media_create

    crane = media_create(
        data=images.jpeg(800, 600), filename="crane.jpg", alt="Harbour crane", actor=editor
    )
    media_create(data=images.jpeg(640, 480), filename="gate.jpg", alt="Port gate", actor=editor)

    sign_in(page, server, "rory", f"/desk/stories/{story.pk}/")
    opener = page.get_by_role("button", name="Choose from the library")
    opener.click()
    dialog = page.get_by_role("dialog", name="Photo library")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_label("Search by alt text, caption, credit or file name")).to_be_focused()
    expect(dialog.locator(".library-pick")).to_have_count(2)
    dialog.get_by_label("Search by alt text, caption, credit or file name").fill("crane")
    dialog.get_by_role("button", name="Search").click()
    expect(dialog.locator(".library-pick")).to_have_count(1)
    dialog.get_by_role("button", name="Add: Harbour crane").click()
    expect(dialog.get_by_role("button", name="Added: Harbour crane")).to_be_disabled()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(opener).to_be_focused()

    card = page.locator("[data-photo-card]")
    expect(card).to_have_count(1)
    # A colleague's photo: its description is shown, not offered for change.
    expect(card).to_contain_text("Harbour crane")
    expect(card.get_by_label("Alt text", exact=True)).to_have_count(0)
    publish = page.get_by_role("button", name="Publish", exact=True)
    expect(publish).not_to_have_attribute("aria-disabled", "true")
    publish.click()
    expect(page.locator("[data-desk-status]")).to_have_text("Published.")
    entry = Entry.objects.get(story=story)
    assert [m.pk for m in entry.photos] == [crane.pk]
    assert entry.body == ""
    assert Media.objects.count() == 2


def test_photos_dropped_and_pasted_upload_with_their_refusals_and_keep_the_text(
    server, page, make_journalist, section
):
    from playwright.sync_api import expect

    editor = make_journalist("bea", role="editor")
    story = services.story_create(
        section=section, headline="Live updates: Storm", author=editor, live=True
    )
    sign_in(page, server, "bea", f"/desk/stories/{story.pk}/")
    body = page.get_by_label("Entry (Markdown)")
    body.fill("Winds reach 90 km/h on the coast.")

    def send(kind: str, name: str, data: bytes, mime: str) -> None:
        page.evaluate(
            """([kind, name, b64, mime]) => {
              const bytes = Uint8Array.from(atob(b64), c => c.charCodeAt(0));
              const transfer = new DataTransfer();
              transfer.items.add(new File([bytes], name, {type: mime}));
              const form = document.querySelector("form[data-composer]");
              const target = document.querySelector("[data-composer-body]");
              if (kind === "paste") {
                target.dispatchEvent(new ClipboardEvent("paste",
                  {clipboardData: transfer, bubbles: true, cancelable: true}));
                return;
              }
              for (const type of ["dragenter", "dragover", "drop"]) {
                form.dispatchEvent(new DragEvent(type,
                  {dataTransfer: transfer, bubbles: true, cancelable: true}));
              }
            }""",
            [kind, name, base64.b64encode(data).decode(), mime],
        )

    send("drop", "coast.jpg", images.jpeg(900, 600), "image/jpeg")
    expect(page.locator("[data-photo-card]")).to_have_count(1)
    send("paste", "image.png", images.encoded("PNG", 640, 480), "image/png")
    expect(page.locator("[data-photo-card]")).to_have_count(2)
    send("drop", "notes.jpg", b"Notes from the briefing.\n" * 40, "image/jpeg")
    refused = page.locator("[data-photo-failed]")
    expect(refused).to_contain_text("not a picture")
    expect(refused.get_by_role("alert")).to_contain_text("not a picture")
    expect(body).to_have_value("Winds reach 90 km/h on the coast.")

    refused.get_by_role("button", name="Dismiss").click()
    expect(refused).to_have_count(0)
    cards = page.locator("[data-photo-card]")
    expect(cards.nth(0).locator("legend")).to_have_text("Photo 1: coast.jpg")

    # Reorder from the keyboard: the button keeps the focus and the order is announced.
    move_up = cards.nth(1).get_by_role("button", name="Move up photo 2")
    move_up.focus()
    page.keyboard.press("Enter")
    expect(cards.nth(0).locator("legend")).to_have_text("Photo 1: image.png")
    expect(page.locator("[data-photo-status]")).to_have_text("Photo moved to position 1 of 2.")
    expect(page.get_by_role("button", name="Move up photo 1")).to_be_focused()

    cards.nth(0).get_by_label("Decorative (no alt text needed)").check()
    cards.nth(1).get_by_label("Alt text", exact=True).fill("Waves over the sea wall")
    body.press("Control+Enter")
    expect(page.locator("[data-desk-status]")).to_have_text("Published.")
    entry = Entry.objects.get(story=story)
    assert [m.filename for m in entry.photos] == ["image.png", "coast.jpg"]
    assert [m.decorative for m in entry.photos] == [True, False]
    assert entry.body == "Winds reach 90 km/h on the coast."


def test_the_composer_with_photos_and_the_library_have_no_serious_accessibility_violations(
    server, browser, make_journalist, section
):
    from playwright.sync_api import expect

    from newsdesk.pages.tests.test_accessibility import AXE, BLOCKING, describe

    if not AXE.exists():
        pytest.fail(f"axe-core is missing at {AXE}: run `npm install` in the repository root")
    editor = make_journalist("bea", role="editor")
    story = services.story_create(
        section=section, headline="Live updates: Bridge", author=editor, live=True
    )
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()

    def violations() -> list[dict[str, Any]]:
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        return [v for v in result["violations"] if v["impact"] in BLOCKING]

    try:
        sign_in(page, server, "bea", f"/desk/stories/{story.pk}/")
        page.get_by_label("Add photos").set_input_files(
            [
                {"name": "bridge.jpg", "mimeType": "image/jpeg", "buffer": images.jpeg(800, 600)},
                {"name": "notes.jpg", "mimeType": "image/jpeg", "buffer": b"text " * 200},
            ]
        )
        expect(page.locator("[data-photo-card]")).to_have_count(1)
        expect(page.locator("[data-photo-failed]")).to_have_count(1)
        found = violations()
        assert not found, describe(found)
        page.get_by_role("button", name="Choose from the library").click()
        expect(page.get_by_role("button", name=re.compile("^Added: "))).to_have_count(1)
        found = violations()
        assert not found, describe(found)
    finally:
        context.close()
