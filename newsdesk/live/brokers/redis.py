"""The Redis broker: events published in any process reach every process.

Publishing uses a synchronous client from the thread that committed (after
commit; a failure is logged, never raised: the log has the event).
Subscribing is one pattern subscription per process with ``redis.asyncio``,
reconnecting with backoff; after every (re)subscription the hub re-reads the
log, so a Redis restart loses and duplicates nothing a reader sees.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import threading
from typing import Any

import redis
import redis.asyncio as aioredis
from django.core.exceptions import ImproperlyConfigured

from .base import Broker, Deliver, Reconnected

logger = logging.getLogger(__name__)

CHANNEL_PREFIX = "newsdesk:story:"
PATTERN = CHANNEL_PREFIX + "*"
BACKOFF_FIRST = 0.1
BACKOFF_MAX = 5.0


class RedisBroker(Broker):
    """Redis pub/sub, one channel per story (``newsdesk:story:<id>``)."""

    def __init__(self, *, location: str = "", **options: Any) -> None:
        if not location:
            raise ImproperlyConfigured(
                "RedisBroker needs a LOCATION: set NEWSDESK_REDIS_URL (redis://host:6379/0)."
            )
        self.location = location
        self._client: redis.Redis | None = None
        self._client_lock = threading.Lock()
        self._task: asyncio.Task[None] | None = None
        self._subscribed: asyncio.Event | None = None

    # --- publishing (any thread) ------------------------------------------------

    def _sync_client(self) -> redis.Redis:
        with self._client_lock:
            if self._client is None:
                self._client = redis.Redis.from_url(
                    self.location, socket_connect_timeout=0.5, socket_timeout=1.0
                )
            return self._client

    def ready(self) -> bool:
        try:
            return bool(self._sync_client().ping())
        except redis.RedisError:
            return False

    def publish(self, message: dict[str, Any]) -> None:
        try:
            channel = f"{CHANNEL_PREFIX}{int(message['story'])}"
            self._sync_client().publish(channel, json.dumps(message, default=str))
        except (redis.RedisError, OSError, KeyError, TypeError, ValueError) as error:
            # An expected outage, not a bug: one line, no traceback.
            logger.warning(
                "Publishing story %s event %s to Redis failed (%s); readers get it from the log",
                message.get("story"),
                message.get("seq"),
                error,
            )

    # --- subscribing (the event loop) --------------------------------------------

    async def start(self, deliver: Deliver, *, on_reconnect: Reconnected | None = None) -> None:
        self._subscribed = asyncio.Event()
        self._task = asyncio.create_task(
            self._listen(deliver, on_reconnect), name="newsdesk-redis-subscriber"
        )
        # Give the first subscription a moment, without holding start-up
        # hostage to a Redis that is down: the log poll covers until it is up.
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._subscribed.wait(), timeout=2)

    async def _listen(self, deliver: Deliver, on_reconnect: Reconnected | None) -> None:
        backoff = BACKOFF_FIRST
        while True:
            client = aioredis.Redis.from_url(
                self.location, socket_connect_timeout=1.0, health_check_interval=5
            )
            pubsub = client.pubsub(ignore_subscribe_messages=True)
            try:
                await pubsub.psubscribe(PATTERN)
                if self._subscribed is not None:
                    self._subscribed.set()
                if on_reconnect is not None:
                    on_reconnect()
                backoff = BACKOFF_FIRST
                async for item in pubsub.listen():
                    if item.get("type") != "pmessage":
                        continue
                    try:
                        message = json.loads(item["data"])
                    except (TypeError, ValueError):
                        logger.warning("Unreadable broker message ignored: %r", item["data"])
                        continue
                    deliver(message)
            except (redis.RedisError, OSError) as error:
                logger.warning("Redis subscription lost (%s); retrying in %.1fs", error, backoff)
            finally:
                with contextlib.suppress(redis.RedisError, OSError):
                    await pubsub.aclose()
                with contextlib.suppress(redis.RedisError, OSError):
                    await client.aclose()
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, BACKOFF_MAX)

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        with self._client_lock:
            client, self._client = self._client, None
        if client is not None:
            client.close()
