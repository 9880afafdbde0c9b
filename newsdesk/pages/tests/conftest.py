"""Fixtures for the reader page tests: parsed HTML and stories with many entries."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import lxml.html
import pytest


@pytest.fixture(autouse=True, scope="session")
def _static_root_exists() -> None:
    """WhiteNoise warns (an error under ``filterwarnings = error``) when STATIC_ROOT is missing."""
    from django.conf import settings

    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)


@pytest.fixture
def get_html(client: Any):
    """GET a path and return ``(response, lxml document)``; fails unless the status is 200."""

    def get(path: str, params: dict[str, Any] | None = None) -> tuple[Any, Any]:
        response = client.get(path, params or {})
        assert response.status_code == 200, (path, response.status_code)
        return response, lxml.html.fromstring(response.content)

    return get


@pytest.fixture
def publish_many(publish: Any):
    """Publish entries "Update 1" (oldest) .. "Update N" (newest); returns them oldest first."""

    def make(story: Any, count: int) -> list[Any]:
        return [publish(story, f"Update {n}") for n in range(1, count + 1)]

    return make
