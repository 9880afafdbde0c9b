"""This process's figures in the Prometheus text format, served at ``/metrics``.

Fan-out figures come from the hub; the rest are ``COUNTERS``, bumped by the
newsroom services (events published) and the request log middleware (Django
responses). Publishes commit in worker threads while the event loop answers
requests, so every change to a counter holds its lock.
"""

from __future__ import annotations

import threading

from .hub import Hub, HubStats

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
STATUS_CLASSES = ("1xx", "2xx", "3xx", "4xx", "5xx")


class Counters:
    """Monotonic counts for this process, safe to bump from any thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._events_published = 0
        self._http_responses = dict.fromkeys(STATUS_CLASSES, 0)

    def event_published(self) -> None:
        """Count one event appended to a story's log and committed."""
        with self._lock:
            self._events_published += 1

    def http_response(self, status: int) -> None:
        """Count one response Django sent, by status class (``2xx``...)."""
        key = f"{status // 100}xx"
        with self._lock:
            self._http_responses[key] = self._http_responses.get(key, 0) + 1

    @property
    def events_published(self) -> int:
        with self._lock:
            return self._events_published

    @property
    def http_responses(self) -> dict[str, int]:
        with self._lock:
            return dict(self._http_responses)


# One per process, like the figures it counts: a Prometheus scrape reads one process.
COUNTERS = Counters()


def render(hub: Hub | None) -> str:
    """The metrics of this process: its hub's (zeros before it starts) and ``COUNTERS``."""
    readers = hub.reader_count() if hub is not None else 0
    stats = hub.stats if hub is not None else HubStats()
    lines = [
        "# HELP newsdesk_stream_readers Readers with a stream open in this process, live or"
        " replaying.",
        "# TYPE newsdesk_stream_readers gauge",
        f"newsdesk_stream_readers {readers}",
        "# HELP newsdesk_stream_stories Stories with at least one open stream.",
        "# TYPE newsdesk_stream_stories gauge",
        f"newsdesk_stream_stories {len(hub.channels) if hub is not None else 0}",
        "# HELP newsdesk_events_sent_total Events fanned out to this process's readers.",
        "# TYPE newsdesk_events_sent_total counter",
        f"newsdesk_events_sent_total {stats.events_sent}",
        "# HELP newsdesk_fanout_seconds_total Time spent writing events to readers.",
        "# TYPE newsdesk_fanout_seconds_total counter",
        f"newsdesk_fanout_seconds_total {stats.fanout_seconds:.6f}",
        "# HELP newsdesk_slow_readers_dropped_total Readers dropped for not keeping up.",
        "# TYPE newsdesk_slow_readers_dropped_total counter",
        f"newsdesk_slow_readers_dropped_total {stats.slow_dropped}",
        "# HELP newsdesk_events_published_total Events this process appended to story logs"
        " and committed.",
        "# TYPE newsdesk_events_published_total counter",
        f"newsdesk_events_published_total {COUNTERS.events_published}",
        "# HELP newsdesk_http_requests_total Responses Django sent (not streams or health"
        " checks), by status class.",
        "# TYPE newsdesk_http_requests_total counter",
    ]
    lines += [
        f'newsdesk_http_requests_total{{status="{status}"}} {count}'
        for status, count in sorted(COUNTERS.http_responses.items())
    ]
    return "\n".join(lines) + "\n"
