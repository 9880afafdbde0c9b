"""Live entries: page, publish, read, correct, pin, delete; key points."""

from __future__ import annotations

import pytest

from newsdesk.live.models import StoryEvent
from newsdesk.newsroom.models import Entry

ENTRY_FIELDS = {
    "id",
    "story",
    "title",
    "body",
    "html",
    "author",
    "published_at",
    "updated_at",
    "version",
    "key_event",
    "pinned",
    "url",
}


def _entries(story):
    return f"/api/stories/{story.pk}/entries"


def test_publish_entry_returns_201_and_the_entry(api, live_story):
    response = api.post(
        _entries(live_story), {"body": "Talks **resume**.", "title": "Noon", "key_event": True}
    )
    assert response.status_code == 201
    data = response.json()
    assert ENTRY_FIELDS <= set(data)
    assert data["story"] == live_story.pk
    assert data["title"] == "Noon"
    assert data["key_event"] is True
    assert data["body_html"] == "<p>Talks <strong>resume</strong>.</p>"
    assert f'id="entry-{data["id"]}"' in data["html"]
    assert data["url"] == f"{live_story.get_absolute_url()}#entry-{data['id']}"
    assert data["author"] == {"name": "Edna"}
    assert StoryEvent.objects.filter(story=live_story, kind="entry-published").count() == 1


def test_publish_pinned_entry_as_editor(api, live_story):
    response = api.post(_entries(live_story), {"body": "Pinned summary", "pinned": True})
    assert response.status_code == 201
    assert response.json()["pinned"] is True


def test_reporter_cannot_publish_pinned_entry(reporter_api, live_story, assign, reporter):
    assign(live_story, reporter)
    response = reporter_api.post(_entries(live_story), {"body": "Me first", "pinned": True})
    assert response.status_code == 403
    assert Entry.objects.count() == 0


def _dangerous_markup(html: str) -> list[str]:
    """Elements, handlers and URLs in ``html`` that could run script in a reader's browser."""
    import lxml.html

    found = []
    for root in lxml.html.fragments_fromstring(html):
        if isinstance(root, str):
            continue
        for element in root.iter():
            if element.tag in {"script", "iframe", "object", "embed", "style"}:
                found.append(element.tag)
            for name, value in element.attrib.items():
                if name.lower().startswith("on") or name.lower() == "style":
                    found.append(name)
                if name in {"href", "src"} and value.strip().lower().startswith(
                    ("javascript:", "data:", "vbscript:")
                ):
                    found.append(value)
    return found


def test_script_in_body_and_title_comes_back_sanitised(api, anon, live_story):
    payload = {
        "title": '<img src=x onerror="alert(1)">Breaking',
        "body": (
            "<script>alert('x')</script>\n\n[click](javascript:alert(1))\n\n"
            '<a href="#" onclick="steal()">link</a>\n\n![i](x" onerror="alert(2))'
        ),
    }
    created = api.post(_entries(live_story), payload)
    assert created.status_code == 201
    fetched = anon.get(f"{_entries(live_story)}/{created.json()['id']}").json()
    for data in (created.json(), fetched):
        assert _dangerous_markup(data["html"]) == []
        assert _dangerous_markup(data["body_html"]) == []
        # The markup arrives as text the reader can see, not as elements.
        assert "&lt;script&gt;" in data["body_html"]
        assert "&lt;img" in data["html"]
        assert data["title"] == payload["title"]


def test_markup_detector_finds_what_it_looks_for():
    html = '<p><a href="javascript:x()" onclick="y()">a</a><script>z()</script></p>'
    assert _dangerous_markup(html) == ["javascript:x()", "onclick", "script"]


def test_publish_rejects_bad_input(api, live_story):
    cases = [
        # With no photos, text is what the entry is.
        ({}, "The body cannot be empty."),
        ({"body": ""}, "The body cannot be empty."),
        ({"body": "   \n  "}, "The body cannot be empty."),
        ({"body": 42}, "The body field must be text."),
        ({"body": "x", "key_event": 1}, "The key_event field must be true or false."),
        ({"body": "x", "pinned": "true"}, "The pinned field must be true or false."),
        ({"body": "x" * 20_001}, "the limit is 20,000"),
        ({"body": "x", "title": "t" * 201}, "the limit is 200"),
    ]
    for payload, sentence in cases:
        response = api.post(_entries(live_story), payload)
        assert response.status_code == 400, payload
        assert response.json()["error"] == "invalid"
        assert sentence in response.json()["detail"], (payload, response.json())
    assert Entry.objects.count() == 0


def test_publish_into_article_is_400(api, article):
    response = api.post(_entries(article), {"body": "x"})
    assert response.status_code == 400
    assert "article" in response.json()["detail"]


def test_publish_into_unknown_story_is_404(api):
    response = api.post("/api/stories/424242/entries", {"body": "x"})
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"


def test_entries_page_newest_first_and_before_covers_each_once(anon, live_story, publish):
    entries = [publish(live_story, f"Update {n}") for n in range(7)]
    seen: list[int] = []
    before = None
    while True:
        params = {"limit": 3, **({"before": before} if before else {})}
        page = anon.get(_entries(live_story), **params).json()
        seen += [e["id"] for e in page["items"]]
        before = page["next"]
        if before is None:
            break
    assert seen == [e.pk for e in reversed(entries)]


def test_deleted_entries_leave_the_list_and_404(api, anon, live_story, publish):
    entry = publish(live_story, "Wrong")
    assert api.delete(f"{_entries(live_story)}/{entry.pk}").status_code == 204
    assert anon.get(_entries(live_story)).json()["items"] == []
    assert anon.get(f"{_entries(live_story)}/{entry.pk}").status_code == 404
    assert api.delete(f"{_entries(live_story)}/{entry.pk}").status_code == 404


@pytest.mark.parametrize(
    ("params", "fragment"),
    [
        ({"before": "abc"}, "The before parameter must be a whole number."),
        ({"before": -3}, "The before parameter must be at least 1."),
        ({"before": 999999}, "names no entry"),
        ({"before": 10**30}, "at most"),
        ({"limit": 0}, "at least 1"),
        ({"limit": 1000}, "at most 100"),
    ],
)
def test_entries_page_rejects_bad_parameters(anon, live_story, publish, params, fragment):
    publish(live_story, "One")
    response = anon.get(_entries(live_story), **params)
    assert response.status_code == 400
    assert fragment in response.json()["detail"]


def test_entries_of_a_draft_are_hidden_from_readers(anon, api, section, editor):
    from newsdesk.newsroom.services import entry_publish, story_create

    draft = story_create(section=section, headline="Draft", author=editor, status="draft")
    entry = entry_publish(story=draft, author=editor, body="Secret")
    assert anon.get(_entries(draft)).status_code == 404
    assert anon.get(f"{_entries(draft)}/{entry.pk}").status_code == 404
    assert api.get(f"{_entries(draft)}/{entry.pk}").status_code == 200


def test_entry_of_another_story_is_404(anon, live_story, article, publish):
    entry = publish(live_story, "Here")
    assert anon.get(f"{_entries(article)}/{entry.pk}").status_code == 404


# --- corrections, pins, deletes -----------------------------------------------------------


def test_correct_entry_with_version(api, live_story, publish):
    entry = publish(live_story, "Ten dead")
    response = api.patch(
        f"{_entries(live_story)}/{entry.pk}", {"body": "Eleven dead", "version": 1}
    )
    assert response.status_code == 200
    data = response.json()
    assert data["body"] == "Eleven dead"
    assert data["version"] == 2
    assert data["corrected"] is True


def test_correct_with_stale_version_is_409_and_keeps_the_text(api, live_story, publish):
    entry = publish(live_story, "Original")
    path = f"{_entries(live_story)}/{entry.pk}"
    assert api.patch(path, {"body": "First fix", "version": 1}).status_code == 200
    response = api.patch(path, {"body": "Second fix", "version": 1})
    assert response.status_code == 409
    assert response.json()["error"] == "conflict"
    assert Entry.objects.get(pk=entry.pk).body == "First fix"


def test_correct_needs_a_version(api, live_story, publish):
    entry = publish(live_story, "Original")
    response = api.patch(f"{_entries(live_story)}/{entry.pk}", {"body": "Fixed"})
    assert response.status_code == 400
    assert response.json()["detail"] == "The version field is required."


def test_pin_and_unpin_through_patch(api, live_story, publish):
    first = publish(live_story, "First", pinned=True)
    second = publish(live_story, "Second")
    path = f"{_entries(live_story)}/{second.pk}"
    response = api.patch(path, {"pinned": True, "version": 1})
    assert response.status_code == 200
    assert response.json()["pinned"] is True
    assert Entry.objects.get(pk=first.pk).pinned is False
    assert api.patch(path, {"pinned": False, "version": 1}).json()["pinned"] is False
    kinds = list(StoryEvent.objects.filter(story=live_story).values_list("kind", flat=True))
    assert kinds[-3:] == ["entry-unpinned", "entry-pinned", "entry-unpinned"]


def test_pin_only_patch_with_stale_version_is_409(api, live_story, publish):
    entry = publish(live_story, "Text")
    path = f"{_entries(live_story)}/{entry.pk}"
    assert api.patch(path, {"body": "Text, fixed", "version": 1}).status_code == 200
    response = api.patch(path, {"pinned": True, "version": 1})
    assert response.status_code == 409
    assert Entry.objects.get(pk=entry.pk).pinned is False


def test_reporter_pin_attempt_is_403_and_changes_nothing(
    reporter_api, live_story, publish, assign, reporter
):
    assign(live_story, reporter)
    entry = publish(live_story, "Mine", author=reporter)
    path = f"{_entries(live_story)}/{entry.pk}"
    response = reporter_api.patch(path, {"body": "Mine, edited", "pinned": True, "version": 1})
    assert response.status_code == 403
    assert response.json()["error"] == "forbidden"
    stored = Entry.objects.get(pk=entry.pk)
    assert (stored.body, stored.pinned, stored.version) == ("Mine", False, 1)


def test_reporter_corrects_own_entry_but_not_others(
    reporter_api, live_story, publish, assign, reporter
):
    assign(live_story, reporter)
    own = publish(live_story, "Mine", author=reporter)
    editors = publish(live_story, "The editor's")
    ok = reporter_api.patch(f"{_entries(live_story)}/{own.pk}", {"body": "Mine!", "version": 1})
    assert ok.status_code == 200
    refused = reporter_api.patch(
        f"{_entries(live_story)}/{editors.pk}", {"body": "Hijack", "version": 1}
    )
    assert refused.status_code == 403
    assert reporter_api.delete(f"{_entries(live_story)}/{editors.pk}").status_code == 403


def test_unassigned_reporter_cannot_delete(reporter_api, live_story, publish):
    entry = publish(live_story, "Editor's")
    assert reporter_api.delete(f"{_entries(live_story)}/{entry.pk}").status_code == 403
    assert Entry.objects.visible().filter(pk=entry.pk).exists()


@pytest.mark.parametrize(
    ("payload", "fragment"),
    [
        ({"body": "", "version": 1}, "cannot be empty"),
        ({"body": "x" * 20_001, "version": 1}, "the limit is 20,000"),
        ({"title": ["a"], "version": 1}, "must be text"),
        ({"pinned": "yes", "version": 1}, "must be true or false"),
        ({"body": "x", "version": "1"}, "whole number"),
        ({"body": "x", "version": 1, "author": "someone"}, "'author' is not a field"),
    ],
)
def test_correct_rejects_bad_input(api, live_story, publish, payload, fragment):
    entry = publish(live_story, "Original")
    response = api.patch(f"{_entries(live_story)}/{entry.pk}", payload)
    assert response.status_code == 400
    assert fragment in response.json()["detail"]


def test_unknown_entry_is_404(api, anon, live_story):
    path = f"{_entries(live_story)}/777777"
    assert anon.get(path).status_code == 404
    assert api.patch(path, {"body": "x", "version": 1}).status_code == 404
    assert api.delete(path).json()["error"] == "not_found"


# --- key points ---------------------------------------------------------------------------


def test_put_key_points_as_list_returns_version_and_points(api, anon, live_story):
    path = f"/api/stories/{live_story.pk}/key-points"
    response = api.put(path, [{"text": "Talks *resumed*"}, {"text": "Ceasefire holds"}])
    assert response.status_code == 200
    data = response.json()
    assert data["version"] == 1
    assert [p["text"] for p in data["points"]] == ["Talks *resumed*", "Ceasefire holds"]
    assert data["points"][0]["html"] == "Talks <em>resumed</em>"
    assert anon.get(path).json() == data


def test_put_key_points_object_form_checks_version(api, live_story):
    path = f"/api/stories/{live_story.pk}/key-points"
    first = api.put(path, {"points": [{"text": "One"}], "version": 0})
    assert first.status_code == 200 and first.json()["version"] == 1
    stale = api.put(path, {"points": [{"text": "Two"}], "version": 0})
    assert stale.status_code == 409
    assert stale.json()["error"] == "conflict"
    assert api.put(path, {"points": [], "version": 1}).json() == {
        "story": live_story.pk,
        "version": 2,
        "points": [],
    }


@pytest.mark.parametrize(
    ("payload", "fragment"),
    [
        ({"text": "x"}, "The points field is required."),
        (["plain"], "The points[0] field must be an object."),
        ([{"text": 3}], "The points[0].text field must be text."),
        ([{"text": "x" * 301}], "the limit is 300"),
        ([{"text": str(n)} for n in range(13)], "the limit is 12"),
        ({"points": [], "version": -1}, "at least 0"),
        ("5", "The request body must be a JSON object."),
    ],
)
def test_put_key_points_rejects_bad_input(api, live_story, payload, fragment):
    response = api.put(f"/api/stories/{live_story.pk}/key-points", payload)
    assert response.status_code == 400
    assert fragment in response.json()["detail"], response.json()


def test_reporter_cannot_replace_key_points(reporter_api, live_story, assign, reporter):
    assign(live_story, reporter)
    response = reporter_api.put(f"/api/stories/{live_story.pk}/key-points", [{"text": "x"}])
    assert response.status_code == 403
