"""Desk fixtures: signed-in test clients for each newsroom role."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client


@pytest.fixture
def editor_client(editor: Any) -> Client:
    """A client signed in as the ``editor`` fixture (with CSRF checks off, as Django's default)."""
    client = Client()
    client.force_login(editor)
    return client


@pytest.fixture
def reporter_client(reporter: Any) -> Client:
    """A client signed in as the ``reporter`` fixture, assigned to nothing yet."""
    client = Client()
    client.force_login(reporter)
    return client


@pytest.fixture
def assigned_story(live_story: Any, reporter: Any, editor: Any) -> Any:
    """The live story with the reporter assigned to it."""
    from newsdesk.newsroom.services import story_assign

    return story_assign(story=live_story, actor=editor, reporters=[reporter])
