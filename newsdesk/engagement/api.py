"""The reader-facing API calls of engagement (reactions), mounted under /api/.

No token: the reader is the first-party ``nd_reader`` cookie, so only requests
from this site's own pages are accepted (``Origin`` / ``Sec-Fetch-Site``).
"""

from __future__ import annotations

import json

from django.http import HttpRequest, JsonResponse
from ninja import Router

from newsdesk.newsroom.errors import NewsroomError
from newsdesk.newsroom.models import Story

from .http import reaction_from_request
from .readers import reader_cookie_set, reader_id_get, request_same_origin
from .selectors import reaction_counts, reaction_of_reader

router = Router(tags=["reactions"])

STATUS = {"invalid": 400, "forbidden": 403, "not_found": 404, "rate_limited": 429}
BODY_MAX = 1024


def _error(status: int, code: str, detail: str) -> JsonResponse:
    return JsonResponse({"error": code, "detail": detail}, status=status)


def _visible_story(story_id: int) -> Story | None:
    if not 0 < story_id < 2**63:
        return None
    return Story.objects.filter(pk=story_id, status__in=Story.VISIBLE_STATUSES).first()


_REACTION_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "kind": {
                            "type": ["string", "null"],
                            "description": "A reaction kind; null or empty removes the reader's reaction.",
                        }
                    },
                    "required": ["kind"],
                }
            }
        },
    }
}


@router.get(
    "/stories/{story_id}/reactions",
    summary="Reaction counts and this reader's own reaction",
    response={200: dict, 404: dict},
)
def reactions_get(request: HttpRequest, story_id: int) -> JsonResponse:
    story = _visible_story(story_id)
    if story is None:
        return _error(404, "not_found", "There is no such story.")
    response = JsonResponse(
        {
            "counts": reaction_counts(story_id=story.pk),
            "mine": reaction_of_reader(story_id=story.pk, reader=reader_id_get(request)),
        }
    )
    response["Cache-Control"] = "private, no-store"
    return response


@router.post(
    "/stories/{story_id}/reactions",
    summary="Set, change or remove this reader's reaction",
    description=(
        'Body {"kind": "<kind>"}; null or "" removes it. The reader is the nd_reader '
        "cookie (set on first use); only same-origin requests are accepted. Returns "
        '{"counts": {kind: n}, "mine": kind or null}.'
    ),
    response={200: dict, 400: dict, 403: dict, 404: dict, 429: dict},
    openapi_extra=_REACTION_BODY,
)
def reactions_post(request: HttpRequest, story_id: int) -> JsonResponse:
    if not request_same_origin(request):
        return _error(403, "forbidden", "Reactions are only accepted from this site's pages.")
    story = _visible_story(story_id)
    if story is None:
        return _error(404, "not_found", "There is no such story.")
    if len(request.body) > BODY_MAX:
        return _error(400, "invalid", "The request body is too large.")
    try:
        payload = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        return _error(400, "invalid", 'The body must be JSON like {"kind": "informative"}.')
    if not isinstance(payload, dict) or "kind" not in payload:
        return _error(400, "invalid", 'The body must be JSON like {"kind": "informative"}.')
    try:
        counts, reader, new = reaction_from_request(request, story=story, kind=payload["kind"])
    except NewsroomError as error:
        return _error(STATUS.get(error.code, 400), error.code, error.detail)
    response = JsonResponse({"counts": counts, "mine": payload["kind"] or None})
    response["Cache-Control"] = "private, no-store"
    if new:
        reader_cookie_set(response, reader)
    return response
