"""Middleware of every request Django answers.

``RequestLogMiddleware``: a log line and a count per request. Streams,
``/healthz``, ``/readyz``, ``/metrics`` and cached pages are answered by the
edge (``newsdesk/live/edge.py``) and never reach Django, so they are neither
logged nor counted here. Static files are counted but not logged.

``DatabaseUnavailableMiddleware``: the database being unreachable is a 503
with a sentence, not a 500, wherever in the request it was found out.
"""

from __future__ import annotations

import logging
import sqlite3
import sys
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.template.loader import render_to_string

from newsdesk import conf
from newsdesk.live.metrics import COUNTERS
from newsdesk.proxies import client_ip

logger = logging.getLogger("newsdesk.request")


class RequestLogMiddleware:
    """Log method, path, status, duration (to the response's headers) and client at INFO.

    The client is the address ``newsdesk.proxies.client_ip`` believes, as
    everywhere else.
    """

    def __init__(self, get_response: Callable[[HttpRequest], Any]) -> None:
        self.get_response = get_response
        self.static_prefix = settings.STATIC_URL or "/static/"

    def __call__(self, request: HttpRequest) -> Any:
        started = time.perf_counter()
        response = self.get_response(request)
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
                "client": client_ip(request),
            },
        )


# --- the database unreachable ------------------------------------------------------

DB_DOWN_PAGE = "The database is not reachable, so this page cannot be shown. Try again in a moment."
DB_DOWN_ACTION = "The database is not reachable; nothing was saved. Try again in a moment."
RETRY_AFTER_SECONDS = 5
# SQLite reports a syntax error or a missing table as an OperationalError too,
# with the generic result code SQLITE_ERROR; that is a bug, not an outage
# (https://www.sqlite.org/rescode.html#error).
_SQLITE_ERROR = 1
_UNAVAILABLE = "newsdesk_database_unavailable"


def database_unavailable(error: BaseException | None) -> bool:
    """Whether ``error`` means the database cannot be reached or used just now.

    Connection failures, timeouts and locks (``OperationalError``,
    ``InterfaceError``), not programming errors.
    """
    if not isinstance(error, OperationalError | InterfaceError):
        return False
    cause = error.__cause__
    if isinstance(cause, sqlite3.Error):
        return getattr(cause, "sqlite_errorcode", None) != _SQLITE_ERROR
    return True


def unavailable_response(request: HttpRequest) -> HttpResponse:
    """The 503: JSON in the API's error format for /api/ and scripts, else a page.

    Rendered without the request's context processors: they read the session
    and the sections from the database.
    """
    detail = DB_DOWN_PAGE if request.method in {"GET", "HEAD"} else DB_DOWN_ACTION
    response: HttpResponse
    if _wants_json(request):
        response = JsonResponse({"error": "unavailable", "detail": detail}, status=503)
    else:
        page = render_to_string(
            "503.html",
            {"detail": detail, "site_name": conf.get("SITE_NAME"), "nav_sections": ()},
        )
        response = HttpResponse(page, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def _wants_json(request: HttpRequest) -> bool:
    if request.path.startswith("/api/"):
        return True
    accept = request.headers.get("Accept", "")
    return "application/json" in accept and "text/html" not in accept


def _note_unavailable(sender: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
    # Sent while Django handles an exception that no view handler caught (one
    # raised by a middleware, say the session's save): remember it, so
    # DatabaseUnavailableMiddleware can replace the 500 that follows.
    error = sys.exc_info()[1]
    if request is not None and database_unavailable(error):
        setattr(request, _UNAVAILABLE, error)


got_request_exception.connect(_note_unavailable, dispatch_uid="newsdesk-database-unavailable")


class DatabaseUnavailableMiddleware:
    """Answer 503 with ``Retry-After`` and a sentence when the database is unreachable.

    ``process_exception`` catches what a view raises, and logs it once at
    ERROR with the traceback. Django turns an exception raised by a middleware
    into a 500 at that middleware (``convert_exception_to_response``), before
    any outer middleware sees it: those are noted when Django reports them
    (``got_request_exception``, logged by ``django.request`` at ERROR with the
    traceback) and their 500 is replaced here. Place this second, inside
    ``RequestLogMiddleware`` and outside the rest.
    """

    def __init__(self, get_response: Callable[[HttpRequest], Any]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> Any:
        return self._replace(request, self.get_response(request))

    def _replace(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        if response.status_code != 500 or not hasattr(request, _UNAVAILABLE):
            return response
        answer = unavailable_response(request)
        # Keep the headers the inner middleware gave the 500 (security, CSP, Vary).
        for name, value in response.headers.items():
            if name.lower() not in {"content-type", "content-length"}:
                answer.headers.setdefault(name, value)
        answer._has_been_logged = True  # type: ignore[attr-defined] # django.request did
        return answer

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not database_unavailable(exception):
            return None
        logger.error(
            "Database unavailable: %s %s answered 503: %s",
            request.method,
            request.path,
            exception,
            exc_info=exception,
            extra={"method": request.method, "path": request.path, "status": 503},
        )
        response = unavailable_response(request)
        # Logged above, with the traceback; Django would log the 503 again without it.
        response._has_been_logged = True  # type: ignore[attr-defined]
        return response
