"""Brokers carry committed events from the process that wrote them to every
process holding streams. Chosen by ``settings.NEWSDESK_BROKERS["default"]``,
like Django's cache backends.

A broker may lose a message; the event log may not. Streams therefore never
depend on the broker alone: the hub fills gaps and polls the log.
"""

from __future__ import annotations

import threading
from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string

from .base import Broker

__all__ = ["Broker", "broker_from_settings", "broker_install", "broker_publish", "broker_uninstall"]

_installed: Broker | None = None
_publisher: Broker | None = None
_publisher_lock = threading.Lock()


def broker_from_settings() -> Broker:
    """A new broker built from the ``default`` entry of ``NEWSDESK_BROKERS``."""
    config = dict(settings.NEWSDESK_BROKERS["default"])
    cls = import_string(config.pop("BACKEND"))
    return cls(**{key.lower(): value for key, value in config.items()})


def broker_install(broker: Broker) -> None:
    """Make ``broker`` this process's broker (called by the ASGI lifespan)."""
    global _installed
    _installed = broker


def broker_uninstall(broker: Broker) -> None:
    """Undo ``broker_install`` at shutdown."""
    global _installed
    if _installed is broker:
        _installed = None


def broker_publish(message: dict[str, Any]) -> None:
    """Hand a committed event to the broker. Never raises: the log has it anyway."""
    broker = _installed or _publisher_for_process()
    broker.publish(message)


def _publisher_for_process() -> Broker:
    # A process that writes but serves no streams (a management command, a
    # test) still needs to reach the other processes through Redis.
    global _publisher
    with _publisher_lock:
        if _publisher is None:
            _publisher = broker_from_settings()
        return _publisher
