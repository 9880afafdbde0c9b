"""Creating, checking and revoking API tokens."""

from __future__ import annotations

import datetime
import hashlib
import logging
import secrets
from typing import Any

from django.db import InterfaceError, OperationalError, transaction
from django.utils import timezone

from .models import ApiToken

logger = logging.getLogger(__name__)

TOKEN_PREFIX = "nd_"


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def token_create(
    *, user: Any, name: str = "", expires_in: datetime.timedelta | None = None
) -> tuple[ApiToken, str]:
    """Create a token for ``user``; returns the row and the raw token (shown once)."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=raw[:10],
        digest=_digest(raw),
        expires_at=timezone.now() + expires_in if expires_in else None,
    )
    return token, raw


def token_authenticate(*, raw: str) -> Any | None:
    """The active user behind a raw token, or None (unknown, expired, revoked)."""
    if not raw or len(raw) > 200:
        return None
    token = ApiToken.objects.select_related("user__journalist").filter(digest=_digest(raw)).first()
    if token is None or not token.is_usable() or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > datetime.timedelta(minutes=1):
        _token_mark_used(token=token, now=now)
    return token.user


def _token_mark_used(*, token: ApiToken, now: datetime.datetime) -> None:
    """Record when the token was last used, best effort.

    A database that can be read but not written (SQLite with another writer
    holding the lock) must not fail a call that only reads; the call itself
    still fails if it writes. The savepoint keeps a caller's transaction usable
    on PostgreSQL after the failed update.
    """
    try:
        with transaction.atomic():
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    except (OperationalError, InterfaceError) as error:
        logger.warning("Could not record the use of API token %s: %s", token.prefix, error)


def token_revoke(*, token: ApiToken) -> None:
    """Revoke a token at once."""
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
