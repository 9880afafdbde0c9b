"""The background worker of a serving process: flushes buffered reads and
recomputes Related lists, never inside a reader's request.

Started by the serving process (``worker_started``: the ASGI lifespan, the
read beacon) when ``NEWSDESK_BACKGROUND`` is on; ``newsdesk flushreads`` and
``newsdesk relatedrefresh`` do the same work from the command line.
"""

from __future__ import annotations

import logging
import threading

from django.db import close_old_connections, connections

from newsdesk import conf

logger = logging.getLogger(__name__)

# Changes often come in bursts (a story and its first entries): wait this long
# after a change before recomputing, so one refresh covers the burst.
RELATED_DEBOUNCE_SECONDS = 2.0


class Worker:
    """One daemon thread per process; ``wake`` makes it flush now."""

    def __init__(self) -> None:
        self._wake = threading.Event()
        self._related = threading.Event()
        self._start_lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self.cycles = 0

    @staticmethod
    def enabled() -> bool:
        return conf.get("BACKGROUND").strip().lower() in {"1", "true", "yes", "on"}

    def ensure_started(self) -> bool:
        if not self.enabled():
            return False
        with self._start_lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="newsdesk-discovery-worker", daemon=True
                )
                self._thread.start()
        return True

    def wake(self) -> None:
        if self.ensure_started():
            self._wake.set()

    def related_soon(self) -> None:
        # Only a process that already runs the worker (a server) does the work;
        # a management command or a test process leaves it to its own caller.
        self._related.set()
        if self._thread is not None and self._thread.is_alive():
            self._wake.set()

    def _run(self) -> None:
        from newsdesk.discovery.services import related_refresh
        from newsdesk.engagement.services import reads_flush

        while True:
            self._wake.wait(timeout=conf.get_float("VIEWS_FLUSH_SECONDS"))
            self._wake.clear()
            if not self.enabled():
                return  # switched off (tests do); the next use starts it again
            close_old_connections()
            try:
                reads_flush()
                if self._related.is_set():
                    self._wake.wait(timeout=RELATED_DEBOUNCE_SECONDS)
                    self._wake.clear()
                    self._related.clear()
                    related_refresh()
            except Exception:
                # The loop must survive a database outage; the next cycle retries.
                logger.exception("background discovery work failed")
            finally:
                connections.close_all()
                self.cycles += 1


_worker = Worker()


def worker_wake() -> None:
    """Ask the worker to flush buffered reads now."""
    _worker.wake()


def related_refresh_soon() -> None:
    """Ask this process's worker to recompute Related lists (debounced), once it runs."""
    _worker.related_soon()


def worker_started() -> None:
    """Start the periodic flushing in this process (when the worker is enabled)."""
    _worker.ensure_started()
