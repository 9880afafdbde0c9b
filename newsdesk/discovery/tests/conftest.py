"""Fixtures for engagement tests."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from newsdesk.live.brokers import broker_install, broker_uninstall
from newsdesk.live.brokers.base import Broker, Deliver


@pytest.fixture(autouse=True)
def quiet_background(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No background worker and no embeddings unless a test asks; empty counters and buffer."""
    from django.core.cache import caches

    from newsdesk.engagement.buffer import read_buffer

    monkeypatch.setenv("NEWSDESK_BACKGROUND", "0")
    monkeypatch.setenv("NEWSDESK_RELATED_EMBEDDINGS", "0")
    monkeypatch.delenv("NEWSDESK_REDIS_URL", raising=False)
    caches["counters"].clear()
    read_buffer().drain()
    yield
    caches["counters"].clear()
    read_buffer().drain()


class RecordingBroker(Broker):
    """A broker that keeps what is published, for asserting on live pushes."""

    def __init__(self) -> None:
        self.messages: list[dict[str, Any]] = []

    def publish(self, message: dict[str, Any]) -> None:
        self.messages.append(message)

    async def start(self, deliver: Deliver) -> None:
        return None

    async def stop(self) -> None:
        return None


@pytest.fixture
def recording_broker() -> Iterator[RecordingBroker]:
    """Install a broker that records every published message; use ``.messages``."""
    broker = RecordingBroker()
    broker_install(broker)
    try:
        yield broker
    finally:
        broker_uninstall(broker)


@pytest.fixture
def reader_client(client: Any) -> Any:
    """A reader's browser: a Django test client with a fixed ``nd_reader`` cookie."""
    client.cookies["nd_reader"] = "reader-one-aaaaaaaaaa"
    return client


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
