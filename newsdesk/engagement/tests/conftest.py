"""Fixtures for engagement tests."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from newsdesk.engagement.readers import reader_cookie_value
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
    client.cookies["nd_reader"] = reader_cookie_value("reader-one-aaaaaaaaaa")
    return client
