"""Errors of reader endpoints; same shape as the newsroom's (``code`` and a sentence)."""

from __future__ import annotations

from newsdesk.newsroom.errors import NewsroomError


class RateLimited(NewsroomError):
    """Too many requests from this reader or address."""

    code = "rate_limited"
