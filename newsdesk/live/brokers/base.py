"""The broker interface."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import Any

Deliver = Callable[[dict[str, Any]], None]


class Broker(ABC):
    """Publish from any thread; deliver, in the event loop, to this process's hub."""

    @abstractmethod
    def publish(self, message: dict[str, Any]) -> None:
        """Send a committed event to every process. Must not raise."""

    @abstractmethod
    async def start(self, deliver: Deliver) -> None:
        """Start listening; call ``deliver(message)`` in the running loop for each one."""

    @abstractmethod
    async def stop(self) -> None:
        """Stop listening and release connections."""
