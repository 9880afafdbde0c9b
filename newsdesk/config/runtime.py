"""What a serving process runs beside its requests, in one object.

The ASGI lifespan (``newsdesk.live.edge.Edge``) builds one :class:`Runtime`
per process, starts it before the first request and stops it at shutdown:
the hub (fan-out), the broker feeding it, the background worker thread, the
page cache and the media files (open descriptors of renditions). The edge
uses it directly and leaves it in the lifespan state, where uvicorn hands it
to the protocols ``newsdesk serve`` runs (``uvicorn_compat.runtime_of``):
nothing reaches it through a module-level global.

The one process-wide hook left is the broker's: services publish after commit
from Django's threads, which hold no reference to the runtime
(``newsdesk.live.brokers.broker_install``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterator
from typing import Any

from newsdesk import conf
from newsdesk.discovery.signals import related_stale
from newsdesk.discovery.worker import Worker
from newsdesk.engagement.buffer import reads_waiting
from newsdesk.live.brokers import broker_from_settings, broker_install, broker_uninstall
from newsdesk.live.hub import Hub
from newsdesk.live.streams import StreamLimits
from newsdesk.media.files import PREFIX as MEDIA_PREFIX
from newsdesk.media.files import MediaFiles, media_root
from newsdesk.pages.edgecache import PageCache

from .uvicorn_compat import EarlyAnswer, EarlyRequest

logger = logging.getLogger(__name__)


def worker_build() -> Worker:
    """The background worker with its work: flushing reads, recomputing Related."""
    return Worker(flush=_reads_flush, related=_related_refresh)


# Imported when the worker first runs them, in its own thread: Related's
# modules bring in numpy and scikit-learn, seconds that start-up need not wait.
def _reads_flush() -> int:
    from newsdesk.engagement.services import reads_flush

    return reads_flush()


def _related_refresh() -> Any:
    from newsdesk.discovery.services import related_refresh

    return related_refresh()


def worker_connect(worker: Worker) -> None:
    """Let the worker hear that reads are waiting and that Related lists went stale."""
    reads_waiting.connect(worker.wake, weak=False, dispatch_uid=id(worker))
    related_stale.connect(worker.related_soon, weak=False, dispatch_uid=id(worker))


def worker_disconnect(worker: Worker) -> None:
    reads_waiting.disconnect(dispatch_uid=id(worker))
    related_stale.disconnect(dispatch_uid=id(worker))


@contextlib.contextmanager
def worker_running() -> Iterator[Worker]:
    """A started, connected background worker, stopped after (tests; a one-off process)."""
    worker = worker_build()
    worker_connect(worker)
    worker.start()
    try:
        yield worker
    finally:
        worker.stop()
        worker_disconnect(worker)


class Runtime:
    """A serving process's hub, broker, background worker, page cache and media files."""

    def __init__(self, *, app: Any) -> None:
        self.limits = StreamLimits.from_settings()
        self.header_timeout = conf.get_float("HEADER_TIMEOUT_SECONDS")
        self.hub = Hub(
            poll_seconds=conf.get_float("LOG_POLL_SECONDS"),
            heartbeat_seconds=conf.get_float("HEARTBEAT_SECONDS"),
        )
        self.broker = broker_from_settings()
        self.worker = worker_build()
        self.pages = PageCache(app, hub=self.hub)
        self.media = MediaFiles(media_root())

    async def start(self) -> None:
        """Start the hub, then the broker feeding it, then the worker."""
        await self.hub.start()
        await self.broker.start(self.hub.deliver, on_reconnect=self.hub.resync)
        broker_install(self.broker)
        # Flushing buffered reads and recomputing Related run beside the
        # streams, never inside a reader's request.
        worker_connect(self.worker)
        self.worker.start()

    async def stop(self) -> None:
        """Close every stream (clients reconnect elsewhere); stop the broker and the worker."""
        await self.hub.stop()
        broker_uninstall(self.broker)
        await self.broker.stop()
        worker_disconnect(self.worker)
        await asyncio.to_thread(self.worker.stop)
        self.media.close()

    def early(self, request: EarlyRequest) -> EarlyAnswer | None:
        """The answer to a request head that needs no ASGI request, or None (``newsdesk serve``)."""
        if request.target.startswith(MEDIA_PREFIX):
            return self.media.early(request)
        return self.pages.early(request)
