"""Fixtures for discovery tests: the engagement fixtures plus a small newsroom of topics."""

from __future__ import annotations

from typing import Any

import pytest

# The same quiet background, recording broker and reader client as engagement's tests.
from newsdesk.engagement.tests.conftest import (  # noqa: F401
    quiet_background,
    reader_client,
    recording_broker,
)

STORIES = {
    "summit": (
        "Harbour summit talks stall over shipping tariffs",
        "Ministers at the harbour summit failed to agree on shipping tariffs and port fees.",
    ),
    "summit-copy": (
        "Harbour summit talks stall over shipping tariffs",
        "Ministers at the harbour summit failed to agree on shipping tariffs and port fees today.",
    ),
    "tariffs": (
        "Shipping tariffs anger port operators",
        "Port operators say the shipping tariffs discussed at the harbour summit will hurt trade.",
    ),
    "ministers": (
        "Ministers return to harbour summit table",
        "Talks on tariffs and harbour fees resume as ministers return to the summit.",
    ),
    "football": (
        "City win the cup final after extra time",
        "The football club won the cup final after extra time in front of a full stadium.",
    ),
    "football-fans": (
        "Football fans celebrate cup final win",
        "Fans of the football club celebrated the cup final win in the city centre.",
    ),
    "rail": (
        "Rail link opens after decade of delays",
        "The new rail line cuts the journey to forty minutes.",
    ),
    "weather": (
        "Storm warning for the coast",
        "Forecasters warn of high winds and flooding along the coast.",
    ),
}


@pytest.fixture
def newsroom(section: Any, editor: Any) -> dict[str, Any]:
    """Published articles on a few topics (harbour summit, football, rail, weather), by key."""
    from newsdesk.newsroom.services import story_create

    return {
        key: story_create(
            section=section,
            headline=headline,
            standfirst=standfirst,
            body=standfirst,
            author=editor,
            live=False,
            slug=key,
        )
        for key, (headline, standfirst) in STORIES.items()
    }
