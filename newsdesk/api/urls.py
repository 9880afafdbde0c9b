"""The API under /api/: ninja's calls, each behind the JSON error guard, then a JSON 404."""

from django.urls import re_path

from .api import api
from .errors import guarded, not_found

app_name = "api"

_patterns, _app, _namespace = api.urls
for _pattern in _patterns:
    _pattern.callback = guarded(_pattern.callback)  # type: ignore[union-attr]

urlpatterns = [*_patterns, re_path(r"^.*$", not_found, name="not-found")]
