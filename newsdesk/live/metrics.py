"""This process's figures in the Prometheus text format, served at ``/metrics``."""

from __future__ import annotations

from .hub import Hub, HubStats

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


def render(hub: Hub | None) -> str:
    """The metrics of this process's hub (zeros before it starts)."""
    readers = sum(1 for _ in hub.live_streams()) if hub is not None else 0
    stats = hub.stats if hub is not None else HubStats()
    lines = [
        "# HELP newsdesk_stream_readers Readers with a live stream open in this process.",
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
    ]
    return "\n".join(lines) + "\n"
