"""Photos in the desk over HTTP: the upload and library endpoints, the composer without script,
corrections, the story image. Browser behaviour is in test_browser_photos.py."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from newsdesk.media.models import Media
from newsdesk.media.tests import images
from newsdesk.newsroom import services
from newsdesk.newsroom.models import Entry

pytestmark = pytest.mark.django_db

JSON = {"Accept": "application/json"}


def url(name: str, *args: object) -> str:
    return reverse(f"desk:{name}", args=args)


def jpeg(name: str = "quay.jpg", data: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data if data is not None else images.jpeg(), "image/jpeg")


# --- POST /desk/media/: the upload --------------------------------------------------------


def test_script_upload_answers_201_with_the_photo_and_its_composer_card(editor_client, media_root):
    response = editor_client.post(url("media_library"), {"file": jpeg()}, headers=JSON)
    assert response.status_code == 201, response.content
    data = response.json()
    media = Media.objects.get()
    assert data["id"] == media.pk and data["filename"] == "quay.jpg"
    assert (data["width"], data["height"]) == (1200, 900)
    assert data["described"] is False
    assert data["thumb"]["width"] == 480 and data["thumb"]["url"].startswith("/media/")
    card = data["card"]
    assert f'data-media-id="{media.pk}"' in card
    assert f'name="media" value="{media.pk}"' in card
    assert f'<label for="photo-{media.pk}-alt">Alt text</label>' in card
    assert "Decorative (no alt text needed)" in card
    assert 'aria-invalid="true"' in card
    assert "Alt text is needed to publish" in card


def test_a_reporter_uploads_too(reporter_client, reporter, media_root):
    response = reporter_client.post(url("media_library"), {"file": jpeg()}, headers=JSON)
    assert response.status_code == 201
    assert Media.objects.get().created_by == reporter


@pytest.mark.parametrize(
    ("data", "name", "status", "words"),
    [
        (b"Notes from the briefing.\n" * 40, "photo.jpg", 415, "not a picture"),
        (images.SVG, "logo.svg", 415, "SVG"),
        (images.jpeg()[:4000], "cut.jpg", 400, "damaged or incomplete"),
        (images.png_bomb(), "bomb.png", 400, "megapixels"),
    ],
)
def test_bad_files_are_refused_with_the_services_sentence(
    editor_client, media_root, data, name, status, words
):
    response = editor_client.post(url("media_library"), {"file": jpeg(name, data)}, headers=JSON)
    assert response.status_code == status
    assert words in response.json()["detail"]
    assert not Media.objects.exists()


def test_a_file_over_the_limit_is_a_413_with_the_limit(editor_client, media_root, monkeypatch):
    monkeypatch.setenv("NEWSDESK_MEDIA_MAX_BYTES", "20000")
    response = editor_client.post(url("media_library"), {"file": jpeg()}, headers=JSON)
    assert response.status_code == 413
    assert "the limit is 20 KB" in response.json()["detail"]
    assert not Media.objects.exists()


def test_a_body_announced_over_the_limit_is_refused_before_it_is_read(
    editor_client, media_root, monkeypatch
):
    monkeypatch.setenv("NEWSDESK_MEDIA_MAX_BYTES", "20000")
    response = editor_client.generic(
        "POST",
        url("media_library"),
        b"x" * 10,
        content_type="multipart/form-data; boundary=x",
        headers=JSON,
        CONTENT_LENGTH="90000000",
    )
    assert response.status_code == 413
    assert "send fewer or smaller photos" in response.json()["detail"]


def test_upload_without_a_file_says_so(editor_client, media_root):
    response = editor_client.post(url("media_library"), {"alt": "x"}, headers=JSON)
    assert response.status_code == 400
    assert response.json()["detail"] == "Choose a photo to upload."


def test_upload_needs_csrf_and_a_newsroom_sign_in(editor, media_root, django_user_model):
    client = Client(enforce_csrf_checks=True)
    assert client.post(url("media_library"), {"file": jpeg()}).status_code == 403
    client.force_login(editor)
    assert client.post(url("media_library"), {"file": jpeg()}, headers=JSON).status_code == 403
    token = client.get(url("media_library")).cookies["csrftoken"].value
    response = client.post(
        url("media_library"), {"file": jpeg()}, headers={**JSON, "X-CSRFToken": token}
    )
    assert response.status_code == 201
    reader = django_user_model.objects.create_user(username="reader", password="pass-word-123")
    other = Client()
    other.force_login(reader)
    assert other.post(url("media_library"), {"file": jpeg()}, headers=JSON).status_code == 403
    assert Client().get(url("media_library")).status_code == 302
    assert Media.objects.count() == 1


def test_plain_form_upload_redirects_to_the_photo_with_its_description(editor_client, media_root):
    response = editor_client.post(
        url("media_library"),
        {"file": jpeg(), "alt": "Ferry at the quay", "caption": "Morning", "credit": "A. Reporter"},
    )
    media = Media.objects.get()
    assert response.status_code == 302
    assert response.url == url("media_library") + f"#photo-{media.pk}"
    assert (media.alt, media.caption, media.credit) == (
        "Ferry at the quay",
        "Morning",
        "A. Reporter",
    )
    page = editor_client.get(response.url).content.decode()
    assert "Photo uploaded." in page and "Ferry at the quay" in page


def test_plain_form_refusal_is_said_and_next_is_followed_only_on_this_site(
    editor_client, media_root, live_story
):
    back = url("story_image", live_story.pk)
    response = editor_client.post(
        url("media_library"), {"file": jpeg("notes.jpg", b"text " * 100), "next": back}
    )
    assert response.status_code == 302 and response.url == back
    page = editor_client.get(back).content.decode()
    assert "notes.jpg was not uploaded:" in page and "not a picture" in page
    response = editor_client.post(
        url("media_library"), {"file": jpeg(), "next": "https://evil.example/"}
    )
    assert response.url.startswith(url("media_library"))


# --- GET /desk/media/: the library ---------------------------------------------------------


def test_library_json_lists_newest_first_and_searches_like_the_api(
    reporter_client, upload, media_root
):
    old = upload(images.jpeg(), alt="Ferry at the quay", credit="Ann Lee")
    new = upload(images.jpeg(), alt="Crowd outside parliament", caption="Noon")
    response = reporter_client.get(url("media_library"), headers=JSON)
    assert [i["id"] for i in response.json()["items"]] == [new.pk, old.pk]
    for q, found in [("ferry", [old.pk]), ("ann lee", [old.pk]), ("noon", [new.pk]), ("x", [])]:
        data = reporter_client.get(url("media_library"), {"q": q}, headers=JSON).json()
        assert [i["id"] for i in data["items"]] == found, q
    item = response.json()["items"][0]
    # A reporter may use a colleague's photo but not change its description.
    assert 'name="photo-' not in item["card"] and "only an editor" in item["card"]


def test_library_pages_past_the_first_two_dozen(editor_client, upload):
    made = [upload(images.jpeg(64, 48)).pk for _ in range(26)]
    first = editor_client.get(url("media_library"), headers=JSON).json()
    assert len(first["items"]) == 24 and first["next"] == made[2]
    rest = editor_client.get(url("media_library"), {"before": first["next"]}, headers=JSON).json()
    assert [i["id"] for i in rest["items"]] == [made[1], made[0]] and rest["next"] is None


def test_library_page_describes_and_deletes_photos(editor_client, upload, live_story, publish):
    photo = upload(images.jpeg(), alt="")
    page = editor_client.get(url("media_library")).content.decode()
    assert f'id="photo-{photo.pk}"' in page and "No alt text yet" in page
    response = editor_client.post(
        url("media_describe", photo.pk),
        {"alt": "Ferry at dawn", "caption": "", "credit": "Desk", "version": 1},
    )
    assert response.status_code == 302
    photo.refresh_from_db()
    assert (photo.alt, photo.credit, photo.version) == ("Ferry at dawn", "Desk", 2)
    stale = editor_client.post(url("media_describe", photo.pk), {"alt": "Mine", "version": 1})
    assert stale.status_code == 409
    assert "Someone else changed this photo" in stale.content.decode()
    assert ">Mine</textarea>" in stale.content.decode()

    services.entry_publish(story=live_story, author=photo.created_by, body="", media=[photo.pk])
    refused = editor_client.post(url("media_delete", photo.pk))
    assert refused.status_code == 409 and "in use" in refused.content.decode()
    unused = upload(images.jpeg(64, 48))
    assert editor_client.post(url("media_delete", unused.pk)).status_code == 302
    assert not Media.objects.filter(pk=unused.pk).exists()


# --- the composer without script -------------------------------------------------------------


def test_composer_has_a_camera_friendly_photo_field_and_the_library(editor_client, live_story):
    html = editor_client.get(url("story_detail", live_story.pk)).content.decode()
    assert 'enctype="multipart/form-data"' in html
    assert 'type="file" id="id_files" name="files" accept="image/*" multiple' in html
    assert '<label for="id_files" class="photo-add__label">Add photos</label>' in html
    assert 'name="action" value="library"' in html
    assert "data-library-dialog" in html
    assert 'aria-describedby="publish-blocker"' in html


def test_without_script_attach_keeps_the_text_and_marks_the_missing_alt_text(
    editor_client, live_story, media_root
):
    response = editor_client.post(
        url("entry_publish", live_story.pk),
        {
            "title": "At the quay",
            "body": "Ferries are *back*.",
            "photos": "1",
            "action": "attach",
            "files": [jpeg("one.jpg"), jpeg("two.jpg")],
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    one, two = Media.objects.order_by("pk")
    assert not Entry.objects.exists()
    assert "Ferries are *back*.</textarea>" in html and 'value="At the quay"' in html
    assert html.index(f'id="photo-card-{one.pk}"') < html.index(f'id="photo-card-{two.pk}"')
    assert "Add alt text to photo 1 (one.jpg), photo 2 (two.jpg), or mark it decorative" in html


def test_without_script_publish_with_a_refused_file_publishes_nothing_and_says_why(
    editor_client, live_story, media_root
):
    response = editor_client.post(
        url("entry_publish", live_story.pk),
        {"body": "From the scene", "photos": "1", "files": [jpeg("notes.jpg", b"text " * 100)]},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "notes.jpg was not added:" in html and "not a picture" in html
    assert "From the scene</textarea>" in html
    assert not Entry.objects.exists()


def test_without_script_reorder_remove_describe_and_publish(editor_client, live_story, upload):
    a = upload(images.jpeg(), alt="")
    b = upload(images.jpeg(), alt="Second")
    form = {
        "body": "Two photos",
        "photos": "1",
        "media": [a.pk, b.pk],
        f"photo-{a.pk}-alt": "",
        f"photo-{a.pk}-version": "1",
        f"photo-{b.pk}-alt": "Second",
        f"photo-{b.pk}-version": "1",
    }
    moved = editor_client.post(
        url("entry_publish", live_story.pk), {**form, "action": f"down:{a.pk}"}
    )
    html = moved.content.decode()
    assert html.index(f'id="photo-card-{b.pk}"') < html.index(f'id="photo-card-{a.pk}"')

    refused = editor_client.post(url("entry_publish", live_story.pk), {**form, "action": "publish"})
    assert refused.status_code == 400
    assert "has no alt text" in refused.content.decode()
    assert not Entry.objects.exists()

    form[f"photo-{a.pk}-alt"] = "First, described"
    form[f"photo-{b.pk}-caption"] = "Taken at noon"
    response = editor_client.post(
        url("entry_publish", live_story.pk), {**form, "media": [b.pk, a.pk]}
    )
    assert response.status_code == 302
    entry = Entry.objects.get()
    assert [m.pk for m in entry.photos] == [b.pk, a.pk]
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.alt == "First, described" and b.caption == "Taken at noon"

    removed = editor_client.post(
        url("entry_publish", live_story.pk), {**form, "action": f"remove:{a.pk}"}
    )
    assert f'id="photo-card-{a.pk}"' not in removed.content.decode()


def test_a_photo_alone_is_an_entry_and_the_json_row_shows_its_figure(
    editor_client, live_story, upload
):
    photo = upload(images.jpeg(), alt="Ferry", caption="The 9:10 sails")
    response = editor_client.post(
        url("entry_publish", live_story.pk),
        {
            "body": "",
            "photos": "1",
            "media": [photo.pk],
            f"photo-{photo.pk}-version": "1",
            f"photo-{photo.pk}-alt": "Ferry",
            f"photo-{photo.pk}-caption": "The 9:10 sails",
        },
        headers=JSON,
    )
    assert response.status_code == 201, response.content
    row = response.json()["html"]
    assert '<figure class="photo"' in row and "The 9:10 sails" in row and 'alt="Ferry"' in row
    assert Entry.objects.get().body == ""
    empty = editor_client.post(
        url("entry_publish", live_story.pk), {"body": "", "photos": "1"}, headers=JSON
    )
    assert empty.status_code == 400


def test_the_library_without_script_adds_chosen_photos(editor_client, live_story, upload):
    photo = upload(images.jpeg(), alt="Harbour crane")
    listed = editor_client.post(
        url("entry_publish", live_story.pk),
        {"body": "Kept", "photos": "1", "action": "library", "library-q": "crane"},
    )
    html = listed.content.decode()
    assert f'name="library-add" value="{photo.pk}"' in html and "Kept</textarea>" in html
    added = editor_client.post(
        url("entry_publish", live_story.pk),
        {"body": "Kept", "photos": "1", "action": "attach", "library-add": [photo.pk]},
    )
    assert f'id="photo-card-{photo.pk}"' in added.content.decode()


def test_a_reporter_reuses_a_colleagues_photo_without_changing_its_description(
    reporter_client, assigned_story, upload
):
    photo = upload(images.jpeg(), alt="Editor's words")
    response = reporter_client.post(
        url("entry_publish", assigned_story.pk),
        {
            "body": "Reused",
            "photos": "1",
            "media": [photo.pk],
            f"photo-{photo.pk}-alt": "Reporter's words",
            f"photo-{photo.pk}-version": "1",
        },
    )
    assert response.status_code == 302
    photo.refresh_from_db()
    assert photo.alt == "Editor's words"
    assert [m.pk for m in Entry.objects.get().photos] == [photo.pk]


# --- corrections and the story image -------------------------------------------------------


def test_the_edit_page_changes_the_photos(editor_client, live_story, upload, editor):
    a = upload(images.jpeg(), alt="A")
    b = upload(images.jpeg(), alt="B")
    entry = services.entry_publish(story=live_story, author=editor, body="Text", media=[a.pk])
    page = editor_client.get(url("entry_edit", live_story.pk, entry.pk)).content.decode()
    assert f'id="photo-card-{a.pk}"' in page
    response = editor_client.post(
        url("entry_edit", live_story.pk, entry.pk),
        {"body": "Text", "version": 1, "photos": "1", "media": [b.pk, a.pk]},
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert [m.pk for m in entry.photos] == [b.pk, a.pk] and entry.corrected
    # A form without the photo section leaves them alone.
    editor_client.post(
        url("entry_edit", live_story.pk, entry.pk), {"body": "Only text", "version": 2}
    )
    entry.refresh_from_db()
    assert entry.body == "Only text" and [m.pk for m in entry.photos] == [b.pk, a.pk]


def test_editors_set_and_clear_the_story_image_reporters_cannot(
    editor_client, reporter_client, assigned_story, upload
):
    photo = upload(images.jpeg(), alt="Crowd")
    page = editor_client.get(url("story_image", assigned_story.pk)).content.decode()
    assert f'name="image" value="{photo.pk}"' in page
    response = editor_client.post(url("story_image", assigned_story.pk), {"image": photo.pk})
    assert response.status_code == 302
    assigned_story.refresh_from_db()
    assert assigned_story.image_id == photo.pk
    detail = editor_client.get(url("story_detail", assigned_story.pk)).content.decode()
    assert 'id="story-image"' in detail and 'alt="Crowd"' in detail and "Clear image" in detail
    assert (
        editor_client.post(url("story_image", assigned_story.pk), {"image": "x"}).status_code == 400
    )
    editor_client.post(url("story_image", assigned_story.pk), {"image": ""})
    assigned_story.refresh_from_db()
    assert assigned_story.image_id is None
    assert (
        reporter_client.post(url("story_image", assigned_story.pk), {"image": photo.pk}).status_code
        == 403
    )
    assert reporter_client.get(url("story_image", assigned_story.pk)).status_code == 403
