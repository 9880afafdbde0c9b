"""Schedules Related recomputation when content changes; the work runs in the background."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.dispatch import Signal

# Sent after a change that alters Related lists commits; the serving process's
# background worker listens (newsdesk/config/runtime.py).
related_stale = Signal()


def content_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    """After the change commits, ask the worker to recompute Related lists."""
    transaction.on_commit(lambda: related_stale.send(sender=type(instance)))
