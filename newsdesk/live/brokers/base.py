"""The broker interface."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import Any

Deliver = Callable[[dict[str, Any]], None]
Reconnected = Callable[[], None]


class Broker(ABC):
    """Publish from any thread; deliver, in the event loop, to this process's hub."""

    @abstractmethod
    def publish(self, message: dict[str, Any]) -> None:
        """Send a committed event to every process. Must not raise."""

    @abstractmethod
    async def start(self, deliver: Deliver, *, on_reconnect: Reconnected | None = None) -> None:
        """Start listening; call ``deliver(message)`` in the running loop for each one.

        ``on_reconnect()`` runs (in the loop) after the broker lost messages,
        e.g. when its connection came back, so the hub re-reads the log.
        """

    @abstractmethod
    async def stop(self) -> None:
        """Stop listening and release connections."""

    def ready(self) -> bool:
        """Whether the broker can carry messages now (``/readyz``); blocking, call in a thread."""
        return True
