"""Site-wide template context."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from newsdesk import conf


def _root_sections() -> list[Any]:
    from newsdesk.newsroom.selectors import section_list

    return list(section_list(roots_only=True))


def site(request: HttpRequest) -> dict[str, Any]:
    # Lazy: the section query runs only on pages whose template shows the navigation.
    return {"site_name": conf.get("SITE_NAME"), "nav_sections": SimpleLazyObject(_root_sections)}
