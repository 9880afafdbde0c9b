"""Django's answer at the stream's URL: a pointer to the edge.

The story event stream is answered by the ASGI edge (``newsdesk serve``, or
``newsdesk.config.asgi:application`` under any ASGI server) before Django
sees the request. A request that reaches Django here came through a server
that runs Django alone (WSGI, the test client): it gets a sentence instead
of a second implementation of the stream.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_GET


@require_GET
def stream(request: HttpRequest, story_id: int) -> HttpResponse:
    response = JsonResponse(
        {
            "error": "unavailable",
            "detail": "Live updates are served by newsdesk serve or another ASGI server running"
            " newsdesk.config.asgi:application; this server runs Django alone.",
        },
        status=404,
    )
    response["Cache-Control"] = "no-store"
    return response
