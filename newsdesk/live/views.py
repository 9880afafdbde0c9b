"""Django-side fallback of the stream endpoint (the edge answers it in production)."""

from django.http import HttpRequest, HttpResponse


def stream(request: HttpRequest, story_id: int) -> HttpResponse:
    return HttpResponse(status=503)
