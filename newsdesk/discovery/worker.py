"""The background worker of a serving process: flushes buffered reads and
recomputes Related lists, never inside a reader's request.

Started on first use (a read, a story change) when ``NEWSDESK_BACKGROUND`` is
on; ``newsdesk flushreads`` and ``newsdesk relatedrefresh`` do the same work
from the command line.
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

    def ensure_started(self) -> bool:
        if conf.get("BACKGROUND").strip() not in {"1", "true", "yes", "on"}:
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
        self._related.set()
        self.wake()

    def _run(self) -> None:
        from newsdesk.discovery.services import related_refresh
        from newsdesk.engagement.services import reads_flush

        while True:
            self._wake.wait(timeout=conf.get_float("VIEWS_FLUSH_SECONDS"))
            self._wake.clear()
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
    """Ask the worker to recompute Related lists (debounced); a no-op with the worker off."""
    _worker.related_soon()


def worker_started() -> None:
    """Start the periodic flushing in this process (when the worker is enabled)."""
    _worker.ensure_started()
