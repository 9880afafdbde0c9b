"""The in-process broker: events reach streams of this process only."""

from __future__ import annotations

import asyncio
from typing import Any

from .base import Broker, Deliver, Reconnected


class MemoryBroker(Broker):
    """Default broker for one process; publishing threads hop onto the loop."""

    def __init__(self, **options: Any) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._deliver: Deliver | None = None

    def publish(self, message: dict[str, Any]) -> None:
        loop, deliver = self._loop, self._deliver
        if loop is None or deliver is None or loop.is_closed():
            return  # nobody listens in this process; the log keeps the event
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            deliver(message)
        else:
            loop.call_soon_threadsafe(deliver, message)

    async def start(self, deliver: Deliver, *, on_reconnect: Reconnected | None = None) -> None:
        self._loop = asyncio.get_running_loop()
        self._deliver = deliver

    async def stop(self) -> None:
        self._loop = None
        self._deliver = None
