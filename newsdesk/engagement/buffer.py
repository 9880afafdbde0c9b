"""Where counted reads wait before they are written in a batch.

In memory (one process) by default; in a Redis list when ``NEWSDESK_REDIS_URL``
is set, so reads counted by every process add up and any process may flush
them. A read is ``(story_id, reader, unix_time)``; ``reader`` is empty when the
reader refused tracking (the read counts, the history does not keep it).
"""

from __future__ import annotations

import functools
import json
import threading
import uuid
from abc import ABC, abstractmethod
from collections import deque

from django.dispatch import Signal

from newsdesk import conf

Read = tuple[int, str, float]

# Sent when more reads wait than NEWSDESK_VIEWS_FLUSH_THRESHOLD; the serving
# process's background worker flushes them (newsdesk/config/runtime.py).
reads_waiting = Signal()


class ReadBuffer(ABC):
    """Append reads from any thread; drain them all at once."""

    @abstractmethod
    def add(self, read: Read) -> int:
        """Buffer one read; return how many are waiting."""

    @abstractmethod
    def drain(self) -> list[Read]:
        """Remove and return every waiting read."""

    @abstractmethod
    def pending(self) -> int:
        """How many reads are waiting."""


class MemoryReadBuffer(ReadBuffer):
    def __init__(self) -> None:
        self._reads: deque[Read] = deque()
        self._lock = threading.Lock()

    def add(self, read: Read) -> int:
        with self._lock:
            self._reads.append(read)
            return len(self._reads)

    def drain(self) -> list[Read]:
        with self._lock:
            reads = list(self._reads)
            self._reads.clear()
        return reads

    def pending(self) -> int:
        return len(self._reads)


class RedisReadBuffer(ReadBuffer):
    KEY = "newsdesk:reads:pending"

    def __init__(self, url: str) -> None:
        import redis

        self._redis = redis.Redis.from_url(url)

    def add(self, read: Read) -> int:
        return int(self._redis.rpush(self.KEY, json.dumps(read)))

    def drain(self) -> list[Read]:
        # RENAME is atomic: reads pushed after it land in a new list, so two
        # processes flushing at once never take the same read twice.
        from redis.exceptions import ResponseError

        claimed = f"{self.KEY}:{uuid.uuid4().hex}"
        try:
            self._redis.rename(self.KEY, claimed)
        except ResponseError as error:
            if "no such key" in str(error).lower():
                return []
            raise
        pipe = self._redis.pipeline()
        pipe.lrange(claimed, 0, -1)
        pipe.delete(claimed)
        raw, _ = pipe.execute()
        return [tuple(json.loads(item)) for item in raw]

    def pending(self) -> int:
        return int(self._redis.llen(self.KEY))


@functools.lru_cache(maxsize=4)
def _buffer_for(url: str) -> ReadBuffer:
    return RedisReadBuffer(url) if url else MemoryReadBuffer()


def read_buffer() -> ReadBuffer:
    """This process's read buffer (shared through Redis when configured)."""
    return _buffer_for(conf.get_str("REDIS_URL"))
