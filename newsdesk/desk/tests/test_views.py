"""The desk over HTTP: sign-in, roles, every write and how its failures read."""

from __future__ import annotations

from unittest import mock

import pytest
from django.db.utils import OperationalError
from django.test import Client
from django.urls import reverse

from newsdesk.live.models import StoryEvent
from newsdesk.newsroom import selectors, services
from newsdesk.newsroom.models import Entry, KeyPoints, Story

pytestmark = pytest.mark.django_db


def url(name: str, *args: object) -> str:
    return reverse(f"desk:{name}", args=args)


# --- sign-in and roles ----------------------------------------------------------------


def test_login_page_signs_a_journalist_in_and_out(client, editor):
    page = client.get(url("login"))
    assert page.status_code == 200
    assert b'name="username"' in page.content and b"csrfmiddlewaretoken" in page.content

    response = client.post(url("login"), {"username": "edna", "password": "pass-word-123"})
    assert response.status_code == 302 and response.url == url("story_list")
    assert client.get(url("story_list")).status_code == 200

    response = client.post(url("logout"))
    assert response.status_code == 302 and response.url == url("login")
    assert client.get(url("story_list")).status_code == 302


def test_wrong_password_shows_an_error_and_stays_signed_out(client, editor):
    response = client.post(url("login"), {"username": "edna", "password": "nope"})
    assert response.status_code == 200
    assert b'role="alert"' in response.content
    assert client.get(url("story_list")).status_code == 302


def test_anonymous_users_are_sent_to_sign_in(client, live_story):
    response = client.get(url("story_detail", live_story.pk))
    assert response.status_code == 302
    assert response.url.startswith(url("login") + "?next=")


def test_user_without_newsroom_role_gets_a_clear_403(client, django_user_model, live_story):
    user = django_user_model.objects.create_user(username="reader", password="pass-word-123")
    client.force_login(user)
    for path in (url("story_list"), url("story_detail", live_story.pk)):
        response = client.get(path)
        assert response.status_code == 403
        assert b"no newsroom role" in response.content
    response = client.post(url("entry_publish", live_story.pk), {"body": "Sneaky"})
    assert response.status_code == 403
    assert not Entry.objects.exists()


def test_csrf_is_enforced_on_desk_forms(editor, live_story):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    response = client.post(url("entry_publish", live_story.pk), {"body": "No token"})
    assert response.status_code == 403
    assert not Entry.objects.exists()

    page = client.get(url("story_detail", live_story.pk))
    token = page.cookies["csrftoken"].value
    response = client.post(
        url("entry_publish", live_story.pk), {"body": "With token", "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302
    assert Entry.objects.get().body == "With token"


def test_csrf_is_enforced_on_sign_in(editor):
    client = Client(enforce_csrf_checks=True)
    response = client.post(url("login"), {"username": "edna", "password": "pass-word-123"})
    assert response.status_code == 403


# --- story list and creation -------------------------------------------------------------


def test_story_list_shows_status_type_and_entry_count(editor_client, live_story, article, publish):
    publish(live_story, "One")
    services.entry_delete(entry=publish(live_story, "Two"), actor=live_story.authors.get())
    publish(live_story, "Three")
    response = editor_client.get(url("story_list"))
    assert response.status_code == 200
    rows = {story.pk: story for story in response.context["stories"]}
    assert rows[live_story.pk].entry_total == 2
    html = response.content.decode()
    assert live_story.headline in html and article.headline in html
    assert "New story" in html


def test_editor_creates_a_live_story(editor_client, section):
    response = editor_client.post(
        url("story_create"),
        {
            "section": section.pk,
            "headline": "Live updates: Storm reaches the coast",
            "standfirst": "Follow the latest.",
            "kind": "live",
            "status": "",
        },
    )
    story = Story.objects.get(headline="Live updates: Storm reaches the coast")
    assert response.status_code == 302 and response.url == url("story_detail", story.pk)
    assert story.live and story.status == "live" and story.section == section


def test_editor_creates_a_draft_article_with_a_body(editor_client, section):
    editor_client.post(
        url("story_create"),
        {
            "section": section.pk,
            "headline": "Budget explained",
            "kind": "article",
            "body": "It is **big**.",
            "status": "draft",
        },
    )
    story = Story.objects.get(headline="Budget explained")
    assert (story.live, story.status) == (False, "draft")
    assert story.body_html == "<p>It is <strong>big</strong>.</p>"


def test_story_create_with_a_status_the_type_cannot_have_is_a_400_with_the_reason(
    editor_client, section
):
    response = editor_client.post(
        url("story_create"),
        {"section": section.pk, "headline": "Oops", "kind": "article", "status": "live"},
    )
    assert response.status_code == 400
    assert "An article can be draft, published" in response.content.decode()
    assert not Story.objects.filter(headline="Oops").exists()


def test_reporter_cannot_create_stories(reporter_client, section):
    response = reporter_client.get(url("story_list"))
    assert "New story" not in response.content.decode()
    response = reporter_client.post(
        url("story_create"), {"section": section.pk, "headline": "Mine", "kind": "live"}
    )
    assert response.status_code == 403
    assert b"Only editors can create stories." in response.content
    assert not Story.objects.filter(headline="Mine").exists()


def test_reporter_list_shows_only_assigned_stories(reporter_client, assigned_story, article):
    stories = list(reporter_client.get(url("story_list")).context["stories"])
    assert stories == [assigned_story]


# --- composer: publishing ------------------------------------------------------------


def test_unknown_story_or_entry_is_404(editor_client, live_story):
    assert editor_client.get(url("story_detail", 999999)).status_code == 404
    assert editor_client.get(url("entry_edit", live_story.pk, 999999)).status_code == 404
    assert editor_client.post(url("entry_delete", live_story.pk, 999999)).status_code == 404


def test_editor_publishes_an_entry_with_key_event_and_pin(editor_client, live_story):
    response = editor_client.post(
        url("entry_publish", live_story.pk),
        {"title": "Arrival", "body": "Delegates **arrive**.", "key_event": "on", "pinned": "on"},
    )
    assert response.status_code == 302
    entry = Entry.objects.get()
    assert (entry.title, entry.key_event, entry.pinned) == ("Arrival", True, True)
    page = editor_client.get(response.url)
    html = page.content.decode()
    assert "Published." in html
    assert f'id="desk-entry-{entry.pk}"' in html
    assert "<strong>arrive</strong>" in html
    assert StoryEvent.objects.filter(story=live_story, kind="entry-published").count() == 1


def test_publish_as_json_returns_the_desk_row(editor_client, live_story):
    response = editor_client.post(
        url("entry_publish", live_story.pk),
        {"body": "Fetched"},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 201
    data = response.json()
    assert data["detail"] == "Published."
    assert f'id="desk-entry-{data["entry_id"]}"' in data["html"]
    assert "Fetched" in data["html"]


def test_empty_entry_is_refused_with_400(editor_client, live_story):
    response = editor_client.post(url("entry_publish", live_story.pk), {"body": "   "})
    assert response.status_code == 400
    assert not Entry.objects.exists()
    response = editor_client.post(
        url("entry_publish", live_story.pk), {"body": ""}, headers={"Accept": "application/json"}
    )
    assert response.status_code == 400 and response.json()["error"] == "invalid"


def test_too_long_entry_is_refused_with_the_limit_and_the_text_kept(editor_client, live_story):
    body = "x" * 20_001
    response = editor_client.post(url("entry_publish", live_story.pk), {"body": body})
    assert response.status_code == 400
    html = response.content.decode()
    assert "the limit is 20,000" in html
    assert body in html
    assert not Entry.objects.exists()


def test_reporter_cannot_open_or_post_in_an_unassigned_story(reporter_client, live_story):
    assert reporter_client.get(url("story_detail", live_story.pk)).status_code == 403
    response = reporter_client.post(url("entry_publish", live_story.pk), {"body": "Hello"})
    assert response.status_code == 403
    assert b"not assigned" in response.content
    assert not Entry.objects.exists()


def test_reporter_posts_in_an_assigned_story_but_cannot_pin(reporter_client, assigned_story):
    page = reporter_client.get(url("story_detail", assigned_story.pk))
    assert page.status_code == 200
    assert 'name="pinned"' not in page.content.decode()
    response = reporter_client.post(
        url("entry_publish", assigned_story.pk), {"body": "From the scene", "pinned": "on"}
    )
    assert response.status_code == 302
    entry = Entry.objects.get()
    # The pin box is not on a reporter's form, so the field is ignored, not obeyed.
    assert (entry.body, entry.pinned) == ("From the scene", False)
    response = reporter_client.post(url("entry_pin", assigned_story.pk, entry.pk), {"pinned": "1"})
    assert response.status_code == 403
    assert b"Only editors can pin" in response.content
    entry.refresh_from_db()
    assert not entry.pinned


def test_reporter_edits_own_entry_but_not_a_colleagues(
    reporter_client, assigned_story, reporter, editor, publish
):
    own = publish(assigned_story, "Mine", author=reporter)
    theirs = publish(assigned_story, "The editor's", author=editor)
    page = reporter_client.get(url("story_detail", assigned_story.pk)).content.decode()
    assert url("entry_edit", assigned_story.pk, own.pk) in page
    assert url("entry_edit", assigned_story.pk, theirs.pk) not in page

    response = reporter_client.post(
        url("entry_edit", assigned_story.pk, own.pk), {"body": "Mine, fixed", "version": 1}
    )
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.body == "Mine, fixed" and own.corrected

    assert reporter_client.get(url("entry_edit", assigned_story.pk, theirs.pk)).status_code == 403
    response = reporter_client.post(
        url("entry_edit", assigned_story.pk, theirs.pk), {"body": "Hijack", "version": 1}
    )
    assert response.status_code == 403
    response = reporter_client.post(url("entry_delete", assigned_story.pk, theirs.pk))
    assert response.status_code == 403
    theirs.refresh_from_db()
    assert theirs.body == "The editor's" and not theirs.is_deleted


def test_reporter_cannot_use_editor_story_controls(reporter_client, assigned_story):
    for name, data in [
        ("story_status", {"status": "ended"}),
        ("story_update", {"headline": "Mine now", "version": 1}),
        ("key_points", {"points": "One", "version": 0}),
        ("story_assign", {}),
    ]:
        response = reporter_client.post(url(name, assigned_story.pk), data)
        assert response.status_code == 403, name
    assigned_story.refresh_from_db()
    assert assigned_story.status == "live"
    assert not KeyPoints.objects.exists()


# --- composer: editing and entry actions ------------------------------------------------


def test_editor_edits_deletes_pins_and_marks_key_events(editor_client, live_story, publish):
    entry = publish(live_story, "Original", author=live_story.authors.get())
    edit_url = url("entry_edit", live_story.pk, entry.pk)
    form = editor_client.get(edit_url)
    assert form.status_code == 200
    assert 'name="version" value="1"' in form.content.decode()

    response = editor_client.post(edit_url, {"body": "Corrected", "title": "T", "version": 1})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.body, entry.title, entry.version) == ("Corrected", "T", 2)

    editor_client.post(url("entry_key_event", live_story.pk, entry.pk), {"key_event": "1"})
    entry.refresh_from_db()
    assert entry.key_event

    editor_client.post(url("entry_pin", live_story.pk, entry.pk), {"pinned": "1"})
    entry.refresh_from_db()
    assert entry.pinned
    editor_client.post(url("entry_pin", live_story.pk, entry.pk), {"pinned": "0"})
    entry.refresh_from_db()
    assert not entry.pinned

    response = editor_client.post(url("entry_delete", live_story.pk, entry.pk))
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.is_deleted
    assert f"desk-entry-{entry.pk}" not in editor_client.get(response.url).content.decode()
    kinds = list(StoryEvent.objects.filter(story=live_story).values_list("kind", flat=True))
    assert kinds == [
        "entry-published",
        "entry-corrected",
        "entry-corrected",
        "entry-pinned",
        "entry-unpinned",
        "entry-deleted",
    ]


def test_stale_edit_is_refused_with_409_and_keeps_the_text(editor_client, live_story, publish):
    entry = publish(live_story, "Original")
    services.entry_correct(
        entry=entry, actor=live_story.authors.get(), version=1, body="A colleague's fix"
    )
    mine = "My careful rewrite\nwith two lines"
    response = editor_client.post(
        url("entry_edit", live_story.pk, entry.pk), {"body": mine, "version": 1}
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "Someone else changed this entry since you opened it" in html
    assert 'role="alert"' in html
    assert mine in html  # nothing the journalist typed is lost
    assert "A colleague&#x27;s fix" in html or "A colleague’s fix" in html
    entry.refresh_from_db()
    assert entry.body == "A colleague's fix"


def test_editing_a_deleted_entry_is_404(editor_client, live_story, publish):
    entry = publish(live_story, "Gone soon")
    services.entry_delete(entry=entry, actor=live_story.authors.get())
    response = editor_client.post(
        url("entry_edit", live_story.pk, entry.pk), {"body": "Too late", "version": 1}
    )
    assert response.status_code == 404


def test_entry_row_renders_one_entry_with_this_users_buttons(
    editor_client, reporter_client, assigned_story, publish
):
    entry = publish(assigned_story, "Row")
    row = editor_client.get(url("entry_row", assigned_story.pk, entry.pk)).content.decode()
    assert row.startswith(f'<li class="desk-entry" id="desk-entry-{entry.pk}"')
    assert "Pin" in row and "Delete" in row
    row = reporter_client.get(url("entry_row", assigned_story.pk, entry.pk)).content.decode()
    assert "Row" in row and "Delete" not in row


# --- preview ---------------------------------------------------------------------------


def test_preview_endpoint_returns_sanitised_html(editor_client, live_story):
    payload = "Hi **there** <script>alert(1)</script> [x](javascript:alert(2))"
    response = editor_client.post(url("entry_preview", live_story.pk), {"body": payload})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert "<strong>there</strong>" in html
    assert "<script" not in html and 'href="javascript' not in html
    assert "&lt;script&gt;" in html  # shown as text, inert


def test_preview_without_javascript_rerenders_the_page_and_publishes_nothing(
    editor_client, live_story
):
    response = editor_client.post(
        url("entry_publish", live_story.pk),
        {"body": "Draft *text* <script>alert(1)</script>", "action": "preview"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert response.context["preview_html"].startswith("<p>Draft <em>text</em>")
    assert "<script>alert(1)</script>" not in html
    assert "Draft *text* &lt;script&gt;" in html  # the textarea keeps the Markdown
    assert not Entry.objects.exists()


def test_reporter_cannot_preview_in_an_unassigned_story(reporter_client, live_story):
    response = reporter_client.post(url("entry_preview", live_story.pk), {"body": "x"})
    assert response.status_code == 403


# --- editors' story controls ----------------------------------------------------------------


def test_editor_changes_key_points_and_a_stale_version_is_a_409(editor_client, live_story):
    page = editor_client.get(url("story_detail", live_story.pk)).content.decode()
    assert 'name="version" value="0"' in page
    response = editor_client.post(
        url("key_points", live_story.pk), {"points": "First\n\n  Second  \n", "version": 0}
    )
    assert response.status_code == 302
    current = selectors.key_points_current(story=live_story)
    assert [p["text"] for p in current.points] == ["First", "Second"]

    response = editor_client.post(
        url("key_points", live_story.pk), {"points": "Stale edit", "version": 0}
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "Someone else changed the key points" in html
    assert "Stale edit" in html
    assert selectors.key_points_current(story=live_story).version == 1


def test_editor_changes_headline_and_a_stale_version_is_a_409(editor_client, live_story):
    response = editor_client.post(
        url("story_update", live_story.pk),
        {"headline": "Live updates: Talks resume", "standfirst": "New day.", "version": 1},
    )
    assert response.status_code == 302
    live_story.refresh_from_db()
    assert (live_story.headline, live_story.standfirst, live_story.version) == (
        "Live updates: Talks resume",
        "New day.",
        2,
    )
    response = editor_client.post(
        url("story_update", live_story.pk), {"headline": "My stale headline", "version": 1}
    )
    assert response.status_code == 409
    assert "My stale headline" in response.content.decode()
    live_story.refresh_from_db()
    assert live_story.headline == "Live updates: Talks resume"


def test_editor_ends_and_reopens_coverage(editor_client, live_story):
    page = editor_client.get(url("story_detail", live_story.pk)).content.decode()
    assert "End coverage" in page
    editor_client.post(url("story_status", live_story.pk), {"status": "ended"})
    live_story.refresh_from_db()
    assert live_story.status == "ended" and live_story.coverage_end is not None
    page = editor_client.get(url("story_detail", live_story.pk)).content.decode()
    assert "Reopen coverage" in page
    editor_client.post(url("story_status", live_story.pk), {"status": "live"})
    live_story.refresh_from_db()
    assert live_story.status == "live" and live_story.coverage_end is None


def test_editor_publishes_and_unpublishes_an_article(editor_client, article):
    page = editor_client.get(url("story_detail", article.pk)).content.decode()
    assert "Unpublish" in page and 'name="body"' in page  # the article body form
    editor_client.post(url("story_status", article.pk), {"status": "draft"})
    article.refresh_from_db()
    assert article.status == "draft"
    response = editor_client.post(url("story_status", article.pk), {"status": "ended"})
    assert response.status_code == 400
    assert b"An article can be draft, published" in response.content
    editor_client.post(url("story_status", article.pk), {"status": "published"})
    article.refresh_from_db()
    assert article.status == "published"


def test_editor_assigns_reporters(editor_client, live_story, reporter, make_journalist):
    other = make_journalist("rita", role="reporter")
    page = editor_client.get(url("story_detail", live_story.pk)).content.decode()
    assert "Rory (rory)" in page and "Rita (rita)" in page
    response = editor_client.post(
        url("story_assign", live_story.pk), {"reporters": [reporter.pk, other.pk]}
    )
    assert response.status_code == 302
    assert set(live_story.assignees.all()) == {reporter, other}
    editor_client.post(url("story_assign", live_story.pk), {"reporters": [other.pk]})
    assert list(live_story.assignees.all()) == [other]


# --- the database going away ---------------------------------------------------------------


def test_database_unavailable_during_publish_is_a_503_that_keeps_the_text(
    editor_client, live_story
):
    text = "Breaking: the bridge has reopened"
    with mock.patch.object(
        services, "entry_publish", side_effect=OperationalError("connection refused")
    ):
        response = editor_client.post(
            url("entry_publish", live_story.pk), {"body": text, "title": "Bridge"}
        )
    assert response.status_code == 503
    html = response.content.decode()
    assert "The database is not reachable; your entry was not published. Try again." in html
    assert text in html and 'value="Bridge"' in html
    assert not Entry.objects.exists()


def test_database_unavailable_during_publish_as_json_is_a_503(editor_client, live_story):
    with mock.patch.object(services, "entry_publish", side_effect=OperationalError("gone")):
        response = editor_client.post(
            url("entry_publish", live_story.pk),
            {"body": "x"},
            headers={"Accept": "application/json"},
        )
    assert response.status_code == 503
    assert response.json()["detail"].startswith("The database is not reachable")


def test_database_unavailable_during_a_correction_is_a_503_that_keeps_the_text(
    editor_client, live_story, publish
):
    entry = publish(live_story, "Original")
    with mock.patch.object(services, "entry_correct", side_effect=OperationalError("gone")):
        response = editor_client.post(
            url("entry_edit", live_story.pk, entry.pk), {"body": "My fix", "version": 1}
        )
    assert response.status_code == 503
    assert "My fix" in response.content.decode()
    assert "not reachable" in response.content.decode()


def test_page_renders_without_the_database_after_a_failed_write(editor_client, live_story):
    """With reads failing too, the 503 page still shows the message and the form."""
    real_page = selectors.entry_page

    with (
        mock.patch.object(services, "entry_publish", side_effect=OperationalError("gone")),
        mock.patch.object(selectors, "entry_page", side_effect=OperationalError("gone")),
    ):
        response = editor_client.post(url("entry_publish", live_story.pk), {"body": "Kept"})
    assert real_page is selectors.entry_page
    assert response.status_code == 503
    html = response.content.decode()
    assert "Kept" in html
    assert "cannot be shown until the database is back" in html


def test_database_unavailable_on_other_writes_is_a_503_with_the_input_kept(
    editor_client, live_story, section
):
    with mock.patch.object(services, "key_points_replace", side_effect=OperationalError("gone")):
        response = editor_client.post(
            url("key_points", live_story.pk), {"points": "Kept point", "version": 0}
        )
    assert response.status_code == 503
    assert "your change was not saved" in response.content.decode()
    assert "Kept point" in response.content.decode()

    with mock.patch.object(services, "story_create", side_effect=OperationalError("gone")):
        response = editor_client.post(
            url("story_create"),
            {"section": section.pk, "headline": "Kept headline", "kind": "live"},
        )
    assert response.status_code == 503
    assert 'value="Kept headline"' in response.content.decode()


# --- accessibility hooks -------------------------------------------------------------


def test_composer_is_labelled_and_announces_status(editor_client, live_story):
    html = editor_client.get(url("story_detail", live_story.pk)).content.decode()
    assert '<label for="id_body">' in html
    assert '<label for="id_title">' in html
    assert '<label for="id_key_event">Key event</label>' in html
    assert 'aria-keyshortcuts="Control+Enter Meta+Enter"' in html
    assert 'role="status" aria-live="polite" data-desk-status' in html
    assert 'href="#main"' in html and 'id="main"' in html
    assert f'data-events-url="{live_story.get_events_url()}"' in html
    assert f'data-last-seq="{live_story.last_seq}"' in html
