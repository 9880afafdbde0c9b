"""Which reads count: the filter in front of the read buffer.

Every decision uses the ``counters`` cache (local memory, or Redis when
``NEWSDESK_REDIS_URL`` is set so that all processes share the windows). Time is
passed in, so the same filter runs in requests and in the benchmark's
simulated clock: each window key carries its time bucket and each dedupe key
its timestamp, so expiry does not depend on the cache's own clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from crawlerdetect import CrawlerDetect

from newsdesk import conf

COUNTED = "counted"
BOT = "bot"
REPEAT = "repeat"
IP_RATE = "ip-rate"
IP_STORY_RATE = "ip-story-rate"
IP_READERS = "ip-readers"

HOUR = 3600
DAY = 24 * HOUR


@dataclass(frozen=True)
class ReadLimits:
    """The thresholds of the filter (``NEWSDESK_VIEW_*``)."""

    dedupe_seconds: int
    ip_per_hour: int
    ip_story_per_day: int
    readers_per_ip_hour: int

    @classmethod
    def from_settings(cls) -> ReadLimits:
        return cls(
            dedupe_seconds=conf.get_int("VIEW_DEDUPE_SECONDS"),
            ip_per_hour=conf.get_int("VIEW_IP_RATE"),
            ip_story_per_day=conf.get_int("VIEW_IP_STORY_RATE"),
            readers_per_ip_hour=conf.get_int("VIEW_IP_READERS"),
        )


def user_agent_is_bot(user_agent: str) -> bool:
    """Whether the user agent declares a crawler, or is missing (no browser sends none)."""
    if not user_agent.strip():
        return True
    return bool(CrawlerDetect(user_agent=user_agent).isCrawler())


def counter_incr(cache: Any, key: str, timeout: int) -> int:
    """Add one to the counter ``key`` (made with ``timeout`` seconds to live); return it."""
    if cache.add(key, 1, timeout):
        return 1
    try:
        return int(cache.incr(key))
    except ValueError:
        # Expired between add and incr: start the window again.
        cache.set(key, 1, timeout)
        return 1


def reader_admitted(
    cache: Any, *, scope: str, ip: str, reader: str, now: float, limit: int
) -> bool:
    """Whether ``reader`` is among the first ``limit`` reader ids ``ip`` showed this hour.

    ``scope`` keeps the uses apart. An id admitted once stays admitted for the
    hour, so the readers who came first stay welcome while an address rotating
    ids is refused for every new one.
    """
    hour = int(now // HOUR)
    key = f"{scope}:ipr:{ip}:{hour}:{reader}"
    admitted = cache.get(key)
    if admitted is None:
        admitted = int(counter_incr(cache, f"{scope}:iprn:{ip}:{hour}", 2 * HOUR) <= limit)
        cache.set(key, admitted, 2 * HOUR)
    return bool(admitted)


def read_check(
    *,
    cache: Any,
    story_id: int,
    reader: str,
    ip: str,
    user_agent: str,
    now: float,
    limits: ReadLimits,
) -> str:
    """Classify one read: ``COUNTED`` or the reason it is not counted."""
    if user_agent_is_bot(user_agent):
        return BOT
    hour = int(now // HOUR)
    day = int(now // DAY)
    # Register the reader id under the IP before any other check, so an IP
    # rotating ids is recognised even when its other requests are refused.
    if cache.add(f"rd:ipr:{ip}:{hour}:{reader}", 1, 2 * HOUR):
        readers = counter_incr(cache, f"rd:iprn:{ip}:{hour}", 2 * HOUR)
    else:
        readers = int(cache.get(f"rd:iprn:{ip}:{hour}") or 0)
    if readers > limits.readers_per_ip_hour:
        return IP_READERS
    if counter_incr(cache, f"rd:ip:{ip}:{hour}", 2 * HOUR) > limits.ip_per_hour:
        return IP_RATE
    seen_key = f"rd:seen:{reader}:{story_id}"
    if not cache.add(seen_key, now, limits.dedupe_seconds):
        last = cache.get(seen_key)
        if last is not None and now - float(last) < limits.dedupe_seconds:
            return REPEAT
        cache.set(seen_key, now, limits.dedupe_seconds)
    if counter_incr(cache, f"rd:ips:{ip}:{story_id}:{day}", 2 * DAY) > limits.ip_story_per_day:
        return IP_STORY_RATE
    return COUNTED
