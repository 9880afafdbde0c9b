"""CSRF: every desk and admin form refuses a POST without the token; reader forms refuse other sites."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from .conftest import Newsroom

# Every route under /desk/ (all of them accept POST or refuse it with 405).
DESK_ROUTES = [
    f"desk:{pattern.name}"
    for resolver in get_resolver().url_patterns
    if isinstance(resolver, URLResolver) and resolver.namespace == "desk"
    for pattern in resolver.url_patterns
    if isinstance(pattern, URLPattern)
]


def url_for(name: str, newsroom: Newsroom) -> str:
    kwargs: dict[str, Any] = {}
    if "story_id" in _params(name):
        kwargs["story_id"] = newsroom.story.pk
    if "entry_id" in _params(name):
        kwargs["entry_id"] = newsroom.editor_entry.pk
    if "media_id" in _params(name):
        # The token is checked before the photo is looked up: any id shows the refusal.
        kwargs["media_id"] = 1
    return reverse(name, kwargs=kwargs)


def _params(name: str) -> set[str]:
    namespace, _, short = name.partition(":")
    for resolver in get_resolver().url_patterns:
        if isinstance(resolver, URLResolver) and resolver.namespace == namespace:
            for p in resolver.url_patterns:
                if isinstance(p, URLPattern) and p.name == short:
                    return set(p.pattern.regex.groupindex)
    raise LookupError(name)


def test_every_desk_route_is_listed() -> None:
    assert len(DESK_ROUTES) >= 15
    assert {"desk:login", "desk:logout", "desk:entry_publish", "desk:story_assign"} <= set(
        DESK_ROUTES
    )


@pytest.mark.parametrize("name", DESK_ROUTES)
def test_desk_post_without_the_csrf_token_is_refused(newsroom: Newsroom, name: str) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(newsroom.editor)
    from newsdesk.live.models import StoryEvent

    events = StoryEvent.objects.filter(story=newsroom.story).count()

    response = client.post(
        url_for(name, newsroom),
        {"body": "Forged.", "headline": "Forged", "status": "ended", "version": 1},
    )

    assert response.status_code in {403, 405}, name
    if response.status_code == 405:
        # A read-only route: nothing to forge.
        assert "POST" not in response["Allow"], name
    else:
        assert b"CSRF" in response.content, name
    newsroom.story.refresh_from_db()
    assert newsroom.story.status == "live"
    assert StoryEvent.objects.filter(story=newsroom.story).count() == events


def test_desk_post_with_the_token_goes_through(newsroom: Newsroom) -> None:
    """The refusals above are the missing token, not something else."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(newsroom.editor)
    page = client.get(reverse("desk:story_detail", args=[newsroom.story.pk]))
    token = page.cookies["csrftoken"].value if "csrftoken" in page.cookies else None
    token = token or client.cookies["csrftoken"].value

    response = client.post(
        reverse("desk:story_status", args=[newsroom.story.pk]),
        {"status": "ended", "csrfmiddlewaretoken": token},
    )

    assert response.status_code == 302
    newsroom.story.refresh_from_db()
    assert newsroom.story.status == "ended"


@pytest.mark.parametrize("url_name", ["desk:login", "admin:login"])
def test_login_forms_need_the_token(editor: Any, url_name: str) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse(url_name), {"username": "edna", "password": "pass-word-123"})

    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


def test_admin_change_form_needs_the_token(newsroom: Newsroom) -> None:
    newsroom.editor.is_staff = newsroom.editor.is_superuser = True
    newsroom.editor.save()
    client = Client(enforce_csrf_checks=True)
    client.force_login(newsroom.editor)
    url = reverse("admin:auth_user_change", args=[newsroom.reporter_off.pk])

    assert client.get(url).status_code == 200
    assert client.post(url, {"username": "forged"}).status_code == 403


READER_FORMS = [
    ("engagement:reaction_form", {"kind": "{kind}"}),
    ("engagement:read_beacon", {}),
    ("discovery:history_clear", {"next": "/"}),
]


@pytest.mark.parametrize(("name", "data"), READER_FORMS)
@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.example"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Origin": "null"},
    ],
    ids=["other-origin", "cross-site-fetch", "opaque-origin"],
)
def test_reader_forms_refuse_other_sites(
    newsroom: Newsroom, name: str, data: dict[str, str], headers: dict[str, str]
) -> None:
    """Cached reader pages cannot carry a CSRF token; the same-origin check stands in."""
    from newsdesk.engagement.models import Reaction
    from newsdesk.engagement.reactions import reaction_kinds

    kind = reaction_kinds()[0][0]
    kwargs = {"story_id": newsroom.story.pk} if name.startswith("engagement:") else {}
    client = Client(enforce_csrf_checks=True)
    form = {k: v.replace("{kind}", kind) for k, v in data.items()}

    response = client.post(reverse(name, kwargs=kwargs), form, headers=headers)

    if name == "engagement:read_beacon":
        # A beacon answers the same either way (no oracle) but records nothing.
        assert response.status_code == 204
        assert "nd_reader" not in response.cookies
    else:
        assert response.status_code == 403
    assert not Reaction.objects.exists()
