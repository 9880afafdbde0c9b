"""A log line and a count for every request Django answers.

Streams, ``/healthz``, ``/readyz``, ``/metrics`` and cached pages are answered
by the edge (``newsdesk/live/edge.py``) and never reach Django, so they are
neither logged nor counted here. Static files are counted but not logged.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.conf import settings
from django.http import HttpRequest, HttpResponseBase

from newsdesk.live.metrics import COUNTERS

logger = logging.getLogger("newsdesk.request")


class RequestLogMiddleware:
    """Log method, path, status and duration (to the response's headers) at INFO."""

    sync_capable = True
    async_capable = True

    def __init__(self, get_response: Callable[[HttpRequest], Any]) -> None:
        self.get_response = get_response
        self.static_prefix = settings.STATIC_URL or "/static/"
        self.async_mode = iscoroutinefunction(get_response)
        if self.async_mode:
            markcoroutinefunction(self)

    def __call__(self, request: HttpRequest) -> Any:
        if self.async_mode:
            return self._acall(request)
        started = time.perf_counter()
        response = self.get_response(request)
        self._record(request, response, started)
        return response

    async def _acall(self, request: HttpRequest) -> HttpResponseBase:
        started = time.perf_counter()
        response = await self.get_response(request)
        self._record(request, response, started)
        return response

    def _record(self, request: HttpRequest, response: HttpResponseBase, started: float) -> None:
        COUNTERS.http_response(response.status_code)
        if request.path.startswith(self.static_prefix) or not logger.isEnabledFor(logging.INFO):
            return
        duration_ms = round((time.perf_counter() - started) * 1000, 1)
        logger.info(
            "%s %s %s %.1f ms",
            request.method,
            request.path,
            response.status_code,
            duration_ms,
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": duration_ms,
            },
        )
