"""Fixtures for the security suites: a small newsroom with every kind of subject.

Use ``newsroom`` when a test needs people with different rights over one
story (the authorisation matrix, CSRF); use ``sign_in`` to get a test client
signed in as one of them; use ``html_tree`` to parse a page with lxml.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

import lxml.html
import pytest


@pytest.fixture(autouse=True)
def fast_password_hashing(request: Any) -> None:
    """A cheap hasher: the matrix makes several accounts per test, thousands of tests in all.

    Not in browser tests, whose server process checks passwords with the real hashers.
    """
    if request.node.get_closest_marker("browser") is None:
        settings = request.getfixturevalue("settings")
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass
class Newsroom:
    """One live story, its people, their entries and their API tokens."""

    story: Any
    editor: Any
    reporter_on: Any
    reporter_off: Any
    reader: Any
    editor_entry: Any
    reporter_entry: Any
    tokens: dict[str, str] = field(default_factory=dict)

    def user(self, subject: str) -> Any:
        return {
            "editor": self.editor,
            "reporter_on": self.reporter_on,
            "reporter_off": self.reporter_off,
            "reader": self.reader,
        }.get(subject)


@pytest.fixture
def newsroom(
    live_story: Any, editor: Any, make_journalist: Any, publish: Any, token_for: Any
) -> Newsroom:
    """The live story; an editor, a reporter on it, a reporter not on it, a reader account.

    ``tokens`` holds a raw API token per subject, plus ``bad`` (never issued),
    ``expired`` and ``revoked`` (both the editor's, so only their state refuses them).
    """
    from django.contrib.auth import get_user_model

    from newsdesk.api.models import ApiToken
    from newsdesk.api.services import token_create, token_revoke
    from newsdesk.newsroom.services import key_points_replace, story_assign

    reporter_on = make_journalist("ron", role="reporter")
    reporter_off = make_journalist("rita", role="reporter")
    reader = get_user_model().objects.create_user("reed", password="pass-word-123")
    story_assign(story=live_story, actor=editor, reporters=[reporter_on])
    editor_entry = publish(live_story, "The editor's entry.")
    reporter_entry = publish(live_story, "The reporter's entry.", author=reporter_on)
    key_points_replace(story=live_story, actor=editor, points=["First point"])
    live_story.refresh_from_db()

    expired, expired_raw = token_create(user=editor, name="expired")
    ApiToken.objects.filter(pk=expired.pk).update(
        expires_at=expired.created_at - datetime.timedelta(minutes=1)
    )
    revoked, revoked_raw = token_create(user=editor, name="revoked")
    token_revoke(token=revoked)
    tokens = {
        "editor": token_for(editor),
        "reporter_on": token_for(reporter_on),
        "reporter_off": token_for(reporter_off),
        "reader": token_for(reader),
        "bad": "nd_" + "x" * 43,
        "expired": expired_raw,
        "revoked": revoked_raw,
    }
    return Newsroom(
        story=live_story,
        editor=editor,
        reporter_on=reporter_on,
        reporter_off=reporter_off,
        reader=reader,
        editor_entry=editor_entry,
        reporter_entry=reporter_entry,
        tokens=tokens,
    )


@pytest.fixture
def sign_in(client: Any):
    """``sign_in(user)`` signs the test client in as ``user`` (None: stay anonymous)."""

    def do(user: Any) -> Any:
        if user is not None:
            client.force_login(user)
        return client

    return do


def html_tree(content: bytes | str) -> Any:
    """An lxml tree of an HTML document."""
    return lxml.html.document_fromstring(content)
