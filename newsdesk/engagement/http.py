"""Request handling shared by the reactions API call and the no-JS form."""

from __future__ import annotations

from django.http import HttpRequest

from newsdesk.newsroom.models import Story
from newsdesk.proxies import client_ip

from . import services
from .readers import reader_id_ensure


def reaction_from_request(
    request: HttpRequest, *, story: Story, kind: str | None
) -> tuple[dict[str, int], str, bool]:
    """Apply a reader's reaction; return the counts, the reader id and whether it is new.

    Raises ``RateLimited``, ``ValidationError`` or ``NotFound``.
    """
    reader, new = reader_id_ensure(request)
    services.reaction_rate_check(reader=reader, ip=client_ip(request))
    counts = services.reaction_set(story=story, reader=reader, kind=kind)
    return counts, reader, new
