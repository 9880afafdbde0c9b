"""Clients for the API tests: anonymous readers, reporters, editors with their own tokens."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import ApiClient


@pytest.fixture
def anon(client: Any) -> ApiClient:
    """The API as an anonymous reader (no Authorization header)."""
    return ApiClient(client, None)


@pytest.fixture
def as_token(client: Any):
    """The API with any raw token: ``as_token("nd_...")``."""

    def make(token: str | None) -> ApiClient:
        return ApiClient(client, token)

    return make


@pytest.fixture
def reporter_api(client: Any, reporter: Any, token_for: Any) -> ApiClient:
    """The API as the reporter (not assigned to any story until a test assigns them)."""
    return ApiClient(client, token_for(reporter))


@pytest.fixture
def assign(editor: Any):
    """Assign reporters to a story: ``assign(story, reporter)``."""
    from newsdesk.newsroom.services import story_assign

    def do(story: Any, *reporters: Any) -> Any:
        return story_assign(story=story, actor=editor, reporters=list(reporters))

    return do


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    """Journalists are made with passwords; a cheap hasher keeps these tests quick."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
