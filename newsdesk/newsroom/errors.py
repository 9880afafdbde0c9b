"""Errors the newsroom services raise; every one carries a sentence for people."""

from __future__ import annotations


class NewsroomError(Exception):
    """Base class: ``code`` is machine-readable, ``str(error)`` is for people."""

    code = "invalid"

    def __init__(self, detail: str, *, field: str | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.field = field


class ValidationError(NewsroomError):
    """The input is not acceptable (too long, empty, wrong status...)."""

    code = "invalid"


class ConflictError(NewsroomError):
    """Somebody else changed the thing since it was read (stale version)."""

    code = "conflict"


class PermissionDenied(NewsroomError):
    """The user's role does not allow this."""

    code = "forbidden"


class NotFound(NewsroomError):
    """The thing does not exist (or is not visible to this user)."""

    code = "not_found"
