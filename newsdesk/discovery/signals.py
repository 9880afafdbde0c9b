"""Schedules Related recomputation when content changes; the work runs in the background."""

from __future__ import annotations

from typing import Any

from django.db import transaction


def content_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    """After the change commits, ask the worker to recompute Related lists."""
    from .worker import related_refresh_soon

    transaction.on_commit(related_refresh_soon)
