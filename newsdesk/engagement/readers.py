"""Who is asking: the reader cookie, privacy signals, same-origin checks.

The client's address is ``newsdesk.proxies.client_ip``.
"""

from __future__ import annotations

import re
import secrets
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse

READER_COOKIE = "nd_reader"
READER_COOKIE_AGE = 365 * 24 * 3600
_READER_ID = re.compile(r"^[A-Za-z0-9_-]{16,32}$")
# The cookie holds the id signed with the site's secret key, so a reader id is
# one the server issued, never any string of the right shape a client makes up.
_SALT = "newsdesk.engagement.reader"


def reader_id_new() -> str:
    """A fresh random reader id (22 URL-safe characters, 128 bits)."""
    return secrets.token_urlsafe(16)


def reader_cookie_value(reader: str) -> str:
    """What the ``nd_reader`` cookie holds for ``reader``: the id and its signature."""
    return signing.Signer(salt=_SALT).sign(reader)


def reader_id_get(request: HttpRequest) -> str | None:
    """The reader id the ``nd_reader`` cookie carries, or None when absent or not signed here."""
    value = request.COOKIES.get(READER_COOKIE, "")
    if not value:
        return None
    try:
        reader = signing.Signer(salt=_SALT).unsign(value)
    except signing.BadSignature:
        return None
    return reader if _READER_ID.match(reader) else None


def reader_id_ensure(request: HttpRequest) -> tuple[str, bool]:
    """The reader's id and whether it is new (and so must be set on the response)."""
    existing = reader_id_get(request)
    if existing:
        return existing, False
    return reader_id_new(), True


def reader_cookie_set(response: HttpResponse, reader: str) -> None:
    """Set the first-party reader cookie: random, signed, HttpOnly, SameSite=Lax."""
    response.set_cookie(
        READER_COOKIE,
        reader_cookie_value(reader),
        max_age=READER_COOKIE_AGE,
        httponly=True,
        samesite="Lax",
        secure=bool(getattr(settings, "PRODUCTION", False)),
    )


def tracking_refused(request: HttpRequest) -> bool:
    """Whether the browser asks not to be tracked (``DNT: 1`` or ``Sec-GPC: 1``)."""
    return (
        request.headers.get("DNT", "").strip() == "1"
        or request.headers.get("Sec-GPC", "").strip() == "1"
    )


def request_same_origin(request: HttpRequest) -> bool:
    """Whether a state-changing request comes from this site's own pages.

    Reader endpoints are identified by a cookie, so a cross-site form or script
    must not be able to use them (CSRF). Browsers send ``Sec-Fetch-Site`` and
    ``Origin`` with such requests; a request carrying neither is not from a
    browser page (a script or curl) and cannot ride on a victim's cookie.
    """
    fetch_site = request.headers.get("Sec-Fetch-Site", "").lower()
    if fetch_site in {"cross-site", "same-site"}:
        return False
    origin = request.headers.get("Origin")
    if not origin:
        return True
    if origin == "null":
        return False
    parts = urlsplit(origin)
    if f"{parts.scheme}://{parts.netloc}" in settings.CSRF_TRUSTED_ORIGINS:
        return True
    return parts.netloc.lower() == request.get_host().lower() and parts.scheme == request.scheme
