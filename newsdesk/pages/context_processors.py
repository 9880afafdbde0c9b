"""Site-wide template context."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from newsdesk import conf


def site(request: HttpRequest) -> dict[str, Any]:
    return {"site_name": conf.get("SITE_NAME")}
