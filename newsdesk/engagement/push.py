"""Live reaction counts: pushed to open pages at most about once a second per story.

The first change in a window goes out at once; later changes in the same window
leave their counts in the ``counters`` cache and one trailing push sends the
latest counts when the window closes. Counts are ephemeral: a stream-only
message without a sequence number, never in the story's event log.
"""

from __future__ import annotations

import threading
import time

from django.core.cache import caches
from django.utils import timezone

from newsdesk.live.brokers import broker_publish

PUSH_INTERVAL_SECONDS = 1


def _message(story_id: int, counts: dict[str, int]) -> dict[str, object]:
    return {
        "story": story_id,
        "kind": "reactions",
        "data": {"counts": counts},
        "at": timezone.now().isoformat(),
    }


def reactions_push(*, story_id: int, counts: dict[str, int]) -> threading.Timer | None:
    """Push the counts now, or schedule one trailing push; returns the timer if one was started."""
    cache = caches["counters"]
    window_key = f"rx:window:{story_id}"
    if cache.add(window_key, time.time(), PUSH_INTERVAL_SECONDS):
        cache.delete(f"rx:pending:{story_id}")
        broker_publish(_message(story_id, counts))
        return None
    cache.set(f"rx:pending:{story_id}", counts, 10 * PUSH_INTERVAL_SECONDS)
    if not cache.add(f"rx:trailing:{story_id}", 1, 5 * PUSH_INTERVAL_SECONDS):
        return None  # a trailing push is already scheduled and will carry these counts
    opened = cache.get(window_key)
    delay = PUSH_INTERVAL_SECONDS - (time.time() - float(opened)) if opened else 0.0
    timer = threading.Timer(max(delay, 0.0), _trailing_push, kwargs={"story_id": story_id})
    timer.daemon = True
    timer.start()
    return timer


def _trailing_push(*, story_id: int) -> None:
    cache = caches["counters"]
    counts = cache.get(f"rx:pending:{story_id}")
    cache.delete(f"rx:pending:{story_id}")
    cache.set(f"rx:window:{story_id}", time.time(), PUSH_INTERVAL_SECONDS)
    cache.delete(f"rx:trailing:{story_id}")
    if counts is not None:
        broker_publish(_message(story_id, counts))
