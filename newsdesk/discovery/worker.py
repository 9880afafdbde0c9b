"""The background worker of a serving process: flushes buffered reads and
recomputes Related lists, never inside a reader's request.

The process's runtime (``newsdesk/config/runtime.py``) builds one, gives it
the work to do, starts it with the ASGI lifespan and stops it at shutdown;
``newsdesk flushreads`` and ``newsdesk relatedrefresh`` do the same work
from the command line. The worker imports none of the work it runs.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from django.db import close_old_connections, connections

from newsdesk import conf

logger = logging.getLogger(__name__)

# Changes often come in bursts (a story and its first entries): wait this long
# after a change before recomputing, so one refresh covers the burst.
RELATED_DEBOUNCE_SECONDS = 2.0
STOP_SECONDS = 10.0  # longest shutdown waits for a cycle in progress


class Worker:
    """One thread: ``flush`` every ``VIEWS_FLUSH_SECONDS`` or when woken, ``related`` when asked."""

    def __init__(self, *, flush: Callable[[], Any], related: Callable[[], Any]) -> None:
        self.flush = flush
        self.related = related
        self._wake = threading.Event()
        self._related = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self.cycles = 0

    @staticmethod
    def enabled() -> bool:
        return conf.get("BACKGROUND").strip().lower() in {"1", "true", "yes", "on"}

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> bool:
        """Start the thread when ``NEWSDESK_BACKGROUND`` is on; True when it runs."""
        if not self.enabled():
            return False
        if not self.running:
            self._stopping.clear()
            self._thread = threading.Thread(
                target=self._run, name="newsdesk-background-worker", daemon=True
            )
            self._thread.start()
        return True

    def stop(self) -> None:
        """Stop the thread after its current cycle (blocking: call it from a thread)."""
        thread, self._thread = self._thread, None
        self._stopping.set()
        self._wake.set()
        if thread is not None:
            thread.join(STOP_SECONDS)
            if thread.is_alive():
                logger.warning("The background worker did not stop within %s s", STOP_SECONDS)

    def wake(self, **kwargs: Any) -> None:
        """Flush now (a signal receiver: the read buffer is full)."""
        if self.running:
            self._wake.set()

    def related_soon(self, **kwargs: Any) -> None:
        """Recompute Related lists after the debounce (a signal receiver: content changed)."""
        self._related.set()
        if self.running:
            self._wake.set()

    def _run(self) -> None:
        while not self._stopping.is_set():
            self._wake.wait(timeout=conf.get_float("VIEWS_FLUSH_SECONDS"))
            self._wake.clear()
            close_old_connections()
            try:
                self.flush()  # also at shutdown: buffered reads are written, not lost
                if self._related.is_set() and not self._stopping.is_set():
                    self._wake.wait(timeout=RELATED_DEBOUNCE_SECONDS)
                    self._wake.clear()
                    self._related.clear()
                    self.related()
            except Exception:
                # The loop must survive a database outage; the next cycle retries.
                logger.exception("background discovery work failed")
            finally:
                connections.close_all()
                self.cycles += 1
