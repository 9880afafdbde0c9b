"""Django-side answer of the stream endpoint.

In production the ASGI edge answers ``/stories/<id>/events`` before Django
sees it. A request that does reach Django (the test client, a WSGI server)
gets a finite stream: the events after its position, then the end, so the
client reconnects and resumes from the log.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_GET

from newsdesk import conf

from . import kinds, log, sse
from .edge import PREAMBLE, Invalid, stream_position


@require_GET
def stream(request: HttpRequest, story_id: int) -> HttpResponse:
    last_event_id = request.headers.get("Last-Event-ID")
    try:
        position = stream_position(
            query_string=request.META.get("QUERY_STRING", "").encode("latin-1", "replace"),
            last_event_id=last_event_id.encode("latin-1", "replace") if last_event_id else None,
        )
    except Invalid as error:
        return JsonResponse({"error": "invalid", "detail": str(error)}, status=400)
    after = position if isinstance(position, int) else None
    limit = conf.get_int("REPLAY_LIMIT")
    opening = log.stream_opening(story_id=story_id, after=after, limit=limit)
    if opening is None:
        return JsonResponse(
            {"error": "not_found", "detail": "There is no such live story."}, status=404
        )
    head, events = opening
    parts = [PREAMBLE.raw]
    if position == "reset" or events is None:
        reason = "invalid" if position == "reset" else ("ahead" if after > head else "behind")
        parts.append(sse.encode_json(event=kinds.RESET, data={"reason": reason}))
    else:
        parts.extend(sse.encode_json(event=e["kind"], data=e["data"], id=e["seq"]) for e in events)
    response = HttpResponse(b"".join(parts), content_type="text/event-stream; charset=utf-8")
    response["Cache-Control"] = "no-store"
    response["X-Accel-Buffering"] = "no"
    return response
