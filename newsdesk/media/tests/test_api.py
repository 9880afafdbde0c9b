"""The photo library through the API: upload, list, read, describe, delete; photos in entries."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from newsdesk.live.models import StoryEvent
from newsdesk.media.models import Media
from newsdesk.newsroom.models import Entry

from . import images

MEDIA_FIELDS = {"id", "url", "width", "height", "alt", "caption", "credit", "renditions"}


@pytest.fixture
def post_file(client, editor, token_for, media_root):
    """POST /api/media as multipart with a token (the editor's unless one is given)."""
    token = token_for(editor)

    def do(data: bytes, name: str = "photo.jpg", *, token_override: str | None = None, **fields):
        upload = SimpleUploadedFile(name, data, content_type="image/jpeg")
        return client.post(
            "/api/media",
            {"file": upload, **fields},
            headers={"Authorization": f"Bearer {token_override or token}"},
        )

    return do


def test_upload_answers_201_with_renditions_that_exist_and_carry_no_gps(post_file, media_root):
    response = post_file(images.jpeg(2000, 1500), alt="Crowds at the quay", credit="A. Reporter")
    assert response.status_code == 201, response.content
    data = response.json()
    assert MEDIA_FIELDS <= set(data)
    assert (data["width"], data["height"]) == (1600, 1200)
    assert data["alt"] == "Crowds at the quay"
    assert data["credit"] == "A. Reporter"
    assert {(r["width"], r["format"]) for r in data["renditions"]} == {
        (w, f) for w in (480, 800, 1200, 1600) for f in ("webp", "jpeg")
    }
    assert data["url"].startswith("/media/") and data["url"].endswith("-1600.jpg")
    for rendition in data["renditions"]:
        path = media_root / rendition["url"].removeprefix("/media/")
        stored = path.read_bytes()
        image = Image.open(io.BytesIO(stored))
        assert image.size == (rendition["width"], rendition["height"])
        assert dict(image.getexif()) == {}
        assert images.SERIAL.encode() not in stored


def test_the_file_name_is_kept_for_people_without_its_path(post_file):
    response = post_file(images.jpeg(), name="../../etc/passwd/quay.jpg")
    assert response.status_code == 201
    assert response.json()["filename"] == "quay.jpg"
    assert all("etc" not in r["url"] for r in response.json()["renditions"])


@pytest.mark.parametrize(
    ("data", "name", "status", "words"),
    [
        (b"Notes from the briefing.\n" * 40, "photo.jpg", 415, "not a picture"),
        (images.SVG, "logo.svg", 415, "SVG"),
        (images.jpeg()[:4000], "cut.jpg", 400, "damaged or incomplete"),
        (images.png_bomb(), "bomb.png", 400, "megapixels"),
    ],
)
def test_bad_files_are_refused_with_a_sentence_and_nothing_stored(
    post_file, media_root, data, name, status, words
):
    response = post_file(data, name)
    assert response.status_code == status
    body = response.json()
    assert set(body) == {"error", "detail"}
    assert words in body["detail"]
    assert Media.objects.count() == 0
    assert not media_root.exists() or not any(media_root.rglob("*.*"))


def test_a_file_over_the_limit_is_refused_with_413(post_file, settings, monkeypatch):
    monkeypatch.setenv("NEWSDESK_MEDIA_MAX_BYTES", "20000")
    response = post_file(images.jpeg(1600, 1200))
    assert response.status_code == 413
    assert "the limit is 20 KB" in response.json()["detail"]
    assert Media.objects.count() == 0


def test_a_body_announced_over_the_limit_is_refused_unread(client, editor, token_for, monkeypatch):
    monkeypatch.setenv("NEWSDESK_MEDIA_MAX_BYTES", "20000")
    response = client.generic(
        "POST",
        "/api/media",
        b"x" * 10,
        content_type="multipart/form-data; boundary=x",
        headers={"Authorization": f"Bearer {token_for(editor)}"},
        CONTENT_LENGTH="90000000",
    )
    assert response.status_code == 413


def test_upload_without_a_file_is_a_400_naming_the_field(client, editor, token_for, media_root):
    response = client.post(
        "/api/media", {"alt": "x"}, headers={"Authorization": f"Bearer {token_for(editor)}"}
    )
    assert response.status_code == 400
    assert "file" in response.json()["detail"]


def test_readers_cannot_upload_or_browse_the_library(client, media_root):
    upload = SimpleUploadedFile("p.jpg", images.jpeg(), content_type="image/jpeg")
    assert client.post("/api/media", {"file": upload}).status_code == 401
    assert client.get("/api/media").status_code == 401


def test_library_lists_newest_first_and_searches_words(api, upload):
    first = upload(images.jpeg(600, 400), alt="Ferry leaving", caption="Morning sailing")
    second = upload(images.jpeg(640, 400), alt="Protest outside parliament", credit="Wire")
    listed = api.get("/api/media").json()
    assert [m["id"] for m in listed["items"]] == [second.pk, first.pk]
    assert [m["id"] for m in api.get("/api/media", q="sailing").json()["items"]] == [first.pk]
    assert [m["id"] for m in api.get("/api/media", q="wire").json()["items"]] == [second.pk]
    page = api.get("/api/media", limit=1).json()
    assert page["next"] == str(second.pk)
    assert [m["id"] for m in api.get("/api/media", before=page["next"]).json()["items"]] == [
        first.pk
    ]


def test_patch_describes_a_photo_and_a_reporter_cannot_change_anothers(
    api, client, reporter, token_for, upload
):
    from conftest import ApiClient

    reporter_api = ApiClient(client, token_for(reporter))
    photo = upload(images.jpeg(), alt="")
    response = api.patch(f"/api/media/{photo.pk}", {"alt": "Lifeboat crew", "caption": "At dawn"})
    assert response.status_code == 200
    assert response.json()["alt"] == "Lifeboat crew"
    assert response.json()["version"] == 2
    stale = api.patch(f"/api/media/{photo.pk}", {"caption": "x", "version": 1})
    assert stale.status_code == 409
    assert reporter_api.patch(f"/api/media/{photo.pk}", {"alt": "mine"}).status_code == 403
    assert api.get("/api/media/999999").status_code == 404


# --- photos in entries ---------------------------------------------------------------------


def test_an_entry_shows_its_photos_in_order_as_figures(api, live_story, upload):
    first = upload(images.jpeg(1200, 800), alt="The quay", caption="Boats wait", credit="Ann Lee")
    second = upload(images.jpeg(800, 800), alt="The crowd")
    response = api.post(
        f"/api/stories/{live_story.pk}/entries",
        {"body": "Scenes at the harbour.", "media": [second.pk, first.pk]},
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["media"] == [second.pk, first.pk]
    assert [m["id"] for m in data["media_items"]] == [second.pk, first.pk]
    html = data["html"]
    assert html.index('alt="The crowd"') < html.index('alt="The quay"')
    assert 'class="entry__media gallery"' in html
    assert 'width="1200" height="800"' in html
    assert 'type="image/webp"' in html and "srcset=" in html and 'loading="lazy"' in html
    assert "<figcaption" in html and "Boats wait" in html and "Ann Lee" in html
    event = StoryEvent.objects.get(story=live_story, kind="entry-published")
    assert event.data["html"] == html


def test_a_photo_alone_is_an_entry(api, live_story, upload):
    photo = upload(images.jpeg(), alt="Smoke over the port")
    response = api.post(f"/api/stories/{live_story.pk}/entries", {"media": [photo.pk]})
    assert response.status_code == 201
    assert response.json()["body"] == ""
    assert "entry__body" not in response.json()["html"]
    assert api.post(f"/api/stories/{live_story.pk}/entries", {}).status_code == 400


@pytest.mark.parametrize(
    ("media", "words"),
    [([999999], "There is no photo 999999"), (["1"], "list of photo ids")],
)
def test_unknown_photo_ids_are_refused(api, live_story, media_root, media, words):
    response = api.post(f"/api/stories/{live_story.pk}/entries", {"body": "x", "media": media})
    assert response.status_code == 400
    assert words in response.json()["detail"] or "whole number" in response.json()["detail"]
    assert Entry.objects.count() == 0


def test_a_photo_without_alt_text_cannot_be_published_unless_decorative(api, live_story, upload):
    bare = upload(images.jpeg(), alt="", filename="IMG_0042.jpg")
    response = api.post(f"/api/stories/{live_story.pk}/entries", {"body": "x", "media": [bare.pk]})
    assert response.status_code == 400
    assert "IMG_0042.jpg" in response.json()["detail"]
    assert "alt text" in response.json()["detail"]
    flourish = upload(images.jpeg(), alt="", decorative=True)
    ok = api.post(f"/api/stories/{live_story.pk}/entries", {"body": "x", "media": [flourish.pk]})
    assert ok.status_code == 201
    assert 'alt=""' in ok.json()["html"]


def test_correcting_the_photo_list_marks_the_entry_updated(api, live_story, upload):
    photo = upload(images.jpeg())
    entry = api.post(f"/api/stories/{live_story.pk}/entries", {"body": "Talks go on."}).json()
    response = api.patch(
        f"/api/stories/{live_story.pk}/entries/{entry['id']}",
        {"version": entry["version"], "media": [photo.pk]},
    )
    assert response.status_code == 200
    assert response.json()["media"] == [photo.pk]
    assert response.json()["corrected"] is True
    cleared = api.patch(
        f"/api/stories/{live_story.pk}/entries/{entry['id']}",
        {"version": response.json()["version"], "media": []},
    )
    assert cleared.json()["media"] == []


def test_a_photo_in_use_cannot_be_deleted_and_the_refusal_names_the_entries(
    api, live_story, upload
):
    photo = upload(images.jpeg())
    entry = api.post(
        f"/api/stories/{live_story.pk}/entries", {"body": "x", "media": [photo.pk]}
    ).json()
    response = api.delete(f"/api/media/{photo.pk}")
    assert response.status_code == 409
    assert f"entry {entry['id']}" in response.json()["detail"]
    assert live_story.headline in response.json()["detail"]
    spare = upload(images.jpeg(300, 200))
    assert api.delete(f"/api/media/{spare.pk}").status_code == 204
    assert not Media.objects.filter(pk=spare.pk).exists()


def test_changing_a_caption_re_sends_the_entries_that_show_it(api, live_story, upload):
    photo = upload(images.jpeg(), caption="Old words")
    api.post(f"/api/stories/{live_story.pk}/entries", {"body": "x", "media": [photo.pk]})
    api.patch(f"/api/media/{photo.pk}", {"caption": "New words"})
    event = StoryEvent.objects.filter(story=live_story).order_by("-seq").first()
    assert event.kind == "entry-corrected"
    assert "New words" in event.data["html"] and "Old words" not in event.data["html"]


def test_a_story_image_is_its_preview_and_else_the_newest_entry_photo(api, live_story, upload):
    assert api.get(f"/api/stories/{live_story.pk}").json()["image_url"] is None
    entry_photo = upload(images.jpeg(1600, 900))
    api.post(f"/api/stories/{live_story.pk}/entries", {"body": "x", "media": [entry_photo.pk]})
    story = api.get(f"/api/stories/{live_story.pk}").json()
    assert story["image"] is None
    assert story["image_url"].endswith("-1200.jpg")
    own = upload(images.jpeg(2000, 1000, quality=80))
    changed = api.patch(f"/api/stories/{live_story.pk}", {"image": own.pk}).json()
    assert changed["image"] == own.pk
    assert changed["image_url"] == own.rendition(1200)["url"]
    assert api.patch(f"/api/stories/{live_story.pk}", {"image": None}).json()["image"] is None
    missing = api.patch(f"/api/stories/{live_story.pk}", {"image": 999999})
    assert missing.status_code == 400


def test_the_admin_shows_the_library_but_changes_nothing(client, editor, upload):
    photo = upload(images.jpeg(), alt="Harbour at dusk")
    client.force_login(editor)
    listing = client.get("/admin/media/media/")
    assert listing.status_code == 200
    assert b"Harbour at dusk" in listing.content
    assert client.get(f"/admin/media/media/{photo.pk}/delete/").status_code == 403
    assert client.post(f"/admin/media/media/{photo.pk}/change/", {"alt": "x"}).status_code == 403
    assert Media.objects.get(pk=photo.pk).alt == "Harbour at dusk"


def test_photo_text_holds_the_characters_every_newsroom_field_holds(post_file):
    refused = post_file(images.jpeg(), alt="Crowds\x0bat the quay")
    assert refused.status_code == 400
    assert "(U+000B, character 7)" in refused.json()["detail"]
    one_line = post_file(images.jpeg(), credit="A.\nReporter")
    assert one_line.json()["detail"] == "The credit must be on one line: remove the line break."
    kept = post_file(images.jpeg(), alt="Crowds", caption="At dawn.\r\nThe quay.")
    assert kept.status_code == 201
    assert kept.json()["caption"] == "At dawn.\nThe quay."
    assert Media.objects.count() == 1
